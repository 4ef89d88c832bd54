"""Load: 200 player processes play a shipped scenario into one cohort while the facilitator's dashboard runs.

Each player is a real OS process (forked once the engine is imported, so 200 start cheaply
on two cores) that joins through ``observer_for`` and plays a full playthrough, every event
written through the real client and store path, and every event sent twice with the same id,
as a flaky network would. Meanwhile this process drives the Textual dashboard under Pilot:
its periodic refresh must keep happening and a key press must be handled. Afterwards every
event is in the store exactly once and every player finished.

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
from pathlib import Path

import pytest

from simgame.cohort.client import observer_for
from simgame.cohort.dashboard import Dashboard
from simgame.cohort.events import CHOSE, FINISHED, JOINED
from simgame.cohort.progress import fold
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.engine.run import Run
from tests.cohort.test_concurrency import SendsTwice
from tests.support import ROOT

PLAYERS = 200
SCENARIO = "pilot-to-production"
LOAD_LIMIT_S = 75.0  # the writers' whole run must end within this (it takes about 15-25 s here)
RESPONSIVE_S = 10.0  # generous (a shared CI machine): slower than this, the dashboard has stalled
REFRESH_S = 0.5
ARRIVALS_S = 3.0  # players join within the first 3 s ...
THINK_S = 0.4  # ... and take up to 0.4 s per decision: about 100 times a real room's pace
NICE = 19  # players yield the CPU to the dashboard: 200 laptops would not share its two cores


def play_one(saves: str, code: str, index: int, out: str, go: multiprocessing.synchronize.Event) -> None:
    """One player's process: wait for the start, join, play to an ending, report what was played."""
    gc.disable()  # short-lived: do not touch (and so copy) the parent's pages for a collection
    os.nice(NICE)
    rng = random.Random(index)
    if not go.wait(60):
        raise SystemExit(3)
    time.sleep(rng.uniform(0, ARRIVALS_S))  # people type the code at different moments
    observer = observer_for(join=code, name=f"player {index:03d}", team=f"T{index % 8}", saves=Path(saves))
    observer.channel = SendsTwice(observer.channel)  # type: ignore[assignment]
    run = Run.replay(observer.scenario, observer.seed, observer.resume)
    observer.started(run)
    while not run.ended:
        time.sleep(rng.uniform(0, THINK_S))
        observer.chose(run, run.choose(rng.choice(run.available())))
    observer.finished(run)
    observer.close()
    Path(out, f"{index}.json").write_text(json.dumps({"player": observer.player, "choices": run.choice_log}))


