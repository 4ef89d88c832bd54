"""Lockstep: the facilitator opens, reveals and advances; stragglers time out and are left out of quality."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.cohort import pacing
from simgame.cohort.analytics import analyse
from simgame.cohort.client import CohortObserver, observer_for
from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, TIMED_OUT
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.format.compiled import Scenario


def _join(saves: Path, code: str, n: int) -> list[tuple[CohortObserver, Run]]:
    out = []
    for i in range(n):
        obs = observer_for(join=code, name=f"p{i}", team="Blue" if i < 5 else "Red", saves=saves)
        run = Run.replay(obs.scenario, obs.seed, obs.resume)
        obs.started(run)
        out.append((obs, run))
    return out


def test_lockstep_flow(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], cohort_env: Path, tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    players = _join(cohort_env, cohort.code, 7)
    try:
        assert players[0][0].waiting(players[0][1]) == "Waiting for the facilitator to open the first decision."
        with pytest.raises(CohortError, match="no decision is open"):
            pacing.reveal(store, cohort)

        cohort = pacing.open_next(store, cohort)
        assert all(obs.waiting(run) is None for obs, run in players)
        # Six answer decision 1 (five name an owner); the seventh is a straggler.
        for i, (obs, run) in enumerate(players[:6]):
            obs.chose(run, run.choose("name-owner" if i < 5 else "scale-now"))
        assert "decision 2" in (players[0][0].waiting(players[0][1]) or "")
        cohort = pacing.reveal(store, cohort)
        shown = players[0][0].waiting(players[0][1]) or ""
        assert "The room on decision 1 (6 answers):" in shown
        assert "83%  Name an owner with authority to switch it…" in shown and "17%  Scale to every region now" in shown

        cohort, late = pacing.advance(store, cohort)
        assert late == 1 and cohort.open_step == 2
        timed_out = [e for e in store.events(cohort.code) if e.kind == TIMED_OUT]
        assert [(e.player, e.step) for e in timed_out] == [(players[6][0].player, 0)]
        # The straggler still plays decision 1 late, then decision 2 with everyone.
        obs7, run7 = players[6]
        assert obs7.waiting(run7) is None
        obs7.chose(run7, run7.choose("name-owner"))
        for obs, run in players:
            if not run.ended and obs.waiting(run) is None:
                obs.chose(run, run.choose(run.available()[0]))
            if run.ended:
                obs.finished(run)

        actions = [e.data["action"] for e in store.events(cohort.code) if e.kind == FACILITATOR]
        assert actions == ["open", "reveal", "advance"]

        analysis = analyse(store, cohort.code, tiny)
        kickoff = next(d for d in analysis.decisions if d.scene == "kickoff")
        assert {o.choice: o.count for o in kickoff.options} == {"scale-now": 1, "name-owner": 5}
        assert kickoff.timed_out == 1
        late_result = next(p for p in analysis.players if p.player.id == obs7.player)
        assert late_result.steps[0].timed_out and late_result.steps[0].quality is None
        assert late_result.timed_out == 1
    finally:
        for obs, _ in players:
            obs.close()


def test_pause_and_close_hold_players(store: SqliteStore, free_cohort: tuple[Cohort, str], cohort_env: Path) -> None:
    cohort, _ = free_cohort
    ((obs, run),) = _join(cohort_env, cohort.code, 1)
    try:
        assert obs.waiting(run) is None
        cohort = pacing.pause(store, cohort, True)
        assert "paused" in (obs.waiting(run) or "")
        cohort = pacing.pause(store, cohort, False)
        assert obs.waiting(run) is None
        with pytest.raises(CohortError, match="free play"):
            pacing.open_next(store, cohort)
        pacing.close(store, cohort, "2026-11-25T10:00:00")
        assert "closed" in (obs.waiting(run) or "")
    finally:
        obs.close()
    with pytest.raises(CohortError, match="closed"):
        observer_for(join=cohort.code, name="late", saves=cohort_env)


def test_small_rooms_see_no_split(store: SqliteStore, lockstep_cohort: tuple[Cohort, str], cohort_env: Path) -> None:
    cohort, _ = lockstep_cohort
    players = _join(cohort_env, cohort.code, 3)
    try:
        cohort = pacing.open_next(store, cohort)
        for obs, run in players:
            obs.chose(run, run.choose("scale-now"))
        pacing.reveal(store, cohort)
        shown = players[0][0].waiting(players[0][1]) or ""
        assert "fewer than 5 answers" in shown and "%" not in shown
    finally:
        for obs, _ in players:
            obs.close()
