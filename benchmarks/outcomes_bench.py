"""Benchmark: outcome maps (issue #12, item 9): build, open, a game played to its debrief, exploration.

Run:  python benchmarks/outcomes_bench.py [--quick]

Every measurement runs in a fresh Python process started here, so that one measurement's
memory and imports never leak into the next:

- **Build, per scenario.** A process loads the scenario and times `cache.ensure_map` into an
  empty temporary folder: the wall clock of building the map in its own child process
  (`python -m simgame.analysis.outcomes.build`, under the default memory cap), as a game, a
  report or the hub pays it the first time a scenario version is used. Recorded with it: the
  file's size, the states it maps and the builder's peak RSS (``RUSAGE_CHILDREN``, which is at
  least the launching process's own peak: a floor of about 50 MB, recorded). Baseline,
  in the same run: another fresh process exploring the same scenario alone (`explore(sc)`),
  timed around the call, with its peak RSS.
- **Open and look up.** A fresh process that has loaded the scenario (as a game has by then)
  times importing the map reader, opening the largest map built (`cache.open_map`) and one
  lookup at the start state (goal: under 100 ms); then lookups along a seeded random run.
  The file was just written, so it is in the page cache: a cold disk adds its read of the
  header and a few pages.
- **A game played to its debrief.** A fresh process runs the Textual app headless under Pilot
  (as tests/tui do) from the library through one scenario, a seeded random key per decision,
  to the debrief screen, and waits until the debrief shows its reference points ("Best
  reachable", read from the pre-built map in ``$SIMGAME_MAPS``) and every worker has finished;
  then it reports its own peak RSS (goal under 80 MB, textual-serve's per-player budget).
  It also reports ``RUSAGE_CHILDREN`` (0: it waited for no builder) and the maps folder is
  checked unchanged: it built no map and explored nothing.

Peak RSS is read from ``/proc/self/status`` (``VmHWM``, the high-water mark of the process's
own memory), not ``ru_maxrss``: Linux carries the spawning process's peak into a child's
``ru_maxrss`` across ``exec`` (Python's subprocess starts children with vfork), so a child of
a 300 MB parent reports at least 300 MB however little it uses. Both are recorded. Linux only.
  Baseline: a bare Textual app driven by Pilot in the same kind of process.
- **Exploring the largest scenario** in a fresh process: the explore-alone baseline above,
  held to issue #12's goal (under 3 s and under 500 MB peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Figure, Goal  # noqa: E402

SHIPPED = ROOT / "scenarios"
TINY = ROOT / "tests" / "data" / "tiny.yaml"
TEST_GLOSSARY = ROOT / "tests" / "tui" / "data" / "glossary.yaml"
QUICK_SHIPPED = "pilot-to-production"  # the quick run's one shipped scenario (among the smallest)
LOOKUP_GOAL_MS = 100.0
GAME_GOAL_MB = 80.0
EXPLORE_GOAL_S, EXPLORE_GOAL_MB = 3.0, 500.0
TIMEOUT = 900

EXPLORE = r"""
import gc, json, resource, sys, time
from pathlib import Path
from simgame.analysis.batch.explorer import explore
def hwm_kb():  # this process's own peak RSS; ru_maxrss would include the parent's peak (vfork, then exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

from simgame.format.loader import load_scenario

