"""One number: every display of a score shows the value the band is read from, never a differently rounded one.

tiny scores (2 * value + (100 - risk) [+ 10 with an owner]) / 3. Each fixture below sits on or
near a band edge (Strong from 70, Mixed from 40) after "Measure outcomes" (+10 value), where
a whole-number display would contradict the band: 69.5 shown as "70/100 · Mixed".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simgame.authoring.run_report import debrief_markdown, debrief_text
from simgame.engine.run import Run
from simgame.engine.scoring import Debrief, debrief, score_text
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from simgame.tui.catalog import BestResult, CatalogEntry
from simgame.tui.libraryrows import best_words
from simgame.tui.screens.debrief import outcome_text, range_text
from tests.toolkit.helpers import write_variant

EDGES = {  # fixture: (value before measuring, risk, owner)
    "edge-69-5": (50, 11.5, False),  # 69.5: Mixed, never "70"
    "edge-69-8": (49.75, 20, True),  # 69.83 -> 69.8 with the owner's +10
    "edge-59-5": (50, 41.6, False),  # 59.47 -> 59.5
    "edge-39-95": (20, 40.15, False),  # 39.95: whichever way it rounds, display and band agree
    "edge-40": (20, 40, False),  # exactly 40: Mixed
    "edge-88-5": (50, 11.5, True),  # a dimension at 88.5 (Risk and control 88.5 + 10 -> 98.5)
}
NUMBER = r"(\d+(?:\.\d)?)"


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    fixtures = "".join(
        f"  {name}:\n    scene: rollout\n    metrics: {{value: {v}, risk: {r}}}\n    flags: [{'owner' if o else ''}]\n"
        for name, (v, r, o) in EDGES.items()
    )
    path = write_variant(tmp_path_factory.mktemp("edges"), "edges.yaml", ("fixtures:\n", "fixtures:\n" + fixtures))
    return load_scenario(path)


def finished(sc: Scenario, fixture: str) -> tuple[Run, Debrief]:
    run = Run.start(sc, 1, fixture=fixture)
    run.choose("measure")
    assert run.ended
    return run, debrief(run)


def band_of(sc: Scenario, shown: str) -> str:
    return next(b.label for b in sc.doc.debrief.bands if float(shown) >= b.min)


@pytest.mark.parametrize("fixture", list(EDGES))
def test_every_display_agrees_with_the_band(edges: Scenario, fixture: str) -> None:
    run, d = finished(edges, fixture)
    o = d.outcome
    shown = {
        "text": re.search(rf"Overall score: {NUMBER}/100, band: (\w+)", debrief_text(d, edges)),
        "markdown": re.search(rf"## Outcome profile: {NUMBER}/100 \((\w+)\)", debrief_markdown(d, run)),
        "tui": re.search(rf"Overall score: {NUMBER}/100 · band: (\w+)", outcome_text(d).plain),
    }
    for where, match in shown.items():
        assert match, where
        number, label = match.groups()
        assert float(number) == o.overall, (where, number, o.overall)
        assert band_of(edges, number) == label == o.band_label, (where, number, label)


def test_the_half_at_the_edge_is_shown_as_it_is_scored(edges: Scenario) -> None:
    run, d = finished(edges, "edge-69-5")
    assert (d.outcome.overall, d.outcome.band_label) == (69.5, "Mixed")
    assert "Overall score: 69.5/100, band: Mixed" in debrief_text(d, edges)
    assert "Overall score: 69.5/100 · band: Mixed" in outcome_text(d).plain
    assert "## Outcome profile: 69.5/100 (Mixed)" in debrief_markdown(d, run)


def test_dimension_scores_use_the_same_rounding(edges: Scenario) -> None:
    run, d = finished(edges, "edge-88-5")
    control = next(dim for dim in d.outcome.dimensions if dim.id == "control")
    assert control.score == 98.5
    assert re.search(r"Risk and control\s+98\.5\s", debrief_text(d, edges))
    assert "98.5/100" in outcome_text(d).plain
    assert "| Risk and control | 98.5 |" in debrief_markdown(d, run)


def test_reference_points_and_the_library_use_the_same_rounding(edges: Scenario) -> None:
    from simgame.analysis.ranges import OutcomeRange

    text = range_text(OutcomeRange(79.5, 20.25, [], [], True), 69.5).plain
    assert "Best reachable:  79.5/100" in text and "Your result:     69.5/100" in text
    assert "Worst reachable: 20.2/100" in text  # an exact half, rounded half to even as score() rounds
    entry = CatalogEntry(Path("edges.yaml"), edges, best=BestResult(69.5, "Mixed", "Scaled well"))
    assert "best 69.5 (Mixed)" in best_words(entry)


@pytest.mark.parametrize("value", [69.5, 79.95, 59.94, 0.05, 99.95, 100.0, 45.25])
def test_score_text_never_crosses_a_band_edge(value: float) -> None:
    """The number shown is `round(x, 1)`: a band read from the display is the band read from the score."""
    rounded = round(value, 1)
    assert float(score_text(value)) == rounded
    for edge in (40, 60, 70, 80, 100):
        assert (float(score_text(value)) >= edge) == (rounded >= edge)
