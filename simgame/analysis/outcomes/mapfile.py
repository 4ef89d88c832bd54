"""Reading an outcome map: a state's reference points in microseconds, without numpy.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), the JSON header (padded so the
data that follows starts on an 8-byte boundary), then the data. For each scene the header gives
its number of states and where its columns start in the data: ``keys`` (ascending unsigned 64-bit
state hashes, `simgame.analysis.outcomes.statekey`), ``best`` and ``worst`` (16-bit tenths of a
point), and one column per option (16-bit hundredths of a point: its expected final score under
best play after it). 0xFFFF means none (not offered, or no ending reachable).

The file is memory-mapped: opening it reads only the header, and a lookup touches a few pages
(a binary search of the scene's keys), so even a map of millions of states costs a player's
process next to nothing.
"""

from __future__ import annotations

import json
import mmap
import sys
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simgame.analysis.outcomes.statekey import KeyLayout
from simgame.engine.state import PlayState

MAGIC = b"SIMGMAP\x01"
VERSION = 2  # 2: per-scene spread and ending bands in the header
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
    """One scenario's outcome map, opened from its file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with open(path, "rb") as fh:
                self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise MapError(f"{path}: cannot be read ({exc})") from None
        self.header = self._read_header()
        self.layout = KeyLayout.from_json(self.header["layout"])
        start = self.header["start"]
        self.start = StartFigures(
            start.get("best"), start.get("worst"), start.get("expected_best_play"), start.get("expected_random_play")
        )
        self.endings_best: dict[str, float] = dict(self.header["endings"]["best_play"])
        self.endings_random: dict[str, float] = dict(self.header["endings"]["random_play"])
        self.spread: dict[str, float | None] = dict(self.header.get("spread", {}))
        self.ending_bands: dict[str, dict[str, int]] = dict(self.header.get("ending_bands", {}))
        self._ambiguous = {int(k) for k in self.header.get("ambiguous", [])}
        self._scenes: dict[str, Any] = self.header["scenes"]
        self._data = memoryview(self._mm)[self._offset :]

    def _read_header(self) -> dict[str, Any]:
        mm = self._mm
        if len(mm) < len(MAGIC) + 8 or mm[: len(MAGIC)] != MAGIC:
            raise MapError(f"{self.path}: not an outcome map")
        size = int.from_bytes(mm[len(MAGIC) : len(MAGIC) + 8], "little")
        if size > MAX_HEADER or len(MAGIC) + 8 + size > len(mm):
            raise MapError(f"{self.path}: damaged (header size)")
        self._offset = len(MAGIC) + 8 + size
        try:
            header = json.loads(bytes(mm[len(MAGIC) + 8 : self._offset]))
        except ValueError:
            raise MapError(f"{self.path}: damaged (header)") from None
        if not isinstance(header, dict) or header.get("version") != VERSION:
            raise MapError(f"{self.path}: made by another version of simgame")
        if header.get("byteorder") != sys.byteorder:
            raise MapError(f"{self.path}: made on a machine with another byte order")
        return header

    @property
    def content_hash(self) -> str:
        return str(self.header["content_hash"])

    @property
    def scenario_id(self) -> str:
        return str(self.header["scenario"])

    @property
    def states(self) -> int:
        return int(self.header["states"])

    def _column(self, at: int, count: int, wide: bool) -> memoryview[int]:
        """A column of unsigned 64-bit keys (``wide``) or 16-bit values."""
        width = 8 if wide else 2
        if at < 0 or at % width or at + count * width > len(self._data):
            raise MapError(f"{self.path}: damaged (a column lies outside the file)")
        part = self._data[at : at + count * width]
        return part.cast("Q") if wide else part.cast("H")

    def at(self, st: PlayState) -> StateOutcomes | None:
        """Reference points where play rests in ``st``; None at an ending or a state the map lacks."""
        if st.ending is not None:
            return None
        scene = self._scenes.get(st.scene)
        if scene is None:
            return None
        key = self.layout.key(st)
        if key in self._ambiguous:
            return None
        count = int(scene["count"])
        keys = self._column(int(scene["keys"]), count, True)
        row = bisect_left(keys, key)
        if row >= count or keys[row] != key:
            return None

        def value(at: int, scale: int) -> float | None:
            raw = int(self._column(at, count, False)[row])
            return None if raw == NONE else raw / scale

        best, worst = value(int(scene["best"]), 10), value(int(scene["worst"]), 10)
        options = {}
        for choice, at in scene["options"].items():
            v = value(int(at), 100)
            if v is not None:
                options[str(choice)] = v
        return StateOutcomes(best, worst, options)

    def close(self) -> None:
        self._data.release()
        self._mm.close()
