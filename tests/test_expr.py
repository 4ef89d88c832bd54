"""The expression language: parsing, type checking, evaluation, and fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simgame.engine.evaluate import evaluate
from simgame.format import expr
from tests.support import ExprEnv as Env
from tests.support import ExprNames

N = ExprNames


def ev(source: str) -> float | bool:
    node = expr.parse(source)
    expr.check(node, N())
    return evaluate(node, Env())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("trust >= 60 and not owner", True),
        ("trust > 60 or rushed", True),
        ("0.2 + risk / 200", 0.35),
        ("-risk + 2 * 3", -24.0),
        ("(1 + 2) * 3", 9.0),
        ("visited(kickoff) and not visited(drift-alarm)", True),
        ("visits(kickoff) == 2", True),
        ("chose(scale-now)", True),
        ("turn() >= 3", True),
        ("min(trust, risk) + max(1, 2) + abs(-3) + clamp(150, 0, 100)", 135.0),
        ("if(rushed, 5, -5)", 5.0),
        ("risk / 0", 0.0),
        ("true == rushed", True),
        ("not not owner", False),
    ],
)
def test_evaluates(source: str, expected: float | bool) -> None:
    assert ev(source) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("source", "code", "offset"),
    [
        ("trust >=", "SG500", 8),
        ("trust >= 60 and", "SG500", 15),
        ("trsut > 1", "SG502", 0),
        ("trust and rushed", "SG503", 6),
        ("rushed + 1", "SG503", 7),
        ("1 < 2 < 3", "SG500", 6),
        ("visited(nowhere)", "SG301", 8),
        ("chose(kickoff)", "SG301", 6),
        ("foo(1)", "SG502", 0),
        ("trust $ 3", "SG500", 6),
        ("", "SG500", 0),
        ("kill-switch", "SG502", 0),
        ("(trust > 1", "SG500", 10),
        ("if(trust, 1, 2)", "SG503", 0),
        ("rushed == 1", "SG503", 7),
    ],
)
def test_errors_are_located(source: str, code: str, offset: int) -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.check(expr.parse(source), N())
    assert info.value.code == code
    assert info.value.offset == offset


def test_unknown_name_suggests_closest() -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.check(expr.parse("trsut > 50"), N())
    assert "trust" in info.value.hint


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(expr.ExprError):
        expr.parse("(" * 500 + "1" + ")" * 500)
    with pytest.raises(expr.ExprError):
        expr.parse("not " * 500 + "owner")


def test_names_used_reports_flags_and_choices() -> None:
    names, scenes, choices = expr.names_used(expr.parse("rushed and visited(kickoff) or chose(scale-now)"))
    assert names == {"rushed"} and scenes == {"kickoff"} and choices == {"scale-now"}


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_located(source: str) -> None:
    try:
        node = expr.parse(source)
    except expr.ExprError as exc:
        assert 0 <= exc.offset <= len(source)
        return
    try:
        expr.check(node, N())
    except expr.ExprError as exc:
        assert 0 <= exc.offset <= len(source)


_atoms = st.sampled_from(["trust", "risk", "rushed", "owner", "1", "0.5", "true", "visits(kickoff)"])
_ops = st.sampled_from([" + ", " - ", " * ", " / ", " and ", " or ", " < ", " >= ", " == "])


@given(st.lists(st.tuples(_atoms, _ops), min_size=1, max_size=8), _atoms)
def test_generated_expressions_never_crash(parts: list[tuple[str, str]], last: str) -> None:
    source = "".join(a + o for a, o in parts) + last
    try:
        node = expr.parse(source)
        expr.check(node, N())
    except expr.ExprError:
        return
    evaluate(node, Env())
