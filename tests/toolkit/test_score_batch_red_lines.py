"""Red lines in the batch explorer: the array copy of scoring caps exactly as `scoring.score` does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simgame.analysis.batch import score as score_batch
from simgame.analysis.batch.state import Env
from simgame.analysis.search import outcome_range
from simgame.engine.scoring import score
from simgame.engine.state import PlayState
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA
from tests.toolkit.helpers import write_variant
from tests.toolkit.test_expr_batch import batch_layout, build_states
from tests.toolkit.test_score_batch import assert_scores_agree, half_metrics, in_range_metrics

# tiny with two red lines: one on a flag and a metric, one on a remembered choice; bands with
# uneven minimums so the ceilings (49.9 and 69.9) are not whole numbers below a whole band.
TINY_RED = (
    (
        "    - {id: strong, min: 70, label: Strong}\n    - {id: mixed, min: 40, label: Mixed}\n",
        "    - {id: strong, min: 69.95, label: Strong}\n    - {id: mixed, min: 50, label: Mixed}\n"
        "    - {id: shaky, min: 40, label: Shaky}\n",
    ),
    (
        "fixtures:\n",
        "  red_lines:\n"
        "    - {id: reckless, when: rushed and risk >= 50, cap: shaky, why: Scaled a risky model with no checks.}\n"
        "    - {id: loud, when: chose(celebrate), cap: mixed, why: Announced before measuring.}\n"
        "fixtures:\n",
    ),
)


@pytest.fixture(scope="module")
def red() -> Scenario:
    return load_scenario(DATA / "red-lines.yaml")


@pytest.fixture(scope="module")
def tiny_red(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return load_scenario(write_variant(tmp_path_factory.mktemp("red"), "tiny-red.yaml", *TINY_RED))


def crossing(sc: Scenario, states: list[PlayState]) -> tuple[int, int, int]:
    """How many states cross a red line, how many cross none, how many have their score lowered."""
    outcomes = [score(sc, s, s.metrics) for s in states]
    crossed = sum(bool(o.red_lines) for o in outcomes)
    lowered = sum(o.capped_from is not None for o in outcomes)
    return crossed, len(outcomes) - crossed, lowered


@pytest.mark.parametrize("name", ["red", "tiny_red"])
def test_states_crossing_or_not_score_as_the_debrief(name: str, request: pytest.FixtureRequest) -> None:
    sc: Scenario = request.getfixturevalue(name)
    layout = batch_layout(sc)
    rng = np.random.default_rng(5)
    for odds in (0.5, 0.1, 1.0):
        rows, states = build_states(layout, in_range_metrics(sc, 400, rng), rng, sc.doc.start, odds=odds)
        crossed, clean, lowered = crossing(sc, states)
        assert crossed and lowered and (clean or odds == 1.0), (odds, crossed, clean, lowered)
        assert_scores_agree(sc, rows, states, pieces=(8192, 37))


def test_states_on_rounding_halves_and_at_the_ceilings(tiny_red: Scenario) -> None:
    """Scores just around the ceilings and on rounding halves: the cap is applied after rounding, in both copies."""
    sc = tiny_red
    layout = batch_layout(sc)
    targets = np.concatenate([np.arange(1000) / 10 + 0.05, np.array([49.9, 49.95, 50.0, 69.9, 69.94, 69.95, 70.0])])
    rng = np.random.default_rng(13)
    rows, states = build_states(layout, half_metrics(sc, targets), rng, sc.doc.start, odds=0.5)
    assert_scores_agree(sc, rows, states, pieces=(8192, 64))


def test_the_cap_is_the_only_difference_from_the_uncapped_score(tiny_red: Scenario) -> None:
    layout = batch_layout(tiny_red)
    rng = np.random.default_rng(2)
    rows, states = build_states(layout, in_range_metrics(tiny_red, 300, rng), rng, tiny_red.doc.start, odds=0.5)
    capped = score_batch.overall(tiny_red, Env(rows, layout))
    plain = dataclasses.replace(tiny_red, red_lines=())
    uncapped = score_batch.overall(plain, Env(rows, layout))
    for i, s in enumerate(states):
        o = score(tiny_red, s, s.metrics)
        assert uncapped[i] == (o.capped_from if o.capped_from is not None else o.overall)
        assert capped[i] == min([uncapped[i], *(line.ceiling for line in o.red_lines)])


def test_exploration_ranks_outcomes_with_the_cap(red: Scenario) -> None:
    """The best reachable outcome is the best lawful one (76.7), not the capped 80 of the emotion trial."""
    from tests.toolkit.test_explore_batch import compare

    compare(red)
    found = outcome_range(red)
    assert found.exhaustive and found.best == 76.7 and found.worst == 59.9
    assert "run-emotion-trial" not in found.best_choices and "run-emotion-trial" in found.worst_choices


def test_exploration_of_tiny_with_red_lines_agrees_with_the_oracle(tiny_red: Scenario) -> None:
    from tests.toolkit.test_explore_batch import compare

    compare(tiny_red)
