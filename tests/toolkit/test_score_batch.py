"""Batch scoring gives the debrief's very overall score and band for every state, rounding halves included."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simgame.analysis.batch import score as score_batch
from simgame.analysis.batch.state import Env, Rows
from simgame.engine.scoring import score
from simgame.engine.state import PlayState
from simgame.format.compiled import Scenario
from tests.toolkit.test_expr_batch import SCENARIOS, batch_layout, build_states


def in_range_metrics(sc: Scenario, n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Metric values within each metric's [min, max]: whole numbers, halves, twentieths, arbitrary floats, ends."""
    cols = []
    for m in sc.doc.metrics.values():
        lo, hi = float(m.min), float(m.max)
        kind = rng.integers(0, 5, n)
        whole = rng.integers(int(np.ceil(lo)), int(np.floor(hi)) + 1, n).astype(np.float64)
        halves = np.clip(np.floor(rng.uniform(lo, hi, n) * 2) / 2, lo, hi)
        twentieths = np.clip(np.round(rng.uniform(lo, hi, n) * 20) / 20, lo, hi)
        anything = rng.uniform(lo, hi, n)
        ends = rng.choice(np.array([lo, hi]), n)
        cols.append(np.choose(kind, [whole, halves, twentieths, anything, ends]))
    return np.stack(cols, axis=1) + 0.0


def half_metrics(sc: Scenario, targets: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Metrics at which every normalised metric is (about) ``target``, so the score is (about) the target."""
    cols = []
    for m in sc.doc.metrics.values():
        lo, hi = float(m.min), float(m.max)
        share = targets / 100 * (hi - lo)
        cols.append(hi - share if m.higher_is == "worse" else lo + share)
    return np.stack(cols, axis=1) + 0.0


def python_raw(sc: Scenario, state: PlayState) -> float:
    """The overall score before rounding, as `scoring.score` computes it (to see which states sit on a half)."""
    dims = score(sc, state, state.metrics).dimensions
    weights = sum(d.weight for d in dims)
    return sum(d.score * d.weight for d in dims) / weights if weights else sum(d.score for d in dims) / len(dims)


def assert_scores_agree(sc: Scenario, rows: Rows, states: list[PlayState], pieces: tuple[int, ...] = (8192,)) -> None:
    """`Scorer.overall` (scoring ``pieces`` rows at a time) and `overall` give `score()`'s value; `bands` its band."""
    layout = batch_layout(sc)
    scorer = score_batch.Scorer(sc, layout)
    exact = score_batch.overall(sc, Env(rows, layout))
    bands = score_batch.bands(sc, exact)
    band_ids = [b.id for b in sc.doc.debrief.bands]
    outcomes = [score(sc, state, state.metrics) for state in states]
    assert exact.shape == bands.shape == (len(states),)
    problems = []
    for piece in pieces:
        fast = scorer.overall(rows, piece=piece)
        assert fast.shape == (len(states),)
        problems += [
            f"state {i} {states[i].metrics} flags={sorted(states[i].flags)} chosen={sorted(states[i].chosen)}"
            f" seen={states[i].visit_counts}: score() {o.overall!r}, Scorer(piece={piece}) {fast[i]!r}"
            for i, o in enumerate(outcomes)
            if float(fast[i]).hex() != o.overall.hex()
        ]
    problems += [
        f"state {i} {states[i].metrics}: score() {o.overall!r}, overall {exact[i]!r}"
        for i, o in enumerate(outcomes)
        if float(exact[i]).hex() != o.overall.hex()
    ]
    problems += [
        f"state {i}: score() band {o.band}, bands() {band_ids[bands[i]]}"
        for i, o in enumerate(outcomes)
        if band_ids[bands[i]] != o.band
    ]
    assert not problems, f"{sc.id}: {len(problems)} mismatches; " + "; ".join(problems[:4])


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
def test_random_states_score_as_the_debrief(sc: Scenario) -> None:
    layout = batch_layout(sc)
    rng = np.random.default_rng(7 + sum(map(ord, sc.id)))
    metrics = in_range_metrics(sc, 500, rng)
    rows, states = build_states(layout, metrics, rng, sc.doc.start)
    assert_scores_agree(sc, rows, states)
    # sparse flags and choices too (most modifiers off), scored in small pieces
    rows, states = build_states(layout, in_range_metrics(sc, 300, rng), rng, sc.doc.start, odds=0.1)
    assert_scores_agree(sc, rows, states, pieces=(8192, 37))


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.id)
def test_scores_on_a_rounding_half(sc: Scenario) -> None:
    """Scores of x.x5: every tenth plus 0.05 (45.25 and 45.75 exactly; most only within a bit), and band edges."""
    layout = batch_layout(sc)
    targets = np.concatenate([np.arange(1000) / 10 + 0.05, np.arange(101.0), np.array([45.25, 0.05, 99.95])])
    rng = np.random.default_rng(11)
    metrics = half_metrics(sc, targets)
    rows, states = build_states(layout, metrics, rng, sc.doc.start, odds=0.0)
    raws = [python_raw(sc, s) for s in states]
    # the naive rounding (scale by ten, round half to even) is wrong for some of these states
    tricky = sum(round(r, 1) != np.rint(r * 10) / 10 for r in raws)
    assert tricky >= 10, f"{sc.id}: only {tricky} states where naive rounding differs"
    assert_scores_agree(sc, rows, states, pieces=(8192, 64))  # halves found in every piece, not only the first
    # the same targets with random flags and choices (modifiers shift the score by whole points)
    rows, states = build_states(layout, metrics, rng, sc.doc.start, odds=0.3)
    assert_scores_agree(sc, rows, states, pieces=(100,))


