"""Compile a loaded scenario document: run every semantic check, and keep the result if none fails."""

from __future__ import annotations

from simgame.format.checks import Checker
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.model import ScenarioDoc
from simgame.format.yamlsource import SourceMap


def compile_scenario(
    doc: ScenarioDoc, smap: SourceMap, digest: str, path: str, glossary: frozenset[str] | None
) -> tuple[Scenario | None, list[Diagnostic]]:
    checker = Checker(doc, smap, glossary)
    sc = Scenario(doc=doc, smap=smap, content_hash=digest, path=path)
    checker.check_ids()
    checker.check_metrics()
    checker.compile_scenes(sc)
    checker.compile_rest(sc)
    checker.check_structure()
    diags = checker.diags
    if any(d.is_error for d in diags):
        return None, diags
    return sc, diags