class TimedDashboard(Dashboard):
    """The real dashboard, recording when each refresh ended and how long it took."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.refreshes: list[tuple[float, float]] = []  # (ended at, seconds taken)
        self.key_handled = 0.0

    def refresh_view(self) -> None:
        started = time.perf_counter()
        super().refresh_view()
        self.refreshes.append((time.perf_counter(), time.perf_counter() - started))

    def action_room_view(self) -> None:
        self.key_handled = time.perf_counter()
        super().action_room_view()


@pytest.fixture
def load_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    saves = tmp_path / "saves"
    saves.mkdir()
    monkeypatch.setenv("SIMGAME_SAVES", str(saves))
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(ROOT / "scenarios"))
    for name in ("SIMGAME_COHORT_DB", "SIMGAME_FACILITATOR_KEY", "SIMGAME_COHORT_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    return saves


async def _watch(
    app: TimedDashboard, procs: list[multiprocessing.process.BaseProcess], go: multiprocessing.synchronize.Event
) -> dict[str, object]:
    """Drive the dashboard while the players run; returns what was measured."""
    async with app.run_test(size=(160, 50)) as pilot:
        app.refreshes.clear()
        presses: list[float] = []  # from the key press to pilot.press returning with the view toggled
        handled: list[float] = []  # from the key press to its action running
        started = time.perf_counter()
        go.set()
        while any(p.is_alive() for p in procs) and time.perf_counter() - started < LOAD_LIMIT_S:
            room = app.has_class("-room")
            t0 = time.perf_counter()
            await pilot.press("v")  # the room view: hides names, refreshes the view
            while app.has_class("-room") == room and time.perf_counter() - t0 < RESPONSIVE_S:
                await asyncio.sleep(0.01)
            presses.append(time.perf_counter() - t0)
            handled.append(app.key_handled - t0)
            assert app.has_class("-room") != room, "a key press was not handled"
            await asyncio.sleep(0.7)
        load_s = time.perf_counter() - started
        timed = [r for r in app.refreshes if r[0] <= started + load_s]
        await pilot.pause()
        app.refresh_view()
        summary = str(app.query_one("#summary").render())
    ends = [started, *(r[0] for r in timed), started + load_s]
    return {
        "load_s": load_s,
        "refreshes": [r[1] for r in timed],
        "presses": presses,
        "handled": handled,
        "summary": summary,
        "max_gap": max(b - a for a, b in itertools.pairwise(ends)),
    }


def test_200_players_lose_nothing_and_the_dashboard_stays_live(load_env: Path, tmp_path: Path) -> None:
    store = SqliteStore(load_env / "cohorts.sqlite")
    cohort, _ = create(store, SCENARIO, "Load room", "free", seed=3)
    store.close()  # the players and the dashboard open their own connections; none crosses a fork
    out = tmp_path / "results"
    out.mkdir()

    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    gc.collect()
    gc.freeze()  # keep the parent's objects out of the children's collections (fewer copied pages)
    procs = [
        ctx.Process(target=play_one, args=(str(load_env), cohort.code, i, str(out), go), daemon=True)
        for i in range(PLAYERS)
    ]
    try:
        for p in procs:
            p.start()
        app = TimedDashboard(cohort.code, load_env / "cohorts.sqlite", None, refresh_seconds=REFRESH_S)
        measured = asyncio.run(_watch(app, procs, go))
        for p in procs:
            p.join(timeout=max(1.0, LOAD_LIMIT_S - float(measured["load_s"])))  # type: ignore[arg-type]
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

    # The dashboard kept refreshing and answering keys throughout, and its last refresh shows everyone.
    refreshes, presses, handled = measured["refreshes"], measured["presses"], measured["handled"]
    assert isinstance(refreshes, list) and isinstance(presses, list) and isinstance(handled, list)
    load_s = float(measured["load_s"])  # type: ignore[arg-type]
    print(
        f"\nload: {PLAYERS} players x {SCENARIO}, {len(events)} events stored once each "
        f"({2 * len(events) - 2 * PLAYERS} writes incl. resends) in {load_s:.1f} s\n"
        f"dashboard refresh every {REFRESH_S} s: {len(refreshes)} refreshes during the load, "
        f"median {statistics.median(refreshes) * 1000:.0f} ms, max {max(refreshes) * 1000:.0f} ms, "
        f"longest gap between refreshes {float(measured['max_gap']):.2f} s\n"  # type: ignore[arg-type]
        f"key press (v), {len(presses)} presses: action runs after median "
        f"{statistics.median(handled) * 1000:.0f} ms, max {max(handled) * 1000:.0f} ms; "
        f"Pilot round trip median {statistics.median(presses) * 1000:.0f} ms, max {max(presses) * 1000:.0f} ms"
    )
    assert load_s < LOAD_LIMIT_S
    assert len(refreshes) >= max(3, int(load_s / REFRESH_S / 10)), "the dashboard stopped refreshing"
    assert max(refreshes) < RESPONSIVE_S and max(presses) < RESPONSIVE_S and max(handled) < RESPONSIVE_S
    assert float(measured["max_gap"]) < 2 * RESPONSIVE_S  # type: ignore[arg-type]
    assert f"{PLAYERS} joined · {PLAYERS} finished" in str(measured["summary"])
