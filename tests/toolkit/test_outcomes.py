"""The outcome map: exact expectimax values, found for every state play can reach, built out of process."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from simgame.analysis.batch.explorer import explore
from simgame.analysis.outcomes import cache
from simgame.analysis.outcomes.mapfile import MapError, OutcomeMap
from simgame.analysis.outcomes.reference import review
from simgame.analysis.outcomes.solve import solve
from simgame.analysis.outcomes.write import encode, write
from simgame.analysis.search import outcome_range
from simgame.engine import rules
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.oracle.explorer import StateGraph, build_graph
from tests.support import TINY

DATA = Path(__file__).resolve().parent.parent / "data"
BUNDLED = Path(__file__).resolve().parent.parent.parent / "scenarios"
SMALL = [TINY, DATA / "edges.yaml", DATA / "three-endings.yaml", DATA / "hub-once.yaml", DATA / "history.yaml"]


def built(sc: Scenario, folder: Path) -> OutcomeMap:
    graph = explore(sc, keep_keys=True)
    path = folder / f"{sc.id}.simmap"
    write(path, encode(graph, solve(graph), 0.0))
    return OutcomeMap(path)


def oracle_values(graph: StateGraph, sc: Scenario) -> dict[int, dict[str, float]]:
    """Expectimax by plain value iteration over the one-state-at-a-time explorer's graph.

    Values start at -inf and only rise, so a loop of states is worth what its best way out is.
    """
    value = [
        score(sc, n.state, n.state.metrics).overall if n.state.ending is not None else -math.inf for n in graph.nodes
    ]
    options: dict[int, dict[str, float]] = {}
    changed = True
    while changed:
        changed = False
        for i, node in enumerate(graph.nodes):
            if node.state.ending is not None:
                continue
            q: dict[str, float] = {}
            for edge in node.edges:
                q[edge.choice] = q.get(edge.choice, 0.0) + edge.prob * value[edge.target]
            options[i] = q
            best = max(q.values()) if q else -math.inf
            if best > value[i] + 1e-12:
                value[i], changed = best, True
    return options


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem)
def test_each_option_is_worth_what_expectimax_over_the_oracle_says(path: Path, tmp_path: Path) -> None:
    sc = load_scenario(path)
    outcomes = built(sc, tmp_path)
    graph = build_graph(sc)
    expected = oracle_values(graph, sc)
    checked = 0
    for i, q in expected.items():
        found = outcomes.at(graph.nodes[i].state)
        assert found is not None, f"state at {graph.nodes[i].state.scene} missing from the map"
        assert set(found.options) == set(q)
        for choice, v in q.items():
            assert found.options[choice] == pytest.approx(v, abs=0.006), (graph.nodes[i].state.scene, choice)
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem)
def test_every_state_random_play_reaches_is_in_the_map(path: Path, tmp_path: Path) -> None:
    sc = load_scenario(path)
    outcomes = built(sc, tmp_path)
    for seed in range(60):
        rng = random.Random(seed)
        roller = rules.seeded_roller(seed)
        st, _ = rules.start(sc, roller)
        while st.ending is None:
            found = outcomes.at(st)
            assert found is not None
            offered = rules.available(sc, st)
            assert set(found.options) == {c.id for c in offered}
            assert found.worst is not None and found.best is not None and found.worst <= found.best
            rules.choose(sc, st, rng.choice(offered), roller)


def test_reference_points_from_the_start_match_the_exhaustive_search(tiny: Scenario, tmp_path: Path) -> None:
    outcomes = built(tiny, tmp_path)
    exhaustive = outcome_range(tiny)
    assert (outcomes.start.best, outcomes.start.worst) == (exhaustive.best, exhaustive.worst)
    assert outcomes.start.worst <= outcomes.start.expected_random_play <= outcomes.start.expected_best_play  # type: ignore[operator]
    assert sum(outcomes.endings_best.values()) == pytest.approx(1.0)
    assert sum(outcomes.endings_random.values()) == pytest.approx(1.0)


def test_a_decision_gives_up_nothing_only_when_it_was_the_best(tiny: Scenario, tmp_path: Path) -> None:
    outcomes = built(tiny, tmp_path)
    st, _ = rules.start(tiny, rules.seeded_roller(0))
    here = outcomes.at(st)
    assert here is not None and len(here.options) > 1
    best = max(here.options, key=here.options.__getitem__)
    worst = min(here.options, key=here.options.__getitem__)
    assert here.options[best] > here.options[worst]
    ref_best = review(outcomes, tiny, 0, [best])
    ref_worst = review(outcomes, tiny, 0, [worst])
    assert ref_best.decisions[0].given_up == 0.0 and ref_best.decisions[0].quality == 100.0
    assert ref_worst.decisions[0].given_up == pytest.approx(here.options[best] - here.options[worst], abs=0.01)
    assert ref_worst.decisions[0].quality == 0.0
    assert ref_worst.costliest() == [ref_worst.decisions[0]] and ref_best.costliest() == []


def test_a_damaged_map_is_refused_and_rebuilt(tiny: Scenario, tmp_path: Path) -> None:
    first = cache.ensure_map(tmp_path, tiny)
    assert isinstance(first, OutcomeMap)
    path = cache.map_path(tmp_path, tiny)
    cache.forget()
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(MapError):
        OutcomeMap(path)
    assert cache.open_map(tmp_path, tiny) is None
    again = cache.ensure_map(tmp_path, tiny)
    assert isinstance(again, OutcomeMap) and again.start.best == first.start.best
    cache.forget()


def test_reading_the_map_never_loads_numpy_or_the_explorer(tiny: Scenario, tmp_path: Path) -> None:
    """What a player's game and a report do with a built map, in a fresh process: no numpy, no explorer."""
    assert isinstance(cache.ensure_map(tmp_path, tiny), OutcomeMap)
    script = (
        "import json, sys\n"
        "from simgame.format.loader import load_scenario\n"
        "from simgame.tui.explore import outcome_range, run_reference\n"
        "from simgame.cohort.analytics import reference_map\n"
        f"sc = load_scenario({str(TINY)!r})\n"
        f"folder = __import__('pathlib').Path({str(tmp_path)!r})\n"
        "r = outcome_range(sc, folder); ref = run_reference(sc, 2, ['scale-now', 'measure'], maps=folder)\n"
        "assert reference_map(sc, folder).start.best == r.best == 60.0 and ref.decisions[0].given_up > 0\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy' or "
        "m.startswith(('simgame.analysis.batch', 'simgame.analysis.outcomes.solve')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    cache.forget()


def test_the_memory_cap_comes_from_the_settings(tmp_path: Path) -> None:
    env = {**os.environ, "SIMGAME_MAPS": str(tmp_path), "SIMGAME_MAP_MEMORY_MB": "300"}
    big = BUNDLED / "pilot-to-production.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "simgame", "run", str(big), "--policy", "first", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reason = json.loads(done.stdout)["reference"]["unavailable"]
    assert reason == "mapping every outcome needs more memory than allowed (300 MB)"


def test_a_build_that_cannot_succeed_is_not_retried_until_the_cap_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = load_scenario(BUNDLED / "pilot-to-production.yaml")
    first = cache.ensure_map(tmp_path, big, memory_mb=300)
    assert isinstance(first, cache.Unavailable)
    asked: list[int] = []

    def counting(scenario: Scenario, target: Path, memory_mb: int, timeout: float) -> str:
        asked.append(memory_mb)
        return "stopped by the test"

    monkeypatch.setattr(cache, "_build", counting)
    again = cache.ensure_map(tmp_path, big, memory_mb=300)
    assert isinstance(again, cache.Unavailable) and again.reason == first.reason and asked == []
    assert not cache.prepare_map(tmp_path, big, memory_mb=300)
    raised = cache.ensure_map(tmp_path, big, memory_mb=400)
    assert isinstance(raised, cache.Unavailable) and asked == [400]


def test_a_scenario_where_play_can_get_stuck_has_no_map(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.yaml"
    text = TINY.read_text(encoding="utf-8")
    assert "      - id: keep-running\n" in text
    stuck.write_text(text.replace("      - id: keep-running\n", "      - id: keep-running\n        when: not rushed\n"))
    found = cache.ensure_map(tmp_path / "maps", load_scenario(stuck))
    assert isinstance(found, cache.Unavailable)
    assert "stuck at scene `incident`" in found.reason


def test_a_map_of_another_version_at_the_right_path_is_rebuilt(tiny: Scenario, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(TINY.read_text(encoding="utf-8").replace("The pilot works.", "The pilot works well."))
    changed = load_scenario(other)
    built_other = cache.ensure_map(tmp_path / "x", changed)
    assert isinstance(built_other, OutcomeMap)
    cache.forget()
    target = cache.map_path(tmp_path, tiny)
    target.write_bytes(cache.map_path(tmp_path / "x", changed).read_bytes())  # the wrong version, tiny's name
    assert cache.open_map(tmp_path, tiny) is None
    rebuilt = cache.ensure_map(tmp_path, tiny)
    assert isinstance(rebuilt, OutcomeMap) and rebuilt.content_hash == tiny.content_hash
    cache.forget()


def test_a_file_edited_while_it_is_mapped_is_not_filed_under_the_old_version(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TINY.read_text(encoding="utf-8"))
    loaded = load_scenario(path)
    path.write_text(TINY.read_text(encoding="utf-8").replace("The pilot works.", "The pilot works well."))
    found = cache.ensure_map(tmp_path / "maps", loaded)
    assert isinstance(found, cache.Unavailable) and "changed while it was being mapped" in found.reason
    assert not cache.map_path(tmp_path / "maps", loaded).exists()
    path.write_text(TINY.read_text(encoding="utf-8"))  # back to the version loaded: now it maps
    assert isinstance(cache.ensure_map(tmp_path / "maps", loaded), OutcomeMap)
    cache.forget()


@pytest.mark.parametrize("damage", ["truncated data", "header of the wrong shape"])
def test_a_damaged_map_is_refused_at_open(tiny: Scenario, tmp_path: Path, damage: str) -> None:
    assert isinstance(cache.ensure_map(tmp_path, tiny), OutcomeMap)
    cache.forget()
    path = cache.map_path(tmp_path, tiny)
    data = path.read_bytes()
    size = int.from_bytes(data[8:16], "little")
    if damage == "truncated data":
        path.write_bytes(data[: 16 + size + 8])
    else:
        header = json.loads(data[16 : 16 + size])
        header["start"] = []
        raw = json.dumps(header).encode().ljust(size)
        path.write_bytes(data[:8] + len(raw).to_bytes(8, "little") + raw + data[16 + size :])
    with pytest.raises(MapError):
        OutcomeMap(path)
    assert cache.open_map(tmp_path, tiny) is None
    assert isinstance(cache.ensure_map(tmp_path, tiny), OutcomeMap)  # rebuilt
    cache.forget()


def test_two_processes_asking_at_once_both_get_the_map(tiny: Scenario, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: cache.ensure_map(tmp_path, tiny), range(2)))
    assert all(isinstance(r, OutcomeMap) and r.start.best == 60.0 for r in results)
    cache.forget()


def test_a_build_that_outgrows_its_memory_cap_fails_plainly(tmp_path: Path) -> None:
    big = load_scenario(BUNDLED / "pilot-to-production.yaml")  # millions of states: far past 300 MB
    starved = cache.ensure_map(tmp_path, big, memory_mb=300)
    assert isinstance(starved, cache.Unavailable)
    assert starved.reason == "mapping every outcome needs more memory than allowed (300 MB)"
    assert not cache.map_path(tmp_path, big).exists()


def test_a_scenario_not_from_a_file_has_no_map(tmp_path: Path) -> None:
    sc = load_scenario(TINY)
    sc.path = ""
    found = cache.ensure_map(tmp_path, sc)
    assert isinstance(found, cache.Unavailable) and "file" in found.reason


def test_a_thread_that_cannot_start_under_the_cap_is_running_out_of_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the cap, a worker thread's stack may be the allocation that fails: still out of memory,
    remembered as such (never a scenario problem, never retried at the same cap)."""
    from simgame.analysis.outcomes import build as builder

    def no_thread(*_: object, **__: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(builder, "build", no_thread)
    monkeypatch.setattr(builder, "cap_memory", lambda megabytes: None)  # this test's own process stays free
    out = tmp_path / "maps" / "tiny.map"
    assert builder.main([str(TINY), str(out), "--memory-mb=300"]) == cache.EXIT_MEMORY
    assert "ran out of memory under the 300 MB cap" in cache.failure_path(out).read_text(encoding="utf-8")
