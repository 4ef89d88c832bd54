"""A run's state as the exhaustive explorer keys it, computed from a `PlayState` without numpy.

The explorer (`simgame.analysis.batch.state`) keeps each state as one int64 row: the metrics as
float64 bit patterns, the flag words, the remembered-choice words, the counted visits and the
turn, and keys the row with `state_key`. The outcome map stores those hashes; a player's process
rebuilds the same row from its `PlayState` here and looks it up. tests/toolkit/test_outcomes.py
proves both give the same hash for every state random play reaches.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from simgame.engine.state import PlayState

MASK = (1 << 64) - 1
MIX = 0xBF58476D1CE4E5B9
GOLDEN = 0x9E3779B97F4A7C15
MIX2 = 0x94D049BB133111EB


def _splitmix(z: int) -> int:
    z = ((z ^ (z >> 30)) * MIX) & MASK
    z = ((z ^ (z >> 27)) * MIX2) & MASK
    return z ^ (z >> 31)


def row_key(row: list[int]) -> int:
    """`simgame.analysis.batch.state.state_key` of one row of unsigned 64-bit words."""
    h = 0
    for j, word in enumerate(row):
        h = _splitmix(h ^ _splitmix((word + GOLDEN * (j + 1)) & MASK))
    return h


def _bits(names: tuple[str, ...], present: set[str]) -> list[int]:
    words = [0] * max(1, -(-len(names) // 64))
    for i, name in enumerate(names):
        if name in present:
            words[i // 64] |= 1 << (i % 64)
    return words


@dataclass(frozen=True)
class KeyLayout:
    """Which parts of a state the explorer kept, in its column order (`batch.state.Layout`)."""

    metrics: tuple[str, ...]
    flags: tuple[str, ...]
    choices: tuple[str, ...]
    scenes: tuple[str, ...]
    turn: bool

    def row(self, st: PlayState) -> list[int]:
        out = [struct.unpack("<Q", struct.pack("<d", float(st.metrics[m]) + 0.0))[0] for m in self.metrics]
        out += _bits(self.flags, st.flags)
        out += _bits(self.choices, st.chosen)
        out += [st.visit_counts.get(s, 0) & MASK for s in self.scenes]
        if self.turn:
            out.append(st.turn & MASK)
        return out

    def key(self, st: PlayState) -> int:
        return row_key(self.row(st))

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": list(self.metrics),
            "flags": list(self.flags),
            "choices": list(self.choices),
            "scenes": list(self.scenes),
            "turn": self.turn,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyLayout:
        return cls(
            tuple(str(m) for m in data["metrics"]),
            tuple(str(f) for f in data["flags"]),
            tuple(str(c) for c in data["choices"]),
            tuple(str(s) for s in data["scenes"]),
            bool(data["turn"]),
        )
