"""Exact counts of values, so distributions over millions of endings need not keep every value.

Metrics mostly take whole-number values in a small range, so they are counted in a dense
array; anything else is counted value by value. The min, median, max and histogram that
`simgame explore` reports come out exactly as they would from the full list of values.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

DENSE_LIMIT = 1_000_000  # whole-number ranges wider than this are counted value by value


class ValueCounts:
    """How many times each value occurs."""

    def __init__(self, lo: float, hi: float) -> None:
        self.lo = lo
        self.hi = hi
        dense = lo == math.floor(lo) and hi == math.floor(hi) and 0 <= hi - lo <= DENSE_LIMIT
        self.dense = np.zeros(int(hi - lo) + 1, np.int64) if dense else None
        self.sparse: dict[float, int] = {}

    def add(self, values: npt.NDArray[np.float64]) -> None:
        rest = values
        if self.dense is not None:
            whole = (values == np.floor(values)) & (values >= self.lo) & (values <= self.hi)
            self.dense += np.bincount((values[whole] - self.lo).astype(np.int64), minlength=len(self.dense))
            rest = values[~whole]
        if len(rest):
            self.add_sparse(rest)

    @staticmethod
    def add_grouped(counts: list[ValueCounts], group: npt.NDArray[np.int64], values: npt.NDArray[np.float64]) -> None:
        """Add ``values[i]`` to ``counts[group[i]]`` for every i, with one bincount for all groups."""
        first = counts[0]
        rest_mask = np.ones(len(values), np.bool_)
        if first.dense is not None:
            size = len(first.dense)
            whole = (values == np.floor(values)) & (values >= first.lo) & (values <= first.hi)
            key = group[whole] * size + (values[whole] - first.lo).astype(np.int64)
            table = np.bincount(key, minlength=len(counts) * size).reshape(len(counts), size)
            for g, c in enumerate(counts):
                assert c.dense is not None
                c.dense += table[g]
            rest_mask = ~whole
        if rest_mask.any():
            for g in np.unique(group[rest_mask]).tolist():
                picked = rest_mask & (group == g)
                counts[g].add_sparse(values[picked])

    def add_sparse(self, values: npt.NDArray[np.float64]) -> None:
        uniq, counts = np.unique(values, return_counts=True)
        for v, c in zip(uniq.tolist(), counts.tolist(), strict=True):
            self.sparse[v] = self.sparse.get(v, 0) + c

    def merge(self, other: ValueCounts) -> None:
        if self.dense is not None and other.dense is not None:
            self.dense += other.dense
        for v, c in other.sparse.items():
            self.sparse[v] = self.sparse.get(v, 0) + c

    def items(self) -> list[tuple[float, int]]:
        """(value, count) in increasing order of value."""
        found = dict(self.sparse)
        if self.dense is not None:
            for i in np.nonzero(self.dense)[0].tolist():
                v = self.lo + i
                found[v] = found.get(v, 0) + int(self.dense[i])
        return sorted(found.items())

    def total(self) -> int:
        return sum(c for _, c in self.items())


def median(items: list[tuple[float, int]]) -> float:
    """`statistics.median` of the values these counts stand for."""
    n = sum(c for _, c in items)

    def nth(k: int) -> float:
        seen = 0
        for v, c in items:
            seen += c
            if k < seen:
                return v
        raise IndexError(k)

    if n % 2:
        return nth(n // 2)
    return (nth(n // 2 - 1) + nth(n // 2)) / 2
