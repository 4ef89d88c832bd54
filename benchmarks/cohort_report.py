"""Benchmark: the room debrief with exact decision quality, 200 players x 30 decisions.

Run: python benchmarks/cohort_report.py

Every decision's quality comes from the scenario's outcome map (`simgame.analysis.outcomes`),
which `analyse` opens from the maps folder (here an empty temporary one), building it in a child
process the first time. Goals (issue #12, item 9): the first report under 3 s, later reports
under 0.5 s. Measured, all four formats (Markdown, HTML, CSV, JSON) each time:

- the first report with the map already built: the process has not opened it yet
  (`cache.forget()`), so the report opens the file and reads every decision from it;
- later reports: the map is open in the process (best of 3);
- the map build for the synthetic 30-decision scenario alone (`ensure_map` into an empty folder);
- the very first report of a new scenario version, build included (figure only): what a
  facilitator waits for if nobody has built the map before.

Baseline in the same run: replaying the same logs through the state-machine engine (`Run.replay`),
which the report avoids. Every decision must be rated from the map (checked), so the figures are
for exact quality, not a fallback.
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
from simgame.analysis.outcomes import cache
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_json, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.summary import summarise
from simgame.engine import rules
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario

PLAYERS, DECISIONS = 200, 30
FIRST_GOAL, LATER_GOAL = 3.0, 0.5


def measure_report(players: int = PLAYERS, decisions: int = DECISIONS) -> dict[str, float]:
    """Seconds for the room debrief (all four formats) with the map built and open, the build, and the baseline."""
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

    maps = folder / "maps"
    rated = 0

    def report() -> float:
        nonlocal rated
        start = time.perf_counter()
        analysis = analyse(store, cohort.code, scenario, maps=maps)
        summary = summarise(analysis)
        for render in (to_markdown, to_html, to_csv, to_json):
            render(summary)
        seconds = time.perf_counter() - start
        if analysis.unavailable:
            raise RuntimeError(f"no outcome map for the benchmark scenario: {analysis.unavailable}")
        rated = sum(s.rated for p in analysis.players for s in p.steps)
        return seconds

    cache.forget()
    with_build = report()  # an empty maps folder: builds the map in a child process, then reports
    start = time.perf_counter()
    built = cache.ensure_map(folder / "maps-again", scenario)  # the build alone, into another empty folder
    build = time.perf_counter() - start
    if isinstance(built, cache.Unavailable):
        raise RuntimeError(built.reason)
    states = built.states
    cache.forget()
    first = report()  # the map is built but not open in this process: the report opens it
    later = min(report() for _ in range(3))
    lookups = lookup_seconds(scenario, cohort.seed, logs, maps)
    cache.forget()
    start = time.perf_counter()
    for log in logs:
        Run.replay(scenario, cohort.seed, log).close()
    baseline = time.perf_counter() - start
    store.close()
    return {
        "players": players,
        "decisions": decisions,
        "first": first,
        "warm": later,
        "build": build,
        "with_build": with_build,
        "baseline": baseline,
        "rated": rated,
        "steps": players * decisions,
        "states": states,
        "lookups": lookups,
    }


def lookup_seconds(scenario: Scenario, seed: int, logs: list[list[str]], maps: Path) -> float:
    """Seconds spent in the map lookups alone (one per decision), replaying the logs on the engine's rules."""
    found = cache.open_map(maps, scenario)
    assert found is not None
    spent = 0.0
    for log in logs:
        roller = rules.seeded_roller(seed)
        st, _ = rules.start(scenario, roller)
        for choice_id in log:
            start = time.perf_counter()
            found.at(st)
            spent += time.perf_counter() - start
            rules.choose(scenario, st, scenario.choices[choice_id], roller)
    return spent


def figures(got: dict[str, float]) -> list[Figure]:
    size = f"{int(got['players'])} players x {int(got['decisions'])} decisions"
    label = "replaying the logs with Run.replay"
    return [
        Figure(
            f"room debrief, {size}, later reports (outcome map open)",
            got["warm"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=Goal(f"< {LATER_GOAL:g} s", "value", "<", LATER_GOAL),
        ),
        Figure(
            f"room debrief, {size}, first report (outcome map already built, opened from its file)",
            got["first"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=Goal(f"< {FIRST_GOAL:g} s", "value", "<", FIRST_GOAL),
        ),
        Figure(
            f"outcome map build for the {int(got['decisions'])}-decision room scenario "
            f"({int(got['states']):,} states, child process)",
            got["build"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
        ),
        Figure(
            f"room debrief, {size}, first report of a new scenario version (map build included)",
            got["with_build"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
        ),
    ]


def bench(players: int = PLAYERS, decisions: int = DECISIONS) -> tuple[list[Figure], dict[str, float]]:
    got = measure_report(players, decisions)
    return figures(got), got


def main() -> None:
    got = measure_report()
    first, warm, baseline = got["first"], got["warm"], got["baseline"]
    print(f"room debrief, {PLAYERS} players x {DECISIONS} decisions, all four formats")
    print(f"  decisions rated from the outcome map: {got['rated']:,} of {got['steps']:,}")
    print(
        f"  first report, map built, opened from its file: {first:.3f} s   goal < {FIRST_GOAL:g} s: "
        f"{'met' if first < FIRST_GOAL else 'NOT met'}"
    )
    print(
        f"  later reports, map open:                       {warm:.3f} s   goal < {LATER_GOAL:g} s: "
        f"{'met' if warm < LATER_GOAL else 'NOT met'}"
    )
    print(f"  map build alone, child process:                {got['build']:.3f} s   ({got['states']:,} states)")
    print(f"  first report ever, map build included:          {got['with_build']:.3f} s")
    print(f"  the map lookups alone ({got['steps']:,}), of a later report: {got['lookups']:.3f} s")
    print(
        f"  baseline, replaying the logs with Run.replay:   {baseline:.3f} s   later / baseline = {warm / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
