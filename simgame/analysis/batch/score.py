"""The debrief's overall score and band for many final states at once.

The same arithmetic as `simgame.engine.scoring.score`, in the same order, so each value is the
very float the debrief shows (tests/toolkit/test_explore_batch.py compares them state by
state), red-line ceilings included. Exhaustive exploration scores millions of endings this way.
"""

from __future__ import annotations

import numpy as np

from simgame.analysis.batch import expr as expr_batch
from simgame.analysis.batch.expr import BatchEnv
from simgame.analysis.batch.state import F64, I64, Env, Layout, Rows
from simgame.format import expr
from simgame.format.compiled import Scenario


def overall(sc: Scenario, env: BatchEnv) -> F64:
    """The overall score of every state, rounded to one decimal as Python's ``round`` does, red lines applied."""
    config = sc.doc.debrief
    dims: list[tuple[F64, float]] = []
    for did, dim in config.dimensions.items():
        total_w = sum(w for w in dim.from_.values())
        acc = np.zeros(env.size)
        for mid, w in dim.from_.items():
            m = sc.doc.metrics[mid]
            share = (env.metric(mid) - m.min) / (m.max - m.min) * 100
            normalised = 100 - share if m.higher_is == "worse" else share
            acc = acc + normalised * w
        base = acc / total_w
        mods = np.zeros(env.size)
        for adj, node in zip(dim.adjust, sc.adjustments.get(did, ()), strict=False):
            mods = mods + np.where(expr_batch.truth(node, env), float(adj.points), 0.0)
        value = np.minimum(100.0, np.maximum(0.0, base + mods))
        dims.append((value, dim.weight))
    weights = sum(w for _, w in dims)
    if weights:
        total = np.zeros(env.size)
        for value, w in dims:
            total = total + value * w
        raw = total / weights
    else:
        total = np.zeros(env.size)
        for value, _ in dims:
            total = total + value
        raw = total / len(dims)
    return cap(sc, env, round1(raw))


def cap(sc: Scenario, env: BatchEnv, scores: F64) -> F64:
    """Each score lowered to the ceiling of every red line its state crossed (as `score` does with ``min``)."""
    for line in sc.red_lines:
        scores = np.where(expr_batch.truth(line.when, env), np.minimum(scores, line.ceiling), scores)
    return scores


def round1(values: F64) -> F64:
    """Python's ``round(x, 1)`` for every value.

    numpy's ``round`` (scale, round half to even, scale back) agrees with Python's correctly
    rounded result except within a hair of a half; those few values are rounded by Python.
    """
    scaled = values * 10
    out = np.rint(scaled) / 10
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        uniq, inverse = np.unique(values[near_half], return_inverse=True)
        out[near_half] = np.array([round(float(x), 1) for x in uniq])[inverse.reshape(-1)]
    return out


def bands(sc: Scenario, scores: F64) -> I64:
    """Index into the debrief's bands of each score: the first band whose minimum it reaches."""
    config = sc.doc.debrief
    out = np.full(len(scores), len(config.bands) - 1, np.int64)
    for i in range(len(config.bands) - 1, -1, -1):
        out[scores >= config.bands[i].min] = i
    return out


