"""What an expression can ever be, from the metric ranges alone: conditions that never hold.

Interval arithmetic over the declared ranges (every metric is clamped to its `min`..`max`), and
for conditions the set of truth values they can take. It is a sound over-approximation: "can
never hold" is certain, "can hold" only means the ranges do not rule it out. Used for warnings
that need no exploration: a `when:` no state satisfies (SG408), a chance that can leave 0-1
(SG409), an arm of conditional text that can never show (SG611).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simgame.format.expr import Binary, Bool, Call, IdArg, Name, Node, Num, Unary

INF = math.inf
Interval = tuple[float, float]
Truth = frozenset[bool]
BOTH: Truth = frozenset({True, False})


@dataclass(frozen=True)
class Ranges:
    """What the analysis knows: each metric's range, and the flags something can set."""

    metrics: dict[str, Interval]
    settable_flags: frozenset[str]


def truth(node: Node, ranges: Ranges) -> Truth:
    """The truth values condition ``node`` can take (a number is true when it is not 0)."""
    value = _eval(node, ranges)
    if isinstance(value, frozenset):
        return value
    lo, hi = value
    can_be_zero = lo <= 0 <= hi
    can_be_other = not (lo == 0 and hi == 0)
    return frozenset({v for v, ok in ((False, can_be_zero), (True, can_be_other)) if ok})


def interval(node: Node, ranges: Ranges) -> Interval:
    """The range a number expression can take (a condition counts as 0..1)."""
    value = _eval(node, ranges)
    if isinstance(value, frozenset):
        return (0.0 if False in value else 1.0, 1.0 if True in value else 0.0)
    return value


def _eval(node: Node, r: Ranges) -> Interval | Truth:
    if isinstance(node, Num):
        return (node.value, node.value)
    if isinstance(node, Bool):
        return frozenset({node.value})
    if isinstance(node, Name):
        if node.name in r.metrics:
            return r.metrics[node.name]
        return BOTH if node.name in r.settable_flags else frozenset({False})
    if isinstance(node, Unary):
        inner = _eval(node.operand, r)
        if node.op == "not":
            return frozenset(not v for v in _as_truth(inner))
        lo, hi = _as_interval(inner)
        return (-hi, -lo) if node.op == "-" else (lo, hi)
    if isinstance(node, Binary):
        return _binary(node, r)
    if isinstance(node, Call):
        return _call(node, r)
    if isinstance(node, IdArg):
        return BOTH
    return BOTH


def _as_truth(value: Interval | Truth) -> Truth:
    if isinstance(value, frozenset):
        return value
    lo, hi = value
    return frozenset({v for v, ok in ((False, lo <= 0 <= hi), (True, not (lo == 0 and hi == 0))) if ok})


def _as_interval(value: Interval | Truth) -> Interval:
    if isinstance(value, frozenset):
        return (0.0 if False in value else 1.0, 1.0 if True in value else 0.0)
    return value


def _binary(node: Binary, r: Ranges) -> Interval | Truth:
    op = node.op
    left, right = _eval(node.left, r), _eval(node.right, r)
    if op in ("and", "or"):
        a, b = _as_truth(left), _as_truth(right)
        if op == "and":
            return frozenset(
                {v for v, ok in ((True, True in a and True in b), (False, False in a or False in b)) if ok}
            )
        return frozenset({v for v, ok in ((True, True in a or True in b), (False, False in a and False in b)) if ok})
    if op in ("==", "!="):
        if isinstance(left, frozenset) and isinstance(right, frozenset):
            same = {x == y for x in left for y in right}
        else:
            (alo, ahi), (blo, bhi) = _as_interval(left), _as_interval(right)
            overlap = alo <= bhi and blo <= ahi
            single = alo == ahi == blo == bhi
            same = {v for v, ok in ((True, overlap), (False, not single)) if ok}
        return frozenset(same if op == "==" else {not v for v in same})
    (alo, ahi), (blo, bhi) = _as_interval(left), _as_interval(right)
    if op in ("<", "<=", ">", ">="):
        if op in (">", ">="):  # a > b is b < a
            (alo, ahi), (blo, bhi) = (blo, bhi), (alo, ahi)
        strict = op in ("<", ">")
        can_true = alo < bhi if strict else alo <= bhi
        can_false = ahi >= blo if strict else ahi > blo
        return frozenset({v for v, ok in ((True, can_true), (False, can_false)) if ok})
    if op == "+":
        return (alo + blo, ahi + bhi)
    if op == "-":
        return (alo - bhi, ahi - blo)
    if op == "*":
        products = [_mul(x, y) for x in (alo, ahi) for y in (blo, bhi)]
        return (min(products), max(products))
    if op == "/":
        if blo <= 0 <= bhi:  # dividing by zero yields 0; near zero, anything
            return (-INF, INF) if (blo, bhi) != (0, 0) else (0.0, 0.0)
        quotients = [x / y for x in (alo, ahi) for y in (blo, bhi) if not math.isinf(y) or not math.isinf(x)]
        quotients += [0.0] if any(math.isinf(y) for y in (blo, bhi)) else []
        return (min(quotients), max(quotients))
    return (-INF, INF)


