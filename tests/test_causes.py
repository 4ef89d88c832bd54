"""Consequences name the decisions that caused them (tests/data/causes.yaml, simgame.engine.causes).

Decision indexes count every step of the choice log; decision numbers (what the player reads)
skip the pass-through memo, so index 2 is decision 2.
"""

from __future__ import annotations

import pytest

from simgame.authoring.run_report import debrief_text, transcript_text
from simgame.engine.run import Run
from simgame.engine.scoring import debrief
from simgame.format.compiled import Scenario
from simgame.format.loader import check_text, load_scenario
from tests.support import DATA, TINY

CUT = "Skip the data checks to hit the date"
TRAIN = "Send everyone on a training course"


@pytest.fixture(scope="module")
def causes() -> Scenario:
    return load_scenario(DATA / "causes.yaml")


def fired(run: Run) -> dict[str, tuple[int, ...]]:
    return {e.id: e.caused_by for e in run.history[-1].events}


def test_a_later_event_is_credited_to_the_decision_that_set_its_flag(causes: Scenario) -> None:
    run = Run.replay(causes, 0, ["cut-corners", "memo.continue", "train"])
    events = fired(run)
    assert events["corners-show"] == (0,)  # the flag decision 1 set, not the course just booked
    assert events["backlog-grows"] == (0,)  # a flag an event set because of decision 1
    reviews = debrief(run).decisions
    assert [(r.number, r.decision.index) for r in reviews] == [(1, 0), (2, 2)]
    first, second = reviews
    assert [e.id for e in first.later] == ["corners-show", "backlog-grows"]
    assert "corners-show" not in [e.id for e in second.immediate]


def test_an_event_that_reads_nothing_from_history_has_no_cause(causes: Scenario) -> None:
    for path in (["cut-corners", "memo.continue", "train"], ["check-first", "memo.continue", "hire"]):
        run = Run.replay(causes, 0, path)
        assert fired(run)["quarter-close"] == ()


def test_a_metric_credits_its_last_mover_only_when_that_move_tipped_the_condition(causes: Scenario) -> None:
    trained = Run.replay(causes, 0, ["check-first", "memo.continue", "train"])
    assert fired(trained)["short-of-cash"] == (2,)  # budget 55 -> 45 took it below 50
    hired = Run.replay(causes, 0, ["check-first", "memo.continue", "hire"])
    assert fired(hired)["analysts-help"] == (2,)
    assert fired(hired)["steady-team"] == ()  # morale 50 -> 55: at least 50 either way


def test_a_locked_option_names_the_decision_that_locked_it(causes: Scenario) -> None:
    run = Run.replay(causes, 0, ["cut-corners", "memo.continue", "train"])
    locked = {o.id: o for o in run.options() if not o.available}
    audit, expand = locked["audit"], locked["expand"]
    assert audit.locked_by == (0,) and audit.locked_reason == "The auditors only sign off work whose data was checked"
    assert (
        audit.why_locked == f"you chose “{CUT}” at decision 1. The auditors only sign off work whose data was checked"
    )
    assert expand.locked_by == (2,)  # the training course spent the budget
    assert expand.locked_cause == f"you chose “{TRAIN}” at decision 2"  # the memo is not a decision
    assert all(o.why_locked is None for o in run.options() if o.available)


def test_a_lock_with_no_decision_behind_it_keeps_the_authors_reason(tiny: Scenario) -> None:
    run = Run.replay(tiny, 0, ["name-owner"])
    [celebrate] = [o for o in run.options() if not o.available]
    assert celebrate.locked_by == () and celebrate.why_locked == "Needs value of at least 40"  # +5 tipped nothing


def test_text_reports_name_the_cause(causes: Scenario) -> None:
    run = Run.replay(causes, 0, ["cut-corners", "memo.continue", "train", "carry-on"])
    steps = [(d.scene, [], d) for d in run.history]
    transcript = transcript_text(run, steps)
    assert f"[consequence, because at decision 1 you chose “{CUT}”] The skipped checks surface" in transcript
    assert "[meanwhile] The quarter closes" in transcript
    report = debrief_text(debrief(run), causes)
    assert "later, after decision 2: The skipped checks surface" in report
    assert "meanwhile: The quarter closes" in report and "then: Finance freezes" in report


