"""Distributions in a report: min, median, max and a histogram, from values or from counted values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from simgame.analysis.batch.tally import median


@dataclass
class Dist:
    """min / median / max and a 10-bin histogram over [lo, hi]."""

    min: float
    median: float
    max: float
    count: int
    lo: float
    hi: float
    histogram: list[int]


def dist_counts(items: list[tuple[float, int]], lo: float, hi: float, bins: int = 10) -> Dist:
    """`dist` from (value, count) pairs in increasing order: the same numbers without the full list."""
    hist = [0] * bins
    span = (hi - lo) or 1.0
    for v, c in items:
        hist[min(bins - 1, max(0, int((v - lo) / span * bins)))] += c
    return Dist(items[0][0], round(median(items), 3), items[-1][0], sum(c for _, c in items), lo, hi, hist)


def dist(values_: list[float], lo: float, hi: float, bins: int = 10) -> Dist:
    return dist_counts(sorted(Counter(values_).items()), lo, hi, bins)
