"""The one-state-at-a-time explorer: the oracle the batch explorer (`simgame.analysis.batch`) is tested against.

A state is what decides the future: the scene, the metrics, the flags, and only those
parts of history the scenario's expressions read (visit counts of scenes named in
`visited()`/`visits()`, choices named in `chose()` or marked `once`, the turn if
`turn()` is used). States are memoised, so a scenario of tens of scenes explores in
milliseconds. A chance event branches both ways (fires / does not), each branch
carrying its probability, so coverage and reachable endings are exact.

Play uses :mod:`simgame.engine.rules`, which calls the engine's own rule functions.
This module is pure (no rich, no textual): the TUI calls it from a worker thread.
"""

from __future__ import annotations

import gc
import random
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from simgame.analysis.keys import KeySpec, TooLarge, all_expressions, key_spec, state_key
from simgame.engine.rules import Fired, Roller, available, chance_roll, choose, seeded_roller, start
from simgame.engine.scoring import Outcome, score
from simgame.engine.state import EngineError, PlayState
from simgame.format.compiled import Scenario

__all__ = ["KeySpec", "TooLarge", "all_expressions", "key_spec", "state_key"]

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total); total 0 when unknown

MAX_STATES = 200_000  # the one-state-at-a-time graph (`build_graph`), used for seeded play over small scenarios
EXHAUSTIVE_BUDGET = 60.0  # seconds of exhaustive exploration before falling back to random play
MAX_BRANCHES = 4_096  # chance outcomes of one step
SEED_SEARCH = 500  # seeds tried to reproduce a path's chance outcomes with a real seed
Rolls = tuple[tuple[str, bool], ...]
# A roll as it happened: (event, fired, probability, scene, visits of that scene, turn) at the moment of the roll.
RollDetail = tuple[str, bool, float, str, int, int]


def branch_all(step: Callable[[Roller], T]) -> list[tuple[T | EngineError, float, tuple[RollDetail, ...]]]:
    """Run ``step`` once per combination of chance outcomes; each result with its probability and rolls."""
    results: list[tuple[T | EngineError, float, tuple[RollDetail, ...]]] = []
    pending: list[tuple[bool, ...]] = [()]
    while pending:
        script = pending.pop()
        taken: list[bool] = []
        named: list[RollDetail] = []
        prob = [1.0]

        def roller(
            st: PlayState,
            event: object,
            p: float,
            script: tuple[bool, ...] = script,
            taken: list[bool] = taken,
            named: list[RollDetail] = named,
            prob: list[float] = prob,
        ) -> float:
            i = len(taken)
            if i < len(script):
                fires = script[i]
            else:
                fires = True
                pending.append((*taken, False))
            taken.append(fires)
            named.append((getattr(event, "id", "?"), fires, p, st.scene, st.visit_counts.get(st.scene, 0), st.turn))
            prob[0] *= p if fires else 1.0 - p
            return 0.0 if fires else 1.0

        try:
            result: T | EngineError = step(roller)
        except EngineError as exc:
            result = exc
        results.append((result, prob[0], tuple(named)))
        if len(results) > MAX_BRANCHES:
            raise TooLarge(f"one step has more than {MAX_BRANCHES} combinations of chance outcomes")
    return results


@dataclass
class Edge:
    choice: str  # "" for the opening (entering the first scene)
    prob: float
    rolls: Rolls
    fired: tuple[str, ...]
    target: int  # node index, -1 when play failed (see error)
    error: str = ""
    passed: tuple[str, ...] = ()  # scenes entered on the way (left again by an event's goto)
    # For replaying seeded play over the graph: each roll relative to the state before the step
    # (event, fired, probability, scene, visits added so far this step, turns added), and visits added.
    detail: tuple[RollDetail, ...] = ()
    seen_added: tuple[tuple[str, int], ...] = ()


@dataclass
class Node:
    state: PlayState
    depth: int
    parent: int  # -1 for an opening state
    via: Edge
    edges: list[Edge] = field(default_factory=list)
    stuck: bool = False


@dataclass
class StateGraph:
    scenario: Scenario
    nodes: list[Node]
    roots: list[int]
    opening_errors: list[Edge]
    openings: list[Edge] = field(default_factory=list)

    def path(self, index: int) -> tuple[list[str], Rolls]:
        """The choices and chance outcomes from the start to a node (shortest: nodes are found breadth-first)."""
        choices: list[str] = []
        rolls: list[tuple[str, bool]] = []
        while index >= 0:
            node = self.nodes[index]
            if node.via.choice:
                choices.append(node.via.choice)
            rolls[:0] = list(node.via.rolls)
            index = node.parent
        choices.reverse()
        return choices, tuple(rolls)

    def endings(self) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if n.state.ending is not None]


