"""What tells two states apart: the parts of history a scenario's expressions can read.

Shared by both explorers (`simgame.analysis.search`, one state at a time; `simgame.analysis.batch.explorer`,
every state at a scene at once).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from simgame.engine.state import PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario


class TooLarge(Exception):
    """The state space is larger than the exploration limit."""


@dataclass(frozen=True)
class KeySpec:
    """Which parts of history the scenario's expressions read."""

    scenes: tuple[str, ...]
    choices: frozenset[str]
    turn: bool


def _walk(node: expr.Node, turn: list[bool]) -> None:
    if isinstance(node, expr.Call):
        if node.func == "turn":
            turn[0] = True
        for a in node.args:
            if not isinstance(a, expr.IdArg):
                _walk(a, turn)
    elif isinstance(node, expr.Unary):
        _walk(node.operand, turn)
    elif isinstance(node, expr.Binary):
        _walk(node.left, turn)
        _walk(node.right, turn)


def all_expressions(sc: Scenario) -> list[expr.Node]:
    """Every compiled expression in the scenario."""
    nodes: list[expr.Node] = []
    for c in sc.choices.values():
        nodes += [n for n in (c.when, *(e.formula for e in c.effects)) if n is not None]
    for events in sc.scene_events.values():
        for ev in events:
            chance = None if isinstance(ev.chance, float) else ev.chance
            nodes += [n for n in (ev.when, chance, *(e.formula for e in ev.effects)) if n is not None]
    nodes += [n for _, n in sc.endings_by_condition if n is not None]
    nodes += [n for _, n in sc.objectives if n is not None]
    for adjust in sc.adjustments.values():
        nodes += list(adjust)
    nodes += [line.when for line in sc.red_lines]  # a red line caps the score, so the state it reads is kept
    return nodes


def key_spec(sc: Scenario) -> KeySpec:
    scenes: set[str] = set()
    choices: set[str] = {c.id for c in sc.choices.values() if c.model.once}
    turn = [False]
    for node in all_expressions(sc):
        _, s, c = expr.names_used(node)
        scenes |= s
        choices |= c
        _walk(node, turn)
    return KeySpec(tuple(sorted(scenes)), frozenset(choices), turn[0])


def state_key(spec: KeySpec, st: PlayState) -> Hashable:
    return (
        st.scene,
        tuple(st.metrics.values()),
        frozenset(st.flags),
        tuple(st.visit_counts.get(s, 0) for s in spec.scenes),
        frozenset(st.chosen & spec.choices),
        st.turn if spec.turn else 0,
    )
