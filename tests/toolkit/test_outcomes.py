"""The outcome map: exact expectimax values, found for every state play can reach, built out of process."""

from __future__ import annotations

import math
import os
import random
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


def test_the_map_is_built_in_another_process_under_a_memory_cap(tiny: Scenario, tmp_path: Path) -> None:
    before = os.getpid()
    found = cache.ensure_map(tmp_path, tiny, memory_mb=2048)
    assert isinstance(found, OutcomeMap) and found.scenario_id == tiny.id
    assert cache.map_path(tmp_path, tiny).is_file() and os.getpid() == before
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
