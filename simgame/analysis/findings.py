"""What an exhaustive exploration tells an author: best and worst outcomes, dominant options, loops.

Everything here works on the arrays of a `simgame.analysis.batch.graph.BatchGraph`, scene by scene,
so it keeps pace with exploring millions of states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simgame.analysis.batch.graph import BatchGraph, Step, strongly_connected
from simgame.analysis.batch.state import F64, I64


@dataclass
class Values:
    """Best and worst final score reachable from every state (-inf / +inf where no ending is reachable)."""

    best: list[F64]  # per place
    worst: list[F64]

    def of_step(self, graph: BatchGraph, step: Step) -> tuple[F64, F64]:
        """Best and worst reachable after taking a step, per state of the step."""
        if step.finals is not None:
            return step.finals.score, step.finals.score
        if step.dst < 0:
            n = len(step.src_rows)
            return np.full(n, -np.inf), np.full(n, np.inf)
        return self.best[step.dst][step.dst_rows], self.worst[step.dst][step.dst_rows]


def values(graph: BatchGraph) -> Values:
    """Play backwards through the story: scenes after every scene they lead to; loops to a fixed point."""
    best = [np.full(p.count if not p.ending else 0, -np.inf) for p in graph.places]
    worst = [np.full(p.count if not p.ending else 0, np.inf) for p in graph.places]
    table = Values(best, worst)
    by_src = graph.by_src
    for group in reversed(graph.order):
        members = set(group)
        inner = [s for p in group for s in by_src.get(p, []) if s.dst in members and s.finals is None]
        for p in group:
            for step in by_src.get(p, []):
                if step.dst in members and step.finals is None:
                    continue
                hi, lo = table.of_step(graph, step)
                np.maximum.at(best[p], step.src_rows, hi)
                np.minimum.at(worst[p], step.src_rows, lo)
        changed = bool(inner)
        while changed:
            changed = False
            for step in inner:
                hi, lo = table.of_step(graph, step)
                before_hi, before_lo = best[step.src][step.src_rows], worst[step.src][step.src_rows]
                if (hi > before_hi).any() or (lo < before_lo).any():
                    np.maximum.at(best[step.src], step.src_rows, hi)
                    np.minimum.at(worst[step.src], step.src_rows, lo)
                    changed = True
    return table


def root_rows(graph: BatchGraph) -> list[tuple[int, I64]]:
    """(place, rows) where play rests after entering the first scene."""
    return [(s.dst, s.dst_rows) for s in graph.steps if s.src < 0 and s.dst >= 0 and s.finals is None]


def best_and_worst(graph: BatchGraph, table: Values) -> tuple[float | None, float | None]:
    hi: list[float] = []
    lo: list[float] = []
    for s in graph.steps:
        if s.src >= 0:
            continue
        b, w = table.of_step(graph, s)
        hi += [float(b.max())] if len(b) and b.max() > -np.inf else []
        lo += [float(w.min())] if len(w) and w.min() < np.inf else []
    return (max(hi) if hi else None), (min(lo) if lo else None)


def follow(graph: BatchGraph, table: Values, pick_max: bool) -> tuple[float, list[str]] | None:
    """The score and a choice sequence reaching the best (or worst) outcome, luck going its way."""
    openings = [s for s in graph.steps if s.src < 0]
    candidates = []
    for s in openings:
        b, w = table.of_step(graph, s)
        v = b if pick_max else w
        for pos in range(len(v)):
            if np.isfinite(v[pos]):
                candidates.append((float(v[pos]), s, pos))
    if not candidates:
        return None
    target, step, pos = (max if pick_max else min)(candidates, key=lambda c: c[0])
    by_src = graph.by_src
    choices: list[str] = []
    seen: set[tuple[int, int]] = set()
    while step.finals is None:
        place, row = step.dst, int(step.dst_rows[pos])
        if (place, row) in seen:
            break
        seen.add((place, row))
        for nxt in by_src.get(place, []):
            i = int(np.searchsorted(nxt.src_rows, row))
            if i >= len(nxt.src_rows) or nxt.src_rows[i] != row:
                continue
            b, w = table.of_step(graph, nxt)
            if (b if pick_max else w)[i] == target:
                step, pos = nxt, i
                choices.append(nxt.choice)
                break
        else:
            break
    return target, choices


@dataclass
class Dominant:
    scene: str
    choice: str
    gap: float


def dominant_options(graph: BatchGraph, table: Values) -> list[Dominant]:
    """Choices whose worst outcome beats every alternative's best, in every state where they are offered."""
    by_src = graph.by_src
    found: list[Dominant] = []
    for p, place in enumerate(graph.places):
        if place.ending or not place.count:
            continue
        n = place.count
        hi: dict[str, F64] = {}
        lo: dict[str, F64] = {}
        for step in by_src.get(p, []):
            b, w = table.of_step(graph, step)
            ok = b > -np.inf
            if not ok.any():
                continue
            if step.choice not in hi:
                hi[step.choice], lo[step.choice] = np.full(n, -np.inf), np.full(n, np.inf)
            np.maximum.at(hi[step.choice], step.src_rows[ok], b[ok])
            np.minimum.at(lo[step.choice], step.src_rows[ok], w[ok])
        if len(hi) < 2:
            continue
        has = {c: h > -np.inf for c, h in hi.items()}
        count = sum(h.astype(np.int64) for h in has.values())
        for c in hi:
            others = np.full(n, -np.inf)
            for d, h in hi.items():
                if d != c:
                    others = np.maximum(others, h)
            rows = has[c] & (count >= 2)
            if rows.any():
                margin = lo[c][rows] - others[rows]
                if (margin > 0).all():
                    found.append(Dominant(place.id, c, float(min(100.0, margin.min()))))
    return found


