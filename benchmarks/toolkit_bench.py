"""Benchmarks of the author toolkit: validate, explore, random playthroughs.

Run:  /tmp/venv/bin/python benchmarks/toolkit_bench.py   (--quick for a smoke run, --shipped for shipped scenarios only)

Prints each figure with its baseline measured in the same run:
- validate (engine checks + quality lint) of a generated 3,000-scene scenario, as a ratio to a
  bare `yaml.safe_load` of the same file (goal: within 3x);
- exhaustive exploration of each shipped scenario (goal: under 10 s each), with the one-state-at-a-time
  explorer's rate on the same scenario, measured in this run, as the baseline; and of the 3,000-scene file;
- random playthroughs per second on a 7-scene generated scenario (the size of ChoiceScript's sample
  game), against ChoiceScript's randomtest (10,000 playthroughs in 2.75 s on a 2-core machine; goal 5x)
  and against playing the same seeds through `Run` (the state machine) in this run.
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from benchmarks.common import Figure, Goal
from simgame.analysis.batch import explorer as explore_batch
from simgame.analysis.keys import TooLarge
from simgame.analysis.play import random_play
from simgame.authoring.lint import lint
from simgame.engine.run import Run
from simgame.format.loader import bundled_dir, check_file, load_scenario, scenario_files
from tests.oracle.explorer import GraphPlayer, build_graph

CHOICESCRIPT_PER_SECOND = 10_000 / 2.75


def generate(scenes: int, seed: int = 1) -> str:
    """A valid scenario of ``scenes`` scenes in layers of four, two or three choices each, some chance events."""
    rng = random.Random(seed)
    lines = [
        "format: simgame/v1",
        f"id: generated-{scenes}",
        f"title: Generated {scenes}",
        'version: "1.0.0"',
        'as_of: "2026-11-01"',
        "role: Tester",
        "summary: A generated scenario for benchmarks.",
        "minutes: 30",
        "metrics:",
        "  value: {label: Value, start: 30}",
        "  risk: {label: Risk, start: 30, higher_is: worse}",
        "flags:",
        "  rushed: Went fast",
        "  careful: Went slow",
        "phases:",
        "  early: {label: Early}",
        "  late: {label: Late}",
        "start: s0",
        "scenes:",
    ]
    layers: list[list[int]] = []  # widths 1, 2, 4, 8, 16, then 30: about 100 decisions for 3,000 scenes
    i = 0
    while i < scenes:
        width = min(30, 2 ** len(layers))
        layers.append(list(range(i, min(scenes, i + width))))
        i += width
    where = {s: (n, p) for n, layer in enumerate(layers) for p, s in enumerate(layer)}
    for i in range(scenes):
        layer, pos = where[i]
        nxt = layers[layer + 1] if layer + 1 < len(layers) else []
        step = -(-len(nxt) // len(layers[layer])) if nxt else 1
        lines += [
            f"  s{i}:",
            f"    phase: {'early' if i < scenes // 2 else 'late'}",
            f"    title: Scene {i}",
            "    text: |",
            f"      Scene {i}. The team brings you a decision about the next step of the rollout and",
            "      asks which way to go before the weekly review on Friday.",
        ]
        if i % 7 == 3 and nxt:
            lines += [
                "    events:",
                f"      - {{id: e{i}, when: rushed, chance: 0.2 + risk / 400, "
                f"effects: {{risk: 5}}, text: Something slips.}}",
            ]
        lines.append("    choices:")
        for k in range(3 if i % 2 else 2):
            target = nxt[(pos * step + k) % len(nxt)] if nxt else "end"
            dv, dr = rng.randint(-3, 6), rng.randint(-4, 5)
            flag = "rushed" if k == 0 else "careful"
            lines += [
                f"      - id: c{i}-{k}",
                f"        label: Option {k} at scene {i}",
                f"        effects: {{value: {dv}, risk: {dr}}}",
                f"        set: [{flag}]",
                f"        next: {target if target == 'end' else 's' + str(target)}",
                "        feedback: It is done.",
                "        debrief: A trade-off between speed and care.",
                "        practice: experimentation",
            ]
    lines += [
        "endings:",
        "  good: {title: Good, when: value >= 60 and careful, tone: good, text: It went well., debrief: Care paid.}",
        "  bad: {title: Bad, when: risk >= 70, tone: bad, text: It went badly., debrief: Speed cost you.}",
        "  middle: {title: Middle, tone: mixed, text: It was fine., debrief: Some of each.}",
        "debrief:",
        "  dimensions:",
        "    value: {label: Value, from: {value: 1}}",
        "    control: {label: Control, from: {risk: 1}, adjust: [{when: rushed, points: -5, why: Went fast}]}",
        "  bands:",
        "    - {id: high, min: 60, label: High}",
        "    - {id: low, min: 0, label: Low}",
    ]
    return "\n".join(lines) + "\n"


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def measure_validate(
    folder: Path, repeat: int, scenes: int = 3000, budget: float = 10.0, plays: int = 1_000
) -> dict[str, Any]:
    """Validate (checks + lint) vs yaml.safe_load of a generated file, then explore it and play it at random."""
    path = folder / f"generated-{scenes}.yaml"
    path.write_text(generate(scenes), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    base = best_of(lambda: yaml.safe_load(text), repeat)

    def validate() -> None:
        result = check_file(path)
        assert result.scenario is not None, [d.render() for d in result.diagnostics[:3]]
        lint(result.scenario)

    fast = best_of(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat)
    ours = best_of(validate, repeat)
    got: dict[str, Any] = {
        "scenes": scenes,
        "mb": path.stat().st_size / 1e6,
        "validate": ours,
        "safe_load": base,
        "c_safe_load": fast,
        "budget": budget,
    }
    sc = load_scenario(path)
    attempt = timed_explore(sc, budget)
    got.update(
        exhaustive=attempt["exhaustive"],
        explore=attempt["seconds"],
        **{k: attempt[k] for k in ("states", "why") if k in attempt},
    )
    t = time.perf_counter()
    for seed in range(plays):
        random_play(sc, seed)
    got["random_rate"] = plays / (time.perf_counter() - t)
    return got


def timed_explore(sc: Any, budget: float) -> dict[str, Any]:
    """One exhaustive exploration attempt within ``budget`` s: exhaustive, seconds, and states or why not."""
    gc.collect()
    t = time.perf_counter()
    try:
        states = explore_batch.explore(sc, budget=budget).states
    except TooLarge as exc:
        return {"exhaustive": False, "why": str(exc), "seconds": time.perf_counter() - t}
    return {"exhaustive": True, "states": states, "seconds": time.perf_counter() - t}


def one_at_a_time_rate(sc: Any, seconds: float) -> float:
    """States a second the one-state-at-a-time explorer (`build_graph`) manages on ``sc``: the baseline."""
    found = [0]

    def progress(done: int, total: int) -> None:
        found[0] = total

    t = time.perf_counter()
    with contextlib.suppress(TooLarge):
        found[0] = len(build_graph(sc, max_states=10**9, budget=seconds, progress=progress).nodes)
    return found[0] / (time.perf_counter() - t)


def bench_validate(folder: Path, repeat: int) -> dict[str, Any]:
    got = measure_validate(folder, repeat)
    ours, base, fast = got["validate"], got["safe_load"], got["c_safe_load"]
    print(
        f"validate 3,000 scenes ({got['mb']:.1f} MB): {ours:.2f} s; yaml.safe_load {base:.2f} s; "
        f"ratio {ours / base:.2f}x (goal <= 3x); vs yaml.load with the C safe loader ({fast:.2f} s): "
        f"{ours / fast:.1f}x"
    )
    if got["exhaustive"]:
        print(f"explore 3,000 scenes: exhaustive, {got['states']:,} states in {got['explore']:.1f} s")
    else:
        print(f"explore 3,000 scenes: not exhaustive within 10 s ({got['why']}); falls back to random play")
    print(f"random play 3,000 scenes: {got['random_rate']:,.0f} playthroughs/s")
    return got


def measure_shipped(
    budget: float = 60.0, fallback: int = 2_000, folder: Path | None = None, baseline: float = 3.0
) -> list[dict[str, Any]]:
    """Explore each shipped scenario (stopping past ``budget`` s; then time ``fallback`` seeded random plays).

    The baseline is the one-state-at-a-time explorer's rate on the same scenario, measured for
    ``baseline`` seconds in the same run.
    """
    out: list[dict[str, Any]] = []
    for path in scenario_files(folder or bundled_dir()):
        row: dict[str, Any] = {"id": path.stem, "budget": budget}
        out.append(row)
        try:
            sc = load_scenario(path)
        except Exception as exc:
            row.update(loads=False, why=str(exc).splitlines()[0])
            continue
        row["loads"] = True
        row["baseline_rate"] = one_at_a_time_rate(sc, baseline)
        row.update(timed_explore(sc, budget))
        if not row["exhaustive"]:
            t = time.perf_counter()
            for seed in range(fallback):
                random_play(sc, seed)
            row["fallback_rate"] = fallback / (time.perf_counter() - t)
    return out


def bench_shipped() -> list[dict[str, Any]]:
    rows = measure_shipped()
    for row in rows:
        if not row["loads"]:
            print(f"explore {row['id']}: does not load ({row['why']})")
        elif row["exhaustive"]:
            rate = row["states"] / row["seconds"]
            print(
                f"explore {row['id']}: exhaustive, {row['states']:,} states in {row['seconds']:.2f} s (goal < 10 s); "
                f"{rate:,.0f} states/s, {rate / row['baseline_rate']:.0f}x the one-state-at-a-time explorer "
                f"({row['baseline_rate']:,.0f}/s)"
            )
        else:
            print(
                f"explore {row['id']}: NOT exhaustive within 10 s: {row['why']}; the fallback plays "
                f"{row['fallback_rate']:,.0f} seeded random playthroughs/s"
            )
    return rows


def measure_playthroughs(folder: Path, n: int) -> dict[str, Any]:
    """Seeded random playthroughs per second on a 7-scene scenario: over the state graph, fast path, through Run."""
    path = folder / "generated-7.yaml"
    path.write_text(generate(7), encoding="utf-8")
    sc = load_scenario(path)
    t = time.perf_counter()
    player = GraphPlayer(build_graph(sc))
    for seed in range(n):
        player.play(seed)
    graph_rate = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for seed in range(n):
        random_play(sc, seed)
    fast_rate = n / (time.perf_counter() - t)
    m = max(200, n // 20)
    t = time.perf_counter()
    for seed in range(m):
        run = Run.start(sc, seed)
        rng = random.Random(seed)
        while not run.ended:
            run.choose(rng.choice(run.available()))
        run.close()
    run_rate = m / (time.perf_counter() - t)
    return {"plays": n, "graph_rate": graph_rate, "fast_rate": fast_rate, "run_rate": run_rate, "run_plays": m}


def bench_playthroughs(folder: Path, n: int) -> dict[str, Any]:
    got = measure_playthroughs(folder, n)
    graph_rate, fast_rate, run_rate = got["graph_rate"], got["fast_rate"], got["run_rate"]
    print(
        f"random playthroughs, 7 scenes, {n:,} plays (graph build included): {graph_rate:,.0f}/s over the "
        f"memoised state graph; {fast_rate:,.0f}/s direct fast path; {run_rate:,.0f}/s through Run"
    )
    print(
        f"  vs ChoiceScript randomtest {CHOICESCRIPT_PER_SECOND:,.0f}/s: {graph_rate / CHOICESCRIPT_PER_SECOND:.1f}x "
        f"(goal 5x); vs Run in this run: {graph_rate / run_rate:.0f}x"
    )
    return got


def figures(
    plays: dict[str, Any] | None, validate: dict[str, Any] | None, shipped: list[dict[str, Any]] | None
) -> list[Figure]:
    """The toolkit figures with their goals (validate <= 3x safe_load; explore < 10 s each; playthroughs 5x)."""
    figs: list[Figure] = []
    if plays is not None:
        cs = "ChoiceScript randomtest, 10,000 in 2.75 s"
        figs += [
            Figure(
                f"random playthroughs, 7 scenes, {plays['plays']:,} plays over the state graph (build included)",
                plays["graph_rate"],
                "/s",
                0,
                baseline=CHOICESCRIPT_PER_SECOND,
                baseline_label=cs,
                goal=Goal(">= 5x ChoiceScript", "ratio", ">=", 5),
            ),
            Figure(
                "random playthroughs, 7 scenes, direct fast path (no graph)",
                plays["fast_rate"],
                "/s",
                0,
                baseline=CHOICESCRIPT_PER_SECOND,
                baseline_label="ChoiceScript",
            ),
            Figure(
                f"random playthroughs, 7 scenes, through Run ({plays['run_plays']:,} plays)",
                plays["run_rate"],
                "/s",
                0,
                baseline=CHOICESCRIPT_PER_SECOND,
                baseline_label="ChoiceScript",
            ),
        ]
    if validate is not None:
        n = f"{validate['scenes']:,}"
        figs += [
            Figure(
                f"validate (checks + lint), {n} scenes, {validate['mb']:.1f} MB",
                validate["validate"],
                "s",
                2,
                baseline=validate["safe_load"],
                baseline_label="yaml.safe_load of the same file",
                goal=Goal("<= 3x safe_load", "ratio", "<=", 3),
            ),
            Figure(
                f"validate, {n} scenes, vs the C safe loader",
                validate["validate"],
                "s",
                2,
                baseline=validate["c_safe_load"],
                baseline_label="yaml.load, CSafeLoader",
            ),
        ]
        if validate["exhaustive"]:
            figs.append(Figure(f"explore {n} scenes ({validate['states']:,} states)", validate["explore"], "s", 2))
        else:
            figs.append(Figure(f"explore {n} scenes", None, shown=f"not exhaustive in {validate['budget']:g} s"))
        figs.append(Figure(f"random playthroughs, {n} scenes, fast path", validate["random_rate"], "/s", 0))
    for row in shipped or []:
        goal = Goal("exhaustive, < 10 s", "value", "<", 10)
        name = f"explore {row['id']}"
        if not row["loads"]:
            figs.append(Figure(name, None, shown="does not load", goal=goal, status="NOT met"))
        elif row["exhaustive"]:
            figs.append(Figure(f"{name} ({row['states']:,} states)", row["seconds"], "s", 2, goal=goal))
            figs.append(
                Figure(
                    f"{name}, states per second",
                    row["states"] / row["seconds"],
                    "/s",
                    0,
                    baseline=row["baseline_rate"],
                    baseline_label="one state at a time (build_graph)",
                )
            )
        else:
            budget = row["budget"]
            status = "NOT met" if budget >= 10 else f"not shown (budget {budget:g} s)"
            figs.append(
                Figure(
                    name,
                    None,
                    goal=goal,
                    status=status,
                    shown=f"not exhaustive: {row['why']}, stopped at {row['seconds']:.1f} s; "
                    f"fallback {row['fallback_rate']:,.0f} random plays/s",
                )
            )
    return figs


def bench(
    quick: bool = False,
    shipped: bool = True,
    scenes: int | None = None,
    plays: int | None = None,
    repeat: int | None = None,
    budget: float | None = None,
) -> tuple[list[Figure], dict[str, Any]]:
    """Every toolkit benchmark; quick uses small sizes. Returns the figures and the raw measurements."""
    raw: dict[str, Any] = {"quick": quick}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw["playthroughs"] = measure_playthroughs(folder, plays or (1_000 if quick else 10_000))
        raw["validate"] = measure_validate(
            folder,
            repeat or (1 if quick else 3),
            scenes or (300 if quick else 3000),
            budget=budget or (1.0 if quick else 10.0),
            plays=100 if quick else 1_000,
        )
    raw["shipped"] = (
        measure_shipped(budget or (1.0 if quick else 60.0), 200 if quick else 2_000, baseline=0.5 if quick else 3.0)
        if shipped
        else None
    )
    return figures(raw["playthroughs"], raw["validate"], raw["shipped"]), raw


def main() -> None:
    quick = "--quick" in sys.argv
    if "--shipped" in sys.argv:
        bench_shipped()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_playthroughs(folder, 1_000 if quick else 10_000)
        bench_validate(folder, 1 if quick else 3)
    if not quick:
        bench_shipped()


if __name__ == "__main__":
    main()
