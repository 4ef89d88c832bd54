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


@dataclass
class Snapshot:
    """Everything needed to compare two runs' states: the save file stores it."""

    scene: str
    ending: str | None
    turn: int
    metrics: dict[str, float]
    flags: list[str]
    visits: dict[str, int]
    chosen: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "ending": self.ending,
            "turn": self.turn,
            "metrics": {k: round(v, 6) for k, v in sorted(self.metrics.items())},
            "flags": sorted(self.flags),
            "visits": dict(sorted(self.visits.items())),
            "chosen": sorted(self.chosen),
        }


@dataclass(frozen=True)
class Option:
    """A choice as the player sees it at this moment."""

    id: str
    label: str
    available: bool
    locked_reason: str | None
    number: int  # 1-based position among the shown options


@dataclass
class Mutable:
    """The evolving state of a run (kept inside :class:`simgame.engine.run.Run`)."""

    scene: str
    metrics: dict[str, float]
    flags: set[str] = field(default_factory=set)
    visits: dict[str, int] = field(default_factory=dict)
    chosen: set[str] = field(default_factory=set)
    turn: int = 0
    ending: str | None = None
    flag_source: dict[str, int] = field(default_factory=dict)  # flag -> decision index that set it
