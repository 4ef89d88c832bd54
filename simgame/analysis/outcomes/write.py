"""Writing an outcome map file from an exhaustive exploration and its expectimax solution.

The file is a short JSON header followed by, per scene, its states' keys in ascending order and
parallel columns of 16-bit values (see `simgame.analysis.outcomes.mapfile` for the layout and the
reader). Scores are whole tenths (best and worst: final scores are rounded to one decimal) or
hundredths (expected values); 0xFFFF means "none".
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from simgame.analysis.batch.graph import BatchGraph
from simgame.analysis.outcomes import cache
from simgame.analysis.outcomes.mapfile import ALIGN, FENCE, MAGIC, NONE, VERSION, OutcomeMap
from simgame.analysis.outcomes.solve import Solution, solve
from simgame.analysis.outcomes.statekey import KeyLayout
from simgame.format.compiled import Scenario


def _u16(values: np.ndarray, scale: int) -> np.ndarray:
    out = np.full(len(values), NONE, np.uint16)
    ok = np.isfinite(values)
    out[ok] = np.clip(np.rint(values[ok] * scale), 0, NONE - 1).astype(np.uint16)
    return out


def _figure(x: float) -> float | None:
    return None if math.isnan(x) or math.isinf(x) else round(x, 4)


def _spread(options: dict[str, np.ndarray], n: int) -> float | None:
    """The largest gap, over the scene's states with two options or more, between its best and worst option."""
    top, low, count = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n)
    for column in options.values():
        top, low = np.fmax(top, column), np.fmin(low, column)
        count += ~np.isnan(column)
    several = count >= 2
    return round(float((top - low)[several].max()), 4) if several.any() else None


def _ending_bands(graph: BatchGraph) -> dict[str, dict[str, int]]:
    """How many ways of finishing at each ending land in each band (from the exploration's tallies)."""
    bands = [b.id for b in graph.scenario.doc.debrief.bands]
    out: dict[str, dict[str, int]] = {}
    for place in graph.ending_places():
        if place.tally is not None:
            out[place.id] = {b: int(n) for b, n in zip(bands, place.tally.bands.tolist(), strict=True) if n}
    return out


def key_layout(graph: BatchGraph) -> KeyLayout:
    lay = graph.layout
    return KeyLayout(lay.metrics, lay.flags.names, lay.choices.names, lay.scenes, lay.turn)


def encode(graph: BatchGraph, solution: Solution, seconds: float) -> bytes:
    """The whole map file as bytes."""
    blobs: list[bytes] = []
    at = 0

    def put(array: np.ndarray) -> int:
        nonlocal at
        data = np.ascontiguousarray(array).tobytes()  # this machine's byte order, as the header says
        data += b"\0" * (-len(data) % ALIGN)
        blobs.append(data)
        where, at = at, at + len(data)
        return where

    scenes: dict[str, Any] = {}
    spreads: dict[str, float | None] = {}
    ambiguous: list[str] = []
    states = 0
    for p, values in solution.scenes.items():
        place = graph.places[p]
        keys = np.asarray(place.keys.values, dtype=np.uint64)
        if len(keys) != place.count:
            raise ValueError("the exploration kept no state keys (explore with keep_keys=True)")
        if not len(keys):
            continue
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        dup = np.nonzero(keys[1:] == keys[:-1])[0]
        if len(dup):  # two different states share a hash: neither can be looked up reliably
            ambiguous += [str(int(k)) for k in np.unique(keys[dup])]
        states += len(keys)
        spreads[place.id] = _spread(values.options, len(keys))
        scenes[place.id] = {
            "count": len(keys),
            "keys": put(keys),
            "fence": put(keys[::FENCE].copy()),
            "best": put(_u16(values.best[order], 10)),
            "worst": put(_u16(values.worst[order], 10)),
            "options": {c: put(_u16(col[order], 100)) for c, col in sorted(values.options.items())},
        }
    sc = graph.scenario
    header = {
        "version": VERSION,
        "byteorder": sys.byteorder,
        "scenario": sc.id,
        "content_hash": sc.content_hash,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(seconds, 3),
        "states": states,
        "layout": key_layout(graph).to_json(),
        "start": {
            "best": _figure(solution.start_best),
            "worst": _figure(solution.start_worst),
            "expected_best_play": _figure(solution.start_value),
            "expected_random_play": _figure(solution.start_random),
        },
        "endings": {"best_play": solution.endings_best, "random_play": solution.endings_random},
        "ambiguous": ambiguous,
        "spread": spreads,
        "ending_bands": _ending_bands(graph),
        "scenes": scenes,
    }
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    head += b" " * (-(len(MAGIC) + 8 + len(head)) % ALIGN)
    return MAGIC + len(head).to_bytes(8, "little") + head + b"".join(blobs)


def write(path: Path, data: bytes) -> None:
    """Write the map atomically (temporary file, fsync, rename): a reader sees no map or the whole one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_map(folder: Path, scenario: Scenario, graph: BatchGraph) -> OutcomeMap | None:
    """Write the map of an exploration already made in this process (`simgame explore`); None if unwritable."""
    found = cache.open_map(folder, scenario)
    if found is not None:
        return found
    try:
        write(cache.map_path(folder, scenario), encode(graph, solve(graph), graph.seconds))
    except OSError:
        return None
    return cache.open_map(folder, scenario)
