"""Why a condition did not hold, in plain words: what the debrief says after "[not met]".

A missed objective such as ``value >= 60 and not shadow_ai`` is explained by the parts that
failed on the final state ("Value realised is 54, below 60"), read from the expression's AST
and evaluated with `simgame.engine.evaluate`, so the reason always matches the verdict.
"""

from __future__ import annotations

from simgame.engine.evaluate import Env, evaluate
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.i18n import N_, _

NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
ARITHMETIC = {"+": N_("plus"), "-": N_("minus"), "*": N_("times"), "/": N_("divided by")}


def why_not(sc: Scenario, node: expr.Node, env: Env) -> str:
    """The parts of a condition that fail in this state, as one sentence ("" when it holds)."""
    if evaluate(node, env):
        return ""
    text = "; ".join(_reasons(sc, node, env, want=True))
    return text[:1].upper() + text[1:] + "."


def _reasons(sc: Scenario, node: expr.Node, env: Env, want: bool) -> list[str]:
    """Why ``node`` is not ``want`` here (the caller knows it is not)."""
    if isinstance(node, expr.Unary) and node.op == "not":
        return _reasons(sc, node.operand, env, not want)
    if isinstance(node, expr.Binary) and node.op in ("and", "or"):
        parts = _chain(node, node.op)
        failing = [p for p in parts if bool(evaluate(p, env)) != want]
        reasons = [r for p in failing for r in _reasons(sc, p, env, want)]
        if node.op == "or" and want:  # every alternative failed; any one would have been enough
            return [_("none of the alternatives held: {reasons}").format(reasons="; ".join(reasons))]
        return reasons
    if isinstance(node, expr.Binary) and node.op in NEGATED and _is_number(sc, node.left):
        return [_comparison(sc, node, env, node.op if want else NEGATED[node.op])]
    if isinstance(node, expr.Name) and node.name in sc.doc.flags:
        said = sc.doc.flags[node.name].strip().rstrip(".") or node.name
        said_at_end = _("“{flag}” was not the case at the end") if want else _("“{flag}” was the case at the end")
        return [said_at_end.format(flag=said)]
    if isinstance(node, expr.Call) and node.func in ("chose", "visited"):
        arg = node.args[0]
        assert isinstance(arg, expr.IdArg)
        if node.func == "chose":
            label = sc.choices[arg.ident].model.label if arg.ident in sc.choices else arg.ident
            return [(_("you did not choose “{label}”") if want else _("you chose “{label}”")).format(label=label)]
        title = sc.scene(arg.ident).title or arg.ident
        return [(_("you never reached “{title}”") if want else _("you went through “{title}”")).format(title=title)]
    if isinstance(node, expr.Call) and node.func == "if":
        cond, yes, no = node.args
        return _reasons(sc, yes if evaluate(cond, env) else no, env, want)
    if isinstance(node, expr.Bool):
        return [_("it can never be met (its condition is `false`)") if want else _("its condition is always true")]
    if isinstance(node, expr.Binary) and node.op in ("==", "!="):  # two conditions that must (not) agree
        sides = [(describe(sc, n), bool(evaluate(n, env))) for n in (node.left, node.right)]
        return [_(" and ").join(_held(text, held) for text, held in sides)]
    return [_held(describe(sc, node), not want)]


def _held(text: str, held: bool) -> str:
    """'“a condition” held' or 'did not hold'."""
    return (_("“{condition}” held") if held else _("“{condition}” did not hold")).format(condition=text)


def _chain(node: expr.Node, op: str) -> list[expr.Node]:
    """``a and b and c`` as [a, b, c]: one list of parts however the parser nested them."""
    if isinstance(node, expr.Binary) and node.op == op:
        return [*_chain(node.left, op), *_chain(node.right, op)]
    return [node]


def _is_number(sc: Scenario, node: expr.Node) -> bool:
    if isinstance(node, expr.Num):
        return True
    if isinstance(node, expr.Name):
        return node.name in sc.doc.metrics
    if isinstance(node, expr.Unary):
        return node.op != "not"
    if isinstance(node, expr.Binary):
        return node.op in ARITHMETIC
    if isinstance(node, expr.Call):
        return node.func not in ("chose", "visited") and (node.func != "if" or _is_number(sc, node.args[1]))
    return False


def _fixed(node: expr.Node) -> bool:
    """True when a side reads nothing from the state (a number such as 60 or 100 - 40)."""
    names, scenes, choices = expr.names_used(node)
    return not (names or scenes or choices or _reads_turn(node))