def _mul(x: float, y: float) -> float:
    if (x == 0 and math.isinf(y)) or (y == 0 and math.isinf(x)):
        return 0.0
    return x * y


def _call(node: Call, r: Ranges) -> Interval | Truth:
    if node.func in ("visited", "chose"):
        return BOTH
    if node.func in ("visits", "turn"):
        return (0.0, INF)
    if node.func == "if" and len(node.args) == 3:
        cond = _as_truth(_eval(node.args[0], r))
        arms = [
            _eval(arm, narrow(node.args[0], r, holds))
            for arm, holds, live in ((node.args[1], True, True in cond), (node.args[2], False, False in cond))
            if live
        ]
        if all(isinstance(a, frozenset) for a in arms):
            return frozenset().union(*[a for a in arms if isinstance(a, frozenset)])
        spans = [_as_interval(a) for a in arms]
        return (min(lo for lo, _ in spans), max(hi for _, hi in spans))
    args = [_as_interval(_eval(a, r)) for a in node.args]
    if node.func == "min" and len(args) == 2:
        return (min(args[0][0], args[1][0]), min(args[0][1], args[1][1]))
    if node.func == "max" and len(args) == 2:
        return (max(args[0][0], args[1][0]), max(args[0][1], args[1][1]))
    if node.func == "abs" and len(args) == 1:
        lo, hi = args[0]
        if lo >= 0:
            return (lo, hi)
        if hi <= 0:
            return (-hi, -lo)
        return (0.0, max(-lo, hi))
    if node.func == "clamp" and len(args) == 3:
        (vlo, vhi), (llo, lhi), (hlo, hhi) = args  # as the engine: max(low, min(high, value))
        inner = (min(hlo, vlo), min(hhi, vhi))
        return (max(llo, inner[0]), max(lhi, inner[1]))
    return (-INF, INF)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def narrow(cond: Node, r: Ranges, holds: bool) -> Ranges:
    """``r`` with each metric's range cut to what ``cond`` (holding or not) allows: inside
    `if(risk > 80, 0.9, risk / 100)` the second arm sees risk at most 80. Comparisons of a metric
    with a number, joined by `and` (when it holds) or `or` (when it does not), are used; anything
    else leaves the ranges as they are, which is always sound."""
    if isinstance(cond, Unary) and cond.op == "not":
        return narrow(cond.operand, r, not holds)
    if isinstance(cond, Binary) and cond.op in ("and", "or"):
        if (cond.op == "and") == holds:  # both sides hold, or both sides fail
            return narrow(cond.right, narrow(cond.left, r, holds), holds)
        return r
    if not isinstance(cond, Binary) or cond.op not in _FLIP:
        return r
    op, left, right = cond.op, cond.left, cond.right
    if isinstance(left, Num) and isinstance(right, Name):
        op, left, right = _FLIP[op], right, left
    if not (isinstance(left, Name) and isinstance(right, Num) and left.name in r.metrics):
        return r
    if not holds:
        op = _NEGATE[op]
    lo, hi = r.metrics[left.name]
    bound = right.value
    if op in ("<", "<="):
        hi = min(hi, bound)
    else:
        lo = max(lo, bound)
    if lo > hi:
        return r  # the arm cannot be taken at all; keep the ranges, the arm's own value is then moot
    return Ranges({**r.metrics, left.name: (lo, hi)}, r.settable_flags)
