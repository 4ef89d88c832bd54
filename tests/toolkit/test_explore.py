"""Exploration: exact results on tiny.yaml (worked out by hand), fallbacks, and re-runnable findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.analysis.play import random_play, reproduce_seed
from simgame.analysis.report import explore
from simgame.analysis.search import outcome_range, path_to
from simgame.engine.run import Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.oracle.explorer import build_graph
from tests.toolkit.helpers import write_variant


def test_outcome_range_is_exact_on_tiny(tiny: Scenario) -> None:
    r = outcome_range(tiny)
    # best: name an owner (value 35, risk 20, +10 control for the owner), then measure (value 45):
    # value 45, control 80 + 10 = 90 -> (2*45 + 90) / 3 = 60.0
    # worst: scale now (value 50, risk 50), drift fires (+15), keep running (+10): risk 75 -> control 25,
    # value 50 -> (2*50 + 25) / 3 = 41.7
    assert (r.best, r.worst, r.exhaustive) == (60.0, 41.7, True)
    assert r.best_choices == ["name-owner", "measure"]
    assert r.worst_choices == ["scale-now", "keep-running"]


def test_outcome_range_falls_back_to_random_play(tiny: Scenario) -> None:
    r = outcome_range(tiny, max_states=2, plays=300)
    assert not r.exhaustive
    assert 41.7 <= r.worst <= r.best <= 60.0


def test_path_to_is_shortest_and_holds_for_the_seed(tiny: Scenario) -> None:
    assert path_to(tiny, "kickoff") == []
    assert path_to(tiny, "rollout") == ["scale-now"]
    assert path_to(tiny, "scaled") is None  # an ending: play cannot start there
    found = 0
    for seed in range(12):
        drifts = Run.replay(tiny, seed, ["scale-now"]).scene_id == "incident"  # the only way there
        incident = path_to(tiny, "incident", seed=seed)
        assert (incident == ["scale-now"]) if drifts else (incident is None), seed
        found += drifts
    assert 0 < found < 12


def test_path_to_agrees_with_the_one_state_oracle(tiny: Scenario) -> None:
    from tests.oracle.explorer import path_to as oracle_path_to

    for scene in tiny.doc.scenes:
        mine, oracle = path_to(tiny, scene, seed=0), oracle_path_to(tiny, scene)
        assert (mine is None) == (oracle is None) and (mine is None or len(mine) == len(oracle)), scene


def test_graph_branches_chance_events_both_ways(tiny: Scenario) -> None:
    graph = build_graph(tiny)
    endings = {graph.nodes[i].state.ending for i in graph.endings()}
    assert endings == {"crisis", "muddled"}
    rolls = {e.rolls for n in graph.nodes for e in n.edges if e.rolls}
    assert (("drift", True),) in rolls and (("drift", False),) in rolls
    probs = [e.prob for n in graph.nodes for e in n.edges if e.choice == "scale-now"]
    assert sum(probs) == pytest.approx(1.0)  # drift at 0.3 + 50/200 = 0.55, both ways


def test_report_flags_what_an_author_must_fix(tiny: Scenario) -> None:
    report = explore(tiny, persona_plays=20)
    kinds = {(f.kind, f.message.split("`")[1]) for f in report.findings if "`" in f.message}
    assert ("unreached-ending", "scaled") in kinds
    # Balance (SG7xx): in tiny the longest label is always the better option, and explore says so.
    tell = next(f for f in report.findings if f.kind == "SG701")
    assert tell.rerun == "simgame run tiny --policy longest --seed 0"
    assert ("unreached-band", "strong") in kinds and ("unreached-band", "weak") in kinds
    assert ("dominant-option", "kickoff") in kinds
    assert report.mode == "exhaustive" and report.choices["switch-off"] == 0  # locked: nobody owns it after a rush
    assert report.endings["crisis"] >= 1 and report.shortest["crisis"].choices == ["scale-now", "keep-running"]
    assert report.per_ending["muddled"]["score"].max == 60.0
    assert not report.failures


def test_shortest_path_seed_replays_with_the_engine(tiny: Scenario) -> None:
    report = explore(tiny, persona_plays=0)
    for ending, info in report.shortest.items():
        assert info.seed is not None
        run = Run.replay(tiny, info.seed, info.choices)
        assert run.ending == ending, info.rerun
        run.close()


def test_random_play_is_the_same_as_simgame_run_policy_random(tiny: Scenario) -> None:
    import random

    from simgame.cli.headless import pick

    for seed in range(30):
        st, made, error = random_play(tiny, seed)
        run = Run.start(tiny, seed)
        rng = random.Random(seed)
        while not run.ended:  # what `simgame run --policy random` picks (from the ids in file order)
            run.choose(pick(run, "random", rng) or "")
        assert not error and run.choice_log == made and run.ending == st.ending
        assert score(tiny, run, run.metrics).overall == score(tiny, st, st.metrics).overall
        run.close()


def test_random_mode_reports_seeds(tiny: Scenario) -> None:
    report = explore(tiny, mode="random", plays=400, persona_plays=5)
    assert report.mode == "random" and report.plays == 400
    assert sum(report.endings.values()) == 400
    assert all(p.seed is not None and "--seed" in p.rerun for p in report.shortest.values())


def test_stuck_and_loops_are_failures_with_a_rerun(tmp_path: Path) -> None:
    # The only way on from the incident is locked without an owner: a rushed player gets stuck there.
    path = write_variant(
        tmp_path,
        "stuck.yaml",
        (
            "      - id: keep-running\n        label: Keep it running and patch\n",
            "      - id: keep-running\n        label: Keep it running and patch\n        when: owner\n",
        ),
    )
    sc = load_scenario(path)
    report = explore(sc, persona_plays=0)
    stuck = [f for f in report.failures if f.kind == "stuck"]
    assert stuck and "incident" in stuck[0].message and "--seed" in stuck[0].rerun
    random_report = explore(sc, mode="random", plays=200, persona_plays=0)
    assert any(f.kind == "stuck" and "--policy random" in f.rerun for f in random_report.failures)


def test_endless_loop_is_reported(tmp_path: Path) -> None:
    # Without an owner, the only choice in the incident leads back to it: risk climbs to 100, then repeats.
    path = write_variant(
        tmp_path,
        "loop.yaml",
        (
            "        effects: {risk: 10}\n        next: crisis\n",
            "        effects: {risk: 10}\n        next: incident\n",
        ),
        (
            "        effects: {risk: -20, value: -10}\n        next: end\n",
            "        effects: {risk: -20, value: -10}\n        next: crisis\n",
        ),
    )
    sc = load_scenario(path)
    report = explore(sc, persona_plays=0)
    assert any(f.kind == "endless-loop" and "incident" in f.message for f in report.findings)
    random_report = explore(sc, mode="random", plays=50, persona_plays=0)
    assert any(f.kind == "loop-limit" for f in random_report.failures)


def test_seed_search_reports_none_when_impossible(tiny: Scenario) -> None:
    assert reproduce_seed(tiny, ["scale-now"], (("drift", True), ("drift", True)), tries=20) is None


def test_graph_player_plays_exactly_like_random_play(tiny: Scenario, tmp_path: Path) -> None:
    from simgame.authoring.scaffold import render
    from tests.oracle.explorer import GraphPlayer

    starter = tmp_path / "starter.yaml"
    starter.write_text(render("starter", starter), encoding="utf-8")
    looping = write_variant(
        tmp_path,
        "loop.yaml",
        (
            "        effects: {risk: 10}\n        next: crisis\n",
            "        effects: {risk: 10}\n        next: incident\n",
        ),
        (
            "        effects: {risk: -20, value: -10}\n        next: end\n",
            "        effects: {risk: -20, value: -10}\n        next: crisis\n",
        ),
    )
    for sc in (tiny, load_scenario(starter), load_scenario(looping)):
        player = GraphPlayer(build_graph(sc))
        for seed in range(300):
            st, made, error = random_play(sc, seed, max_turns=60)
            ending, overall, made2, error2 = player.play(seed, max_turns=60)
            assert (ending, made2, bool(error2)) == (st.ending, made, bool(error)), (sc.id, seed)
            if ending is not None:
                assert overall == score(sc, st, st.metrics).overall
