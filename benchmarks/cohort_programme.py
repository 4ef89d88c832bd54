"""Benchmark: a programme's report over 6 sessions x 200 players (issue #15, item 4: under 2 s).

Run: python benchmarks/cohort_programme.py

Six sessions of a leadership programme in one SQLite store, on two synthetic scenarios (three
sessions each: 30 and 24 decisions in a row, three choices each, every choice tagged with a
practice), 200 random players each, eight teams. The report replays every player from the log and
reads every decision's quality from the scenarios' outcome maps (built beforehand, as
`simgame cohort create` starts them), then renders all five formats (text, Markdown, HTML, CSV,
JSON). Measured:

- the first report, as in a new process: the maps are built but not open (`cache.forget()`), so the
  report opens both files: what `simgame cohort programme report` does each time (goal < 2 s);
- later reports with the maps open (best of 3);
- the first report's CPU time in the reporting process (figure only, against the room debrief's):
  what the report costs when other processes share the machine and stretch the wall-clock figures;
- finding a programme's sessions among 1,000 sessions by filtering `cohorts()` (the store has no
  query of its own for it), against `cohorts()` alone.

Baseline in the same run: one session's room debrief of 200 players (all four formats, map open).
Every decision must be rated from a map (checked), so the figures are for exact quality.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cohort_synthetic import write_scenario
from benchmarks.common import Figure, Goal
from simgame.analysis.outcomes import cache
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.programme import find_programme
from simgame.cohort.programmehtml import to_html as programme_html
from simgame.cohort.programmerender import to_csv, to_json, to_markdown, to_text
from simgame.cohort.programmereport import gather, programme_report
from simgame.cohort.render import to_csv as room_csv
from simgame.cohort.render import to_json as room_json
from simgame.cohort.render import to_markdown as room_markdown
from simgame.cohort.sessions import create, scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.summary import summarise
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario

SESSIONS, PLAYERS = 6, 200
GOAL = 2.0
PROGRAMME = "Leading with AI, benchmark cohorts"
OTHER_SESSIONS = 1000


def measure(sessions: int = SESSIONS, players: int = PLAYERS) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-programme-"))
    saved = {k: os.environ.get(k) for k in ("SIMGAME_SCENARIOS", "SIMGAME_MAPS")}
    os.environ["SIMGAME_SCENARIOS"] = str(folder)
    os.environ["SIMGAME_MAPS"] = str(folder / "maps")
    try:
        return _measure(folder, sessions, players)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(folder, ignore_errors=True)


def _scenarios(folder: Path) -> list[Scenario]:
    long = write_scenario(folder, 30)
    (folder / "short").mkdir()
    text = write_scenario(folder / "short", 24).read_text(encoding="utf-8")
    short = folder / "bench-short.yaml"
    short.write_text(text.replace("id: bench-long", "id: bench-short"), encoding="utf-8")
    return [load_scenario(long), load_scenario(short)]


def _play(store: SqliteStore, code: str, scenario: Scenario, seed: int, players: int, salt: int) -> None:
    for i in range(players):
        player, _ = store.join(code, f"player {i:03d}", f"Team {i % 8}")
        rng = random.Random(salt * 10_000 + i)
        run = Run.start(scenario, seed)
        events = []
        while not run.ended:
            d = run.choose(rng.choice(run.available()))
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(code, events)
        run.close()


def _measure(folder: Path, sessions: int, players: int) -> dict[str, float]:
    scenarios = _scenarios(folder)
    store = SqliteStore(folder / "cohorts.sqlite")
    codes = []
    for n in range(sessions):
        scenario = scenarios[n % len(scenarios)]
        ref = scenario.path
        cohort, _ = create(store, ref, f"Cohort {n + 1}", "free", seed=n, programme=PROGRAMME)
        _play(store, cohort.code, scenario, cohort.seed, players, n)
        codes.append(cohort.code)
    for scenario in scenarios:  # built beforehand, as `simgame cohort create` starts them
        built = cache.ensure_map(folder / "maps", scenario)
        if isinstance(built, cache.Unavailable):
            raise RuntimeError(built.reason)

    cpu: list[float] = []  # this process's CPU seconds per report: the figure other processes' load leaves alone

    def report() -> tuple[float, int, int]:
        start, started = time.perf_counter(), time.process_time()
        programme = find_programme(store, PROGRAMME.upper())
        results = gather(store, programme, scenario_of)
        got = programme_report(programme.name, results)
        for render in (to_text, to_markdown, programme_html, to_csv, to_json):
            render(got)
        seconds = time.perf_counter() - start
        cpu.append(time.process_time() - started)
        for r in results:
            if r.analysis is None or r.analysis.unavailable:
                raise RuntimeError(f"session {r.cohort.code} was not measured against a map")
        steps = [s for r in results if r.analysis for p in r.analysis.players for s in p.steps]
        return seconds, sum(s.rated for s in steps), len(steps)

    cache.forget()
    first, rated, steps = report()
    warm = min(report()[0] for _ in range(3))

    def room() -> tuple[float, float]:
        start, started = time.perf_counter(), time.process_time()
        summary = summarise(analyse(store, codes[0], scenarios[0]))
        for render in (room_markdown, to_html, room_csv, room_json):
            render(summary)
        return time.perf_counter() - start, time.process_time() - started

    rooms = [room() for _ in range(3)]
    baseline, baseline_cpu = min(r[0] for r in rooms), min(r[1] for r in rooms)
    model = store.cohort(codes[0])
    for n in range(OTHER_SESSIONS - sessions):  # other programmes' sessions (and none), to be filtered out
        other = replace(model, code=f"X{n:05d}", name=f"Other session {n}", programme=f"Programme {n % 50}")
        store.create_cohort(other if n % 5 else replace(other, programme=None))
    finding = min(_timed(lambda: find_programme(store, PROGRAMME)) for _ in range(5))
    listing = min(_timed(store.cohorts) for _ in range(5))
    store.close()
    return {
        "sessions": sessions,
        "players": players,
        "first": first,
        "warm": warm,
        "first_cpu": cpu[0],
        "warm_cpu": min(cpu[1:]),
        "baseline": baseline,
        "baseline_cpu": baseline_cpu,
        "rated": rated,
        "steps": steps,
        "finding": finding,
        "listing": listing,
        "store_sessions": OTHER_SESSIONS,
    }


def _timed(call: object) -> float:
    assert callable(call)
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def figures(got: dict[str, float]) -> list[Figure]:
    size = f"{int(got['sessions'])} sessions x {int(got['players'])} players"
    label = f"one session's room debrief, {int(got['players'])} players"
    return [
        Figure(
            f"programme report, {size}, first report (maps built, opened from their files as by a new process)",
            got["first"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=Goal(f"< {GOAL:g} s", "value", "<", GOAL),
        ),
        Figure(
            f"programme report, {size}, later reports (outcome maps open)",
            got["warm"],
            "s",
            3,
            baseline=got["baseline"],
            baseline_label=label,
            goal=Goal(f"< {GOAL:g} s", "value", "<", GOAL),
        ),
        Figure(
            f"programme report, {size}, first report, CPU time of the reporting process (little swayed by other load)",
            got["first_cpu"],
            "s",
            3,
            baseline=got["baseline_cpu"],
            baseline_label=f"{label}, CPU time",
        ),
        Figure(
            f"finding a programme's sessions among {int(got['store_sessions']):,} sessions (filtering cohorts())",
            got["finding"] * 1000,
            "ms",
            1,
            baseline=got["listing"] * 1000,
            baseline_label="cohorts() alone",
        ),
    ]


def bench(sessions: int = SESSIONS, players: int = PLAYERS) -> tuple[list[Figure], dict[str, float]]:
    got = measure(sessions, players)
    return figures(got), got


def main() -> None:
    got = measure()
    print(f"programme report, {SESSIONS} sessions x {PLAYERS} players, all five formats")
    print(f"  decisions rated from the outcome maps: {int(got['rated']):,} of {int(got['steps']):,}")
    for key, what in (("first", "first report, maps built, opened from files"), ("warm", "later reports, maps open")):
        print(f"  {what:<45} {got[key]:.3f} s   goal < {GOAL:g} s: {'met' if got[key] < GOAL else 'NOT met'}")
    print(f"  CPU time of the reporting process: first {got['first_cpu']:.3f} s, later {got['warm_cpu']:.3f} s")
    print(
        f"  baseline, one session's room debrief (200 players): {got['baseline']:.3f} s "
        f"(CPU {got['baseline_cpu']:.3f} s)"
    )
    print(
        f"  finding the programme among {int(got['store_sessions']):,} sessions: {got['finding'] * 1000:.1f} ms "
        f"(cohorts() alone {got['listing'] * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