class Scorer:
    """`overall` for batches of rows, fast: matrix products instead of a hundred small array steps.

    Each dimension's base is an affine function of the metrics, and most modifiers test one
    flag or remembered choice, so a batch is scored with a few matrix products. The result can
    differ from the debrief's own arithmetic in the last bits, which only matters where a
    score sits on a rounding half; those states are scored again the debrief's way, exactly.
    """

    def __init__(self, sc: Scenario, layout: Layout) -> None:
        self.sc = sc
        self.layout = layout
        config = sc.doc.debrief
        metrics = list(layout.metrics)
        dims = list(config.dimensions.items())
        self.coef = np.zeros((len(metrics), len(dims)))
        self.const = np.zeros(len(dims))
        self.bits: list[tuple[int, np.uint64, bool]] = []  # (column, mask, negated) per simple modifier
        points_simple: list[list[float]] = []
        self.other: list[tuple[int, float, expr.Node]] = []  # (dimension, points, condition)
        for d, (did, dim) in enumerate(dims):
            total_w = sum(dim.from_.values())
            for mid, w in dim.from_.items():
                m = sc.doc.metrics[mid]
                scale = 100 / (m.max - m.min) * w / total_w
                i = metrics.index(mid)
                if m.higher_is == "worse":
                    self.coef[i, d] -= scale
                    self.const[d] += 100 * w / total_w + scale * m.min
                else:
                    self.coef[i, d] += scale
                    self.const[d] -= scale * m.min
            for adj, node in zip(dim.adjust, sc.adjustments.get(did, ()), strict=False):
                bit = self._bit(node)
                if bit is None:
                    self.other.append((d, float(adj.points), node))
                else:
                    self.bits.append(bit)
                    row = [0.0] * len(dims)
                    row[d] = float(adj.points)
                    points_simple.append(row)
        self.points = np.array(points_simple).reshape(len(self.bits), len(dims))
        # A negated test adds its points unless the bit is set: fold "unless" into the constant.
        for j, (_, _, negated) in enumerate(self.bits):
            if negated:
                self.const += self.points[j]
                self.points[j] = -self.points[j]
        # Per byte of the state that holds tested bits, a table: byte value -> points it adds per dimension.
        self.bytes: list[tuple[int, F64]] = []
        by_byte: dict[int, list[tuple[int, int]]] = {}
        for j, (col, mask, _) in enumerate(self.bits):
            at = int(mask).bit_length() - 1
            by_byte.setdefault(col * 8 + at // 8, []).append((at % 8, j))
        values = np.arange(256)
        for byte, members in sorted(by_byte.items()):
            table = np.zeros((256, len(dims)))
            for shift, j in members:
                table += ((values >> shift) & 1)[:, None] * self.points[j]
            self.bytes.append((byte, table))
        weights = [dim.weight for _, dim in dims]
        total = sum(weights)
        self.mix = np.array(weights) / total if total else np.full(len(dims), 1 / len(dims))

    def _bit(self, node: expr.Node) -> tuple[int, np.uint64, bool] | None:
        """A modifier that tests one flag or remembered choice: (column, mask, negated)."""
        negated = False
        if isinstance(node, expr.Unary) and node.op == "not":
            node, negated = node.operand, True
        layout = self.layout
        if isinstance(node, expr.Name) and node.name in layout.flags.where:
            w, mask = layout.flags.where[node.name]
            return layout.flag_at + w, mask, negated
        if isinstance(node, expr.Call) and node.func == "chose":
            arg = node.args[0]
            assert isinstance(arg, expr.IdArg)
            w, mask = layout.choices.where[arg.ident]
            return layout.choice_at + w, mask, negated
        return None

    def overall(self, rows: Rows, piece: int = 8192) -> F64:
        """Overall scores of every row: products in cache-sized pieces, the few on a rounding half exactly."""
        data = rows.data
        out = np.empty(len(data))
        unsure_parts = []
        for at in range(0, len(data), piece):
            fast, unsure = self._fast(data[at : at + piece], rows_at=at)
            out[at : at + len(fast)] = fast
            unsure_parts.append(unsure)
        unsure = np.concatenate(unsure_parts) if unsure_parts else np.zeros(0, np.int64)
        if len(unsure):  # on a rounding half: score the debrief's way
            out[unsure] = overall(self.sc, Env(Rows(data[unsure]), self.layout))
        return cap(self.sc, Env(rows, self.layout), out) if self.sc.red_lines else out

    def _fast(self, data: I64, rows_at: int) -> tuple[F64, I64]:
        k = len(self.layout.metrics)
        base = np.ascontiguousarray(data[:, :k]).view(np.float64) @ self.coef + self.const
        if self.bytes:
            raw_bytes = data.view(np.uint8)  # little-endian words: byte b of column c is at c * 8 + b
            for byte, table in self.bytes:
                base += np.take(table, raw_bytes[:, byte].astype(np.intp), axis=0)
        if self.other:
            env = Env(Rows(data), self.layout)
            for d, points, node in self.other:
                base[:, d] += np.where(expr_batch.truth(node, env), points, 0.0)
        np.maximum(base, 0.0, out=base)
        np.minimum(base, 100.0, out=base)
        raw = base @ self.mix
        scaled = raw * 10
        unsure = np.nonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-8)[0] + rows_at  # far wider than the error
        return np.rint(scaled) / 10, unsure
