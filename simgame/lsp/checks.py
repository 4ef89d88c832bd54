"""The problems of one open document: the same engine checks and quality warnings as `simgame validate`.

A scenario goes through :func:`simgame.format.loader.check_text` and, when it compiles, the lint
of :mod:`simgame.authoring.lint`, with the glossary `validate` would use for a file at that path.
A glossary file is read and shaped by the same models. Balance checks (SG7xx) need an outcome
map and are left to `simgame validate --strict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from simgame.authoring.lint import lint
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic, LoadError, make
from simgame.format.errors import describe
from simgame.format.loader import GLOSSARY_FILE, check_text
from simgame.format.model import GlossaryDoc
from simgame.format.yamlsource import parse_yaml
from simgame.lsp.terms import terms_for


@dataclass
class Checked:
    """Every diagnostic for one version of a document, and the scenario when it compiled."""

    diagnostics: list[Diagnostic]
    scenario: Scenario | None = None


def is_glossary(text: str, path: Path | None) -> bool:
    if path is not None and path.name == GLOSSARY_FILE:
        return True
    head = "\n".join(text.splitlines()[:20])
    return "simgame/glossary-v1" in head


def check_document(text: str, path: Path | None, name: str) -> Checked:
    """All problems in ``text`` (the editor's unsaved version of ``path``), as `simgame validate` finds them."""
    if is_glossary(text, path):
        return Checked(_glossary(text, name))
    terms = terms_for(path)
    result = check_text(text, name, terms.glossary)
    diags = list(result.diagnostics)
    if result.scenario is not None:
        result.scenario.path = str(path) if path is not None else ""
        diags += lint(result.scenario, terms.glossary)
    if terms.problem:
        diags.append(
            make("SG305", terms.problem, file=name, line=1, col=1, hint="run `simgame validate` on the glossary")
        )
    return Checked(diags, result.scenario)


def _glossary(text: str, name: str) -> list[Diagnostic]:
    try:
        data, smap = parse_yaml(text, name)
    except LoadError as exc:
        return exc.diagnostics
    if not isinstance(data, dict):
        return [smap.diag("SG108", "a glossary file must be a mapping of fields", (), hint="start with `format:`")]
    try:
        GlossaryDoc.model_validate(data)
    except ValidationError as exc:
        return describe(exc, data, smap)
    return []
