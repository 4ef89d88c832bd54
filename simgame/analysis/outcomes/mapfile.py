"""Reading an outcome map: a state's reference points in microseconds, without numpy.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), the JSON header (padded so the
data that follows starts on an 8-byte boundary), then the data. For each scene the header gives
its number of states and where its columns start in the data: ``keys`` (ascending unsigned 64-bit
state hashes, `simgame.analysis.outcomes.statekey`), ``best`` and ``worst`` (16-bit tenths of a
point), and one column per option (16-bit hundredths of a point: its expected final score under
best play after it). 0xFFFF means none (not offered, or no ending reachable).

Each scene also has a ``fence``: every ``FENCE``-th key. A lookup reads the scene's fence once
(kept in memory), finds the block of keys that could hold the state, reads that block and then
the row's values, with a handful of ``pread`` calls. Nothing is memory-mapped, so a lookup adds
a few kilobytes to a player's process however large the map is (mapping the file made the
kernel count every page a binary search touched against the game's memory budget).
"""

from __future__ import annotations

import json
import os
import sys
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simgame.analysis.outcomes.statekey import KeyLayout
from simgame.engine.state import PlayState

MAGIC = b"SIMGMAP\x01"
VERSION = 3  # 2: per-scene spread and ending bands in the header; 3: a fence of keys per scene
FENCE = 512  # keys per block: a block is 4 KB, one page
ALIGN = 8
NONE = 0xFFFF
MAX_HEADER = 64 * 1024 * 1024


class MapError(Exception):
    """An outcome map file that cannot be used (damaged, from another version or scenario)."""


@dataclass(frozen=True)
class StateOutcomes:
    """Reference points at one decision: what is still reachable and what each option is worth."""

    best: float | None  # best final score still reachable (luck going the player's way)
    worst: float | None
    options: dict[str, float]  # choice id -> expected final score under best play after it

    @property
    def value(self) -> float | None:
        """The expected final score of the best option here."""
        return max(self.options.values()) if self.options else None

    def given_up(self, choice: str) -> float | None:
        """Expected points a choice gives up against the best option here (0 for the best)."""
        mine, top = self.options.get(choice), self.value
        if mine is None or top is None:
            return None
        return max(0.0, round(top - mine, 2))

    def best_choices(self) -> list[str]:
        top = self.value
        return [c for c, v in self.options.items() if top is not None and v >= top - 0.005]


@dataclass(frozen=True)
class StartFigures:
    best: float | None
    worst: float | None
    expected_best_play: float | None
    expected_random_play: float | None


