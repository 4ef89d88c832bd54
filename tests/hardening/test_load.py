"""Load: 200 player processes play a shipped scenario into one cohort while the facilitator's dashboard runs.

Each player is a real OS process (forked once the engine is imported, so 200 start cheaply
on two cores) that joins through ``observer_for`` and plays a full playthrough, every event
written through the real client and store path, and every event sent twice with the same id,
as a flaky network would. Meanwhile this process drives the Textual dashboard under Pilot.

Nothing here depends on how loaded the machine is: there are no time limits, only waits for
events, each bounded (WAIT_S) so that a hang fails rather than blocks. The players make every
decision and then wait at a gate; the dashboard's own timer must show all of them joined with
every decision and nobody finished, and after the gate opens, everyone finished. Every key
press sent meanwhile must be handled. Afterwards every event is in the store exactly once and
every player finished. The timings printed are figures for docs/benchmarks.md, not checks.

Run `python -m pytest tests/hardening/test_load.py -q -s -n 0` to see the measured figures
(docs/benchmarks.md, "Hardening: load").
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import multiprocessing
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from simgame.cohort.client import observer_for
from simgame.cohort.dashboard import Dashboard
from simgame.cohort.events import CHOSE, FINISHED, JOINED
from simgame.cohort.progress import fold
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.engine.run import Run
from simgame.format.compiled import CONTINUE_SUFFIX
from tests.cohort.test_concurrency import SendsTwice
from tests.support import ROOT

PLAYERS = 200
SCENARIO = "pilot-to-production"
WAIT_S = 300.0  # bounds every wait only so that a hang fails instead of blocking CI: never a speed limit
REFRESH_S = 0.5
ARRIVALS_S = 3.0  # players join within the first 3 s ...
THINK_S = 0.4  # ... and take up to 0.4 s per decision: about 100 times a real room's pace
NICE = 19  # players yield the CPU to the dashboard: 200 laptops would not share its two cores


@dataclass(frozen=True)
class Gates:
    """Shared between the test and the players: start together; finish only when the test says so."""

    go: multiprocessing.synchronize.Event
    finish: multiprocessing.synchronize.Event
    at_finish: Synchronized[int]  # players who made every decision and wait to send `finished`
    decisions: Synchronized[int]  # decisions those players made


def play_one(saves: str, code: str, index: int, out: str, gates: Gates) -> None:
    """One player's process: wait for the start, join, play every decision, wait at the finish gate, finish."""
    gc.disable()  # short-lived: do not touch (and so copy) the parent's pages for a collection
    os.nice(NICE)
    rng = random.Random(index)
    if not gates.go.wait(2 * WAIT_S):  # longer than the test waits, so the test reports what hung
        raise SystemExit(3)
    time.sleep(rng.uniform(0, ARRIVALS_S))  # people type the code at different moments (pacing, not a check)
    observer = observer_for(join=code, name=f"player {index:03d}", team=f"T{index % 8}", saves=Path(saves))
    observer.channel = SendsTwice(observer.channel)  # type: ignore[assignment]
    run = Run.replay(observer.scenario, observer.seed, observer.resume)
    observer.started(run)
    while not run.ended:
        time.sleep(rng.uniform(0, THINK_S))
        observer.chose(run, run.choose(rng.choice(run.available())))
    with gates.at_finish.get_lock():
        # the dashboard counts decisions, not pass-through "Continue" steps
        gates.decisions.value += sum(1 for d in run.history if not run.scenario.choices[d.choice].synthetic)
        gates.at_finish.value += 1
    if not gates.finish.wait(2 * WAIT_S):
        raise SystemExit(4)
    observer.finished(run)
    observer.close()
    Path(out, f"{index}.json").write_text(json.dumps({"player": observer.player, "choices": run.choice_log}))


@dataclass(frozen=True)
class Seen:
    """What one completed dashboard refresh showed, and whether its own timer ran it."""

    ended_at: float
    took: float
    by_timer: bool
    joined: int
    decisions: int
    finished: int


