"""The metric ranges alone prove some conditions impossible: SG408, SG409, SG611, and their soundness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simgame.cli.validate import check_paths
from simgame.engine.evaluate import evaluate
from simgame.format import expr, feasible
from tests.toolkit.helpers import write_variant

RANGES = feasible.Ranges({"value": (0.0, 100.0), "risk": (-20.0, 50.0)}, frozenset({"owner"}))


class _Env:
    def __init__(self, value: float, risk: float, owner: bool, rushed: bool) -> None:
        self.values = {"value": value, "risk": risk}
        self.flags = {"owner": owner, "rushed": rushed}

    def metric(self, name: str) -> float:
        return self.values[name]

    def flag(self, name: str) -> bool:
        return self.flags[name]

    def visits(self, scene: str) -> int:
        return 2

    def chose(self, choice: str) -> bool:
        return True

    def turn_count(self) -> int:
        return 3


class _Names:
    metrics = frozenset({"value", "risk"})
    flags = frozenset({"owner", "rushed"})
    scenes = frozenset({"hub"})
    choices = frozenset({"go"})


def _number(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["value", "risk", "3", "0", "0.5", "100", "visits(hub)", "turn()"])
    if depth == 0:
        return leaf
    sub = _number(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, op, b: f"({a} {op} {b})", sub, st.sampled_from(["+", "-", "*", "/"]), sub),
        st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["min", "max"]), sub, sub),
        st.builds(lambda a: f"abs({a})", sub),
        st.builds(lambda a, b, c: f"clamp({a}, {b}, {c})", sub, sub, sub),
        st.builds(lambda c, a, b: f"if({c}, {a}, {b})", _condition(0), sub, sub),
    )


def _condition(depth: int) -> st.SearchStrategy[str]:
    compare = st.builds(
        lambda a, op, b: f"{a} {op} {b}",
        _number(min(depth, 1)),
        st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
        _number(min(depth, 1)),
    )
    leaf = st.one_of(compare, st.sampled_from(["owner", "rushed", "true", "false", "chose(go)", "visited(hub)"]))
    if depth == 0:
        return leaf
    sub = _condition(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, op, b: f"({a}) {op} ({b})", sub, st.sampled_from(["and", "or"]), sub),
        st.builds(lambda a: f"not ({a})", sub),
    )


@settings(max_examples=400, deadline=None)
@given(
    _condition(2),
    st.floats(0, 100),
    st.floats(-20, 50),
    st.booleans(),
)
def test_what_the_analysis_rules_out_never_happens(source: str, value: float, risk: float, owner: bool) -> None:
    """Sound: every concrete state inside the ranges gives a truth value the analysis allows.

    `rushed` is never set by anything here, so it is false in every state the analysis considers.
    """
    node = expr.parse(source)
    expr.check(node, _Names())
    got = bool(evaluate(node, _Env(value, risk, owner, rushed=False)))
    assert got in feasible.truth(node, RANGES), source


@settings(max_examples=400, deadline=None)
@given(_number(2), st.floats(0, 100), st.floats(-20, 50))
def test_numbers_stay_inside_their_interval(source: str, value: float, risk: float) -> None:
    node = expr.parse(source)
    expr.check(node, _Names())
    got = float(evaluate(node, _Env(value, risk, owner=True, rushed=False)))
    lo, hi = feasible.interval(node, RANGES)
    assert lo - 1e-6 * max(1.0, abs(lo)) <= got <= hi + 1e-6 * max(1.0, abs(hi)), (source, got, lo, hi)


def test_plain_cases() -> None:
    def t(source: str) -> frozenset[bool]:
        return feasible.truth(expr.parse(source), RANGES)

    assert t("value > 150") == {False}
    assert t("value >= 0") == {True}
    assert t("value > 50") == {True, False}
    assert t("rushed") == {False}  # nothing sets it
    assert t("owner and value > 100") == {False}


def _codes(path: Path) -> list[str]:
    return [d.code for r in check_paths([str(path)]) for d in r.diagnostics if d.code in ("SG408", "SG409", "SG611")]


def test_an_impossible_when_is_named(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "v.yaml", ("        when: value >= 40\n", "        when: value >= 140\n"))
    assert _codes(path) == ["SG408"]


def test_a_chance_above_one_is_named(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "v.yaml", ("chance: 0.3 + risk / 200", "chance: 0.6 + risk / 50"))
    assert _codes(path) == ["SG409"]


def test_a_chance_below_zero_somewhere_is_fine(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "v.yaml", ("chance: 0.3 + risk / 200", "chance: 0.3 - value / 100"))
    assert _codes(path) == []


@pytest.mark.parametrize(
    "text",
    [
        "'Live{if value > 200}, booming{/if}.'",
        "'Live{if value >= 0}, booming{else}, quiet{/if}.'",
    ],
)
def test_an_arm_that_can_never_show_is_named(tmp_path: Path, text: str) -> None:
    path = write_variant(tmp_path, "v.yaml", ("    text: The model is live everywhere.\n", f"    text: {text}\n"))
    assert _codes(path) == ["SG611"]


def test_a_metric_is_narrowed_inside_the_arms_of_if(tmp_path: Path) -> None:
    """`if(risk > 80, 0.9, risk / 100 + 0.1)` never exceeds 0.9: no SG409."""
    path = write_variant(
        tmp_path, "v.yaml", ("chance: 0.3 + risk / 200", "chance: if(risk > 80, 0.9, risk / 100 + 0.1)")
    )
    assert _codes(path) == []
