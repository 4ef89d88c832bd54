"""`simgame lsp`: the language server for scenario files, on pygls (stdio).

Checks run in worker threads, one document at a time each, debounced while the author types,
so a slow or broken file never delays another's diagnostics or any hover.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path
from pygls.workspace import TextDocument

from simgame import __version__
from simgame.format.diagnostics import make
from simgame.format.loader import scenario_files
from simgame.lsp import edits, info
from simgame.lsp.checks import Checked, check_document
from simgame.lsp.documents import Debouncer, Documents, from_position, fs_path, to_lsp, to_range
from simgame.lsp.lens import SceneFigures, figures, find_map, missing_map_title
from simgame.lsp.symbols import Index, Occurrence
from simgame.lsp.terms import Terms, glossary_for, terms_for

FIGURES_COMMAND = "simgame.sceneFigures"
REQUEST_FAILED = -32803  # LSP's RequestFailed: the request was valid but cannot be carried out
_COMPLETION_KINDS = {
    "scene": types.CompletionItemKind.Module,
    "ending": types.CompletionItemKind.EnumMember,
    "choice": types.CompletionItemKind.Event,
    "metric": types.CompletionItemKind.Variable,
    "flag": types.CompletionItemKind.Constant,
    "term": types.CompletionItemKind.Text,
    "function": types.CompletionItemKind.Function,
    "keyword": types.CompletionItemKind.Keyword,
}


class ScenarioServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("simgame", __version__)
        self.docs = Documents()
        self.open: set[str] = set()
        self.debounce = Debouncer(self.check_quietly)
        self.figures: dict[str, dict[str, SceneFigures]] = {}

    def document(self, uri: str) -> TextDocument:
        return self.workspace.get_text_document(uri)

    def name_of(self, uri: str) -> tuple[Path | None, str]:
        path = fs_path(uri)
        return path, str(path) if path is not None else uri

    async def check(self, uri: str) -> Checked | None:
        """Check the document's current text and publish its problems (unless it changed meanwhile)."""
        if uri not in self.open:
            return None
        doc = self.document(uri)
        version, text = doc.version, doc.source
        path, name = self.name_of(uri)
        try:
            checked = await asyncio.to_thread(check_document, text, path, name)
        except Exception as exc:  # a bug must not silence every other file: say so on this one
            problem = f"simgame could not check this file ({type(exc).__name__}: {exc}); other files are unaffected"
            checked = Checked([make("SG100", problem, file=name)])
        if uri not in self.open or self.document(uri).version != version:
            return None
        self.docs.checks[uri] = (version, checked)
        found = [to_lsp(doc, d, name) for d in checked.diagnostics]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
        )
        return checked

    async def check_quietly(self, uri: str) -> None:
        await self.check(uri)

    async def checked(self, uri: str) -> Checked | None:
        doc = self.document(uri)
        found = self.docs.checks.get(uri)
        if found is not None and found[0] == doc.version:
            return found[1]
        return await self.check(uri)

    def terms(self, uri: str) -> Terms:
        return terms_for(self.name_of(uri)[0])

    def lookup(self, uri: str, position: types.Position) -> tuple[TextDocument, Index, Occurrence | None]:
        doc = self.document(uri)
        index = self.docs.index(doc)
        line, col = from_position(doc, position)
        return doc, index, index.at(line, col)


server = ScenarioServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ScenarioServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.open.add(params.text_document.uri)
    await ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ScenarioServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.debounce.poke(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ScenarioServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.debounce.cancel(params.text_document.uri)
    await ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ScenarioServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.open.discard(uri)
    ls.debounce.cancel(uri)
    ls.docs.forget(uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ScenarioServer, params: types.HoverParams) -> types.Hover | None:
    doc, index, occ = ls.lookup(params.text_document.uri, params.position)
    if occ is None:
        return None
    text = info.hover(index, occ, ls.terms(doc.uri))
    if not text:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), to_range(doc, occ.span))


def _location(uri: str, doc: TextDocument | None, occ: Occurrence) -> types.Location:
    rng = (
        to_range(doc, occ.span)
        if doc is not None
        else types.Range(types.Position(occ.span.line, occ.span.start), types.Position(occ.span.line, occ.span.end))
    )
    return types.Location(uri, rng)


def _term_definition(ls: ScenarioServer, uri: str, name: str) -> types.Location | None:
    where = ls.terms(uri).where.get(name)
    if where is None:
        return None
    path, span = where
    return types.Location(
        from_fs_path(str(path)) or path.as_uri(),
        types.Range(types.Position(span.line, span.start), types.Position(span.line, span.end)),
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ScenarioServer, params: types.DefinitionParams) -> types.Location | None:
    doc, index, occ = ls.lookup(params.text_document.uri, params.position)
    if occ is None or occ.kind == "field":
        return None
    if occ.kind == "term" and not index.glossary:
        return _term_definition(ls, doc.uri, occ.name)
    found = index.definition(occ.kind, occ.name)
    if found is None and occ.kind == "term":  # a folder's glossary pointing at a shared term
        return _term_definition(ls, doc.uri, occ.name)
    return _location(doc.uri, doc, found) if found is not None else None