def test_tiny_exact_half_scores(tiny: Scenario) -> None:
    """tiny scores (2 * value + (100 - risk) [+ 10 with an owner]) / 3: pick value and risk to land on halves."""
    layout = batch_layout(tiny)
    cases = [
        (45.25, 54.75),
        (45.75, 54.25),
        (0.05, 99.95),
        (99.95, 0.05),
        (45.45, 54.55),
        (12.35, 87.65),
        (20.0, 39.85),
        (20.0, 39.95),
        (33.35, 66.65),
        (80.0, 79.85),
        (50.0, 60.0),
        (69.95, 30.05),
    ]
    metrics = np.array(cases)
    rows, states = build_states(layout, metrics, np.random.default_rng(3), tiny.doc.start, odds=0.0)
    assert_scores_agree(tiny, rows, states)
    assert score(tiny, states[0], states[0].metrics).overall == 45.2  # 45.25 exactly: half to even
    rows, states = build_states(layout, metrics, np.random.default_rng(3), tiny.doc.start, odds=1.0)
    assert_scores_agree(tiny, rows, states)


# --- round1 --------------------------------------------------------------------------------------

HALVES = [45.25, 0.05, 99.95, 45.45, 0.15, 0.25, 0.35, 2.675, 1.005, 12.35, 99.75, 100.0, 0.0, 50.05]


@settings(max_examples=300, deadline=None)
@given(x=st.floats(0, 100, allow_nan=False))
@example(x=45.25)
@example(x=0.05)
@example(x=99.95)
@example(x=45.45)
@example(x=0.45)
@example(x=5e-324)
def test_round1_is_python_round(x: float) -> None:
    assert float(score_batch.round1(np.array([x]))[0]).hex() == round(x, 1).hex()


@settings(max_examples=100, deadline=None)
@given(
    xs=st.lists(
        st.one_of(
            st.floats(0, 100, allow_nan=False),
            st.sampled_from(HALVES),
            st.integers(0, 999).map(lambda k: k / 10 + 0.05),
            st.integers(0, 999).map(lambda k: (k + 0.5) / 10),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_round1_of_many_values(xs: list[float]) -> None:
    got = score_batch.round1(np.array(xs))
    assert [v.hex() for v in got.tolist()] == [round(x, 1).hex() for x in xs]


def test_round1_of_every_half() -> None:
    xs = np.concatenate([np.arange(1000) / 10 + 0.05, (np.arange(1000) + 0.5) / 10, np.array(HALVES)])
    got = score_batch.round1(xs)
    assert [v.hex() for v in got.tolist()] == [round(x, 1).hex() for x in xs.tolist()]
