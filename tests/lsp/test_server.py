"""`simgame lsp` as an editor meets it: started as a subprocess, spoken to in LSP by pytest-lsp's client."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from simgame.analysis.outcomes.cache import ensure_map
from simgame.format.loader import load_scenario
from simgame.lsp.server import FIGURES_COMMAND
from tests.lsp.helpers import TINY_TEXT, variant, where
from tests.support import DATA, TINY

PUBLISHED = "textDocument/publishDiagnostics"
PATIENCE = 120.0  # a safety net for a hung server, never a measure of speed


@pytest_asyncio.fixture
async def client() -> AsyncIterator[LanguageClient]:
    lsp = make_test_lsp_client()
    await lsp.start_io(sys.executable, "-m", "simgame", "lsp", env=dict(os.environ))
    await lsp.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield lsp
    await lsp.shutdown_session()


def open_file(lsp: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.resolve().as_uri()
    body = path.read_text(encoding="utf-8") if text is None else text
    lsp.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, body)))
    return uri


async def diagnostics(lsp: LanguageClient, uri: str) -> list[types.Diagnostic]:
    async def arrive() -> list[types.Diagnostic]:
        while uri not in lsp.diagnostics:
            await lsp.wait_for_notification(PUBLISHED)
        return list(lsp.diagnostics[uri])

    return await asyncio.wait_for(arrive(), PATIENCE)


def at(uri: str, text: str, needle: str, nth: int = 0) -> types.TextDocumentPositionParams:
    line, col = where(text, needle, nth)
    return types.TextDocumentPositionParams(types.TextDocumentIdentifier(uri), types.Position(line, col))


def write(tmp_path: Path, text: str, name: str = "draft.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_problems_as_you_type_with_codes_hints_and_severity(client: LanguageClient, tmp_path: Path) -> None:
    text = variant("next: crisis", "next: crisys")
    uri = open_file(client, write(tmp_path, text), text)
    found = await diagnostics(client, uri)
    typo = next(d for d in found if d.code == "SG300")
    assert typo.severity == types.DiagnosticSeverity.Error and typo.source == "simgame"
    assert "hint: did you mean `crisis`?" in typo.message
    line, col = where(text, "crisys", into=0)
    assert (typo.range.start.line, typo.range.start.character, typo.range.end.character) == (line, col, col + 6)

    client.diagnostics.pop(uri)
    fixed = variant("        feedback: Applause.\n", "")  # the typo fixed, a choice left without feedback
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    after = await diagnostics(client, uri)
    assert "SG607" in [d.code for d in after] and "SG300" not in [d.code for d in after]
    assert {d.severity for d in after} == {types.DiagnosticSeverity.Warning}


async def test_one_broken_file_never_holds_up_another(client: LanguageClient, tmp_path: Path) -> None:
    broken = open_file(client, write(tmp_path, "format: simgame/v1\nscenes: [unclosed\n", "broken.yaml"))
    good = open_file(client, TINY)
    assert [d.code for d in await diagnostics(client, broken)] == ["SG103"]
    assert await diagnostics(client, good) == []


async def test_hover_on_fields_and_ids(client: LanguageClient) -> None:
    uri = open_file(client, TINY)

    async def shown(needle: str, nth: int = 0) -> str:
        p = at(uri, TINY_TEXT, needle, nth)
        found = await client.text_document_hover_async(types.HoverParams(p.text_document, p.position))
        assert found is not None, needle
        assert isinstance(found.contents, types.MarkupContent)
        return found.contents.value

    assert "a number from 0 to 1, or an expression" in await shown("chance:")
    assert "Rollout" in await shown("rollout")
    assert "Crisis" in await shown("crisis")
    assert "Announce success at the town hall" in await shown("celebrate")
    assert "starts at 30" in await shown("risk / 200")
    assert "A named owner may switch the model off" in await shown("owner", 1)
    term = await shown("pilot-purgatory")
    assert "never reach everyday operations" in term and "Why it matters" in term


async def test_definition_and_references(client: LanguageClient) -> None:
    uri = open_file(client, TINY)
    p = at(uri, TINY_TEXT, "rollout")
    found = await client.text_document_definition_async(types.DefinitionParams(p.text_document, p.position))
    assert isinstance(found, types.Location)
    assert found.range.start.line == where(TINY_TEXT, "  rollout:")[0]

    p = at(uri, TINY_TEXT, "pilot-purgatory")
    found = await client.text_document_definition_async(types.DefinitionParams(p.text_document, p.position))
    assert isinstance(found, types.Location)
    assert found.uri == (DATA / "glossary.yaml").resolve().as_uri()
    glossary = (DATA / "glossary.yaml").read_text(encoding="utf-8")
    assert found.range.start.line == where(glossary, "  pilot-purgatory:")[0]

    p = at(uri, TINY_TEXT, "owner", 1)
    for include, count in ((True, 5), (False, 4)):
        refs = await client.text_document_references_async(
            types.ReferenceParams(
                context=types.ReferenceContext(include_declaration=include),
                text_document=p.text_document,
                position=p.position,
            )
        )
        assert refs is not None and len(refs) == count


async def test_term_references_reach_the_glossary_and_the_scenarios_sharing_it(client: LanguageClient) -> None:
    uri = open_file(client, TINY)
    p = at(uri, TINY_TEXT, "pilot-purgatory")
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True), text_document=p.text_document, position=p.position
        )
    )
    files = {Path(r.uri).name for r in refs or []}
    assert {"tiny.yaml", "intro.yaml", "glossary.yaml"} <= files


async def test_a_glossary_file_is_checked_and_hovered(client: LanguageClient, tmp_path: Path) -> None:
    glossary = (DATA / "glossary.yaml").read_text(encoding="utf-8")
    good = open_file(client, DATA / "glossary.yaml")
    assert await diagnostics(client, good) == []
    p = at(good, glossary, "why_it_matters")
    shown = await client.text_document_hover_async(types.HoverParams(p.text_document, p.position))
    assert shown is not None and "what a leader does about it" in str(shown.contents)
    bad = write(tmp_path, glossary.replace("    definition:", "    defintion:", 1), "glossary.yaml")
    found = await diagnostics(client, open_file(client, bad))
    assert "SG201" in [d.code for d in found]


async def test_completion_of_ids(client: LanguageClient, tmp_path: Path) -> None:
    text = variant("next: crisis", "next: cr").replace("when: value >= 40", "when: chose(ke")
    uri = open_file(client, write(tmp_path, text), text)

    async def labels(needle: str) -> list[str]:
        line, col = where(text, needle, into=len(needle))
        found = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(line, col))
        )
        assert isinstance(found, types.CompletionList)
        return [item.label for item in found.items]

    assert {"crisis", "rollout", "end"} <= set(await labels("next: cr"))
    assert "keep-running" in await labels("chose(ke")
    assert "pilot-purgatory" in await labels("terms: [")
    assert {"owner", "rushed"} <= set(await labels("set: ["))


async def test_rename_across_the_file_and_refusal(client: LanguageClient) -> None:
    uri = open_file(client, TINY)
    p = at(uri, TINY_TEXT, "rollout")
    edit = await client.text_document_rename_async(types.RenameParams(p.text_document, p.position, "go-live"))
    assert edit is not None and edit.changes is not None
    assert len(edit.changes[uri]) == 4 and {e.new_text for e in edit.changes[uri]} == {"go-live"}
    with pytest.raises(Exception, match="already a scene called `incident`"):
        await client.text_document_rename_async(types.RenameParams(p.text_document, p.position, "incident"))
    field = at(uri, TINY_TEXT, "phase:")
    with pytest.raises(Exception, match="field name"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(field.text_document, field.position))


async def test_code_lens_reads_the_outcome_map(client: LanguageClient) -> None:
    maps = Path(os.environ["SIMGAME_MAPS"])
    assert not isinstance(await asyncio.to_thread(ensure_map, maps, load_scenario(TINY)), str)
    uri = open_file(client, TINY)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert lenses is not None and len(lenses) == 3
    first = lenses[0].command
    assert first is not None and first.title.startswith("on arrival: reachable")
    assert "name-owner" in first.title and "(best)" in first.title
    shown = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=FIGURES_COMMAND, arguments=list(first.arguments or []))
    )
    assert "best final score still reachable" in str(shown)


async def test_code_lens_without_a_map_says_how_to_make_one(client: LanguageClient, tmp_path: Path) -> None:
    text = variant("title: The Tiny Pilot", "title: The Tiny Pilot, a version never explored")
    path = write(tmp_path, text)
    uri = open_file(client, path, text)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert lenses is not None and len(lenses) == 3
    assert all(
        lens.command is not None and lens.command.title == f"run `simgame explore {path}` to see figures"
        for lens in lenses
    )
