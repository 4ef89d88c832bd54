"""Evaluating the condition language against a run's state: the engine's side of `simgame.format.expr`.

The format parses and type-checks expressions; the engine evaluates them. Never `eval`.
Evaluation recurses over the tree: safe, because `simgame.format.expr.parse` refuses any tree deeper
than `MAX_TREE_DEPTH` (chains such as `a + b + c` included) or larger than `MAX_NODES` (SG500).
"""

from __future__ import annotations

import math
from typing import Protocol

from simgame.format.expr import ID_FUNCTIONS, Binary, Bool, Call, IdArg, Name, Node, Num, Unary


class Env(Protocol):
    """What an expression can read from a run's state."""

    def metric(self, name: str) -> float: ...
    def flag(self, name: str) -> bool: ...
    def visits(self, scene: str) -> int: ...
    def chose(self, choice: str) -> bool: ...
    def turn_count(self) -> int: ...


def evaluate(node: Node, env: Env) -> float | bool:
    """Evaluate a type-checked AST. Division by zero yields 0 so play never crashes."""
    if isinstance(node, Num | Bool):
        return node.value
    if isinstance(node, Name):
        try:
            return env.metric(node.name)
        except KeyError:
            return env.flag(node.name)
    if isinstance(node, Unary):
        v = evaluate(node.operand, env)
        if node.op == "not":
            return not v
        return -v if node.op == "-" else +v
    if isinstance(node, Binary):
        op = node.op
        if op == "and":
            return bool(evaluate(node.left, env)) and bool(evaluate(node.right, env))
        if op == "or":
            return bool(evaluate(node.left, env)) or bool(evaluate(node.right, env))
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        return _binary(op, a, b)
    if isinstance(node, Call):
        return _call(node, env)
    raise TypeError(f"cannot evaluate {node!r}")


def _binary(op: str, a: float | bool, b: float | bool) -> float | bool:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    x, y = float(a), float(b)
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    if op == ">=":
        return x >= y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return x / y if y != 0 else 0.0
    raise ValueError(op)


def _call(node: Call, env: Env) -> float | bool:
    f = node.func
    if f in ID_FUNCTIONS:
        arg = node.args[0]
        assert isinstance(arg, IdArg)
        if f == "chose":
            return env.chose(arg.ident)
        count = env.visits(arg.ident)
        return count > 0 if f == "visited" else float(count)
    if f == "turn":
        return float(env.turn_count())
    if f == "if":
        cond, a, b = node.args
        return evaluate(a, env) if evaluate(cond, env) else evaluate(b, env)
    vals = [float(evaluate(a, env)) for a in node.args]
    if f == "min":
        return min(vals)
    if f == "max":
        return max(vals)
    if f == "abs":
        return abs(vals[0])
    if f == "clamp":
        return max(vals[1], min(vals[2], vals[0]))
    raise ValueError(f)


def as_number(value: float | bool) -> float:
    v = float(value)
    return v if math.isfinite(v) else 0.0
