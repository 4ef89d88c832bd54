"""Pacing that is safe to repeat: actions name their decision, advancing asks first, undo, the timer, hub health."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from simgame.cli import main
from simgame.cohort import pacing
from simgame.cohort.client import observer_for
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FACILITATOR, make_event
from simgame.cohort.health import beat, health
from simgame.cohort.liveview import build
from simgame.cohort.progress import fold
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.storage import open_store
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from tests.cohort.conftest import location_of, reopen

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _players(store: SqliteStore, cohort: Cohort, n: int) -> list[str]:
    return [store.join(cohort.code, f"p{i}", None)[0].id for i in range(n)]


def _advances(store: SqliteStore, code: str) -> int:
    return sum(1 for e in store.events(code) if e.kind == FACILITATOR and e.data["action"] == "advance")


def test_an_action_on_a_decision_that_is_no_longer_open_is_refused(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = lockstep_cohort
    seen = pacing.open_next(store, cohort)  # decision 1 open: what both facilitators see
    pacing.advance(store, seen)
    for act in (pacing.advance, pacing.open_next, pacing.reveal):
        with pytest.raises(CohortError, match="nothing done: the session changed"):
            act(store, seen)  # type: ignore[operator]
    assert store.cohort(cohort.code).open_step == 2 and _advances(store, cohort.code) == 1


class RacingStore:
    """A store whose pacing writes wait until both facilitators have read the session (a forced race)."""

    def __init__(self, store: SqliteStore, barrier: threading.Barrier) -> None:
        self.store, self.barrier = store, barrier

    def set_pacing(self, *args: Any, **kw: Any) -> Cohort:
        self.barrier.wait(timeout=20)
        return self.store.set_pacing(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_two_facilitators_advancing_at_once_advance_once(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], cohort_env: Path
) -> None:
    cohort, _ = lockstep_cohort
    _players(store, cohort, 3)
    seen = pacing.open_next(store, cohort)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def facilitator() -> None:
        own = reopen(store)  # each its own connection, as two terminals would be
        try:
            pacing.advance(RacingStore(own, barrier), seen)  # type: ignore[arg-type]
            outcomes.append("advanced")
        except CohortError as exc:
            outcomes.append(str(exc))
        finally:
            own.close()

    threads = [threading.Thread(target=facilitator) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[0] == "advanced" and "nothing done" in sorted(outcomes)[1]
    assert store.cohort(cohort.code).open_step == 2 and _advances(store, cohort.code) == 1
    assert len(fold(store.players(cohort.code), store.events(cohort.code))) == 3
    assert sum(1 for e in store.events(cohort.code) if e.kind == "timed_out") == 3  # once each


def _advance_in_process(path: str, code: str, barrier: Any, out: Any) -> None:
    store = open_store(path)
    seen = store.cohort(code)
    barrier.wait(timeout=30)
    try:
        pacing.advance(store, seen)
        out.put("advanced")
    except CohortError:
        out.put("refused")
    finally:
        store.close()


def test_two_advance_processes_at_once_advance_once(store: SqliteStore, lockstep_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = lockstep_cohort
    _players(store, cohort, 2)
    pacing.open_next(store, cohort)
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_advance_in_process, args=(location_of(store), cohort.code, barrier, out)) for _ in "ab"
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert sorted(out.get(timeout=5) for _ in procs) == ["advanced", "refused"]
    assert store.cohort(cohort.code).open_step == 2 and _advances(store, cohort.code) == 1


def test_advancing_past_stragglers_asks_first_on_the_command_line(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], capsys: pytest.CaptureFixture[str]
) -> None:
    cohort, key = lockstep_cohort
    _players(store, cohort, 2)
    base = ["cohort", "pace", cohort.code]
    assert main([*base, "open", "--key", key]) == 0
    assert main([*base, "advance", "--key", key]) == 1  # not a terminal, no --yes: nothing done
    err = capsys.readouterr().err
    assert "2 player(s) have not answered and will time out: p0, p1" in err and "--yes" in err
    assert store.cohort(cohort.code).open_step == 1
    assert main([*base, "advance", "--yes", "--key", key]) == 0
    assert "2 player(s) timed out; decision 2 is open." in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*base, "--help"])
    assert "advance --yes" in capsys.readouterr().out


def test_the_last_advance_can_be_undone(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    ann, bob = _players(store, cohort, 2)
    with pytest.raises(CohortError, match="no advance to undo"):
        pacing.undo(store, pacing.open_next(store, cohort))
    cohort = store.cohort(cohort.code)
    store.append(cohort.code, [make_event(CHOSE, ann, 0, {"choice": "name-owner"})])
    cohort, late = pacing.advance(store, cohort)
    assert late == 1 and fold(store.players(cohort.code), store.events(cohort.code))[bob].timed_out_decisions == {0}
    cohort = pacing.undo(store, cohort)
    assert cohort.open_step == 1
    assert fold(store.players(cohort.code), store.events(cohort.code))[bob].timed_out_decisions == set()
    with pytest.raises(CohortError, match="no advance to undo"):
        pacing.undo(store, cohort)
    cohort, late = pacing.advance(store, cohort)  # advancing again times Bob out again
    assert late == 1 and fold(store.players(cohort.code), store.events(cohort.code))[bob].timed_out_decisions == {0}
    run = Run.replay(tiny, cohort.seed, ["name-owner"], order_key=ann)
    store.append(cohort.code, [make_event(CHOSE, ann, 1, {"choice": run.available()[0]})])
    with pytest.raises(CohortError, match="already answered decision 2"):
        pacing.undo(store, cohort)
    actions = [e.data["action"] for e in store.events(cohort.code) if e.kind == FACILITATOR]
    assert actions == ["open", "advance", "undo", "advance"]


def test_the_timer_advances_once_and_waits_while_the_hub_is_down(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = lockstep_cohort
    _players(store, cohort, 1)
    cohort = pacing.open_next(store, cohort)
    with pytest.raises(CohortError, match="10 seconds to 3 hours"):
        pacing.set_timer(store, cohort, 5, now=T0)
    cohort = pacing.set_timer(store, cohort, 60, now=T0)
    assert pacing.due(store, cohort, T0 + timedelta(seconds=59)) is None
    beat(store, cohort.code, T0 - timedelta(seconds=100), 3, "hub")  # a hub that went silent
    assert pacing.due(store, cohort, T0 + timedelta(seconds=61)) is None  # answers may be on their way
    beat(store, cohort.code, T0 + timedelta(seconds=60), 3, "hub")
    advanced = pacing.due(store, cohort, T0 + timedelta(seconds=61))
    assert advanced is not None and advanced.open_step == 2 and advanced.deadline is None
    assert pacing.due(store, cohort, T0 + timedelta(seconds=62)) is None  # the hub's and the dashboard's: once
    assert _advances(store, cohort.code) == 1
    (timer,) = [e for e in store.events(cohort.code) if e.data.get("action") == "advance"]
    assert timer.data["by"] == "timer"


def test_hub_health_is_shown_and_an_outage_asks_before_advancing(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    assert health(store, cohort.code).state == "none"
    cohort = pacing.open_next(store, cohort)
    beat(store, cohort.code, T0, 4, "0.0.0.0:8765")
    assert health(store, cohort.code, T0 + timedelta(seconds=3)).line().startswith("hub: up (4 terminal")
    assert not pacing.plan_advance(store, cohort, T0 + timedelta(seconds=3)).needs_confirmation  # nobody late
    down = pacing.plan_advance(store, cohort, T0 + timedelta(seconds=60))
    assert down.needs_confirmation and "NO ANSWER for 60 s" in down.question()
    beat(store, cohort.code, T0, 0, "0.0.0.0:8765", stopped=True)
    assert "STOPPED" in build(store, cohort.code, tiny, now=T0 + timedelta(seconds=5)).hub.line()


def test_lockstep_never_holds_a_continue_screen(store: SqliteStore, cohort_env: Path) -> None:
    cohort, _ = create(store, "intro", "Intro room", "lockstep", seed=0)
    observer = observer_for(join=cohort.code, name="Ann", saves=cohort_env)
    try:
        run = Run.replay(observer.scenario, observer.seed, observer.resume, order_key=observer.player)
        assert observer.waiting(run) is None  # the intro is read at once
        observer.chose(run, run.choose("intro.continue"))
        assert observer.waiting(run) == "Waiting for the facilitator to open the first decision."
        pacing.open_next(store, cohort)
        assert observer.waiting(run) is None
        observer.chose(run, run.choose("name-owner"))
        assert "decision 2" in (observer.waiting(run) or "")
        stored = [e.data.get("decision") for e in store.events(cohort.code) if e.kind == CHOSE]
        assert stored == [None, 0]
    finally:
        observer.close()


class AnswersFirst:
    """A store where a player's answer lands between the facilitator's look and the advance."""

    def __init__(self, store: SqliteStore, answer: Any) -> None:
        self.store, self.answer = store, answer

    def set_pacing(self, *args: Any, **kw: Any) -> Cohort:
        self.store.append(self.answer.player and self.store.cohorts()[0].code, [self.answer])
        return self.store.set_pacing(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_player_who_answers_while_the_advance_is_on_its_way_is_not_timed_out(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = lockstep_cohort
    ann, bob = _players(store, cohort, 2)
    cohort = pacing.open_next(store, cohort)
    racing = AnswersFirst(store, make_event(CHOSE, ann, 0, {"choice": "name-owner"}))
    cohort, late = pacing.advance(racing, cohort)  # type: ignore[arg-type]
    assert late == 1
    progress = fold(store.players(cohort.code), store.events(cohort.code))
    assert progress[ann].timed_out_decisions == set() and progress[bob].timed_out_decisions == {0}
