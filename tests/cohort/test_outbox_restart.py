"""A terminal player's events survive the hub being stopped and restarted mid-session: late, never lost or doubled."""

from __future__ import annotations

from pathlib import Path

from simgame.cli import main
from simgame.cohort.client import observer_for
from simgame.cohort.events import CHOSE, FINISHED
from simgame.cohort.outbox import Outbox
from simgame.cohort.resultfile import import_file
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from tests.cohort.hubsupport import HubProcess, free_port, wait_for


def _count(store: SqliteStore, code: str, kind: str) -> int:
    return sum(e.kind == kind for e in store.events(code))


def test_outbox_retries_after_a_hub_restart(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = HubProcess(cohort.code, store.path, free_port(), tmp_path / "hub.log").start()
    laptop = tmp_path / "laptop"  # the player's own machine: its own saves and outbox
    observer = None
    try:
        observer = observer_for(join=cohort.code, name="Lap Top", hub=hub.url, saves=laptop)
        run = Run.replay(observer.scenario, observer.seed, observer.resume)
        observer.started(run)
        observer.chose(run, run.choose("scale-now"))
        wait_for(lambda: _count(store, cohort.code, CHOSE) == 1, what="the first choice to reach the hub")

        hub.stop()
        assert observer.waiting(run) is None  # free play goes on while the hub is away
        observer.chose(run, run.choose(run.available()[0]))
        if not run.ended:
            observer.chose(run, run.choose(run.available()[0]))
        observer.finished(run)
        (folder,) = list((laptop / "outbox").glob("*/*"))
        assert len(Outbox(folder).pending()) >= 2
        assert _count(store, cohort.code, CHOSE) == 1

        hub.start()
        wait_for(lambda: _count(store, cohort.code, FINISHED) == 1, 30, "the queued events after the restart")
        observer.close()
        assert observer.unsent == 0

        # Resending everything (an outbox that lost its acknowledgements) changes nothing.
        (folder / "acked.txt").unlink()
        before = [(e.id, e.kind, e.step) for e in store.events(cohort.code)]
        assert Outbox(folder).flush(lambda batch: observer.channel._deliver(batch)) == 0  # type: ignore[attr-defined]
        after = [(e.id, e.kind, e.step) for e in store.events(cohort.code)]
        assert after == before
        assert _count(store, cohort.code, CHOSE) == len(run.history)
        chosen = [e.data["choice"] for e in store.events(cohort.code) if e.kind == CHOSE]
        assert chosen == run.choice_log
    finally:
        if observer is not None:
            observer.close()
        hub.stop()


def test_rejoining_offline_resumes_from_the_outbox(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    hub = HubProcess(cohort.code, store.path, free_port(), tmp_path / "hub.log").start()
    laptop = tmp_path / "laptop"
    try:
        first = observer_for(join=cohort.code, name="Roamer", hub=hub.url, saves=laptop)
        run = Run.replay(first.scenario, first.seed, first.resume)
        first.chose(run, run.choose("name-owner"))
        first.close()
    finally:
        hub.stop()
    again = observer_for(join=cohort.code, name="Roamer", hub=hub.url, saves=laptop)  # hub down: the outbox knows
    try:
        assert again.resume == ["name-owner"] and again.player == first.player
    finally:
        again.close()
    # Still offline at the end: the player exports from their outbox and the facilitator imports the file.
    out = tmp_path / "roamer.json"
    assert main(["export", "--join", cohort.code, "--name", "Roamer", "--saves", str(laptop), "-o", str(out)]) == 0
    name, new = import_file(store, cohort, tiny, out)
    assert name == "Roamer" and new == 0  # the hub already had that decision: nothing counted twice
    assert [e.data["choice"] for e in store.events(cohort.code) if e.kind == CHOSE] == ["name-owner"]
    stranger = tmp_path / "stranger"
    try:
        observer_for(join=cohort.code, name="New", hub=hub.url, saves=stranger)
    except Exception as exc:
        assert "cannot reach the hub" in str(exc) and "simgame export" in str(exc)
    else:
        raise AssertionError("joining a stopped hub for the first time should fail with advice")


def test_a_hub_outage_never_turns_an_answer_into_a_timeout(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    from simgame.cohort import pacing
    from simgame.cohort.health import health
    from simgame.cohort.progress import fold

    cohort, _ = lockstep_cohort
    hub = HubProcess(cohort.code, store.path, free_port(), tmp_path / "hub.log").start()
    laptop = tmp_path / "laptop"
    observer = None
    try:
        observer = observer_for(join=cohort.code, name="Lap Top", hub=hub.url, saves=laptop)
        (folder,) = list((laptop / "outbox").glob("*/*"))
        assert (folder / "device.token").exists()  # this machine's proof that it is Lap Top
        try:  # the same name from another machine is told it is taken
            observer_for(join=cohort.code, name="lap top", hub=hub.url, saves=tmp_path / "other")
        except Exception as exc:
            assert "already taken" in str(exc)
        else:
            raise AssertionError("a second device took over a player's name")
        cohort = pacing.open_next(store, store.cohort(cohort.code))
        run = Run.replay(observer.scenario, observer.seed, observer.resume, order_key=observer.player)
        wait_for(lambda: observer.waiting(run) is None, 30, "the player to see decision 1 open")
        wait_for(lambda: health(store, cohort.code).state == "up", 30, "the hub's heartbeat")

        hub.stop()
        observer.chose(run, run.choose("name-owner"))  # answered while the hub is down: kept in the outbox
        assert _count(store, cohort.code, CHOSE) == 0
        plan = pacing.plan_advance(store, store.cohort(cohort.code))
        assert plan.needs_confirmation and "STOPPED" in plan.question()  # advancing now would time it out

        hub.start()
        wait_for(lambda: _count(store, cohort.code, CHOSE) == 1, 30, "the answer after the hub is back")
        cohort, late = pacing.advance(store, store.cohort(cohort.code))
        assert late == 0
        (prog,) = fold(store.players(cohort.code), store.events(cohort.code)).values()
        assert prog.timed_out_decisions == set() and prog.choice_log() == ["name-owner"]
    finally:
        if observer is not None:
            observer.close()
        hub.stop()