sc = load_scenario(Path(sys.argv[1]))
gc.collect()
before = hwm_kb()
t0 = time.perf_counter()
graph = explore(sc)
seconds = time.perf_counter() - t0
peak = hwm_kb()
print("RESULT " + json.dumps({"id": sc.id, "seconds": seconds, "states": graph.states,
                              "rss_before_kb": before, "rss_kb": peak,
                              "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

BUILD = r"""
import json, resource, sys, time
from pathlib import Path
from simgame.analysis.outcomes import cache
from simgame.format.loader import load_scenario
def hwm_kb():  # this process's own peak RSS; ru_maxrss would include the parent's peak (vfork, then exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

sc = load_scenario(Path(sys.argv[1]))
folder = Path(sys.argv[2])
target = cache.map_path(folder, sc)
assert not target.exists(), target
t0 = time.perf_counter()
got = cache.ensure_map(folder, sc, memory_mb=int(sys.argv[3]))
seconds = time.perf_counter() - t0
builder = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # at least this process's peak (launcher)
launcher = hwm_kb()
if isinstance(got, cache.Unavailable):
    out = {"id": sc.id, "seconds": seconds, "error": got.reason}
else:
    out = {"id": sc.id, "seconds": seconds, "bytes": target.stat().st_size, "mapped": got.states,
           "builder_rss_kb": builder, "launcher_kb": launcher, "path": str(target)}
print("RESULT " + json.dumps(out))
"""

LOOKUP = r"""
import json, random, statistics, sys, time
from pathlib import Path
from simgame.engine import rules
from simgame.format.loader import load_scenario

sc = load_scenario(Path(sys.argv[1]))
folder = Path(sys.argv[2])
roller = rules.seeded_roller(7)
st, _ = rules.start(sc, roller)
rng = random.Random(7)
states = []
while st.ending is None:  # a seeded random run's states, worked out before the clock starts
    states.append(st.copy())
    options = rules.available(sc, st)
    if not options:
        break
    rules.choose(sc, st, rng.choice(options), roller)

t0 = time.perf_counter()
from simgame.analysis.outcomes import cache
found = cache.open_map(folder, sc)
first = found.at(states[0]) if found is not None else None
cold = time.perf_counter() - t0
assert found is not None and first is not None, "the map is missing or lacks the start state"
warm = []
for _ in range(20):
    cache.forget()
    t0 = time.perf_counter()
    again = cache.open_map(folder, sc)
    again.at(states[0])
    warm.append(time.perf_counter() - t0)
hits, t0 = 0, time.perf_counter()
for _ in range(50):
    hits += sum(again.at(s) is not None for s in states)
per = (time.perf_counter() - t0) / (50 * len(states))
print("RESULT " + json.dumps({"id": sc.id, "cold_ms": cold * 1000, "warm_ms": statistics.median(warm) * 1000,
                              "lookup_us": per * 1e6, "decisions": len(states), "found": hits // 50,
                              "states": again.states}))
"""

GAME = r"""
import asyncio, json, random, resource, sys, time
from pathlib import Path
from textual.widgets import OptionList, Static
from simgame.tui.app import SimgameApp
from simgame.tui.options import LaunchOptions

library, saves, scenario_id, seed = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])


def peak_mb():  # this process's own peak RSS (VmHWM); ru_maxrss would include the parent's peak at spawn
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def map_pages_mb():
    # resident pages of memory-mapped outcome maps (file-backed, clean, shared with other processes)
    total, mapped = 0, False
    for line in open("/proc/self/smaps"):
        parts = line.split()
        if parts and "-" in parts[0] and not parts[0].endswith(":"):
            mapped = parts[-1].endswith(".simmap")
        elif mapped and parts and parts[0] == "Rss:":
            total += int(parts[1])
    return total / 1024


def status_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def name(app):
    return type(app.screen).__name__


def plain(app, selector):
    content = app.screen.query_one(selector, Static).content
    return getattr(content, "plain", str(content))


async def main():
    app = SimgameApp(LaunchOptions(seed=seed, saves=saves, scenarios_dir=library, cursor_blink=False))
    marks, rng, t0 = {}, random.Random(seed), time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        async def until(cond, timeout=120.0):
            waited = 0.0
            while not cond():
                if waited > timeout:
                    detail = ""
                    if name(app) == "PlayScreen":
                        run = app.session.run
                        shown = [(o.number, o.id, o.available) for o in run.options()]
                        detail = f" at {run.scene_id} (turn {run.turn}), options {shown}"
                    raise SystemExit(f"timed out on {name(app)}{detail}")
                await pilot.pause(0.02)
                waited += 0.02

        await until(lambda: app.catalog is not None and name(app) == "HomeScreen")
        marks["library"] = peak_mb()
        listing = app.screen.query_one("#library", OptionList)
        target = next(f"scenario:{i}" for i, e in enumerate(app.catalog.entries)
                      if e.scenario is not None and e.scenario.id == scenario_id)
        for _ in range(listing.option_count + 1):  # arrow down to it, as a player would
            if listing.highlighted_option is not None and listing.highlighted_option.id == target:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await until(lambda: name(app) == "BriefingScreen")
        await pilot.press("enter")
        await until(lambda: name(app) == "PlayScreen")
        marks["first decision"] = peak_mb()
        decisions = 0
        while name(app) == "PlayScreen":
            marks["last decision"] = peak_mb()
            numpy_before = "numpy" in sys.modules
            options = [o for o in app.session.run.options() if o.available and o.number <= 9]
            made = len(app.session.run.history)
            await pilot.press(str(rng.choice(options).number))
            # a consequence to read, or (reading on through a pass-through scene) straight to the next scene
            await until(lambda: name(app) != "PlayScreen" or app.screen.showing_consequence
                        or len(app.session.run.history) > made)
            decisions += 1
            if name(app) == "PlayScreen" and app.screen.showing_consequence:
                await pilot.press("enter")
                await until(lambda: name(app) == "DebriefScreen"
                            or (name(app) == "PlayScreen" and not app.screen.showing_consequence))
        shown = time.perf_counter()
        await until(lambda: "Best reachable" in plain(app, "#range-text") or "Could not" in plain(app, "#range-text"))
        reference = time.perf_counter() - shown
        await until(lambda: not any(w.is_running for w in app.workers))
        await pilot.pause(0.2)
        text = plain(app, "#range-text")
        map_pages = map_pages_mb()
        anon, files = status_mb("RssAnon"), status_mb("RssFile")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("RESULT " + json.dumps({
        "scenario": scenario_id, "decisions": decisions, "peak": peak_mb(), "rss_end": rss_mb(),
        "map_pages": map_pages, "rss_anon": anon, "rss_file": files, "marks": marks,
        "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "reference_shown": "Best reachable" in text, "range_text": text.strip().splitlines()[-1] if text else "",
        "reference_s": reference, "children_rss": children, "numpy": "numpy" in sys.modules,
        "numpy_before_debrief": numpy_before,
        "seconds": time.perf_counter() - t0}))


asyncio.run(main())
"""

BARE = r"""
import asyncio, json, resource, sys
from textual.app import App
from textual.widgets import Footer, Static


class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()


async def main():
    async with Bare().run_test(size=(80, 24)) as pilot:
        for key in ("x", "y", "z"):
            await pilot.press(key)
        await pilot.pause(0.2)
    hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:"))
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("RESULT " + json.dumps({"peak": hwm / 1024, "ru_maxrss": ru / 1024}))


asyncio.run(main())
"""


def _child(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (cwd: the repository) and return the JSON it prints."""
    full = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full,
        timeout=TIMEOUT,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-3:]
        raise RuntimeError(f"benchmark process failed ({done.returncode}): {' | '.join(tail)}")
    return dict(json.loads(line[len("RESULT ") :]))


def memory_cap() -> int:
    from simgame.analysis.outcomes import cache

    return int(getattr(cache, "DEFAULT_MEMORY_MB", 8192))


def measure_builds(paths: list[Path], maps: Path) -> list[dict[str, Any]]:
    """Per scenario: explore alone (baseline), then the map built into an empty folder ``maps/<stem>``."""
    cap = memory_cap()
    rows = []
    for path in paths:
        row: dict[str, Any] = {"file": str(path), "cap_mb": cap}
        try:
            row["explore"] = _child(EXPLORE, str(path))
        except RuntimeError as exc:  # one broken measurement must not hide the others
            row["explore"] = {"id": path.stem, "error": str(exc)}
        folder = maps / path.stem
        folder.mkdir(parents=True)
        try:
            row["build"] = _child(BUILD, str(path), str(folder), str(cap))
        except RuntimeError as exc:
            row["build"] = {"id": row["explore"]["id"], "error": str(exc)}
        row["id"] = row["build"]["id"]
        row["maps"] = str(folder)
        rows.append(row)
    return rows


def measure_lookup(path: Path, maps: Path) -> dict[str, Any]:
    return _child(LOOKUP, str(path), str(maps))


def game_library(scenario: Path, folder: Path) -> Path:
    """A library folder holding only ``scenario`` and a glossary (the game lists nothing else)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(scenario, folder / scenario.name)
    glossary = scenario.parent / "glossary.yaml"
    shutil.copy(glossary if glossary.is_file() else TEST_GLOSSARY, folder / "glossary.yaml")
    return folder


def measure_game(scenario: Path, maps: Path, work: Path, seed: int = 5, repeat: int = 2) -> dict[str, Any]:
    """Peak RSS of a game process played to its debrief (map pre-built in ``maps``), and a bare app's."""
    from simgame.analysis.outcomes import cache
    from simgame.format.loader import load_scenario

    library = game_library(scenario, work / "library")
    saves = work / "saves"
    saves.mkdir(parents=True, exist_ok=True)
    sc = load_scenario(library / scenario.name)
    built = cache.ensure_map(maps, sc, memory_mb=memory_cap())  # already built above: this only opens it
    if isinstance(built, cache.Unavailable):
        raise RuntimeError(f"no outcome map for {sc.id}: {built.reason}")
    cache.forget()
    env = {
        "SIMGAME_MAPS": str(maps),
        "SIMGAME_SAVES": str(saves),
        "SIMGAME_SCENARIOS": str(library),
        "SIMGAME_CONFIG": str(work / "no-config.toml"),
    }
    bare = [_child(BARE, env=env)["peak"] for _ in range(repeat)]
    before = {p.name: p.stat().st_mtime_ns for p in maps.iterdir()}
    got = _child(GAME, str(library), str(saves), sc.id, str(seed), env=env)
    got["maps_unchanged"] = before == {p.name: p.stat().st_mtime_ns for p in maps.iterdir()}
    got["bare"] = min(bare)
    got["map_mb"] = cache.map_path(maps, sc).stat().st_size / 1e6
    return got


def largest(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The scenario with the most states (one that failed to explore counts as the largest: it is the problem)."""
    return max(rows, key=lambda r: r["explore"].get("states", float("inf")))


def measure(paths: list[Path], game: Path, work: Path, repeat: int = 2) -> dict[str, Any]:
    maps = work / "maps"
    rows = measure_builds(paths, maps)
    ok = [r for r in rows if "error" not in r["build"]]
    big = max(ok, key=lambda r: r["build"]["bytes"]) if ok else None
    try:
        lookup = measure_lookup(Path(big["file"]), Path(big["maps"])) if big else None
    except RuntimeError as exc:  # one broken measurement must not hide the others
        lookup = {"id": big["id"] if big else "?", "error": str(exc)}
    row = next((r for r in ok if Path(r["file"]).resolve() == game.resolve()), None)
    try:
        played = measure_game(game, Path(row["maps"]) if row else maps / "game", work / "game", repeat=repeat)
    except RuntimeError as exc:
        played = {"scenario": game.stem, "error": str(exc)}
    return {"builds": rows, "lookup": lookup, "game": played, "largest": largest(rows)["id"]}


def _mb(kb: float) -> float:
    return kb / 1024


def game_figures(game: dict[str, Any]) -> list[Figure]:
    goal = Goal(f"< {GAME_GOAL_MB:g} MB", "value", "<", GAME_GOAL_MB)
    if "error" in game:
        name = f"game process peak RSS, {game['scenario']} played to the debrief's reference points"
        return [Figure(name, None, shown=f"failed: {game['error']}", goal=goal, status="not measured")]
    bare = "bare Textual app under Pilot, fresh process"
    complete = game["reference_shown"] and game["children_rss"] == 0 and game["maps_unchanged"]
    return [
        Figure(
            f"game process peak RSS, {game['scenario']} played to the debrief's reference points "
            f"({game['decisions']} decisions)",
            game["peak"],
            "MB",
            1,
            baseline=game["bare"],
            baseline_label=bare,
            goal=goal,
            status=None if complete else "not measured",
        ),
        Figure(
            "game process peak RSS at its last decision (before the debrief)",
            game["marks"].get("last decision"),
            "MB",
            1,
            baseline=game["bare"],
            baseline_label=bare,
        ),
        Figure(
            "of the game's RSS at the debrief, outcome-map pages (file-backed, shared between processes)",
            game["map_pages"],
            "MB",
            1,
        ),
        Figure(
            "game process anonymous RSS at the debrief (RssAnon: its own memory, no file pages)",
            game["rss_anon"],
            "MB",
            1,
        ),
    ]


def figures(raw: dict[str, Any]) -> list[Figure]:
    figs: list[Figure] = []
    for row in raw["builds"]:
        sid, ex, b = row["id"], row["explore"], row["build"]
        alone = "explore(sc) alone, fresh process"
        if "error" in b:
            figs.append(Figure(f"outcome map build, {sid}", None, shown=f"not built: {b['error']}"))
            continue
        if "error" in ex:  # no baseline
            ex = {"seconds": None, "states": None, "rss_kb": None}
        figs += [
            Figure(
                f"outcome map build, {sid} (ensure_map into an empty folder, child process)",
                b["seconds"],
                "s",
                2,
                baseline=ex["seconds"],
                baseline_label=alone,
            ),
            Figure(f"outcome map file, {sid}", b["bytes"] / 1e6, "MB", 1),
            Figure(
                f"states mapped, {sid}",
                b["mapped"],
                "",
                0,
                baseline=ex["states"],
                baseline_label="states explored",
            ),
            Figure(
                f"map builder peak RSS, {sid} (cap {row['cap_mb']:,} MB)",
                _mb(b["builder_rss_kb"]),
                "MB",
                0,
                baseline=_mb(ex["rss_kb"]) if ex["rss_kb"] else None,
                baseline_label=alone,
                # RUSAGE_CHILDREN is at least the launching process's own peak: below it, only a bound is known
                shown=f"<= {_mb(b['launcher_kb']):.0f} MB" if b["builder_rss_kb"] <= b["launcher_kb"] else None,
            ),
        ]
    look = raw["lookup"]
    if look is not None and "error" in look:
        figs.append(
            Figure(
                f"open the {look['id']} map and answer one lookup",
                None,
                shown=f"failed: {look['error']}",
                goal=Goal(f"< {LOOKUP_GOAL_MS:g} ms", "value", "<", LOOKUP_GOAL_MS),
                status="not measured",
            )
        )
    elif look is not None:
        sid = look["id"]
        figs += [
            Figure(
                f"open the {sid} map and answer one lookup (fresh process, reader import included)",
                look["cold_ms"],
                "ms",
                2,
                goal=Goal(f"< {LOOKUP_GOAL_MS:g} ms", "value", "<", LOOKUP_GOAL_MS),
            ),
            Figure(
                f"open the {sid} map and answer one lookup, reader imported (median of 20)", look["warm_ms"], "ms", 3
            ),
            Figure(
                f"one lookup in the {sid} map (mean over a {look['decisions']}-decision run)",
                look["lookup_us"],
                "µs",
                1,
            ),
        ]
    figs += game_figures(raw["game"])
    big = next(r for r in raw["builds"] if r["id"] == raw["largest"])
    ex = big["explore"]
    if "error" in ex:
        return [
            *figs,
            Figure(
                f"explore {big['id']}, fresh process",
                None,
                shown=f"failed: {ex['error']}",
                goal=Goal(f"< {EXPLORE_GOAL_S:g} s", "value", "<", EXPLORE_GOAL_S),
                status="NOT met",
            ),
        ]
    figs += [
        Figure(
            f"explore {big['id']} ({ex['states']:,} states), fresh process",
            ex["seconds"],
            "s",
            2,
            goal=Goal(f"< {EXPLORE_GOAL_S:g} s", "value", "<", EXPLORE_GOAL_S),
        ),
        Figure(
            f"explore {big['id']}, peak RSS of that process",
            _mb(ex["rss_kb"]),
            "MB",
            0,
            baseline=_mb(ex["rss_before_kb"]),
            baseline_label="the same process before explore()",
            goal=Goal(f"< {EXPLORE_GOAL_MB:g} MB", "value", "<", EXPLORE_GOAL_MB),
        ),
    ]
    return figs


def scenario_list(quick: bool) -> tuple[list[Path], Path]:
    """The scenarios to map and the one the game plays: all shipped (game on the largest), or a quick pair."""
    if quick:
        small = SHIPPED / f"{QUICK_SHIPPED}.yaml"
        return [TINY, small], small
    from simgame.format.loader import scenario_files

    return scenario_files(SHIPPED), SHIPPED / "responsible-ai-at-work.yaml"


def bench(
    quick: bool = False, paths: list[Path] | None = None, game: Path | None = None, repeat: int = 2
) -> tuple[list[Figure], dict[str, Any]]:
    """Every outcome-map benchmark (see the module's docstring); ``repeat`` runs of each baseline process."""
    default_paths, default_game = scenario_list(quick)
    paths = paths or default_paths
    game = game or default_game
    with tempfile.TemporaryDirectory(prefix="simgame-bench-maps-") as tmp:
        raw = measure(paths, game, Path(tmp), repeat)
    raw["quick"] = quick
    return figures(raw), raw


def main() -> None:
    from benchmarks.common import text_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"only tiny.yaml and {QUICK_SHIPPED}")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    figs, raw = bench(args.quick)
    print(text_table(figs))
    game = raw["game"]
    print(f"game: {game['range_text']!r}; numpy imported: {game['numpy']}; children RSS {game['children_rss']:.0f} MB")
    print(f"      marks (peak RSS so far): {', '.join(f'{k} {v:.1f} MB' for k, v in game['marks'].items())}")
    if raw["lookup"]:
        look = raw["lookup"]
        print(f"lookup: {look['found']} of {look['decisions']} states of a random run found in the map")


if __name__ == "__main__":
    main()
