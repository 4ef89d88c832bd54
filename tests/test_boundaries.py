"""Boundaries through the engine: comparisons at equality, and effects that hit a metric's bounds."""

from __future__ import annotations

import pytest

from simgame.engine.run import EngineError, Run
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA

DOORS = ["at-most", "at-least", "below", "above"]  # level <= 50, >= 50, < 50, > 50


@pytest.fixture(scope="module")
def edges() -> Scenario:
    return load_scenario(DATA / "edges.yaml")


@pytest.mark.parametrize(
    ("fixture", "open_doors"),
    [
        ("level-49", {"at-most", "below"}),
        ("level-50", {"at-most", "at-least"}),  # equality: <= and >= hold, < and > do not
        ("level-51", {"at-least", "above"}),
    ],
)
def test_comparisons_at_and_around_the_boundary(edges: Scenario, fixture: str, open_doors: set[str]) -> None:
    run = Run.start(edges, 0, fixture=fixture)
    shown = sorted((o.id, o.available) for o in run.options())  # options come in a per-run shuffled order
    assert shown == sorted((door, door in open_doors) for door in DOORS)
    for door in DOORS:
        if door not in open_doors:
            with pytest.raises(EngineError, match=f"`{door}` is not available now"):
                run.choose(door)
    for door in sorted(open_doors):
        attempt = Run.start(edges, 0, fixture=fixture)
        assert attempt.choose(door).next == "push"


def test_the_start_state_sits_on_the_boundary(edges: Scenario) -> None:
    run = Run.start(edges, 0)
    assert run.metrics["level"] == 50.0
    assert sorted(run.available()) == ["at-least", "at-most"]


@pytest.mark.parametrize(
    ("fixture", "ending"),
    [("level-49", "low"), ("level-50", "low"), ("level-51", "high")],  # `low` when level <= 50
)
def test_ending_condition_at_the_boundary(edges: Scenario, fixture: str, ending: str) -> None:
    run = Run.start(edges, 0, fixture=fixture)
    run.choose(run.available()[0])
    run.choose("overreach")  # leaves level alone
    assert run.metrics["level"] == {"level-49": 49.0, "level-50": 50.0, "level-51": 51.0}[fixture]
    assert run.ended and run.ending == ending


def test_effects_beyond_the_bounds_end_exactly_at_them_with_the_clamped_delta(edges: Scenario) -> None:
    run = Run.start(edges, 0)  # trust 50 in [10, 60], risk 20 in [5, 95]
    run.choose("at-most")
    d = run.choose("overreach")  # trust +25, risk -40
    assert run.metrics["trust"] == 60.0  # its max, not 75
    assert run.metrics["risk"] == 5.0  # its min, not -20 and not the default 0
    assert d.deltas == {"trust": 10.0, "risk": -15.0}  # what actually changed

    run = Run.start(edges, 0)
    assert run.choose("at-least").deltas == {"trust": 1.0}  # inside the range: the full effect
    d = run.choose("collapse")  # trust -70, risk +200, level -5
    assert run.metrics == {"level": 45.0, "trust": 10.0, "risk": 95.0}
    assert d.deltas == {"trust": -41.0, "risk": 75.0, "level": -5.0}
    assert run.ending == "low"