class OutcomeMap:
    """One scenario's outcome map, opened from its file (the header is read; the rest on demand)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise MapError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        try:
            self._size = os.fstat(self._fd).st_size
            self.header = self._read_header()
            self._parse()
        except (MapError, OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
            os.close(self._fd)
            if isinstance(exc, MapError):
                raise
            raise MapError(f"{path}: damaged (header: {exc})") from None
        self._fences: dict[str, array[int]] = {}

    def _read(self, at: int, size: int) -> bytes:
        data = os.pread(self._fd, size, at)
        if len(data) != size:
            raise MapError(f"{self.path}: damaged (shorter than its header says)")
        return data

    def _read_header(self) -> dict[str, Any]:
        lead = len(MAGIC) + 8
        if self._size < lead or self._read(0, len(MAGIC)) != MAGIC:
            raise MapError(f"{self.path}: not an outcome map")
        size = int.from_bytes(self._read(len(MAGIC), 8), "little")
        if size > MAX_HEADER or lead + size > self._size:
            raise MapError(f"{self.path}: damaged (header size)")
        self._offset = lead + size
        try:
            header = json.loads(self._read(lead, size))
        except ValueError:
            raise MapError(f"{self.path}: damaged (header)") from None
        if not isinstance(header, dict) or header.get("version") != VERSION:
            raise MapError(f"{self.path}: made by another version of simgame")
        if header.get("byteorder") != sys.byteorder:
            raise MapError(f"{self.path}: made on a machine with another byte order")
        return header

    def _parse(self) -> None:
        h = self.header
        self.layout = KeyLayout.from_json(h["layout"])
        start = h["start"]
        self.start = StartFigures(
            start.get("best"), start.get("worst"), start.get("expected_best_play"), start.get("expected_random_play")
        )
        self.endings_best: dict[str, float] = {str(k): float(v) for k, v in h["endings"]["best_play"].items()}
        self.endings_random: dict[str, float] = {str(k): float(v) for k, v in h["endings"]["random_play"].items()}
        self.spread: dict[str, float | None] = {
            str(k): None if v is None else float(v) for k, v in h.get("spread", {}).items()
        }
        self.ending_bands: dict[str, dict[str, int]] = {
            str(e): {str(b): int(n) for b, n in counts.items()} for e, counts in h.get("ending_bands", {}).items()
        }
        self._ambiguous = {int(k) for k in h.get("ambiguous", [])}
        self._scenes: dict[str, _Scene] = {}
        for scene_id, data in h["scenes"].items():
            scene = _Scene(
                int(data["count"]),
                int(data["keys"]),
                int(data["fence"]),
                int(data["best"]),
                int(data["worst"]),
                {str(c): int(at) for c, at in data["options"].items()},
            )
            for at, width in scene.columns():
                if at < 0 or at % width or self._offset + at + scene.count * width > self._size:
                    raise MapError(f"{self.path}: damaged (a column lies outside the file)")
            self._scenes[str(scene_id)] = scene

    @property
    def content_hash(self) -> str:
        return str(self.header["content_hash"])

    @property
    def scenario_id(self) -> str:
        return str(self.header["scenario"])

    @property
    def states(self) -> int:
        return int(self.header["states"])

    def _fence(self, scene_id: str, scene: _Scene) -> array[int]:
        found = self._fences.get(scene_id)
        if found is None:
            found = array("Q", self._read(self._offset + scene.fence, scene.fence_count * 8))
            self._fences[scene_id] = found
        return found

    def _row(self, scene_id: str, scene: _Scene, key: int) -> int | None:
        """The row of ``key`` among the scene's keys, or None."""
        fence = self._fence(scene_id, scene)
        block = bisect_right(fence, key) - 1
        if block < 0:
            return None
        first = block * FENCE
        size = min(FENCE, scene.count - first)
        keys = array("Q", self._read(self._offset + scene.keys + first * 8, size * 8))
        at = bisect_left(keys, key)
        if at >= size or keys[at] != key:
            return None
        return first + at

    def _value(self, column: int, row: int, scale: int) -> float | None:
        raw = int.from_bytes(self._read(self._offset + column + row * 2, 2), sys.byteorder)
        return None if raw == NONE else raw / scale

    def at(self, st: PlayState) -> StateOutcomes | None:
        """Reference points where play rests in ``st``; None at an ending or a state the map lacks."""
        if st.ending is not None:
            return None
        scene = self._scenes.get(st.scene)
        if scene is None or not scene.count:
            return None
        key = self.layout.key(st)
        if key in self._ambiguous:
            return None
        row = self._row(st.scene, scene, key)
        if row is None:
            return None
        options = {}
        for choice, column in scene.options.items():
            v = self._value(column, row, 100)
            if v is not None:
                options[choice] = v
        return StateOutcomes(self._value(scene.best, row, 10), self._value(scene.worst, row, 10), options)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@dataclass(frozen=True)
class _Scene:
    """Where one scene's columns start in the data, and how many states it has."""

    count: int
    keys: int
    fence: int
    best: int
    worst: int
    options: dict[str, int]

    @property
    def fence_count(self) -> int:
        return -(-self.count // FENCE)

    def columns(self) -> list[tuple[int, int]]:
        """(offset, width) of every column, to check each lies inside the file."""
        return [(self.keys, 8), (self.best, 2), (self.worst, 2), *((at, 2) for at in self.options.values())]