def _passed(fired: list[Fired]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.scene for f in fired))


def _relative(
    base: PlayState | None, after: PlayState, rolls: tuple[RollDetail, ...]
) -> tuple[Rolls, tuple[RollDetail, ...], tuple[tuple[str, int], ...]]:
    """Rolls as (event, fired) pairs, and relative to ``base`` so another play in the same state can replay them."""
    seen0 = base.visit_counts if base is not None else {}
    turn0 = base.turn if base is not None else 0
    detail = tuple((e, f, p, sc, v - seen0.get(sc, 0), t - turn0) for e, f, p, sc, v, t in rolls)
    added = tuple((sc, n - seen0.get(sc, 0)) for sc, n in after.visit_counts.items() if n != seen0.get(sc, 0))
    return tuple((e, f) for e, f, *_ in rolls), detail, added


def build_graph(
    sc: Scenario, max_states: int = MAX_STATES, progress: Progress | None = None, budget: float | None = None
) -> StateGraph:
    """Every reachable state, breadth-first; raises TooLarge past ``max_states`` or ``budget`` seconds."""
    enabled = gc.isenabled()
    gc.disable()  # the graph only grows; the cyclic collector would rescan it over and over
    try:
        return _build_graph(sc, max_states, progress, budget)
    finally:
        if enabled:
            gc.enable()


def _build_graph(sc: Scenario, max_states: int, progress: Progress | None, budget: float | None) -> StateGraph:
    deadline = time.monotonic() + budget if budget is not None else None
    spec = key_spec(sc)
    index: dict[Hashable, int] = {}
    nodes: list[Node] = []
    roots: list[int] = []
    opening_errors: list[Edge] = []

    def add(st: PlayState, depth: int, parent: int, via: Edge) -> int:
        key = state_key(spec, st)
        found = index.get(key)
        if found is not None:
            return found
        if len(nodes) >= max_states:
            raise TooLarge(f"more than {max_states:,} reachable states")
        index[key] = len(nodes)
        nodes.append(Node(st, depth, parent, via))
        return len(nodes) - 1

    openings: list[Edge] = []
    for result, prob, raw in branch_all(lambda roller: start(sc, roller)):
        if isinstance(result, EngineError):
            pairs, detail, _ = _relative(None, PlayState(sc.doc.start, {}), raw)
            opening_errors.append(Edge("", prob, pairs, (), -1, str(result), detail=detail))
            openings.append(opening_errors[-1])
            continue
        st, fired = result
        pairs, detail, added = _relative(None, st, raw)
        via = Edge(
            "", prob, pairs, tuple(f.event.id for f in fired), 0, passed=_passed(fired), detail=detail, seen_added=added
        )
        i = add(st, 0, -1, via)
        via.target = i
        openings.append(via)
        if i not in roots:
            roots.append(i)
    queue = deque(roots)
    while queue:
        i = queue.popleft()
        node = nodes[i]
        if i % 500 == 0:
            if progress is not None:
                progress(len(nodes) - len(queue), len(nodes))
            if deadline is not None and time.monotonic() > deadline:
                raise TooLarge(f"more states than can be explored in {budget:g} s ({len(nodes):,} so far)")
        if node.state.ending is not None:
            continue
        opts = available(sc, node.state)
        if not opts:
            node.stuck = True
            continue
        for choice in opts:

            def step(
                roller: Roller, base: PlayState = node.state, choice_id: str = choice.id
            ) -> tuple[PlayState, list[Fired]]:
                st = base.copy()
                return st, choose(sc, st, sc.choices[choice_id], roller)

            for result, prob, raw in branch_all(step):
                if isinstance(result, EngineError):
                    pairs, detail, _ = _relative(node.state, node.state, raw)
                    node.edges.append(Edge(choice.id, prob, pairs, (), -1, str(result), detail=detail))
                    continue
                st, fired = result
                pairs, detail, added = _relative(node.state, st, raw)
                edge = Edge(
                    choice.id,
                    prob,
                    pairs,
                    tuple(f.event.id for f in fired),
                    -1,
                    passed=_passed(fired),
                    detail=detail,
                    seen_added=added,
                )
                before = len(nodes)
                edge.target = add(st, node.depth + 1, i, edge)
                if edge.target == before:
                    queue.append(edge.target)
                node.edges.append(edge)
    if progress is not None:
        progress(len(nodes), len(nodes))
    return StateGraph(sc, nodes, roots, opening_errors, openings)


