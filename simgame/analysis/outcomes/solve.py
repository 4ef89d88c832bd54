"""Expectimax over an exhaustive exploration: what every option is worth in every state.

Works scene by scene on the arrays of a `simgame.analysis.batch.graph.BatchGraph`, backwards
through the story (groups of scenes on a loop are iterated to a fixed point). A choice's value in
a state is the chance-weighted mean of what its steps lead to (the final score where play ends,
else the value of the state it rests in); a state's value is its best option's. The same pass
gives random play's expected score, and a forward pass gives each ending's probability under
random and under best play.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simgame.analysis import findings
from simgame.analysis.batch.graph import BatchGraph, Step
from simgame.analysis.batch.state import F64, I64

TIE = 1e-9  # options whose values differ by less than this are equally good
MAX_ROUNDS = 10_000  # fixed-point rounds for a loop of states


@dataclass
class SceneValues:
    """Per state of one scene (rows as the explorer numbered them)."""

    best: F64  # best reachable final score (-inf: no ending reachable)
    worst: F64
    options: dict[str, F64]  # choice -> expected final score under best play after (nan: not offered)
    value: F64  # the best option's value (nan: no option)
    random: F64  # expected final score under random play from here


@dataclass
class Solution:
    scenes: dict[int, SceneValues]  # place index -> values
    start_best: float
    start_worst: float
    start_value: float  # expected final score of best play from the start
    start_random: float  # expected final score of random play from the start
    endings_best: dict[str, float] = field(default_factory=dict)  # ending -> probability under best play
    endings_random: dict[str, float] = field(default_factory=dict)


def _after(graph: BatchGraph, step: Step, value: dict[int, F64]) -> F64:
    """What taking a step is worth, per state of the step (nan where play failed)."""
    if step.finals is not None:
        return step.finals.score.astype(np.float64)
    if step.dst < 0:
        return np.full(len(step.src_rows), np.nan)
    return value[step.dst][step.dst_rows]


def solve(graph: BatchGraph) -> Solution:
    table = findings.values(graph)
    places = graph.places
    by_src = graph.by_src
    value: dict[int, F64] = {}
    random: dict[int, F64] = {}
    options: dict[int, dict[str, F64]] = {}
    for p, place in enumerate(places):
        if not place.ending:
            value[p] = np.where(np.isfinite(table.worst[p]), table.worst[p], np.nan)  # a lower bound to start from
            random[p] = value[p].copy()
    for group in reversed(graph.order):
        members = set(group)
        looped = any(s.dst in members and s.finals is None for p in group for s in by_src.get(p, []))
        for _ in range(MAX_ROUNDS if looped else 1):
            moved = 0.0
            for p in group:
                opts, rand = _scene_pass(graph, p, by_src.get(p, []), value, random)
                options[p] = opts
                best = _nanmax(list(opts.values()), places[p].count)
                moved = max(moved, _change(value[p], best), _change(random[p], rand))
                value[p], random[p] = best, rand
            if moved < TIE:
                break
    scenes = {
        p: SceneValues(table.best[p], table.worst[p], options.get(p, {}), value[p], random[p])
        for p, place in enumerate(places)
        if not place.ending
    }
    best_start, worst_start = findings.best_and_worst(graph, table)
    start_value = start_random = 0.0
    for step in by_src.get(-1, []):
        prob = np.ones(len(step.src_rows)) if step.prob is None else step.prob
        start_value += float((prob * _after(graph, step, value)).sum())
        start_random += float((prob * _after(graph, step, random)).sum())
    solution = Solution(
        scenes,
        best_start if best_start is not None else float("nan"),
        worst_start if worst_start is not None else float("nan"),
        start_value,
        start_random,
    )
    solution.endings_best = ending_odds(graph, solution, best=True)
    solution.endings_random = ending_odds(graph, solution, best=False)
    return solution


def _scene_pass(
    graph: BatchGraph, p: int, steps: list[Step], value: dict[int, F64], random: dict[int, F64]
) -> tuple[dict[str, F64], F64]:
    """Each option's value at every state of scene ``p`` (best play after), and random play's value."""
    n = graph.places[p].count
    parts: dict[str, tuple[list[I64], list[F64], list[F64]]] = {}
    for step in steps:
        prob = np.ones(len(step.src_rows)) if step.prob is None else step.prob
        rows, best, rand = parts.setdefault(step.choice, ([], [], []))
        rows.append(step.src_rows)
        best.append(prob * _after(graph, step, value))  # a failed step (nan) poisons the option there
        rand.append(prob * _after(graph, step, random))
    total: dict[str, F64] = {}
    count = np.zeros(n)
    summed = np.zeros(n)
    for choice, (rows, best, rand) in parts.items():
        at = np.concatenate(rows)
        offered = np.bincount(at, minlength=n) > 0
        total[choice] = np.where(offered, np.bincount(at, weights=np.concatenate(best), minlength=n), np.nan)
        count += offered
        summed += np.where(offered, np.bincount(at, weights=np.concatenate(rand), minlength=n), 0.0)
    return total, np.where(count > 0, summed / np.maximum(count, 1), np.nan)


def _nanmax(columns: list[F64], n: int) -> F64:
    best = np.full(n, np.nan)
    for column in columns:
        best = np.fmax(best, column)
    return best


def _change(before: F64, after: F64) -> float:
    diff = np.abs(np.nan_to_num(after, nan=0.0) - np.nan_to_num(before, nan=0.0))
    return float(diff.max()) if len(diff) else 0.0


def _policy_share(values: SceneValues, choice: str, rows: I64, best: bool) -> F64:
    """The share of play at each state (``rows``) that takes ``choice``: uniform, or split over the best."""
    column = values.options[choice][rows]
    taken = ~np.isnan(column)
    if best:
        top = values.value[rows]
        taken &= column >= top - TIE
    count: F64 = np.zeros(len(rows))
    for other in values.options.values():
        col = other[rows]
        ok = ~np.isnan(col)
        count += ok & (col >= values.value[rows] - TIE) if best else ok
    return np.where(taken, 1.0 / np.maximum(count, 1), 0.0)


def ending_odds(graph: BatchGraph, solution: Solution, best: bool) -> dict[str, float]:
    """Each ending's probability when every decision is made at random (or by best play)."""
    places = graph.places
    by_src = graph.by_src
    waiting: dict[int, list[tuple[I64, F64]]] = {p: [] for p, place in enumerate(places) if not place.ending}
    ends: dict[str, float] = {}

    def push(step: Step, weight: F64) -> None:
        if step.dst < 0:
            return
        if places[step.dst].ending:
            ends[places[step.dst].id] = ends.get(places[step.dst].id, 0.0) + float(weight.sum())
        else:
            waiting[step.dst].append((step.dst_rows, weight))

    def take(p: int) -> F64:
        """The probability of play resting at each state of scene ``p`` that has arrived so far."""
        parts, waiting[p] = waiting[p], []
        if not parts:
            return np.zeros(places[p].count)
        rows = np.concatenate([r for r, _ in parts])
        weights = np.concatenate([w for _, w in parts])
        arrived: F64 = np.bincount(rows, weights=weights, minlength=places[p].count).astype(np.float64)
        return arrived

    for step in by_src.get(-1, []):
        push(step, np.ones(len(step.src_rows)) if step.prob is None else step.prob)
    for group in graph.order:
        for _ in range(MAX_ROUNDS):  # one round unless the group is a loop of states
            if not any(waiting[p] for p in group):
                break
            for p in group:
                here = take(p)
                if here.sum() < TIE * TIE:  # nothing (or a vanishing remainder going round a loop)
                    continue
                values = solution.scenes[p]
                for step in by_src.get(p, []):
                    share = _policy_share(values, step.choice, step.src_rows, best)
                    prob = np.ones(len(step.src_rows)) if step.prob is None else step.prob
                    weight = here[step.src_rows] * share * prob
                    if weight.any():
                        push(step, weight)
    total = sum(ends.values())
    return {k: v / total for k, v in sorted(ends.items())} if total > 0 else {}
