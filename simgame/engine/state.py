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
    caused_by: tuple[int, ...]  # indexes of the real decisions that made it fire (simgame.engine.causes)

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
    shown: tuple[str, ...] = ()  # the options' choice ids in the order the player saw them
    scene_text: str = ""  # the scene's text as read before choosing (conditional arms resolved)

    @property
    def position(self) -> int | None:
        """Where the chosen option stood in the list the player saw (1-based), if recorded."""
        return self.shown.index(self.choice) + 1 if self.choice in self.shown else None


@dataclass(frozen=True)
class Option:
    """A choice as the player sees it at this moment."""

    id: str
    label: str
    available: bool
    locked_reason: str | None
    number: int  # 1-based position in display order (see simgame.engine.order): what key picks it
    locked_by: tuple[int, ...] = ()  # indexes of the decisions that locked it (simgame.engine.causes)
    locked_cause: str = ""  # those decisions for the player: 'you chose “A” at decision 2'

    @property
    def why_locked(self) -> str | None:
        """What the player reads about a lock: the decision that caused it, then the author's reason."""
        if self.available:
            return None
        if not self.locked_cause:
            return self.locked_reason
        return f"{self.locked_cause}. {self.locked_reason}" if self.locked_reason else self.locked_cause


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
    flag_source: dict[str, int] = field(default_factory=dict)  # flag -> decision that last set or cleared it
    # Who did what, to name the causes of events and locks (simgame.engine.causes); -1 is no decision.
    # Not part of the state's identity: two states that differ only here play the same.
    log: list[str] = field(default_factory=list, compare=False)  # the choice made at each decision
    entered_by: dict[str, int] = field(default_factory=dict, compare=False)  # scene -> decision that last entered it
    moved_by: dict[str, tuple[int, float]] = field(default_factory=dict, compare=False)  # metric -> (decision, move)

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
            list(self.log),
            dict(self.entered_by),
            dict(self.moved_by),
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
