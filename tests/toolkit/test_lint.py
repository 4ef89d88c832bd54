"""Each SG6xx quality warning fires on a small failing example, at the right place, and not on clean files."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.authoring.lint import lint
from simgame.cli.validate import check_paths
from simgame.format.compiled import Scenario
from simgame.format.loader import load_glossary, load_scenario
from tests.toolkit.helpers import write_variant

GLOSSARY = """format: simgame/glossary-v1
terms:
  pilot-purgatory:
    term: Pilot purgatory
    aliases: [pilot purgatory]
    definition: Pilots that never reach production.
  model-drift:
    term: Model drift
    aliases: [drift, model drift]
    definition: A model's accuracy decays as the world changes.
"""


def _codes(path: Path) -> list[tuple[str, int]]:
    return [(d.code, d.line) for r in check_paths([str(path)]) for d in r.diagnostics]


def test_tiny_has_no_quality_warnings(tiny: Scenario) -> None:
    assert lint(tiny) == []


@pytest.mark.parametrize(
    ("code", "replacements"),
    [
        (
            "SG600",
            [
                (
                    "  rushed: Scaled before checking the data\n",
                    "  rushed: Scaled before checking the data\n  noted: Wrote it down\n",
                ),
                ("        set: [rushed]\n", "        set: [rushed, noted]\n"),
            ],
        ),
        (
            "SG601",
            [
                (
                    "  rushed: Scaled before checking the data\n",
                    "  rushed: Scaled before checking the data\n  audited: An audit happened\n",
                ),
                ("        when: value >= 40\n", "        when: value >= 40 and not audited\n"),
            ],
        ),
        (
            "SG602",
            [
                (
                    "  risk: {label: Risk exposure, start: 30, higher_is: worse}\n",
                    "  risk: {label: Risk exposure, start: 30, higher_is: worse}\n"
                    "  morale: {label: Morale, start: 50}\n",
                )
            ],
        ),
        (
            "SG603",
            [
                (
                    "        effects: {value: 5, risk: 5}\n        next: end\n",
                    "        effects: {value: 10}\n        next: end\n",
                ),
                ("        when: value >= 40\n        locked: Needs value of at least 40\n", ""),
            ],
        ),
        ("SG605", [("    debrief: It worked, partly.\n", "")]),
        (
            "SG606",
            [
                (
                    "    text: The pilot works. The board asks what next.\n",
                    "    text: " + "The pilot works and the board asks what comes next. " * 25 + "\n",
                )
            ],
        ),
        ("SG607", [("        feedback: Applause.\n", "")]),
    ],
)
def test_each_warning_fires(tmp_path: Path, code: str, replacements: list[tuple[str, str]]) -> None:
    path = write_variant(tmp_path, "variant.yaml", *replacements)
    found = [c for c, _ in _codes(path)]
    assert found == [code], found


def test_warning_points_at_the_place(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "variant.yaml", ("    debrief: It worked, partly.\n", ""))
    [(_, line)] = _codes(path)
    assert path.read_text().splitlines()[line - 1].strip() == "muddled:"


def test_unlisted_glossary_term_in_text(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    path = write_variant(
        tmp_path,
        "variant.yaml",
        ("    text: Complaints double overnight.\n", "    text: Complaints double overnight after model drift.\n"),
    )
    sc = load_scenario(path)
    diags = lint(sc, load_glossary(tmp_path / "glossary.yaml"))
    assert [d.code for d in diags] == ["SG608"] and "model-drift" in diags[0].message
    assert "model drift" in diags[0].snippet


def test_unused_glossary_term_only_for_a_folder(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    path = write_variant(tmp_path, "tiny.yaml")
    folder = [(d.code, d.message) for r in check_paths([str(tmp_path)]) for d in r.diagnostics]
    assert [c for c, _ in folder] == ["SG604"] and "model-drift" in folder[0][1]
    assert [c for c, _ in _codes(path)] == []  # a single file says nothing about the rest of the folder


def test_lint_skipped_when_the_engine_finds_errors(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path,
        "variant.yaml",
        ("    debrief: It worked, partly.\n", ""),
        ("        next: rollout\n", "        next: rollout-typo\n"),
    )
    codes = [c for c, _ in _codes(path)]
    assert "SG300" in codes and "SG605" not in codes
