"""Many run states held as arrays, and the engine's rules applied to all of them at once.

Exhaustive exploration (`simgame.analysis.batch.explorer`) keeps every state that rests at a scene
in one batch: metrics as a float matrix, flags and remembered choices as bit words, the
visit counts and turn that expressions read. The rules here are the engine's rules
(`simgame.engine.run.apply_effects`, `clamp_metric`), written for arrays and kept value for
value the same; tests/toolkit/test_explore_batch.py checks the whole explorer against the
one-state-at-a-time explorer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simgame.analysis.batch import expr as expr_batch
from simgame.format import expr
from simgame.format.compiled import Effect, Scenario

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]


class Bits:
    """Names packed into 64-bit words: name -> (word, mask)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted(set(names)))
        self.where = {n: (i // 64, np.uint64(1 << (i % 64))) for i, n in enumerate(self.names)}
        self.words = max(1, -(-len(self.names) // 64))

    def test(self, words: U64, name: str) -> Bools:
        w, mask = self.where[name]
        found: Bools = np.not_equal(words[:, w] & mask, 0)
        return found

    def set(self, data: I64, at: int, name: str) -> None:
        w, mask = self.where[name]
        col = data[:, at + w].view(np.uint64)
        col |= mask

    def clear(self, data: I64, at: int, name: str) -> None:
        w, mask = self.where[name]
        col = data[:, at + w].view(np.uint64)
        col &= ~mask


@dataclass(frozen=True)
class Layout:
    """Which parts of a state are kept (what the scenario's expressions can tell apart), and their columns.

    A batch of states is one int64 matrix, a row per state: the metrics (float64 bit patterns),
    then flag words, remembered-choice words, visit counts, and the turn when turn() is read.
    One matrix means one copy per split and rows that compare and hash as they are.
    """

    metrics: tuple[str, ...]
    flags: Bits
    choices: Bits  # choices read by chose() or marked `once`
    scenes: tuple[str, ...]  # scenes whose visits are read by visited()/visits()
    turn: bool  # whether turn() is read

    @classmethod
    def of(
        cls, sc: Scenario, choices: Iterable[str], scenes: Sequence[str], turn: bool, names: Iterable[str]
    ) -> Layout:
        flags = set(sc.doc.flags) | {n for n in names if n not in sc.doc.metrics}
        for c in sc.choices.values():
            flags |= set(c.sets) | set(c.clears)
        for events in sc.scene_events.values():
            for ev in events:
                flags |= set(ev.sets) | set(ev.clears)
        return cls(tuple(sc.doc.metrics), Bits(flags), Bits(choices), tuple(scenes), turn)

    @property
    def flag_at(self) -> int:
        return len(self.metrics)

    @property
    def choice_at(self) -> int:
        return self.flag_at + self.flags.words

    @property
    def visit_at(self) -> int:
        return self.choice_at + self.choices.words

    @property
    def turn_at(self) -> int:
        return self.visit_at + len(self.scenes)

    @property
    def width(self) -> int:
        return self.turn_at + (1 if self.turn else 0)


@dataclass
class Rows:
    """A batch of states: row i is state i (columns as `Layout` describes)."""

    data: I64

    def __len__(self) -> int:
        return len(self.data)

    def take(self, index: I64 | Bools) -> Rows:
        return Rows(self.data[index])

    def copy(self) -> Rows:
        return Rows(self.data.copy())

    @staticmethod
    def concat(parts: Sequence[Rows]) -> Rows:
        if len(parts) == 1:
            return parts[0]
        return Rows(np.concatenate([p.data for p in parts]))

    def key(self) -> I64:
        """Equal rows are equal states (metrics are stored with -0.0 as 0.0, so bit patterns compare)."""
        return self.data

    def metric(self, col: int) -> F64:
        return self.data[:, col].view(np.float64)

    def set_metric(self, col: int, values: F64) -> None:
        self.data[:, col] = (values + 0.0).view(np.int64)  # -0.0 + 0.0 is 0.0

    def words(self, at: int, count: int) -> U64:
        return self.data[:, at : at + count].view(np.uint64)


def initial(sc: Scenario, layout: Layout) -> Rows:
    """The one state play starts from, before entering the first scene."""
    rows = Rows(np.zeros((1, layout.width), np.int64))
    for i, k in enumerate(layout.metrics):
        rows.set_metric(i, np.array([float(sc.doc.metrics[k].start)]))
    return rows


class Env:
    """`expr_batch.BatchEnv` over a batch of rows, or over the rows ``index`` picks (read without copying them)."""

    def __init__(self, rows: Rows, layout: Layout, index: I64 | None = None) -> None:
        self.data = rows.data
        self.index = index
        self.layout = layout
        self.size = len(rows) if index is None else len(index)
        self._metric = {k: i for i, k in enumerate(layout.metrics)}
        self._scene = {s: layout.visit_at + i for i, s in enumerate(layout.scenes)}
        self._columns: dict[int, I64] = {}

    def column(self, col: int) -> I64:
        found = self._columns.get(col)
        if found is None:
            if self.index is not None and self._columns:  # a second column: gather whole rows once
                self.data, self.index = self.data[self.index], None
            found = self.data[:, col] if self.index is None else self.data[self.index, col]
            self._columns[col] = found
        return found

    def metric(self, name: str) -> F64:
        return self.column(self._metric[name]).view(np.float64)  # KeyError for a flag name, as Env

    def _bit(self, bits: Bits, at: int, name: str) -> Bools:
        w, mask = bits.where[name]
        found: Bools = np.not_equal(self.column(at + w).view(np.uint64) & mask, 0)
        return found

    def flag(self, name: str) -> Bools:
        return self._bit(self.layout.flags, self.layout.flag_at, name)

    def visits(self, scene: str) -> F64:
        return self.column(self._scene[scene]).astype(np.float64)

    def chose(self, choice: str) -> Bools:
        return self._bit(self.layout.choices, self.layout.choice_at, choice)

    def turn_count(self) -> F64:
        if not self.layout.turn:
            return np.zeros(self.size)
        return self.column(self.layout.turn_at).astype(np.float64)


def round6(values: F64) -> F64:
    """Python's ``round(x, 6)`` for every value.

    Whole numbers pass through. Otherwise numpy's scale-round-unscale gives Python's correctly
    rounded result except within a hair of a half (or for huge values); those few go to Python.
    """
    frac = values != np.floor(values)
    if not frac.any():
        return values
    scaled = values * 1e6
    out = np.where(frac, np.rint(scaled) / 1e6, values)
    unsure = frac & ((np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (np.abs(values) > 1e9))
    if unsure.any():
        uniq, inverse = np.unique(values[unsure], return_inverse=True)
        out[unsure] = np.array([round(float(x), 6) for x in uniq], dtype=np.float64)[inverse.reshape(-1)]
    return out


def apply_effects(sc: Scenario, layout: Layout, rows: Rows, effects: tuple[Effect, ...]) -> None:
    """`engine.apply_effects` for every row: all values read from the state before any applies."""
    if not effects:
        return
    env = Env(rows, layout)
    changes: dict[str, F64 | float] = {}
    for e in effects:
        if e.constant is not None:
            changes[e.metric] = e.constant
        elif e.formula is not None:
            changes[e.metric] = expr_batch.number(e.formula, env)
    index = {k: i for i, k in enumerate(layout.metrics)}
    for metric, change in changes.items():
        m = sc.doc.metrics[metric]
        col = index[metric]
        after = round6(rows.metric(col) + change)
        rows.set_metric(col, np.minimum(m.max, np.maximum(m.min, after)))


def set_flags(layout: Layout, rows: Rows, sets: Iterable[str], clears: Iterable[str]) -> None:
    for flag in sets:
        layout.flags.set(rows.data, layout.flag_at, flag)
    for flag in clears:
        layout.flags.clear(rows.data, layout.flag_at, flag)


def remember_choice(layout: Layout, rows: Rows, choice: str) -> None:
    if choice in layout.choices.where:
        layout.choices.set(rows.data, layout.choice_at, choice)


def add_visit(layout: Layout, rows: Rows, scene: str) -> None:
    if scene in layout.scenes:
        rows.data[:, layout.visit_at + layout.scenes.index(scene)] += 1


def add_turn(layout: Layout, rows: Rows) -> None:
    if layout.turn:
        rows.data[:, layout.turn_at] += 1


def holds(node: expr.Node | None, env: Env) -> Bools:
    """A condition for every row (no condition: true everywhere)."""
    if node is None:
        return np.ones(env.size, dtype=np.bool_)
    return expr_batch.truth(node, env)


# -- telling states apart fast ---------------------------------------------------------------

_MIX = np.uint64(0xBF58476D1CE4E5B9)
_WEIGHTS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0x2545F4914F6CDD1D,
    ],
    dtype=np.uint64,
)


def row_hash(key: I64) -> U64:
    """A 64-bit hash of each key row: a dot product with odd weights (wrapping), then a mix.

    Equal rows give equal hashes; different rows may too, which every caller checks.
    """
    width = key.shape[1]
    weights = _WEIGHTS[np.arange(width) % len(_WEIGHTS)] + np.uint64(2) * np.arange(width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (key.view(np.uint64) @ (weights | np.uint64(1))).astype(np.uint64)
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(z: U64) -> U64:
    """splitmix64's finaliser: every input bit changes about half the output bits."""
    z = (z ^ (z >> np.uint64(30))) * _MIX
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def state_key(key: I64) -> U64:
    """A well-mixed 64-bit key of each row, for the outcome map (`simgame.analysis.outcomes.statekey`).

    `row_hash` is fast but linear before its final mix, so rows that differ in a pattern collide
    far more often than chance; the map needs a key that only collides by chance. Each column,
    mixed with its position, is folded in through a full-avalanche mix.
    """
    words = key.view(np.uint64)
    h = np.zeros(len(words), np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            h = _splitmix(h ^ _splitmix(words[:, j] + _GOLDEN * np.uint64(j + 1)))
    return h