WHO = """
format: simgame/v1
id: who
title: Who did it
version: "1"
as_of: "2026-11-01"
role: Tester
summary: Flags set, cleared and read in either sense.
minutes: 1
metrics: {value: {label: Value, start: 50}}
flags: {a: A, b: B}
phases: {one: {label: One}}
start: first
scenes:
  first:
    phase: one
    text: First.
    choices:
      - {id: set-a, label: Set A, set: [a], next: second, practice: experimentation, debrief: x}
      - {id: set-both, label: Set A and B, set: [a, b], next: second, practice: experimentation, debrief: x}
  second:
    phase: one
    text: Second.
    choices:
      - {id: set-b, label: Set B, set: [b], next: third, practice: experimentation, debrief: x}
      - {id: clear-a, label: Clear A, clear: [a], next: third, practice: experimentation, debrief: x}
  third:
    phase: one
    text: Third.
    events:
      - {id: either, when: a or b, text: Either.}
      - {id: not-a, when: not a, text: Not A.}
      - {id: both, when: a and b, text: Both.}
      - {id: not-both, when: not (a and b), text: Not both.}
    next: end
endings:
  done: {title: Done, text: Finished.}
debrief:
  dimensions: {value: {label: Value, from: {value: 1}}}
  bands: [{id: all, min: 0, label: All}]
"""


def test_only_the_parts_that_decided_a_condition_are_causes() -> None:
    result = check_text(WHO, "who.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    kept = Run.replay(result.scenario, 0, ["set-a", "set-b"])
    assert {e.id: e.caused_by for e in kept.history[-1].events} == {"either": (0, 1), "both": (0, 1)}
    cleared = Run.replay(result.scenario, 0, ["set-both", "clear-a"])
    # `a` was cleared at index 1 and `b` set at index 0: `a or b` holds because of `b` alone, while
    # `not a` and `not (a and b)` hold because `a` was cleared.
    assert {e.id: e.caused_by for e in cleared.history[-1].events} == {"either": (0,), "not-a": (1,), "not-both": (1,)}


ODDS = "        when: rushed\n        chance: 0.3 + risk / 200\n"  # tiny's drift event, replaced below


def tiny_with_drift_chance(tiny: Scenario, chance: str) -> Scenario:
    """tests/data/tiny.yaml with the drift event at any state, at ``chance``."""
    text = TINY.read_text(encoding="utf-8")
    assert ODDS in text
    result = check_text(text.replace(ODDS, f"        chance: {chance}\n"), "odds.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    return result.scenario


def drifted(scenario: Scenario, first: str) -> Run:
    """The first run (by seed) where the drift event fires after ``first``."""
    for seed in range(50):
        run = Run.replay(scenario, seed, [first])
        if "drift" in fired(run):
            return run
    raise AssertionError("the drift never fired")


def test_a_chance_credits_a_decision_only_when_it_raised_the_odds(tiny: Scenario) -> None:
    # Naming an owner cut the drift's odds from 90% to 30%: when it drifts anyway, that is not why.
    lowered = drifted(tiny_with_drift_chance(tiny, "if(owner, 0.3, 0.9)"), "name-owner")
    [drift] = [e for e in lowered.history[-1].events if e.id == "drift"]
    assert drift.probability == pytest.approx(0.3) and drift.caused_by == ()
    assert "meanwhile (a 30% chance): Triage quality drops" in debrief_text(debrief(lowered), lowered.scenario)
    # The same choice raising the odds from 30% to 90% is a cause.
    raised = drifted(tiny_with_drift_chance(tiny, "if(owner, 0.9, 0.3)"), "name-owner")
    assert fired(raised)["drift"] == (0,)
    assert "then (a 90% chance): Triage quality drops" in debrief_text(debrief(raised), raised.scenario)
    # As shipped, the drift needs `when: rushed`: the `when` names the rush whatever the odds say.
    assert fired(drifted(tiny, "scale-now"))["drift"] == (0,)
