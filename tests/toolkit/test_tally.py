"""Exact value counts give the same values, counts and median as the full list of values."""

from __future__ import annotations

import statistics
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simgame.analysis.batch.tally import DENSE_LIMIT, ValueCounts, median

# (lo, hi) as the explorer builds them (scores in tenths, metric ranges), plus ranges counted only sparsely:
# a fractional end, a range wider than DENSE_LIMIT, and an empty (reversed) range.
RANGES = [
    (0, 1000),
    (0.0, 100.0),
    (5.0, 100.0),
    (-10.0, 10.0),
    (-3, 0),
    (7.0, 7.0),
    (2.5, 10.0),
    (0.0, float(DENSE_LIMIT + 1)),
    (10.0, 0.0),
]


@st.composite
def range_and_values(draw: st.DrawFn, max_size: int = 60) -> tuple[tuple[float, float], list[float]]:
    lo, hi = draw(st.sampled_from(RANGES))
    a, b = min(lo, hi), max(lo, hi)
    value = st.one_of(
        st.integers(int(a), int(b) if b - a < 1e4 else int(a) + 50).map(float),  # whole, in range
        st.integers(int(a) - 30, int(a) - 1).map(float),  # whole, below
        st.integers(int(b) + 1, int(b) + 30).map(float),  # whole, above
        st.integers(int(a) * 4 - 8, int(b) * 4 + 8 if b - a < 1e4 else int(a) * 4 + 200).map(lambda k: k / 4),
        st.floats(a - 20, b + 20, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, -0.0, 0.5, -0.5, 0.1, 1e15, -1e15, 2.0**53, float(lo), float(hi)]),
    )
    # values repeat, so that counts above one are common
    pool = draw(st.lists(value, min_size=1, max_size=12))
    values = draw(st.lists(st.sampled_from(pool) | value, max_size=max_size))
    return (lo, hi), values


def counted(lo: float, hi: float, *parts: list[float]) -> ValueCounts:
    counts = ValueCounts(lo, hi)
    for part in parts:
        counts.add(np.array(part, np.float64))
    return counts


def expected(values: list[float]) -> list[tuple[float, int]]:
    return sorted(Counter(values).items())


def same_items(got: list[tuple[float, int]], want: list[tuple[float, int]]) -> bool:
    """Equal values (0.0 and -0.0 alike, as a Counter has them), in the same order, with the same counts."""
    return len(got) == len(want) and all(g[0] == w[0] and g[1] == w[1] for g, w in zip(got, want, strict=True))


@settings(max_examples=150, deadline=None)
@given(case=range_and_values(), cut=st.integers(0, 60))
def test_counts_and_median_match_the_values(case: tuple[tuple[float, float], list[float]], cut: int) -> None:
    (lo, hi), values = case
    counts = counted(lo, hi, values[:cut], values[cut:])  # added in two batches
    items = counts.items()
    assert same_items(items, expected(values)), (items, expected(values))
    assert counts.total() == len(values)
    assert all(isinstance(c, int) for _, c in items)
    if values:
        assert median(items) == statistics.median(values)


@settings(max_examples=150, deadline=None)
@given(case=range_and_values(), groups=st.integers(1, 5), data=st.data())
def test_grouped_counts_match_each_group(
    case: tuple[tuple[float, float], list[float]], groups: int, data: st.DataObject
) -> None:
    (lo, hi), values = case
    group = data.draw(st.lists(st.integers(0, groups - 1), min_size=len(values), max_size=len(values)))
    counts = [ValueCounts(lo, hi) for _ in range(groups)]
    ValueCounts.add_grouped(counts, np.array(group, np.int64), np.array(values, np.float64))
    for g, c in enumerate(counts):
        mine = [v for v, k in zip(values, group, strict=True) if k == g]
        assert same_items(c.items(), expected(mine)), (g, c.items(), expected(mine))
        assert c.total() == len(mine)
        if mine:
            assert median(c.items()) == statistics.median(mine)


@settings(max_examples=150, deadline=None)
@given(first=range_and_values(), more=st.data())
def test_merge_is_counting_both(first: tuple[tuple[float, float], list[float]], more: st.DataObject) -> None:
    (lo, hi), one = first
    other = more.draw(
        st.lists(st.sampled_from(one) if one else st.floats(-5, 5), max_size=30)
        | st.lists(st.floats(-50, 150, allow_nan=False), max_size=30)
    )
    merged = counted(lo, hi, one)
    merged.merge(counted(lo, hi, other))
    together = counted(lo, hi, one + other)
    assert same_items(merged.items(), together.items())
    assert same_items(merged.items(), expected(one + other))
    assert merged.total() == len(one) + len(other)
    if one or other:
        assert median(merged.items()) == statistics.median(one + other)


def test_dense_and_sparse_together() -> None:
    values = [3.0, 3.0, 2.5, -1.0, 101.0, 100.0, 0.0, -0.0, 3.0, 1e9, 2.5]
    counts = counted(0, 100, values)
    assert counts.dense is not None
    assert counts.items() == [(-1.0, 1), (0.0, 2), (2.5, 2), (3.0, 3), (100.0, 1), (101.0, 1), (1e9, 1)]
    assert median(counts.items()) == statistics.median(values) == 3.0
    assert median([(1.0, 1), (2.0, 1)]) == 1.5
    assert median([(1.0, 2), (4.0, 2)]) == 2.5


@pytest.mark.parametrize("lo, hi", [(0, 1000), (0.5, 10.0), (0.0, float(DENSE_LIMIT + 1))])
def test_empty_counts(lo: float, hi: float) -> None:
    counts = ValueCounts(lo, hi)
    counts.add(np.zeros(0))
    assert counts.items() == [] and counts.total() == 0
