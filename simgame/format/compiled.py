"""A loaded, checked scenario with its expressions compiled: what the engine plays."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from simgame.format import expr, variants
from simgame.format.model import Choice, Ending, Event, ScenarioDoc, Scene
from simgame.format.yamlsource import SourceMap

# Where a passage of conditional text lives: ("scene", id), ("feedback", choice), ("note", choice),
# ("event", scene, event), ("ending", id), ("ending-debrief", id). Plain passages have no entry.
TextKey = tuple[str, ...]
CompiledText = tuple[variants.Template, dict[int, expr.Node]]  # the arms' conditions by tag offset

END = "end"  # `next: end` resolves the ending by condition


@dataclass(frozen=True, slots=True)
class Effect:
    metric: str
    constant: float | None
    formula: expr.Node | None


@dataclass(frozen=True, slots=True)
class Reads:
    """The flags and choices an expression depends on: how a later consequence finds its cause."""

    flags: frozenset[str] = frozenset()
    choices: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CompiledChoice:
    id: str
    scene: str
    index: int
    model: Choice
    when: expr.Node | None
    effects: tuple[Effect, ...]
    sets: tuple[str, ...]
    clears: tuple[str, ...]
    next: str
    synthetic: bool = False  # the "Continue" of a pass-through scene, not a decision


CONTINUE_SUFFIX = ".continue"  # a pass-through scene's choice id is `<scene>.continue` (authors cannot clash)


@dataclass(frozen=True, slots=True)
class CompiledEvent:
    id: str
    scene: str
    model: Event
    when: expr.Node | None
    chance: expr.Node | float
    effects: tuple[Effect, ...]
    sets: tuple[str, ...]
    clears: tuple[str, ...]
    goto: str | None
    reads: Reads


@dataclass(frozen=True, slots=True)
class CompiledRedLine:
    """A red line: when `when` holds at the end, the overall score is at most `ceiling`.

    `ceiling` is the highest score a run can show inside band `cap`: the largest one-decimal
    score below the next band's `min` (100 for the top band, which caps nothing).
    """

    id: str
    when: expr.Node
    cap: str
    ceiling: float
    why: str


@dataclass
class Scenario:
    """A scenario ready to play; build it with :func:`simgame.format.loader.load_scenario`."""

    doc: ScenarioDoc
    smap: SourceMap
    content_hash: str
    path: str = ""
    choices: dict[str, CompiledChoice] = field(default_factory=dict)
    scene_choices: dict[str, tuple[CompiledChoice, ...]] = field(default_factory=dict)
    scene_events: dict[str, tuple[CompiledEvent, ...]] = field(default_factory=dict)
    endings_by_condition: tuple[tuple[str, expr.Node | None], ...] = ()
    objectives: tuple[tuple[str, expr.Node | None], ...] = ()
    adjustments: dict[str, tuple[expr.Node, ...]] = field(default_factory=dict)
    red_lines: tuple[CompiledRedLine, ...] = ()
    texts: dict[TextKey, CompiledText] = field(default_factory=dict)
    warnings: list[Any] = field(default_factory=list)
    _machine: Any = None

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def title(self) -> str:
        return self.doc.title

    def scene(self, scene_id: str) -> Scene:
        return self.doc.scenes[scene_id]

    def ending(self, ending_id: str) -> Ending:
        return self.doc.endings[ending_id]

    def is_ending(self, node_id: str) -> bool:
        return node_id in self.doc.endings

    def phase_of(self, scene_id: str) -> str:
        if scene_id in self.doc.scenes:
            return self.doc.scenes[scene_id].phase
        return ""


def content_hash(data: Any) -> str:
    """Hash of the document's meaning: comments and layout changes keep saves valid."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
