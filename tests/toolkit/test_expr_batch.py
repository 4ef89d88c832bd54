"""Batch evaluation agrees with one-state evaluation: the same booleans and the very same floats, state by state."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simgame.analysis.batch import expr as expr_batch
from simgame.analysis.batch.state import Env, Layout, Rows
from simgame.analysis.keys import all_expressions, key_spec
from simgame.engine.evaluate import as_number, evaluate
from simgame.engine.state import PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario
from tests.toolkit.test_fastplay import _scenarios

# --- a small fixed vocabulary ------------------------------------------------------------------

METRICS = ("alpha", "beta", "gamma")
FLAGS = ("ready", "rushed")
SCENE = "hub"
CHOICE = "pick-one"


@dataclass(frozen=True)
class Vocabulary:
    metrics: frozenset[str] = frozenset(METRICS)
    flags: frozenset[str] = frozenset(FLAGS)
    scenes: frozenset[str] = frozenset({SCENE})
    choices: frozenset[str] = frozenset({CHOICE})


NAMES = Vocabulary()

LITERALS = ("0", "1", "2", "3", "7", "10", "100", "0.5", "0.1", "2.25", "0.05")
NUM_LEAVES = st.one_of(
    st.sampled_from(LITERALS), st.sampled_from(METRICS), st.sampled_from(("turn()", f"visits({SCENE})"))
)
BOOL_LEAVES = st.one_of(
    st.sampled_from(("true", "false")),
    st.sampled_from(FLAGS),
    st.sampled_from((f"visited({SCENE})", f"chose({CHOICE})")),
)
# Denominators that are zero in some or all states (visits are often 0; `-0` is minus zero).
ZEROS = st.sampled_from(("0", "-0", "(alpha - alpha)", "(0 * beta)", f"visits({SCENE})", "(gamma * 0)"))
COMPARE = ("==", "!=", "<", "<=", ">", ">=")


@functools.cache
def numeric(depth: int) -> st.SearchStrategy[str]:
    """Source text of a number-typed expression at most ``depth`` levels deep."""
    if depth == 0:
        return NUM_LEAVES
    n, b = numeric(depth - 1), boolean(depth - 1)
    return st.one_of(
        NUM_LEAVES,
        st.tuples(n, st.sampled_from(("+", "-", "*", "/")), n).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(n, ZEROS).map(lambda t: f"({t[0]} / {t[1]})"),
        n.map(lambda a: f"(-{a})"),
        n.map(lambda a: f"(+{a})"),
        st.tuples(st.sampled_from(("min", "max")), n, n).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        n.map(lambda a: f"abs({a})"),
        st.tuples(n, n, n).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(b, n, n).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
    )


@functools.cache
def boolean(depth: int) -> st.SearchStrategy[str]:
    """Source text of a bool-typed expression at most ``depth`` levels deep."""
    if depth == 0:
        return BOOL_LEAVES
    n, b = numeric(depth - 1), boolean(depth - 1)
    return st.one_of(
        BOOL_LEAVES,
        st.tuples(n, st.sampled_from(COMPARE), n).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(b, st.sampled_from(("==", "!=")), b).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(b, st.sampled_from(("and", "or")), b).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        b.map(lambda a: f"(not {a})"),
        st.tuples(b, b, b).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
    )


EXPRESSIONS = st.one_of(numeric(4).map(lambda s: (s, "number")), boolean(4).map(lambda s: (s, "bool")))

# Metric values: zeros of both signs, halves, negatives, whole numbers, decimals and arbitrary floats
# (kept away from tiny magnitudes so that nested divisions stay finite).
METRIC_VALUES = st.one_of(
    st.sampled_from((0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.5, 3.5, 10.0, 100.0, 0.1, -0.05)),
    st.integers(-100, 100).map(float),
    st.integers(-400, 400).map(lambda k: k / 2),
    st.integers(-100_000, 100_000).map(lambda k: k / 1000),
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-3),
)

STATES = st.builds(
    PlayState,
    scene=st.just(SCENE),
    metrics=st.fixed_dictionaries({m: METRIC_VALUES for m in METRICS}),
    flags=st.sets(st.sampled_from(FLAGS)),
    visit_counts=st.integers(0, 3).map(lambda k: {SCENE: k} if k else {}),
    chosen=st.booleans().map(lambda c: {CHOICE} if c else set()),
    turn=st.integers(0, 12),
)


class ArrayEnv:
    """A minimal `expr_batch.BatchEnv` over a list of states: one array per name."""

    def __init__(self, states: list[PlayState]) -> None:
        self.size = len(states)
        self._metrics = {m: np.array([s.metrics[m] for s in states], np.float64) for m in METRICS}
        self._flags = {f: np.array([f in s.flags for s in states], np.bool_) for f in FLAGS}
        self._visits = np.array([s.visit_counts.get(SCENE, 0) for s in states], np.float64)
        self._chose = np.array([CHOICE in s.chosen for s in states], np.bool_)
        self._turn = np.array([s.turn for s in states], np.float64)

    def metric(self, name: str) -> npt.NDArray[np.float64]:
        return self._metrics[name]  # KeyError for a flag, as Env

    def flag(self, name: str) -> npt.NDArray[np.bool_]:
        return self._flags[name]

    def visits(self, scene: str) -> npt.NDArray[np.float64]:
        return {SCENE: self._visits}[scene]

    def chose(self, choice: str) -> npt.NDArray[np.bool_]:
        return {CHOICE: self._chose}[choice]

    def turn_count(self) -> npt.NDArray[np.float64]:
        return self._turn


# --- comparing values exactly --------------------------------------------------------------------


def same_value(one: float | bool, batch: npt.NDArray[np.float64] | npt.NDArray[np.bool_], i: int) -> bool:
    """Whether entry ``i`` of a batch result is exactly the one-state value (type, bits, sign of zero)."""
    if isinstance(one, bool):
        return batch.dtype == np.bool_ and bool(batch[i]) is one
    if batch.dtype != np.float64 or not isinstance(one, float):
        return False
    got = float(batch[i])
    if math.isnan(one) or math.isnan(got):
        return math.isnan(one) and math.isnan(got)
    return got.hex() == one.hex()  # tells -0.0 from 0.0


def mismatches(node: expr.Node, states: list[PlayState], env: expr_batch.BatchEnv) -> list[str]:
    """Every state where evaluate/truth/number disagree with the one-state evaluator."""
    value = expr_batch.evaluate(node, env)
    truth = expr_batch.truth(node, env)
    number = expr_batch.number(node, env)
    assert value.shape == truth.shape == number.shape == (len(states),)
    assert truth.dtype == np.bool_ and number.dtype == np.float64
    assert not np.isnan(number).any()
    found = []
    for i, state in enumerate(states):
        one = evaluate(node, state)
        if not same_value(one, value, i):
            found.append(f"evaluate state {i}: one-state {one!r}, batch {value[i]!r}")
        if bool(truth[i]) is not bool(one):
            found.append(f"truth state {i}: one-state {bool(one)!r}, batch {truth[i]!r}")
        if float(number[i]).hex() != as_number(one).hex():
            found.append(f"number state {i}: one-state {as_number(one)!r}, batch {number[i]!r}")
    return found


# --- random expressions over the fixed vocabulary -----------------------------------------------


@settings(max_examples=300, deadline=None)
@given(source=EXPRESSIONS, states=st.lists(STATES, min_size=1, max_size=24))
def test_random_expressions_agree(source: tuple[str, str], states: list[PlayState]) -> None:
    text, kind = source
    node = expr.parse(text)
    assert expr.check(node, NAMES) == kind  # the generator only writes well-typed expressions
    problems = mismatches(node, states, ArrayEnv(states))
    assert not problems, f"{text}: " + "; ".join(problems[:5])


@pytest.mark.parametrize(
    "text",
    [
        "alpha / 0",
        "alpha / -0",
        "-alpha / 0",
        "(alpha - alpha) / (beta - beta)",
        "alpha / visits(hub)",
        "0 / 0",
        "-(0 / 0)",
        "abs(-0)",
        "-alpha",
        "min(0, -0)",
        "min(-0, 0)",
        "max(0, -0)",
        "max(-0, 0)",
        "clamp(-0, 0, 0)",
        "clamp(alpha, 10, 0)",
        "clamp(alpha, beta, gamma)",
        "if(ready, -0, 0)",
        "if(ready, rushed, not rushed)",
        "ready == rushed",
        "ready != visited(hub)",
        "not alpha < beta",
        "not not chose(pick-one)",
        "turn() / visits(hub) * alpha",
        "0.1 + 0.2 == 0.3",
        "alpha * 0",
        "+beta",
        "- -gamma",
        "if(alpha > beta, min(alpha, beta), max(gamma, 0.05)) / (turn() - 3)",
    ],
)
def test_edge_expressions_agree(text: str) -> None:
    values = (0.0, -0.0, 0.5, -0.5, 1.0, -3.0, 7.25)
    states = [
        PlayState(
            SCENE,
            {"alpha": a, "beta": b, "gamma": values[(i + j) % len(values)]},
            {f for k, f in enumerate(FLAGS) if (i >> k) & 1},
            {SCENE: j % 3} if j % 3 else {},
            {CHOICE} if (i + j) % 2 else set(),
            (i * j) % 5,
        )
        for i, a in enumerate(values)
        for j, b in enumerate(values)
    ]
    node = expr.parse(text)
    expr.check(node, NAMES)
    problems = mismatches(node, states, ArrayEnv(states))
    assert not problems, f"{text}: " + "; ".join(problems[:5])


def test_a_wrong_value_is_noticed() -> None:
    """The comparison itself can fail: a sign of zero, a type, or a value that differs is a mismatch."""
    assert not same_value(0.0, np.array([-0.0]), 0)
    assert not same_value(True, np.array([1.0]), 0)
    assert not same_value(1.0, np.array([True]), 0)
    assert not same_value(0.30000000000000004, np.array([0.3]), 0)
    assert same_value(-0.0, np.array([-0.0]), 0) and same_value(False, np.array([False]), 0)


# --- every expression of the shipped scenarios, on the real batch layout -----------------------


SCENARIOS = _scenarios()  # the same list test_fastplay walks


def batch_layout(sc: Scenario) -> Layout:
    """The layout the batch explorer uses for ``sc`` (as `explore_batch.Explorer.__init__` builds it)."""
    spec = key_spec(sc)
    names: set[str] = set()
    for node in all_expressions(sc):
        names |= expr.names_used(node)[0]
    return Layout.of(sc, spec.choices, spec.scenes, spec.turn, names)


def build_states(
    layout: Layout, metrics: npt.NDArray[np.float64], rng: np.random.Generator, scene: str, odds: float = 0.5
) -> tuple[Rows, list[PlayState]]:
    """The same random states as batch rows and as `PlayState` objects.

    ``metrics`` holds one row of metric values per state; flags and remembered choices are on with
    probability ``odds``, visits are 0-2, and the turn 0-30.
    """
    n = len(metrics)
    rows = Rows(np.zeros((n, layout.width), np.int64))
    for col in range(len(layout.metrics)):
        rows.set_metric(col, metrics[:, col].copy())
    flags = rng.random((n, len(layout.flags.names))) < odds
    chosen = rng.random((n, len(layout.choices.names))) < odds
    visits = rng.integers(0, 3, (n, len(layout.scenes)))
    turns = rng.integers(0, 31, n)
    states = []
    for i in range(n):
        one = rows.data[i : i + 1]  # a view: Bits.set writes through it
        for j, name in enumerate(layout.flags.names):
            if flags[i, j]:
                layout.flags.set(one, layout.flag_at, name)
        for j, name in enumerate(layout.choices.names):
            if chosen[i, j]:
                layout.choices.set(one, layout.choice_at, name)
        states.append(
            PlayState(
                scene,
                {k: float(metrics[i, col]) for col, k in enumerate(layout.metrics)},
                {name for j, name in enumerate(layout.flags.names) if flags[i, j]},
                {s: int(visits[i, j]) for j, s in enumerate(layout.scenes) if visits[i, j]},
                {name for j, name in enumerate(layout.choices.names) if chosen[i, j]},
                int(turns[i]),
            )
        )
    rows.data[:, layout.visit_at : layout.visit_at + len(layout.scenes)] = visits
    if layout.turn:
        rows.data[:, layout.turn_at] = turns
    else:
        for state in states:
            state.turn = 0  # the layout keeps no turn: no expression of the scenario reads it
    for col in range(len(layout.metrics)):  # what was stored reads back the same
        assert rows.metric(col).tolist() == metrics[:, col].tolist()
    return rows, states


def wild_metrics(k: int, n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Metric values for expressions: whole numbers, halves, zeros, negatives and arbitrary floats."""
    kind = rng.integers(0, 5, (n, k))
    whole = rng.integers(-20, 121, (n, k)).astype(np.float64)
    halves = rng.integers(-40, 241, (n, k)) / 2
    hundredths = rng.integers(-2000, 12001, (n, k)) / 100
    anything = rng.uniform(-150, 150, (n, k))
    picks = np.choose(kind, [whole, halves, hundredths, anything, np.zeros((n, k))])
    return picks + 0.0  # no minus zero: the batch stores 0.0 for it


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
def test_every_scenario_expression_agrees(sc: Scenario) -> None:
    layout = batch_layout(sc)
    rng = np.random.default_rng(sum(map(ord, sc.id)))
    metrics = wild_metrics(len(layout.metrics), 300, rng)
    rows, states = build_states(layout, metrics, rng, sc.doc.start)
    nodes = all_expressions(sc)
    assert nodes
    env = Env(rows, layout)
    for node in nodes:
        problems = mismatches(node, states, env)
        assert not problems, f"{sc.id} {node}: " + "; ".join(problems[:5])
    # an Env over some rows picked by index (repeats allowed) reads the same states
    index = rng.integers(0, len(states), 200)
    picked = [states[i] for i in index]
    for node in nodes:
        problems = mismatches(node, picked, Env(rows, layout, index))
        assert not problems, f"{sc.id} {node} (indexed): " + "; ".join(problems[:5])
