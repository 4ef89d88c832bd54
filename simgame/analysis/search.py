"""The one search of a scenario's state space, as every caller asks it.

The batch explorer (`simgame.analysis.batch.explorer`) visits every reachable state once;
this module answers from it: the best and worst reachable outcomes (the debrief's reference
points) and the shortest way to a scene (authors' `--from`), made to hold for a given seed.
A scenario too large to explore falls back to sampled play (`simgame.analysis.play`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from simgame.analysis import findings
from simgame.analysis.batch import explorer
from simgame.analysis.keys import TooLarge
from simgame.analysis.play import Rolls, reproduce_seed, sampled_range
from simgame.analysis.ranges import OutcomeRange
from simgame.engine.rules import Roller, available, choose, seeded_roller, start
from simgame.engine.state import EngineError, PlayState
from simgame.format.compiled import Scenario

EXHAUSTIVE_BUDGET = 60.0  # seconds of exhaustive exploration before falling back to random play
PATH_CANDIDATES = 2_000  # shortest paths tried, nearest first, for one that a given seed plays out


def outcome_range(
    scenario: Scenario,
    max_states: int = explorer.MAX_STATES,
    plays: int = 2_000,
    seed: int = 0,
    budget: float | None = EXHAUSTIVE_BUDGET,
) -> OutcomeRange:
    """Best and worst reachable overall scores: exhaustive when feasible, else sampled play."""
    try:
        graph = explorer.explore(scenario, max_states, budget)
        table = findings.values(graph)
        top = findings.follow(graph, table, True)
        bottom = findings.follow(graph, table, False)
        if top is not None and bottom is not None:
            return OutcomeRange(top[0], bottom[0], top[1], bottom[1], True)
    except TooLarge:
        pass
    found = sampled_range(scenario, plays, seed, min(budget if budget is not None else 10.0, 10.0))
    if found is None:
        return OutcomeRange(0.0, 0.0, [], [], False)
    return OutcomeRange(found[0], found[1], found[2], found[3], False)


def path_to(
    scenario: Scenario, scene_id: str, seed: int | None = None, max_states: int = explorer.MAX_STATES
) -> list[str] | None:
    """The shortest choices from the start to a scene where play rests, or None when there is none.

    With a seed, the path must play out under that seed's chance rolls: the explorer's paths to the
    scene are tried shortest first. Without one, any path whose chance outcomes some seed gives.
    """
    for choices, rolls in _paths_to(scenario, scene_id, max_states):
        if seed is None:
            if reproduce_seed(scenario, choices, rolls) is not None:
                return choices
        elif _plays_out(scenario, seed, choices, scene_id):
            return choices
    return None


def route_to(scenario: Scenario, scene_id: str, max_states: int = explorer.MAX_STATES) -> tuple[list[str], int] | None:
    """The shortest choices to a scene and a seed whose chance rolls play them out there, or None.

    For an author's `--from SCENE` without a seed that works: the path and the seed come together.
    """
    for choices, rolls in _paths_to(scenario, scene_id, max_states):
        found = reproduce_seed(scenario, choices, rolls)
        if found is not None and _plays_out(scenario, found, choices, scene_id):
            return choices, found
    return None


def _paths_to(scenario: Scenario, scene_id: str, max_states: int) -> Iterator[tuple[list[str], Rolls]]:
    """The explorer's paths to a scene where play rests, shortest first (none if it is out of reach)."""
    try:
        graph = explorer.explore(scenario, max_states, EXHAUSTIVE_BUDGET)
    except TooLarge:
        return
    where = graph.index.get(scene_id)
    if where is None or graph.places[where].ending or graph.places[where].count == 0:
        return
    for row in np.argsort(graph.places[where].depth, kind="stable")[:PATH_CANDIDATES]:
        choices, rolls, _ = graph.path(where, int(row))
        yield choices, rolls


def _plays_out(scenario: Scenario, seed: int, choices: list[str], scene_id: str) -> bool:
    """Does this seed's play of these choices end up resting at the scene?"""
    roller: Roller = seeded_roller(seed)
    try:
        st: PlayState = start(scenario, roller)[0]
        for cid in choices:
            if cid not in {c.id for c in available(scenario, st)}:
                return False
            choose(scenario, st, scenario.choices[cid], roller)
    except EngineError:
        return False
    return st.scene == scene_id and st.ending is None
