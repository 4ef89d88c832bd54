"""The batch explorer finds exactly the states the one-state-at-a-time explorer finds, with the same outcomes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from benchmarks.toolkit_bench import generate
from simgame.analysis import findings as ba
from simgame.analysis.batch import explorer as explore_batch
from simgame.analysis.batch import state as bs
from simgame.analysis.batch.graph import BatchGraph, Place
from simgame.analysis.keys import TooLarge
from simgame.analysis.report import explore
from simgame.authoring.scaffold import render
from simgame.engine.rules import available
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.oracle.explorer import build_graph, final_outcomes, values
from tests.toolkit.helpers import write_variant

LOOP = (
    ("        effects: {risk: 10}\n        next: crisis\n", "        effects: {risk: 10}\n        next: incident\n"),
    (
        "        effects: {risk: -20, value: -10}\n        next: end\n",
        "        effects: {risk: -20, value: -10}\n        next: crisis\n",
    ),
)
# Back to the rollout after the incident; the drift can only divert there once (a loop closed by a visit count).
REVISIT = (
    ("        effects: {risk: 10}\n        next: crisis\n", "        effects: {risk: 10}\n        next: rollout\n"),
    (
        "        when: rushed\n        chance: 0.3",
        "        when: rushed and not visited(incident)\n        chance: 0.3",
    ),
    (
        "        effects: {risk: -20, value: -10}\n        next: end\n",
        "        effects: {risk: -20, value: -10}\n        next: crisis\n",
    ),
)
STUCK = (
    (
        "      - id: keep-running\n        label: Keep it running and patch\n",
        "      - id: keep-running\n        label: Keep it running and patch\n        when: owner\n",
    ),
)


def scenarios(tmp: Path) -> list[Scenario]:
    found = [load_scenario(write_variant(tmp, "tiny.yaml"))]
    for name, changes in (("loop.yaml", LOOP), ("revisit.yaml", REVISIT), ("stuck.yaml", STUCK)):
        found.append(load_scenario(write_variant(tmp, name, *changes)))
    starter = tmp / "starter.yaml"
    starter.write_text(render("starter", starter), encoding="utf-8")
    found.append(load_scenario(starter))
    for scenes, seed in ((7, 1), (12, 2), (25, 3), (40, 4)):
        path = tmp / f"generated-{scenes}.yaml"
        path.write_text(generate(scenes, seed), encoding="utf-8")
        found.append(load_scenario(path))
    return found


def metric_rows(graph: BatchGraph, place: Place) -> list[tuple[float, ...]]:
    k = len(graph.layout.metrics)
    return sorted(map(tuple, np.ascontiguousarray(place.rows.data[:, :k]).view(np.float64).tolist()))


def compare(sc: Scenario) -> None:
    old = build_graph(sc)
    new = explore_batch.explore(sc, keep_rows=True)
    # the same distinct states at every scene (metrics compared exactly)
    old_rows: dict[str, list[tuple[float, ...]]] = {}
    for node in old.nodes:
        if node.state.ending is None:
            old_rows.setdefault(node.state.scene, []).append(tuple(node.state.metrics.values()))
    for place in new.scene_places():
        assert sorted(old_rows.get(place.id, [])) == metric_rows(new, place), (sc.id, place.id)
    # the same outcomes at every ending
    outcomes = final_outcomes(old)
    old_endings = {(old.nodes[i].state.ending, o.overall) for i, o in outcomes.items()}
    new_endings = set()
    for place in new.ending_places():
        assert place.tally is not None
        new_endings |= {(place.id, v / 10) for v, _ in place.tally.scores.items()}
    assert old_endings == new_endings, sc.id
    # choices offered and stuck states
    offered: Counter[str] = Counter()
    for node in old.nodes:
        if node.state.ending is None:
            offered.update(c.id for c in available(sc, node.state))
    assert offered == Counter({c: n for c, n in new.offered.items() if n}), sc.id
    assert sum(n.stuck for n in old.nodes) == sum(len(p.stuck) for p in new.scene_places()), sc.id
    # best and worst reachable final scores
    best, worst = values(old, outcomes)
    table = ba.values(new)
    hi, lo = ba.best_and_worst(new, table)
    assert hi == max(best[r] for r in old.roots if r in best), sc.id
    assert lo == min(worst[r] for r in old.roots if r in worst), sc.id


def test_batch_explorer_agrees_with_the_state_graph(tmp_path: Path) -> None:
    for sc in scenarios(tmp_path):
        compare(sc)


def test_hash_collisions_never_merge_states(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every state gets the same hash: grouping must fall back to comparing whole rows.
    expected = [explore_batch.explore(sc).states for sc in scenarios(tmp_path)]
    monkeypatch.setattr(bs, "row_hash", lambda key: np.zeros(len(key), np.uint64))
    for sc, states in zip(scenarios(tmp_path), expected, strict=True):
        compare(sc)
        assert explore_batch.explore(sc).states == states


def test_loops_closed_by_a_visit_go_level_by_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = load_scenario(write_variant(tmp_path, "revisit.yaml", *REVISIT))
    explorer = explore_batch.Explorer(sc)
    groups = [g for g in explorer.scene_groups() if len(g) > 1]
    assert groups and explorer.level_plan(groups[0]) is not None
    level = explore_batch.explore(sc)
    monkeypatch.setattr(explore_batch.Explorer, "level_plan", lambda self, group: None)
    depth = explore_batch.explore(sc)
    assert [p.count for p in level.places] == [p.count for p in depth.places]
    compare(sc)


def test_shortest_paths_replay_to_their_ending(tmp_path: Path) -> None:
    from simgame.engine.run import Run

    for sc in scenarios(tmp_path):
        report = explore(sc, persona_plays=0)
        assert report.mode == "exhaustive"
        for ending, info in report.shortest.items():
            if info.seed is None:
                continue
            run = Run.replay(sc, info.seed, info.choices)
            assert run.ending == ending, (sc.id, info.rerun)
            run.close()


def test_limits_stop_exploring_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "generated-40.yaml"
    path.write_text(generate(40, 4), encoding="utf-8")
    sc = load_scenario(path)
    with pytest.raises(TooLarge, match="more than 10 reachable states"):
        explore_batch.explore(sc, max_states=10)
    with pytest.raises(TooLarge, match="explored in 0 s"):
        explore_batch.explore(sc, budget=0.0)


@pytest.mark.slow
def test_a_shipped_scenario_is_explored_exhaustively() -> None:
    from tests.support import ROOT

    sc = load_scenario(ROOT / "scenarios" / "data-is-the-product.yaml")
    report = explore(sc, persona_plays=0)
    assert report.mode == "exhaustive" and report.states > 1_000_000
    assert all(report.scenes.values()) and all(report.endings.values())
    assert report.best is not None and report.worst is not None and report.worst < report.best
    assert not report.failures
