"""Benchmarks of the author toolkit: validate, explore, random playthroughs.

Run:  /tmp/venv/bin/python benchmarks/toolkit_bench.py   (--quick for a smoke run, --shipped for shipped scenarios only)

Prints each figure with its baseline measured in the same run:
- validate (engine checks + quality lint) of a generated 3,000-scene scenario, as a ratio to a
  bare `yaml.safe_load` of the same file (goal: within 3x);
- exploration of each shipped scenario (goal: exhaustive, under 10 s each) and of the 3,000-scene file;
- random playthroughs per second on a 7-scene generated scenario (the size of ChoiceScript's sample
  game), against ChoiceScript's randomtest (10,000 playthroughs in 2.75 s on a 2-core machine; goal 5x)
  and against playing the same seeds through `Run` (the state machine) in this run.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simgame.engine import Run
from simgame.explore import GraphPlayer, TooLarge, build_graph, random_play
from simgame.lint import lint
from simgame.loader import bundled_dir, check_file, load_scenario, scenario_files

CHOICESCRIPT_PER_SECOND = 10_000 / 2.75


def generate(scenes: int, seed: int = 1) -> str:
    """A valid scenario of ``scenes`` scenes in layers of four, two or three choices each, some chance events."""
    rng = random.Random(seed)
    lines = [
        "format: simgame/v1", f"id: generated-{scenes}", f"title: Generated {scenes}", 'version: "1.0.0"',
        'as_of: "2026-11-01"', "role: Tester", "summary: A generated scenario for benchmarks.", "minutes: 30",
        "metrics:", "  value: {label: Value, start: 30}", "  risk: {label: Risk, start: 30, higher_is: worse}",
        "flags:", "  rushed: Went fast", "  careful: Went slow",
        "phases:", "  early: {label: Early}", "  late: {label: Late}",
        "start: s0", "scenes:",
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
        lines += [f"  s{i}:", f"    phase: {'early' if i < scenes // 2 else 'late'}", f"    title: Scene {i}",
                  "    text: |",
                  f"      Scene {i}. The team brings you a decision about the next step of the rollout and",
                  "      asks which way to go before the weekly review on Friday."]
        if i % 7 == 3 and nxt:
            lines += ["    events:", f"      - {{id: e{i}, when: rushed, chance: 0.2 + risk / 400, "
                                     f"effects: {{risk: 5}}, text: Something slips.}}"]
        lines.append("    choices:")
        for k in range(3 if i % 2 else 2):
            target = nxt[(pos * step + k) % len(nxt)] if nxt else "end"
            dv, dr = rng.randint(-3, 6), rng.randint(-4, 5)
            flag = "rushed" if k == 0 else "careful"
            lines += [f"      - id: c{i}-{k}", f"        label: Option {k} at scene {i}",
                      f"        effects: {{value: {dv}, risk: {dr}}}",
                      f"        set: [{flag}]", f"        next: {target if target == 'end' else 's' + str(target)}",
                      "        feedback: It is done.", "        debrief: A trade-off between speed and care.",
                      "        practice: experimentation"]
    lines += [
        "endings:",
        "  good: {title: Good, when: value >= 60 and careful, tone: good, text: It went well., debrief: Care paid.}",
        "  bad: {title: Bad, when: risk >= 70, tone: bad, text: It went badly., debrief: Speed cost you.}",
        "  middle: {title: Middle, tone: mixed, text: It was fine., debrief: Some of each.}",
        "debrief:", "  dimensions:", "    value: {label: Value, from: {value: 1}}",
        "    control: {label: Control, from: {risk: 1}, adjust: [{when: rushed, points: -5, why: Went fast}]}",
        "  bands:", "    - {id: high, min: 60, label: High}", "    - {id: low, min: 0, label: Low}",
    ]
    return "\n".join(lines) + "\n"


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def bench_validate(folder: Path, repeat: int) -> None:
    path = folder / "generated-3000.yaml"
    path.write_text(generate(3000), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    base = best_of(lambda: yaml.safe_load(text), repeat)

    def validate() -> None:
        result = check_file(path)
        assert result.scenario is not None, [d.render() for d in result.diagnostics[:3]]
        lint(result.scenario)

    fast = best_of(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat)
    ours = best_of(validate, repeat)
    print(f"validate 3,000 scenes ({path.stat().st_size / 1e6:.1f} MB): {ours:.2f} s; yaml.safe_load {base:.2f} s; "
          f"ratio {ours / base:.2f}x (goal <= 3x); vs yaml.load with the C safe loader ({fast:.2f} s): "
          f"{ours / fast:.1f}x")
    sc = load_scenario(path)
    t = time.perf_counter()
    try:
        graph = build_graph(sc, budget=10.0)
        print(f"explore 3,000 scenes: exhaustive, {len(graph.nodes):,} states in {time.perf_counter() - t:.1f} s")
    except TooLarge as exc:
        print(f"explore 3,000 scenes: not exhaustive within 10 s ({exc}); falls back to random play")
    n = 1_000
    t = time.perf_counter()
    for seed in range(n):
        random_play(sc, seed)
    print(f"random play 3,000 scenes: {n / (time.perf_counter() - t):,.0f} playthroughs/s")


def bench_shipped() -> None:
    for path in scenario_files(bundled_dir()):
        try:
            sc = load_scenario(path)
        except Exception as exc:
            print(f"explore {path.stem}: does not load ({str(exc).splitlines()[0]})")
            continue
        t = time.perf_counter()
        try:
            graph = build_graph(sc, budget=10.0)
            dt = time.perf_counter() - t
            print(f"explore {path.stem}: exhaustive, {len(graph.nodes):,} states in {dt:.2f} s (goal < 10 s)")
        except TooLarge as exc:
            n = 2_000
            t = time.perf_counter()
            for seed in range(n):
                random_play(sc, seed)
            rate = n / (time.perf_counter() - t)
            print(f"explore {path.stem}: NOT exhaustive within 10 s: {exc}; the fallback plays "
                  f"{rate:,.0f} seeded random playthroughs/s")


def bench_playthroughs(folder: Path, n: int) -> None:
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
    print(f"random playthroughs, 7 scenes, {n:,} plays (graph build included): {graph_rate:,.0f}/s over the "
          f"memoised state graph; {fast_rate:,.0f}/s direct fast path; {run_rate:,.0f}/s through Run")
    print(f"  vs ChoiceScript randomtest {CHOICESCRIPT_PER_SECOND:,.0f}/s: {graph_rate / CHOICESCRIPT_PER_SECOND:.1f}x "
          f"(goal 5x); vs Run in this run: {graph_rate / run_rate:.0f}x")


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