def _reads_turn(node: expr.Node) -> bool:
    if isinstance(node, expr.Call):
        return node.func == "turn" or any(_reads_turn(a) for a in node.args)
    if isinstance(node, expr.Unary):
        return _reads_turn(node.operand)
    if isinstance(node, expr.Binary):
        return _reads_turn(node.left) or _reads_turn(node.right)
    return False


def _comparison(sc: Scenario, node: expr.Binary, env: Env, op: str) -> str:
    """A failed comparison ``left op right``: the value the state has, and how it misses."""
    left, right = node.left, node.right
    if _fixed(left) and not _fixed(right):
        left, right, op = right, left, FLIPPED[op]
    a, b = float(evaluate(left, env)), float(evaluate(right, env))
    subject = describe(sc, left)
    if _fixed(left):
        return _("it compares two fixed numbers ({expression}) and never holds").format(expression=describe(sc, node))
    shown_a, shown_b = _distinct(a, b)
    target = shown_b if _fixed(right) else _("{what} at {value}").format(what=describe(sc, right), value=shown_b)
    if op == "!=" and _fixed(right):
        return _("{subject} is exactly {target}").format(subject=subject, target=target)
    if op == "!=":
        said = _("{subject} is {value}, the same as {target}")
    elif op == "==":
        said = _("{subject} is {value}, not {target}")
    else:
        said = _(_RELATIONS[_relation(op, a, b)])
    return said.format(subject=subject, value=shown_a, target=target)


def _distinct(a: float, b: float) -> tuple[str, str]:
    """Both numbers as the debrief shows them, with more decimals only where one decimal would hide
    the difference ("59.96, below 60", never "60, below 60")."""
    shown = number_text(a), number_text(b)
    for places in range(2, 7):
        if a == b or shown[0] != shown[1]:
            break
        shown = f"{a:.{places}f}".rstrip("0").rstrip("."), f"{b:.{places}f}".rstrip("0").rstrip(".")
    return shown


# how a number misses its target, as whole sentences (the word order differs between languages)
_RELATIONS = {
    "below": N_("{subject} is {value}, below {target}"),
    "above": N_("{subject} is {value}, above {target}"),
    "not above": N_("{subject} is {value}, not above {target}"),
    "not below": N_("{subject} is {value}, not below {target}"),
}


def _relation(op: str, a: float, b: float) -> str:
    if a < b:
        return "below"
    if a > b:
        return "above"
    return "not above" if op in (">", ">=") else "not below"


def number_text(value: float) -> str:
    """A number as the debrief shows it: rounded to one decimal as scores are, ".0" dropped."""
    rounded = round(value, 1) + 0.0  # no "-0"
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def describe(sc: Scenario, node: expr.Node) -> str:
    """An expression in words, with metric labels and scene titles instead of ids."""
    if isinstance(node, expr.Num):
        return number_text(node.value)
    if isinstance(node, expr.Bool):
        return _("true") if node.value else _("false")
    if isinstance(node, expr.Name):
        if node.name in sc.doc.metrics:
            return sc.doc.metrics[node.name].label
        return sc.doc.flags.get(node.name, "").strip().rstrip(".") or node.name
    if isinstance(node, expr.Unary):
        inner = describe(sc, node.operand)
        return _("not {condition}").format(condition=inner) if node.op == "not" else f"{node.op}{inner}"
    if isinstance(node, expr.Binary):
        op = _(ARITHMETIC[node.op]) if node.op in ARITHMETIC else node.op
        return f"{_grouped(sc, node.left)} {op} {_grouped(sc, node.right)}"
    if isinstance(node, expr.IdArg):
        return node.ident
    args = [describe(sc, a) for a in node.args]
    if node.func == "visits":
        return _("visits to “{title}”").format(title=sc.scene(args[0]).title or args[0])
    if node.func == "turn":
        return _("the number of decisions made")
    if node.func in ("min", "max"):
        said = _("the lower of {a} and {b}") if node.func == "min" else _("the higher of {a} and {b}")
        return said.format(a=args[0], b=args[1])
    if node.func == "abs":
        return _("the size of {value}").format(value=args[0])
    if node.func == "clamp":
        return _("{value} kept within {low} to {high}").format(value=args[0], low=args[1], high=args[2])
    if node.func == "if":
        return _("{then} if {condition}, else {other}").format(then=args[1], condition=args[0], other=args[2])
    return f"{node.func}({', '.join(args)})"


def _grouped(sc: Scenario, node: expr.Node) -> str:
    text = describe(sc, node)
    return f"({text})" if isinstance(node, expr.Binary) else text
