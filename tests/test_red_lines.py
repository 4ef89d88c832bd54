"""Red lines: conditions that cap the band whatever the metrics, checked when loading and applied when scoring."""

from __future__ import annotations

import pytest

from simgame.analysis.keys import all_expressions, key_spec
from simgame.authoring.run_report import debrief_markdown, debrief_text, run_json
from simgame.engine.run import Run
from simgame.engine.scoring import debrief, score
from simgame.format.compile import ceiling_below
from simgame.format.compiled import Scenario
from simgame.format.loader import check_text, load_scenario
from tests.support import DATA

RED = DATA / "red-lines.yaml"
TEXT = RED.read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def line_of(fragment: str) -> int:
    return next(i for i, line in enumerate(LINES, 1) if fragment in line)


def variant(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


@pytest.fixture(scope="module")
def red() -> Scenario:
    return load_scenario(RED)


# --- loading -------------------------------------------------------------------------------------


def test_red_lines_compile_with_their_ceilings(red: Scenario) -> None:
    lines = {line.id: line for line in red.red_lines}
    assert list(lines) == ["emotion-recognition", "no-impact-assessment"]
    assert lines["emotion-recognition"].cap == "fragile" and lines["emotion-recognition"].ceiling == 59.9
    assert lines["no-impact-assessment"].ceiling == 79.9
    assert "AI Act Art. 5(1)(f)" in lines["emotion-recognition"].why


@pytest.mark.parametrize(
    ("limit", "ceiling"),
    [(60, 59.9), (80, 79.9), (0.3, 0.2), (59.95, 59.9), (60.05, 60.0), (0.1, 0.0), (0, 0.0), (100, 99.9), (33.3, 33.2)],
)
def test_ceiling_is_the_highest_one_decimal_score_below_the_next_band(limit: float, ceiling: float) -> None:
    got = ceiling_below(limit)
    assert got == ceiling and got == round(got, 1)
    assert got < limit or limit == 0


def test_a_cap_at_the_top_band_caps_nothing() -> None:
    sc = load_scenario_text(variant("cap: solid", "cap: strong"))
    assert {line.id: line.ceiling for line in sc.red_lines}["no-impact-assessment"] == 100.0


def load_scenario_text(text: str) -> Scenario:
    result = check_text(text, "variant.yaml", None)
    assert result.scenario is not None, "\n".join(d.render() for d in result.diagnostics)
    return result.scenario


CASES = [
    ("unknown-band", variant("cap: fragile", "cap: fragil"), "SG306", line_of("cap: fragile"), 12, "`fragile`"),
    (
        "duplicate-id",
        variant("- id: no-impact-assessment", "- id: emotion-recognition"),
        "SG207",
        line_of("- id: no-impact-assessment"),
        11,
        "",
    ),
    ("unknown-choice", variant("when: chose(run-emotion-trial)", "when: chose(run-emotion)"), "SG301", 0, 0, ""),
    ("unknown-name", variant("when: not dpia_done and", "when: not dpia_don and"), "SG502", 0, 0, "dpia_done"),
    ("not-a-condition", variant("when: not dpia_done and value >= 60", "when: value + 60"), "SG503", 0, 0, ""),
    ("syntax", variant("when: not dpia_done and value >= 60", "when: value >="), "SG500", 0, 0, ""),
    (
        "empty-why",
        variant(
            "why: Processing staff data at scale without an impact assessment skips a legal duty (GDPR Art. 35).",
            'why: ""',
        ),
        "SG203",
        line_of("why: Processing staff data"),
        12,
        "",
    ),
]


@pytest.mark.parametrize(("name", "doc", "code", "line", "col", "hint"), CASES, ids=[c[0] for c in CASES])
def test_bad_red_lines_are_located_errors(name: str, doc: str, code: str, line: int, col: int, hint: str) -> None:
    result = check_text(doc, f"{name}.yaml", None)
    assert result.scenario is None
    found = [d for d in result.diagnostics if d.code == code]
    assert found, "\n".join(d.render() for d in result.diagnostics)
    d = found[0]
    assert d.is_error and d.file == f"{name}.yaml" and d.line > line_of("red_lines:")
    if line:
        assert (d.line, d.col) == (line, col), d.render()
    assert hint in d.hint, d.render()


def test_red_line_fields_are_checked_by_shape() -> None:
    result = check_text(variant("      cap: fragile\n", ""), "missing-cap.yaml", None)
    assert [d.code for d in result.diagnostics] == ["SG200"]
    result = check_text(variant("      cap: fragile\n", "      cap: fragile\n      points: 3\n"), "extra.yaml", None)
    assert [d.code for d in result.diagnostics] == ["SG201"]


# --- scoring -------------------------------------------------------------------------------------


def test_a_crossed_red_line_caps_the_score_and_band(red: Scenario) -> None:
    run = Run.replay(red, 1, ["run-emotion-trial", "carry-on"])
    o = score(red, run, run.metrics)
    assert [d.score for d in o.dimensions] == [90.0, 60.0]  # dimensions are never capped
    assert o.capped_from == 80.0  # Strong on the numbers alone
    assert (o.overall, o.band, o.band_label) == (59.9, "fragile", "Fragile")
    assert [line.id for line in o.red_lines] == ["emotion-recognition", "no-impact-assessment"]
    assert o.red_lines[0].cap_label == "Fragile" and o.red_lines[0].ceiling == 59.9


def test_pausing_later_does_not_undo_the_red_line(red: Scenario) -> None:
    run = Run.replay(red, 1, ["run-emotion-trial", "pause"])
    o = score(red, run, run.metrics)
    assert (o.overall, o.band, o.capped_from) == (59.9, "fragile", 76.7)


def test_a_red_line_above_the_score_is_reported_but_lowers_nothing(red: Scenario) -> None:
    run = Run.replay(red, 1, ["buy-quietly", "carry-on"])
    o = score(red, run, run.metrics)
    assert [line.id for line in o.red_lines] == ["no-impact-assessment"]
    assert (o.overall, o.band, o.capped_from) == (73.3, "solid", None)


def test_no_red_line_crossed(red: Scenario) -> None:
    run = Run.replay(red, 1, ["consult-council", "carry-on"])
    o = score(red, run, run.metrics)
    assert (o.overall, o.band, o.red_lines, o.capped_from) == (76.7, "solid", (), None)


def test_scores_and_bands_agree_with_or_without_red_lines(red: Scenario) -> None:
    for first in ("run-emotion-trial", "consult-council", "buy-quietly"):
        for second in ("pause", "carry-on"):
            run = Run.replay(red, 1, [first, second])
            o = score(red, run, run.metrics)
            band = next(b for b in red.doc.debrief.bands if o.overall >= b.min)
            assert band.id == o.band
            for line in o.red_lines:
                assert o.overall <= line.ceiling


def test_red_line_conditions_are_part_of_what_exploration_keeps(red: Scenario) -> None:
    nodes = all_expressions(red)
    assert all(any(n is line.when for n in nodes) for line in red.red_lines)
    assert "run-emotion-trial" in key_spec(red).choices


# --- what the debrief says -----------------------------------------------------------------------


def test_debrief_text_and_markdown_show_crossed_red_lines(red: Scenario) -> None:
    run = Run.replay(red, 1, ["run-emotion-trial", "pause"])
    d = debrief(run)
    text = " ".join(debrief_text(d, red).split())
    assert "Overall score: 59.9/100, band: Fragile" in text
    assert "Red line crossed: Emotion recognition at work is prohibited in the EU since February 2025" in text
    assert "such a run can reach at most Fragile" in text
    assert "Your outcome profile alone scored 76.7/100; the red lines hold it at 59.9." in text
    assert "[not met] Deliver value without crossing a legal line Why: You chose “Run a four-week trial" in text
    md = debrief_markdown(d, run)
    assert "## Outcome profile: 59.9/100 (Fragile)" in md and "(AI Act Art. 5(1)(f))" in md
    assert "- [ ] Hear the works council before deciding — “The works council was consulted” was not" in md
    assert run_json(run, [])["debrief"]["red_lines"] == ["emotion-recognition", "no-impact-assessment"]


def test_debrief_without_red_lines_says_nothing_about_them(red: Scenario) -> None:
    run = Run.replay(red, 1, ["consult-council", "carry-on"])
    text = debrief_text(debrief(run), red)
    assert "Red line" not in text and "alone scored" not in text