class TimedDashboard(Dashboard):
    """The real dashboard, recording what each refresh showed and how long it took."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.seen: list[Seen] = []
        self.key_handled = 0.0
        self._in_action = False

    def refresh_view(self) -> None:
        started = time.perf_counter()
        super().refresh_view()
        view = self.view
        assert view is not None
        self.seen.append(
            Seen(
                time.perf_counter(),
                time.perf_counter() - started,
                not self._in_action,
                len(view.rows),
                sum(r.decisions for r in view.rows),
                view.finished,
            )
        )

    def action_room_view(self) -> None:
        self.key_handled = time.perf_counter()
        self._in_action = True
        try:
            super().action_room_view()
        finally:
            self._in_action = False


@pytest.fixture
def load_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    saves = tmp_path / "saves"
    saves.mkdir()
    monkeypatch.setenv("SIMGAME_SAVES", str(saves))
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(ROOT / "scenarios"))
    for name in ("SIMGAME_COHORT_DB", "SIMGAME_FACILITATOR_KEY", "SIMGAME_COHORT_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    return saves


class Watch:
    """Waits on conditions while the dashboard runs, failing at once if it or a player crashed."""

    def __init__(self, app: TimedDashboard, pilot: Pilot[None], procs: list[multiprocessing.process.BaseProcess]):
        self.app, self.pilot, self.procs = app, pilot, procs
        self.presses: list[float] = []  # key press to the view toggled, as Pilot sees it
        self.handled: list[float] = []  # key press to its action running

    def _check(self, what: str, deadline: float) -> None:
        if self.app.return_code is not None:
            raise AssertionError(f"the dashboard exited (code {self.app.return_code}) while waiting for {what}")
        crashed = [p.exitcode for p in self.procs if p.exitcode not in (None, 0)]
        assert not crashed, f"player processes failed with exit codes {crashed} while waiting for {what}"
        assert time.monotonic() < deadline, f"no {what} after {WAIT_S:.0f} s: something hangs"

    async def until(self, holds: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not holds():
            self._check(what, deadline)
            await asyncio.sleep(0.05)

    async def pressing_until(self, holds: Callable[[], bool], what: str) -> None:
        """Toggle the room view with `v` again and again (at least once) until ``holds``: every press is handled."""
        deadline = time.monotonic() + WAIT_S
        while True:
            room = self.app.has_class("-room")
            t0 = time.perf_counter()
            await self.pilot.press("v")
            await self.until(lambda: self.app.has_class("-room") != room, "the key press `v` handled")  # noqa: B023
            self.presses.append(time.perf_counter() - t0)
            self.handled.append(self.app.key_handled - t0)
            if holds():
                return
            self._check(what, deadline)
            await asyncio.sleep(0.3)  # pace the presses; a slow machine just presses fewer times


async def _watch(app: TimedDashboard, procs: list[multiprocessing.process.BaseProcess], gates: Gates) -> dict[str, Any]:
    """Drive the dashboard while the players run; returns what was seen and measured."""
    async with app.run_test(size=(160, 50)) as pilot:
        watch = Watch(app, pilot, procs)
        await watch.until(lambda: bool(app.query("#summary")) and bool(app.seen), "dashboard on screen")
        started = time.perf_counter()
        gates.go.set()

        # Everyone joins and makes every decision while the dashboard refreshes and answers keys.
        await watch.pressing_until(lambda: gates.at_finish.value == PLAYERS, "player waiting at the finish gate")
        made, mark = gates.decisions.value, len(app.seen)
        await watch.pressing_until(
            lambda: any(
                s.by_timer and (s.joined, s.decisions, s.finished) == (PLAYERS, made, 0) for s in app.seen[mark:]
            ),
            f"timer refresh showing {PLAYERS} joined, {made} decisions and nobody finished",
        )

        # Then everyone finishes: the dashboard's own timer must bring it to the final count.
        gates.finish.set()
        mark = len(app.seen)
        await watch.pressing_until(
            lambda: any(s.by_timer and s.finished == PLAYERS for s in app.seen[mark:]),
            f"timer refresh showing {PLAYERS} finished",
        )
        load_s = time.perf_counter() - started
        await watch.until(lambda: bool(app.query("#summary")), "summary on screen")
        summary = str(app.query_one("#summary", Static).render())
        seen = [s for s in app.seen if s.ended_at >= started]
    ends = [started, *(s.ended_at for s in seen if s.by_timer)]
    return {
        "load_s": load_s,
        "made": made,
        "seen": seen,
        "presses": watch.presses,
        "handled": watch.handled,
        "summary": summary,
        "max_gap": max(b - a for a, b in itertools.pairwise(ends)),
    }


@pytest.mark.slow
def test_200_players_lose_nothing_and_the_dashboard_stays_live(load_env: Path, tmp_path: Path) -> None:
    store = SqliteStore(load_env / "cohorts.sqlite")
    cohort, _ = create(store, SCENARIO, "Load room", "free", seed=3)
    store.close()  # the players and the dashboard open their own connections; none crosses a fork
    out = tmp_path / "results"
    out.mkdir()

    ctx = multiprocessing.get_context("fork")
    gates = Gates(ctx.Event(), ctx.Event(), ctx.Value("i", 0), ctx.Value("i", 0))
    gc.collect()
    gc.freeze()  # keep the parent's objects out of the children's collections (fewer copied pages)
    procs = [
        ctx.Process(target=play_one, args=(str(load_env), cohort.code, i, str(out), gates), daemon=True)
        for i in range(PLAYERS)
    ]
    try:
        for p in procs:
            p.start()
        app = TimedDashboard(cohort.code, load_env / "cohorts.sqlite", None, refresh_seconds=REFRESH_S)
        measured = asyncio.run(_watch(app, procs, gates))
        deadline = time.monotonic() + WAIT_S
        for p in procs:
            p.join(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        gc.unfreeze()
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(5)
    assert [p.exitcode for p in procs] == [0] * PLAYERS

    # Every event exactly once: per player, per kind, and by client id.
    expected = {r["player"]: r["choices"] for r in (json.loads(f.read_text()) for f in out.glob("*.json"))}
    assert len(expected) == PLAYERS
    store = SqliteStore(load_env / "cohorts.sqlite")
    try:
        events = store.events(cohort.code)
        players = store.players(cohort.code)
    finally:
        store.close()
    assert max(Counter(e.id for e in events).values()) == 1
    assert {p.id for p in players} == set(expected) and len(players) == PLAYERS
    per_kind = Counter((e.player, e.kind) for e in events)
    for player, choices in expected.items():
        assert 10 <= len(choices) <= 20  # a full playthrough of a shipped scenario
        assert per_kind[(player, JOINED)] == 1 and per_kind[(player, FINISHED)] == 1
        assert per_kind[(player, CHOSE)] == len(choices)
        steps = sorted(e.step for e in events if e.player == player and e.kind == CHOSE)
        assert steps == list(range(len(choices)))
    assert len(events) == sum(len(c) + 2 for c in expected.values())
    progress = fold(players, events)
    assert {pid: prog.choice_log() for pid, prog in progress.items()} == expected
    assert all(prog.finished for prog in progress.values())
    decisions = sum(1 for c in expected.values() for cid in c if not cid.endswith(CONTINUE_SUFFIX))
    assert measured["made"] == decisions  # "Continue" through a pass-through scene is not a decision

    # The dashboard stayed live, measured by what it did, not how fast: its own timer showed the room
    # mid-session (everyone's decisions, nobody finished) and then the final count, every key press
    # was handled, and no refresh ever showed fewer players, decisions or finishes than one before it.
    seen: list[Seen] = measured["seen"]
    for before, after in itertools.pairwise(seen):
        assert after.joined >= before.joined and after.decisions >= before.decisions
        assert after.finished >= before.finished
    assert seen[-1].joined == PLAYERS and seen[-1].finished == PLAYERS
    assert f"{PLAYERS} joined · {PLAYERS} finished" in measured["summary"]
    presses, handled = measured["presses"], measured["handled"]
    assert len(presses) >= 3 and all(h >= 0 for h in handled)  # at least one press in each stage, each handled

    took = [s.took for s in seen]
    print(
        f"\nload: {PLAYERS} players x {SCENARIO}, {len(events)} events stored once each "
        f"({2 * len(events) - 2 * PLAYERS} writes incl. resends) in {measured['load_s']:.1f} s\n"
        f"dashboard refresh every {REFRESH_S} s: {sum(s.by_timer for s in seen)} timer refreshes during the load, "
        f"median {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms, "
        f"longest gap between timer refreshes {measured['max_gap']:.2f} s\n"
        f"key press (v), {len(presses)} presses: action runs after median "
        f"{statistics.median(handled) * 1000:.0f} ms, max {max(handled) * 1000:.0f} ms; "
        f"Pilot round trip median {statistics.median(presses) * 1000:.0f} ms, max {max(presses) * 1000:.0f} ms"
    )
