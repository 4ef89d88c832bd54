"""A property: whatever sequence of honest, late, forged or repeated events and pacing actions reaches the
store, every stored player log replays through the engine, and a refused event changes nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, TIMED_OUT, Event, make_event
from simgame.cohort.sessions import create, scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.storage import open_store
from simgame.cohort.store import LOCKSTEP
from simgame.engine.run import Run

PLAYERS = 3
CHOICES = ["name-owner", "scale-now", "measure", "celebrate", "switch-off", "keep-running", "intro.continue", "nope"]
ENDINGS = ["crisis", "scaled", "muddled", "nowhere"]

honest = st.tuples(st.just("honest"), st.integers(0, PLAYERS - 1), st.integers(0, 5))
forged_choice = st.tuples(st.just("choice"), st.integers(0, PLAYERS - 1), st.integers(-2, 2), st.sampled_from(CHOICES))
forged_finish = st.tuples(
    st.just("finish"),
    st.integers(0, PLAYERS - 1),
    st.integers(-2, 2),
    st.sampled_from(ENDINGS),
    st.one_of(st.none(), st.floats(0, 100)),
)
timeout = st.tuples(st.just("timeout"), st.integers(0, PLAYERS - 1), st.integers(0, 4))
resend = st.tuples(st.just("resend"), st.integers(0, 50))
pace = st.tuples(st.sampled_from(["open", "advance", "undo", "stale-advance"]))
operations = st.lists(st.one_of(honest, honest, forged_choice, forged_finish, timeout, resend, pace), max_size=40)


def _next_honest(store: SqliteStore, code: str, pid: str, seed: int, pick: int) -> Event | None:
    cohort = store.cohort(code)
    log = [e.data["choice"] for e in store.events(code) if e.kind == CHOSE and e.player == pid]
    run = Run.replay(scenario_of(cohort), seed, log, order_key=pid)
    try:
        if run.ended:
            return make_event(FINISHED, pid, len(log), {"ending": run.ending})
        options = run.available()
        return make_event(CHOSE, pid, len(log), {"choice": options[pick % len(options)], "scene": run.scene_id})
    finally:
        run.close()


def _apply(store: SqliteStore, code: str, players: list[str], op: tuple[Any, ...], sent: list[Event]) -> None:
    cohort = store.cohort(code)
    kind = op[0]
    if kind in ("open", "advance", "undo", "stale-advance"):
        if kind == "stale-advance":  # a second facilitator acting on what they saw a moment ago
            from dataclasses import replace

            cohort = replace(cohort, open_step=max(0, cohort.open_step - 1))
        action = {"open": pacing.open_next, "undo": pacing.undo}.get(kind)
        if action is not None:
            action(store, cohort)
        else:
            pacing.advance(store, cohort)
        return
    if kind == "resend":
        if not sent:
            return
        event = sent[op[1] % len(sent)]
    else:
        pid = players[op[1]]
        made = sum(1 for e in store.events(code) if e.kind == CHOSE and e.player == pid)
        if kind == "honest":
            found = _next_honest(store, code, pid, cohort.seed, op[2])
            if found is None:
                return
            event = found
        elif kind == "choice":
            event = make_event(CHOSE, pid, max(0, made + op[2]), {"choice": op[3]})
        elif kind == "finish":
            event = make_event(FINISHED, pid, max(0, made + op[2]), {"ending": op[3], "score": op[4]})
        else:
            event = make_event(TIMED_OUT, pid, op[2], {"decision": op[2]})
    sent.append(event)
    store.append(code, [event])


def _check_every_log_replays(store: SqliteStore, code: str) -> None:
    cohort = store.cohort(code)
    scenario = scenario_of(cohort)
    events = store.events(code)
    for player in store.players(code):
        mine = [e for e in events if e.player == player.id]
        chose = [e for e in mine if e.kind == CHOSE]
        assert [e.step for e in chose] == list(range(len(chose)))  # one per step, no gaps
        run = Run.replay(scenario, cohort.seed, [e.data["choice"] for e in chose], order_key=player.id)
        replayed = Run.start(scenario, cohort.seed, order_key=player.id)
        real = 0
        for e in chose:  # what was stored is what the replay says, step by step
            assert e.data["scene"] == replayed.scene_id
            if scenario.choices[e.data["choice"]].synthetic:
                assert "decision" not in e.data
            else:
                assert e.data["decision"] == real
                assert cohort.pace != LOCKSTEP or real < cohort.open_step  # only opened decisions
                real += 1
            replayed.choose(e.data["choice"])
        finished = [e for e in mine if e.kind == FINISHED]
        assert len(finished) <= 1
        if finished:
            assert run.ended and finished[0].step == len(chose) and finished[0].data["ending"] == run.ending
        answered_at = {e.data.get("decision"): e.seq for e in chose}
        for e in mine:
            if e.kind == TIMED_OUT:  # only on an opened decision, never after the player answered it
                assert e.data["decision"] < cohort.open_step
                assert e.seq < answered_at.get(e.data["decision"], e.seq + 1)
        run.close()
        replayed.close()


@pytest.fixture
def database_url(backend: str) -> Iterator[str | None]:
    """PostgreSQL: one database for all of a test's examples (each example is a session of its own)."""
    if backend != "postgresql":
        yield None
        return
    from tests.cohort.pgsupport import database

    with database() as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("scenario", ["tiny", "intro"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations, lockstep=st.booleans())
@example(ops=[("open",), ("open",), ("advance",), ("timeout", 0, 2), ("undo",)], lockstep=True)  # found by it
def test_every_stored_log_replays_and_refusals_change_nothing(
    cohort_env: Path, database_url: str | None, scenario: str, ops: list[tuple[Any, ...]], lockstep: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(database_url) if database_url else SqliteStore(Path(folder) / "cohorts.sqlite")
        try:
            cohort, _ = create(store, scenario, "Property room", "lockstep" if lockstep else "free", seed=3)
            players = [store.join(cohort.code, f"p{i}", None)[0].id for i in range(PLAYERS)]
            sent: list[Event] = []
            for op in ops:
                before = store.events(cohort.code)
                before_cohort = store.cohort(cohort.code)
                try:
                    _apply(store, cohort.code, players, op, sent)
                except CohortError:
                    assert store.events(cohort.code) == before  # refused: nothing stored, nothing counted
                    assert store.cohort(cohort.code) == before_cohort
            _check_every_log_replays(store, cohort.code)
        finally:
            store.close()
