"""Every example in docs/authoring.md is checked, and every diagnostic code has a page in docs/diagnostics.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter

from simgame.authoring.lint import lint
from simgame.authoring.transcripts import Transcript, check
from simgame.format.diagnostics import CODES
from simgame.format.loader import check_text, load_glossary
from simgame.format.model import Choice, DebriefConfig, Ending, Event, Fixture, GlossaryDoc, Metric, Objective, Scene
from tests.support import ROOT

AUTHORING = ROOT / "docs" / "authoring.md"
DIAGNOSTICS = ROOT / "docs" / "diagnostics.md"
BLOCK = re.compile(r"^```yaml(?: (\w+))?\n(.*?)^```$", re.S | re.M)

FRAGMENTS: dict[str, Any] = {
    "metrics": TypeAdapter(dict[str, Metric]),
    "flags": TypeAdapter(dict[str, str]),
    "choices": TypeAdapter(list[Choice]),
    "events": TypeAdapter(list[Event]),
    "endings": TypeAdapter(dict[str, Ending]),
    "scenes": TypeAdapter(dict[str, Scene]),
    "debrief": DebriefConfig,
    "fixtures": TypeAdapter(dict[str, Fixture]),
    "objectives": TypeAdapter(list[Objective]),
    "glossary": GlossaryDoc,
}

BLOCKS = [(m.group(1) or "", m.group(2)) for m in BLOCK.finditer(AUTHORING.read_text(encoding="utf-8"))]


def test_the_guide_has_complete_examples_and_fragments() -> None:
    kinds = [k for k, _ in BLOCKS]
    assert kinds.count("full") >= 2 and set(FRAGMENTS) <= set(kinds) and "transcript" in kinds


@pytest.mark.parametrize(("kind", "text"), BLOCKS, ids=[f"{i}-{k or 'untagged'}" for i, (k, _) in enumerate(BLOCKS)])
def test_example(kind: str, text: str) -> None:
    if kind == "full":
        glossary = load_glossary(ROOT / "scenarios" / "glossary.yaml")
        result = check_text(text, str(ROOT / "docs" / "example.yaml"), glossary)
        assert result.scenario is not None, "\n".join(d.render() for d in result.diagnostics)
        assert result.diagnostics == [] and lint(result.scenario, glossary) == []
    elif kind == "transcript":
        data = yaml.safe_load(text)
        t = Transcript(
            ROOT / "tests" / "transcripts" / "tiny" / "doc.yaml",
            data["scenario"],
            data["seed"],
            data["choices"],
            data["expect"],
        )
        assert check(t).passed
    else:
        assert kind in FRAGMENTS, f"tag the block with its part of the format: {sorted(FRAGMENTS)}"
        validator = FRAGMENTS[kind]
        data = yaml.safe_load(text)
        if isinstance(validator, type) and issubclass(validator, BaseModel):
            validator.model_validate(data)
        else:
            validator.validate_python(data)


def test_every_diagnostic_code_has_a_section_with_example_and_fix() -> None:
    text = DIAGNOSTICS.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (SG\d{3}) [^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    missing = [c for c in CODES if c not in sections]
    assert not missing, f"document these codes in docs/diagnostics.md: {missing}"
    for code, body in sections.items():
        assert code in CODES, f"{code} is documented but not defined"
        assert "Fails" in body and "Fix" in body, code


def test_docs_reference_real_commands() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    for command in ("validate", "explore", "graph", "new", "test", "stats", "run"):
        assert f"simgame {command}" in text
    assert Path(ROOT / "simgame" / "analysis" / "personas.py").is_file()


def test_the_tutorial_builds_a_scenario_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/tutorial.md's edits, applied to `simgame new`'s file, give a scenario with no error."""
    import re

    from simgame.cli import main
    from simgame.cli.validate import check_paths

    doc = (Path(__file__).resolve().parents[2] / "docs" / "tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    assert len(blocks) == 4
    cwd = Path.cwd()
    try:
        import os

        os.chdir(tmp_path)
        assert main(["new", "Claims triage"]) == 0
    finally:
        os.chdir(cwd)
    path = tmp_path / "claims-triage.yaml"
    text = path.read_text(encoding="utf-8")
    choice, _event, incident, debrief = blocks
    start = text.index("      - id: go-live-now\n")
    end = text.index("      - id: name-an-owner\n")
    text = text[:start] + choice + text[end:]
    start = text.index("  incident:\n")
    end = text.index("    choices:", start)
    text = text[:start] + incident + text[end:]
    start = text.index("debrief:\n  dimensions:")
    end = text.index("fixtures:", start)
    text = text[:start] + debrief + "\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    diags = [d for r in check_paths([str(path)]) for d in r.diagnostics]
    assert not [d for d in diags if d.is_error], [d.message for d in diags]
    from simgame.format.loader import load_scenario

    sc = load_scenario(path)
    assert sc.doc.debrief.red_lines[0].id == "kept-it-running" and ("scene", "incident") in sc.texts
