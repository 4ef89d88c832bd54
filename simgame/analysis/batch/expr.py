"""Expressions evaluated over many states at once, as numpy arrays: what exhaustive exploration needs.

`simgame.engine.evaluate` answers for one state; this answers for a batch of states with the
same meaning, value for value (tests/toolkit/test_expr_batch.py compares the two on random
expressions and states). Expressions are pure, so `and`/`or`/`if` evaluate both sides; a
division by zero still yields 0, as in play. The recursion is bounded: `simgame.format.expr.parse`
refuses trees deeper than `MAX_TREE_DEPTH` or larger than `MAX_NODES`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from simgame.format import expr

Array = npt.NDArray[np.float64] | npt.NDArray[np.bool_]


class BatchEnv(Protocol):
    """What an expression can read from a batch of states (one array entry per state)."""

    size: int

    def metric(self, name: str) -> npt.NDArray[np.float64]: ...
    def flag(self, name: str) -> npt.NDArray[np.bool_]: ...
    def visits(self, scene: str) -> npt.NDArray[np.float64]: ...
    def chose(self, choice: str) -> npt.NDArray[np.bool_]: ...
    def turn_count(self) -> npt.NDArray[np.float64]: ...


def evaluate(node: expr.Node, env: BatchEnv) -> Array:
    """The expression's value for every state of the batch."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _eval(node, env)


def truth(node: expr.Node, env: BatchEnv) -> npt.NDArray[np.bool_]:
    """A condition's truth for every state (as `bool(evaluate(...))`)."""
    value = evaluate(node, env)
    return value if value.dtype == np.bool_ else value != 0  # type: ignore[return-value]


def number(node: expr.Node, env: BatchEnv) -> npt.NDArray[np.float64]:
    """A number for every state, non-finite values as 0 (as `as_number`)."""
    value = evaluate(node, env).astype(np.float64)
    return np.where(np.isfinite(value), value, 0.0)


def _full(env: BatchEnv, value: float | bool) -> Array:
    if isinstance(value, bool):
        return np.full(env.size, value, dtype=np.bool_)
    return np.full(env.size, float(value), dtype=np.float64)


def _f(value: Array) -> npt.NDArray[np.float64]:
    return value.astype(np.float64) if value.dtype == np.bool_ else value  # type: ignore[return-value]


def _eval(node: expr.Node, env: BatchEnv) -> Array:
    if isinstance(node, expr.Num | expr.Bool):
        return _full(env, node.value)
    if isinstance(node, expr.Name):
        try:
            return env.metric(node.name)
        except KeyError:
            return env.flag(node.name)
    if isinstance(node, expr.Unary):
        v = _eval(node.operand, env)
        if node.op == "not":
            return np.logical_not(_bool(v))
        return -_f(v) if node.op == "-" else _f(v)
    if isinstance(node, expr.Binary):
        a, b = _eval(node.left, env), _eval(node.right, env)
        return _binary(node.op, a, b)
    if isinstance(node, expr.Call):
        return _call(node, env)
    raise TypeError(f"cannot evaluate {node!r}")


def _bool(v: Array) -> npt.NDArray[np.bool_]:
    return v if v.dtype == np.bool_ else v != 0  # type: ignore[return-value]


def _binary(op: str, a: Array, b: Array) -> Array:
    if op == "and":
        return _bool(a) & _bool(b)
    if op == "or":
        return _bool(a) | _bool(b)
    if op == "==":
        return np.equal(_f(a), _f(b))
    if op == "!=":
        return np.not_equal(_f(a), _f(b))
    x, y = _f(a), _f(b)
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
        nonzero = y != 0
        return np.where(nonzero, x / np.where(nonzero, y, 1.0), 0.0)
    raise ValueError(op)


def _call(node: expr.Call, env: BatchEnv) -> Array:
    f = node.func
    if f in expr.ID_FUNCTIONS:
        arg = node.args[0]
        assert isinstance(arg, expr.IdArg)
        if f == "chose":
            return env.chose(arg.ident)
        count = env.visits(arg.ident)
        return count > 0 if f == "visited" else count
    if f == "turn":
        return env.turn_count()
    if f == "if":
        cond, a, b = (_eval(n, env) for n in node.args)
        if a.dtype != b.dtype:
            a, b = _f(a), _f(b)
        return np.where(_bool(cond), a, b)
    vals = [_f(_eval(a, env)) for a in node.args]
    if f == "min":  # Python's min keeps the first of equals; so does this
        return np.where(vals[1] < vals[0], vals[1], vals[0])
    if f == "max":
        return np.where(vals[1] > vals[0], vals[1], vals[0])
    if f == "abs":
        return np.abs(vals[0])
    if f == "clamp":  # max(lo, min(hi, x))
        inner = np.where(vals[0] < vals[2], vals[0], vals[2])
        return np.where(inner > vals[1], inner, vals[1])
    raise ValueError(f)