def _other_files(ls: ScenarioServer, uri: str) -> list[tuple[str, Index]]:
    """The other scenarios sharing this document's glossary: open ones as edited, the rest from disk."""
    path = fs_path(uri)
    gpath = glossary_for(path) if path is None or path.name != "glossary.yaml" else path
    if gpath is None:
        return []
    out = []
    for file in scenario_files(gpath.parent):
        other = from_fs_path(str(file)) or file.as_uri()
        if path is not None and file.resolve() == path.resolve():
            continue
        out.append((other, ls.docs.index(ls.document(other))))
    return out


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: ScenarioServer, params: types.ReferenceParams) -> list[types.Location]:
    doc, index, occ = ls.lookup(params.text_document.uri, params.position)
    if occ is None or occ.kind == "field":
        return []
    keep = params.context.include_declaration
    found = [_location(doc.uri, doc, o) for o in index.of(occ.kind, occ.name) if keep or not o.definition]
    if occ.kind == "term":
        for uri, other in _other_files(ls, doc.uri):
            found += [_location(uri, None, o) for o in other.of("term", occ.name)]
        if keep and not index.glossary:
            home = _term_definition(ls, doc.uri, occ.name)
            found += [home] if home is not None else []
    return found


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["(", " ", "[", ",", ":"]),
)
def completion(ls: ScenarioServer, params: types.CompletionParams) -> types.CompletionList:
    doc = ls.document(params.text_document.uri)
    line, col = from_position(doc, params.position)
    lines = [text.rstrip("\r\n") for text in doc.lines]
    where = info.context(lines, line, col)
    if where is None:
        return types.CompletionList(is_incomplete=False, items=[])
    index = ls.docs.index(doc)
    prefix = lines[line][:col] if line < len(lines) else ""
    typed = re.search(r"[\w-]*$", prefix)
    start = col - len(typed.group()) if typed else col
    rng = types.Range(types.Position(line, start), types.Position(line, col))
    rng = doc.position_codec.range_to_client_units(doc.lines, rng)
    items = [
        types.CompletionItem(
            label=c.label,
            kind=_COMPLETION_KINDS.get(c.kind),
            detail=f"{c.kind}" + (f": {c.detail}" if c.detail else ""),
            text_edit=types.TextEdit(rng, c.label),
        )
        for c in info.candidates(where, index, ls.terms(doc.uri))
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _refuse(message: str) -> JsonRpcException:
    return JsonRpcException(message, code=REQUEST_FAILED)


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: ScenarioServer, params: types.PrepareRenameParams) -> types.Range:
    doc, _, occ = ls.lookup(params.text_document.uri, params.position)
    try:
        found = edits.renameable(occ)
    except edits.RenameRefused as exc:
        raise _refuse(str(exc)) from None
    return to_range(doc, found.span)


@server.feature(types.TEXT_DOCUMENT_RENAME)
def rename(ls: ScenarioServer, params: types.RenameParams) -> types.WorkspaceEdit:
    doc, index, occ = ls.lookup(params.text_document.uri, params.position)
    try:
        spans = edits.rename(index, edits.renameable(occ), params.new_name)
    except edits.RenameRefused as exc:
        raise _refuse(str(exc)) from None
    changes = [types.TextEdit(to_range(doc, span), params.new_name) for span in spans]
    return types.WorkspaceEdit(changes={doc.uri: changes})


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
async def code_lens(ls: ScenarioServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    uri = params.text_document.uri
    doc = ls.document(uri)
    index = ls.docs.index(doc)
    scenes = [o for o in index.occurrences if o.kind == "scene" and o.definition]
    if index.glossary or not scenes:
        return []
    ls.open.add(uri)
    checked = await ls.checked(uri)
    name = ls.name_of(uri)[1]
    titles = await asyncio.to_thread(_scene_figures, checked, name)
    if isinstance(titles, str):
        return [_lens(doc, o, titles, None) for o in scenes]
    ls.figures[uri] = titles
    return [_lens(doc, o, titles[o.name].title(), [uri, o.name]) for o in scenes if o.name in titles]


def _lens(doc: TextDocument, occ: Occurrence, title: str, arguments: list[Any] | None) -> types.CodeLens:
    command = types.Command(title=title, command=FIGURES_COMMAND if arguments else "", arguments=arguments)
    return types.CodeLens(to_range(doc, occ.span), command)


def _scene_figures(checked: Checked | None, name: str) -> dict[str, SceneFigures] | str:
    """Figures by scene from the outcome map, or one sentence saying why there are none."""
    if checked is None or checked.scenario is None:
        return "outcome figures appear when the scenario has no errors"
    from simgame.settings import SettingsError, load_settings

    try:
        maps = load_settings().maps_dir
    except SettingsError as exc:
        return f"outcome maps cannot be found: {exc}"
    omap = find_map(maps, checked.scenario)
    if omap is None:
        return missing_map_title(name)
    return figures(checked.scenario, omap)


@server.command(FIGURES_COMMAND)
def scene_figures(ls: ScenarioServer, uri: str, scene: str) -> str:
    found = ls.figures.get(uri, {}).get(scene)
    text = found.detail() if found is not None else f"no outcome figures for `{scene}`: run `simgame explore FILE`"
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
    return text


def serve() -> None:
    """Talk LSP on stdin and stdout until the editor says goodbye."""
    server.start_io()
