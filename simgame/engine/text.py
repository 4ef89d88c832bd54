"""Conditional text, read on a run's state: the engine's side of `simgame.format.variants`.

The format parses a passage's `{if …}` arms and checks their conditions when the scenario loads;
here each arm's condition is evaluated on the state the reader is in, and the first that holds is
shown. A passage without tags is returned as written.
"""

from __future__ import annotations

from simgame.engine.evaluate import Env, evaluate
from simgame.format.compiled import Scenario, TextKey
from simgame.format.expr import Node
from simgame.format.variants import Conditional, Template


def render(scenario: Scenario, key: TextKey, written: str, env: Env) -> str:
    """``written`` as the reader sees it on ``env``'s state (unchanged when it has no conditions)."""
    compiled = scenario.texts.get(key)
    if compiled is None:
        return written
    template, conditions = compiled
    return _render(template, conditions, env)


def _render(template: Template, conditions: dict[int, Node], env: Env) -> str:
    out: list[str] = []
    for piece in template:
        if isinstance(piece, str):
            out.append(piece)
            continue
        out.append(_arm(piece, conditions, env))
    return "".join(out)


def _arm(piece: Conditional, conditions: dict[int, Node], env: Env) -> str:
    for branch in piece.branches:
        node = conditions.get(branch.offset) if branch.source is not None else None
        if branch.source is None or (node is not None and bool(evaluate(node, env))):
            return _render(branch.body, conditions, env)
    return ""
