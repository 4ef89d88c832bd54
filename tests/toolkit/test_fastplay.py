"""The rules played directly and `Run` (through its machine) agree on random walks: same state, options, events."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simgame.engine import order
from simgame.engine.rules import available, choose, seeded_roller, start
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario
from tests.support import TINY, shipped_paths


def _scenarios() -> list[Scenario]:
    found = [load_scenario(TINY)]
    for path in shipped_paths():
        try:
            found.append(load_scenario(path))
        except LoadError:
            continue  # a scenario being written may not load yet; validate reports it
    return found


SCENARIOS = _scenarios()


def _walk_agrees(sc: Scenario, seed: int, picks: list[int]) -> None:
    run = Run.start(sc, seed)
    try:
        roller = seeded_roller(seed)
        fast, fired = start(sc, roller)
        assert [f.event.id for f in fired] == [e.id for e in run.opening_events]
        for pick in picks:
            assert fast.scene == run.scene_id and fast.ending == run.ending
            assert fast.metrics == run.metrics and fast.flags == set(run.flags)
            opts = available(sc, fast)
            assert order.available(sc, fast, seed) == run.available()  # Run shows them in display order
            if not opts:
                break
            choice = opts[pick % len(opts)]
            decision = run.choose(choice.id)
            fired = choose(sc, fast, choice, roller)
            assert [f.event.id for f in fired] == [e.id for e in decision.events]
        assert fast == run.snapshot()  # the one record of state, compared whole
    finally:
        run.close()


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
@given(seed=st.integers(0, 10_000), picks=st.lists(st.integers(0, 3), min_size=1, max_size=40))
def test_fast_path_agrees_with_run(sc: Scenario, seed: int, picks: list[int]) -> None:
    _walk_agrees(sc, seed, picks)


def test_fixture_start_agrees(tiny: Scenario) -> None:
    run = Run.start(tiny, 5, fixture="after-rush")
    fast, _ = start(tiny, seeded_roller(5), fixture="after-rush")
    assert (fast.scene, fast.metrics, fast.flags) == (run.scene_id, run.metrics, set(run.flags))
    run.close()


def test_many_seeds_reach_the_same_endings(tiny: Scenario) -> None:
    rng = random.Random(1)
    for seed in range(200):
        _walk_agrees(tiny, seed, [rng.randrange(4) for _ in range(6)])