def values(graph: StateGraph, outcomes: dict[int, Outcome]) -> tuple[dict[int, float], dict[int, float]]:
    """Best and worst final score reachable from each node (a fixed point, so loops are fine)."""
    best: dict[int, float] = {i: o.overall for i, o in outcomes.items()}
    worst: dict[int, float] = dict(best)
    order = range(len(graph.nodes) - 1, -1, -1)
    for _ in range(200):
        changed = False
        for i in order:
            node = graph.nodes[i]
            if i in outcomes:
                continue
            targets = [e.target for e in node.edges if e.target >= 0 and e.target in best]
            if not targets:
                continue
            hi = max(best[t] for t in targets)
            lo = min(worst[t] for t in targets)
            if best.get(i) != hi or worst.get(i) != lo:
                best[i], worst[i] = hi, lo
                changed = True
        if not changed:
            break
    return best, worst


def final_outcomes(graph: StateGraph) -> dict[int, Outcome]:
    sc = graph.scenario
    return {i: score(sc, graph.nodes[i].state, graph.nodes[i].state.metrics) for i in graph.endings()}


def path_to(scenario: Scenario, scene_id: str, max_states: int = MAX_STATES) -> list[str] | None:
    """The shortest list of choice ids from the start that reaches a scene or ending (seed 0 for chance)."""
    sc = scenario
    roller = seeded_roller(0)
    try:
        st, _ = start(sc, roller)
    except EngineError:
        return None
    if st.scene == scene_id:
        return []
    spec = key_spec(sc)
    chance_scenes = tuple(sorted(s for s, evs in sc.scene_events.items() if evs))

    def key(s: PlayState) -> Hashable:
        return (state_key(spec, s), s.turn, tuple(s.visit_counts.get(x, 0) for x in chance_scenes))

    seen = {key(st)}
    queue: deque[tuple[PlayState, list[str]]] = deque([(st, [])])
    while queue:
        state, made = queue.popleft()
        for choice in available(sc, state):
            nxt = state.copy()
            try:
                fired = choose(sc, nxt, choice, roller)
            except EngineError:
                continue
            if nxt.scene == scene_id or any(f.scene == scene_id for f in fired):
                return [*made, choice.id]
            k = key(nxt)
            if k in seen or nxt.ending is not None:
                continue
            if len(seen) >= max_states:
                return None
            seen.add(k)
            queue.append((nxt, [*made, choice.id]))
    return None


class GraphPlayer:
    """Seeded random play over an explored state graph: the same plays as `random_play`, memoised.

    Every state's options, successors and final score were computed once while exploring; a
    playthrough only picks choices (same `random.Random(seed)` as `simgame run --policy random`) and
    decides each chance event with the engine's own seeded roll (`chance_roll`), replayed with this
    play's own turn and visit counts. tests/toolkit/test_explore.py checks it against `random_play`.
    """

    def __init__(self, graph: StateGraph) -> None:
        self.graph = graph
        self.choices: list[dict[str, list[Edge]]] = []
        for node in graph.nodes:
            groups: dict[str, list[Edge]] = {}
            for e in node.edges:
                groups.setdefault(e.choice, []).append(e)
            self.choices.append(groups)
        self.ids = [list(g) for g in self.choices]
        self.scores = {i: o.overall for i, o in final_outcomes(graph).items()}

    @staticmethod
    def _pick(edges: list[Edge], seed: int, seen: dict[str, int], turn: int) -> Edge:
        for edge in edges:
            for event, fired, p, scene, dvisits, dturn in edge.detail:
                roll = chance_roll(seed, turn + dturn, scene, seen.get(scene, 0) + dvisits, event)
                if (roll < p) != fired:
                    break
            else:
                for scene, n in edge.seen_added:
                    seen[scene] = seen.get(scene, 0) + n
                return edge
        raise AssertionError("no branch matches the rolls; the graph is incomplete")

    def play(self, seed: int, max_turns: int = 500) -> tuple[str | None, float | None, list[str], str]:
        """(ending, overall score, choices made, error) of one seeded random playthrough."""
        rng = random.Random(seed)
        seen: dict[str, int] = {}
        edge = self._pick(self.graph.openings, seed, seen, 0)
        if edge.error:
            return None, None, [], edge.error
        i = edge.target
        turn = 0
        made: list[str] = []
        nodes = self.graph.nodes
        while nodes[i].state.ending is None:
            ids = self.ids[i]
            if not ids:
                return None, None, made, f"no choice is available in scene `{nodes[i].state.scene}`"
            if turn >= max_turns:
                return None, None, made, f"still playing after {max_turns} decisions"
            pick = rng.choice(ids)
            made.append(pick)
            edge = self._pick(self.choices[i][pick], seed, seen, turn)
            turn += 1
            if edge.error:
                return None, None, made, edge.error
            i = edge.target
        return nodes[i].state.ending, self.scores[i], made, ""
