"""Helpers over batches of state rows: grouping equal rows exactly, compacting them in place, picking them.

Also whether every metric column can only ever hold a whole number, which lets
`simgame.analysis.batch.graph.Tally` count metrics with one bincount.
"""

from __future__ import annotations

import numpy as np

from simgame.analysis.batch.state import I64, U64
from simgame.format.compiled import Scenario


def whole_metrics(sc: Scenario) -> bool:
    """Whether every metric can only ever be a whole number: whole starts and bounds, whole constant effects."""

    def whole(x: float) -> bool:
        return float(x) == int(x)

    if not all(whole(m.start) and whole(m.min) and whole(m.max) for m in sc.doc.metrics.values()):
        return False
    effects = [e for c in sc.choices.values() for e in c.effects]
    effects += [e for events in sc.scene_events.values() for ev in events for e in ev.effects]
    return all(e.constant is not None and whole(e.constant) for e in effects)


def compact(data: I64, keep: I64, block: int = 65_536) -> I64:
    """``data[keep]`` for increasing ``keep``, written over ``data`` itself a block at a time.

    Row keep[j] >= j, so a block only reads rows no earlier block has overwritten; no second
    full-size array is allocated (fresh memory is costly: every page must be faulted in).
    """
    for a in range(0, len(keep), block):
        rows = keep[a : a + block]
        data[a : a + len(rows)] = data[rows]
    return data[: len(keep)]


def as_pick(index: I64 | None) -> I64 | slice:
    """What an index picks from a batch: every row when there is none."""
    return slice(None) if index is None else index


def dedupe(data: I64, hashes: U64, depth: I64) -> tuple[I64, I64]:
    """Exact groups of equal rows: (group of each row, the shallowest row of each group).

    One plain sort of (hash | depth | row) words, which numpy does far faster than an argsort;
    rows that share the hash bits are compared in full, and a group whose rows differ is
    split exactly (np.unique on its rows), so a collision can never merge two states.
    """
    n = len(depth)
    row_bits = max(1, (n - 1).bit_length())
    depth_bits = max(1, int(depth.max()).bit_length()) if n else 1
    hash_bits = 64 - row_bits - depth_bits
    if hash_bits < 16:  # absurdly large batches: sort rows exactly instead
        return _dedupe_exact(data, depth)
    low = np.uint64(row_bits + depth_bits)
    words = ((hashes >> low) << low) | (depth.astype(np.uint64) << np.uint64(row_bits)) | np.arange(n, dtype=np.uint64)
    words.sort()
    order = (words & np.uint64((1 << row_bits) - 1)).astype(np.int64)
    top = words >> low
    first = np.empty(n, np.bool_)
    first[:1] = True
    np.not_equal(top[1:], top[:-1], out=first[1:])
    group = np.cumsum(first) - 1
    leaders = order[first]
    later = np.nonzero(~first)[0]
    if len(later):
        differs = later[(data[order[later]] != data[leaders[group[later]]]).any(axis=1)]
        if len(differs):  # same hash bits, different states: split those groups exactly
            bad_group = np.zeros(len(leaders), np.bool_)
            bad_group[group[differs]] = True
            positions = np.nonzero(bad_group[group])[0]  # sorted positions, shallowest first per hash
            _, first_at, sub = np.unique(data[order[positions]], axis=0, return_index=True, return_inverse=True)
            starts = positions[first_at]
            # a part holding its group's first row keeps the group's number; the others get new ones
            keeps = first[starts]
            number = np.where(keeps, group[starts], len(leaders) + np.cumsum(~keeps) - 1)
            group[positions] = number[sub.reshape(-1)]
            leaders = np.concatenate([leaders, order[starts[~keeps]]])
    inverse = np.empty(n, np.int64)
    inverse[order] = group
    return inverse, leaders


def _dedupe_exact(data: I64, depth: I64) -> tuple[I64, I64]:
    _, inverse = np.unique(data, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.lexsort((depth, inverse))
    first = np.r_[True, inverse[order][1:] != inverse[order][:-1]]
    return inverse, order[first]
