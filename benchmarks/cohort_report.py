"""Benchmark: the room debrief for 200 players x 30 decisions (goal: under 1 s).

Run: python benchmarks/cohort_report.py
Prints the report time with the best-outcome search cold (first report of a cohort) and
cached (every later report), and a baseline measured in the same run: replaying the same
200 logs through the state-machine engine (`Run.replay`), which the report avoids.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cohort_synthetic import write_scenario
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_json, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.summary import summarise
from simgame.engine import Run
from simgame.loader import load_scenario

PLAYERS, DECISIONS, GOAL = 200, 30, 1.0


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-"))
    os.environ["SIMGAME_SCENARIOS"] = str(folder)
    scenario = load_scenario(write_scenario(folder, DECISIONS))
    store = SqliteStore(folder / "cohorts.sqlite")
    cohort, _ = create(store, "bench-long", "Benchmark room", "free", seed=3)
    logs = []
    for i in range(PLAYERS):
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
    print(f"room debrief, {PLAYERS} players x {DECISIONS} decisions, all four formats")
    print(f"  first report (best-outcome search, then cached): {cold:.3f} s")
    print(f"  later reports (search cached in the store):      {warm:.3f} s   goal < {GOAL:.1f} s: "
          f"{'met' if warm < GOAL else 'NOT met'}")
    print(f"  baseline, replaying the logs with Run.replay:    {baseline:.3f} s   "
          f"report / baseline = {warm / baseline:.2f}")
    store.close()


if __name__ == "__main__":
    main()
