"""What exhaustive exploration finds: the places, the steps between them and the tallies at the endings.

`simgame.analysis.batch.explorer` fills these in; `simgame.analysis.findings` reads them. A place
(scene or ending) keeps its distinct states with their depth and the step that first reached each;
a step keeps arrays of source and target states for many states taking the same choice at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from simgame.analysis.batch.state import F64, I64, U64, Bools, Layout, Rows
from simgame.analysis.batch.tally import ValueCounts
from simgame.format.compiled import Scenario


@dataclass
class Step:
    """Many states taking the same step: one choice, with the same chance outcomes and events on the way."""

    src: int  # place of the states before the step; -1 for the opening (entering the first scene)
    src_rows: I64
    choice: str  # "" for the opening
    rolls: tuple[tuple[str, bool], ...]  # chance outcomes, in order: (event, fired)
    fired: tuple[str, ...]  # events that fired on the way, chance or certain
    passed: tuple[str, ...]  # scenes entered and left again by an event's goto
    prob: F64 | None  # probability of these chance outcomes, per state (None: no chance involved)
    dst: int  # place where play rests; -1 when play failed (see error)
    dst_rows: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    error: str = ""
    finals: Finals | None = None  # when play ends here: what each state ends with

    def chance(self, pos: int) -> float:
        return 1.0 if self.prob is None else float(self.prob[pos])


@dataclass
class Finals:
    """How each state of a step that ends play finishes: overall score (in tenths) and debrief band."""

    tenths: npt.NDArray[np.int16]  # the overall score times ten: scores are rounded to one decimal
    band: npt.NDArray[np.int8]

    @property
    def score(self) -> F64:
        return self.tenths / 10.0  # the same float as round(score, 1)


class Tally:
    """Exact counts of what the states reaching one ending end with: scores, metrics, bands."""

    def __init__(self, sc: Scenario) -> None:
        self.scores = ValueCounts(0, 1000)  # tenths of a point
        self.metrics = [ValueCounts(float(m.min), float(m.max)) for m in sc.doc.metrics.values()]
        self.bands = np.zeros(len(sc.doc.debrief.bands), np.int64)

    @staticmethod
    def add_grouped(tallies: list[Tally], group: I64, finals: Finals, metrics: F64, whole: bool = False) -> None:
        """Add row i to ``tallies[group[i]]`` for every row, a few array steps for all endings at once.

        ``whole``: every metric is known to be a whole number within its range (skips checking it).
        """
        ValueCounts.add_grouped([t.scores for t in tallies], group, finals.tenths.astype(np.float64))
        if not Tally._add_whole_metrics(tallies, group, metrics, whole):
            for i in range(metrics.shape[1]):
                ValueCounts.add_grouped([t.metrics[i] for t in tallies], group, metrics[:, i])
        size = len(tallies[0].bands)
        table = np.bincount(group * size + finals.band, minlength=len(tallies) * size).reshape(len(tallies), size)
        for t, row in zip(tallies, table, strict=True):
            t.bands += row

    @staticmethod
    def _add_whole_metrics(tallies: list[Tally], group: I64, metrics: F64, known: bool) -> bool:
        """Every metric of every row a whole number in its range: count them all with one bincount."""
        counts = tallies[0].metrics
        if not counts or any(c.dense is None for c in counts):
            return False
        lo = np.array([c.lo for c in counts])
        hi = np.array([c.hi for c in counts])
        if not known and not ((metrics == np.floor(metrics)) & (metrics >= lo) & (metrics <= hi)).all():
            return False
        sizes = [len(c.dense) for c in counts if c.dense is not None]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        total = int(sum(sizes))
        key = group[:, None] * total + offsets[None, :] + (metrics - lo).astype(np.int64)
        table = np.bincount(key.ravel(), minlength=len(tallies) * total).reshape(len(tallies), total)
        for t, row in zip(tallies, table, strict=True):
            for c, at, size in zip(t.metrics, offsets.tolist(), sizes, strict=True):
                assert c.dense is not None
                c.dense += row[at : at + size]
        return True

    def merge(self, other: Tally) -> None:
        self.scores.merge(other.scores)
        for mine, theirs in zip(self.metrics, other.metrics, strict=True):
            mine.merge(theirs)
        self.bands += other.bands


class Grow:
    """An array that grows at its end without copying everything each time (capacity doubles)."""

    def __init__(self, dtype: type, width: int = 0) -> None:
        shape = (16, width) if width else (16,)
        self.buf: np.ndarray = np.empty(shape, dtype)
        self.n = 0

    def append(self, values: np.ndarray) -> None:
        if self.n == 0:  # the first part is adopted as it is, not copied
            self.buf = values.astype(self.buf.dtype, copy=False)
            self.n = len(values)
            return
        need = self.n + len(values)
        if need > len(self.buf):
            bigger = np.empty((max(need, 2 * len(self.buf)), *self.buf.shape[1:]), self.buf.dtype)
            bigger[: self.n] = self.buf[: self.n]
            self.buf = bigger
        self.buf[self.n : need] = values
        self.n = need

    @property
    def values(self) -> np.ndarray:
        return self.buf[: self.n]

    def trim(self) -> None:
        self.buf = self.buf[: self.n].copy() if len(self.buf) > self.n else self.buf


class Place:
    """A scene or an ending, with the distinct states that rest there."""

    def __init__(self, id_: str, ending: bool, width: int) -> None:
        self.id = id_
        self.ending = ending
        self.width = width
        self._segments: list[tuple[int, I64]] = []  # (first row, rows) as admitted; dropped once expanded
        self._depth = Grow(np.int32)
        self._parent_step = Grow(np.int32)
        self._parent_pos = Grow(np.int32)
        self.keys = Grow(np.uint64)  # each state's `row_hash`, when the explorer keeps them
        self.stuck_parts: list[I64] = []  # rows where no choice is available
        self.arrivals: list[int] = []  # an ending: the steps that end here (endings are not memoised)
        self.arrived = 0
        self.tally: Tally | None = None
        self.incoming: list[Arrival] = []
        self.hashes: list[tuple[U64, I64]] = []  # sorted hashes and the row of each (scenes on a loop)

    @property
    def count(self) -> int:
        """Distinct states at a scene; ways of reaching an ending."""
        return self.arrived if self.ending else len(self._depth.values)

    @property
    def rows(self) -> Rows:
        if len(self._segments) > 1:
            self._segments = [(0, np.concatenate([d for _, d in self._segments]))]
        return Rows(self._segments[0][1] if self._segments else np.zeros((0, self.width), np.int64))

    def segment(self, a: int, b: int) -> Rows:
        """Rows ``a:b``: usually exactly the batch admitted last, so nothing is copied."""
        for base, data in self._segments:
            if base <= a and b <= base + len(data):
                return Rows(data[a - base : b - base])
        raise IndexError(f"rows {a}:{b} of `{self.id}` were dropped")

    @property
    def depth(self) -> np.ndarray:
        return self._depth.values

    @property
    def parent_step(self) -> np.ndarray:
        return self._parent_step.values

    @property
    def parent_pos(self) -> np.ndarray:
        return self._parent_pos.values

    @property
    def stuck(self) -> I64:
        return np.concatenate(self.stuck_parts) if self.stuck_parts else np.zeros(0, np.int64)

    def add(self, data: I64, depth: I64, step: I64, pos: I64) -> None:
        self._segments.append((self.count, data))
        self._depth.append(depth)
        self._parent_step.append(step)
        self._parent_pos.append(pos)

    def forget_rows(self, keep: bool = False) -> None:
        """Drop the states themselves once expanded: depths and parent links are all that is needed later."""
        if keep:
            return
        self._segments = []
        self.hashes = []

    def finish(self) -> None:
        """Give back the spare capacity (after exploration)."""
        for grown in (self._depth, self._parent_step, self._parent_pos, self.keys):
            grown.trim()
        self.hashes = []


@dataclass
class BatchGraph:
    scenario: Scenario
    layout: Layout
    places: list[Place]
    index: dict[str, int]
    steps: list[Step]
    order: list[list[int]]  # scene places in groups, in the order explored (a group is a loop)
    offered: dict[str, int]  # choice -> states where it is available
    objectives: dict[str, set[bool]]  # objective -> met (True) / missed (False) at some ending
    moved: set[str]  # metrics some reachable state has at another value than at the start
    seconds: float = 0.0

    @property
    def states(self) -> int:
        return sum(p.count for p in self.places)

    @cached_property
    def by_src(self) -> dict[int, list[Step]]:
        """The steps taken from each place (-1: the opening)."""
        out: dict[int, list[Step]] = {}
        for step in self.steps:
            out.setdefault(step.src, []).append(step)
        return out

    def scene_places(self) -> list[Place]:
        return [p for p in self.places if not p.ending]

    def ending_places(self) -> list[Place]:
        return [p for p in self.places if p.ending and p.count]

    def path(self, place: int, row: int) -> tuple[list[str], tuple[tuple[str, bool], ...], float]:
        """Choices, chance outcomes and probability of the shortest path found to a state."""
        choices: list[str] = []
        rolls: tuple[tuple[str, bool], ...] = ()
        prob = 1.0
        while True:
            p = self.places[place]
            step = self.steps[int(p.parent_step[row])]
            pos = int(p.parent_pos[row])
            prob *= step.chance(pos)
            rolls = step.rolls + rolls
            if step.choice:
                choices.append(step.choice)
            if step.src < 0:
                break
            place, row = step.src, int(step.src_rows[pos])
        choices.reverse()
        return choices, rolls, prob

    def step_path(self, step: Step, pos: int) -> tuple[list[str], tuple[tuple[str, bool], ...], float]:
        """The path that takes a step (one that ends play, or fails), and its probability."""
        if step.src < 0:
            return [], step.rolls, step.chance(pos)
        choices, rolls, prob = self.path(step.src, int(step.src_rows[pos]))
        return [*choices, step.choice], rolls + step.rolls, prob * step.chance(pos)

    def depth_of(self, step: Step) -> I64:
        """Decisions made by the end of a step, per state."""
        if step.src < 0:
            return np.zeros(len(step.src_rows), np.int64)
        return self.places[step.src].depth[step.src_rows].astype(np.int64) + 1


@dataclass
class Arrival:
    """States waiting at a place: positions ``pos`` of a step, picked from ``rows`` by ``index``."""

    step: int
    pos: I64
    rows: Rows
    index: I64 | None
    depth: I64

    def part(self, mask: Bools) -> Arrival:
        picked = np.nonzero(mask)[0]
        return Arrival(
            self.step,
            self.pos[picked],
            self.rows,
            picked if self.index is None else self.index[picked],
            self.depth[picked],
        )


def strongly_connected(n: int, succ: list[list[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit); reverse topological order."""
    index = [-1] * n
    low = [0] * n
    on = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work[-1]
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on[v] = True
            if pi < len(succ[v]):
                work[-1] = (v, pi + 1)
                w = succ[v][pi]
                if index[w] == -1:
                    work.append((w, 0))
                elif on[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on[w] = False
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out
