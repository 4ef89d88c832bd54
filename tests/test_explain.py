"""Plain-language explanations: why an objective was missed, how a dimension was scored, one number format."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simgame.engine.evaluate import evaluate
from simgame.engine.explain import why_not
from simgame.engine.run import Run
from simgame.engine.scoring import Component, DimensionScore, Modifier, debrief, score, score_text
from simgame.engine.state import PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA, TINY


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(TINY)


def node_of(sc: Scenario, source: str) -> expr.Node:
    from simgame.format.checks import Checker

    node = expr.parse(source)
    assert expr.check(node, Checker(sc.doc, sc.smap, None).names) == "bool"
    return node


def state(
    value: float = 54,
    risk: float = 30,
    flags: set[str] | None = None,
    chosen: set[str] | None = None,
    visits: dict[str, int] | None = None,
) -> PlayState:
    return PlayState("rollout", {"value": value, "risk": risk}, flags or set(), visits or {}, chosen or set(), 3)


# --- why a condition failed ----------------------------------------------------------------------

CASES = [
    ("value >= 60 and not rushed", state(54), "Value realised is 54, below 60."),
    (
        "value >= 60 and not rushed",
        state(70, flags={"rushed"}),
        "“Scaled before checking the data” was the case at the end.",
    ),
    (
        "value >= 60 and not rushed",
        state(54.25, flags={"rushed"}),
        "Value realised is 54.2, below 60; “Scaled before checking the data” was the case at the end.",
    ),
    ("owner", state(), "“A named owner may switch the model off” was not the case at the end."),
    ("risk <= 40", state(risk=55), "Risk exposure is 55, above 40."),
    ("value >= 60", state(59.96), "Value realised is 59.96, below 60."),
    ("risk <= 40", state(risk=40.0001), "Risk exposure is 40.0001, above 40."),
    ("risk < 40", state(risk=40), "Risk exposure is 40, not below 40."),
    ("value > 60", state(60), "Value realised is 60, not above 60."),
    ("60 <= value", state(54), "Value realised is 54, below 60."),
    ("value == 50", state(54), "Value realised is 54, not 50."),
    ("value != 54", state(54), "Value realised is exactly 54."),
    ("value >= risk", state(20, 30), "Value realised is 20, below Risk exposure at 30."),
    ("value + risk >= 100", state(20, 30), "Value realised plus Risk exposure is 50, below 100."),
    ("not (value < 60)", state(54), "Value realised is 54, below 60."),
    ("not (owner or rushed)", state(flags={"rushed"}), "“Scaled before checking the data” was the case at the end."),
    ("chose(name-owner)", state(), "You did not choose “Name an owner with authority to switch it off, then scale”."),
    ("not chose(scale-now)", state(chosen={"scale-now"}), "You chose “Scale to every region now”."),
    ("visited(incident)", state(), "You never reached “Incident”."),
    ("not visited(incident)", state(visits={"incident": 1}), "You went through “Incident”."),
    ("visits(incident) >= 2", state(visits={"incident": 1}), "Visits to “Incident” is 1, below 2."),
    ("turn() >= 5", state(), "The number of decisions made is 3, below 5."),
    ("min(value, risk) >= 40", state(54, 30), "The lower of Value realised and Risk exposure is 30, below 40."),
    (
        "owner or value >= 60",
        state(54),
        "None of the alternatives held: “A named owner may switch the model off” was not the case at the end; "
        "Value realised is 54, below 60.",
    ),
    ("if(owner, value >= 10, value >= 60)", state(54), "Value realised is 54, below 60."),
    ("false", state(), "It can never be met (its condition is `false`)."),
    (
        "owner == rushed",
        state(flags={"owner"}),
        "“A named owner may switch the model off” held and “Scaled before checking the data” did not hold.",
    ),
]


@pytest.mark.parametrize(("source", "st_", "expected"), CASES, ids=[c[0] + f"-{i}" for i, c in enumerate(CASES)])
def test_why_not_names_the_failing_part(tiny: Scenario, source: str, st_: PlayState, expected: str) -> None:
    assert why_not(tiny, node_of(tiny, source), st_) == expected


def test_a_condition_that_holds_has_no_reason(tiny: Scenario) -> None:
    assert why_not(tiny, node_of(tiny, "value >= 50 and not rushed"), state(54)) == ""


# Random conditions over tiny's names: a reason exactly when the condition fails, never an error.
NUMS = st.sampled_from(["value", "risk", "0", "40", "60.5", "visits(incident)", "turn()"])
BOOLS = st.sampled_from(["owner", "rushed", "chose(measure)", "visited(rollout)", "true", "false"])
OPS = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


@functools.cache
def conditions(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return st.one_of(BOOLS, st.tuples(NUMS, OPS, NUMS).map(lambda t: f"{t[0]} {t[1]} {t[2]}"))
    inner = conditions(depth - 1)
    return st.one_of(
        inner,
        inner.map(lambda a: f"not ({a})"),
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(NUMS, NUMS, OPS, NUMS).map(lambda t: f"max({t[0]}, {t[1]}) - 1 {t[2]} {t[3]}"),
    )


@settings(max_examples=300, deadline=None)
@given(
    source=conditions(3),
    value=st.sampled_from([0.0, 40.0, 54.0, 60.5, 100.0]),
    risk=st.sampled_from([0.0, 40.0, 60.5]),
    flags=st.sets(st.sampled_from(["owner", "rushed"])),
    chosen=st.sets(st.sampled_from(["measure"])),
    visits=st.integers(0, 2),
)
def test_a_reason_exactly_when_the_condition_fails(
    source: str, value: float, risk: float, flags: set[str], chosen: set[str], visits: int
) -> None:
    sc = load_tiny()
    st_ = state(value, risk, flags, chosen, {"incident": visits, "rollout": visits})
    node = node_of(sc, source)
    reason = why_not(sc, node, st_)
    if evaluate(node, st_):
        assert reason == ""
    else:
        assert reason and not reason[0].islower() and reason.endswith("."), reason


@functools.cache
def load_tiny() -> Scenario:
    return load_scenario(TINY)


def test_debrief_says_why_each_objective_was_missed() -> None:
    red = load_scenario(DATA / "red-lines.yaml")
    d = debrief(Run.replay(red, 1, ["buy-quietly", "pause"]))
    assert [met for _, _, met in d.objectives] == [False, False]
    assert d.missed == {
        "value-within-the-law": "Value realised is 65, below 70.",
        "council-heard": "“The works council was consulted” was not the case at the end.",
    }
    d = debrief(Run.replay(red, 1, ["consult-council", "carry-on"]))
    assert d.missed == {}


# --- how a dimension was scored ------------------------------------------------------------------


def dim(*components: Component, modifiers: tuple[Modifier, ...] = (), value: float = 0.0) -> DimensionScore:
    return DimensionScore("d", "D", "", 1, value, components, modifiers)


def test_dimension_explanations_read_as_sentences(tiny: Scenario) -> None:
    run = Run.replay(tiny, 1, ["name-owner", "measure"])
    dims = {d.id: d for d in score(tiny, run, run.metrics).dimensions}
    assert dims["value"].explain() == "Based on Value realised at 45."
    assert dims["control"].explain() == (
        "Based on Risk exposure at 20, which counts as 80 of 100 because lower is better. "
        "Plus 10 points: A named owner could switch the model off."
    )
    for d in dims.values():
        assert "weight" not in d.explain() and "->" not in d.explain()


def test_how_much_each_metric_counts() -> None:
    value = Component("value", "Value", 57, 57, 2)
    trust = Component("trust", "Trust", 60, 60, 1)
    dependence = Component("dep", "Vendor dependence", 80, 20, 1, lower_is_better=True)
    assert dim(value, trust).explain() == "The average of Value at 57 (counts double) and Trust at 60."
    same = Component("value", "Value", 57, 57, 1)
    assert dim(same, trust).explain() == "The average of Value at 57 and Trust at 60."
    assert dim(value, trust, dependence).explain() == (
        "The average of Value at 57 (counts double); Trust at 60; and Vendor dependence at 80, "
        "which counts as 20 of 100 because lower is better."
    )
    odd = Component("value", "Value", 57, 57, 1.5)
    assert dim(odd, trust).explain() == (
        "The average of Value at 57 (counts for 60% of this score) and Trust at 60 (counts for 40% of this score)."
    )
    scaled = Component("budget", "Budget", 7, 70, 1, scale=(0.0, 10.0))
    assert dim(scaled).explain() == "Based on Budget at 7 on a scale of 0 to 10, which counts as 70 of 100."


def test_modifiers_read_as_sentences_and_the_clamp_is_said() -> None:
    value = Component("value", "Value", 95, 95, 1)
    text = dim(value, modifiers=(Modifier("Shadow AI spread.", -1), Modifier("A named owner", 10))).explain()
    assert text == (
        "Based on Value at 95. Minus 1 point: Shadow AI spread. Plus 10 points: A named owner. "
        "A score cannot go above 100."
    )


# --- one number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(79.5, "79.5"), (80.0, "80"), (59.9, "59.9"), (60, "60"), (45.25, "45.2"), (66.66666, "66.7"), (99.96, "100")],
)
def test_score_text_is_the_one_decimal_score(value: float, text: str) -> None:
    assert score_text(value) == text
    assert float(text) == round(value, 1)
