"""The records a run produces: decisions, events, and a JSON-able snapshot of state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EventRecord:
    """A chance event or delayed consequence that fired on entering a scene."""

    id: str
    scene: str
    text: str
    deltas: dict[str, float]
    flags_set: tuple[str, ...]
    flags_cleared: tuple[str, ...]
    goto: str | None
    probability: float
    roll: float | None  # None when the event was certain
    turn: int  # decisions made before it fired
    caused_by: tuple[int, ...]  # indexes of the decisions whose flags/choices its condition read

    @property
    def is_chance(self) -> bool:
        return self.roll is not None


@dataclass(frozen=True)
class Decision:
    """One choice the player made, with what it did at once."""

    index: int
    scene: str
    choice: str
    label: str
    practice: str
    deltas: dict[str, float]  # the choice's own effects, after clamping
    flags_set: tuple[str, ...]
    flags_cleared: tuple[str, ...]
    feedback: str
    next: str  # where play went: a scene or ending id
    events: tuple[EventRecord, ...] = ()  # what fired on arriving at the next scene(s)


@dataclass(frozen=True)
class Option:
    """A choice as the player sees it at this moment."""

    id: str
    label: str
    available: bool
    locked_reason: str | None
    number: int  # 1-based position among the shown options


class EngineError(Exception):
    """A move the scenario does not allow; the message is written for the player."""


@dataclass(eq=True, slots=True)
class PlayState:
    """A run's whole state as plain data: the one record every caller keeps and compares.

    It is also the expression environment (`simgame.engine.evaluate.Env`). Its JSON form
    (`to_json`) is what a save stores to check a replay against.
    """

    scene: str
    metrics: dict[str, float]
    flags: set[str] = field(default_factory=set)
    visit_counts: dict[str, int] = field(default_factory=dict)
    chosen: set[str] = field(default_factory=set)
    turn: int = 0
    ending: str | None = None
    flag_source: dict[str, int] = field(default_factory=dict)  # flag -> index of the decision that set it

    def copy(self) -> PlayState:
        return PlayState(
            self.scene,
            dict(self.metrics),
            set(self.flags),
            dict(self.visit_counts),
            set(self.chosen),
            self.turn,
            self.ending,
            dict(self.flag_source),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "ending": self.ending,
            "turn": self.turn,
            "metrics": {k: round(v, 6) for k, v in sorted(self.metrics.items())},
            "flags": sorted(self.flags),
            "visits": dict(sorted(self.visit_counts.items())),
            "chosen": sorted(self.chosen),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlayState:
        """The state a save's snapshot describes (which decision set each flag is not stored)."""
        return cls(
            scene=str(data.get("scene", "")),
            metrics={str(k): float(v) for k, v in dict(data.get("metrics", {})).items()},
            flags={str(f) for f in data.get("flags", [])},
            visit_counts={str(k): int(v) for k, v in dict(data.get("visits", {})).items()},
            chosen={str(c) for c in data.get("chosen", [])},
            turn=int(data.get("turn", 0)),
            ending=None if data.get("ending") is None else str(data["ending"]),
        )

    # -- the expression environment --
    def metric(self, name: str) -> float:
        return self.metrics[name]

    def flag(self, name: str) -> bool:
        return name in self.flags

    def visits(self, scene: str) -> int:
        return self.visit_counts.get(scene, 0)

    def chose(self, choice: str) -> bool:
        return choice in self.chosen

    def turn_count(self) -> int:
        return self.turn
