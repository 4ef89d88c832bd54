"""Benchmark: cohort events written per second with 50 writer processes (one SQLite file, WAL).

Run: python benchmarks/cohort_events.py
Each writer is a player process: it joins, then writes a 30-decision playthrough of a
synthetic scenario one event per transaction (as a player's observer does; the store
replays each event before keeping it) and resends every event once (a flaky network),
which must store nothing new. Baseline in the same run: one process writing the same 50
playthroughs one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cohort_synthetic import write_scenario
from benchmarks.common import Figure
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.sessions import create, scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.engine.run import Run

DECISIONS = 30


def writer(path: str, code: str, index: int, players: int, go: multiprocessing.synchronize.Event) -> None:
    store = SqliteStore(Path(path))
    scenario = scenario_of(store.cohort(code))
    go.wait(60)
    for n in range(players):
        player, _ = store.join(code, f"writer {index:03d}-{n:03d}", None)
        rng, run = random.Random(f"{index}-{n}"), Run.start(scenario, 0, order_key=player.id)
        events = []
        while not run.ended:
            d = run.choose(rng.choice(run.available()))
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        for event in events:
            store.append(code, [event])
        for event in events:  # the resend: stored once already
            if store.append(code, [event]) != 0:
                raise SystemExit(f"writer {index}: a resend was stored twice")
    store.close()


def measure(writers: int, players_each: int) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-"))
    write_scenario(folder, DECISIONS)
    previous = os.environ.get("SIMGAME_SCENARIOS")
    os.environ["SIMGAME_SCENARIOS"] = str(folder)  # the writers (forked) resolve the scenario here too
    try:
        return _measure(folder, writers, players_each)
    finally:
        if previous is None:
            os.environ.pop("SIMGAME_SCENARIOS", None)
        else:
            os.environ["SIMGAME_SCENARIOS"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def _measure(folder: Path, writers: int, players_each: int) -> tuple[float, int]:
    store = SqliteStore(folder / "cohorts.sqlite")
    code = create(store, "bench-long", "bench", "free", seed=0)[0].code
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    procs = [ctx.Process(target=writer, args=(str(store.path), code, i, players_each, go)) for i in range(writers)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # let every process open the file before the clock starts
    start = time.perf_counter()
    go.set()
    for p in procs:
        p.join(300)
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit("a writer failed")
    events = store.events(code)
    expected = writers * players_each * (DECISIONS + 2)  # joined + decisions + finished
    if len(events) != expected or len({e.id for e in events}) != expected:
        raise SystemExit(f"expected {expected} events exactly once, found {len(events)}")
    store.close()
    return elapsed, len(events)


def measure_events(writers: int = 50) -> dict[str, float]:
    """Events/s for ``writers`` processes at once (one playthrough each) and for one process writing them in turn."""
    one_time, one_events = measure(1, writers)  # the same playthroughs, one after another
    many_time, many_events = measure(writers, 1)
    return {
        "writers": writers,
        "one_time": one_time,
        "one_events": one_events,
        "many_time": many_time,
        "many_events": many_events,
        "one_rate": one_events / one_time,
        "many_rate": many_events / many_time,
    }


def figures(got: dict[str, float]) -> list[Figure]:
    w = int(got["writers"])
    return [
        Figure(
            f"events written per second, {w} writers at once (each stored exactly once)",
            got["many_rate"],
            "/s",
            0,
            baseline=got["one_rate"],
            baseline_label=f"1 writer, the same {w} playthroughs in turn",
        )
    ]


def bench(writers: int = 50) -> tuple[list[Figure], dict[str, float]]:
    got = measure_events(writers)
    return figures(got), got


def main() -> None:
    got = measure_events(50)
    one_time, one_events, one_rate = got["one_time"], int(got["one_events"]), got["one_rate"]
    many_time, many_events, many_rate = got["many_time"], int(got["many_events"]), got["many_rate"]
    print("cohort event writes (one transaction per event, every event also resent once)")
    print(f"   1 writer, 50 playthroughs in turn: {one_events} events in {one_time:.2f} s = {one_rate:.0f} events/s")
    print(
        f"  50 writers at once, 1 playthrough each: {many_events} events in {many_time:.2f} s = "
        f"{many_rate:.0f} events/s (each stored exactly once)"
    )
    print(f"  50 writers / 1 writer throughput = {many_rate / one_rate:.2f}")


if __name__ == "__main__":
    main()
