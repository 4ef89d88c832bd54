"""Benchmark: the room debrief for 200 players x 30 decisions (goal: under 1 s).

Run: python benchmarks/cohort_report.py
Prints the report time with the best-outcome search cold (first report of a cohort) and
cached (every later report), and a baseline measured in the same run: replaying the same
200 logs through the state-machine engine (`Run.replay`), which the report avoids.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cohort_synthetic import write_scenario
from benchmarks.common import Figure, Goal
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_json, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.summary import summarise
from simgame.engine.run import Run
from simgame.format.loader import load_scenario

PLAYERS, DECISIONS, GOAL = 200, 30, 1.0


def measure_report(players: int = PLAYERS, decisions: int = DECISIONS) -> dict[str, float]:
    """Seconds for the room debrief (all four formats), cold and cached, and for the Run.replay baseline."""
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-"))
    previous = os.environ.get("SIMGAME_SCENARIOS")
    os.environ["SIMGAME_SCENARIOS"] = str(folder)
    try:
        return _measure(folder, players, decisions)
    finally:
        if previous is None:
            os.environ.pop("SIMGAME_SCENARIOS", None)
        else:
            os.environ["SIMGAME_SCENARIOS"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def _measure(folder: Path, players: int, decisions: int) -> dict[str, float]:
    scenario = load_scenario(write_scenario(folder, decisions))
    store = SqliteStore(folder / "cohorts.sqlite")
    cohort, _ = create(store, "bench-long", "Benchmark room", "free", seed=3)
    logs = []
    for i in range(players):
        player, _ = store.join(cohort.code, f"player {i:03d}", f"Team {i % 8}")
        rng = random.Random(i)
        run = Run.start(scenario, cohort.seed)
        events = []
        while not run.ended:
            d = run.choose(rng.choice(run.available()))
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        logs.append(run.choice_log)
        run.close()

    def report() -> float:
        start = time.perf_counter()
        summary = summarise(analyse(store, cohort.code, scenario))
        for render in (to_markdown, to_html, to_csv, to_json):
            render(summary)
        return time.perf_counter() - start

    cold = report()
    warm = min(report() for _ in range(3))
    start = time.perf_counter()
    for log in logs:
        Run.replay(scenario, cohort.seed, log).close()
    baseline = time.perf_counter() - start
    store.close()
    return {"players": players, "decisions": decisions, "cold": cold, "warm": warm, "baseline": baseline}


def figures(got: dict[str, float]) -> list[Figure]:
    size = f"{int(got['players'])} players x {int(got['decisions'])} decisions"
    goal = Goal(f"< {GOAL:g} s", "value", "<", GOAL)
    label = "replaying the logs with Run.replay"
    return [
        Figure(
            f"room debrief, {size}, later reports (search cached)",
            got["warm"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=goal,
        ),
        Figure(
            f"room debrief, {size}, first report (best-outcome search)",
            got["cold"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=goal,
        ),
    ]


def bench(players: int = PLAYERS, decisions: int = DECISIONS) -> tuple[list[Figure], dict[str, float]]:
    got = measure_report(players, decisions)
    return figures(got), got


def main() -> None:
    got = measure_report()
    cold, warm, baseline = got["cold"], got["warm"], got["baseline"]
    print(f"room debrief, {PLAYERS} players x {DECISIONS} decisions, all four formats")
    print(f"  first report (best-outcome search, then cached): {cold:.3f} s")
    print(
        f"  later reports (search cached in the store):      {warm:.3f} s   goal < {GOAL:.1f} s: "
        f"{'met' if warm < GOAL else 'NOT met'}"
    )
    print(
        f"  baseline, replaying the logs with Run.replay:    {baseline:.3f} s   "
        f"report / baseline = {warm / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
