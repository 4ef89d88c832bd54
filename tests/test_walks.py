"""Hypothesis walks every shipped scenario (and the tiny one): endings, ranges, determinism, saves, rewind."""

from __future__ import annotations

import random
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from simgame.engine.run import Run
from simgame.engine.saves import read_save, restore, write_save
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import TINY, shipped_paths

MAX_TURNS = 200
PATHS = [TINY, *shipped_paths()]


@cache
def scenario_at(path: Path) -> Scenario:
    return load_scenario(path)


def make_walk(path: Path) -> type[RuleBasedStateMachine]:
    class Walk(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.sc = scenario_at(path)
            self.tmp = Path(tempfile.mkdtemp(prefix="simgame-walk-"))
            self.run: Run

        def teardown(self) -> None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if hasattr(self, "run"):
                self.run.close()

        @initialize(seed=st.integers(0, 2**20))
        def begin(self, seed: int) -> None:
            self.run = Run.start(self.sc, seed)

        @precondition(lambda self: not self.run.ended)
        @rule(data=st.data())
        def choose(self, data: st.DataObject) -> None:
            pick = data.draw(st.sampled_from(self.run.available()), label="choice")
            self.run.choose(pick)

        @precondition(lambda self: self.run.ended)
        @rule(seed=st.integers(0, 2**20))
        def restart(self, seed: int) -> None:
            self.run.close()
            self.run = Run.start(self.sc, seed)

        @rule()
        def save_then_load_continues_identically(self) -> None:
            path = write_save(self.run, self.tmp, "walk")
            loaded = restore(read_save(path), self.sc, path)
            assert loaded.snapshot() == self.run.snapshot()
            assert loaded.choice_log == self.run.choice_log
            self.run.close()
            self.run = loaded

        @rule(data=st.data())
        def rewind_then_replay_equals_original(self, data: st.DataObject) -> None:
            k = data.draw(st.integers(0, len(self.run.history)), label="rewind to")
            back = self.run.rewind(k)
            for choice in self.run.choice_log[k:]:
                back.choose(choice)
            assert back.snapshot() == self.run.snapshot()
            back.close()

        @invariant()
        def metrics_stay_in_range(self) -> None:
            for mid, value in self.run.metrics.items():
                m = self.sc.doc.metrics[mid]
                assert m.min <= value <= m.max, (mid, value)

        @invariant()
        def never_stuck_and_bounded(self) -> None:
            assert not self.run.is_stuck, f"no available choice in scene {self.run.scene_id}"
            assert self.run.turn <= MAX_TURNS, "the walk did not reach an ending"

        @invariant()
        def same_seed_and_choices_give_identical_state(self) -> None:
            again = Run.replay(self.sc, self.run.seed, self.run.choice_log)
            assert again.snapshot() == self.run.snapshot()
            again.close()

    Walk.TestCase.settings = settings(settings(), max_examples=30, stateful_step_count=30)
    return Walk


for _path in PATHS:
    _walk = make_walk(_path)
    globals()[f"TestWalk_{_path.stem.replace('-', '_')}"] = _walk.TestCase


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_random_playthroughs_reach_an_ending(path: Path) -> None:
    """Seeded random play: every run ends within the turn bound, and the seed reproduces it."""
    sc = scenario_at(path)
    endings: set[str] = set()
    for seed in range(150):
        rng = random.Random(seed)
        run = Run.start(sc, seed)
        while not run.ended:
            assert run.turn < MAX_TURNS and not run.is_stuck, (seed, run.scene_id)
            run.choose(rng.choice(run.available()))
        endings.add(run.ending or "")
        assert run.ending in sc.doc.endings
        run.close()
    assert endings  # at least one ending reached; the explorer checks every ending