@dataclass
class Loop:
    scenes: list[str]
    place: int
    row: int  # a state on the loop (the shallowest)


def loops(graph: BatchGraph) -> list[Loop]:
    """Groups of states play can cycle through forever; one example per distinct cycle of scenes."""
    by_src = graph.by_src
    out: dict[tuple[str, ...], Loop] = {}
    for group in graph.order:
        members = set(group)
        inner = [s for p in group for s in by_src.get(p, []) if s.dst in members and s.finals is None]
        if not inner:
            continue
        base = {}
        total = 0
        for p in group:
            base[p] = total
            total += graph.places[p].count
        src = np.concatenate([s.src_rows + base[s.src] for s in inner])
        dst = np.concatenate([s.dst_rows + base[s.dst] for s in inner])
        alive = _on_cycles(total, src, dst)
        if not alive.any():
            continue
        keep = alive[src] & alive[dst]
        ids = np.nonzero(alive)[0]
        local = {int(g): i for i, g in enumerate(ids)}
        succ: list[list[int]] = [[] for _ in ids]
        for a, b in zip(src[keep].tolist(), dst[keep].tolist(), strict=True):
            succ[local[a]].append(local[b])
        owner = np.concatenate([np.full(graph.places[p].count, p) for p in group])
        for comp in strongly_connected(len(ids), succ):
            if len(comp) == 1 and comp[0] not in succ[comp[0]]:
                continue
            nodes = [int(ids[i]) for i in comp]
            depth = [int(graph.places[int(owner[g])].depth[g - base[int(owner[g])]]) for g in nodes]
            first = nodes[int(np.argmin(depth))]
            place = int(owner[first])
            names = tuple(dict.fromkeys(graph.places[int(owner[g])].id for g in sorted(nodes)))
            if names not in out:
                out[names] = Loop(list(names), place, first - base[place])
    return list(out.values())


def _on_cycles(n: int, src: I64, dst: I64) -> np.ndarray:
    """States that may lie on a cycle: peel off states with no way in (or no way out) until none are left."""
    alive = np.ones(n, np.bool_)
    while True:
        live = alive[src] & alive[dst]
        has_in = np.zeros(n, np.bool_)
        has_in[dst[live]] = True
        has_out = np.zeros(n, np.bool_)
        has_out[src[live]] = True
        still = alive & has_in & has_out
        if still.sum() == alive.sum():
            return alive
        alive = still
