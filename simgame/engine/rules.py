"""A fast path for play without the state machine: for exploration and benchmarks.

`Run` drives a `transitions` machine, which is right for play and far too slow for
exploring every reachable state. This module plays the same rules by calling the
very functions `Run` calls (`simgame.engine.run.apply_effects`, `event_probability`,
`fire_event`, `chance_roll`, `settle_ending`), so there is one implementation of
each rule; tests/toolkit/test_fastplay.py checks that both paths agree on random walks.

Chance events are decided by a *roller*: seeded (`seeded_roller`, identical to
`Run`), or forced by the explorer to branch both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simgame.engine.run import (
    MAX_DIVERTS,
    EngineError,
    apply_effects,
    chance_roll,
    clamp_metric,
    condition_holds,
    event_probability,
    fire_event,
    settle_ending,
)
from simgame.format.compiled import END, CompiledChoice, CompiledEvent, Scenario

# (state, event, probability) -> does it fire? Only called when 0 < probability < 1.
Roller = Callable[["PlayState", CompiledEvent, float], bool]


@dataclass(frozen=True, slots=True)
class Fired:
    """An event that fired on entering a scene."""

    event: str
    scene: str
    probability: float
    chance: bool  # decided by a roll (0 < probability < 1)


class PlayState:
    """A run's state as plain data; also the expression environment (`expr.Env`)."""

    __slots__ = ("chosen", "ending", "flags", "metrics", "scene", "seen", "turn")

    def __init__(
        self,
        scene: str,
        metrics: dict[str, float],
        flags: set[str] | None = None,
        seen: dict[str, int] | None = None,
        chosen: set[str] | None = None,
        turn: int = 0,
        ending: str | None = None,
    ) -> None:
        self.scene = scene
        self.metrics = metrics
        self.flags = flags if flags is not None else set()
        self.seen = seen if seen is not None else {}
        self.chosen = chosen if chosen is not None else set()
        self.turn = turn
        self.ending = ending

    def copy(self) -> PlayState:
        return PlayState(
            self.scene, dict(self.metrics), set(self.flags), dict(self.seen), set(self.chosen), self.turn, self.ending
        )

    # expr.Env
    def metric(self, name: str) -> float:
        return self.metrics[name]

    def flag(self, name: str) -> bool:
        return name in self.flags

    def visits(self, scene: str) -> int:
        return self.seen.get(scene, 0)

    def chose(self, choice: str) -> bool:
        return choice in self.chosen

    def turn_count(self) -> int:
        return self.turn


def seeded_roller(seed: int) -> Roller:
    """Rolls exactly as `Run` does for the same seed."""

    def roll(st: PlayState, event: CompiledEvent, probability: float) -> bool:
        return chance_roll(seed, st.turn, st.scene, st.seen.get(st.scene, 0), event.id) < probability

    return roll


def start(sc: Scenario, roller: Roller, fixture: str | None = None) -> tuple[PlayState, list[Fired]]:
    """The state after entering the first scene (and any opening events), as `Run.start` gives."""
    doc = sc.doc
    metrics = {mid: float(m.start) for mid, m in doc.metrics.items()}
    st = PlayState(doc.start, metrics)
    scene = doc.start
    if fixture is not None:
        if fixture not in doc.fixtures:
            raise EngineError(f"this scenario has no fixture `{fixture}`")
        fx = doc.fixtures[fixture]
        scene = fx.scene
        for mid, value in fx.metrics.items():
            metrics[mid] = clamp_metric(sc, mid, float(value))
        st.flags.update(fx.flags)
    fired: list[Fired] = []
    arrive(sc, st, scene, roller, fired)
    return st, fired


def options(sc: Scenario, st: PlayState) -> list[CompiledChoice]:
    """The choices available now (as `Run.available()`, in the same order)."""
    if st.ending is not None:
        return []
    return [
        c for c in sc.scene_choices[st.scene] if not (c.model.once and c.id in st.chosen) and condition_holds(c, st)
    ]


def choose(sc: Scenario, st: PlayState, choice: CompiledChoice, roller: Roller) -> list[Fired]:
    """Make a choice (assumed available) and follow events and diversions until play rests."""
    apply_effects(sc, st.metrics, choice.effects, st)
    st.flags.update(choice.sets)
    st.flags.difference_update(choice.clears)
    st.chosen.add(choice.id)
    st.turn += 1
    fired: list[Fired] = []
    arrive(sc, st, choice.next, roller, fired)
    return fired


def arrive(sc: Scenario, st: PlayState, target: str, roller: Roller, fired: list[Fired]) -> None:
    """Enter a scene or ending, following `next: end` and event diversions (as `Run._settle_diverts`)."""
    diverts = 0
    endings = sc.doc.endings
    while True:
        if target == END:
            resolved = settle_ending(sc, st)
            if resolved is None:
                raise EngineError("`next: end` found no ending whose condition holds and there is no default")
            target = resolved
        if target in endings:
            st.ending = target
            st.scene = target
            return
        goto = enter(sc, st, target, roller, fired)
        if goto is None:
            return
        diverts += 1
        if diverts > MAX_DIVERTS:
            raise EngineError("chance events keep diverting play in a circle; the scenario needs a fix")
        target = goto


def enter(sc: Scenario, st: PlayState, scene_id: str, roller: Roller, fired: list[Fired]) -> str | None:
    """Enter a scene and run its events in order (as `Run._enter`); return a diversion target."""
    st.scene = scene_id
    st.seen[scene_id] = st.seen.get(scene_id, 0) + 1
    for event in sc.scene_events[scene_id]:
        probability = event_probability(event, st)
        if probability is None or probability <= 0.0:
            continue
        is_chance = probability < 1.0
        if is_chance and not roller(st, event, probability):
            continue
        fire_event(sc, st.metrics, st.flags, event, st)
        fired.append(Fired(event.id, scene_id, probability, is_chance))
        if event.goto:
            return event.goto
    return None
