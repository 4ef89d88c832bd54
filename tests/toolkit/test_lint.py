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
standalone: true
terms:
  pilot-purgatory:
    term: Pilot purgatory
    aliases: [pilot purgatory, pilot]
    definition: Pilots that never reach production.
  model-drift:
    term: Model drift
    aliases: [drift, model drift]
    definition: A model's accuracy decays as the world changes.
"""


def _codes(path: Path) -> list[tuple[str, int]]:
    glossary = path.parent / "glossary.yaml"
    if not glossary.exists():  # the test glossary, where "pilot" names the term tiny's first scene lists
        glossary.write_text(GLOSSARY, encoding="utf-8")
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


def test_scene_term_its_text_never_says(tmp_path: Path) -> None:
    """SG609: `terms:` promises a highlighted term the scene's text does not contain."""
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    path = write_variant(
        tmp_path, "variant.yaml", ("    terms: [pilot-purgatory]\n", "    terms: [pilot-purgatory, model-drift]\n")
    )
    diags = lint(load_scenario(path), load_glossary(tmp_path / "glossary.yaml"))
    assert [d.code for d in diags] == ["SG609"] and "model-drift" in diags[0].message
    assert "model-drift" in path.read_text().splitlines()[diags[0].line - 1]


@pytest.mark.parametrize(
    ("why", "bare"),
    [
        ("Put the agent back to work under a named owner", True),
        ("Tested the model on last winter's claims", True),
        ("Relied on a prompt instruction as a control", True),
        ("Ran a blameless review", True),
        ("A named owner could switch the model off", False),
        ("You tested the model on last winter's claims", False),
        ("Uncurated sources stayed in the index", False),
        ("Stopping a model needed a committee", False),
        ("Machine-filled attributes went live untested", False),
        ("Triage ran on a drifting model", False),
        ("Never tested the model", True),
        ("Did not measure the baseline", True),
        ("Chose speed over safety", True),
        ("Kept data out of the model", True),
        ("Tested assumptions early", True),
        ("Speed to market mattered", False),
        ("Need for oversight was met", False),
        ("Scale without a named owner stayed fragile", False),
        ("Embedded in the workflow, the model saved hours", False),
        ("Automated decisions went unreviewed", False),
    ],
)
def test_bare_verb_reasons(tmp_path: Path, why: str, bare: bool) -> None:
    """SG610 fires on a reason that reads as a fragment after "Plus 10 points:", and only then."""
    path = write_variant(
        tmp_path, "variant.yaml", ("why: A named owner could switch the model off}", f'why: "{why}"}}')
    )
    found = [c for c, _ in _codes(path)]
    assert found == (["SG610"] if bare else []), found


def test_more_than_four_choices(tmp_path: Path) -> None:
    extra = "".join(
        f"      - id: extra-{i}\n        label: Extra option {i}\n"
        f"        effects: {{value: {i + 1}}}\n        next: end\n"
        f"        feedback: Fine.\n        debrief: Fine.\n        practice: rethink-work\n"
        for i in range(3)
    )
    path = write_variant(
        tmp_path, "variant.yaml", ("  rollout:\n", "  rollout:\n"), ("  incident:\n", extra + "  incident:\n")
    )
    assert [c for c, _ in _codes(path)] == ["SG612"]


def test_an_effect_on_a_flag_says_to_set_it(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "variant.yaml", ("effects: {value: 10}\n", "effects: {value: 10, owner: 1}\n"))
    [diag] = [d for r in check_paths([str(path)]) for d in r.diagnostics if d.is_error]
    assert diag.code == "SG302" and "is a flag, not a metric" in diag.message and "set: [owner]" in diag.hint


def test_minutes_far_from_the_reading_time(tmp_path: Path) -> None:
    """Tiny reads in about 0.3 minutes: 3 is plausible with deciding, 12 is not."""
    from simgame.authoring.sizecheck import minutes_mismatch

    assert minutes_mismatch(load_scenario(write_variant(tmp_path, "ok.yaml"))) == []
    path = write_variant(tmp_path, "long.yaml", ("minutes: 3\n", "minutes: 12\n"))
    [diag] = minutes_mismatch(load_scenario(path))
    assert diag.code == "SG613" and "`minutes: 12`" in diag.message and "set `minutes: 1`" in diag.hint
    assert path.read_text().splitlines()[diag.line - 1].startswith("minutes: 12")


def test_hidden_variants_that_exclude_each_other_count_once(tmp_path: Path) -> None:
    """Five choices, two of them hidden twins (`when: owner` / `when: not owner`): at most four are shown."""
    extra = (
        "      - id: twin-a\n        label: Twin with an owner\n        when: owner\n        effects: {value: 2}\n"
        "        next: end\n        feedback: Fine.\n        debrief: Fine.\n        practice: rethink-work\n"
        "      - id: twin-b\n        label: Twin without one\n        when: not owner\n        effects: {value: 3}\n"
        "        next: end\n        feedback: Fine.\n        debrief: Fine.\n        practice: rethink-work\n"
        "      - id: third\n        label: A third way\n        effects: {value: 4}\n"
        "        next: end\n        feedback: Fine.\n        debrief: Fine.\n        practice: rethink-work\n"
    )
    path = write_variant(tmp_path, "variant.yaml", ("  incident:\n", extra + "  incident:\n"))
    assert "SG612" not in [c for c, _ in _codes(path)]
