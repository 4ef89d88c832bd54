"""The engine on the tiny scenario: choices, locks, chance, delayed consequences, fixtures, rewind."""

from __future__ import annotations

import gc
import weakref

import pytest

from simgame.engine.run import RESOLVING, EngineError, Run, machine_for
from simgame.engine.scoring import debrief, score
from simgame.format.compiled import Scenario


def seed_where_drift(tiny: Scenario, fires: bool) -> int:
    for seed in range(200):
        run = Run.start(tiny, seed)
        run.choose("scale-now")
        if (run.scene_id == "incident") == fires:
            return seed
    raise AssertionError("no such seed")


def test_start_state(tiny: Scenario) -> None:
    run = Run.start(tiny, seed=1)
    assert run.scene_id == "kickoff" and run.phase == "pilot" and run.state == "scene:kickoff"
    assert run.metrics == {"value": 30.0, "risk": 30.0}
    assert sorted(o.id for o in run.options()) == ["name-owner", "scale-now"]  # in this run's shuffled order
    assert not run.ended and run.turn == 0


def test_choice_applies_effects_flags_and_moves(tiny: Scenario) -> None:
    run = Run.start(tiny, seed_where_drift(tiny, fires=False))
    d = run.choose("name-owner")
    assert d.deltas == {"value": 5.0, "risk": -10.0}
    assert run.flags == {"owner"} and run.scene_id == "rollout" and run.phase == "scaling"
    assert run.flag_source("owner") == 0
    assert d.feedback == "Priya accepts the role."


def test_locked_choice_is_shown_with_reason_and_refused(tiny: Scenario) -> None:
    seed = seed_where_drift(tiny, fires=True)
    run = Run.start(tiny, seed)
    run.choose("scale-now")
    assert run.scene_id == "incident" and run.phase == "incident"
    locked = [o for o in run.options() if not o.available]
    assert [(o.id, o.locked_reason) for o in locked] == [("switch-off", "Nobody has the authority to switch it off")]
    with pytest.raises(EngineError, match=r"not available now.*keep-running"):
        run.choose("switch-off")


def test_hidden_choice_when_no_lock_reason(tiny: Scenario) -> None:
    run = Run.start(tiny, 0, fixture="after-rush")
    assert run.scene_id in ("rollout", "incident")


def test_unknown_and_foreign_choices_name_the_available_ones(tiny: Scenario) -> None:
    run = Run.start(tiny, 0)
    with pytest.raises(EngineError, match=r"no choice `nope`.*scale-now, name-owner"):
        run.choose("nope")
    with pytest.raises(EngineError, match="belongs to scene `rollout`"):
        run.choose("measure")


def test_chance_event_diverts_and_names_its_cause(tiny: Scenario) -> None:
    run = Run.start(tiny, seed_where_drift(tiny, fires=True))
    d = run.choose("scale-now")
    assert [e.id for e in d.events] == ["drift"]
    event = d.events[0]
    assert event.is_chance and event.probability == pytest.approx(0.3 + 50 / 200)
    assert event.caused_by == (0,) and event.goto == "incident"
    assert run.metrics["risk"] == 65.0


def test_chance_depends_on_state(tiny: Scenario) -> None:
    """The owner path never sets `rushed`, so drift never fires whatever the seed."""
    for seed in range(30):
        run = Run.start(tiny, seed)
        run.choose("name-owner")
        assert run.scene_id == "rollout"


def test_endings_resolve_by_condition_in_order(tiny: Scenario) -> None:
    run = Run.start(tiny, seed_where_drift(tiny, fires=False))
    run.choose("name-owner")
    run.choose("measure")
    assert run.ended and run.ending == "muddled"  # value 45 < 50
    run = Run.start(tiny, seed_where_drift(tiny, fires=False))
    run.choose("scale-now")
    run.choose("celebrate")
    assert run.ending == "muddled"  # risk 55 > 40
    assert run.state == "ending:muddled" and run.state != RESOLVING
    with pytest.raises(EngineError, match="ended"):
        run.choose("measure")


def test_forced_ending(tiny: Scenario) -> None:
    run = Run.start(tiny, seed_where_drift(tiny, fires=True))
    run.choose("scale-now")
    run.choose("keep-running")
    assert run.ending == "crisis"


def test_metrics_clamp(tiny: Scenario) -> None:
    run = Run.start(tiny, 0, fixture="after-rush")
    assert 0 <= run.metrics["risk"] <= 100


def test_fixture_sets_state(tiny: Scenario) -> None:
    run = Run.start(tiny, seed=5, fixture="after-rush")
    assert "rushed" in run.flags and run.flag_source("rushed") == -1
    with pytest.raises(EngineError, match="no fixture `nope`"):
        Run.start(tiny, 0, fixture="nope")


def test_same_seed_same_choices_same_state(tiny: Scenario) -> None:
    for seed in range(20):
        a = Run.replay(tiny, seed, ["scale-now"])
        b = Run.replay(tiny, seed, ["scale-now"])
        assert a.snapshot() == b.snapshot()


def test_rewind_then_replay_equals_original(tiny: Scenario) -> None:
    seed = seed_where_drift(tiny, fires=False)
    run = Run.replay(tiny, seed, ["scale-now", "celebrate"])
    back = run.rewind(1)
    assert back.choice_log == ["scale-now"] and not back.ended
    back.choose("celebrate")
    assert back.snapshot() == run.snapshot()
    other = run.rewind(1)
    other.choose("measure")
    assert other.ending == "muddled" and other.choice_log == ["scale-now", "measure"]
    with pytest.raises(EngineError):
        run.rewind(5)


def test_machine_is_shared_and_built_without_auto_transitions(tiny: Scenario) -> None:
    m = machine_for(tiny)
    assert machine_for(tiny) is m
    assert not m.auto_transitions
    before = len(m.models)
    run = Run.start(tiny, 0)
    assert len(m.models) == before + 1 and run not in m.models  # the machine holds a stand-in, not the run
    run.close()
    assert len(m.models) == before
    assert "take_choice" in m.events and "to_kickoff" not in m.events and "to_scene:kickoff" not in m.events


def test_dropped_runs_are_released(tiny: Scenario) -> None:
    """Finished, rewound and abandoned runs leave the shared machine without anyone calling close()."""
    m = machine_for(tiny)
    gc.collect()
    before = len(m.models)
    refs = []
    for seed in range(2_000):
        run = Run.start(tiny, seed)
        if seed % 3 == 1:
            run.choose("name-owner")
            run = run.rewind(0)  # the rewound-from run is dropped here
        elif seed % 3 == 2:
            run.choose("scale-now")
            run.choose(run.available()[0])
            assert run.ended
        refs.append(weakref.ref(run))
    del run
    gc.collect()
    assert [r for r in refs if r() is not None] == []
    assert len(m.models) == before


def test_debrief_scores_state_not_completion(tiny: Scenario) -> None:
    seed = seed_where_drift(tiny, fires=False)
    good = Run.replay(tiny, seed, ["name-owner", "measure"])
    d = debrief(good)
    assert d.ended and d.ending == "muddled"
    dims = {x.id: x for x in d.outcome.dimensions}
    assert dims["value"].score == pytest.approx(45.0)
    assert dims["control"].score == pytest.approx(90.0)  # 80 from risk 20 inverted, +10 for the owner
    assert d.outcome.overall == pytest.approx(round((45 * 2 + 90) / 3, 1))
    assert d.outcome.band == "mixed"
    assert d.objectives == [("owner-named", "Name someone who can switch the model off", True)]
    assert "owner" in dims["control"].explain().lower()
    unfinished = Run.start(tiny, seed)
    assert score(tiny, unfinished, unfinished.metrics).overall > 0  # state is scored, finishing adds nothing


def test_decision_review_links_later_consequences(tiny: Scenario) -> None:
    run = Run.replay(tiny, seed_where_drift(tiny, fires=True), ["scale-now", "keep-running"])
    d = debrief(run)
    first = d.decisions[0]
    assert first.note == "Speed bought value and risk together."
    assert first.practice == "measure-outcomes"
    assert [e.id for e in first.immediate] == ["drift"]
    groups = d.by_practice()
    assert [r.decision.choice for r in groups["experimentation"]] == ["keep-running"]


PASS_THROUGH = """
format: simgame/v1
id: passage
title: Passage
version: "1"
as_of: "2026-11-01"
role: Tester
summary: A pass-through scene.
minutes: 1
metrics: {value: {label: Value, start: 50}}
phases: {one: {label: One}}
start: intro
scenes:
  intro:
    phase: one
    text: You read this and carry on.
    next: decide
  decide:
    phase: one
    text: Now choose.
    choices:
      - {id: go, label: Go, effects: {value: 10}, next: coda, practice: experimentation, debrief: Why it matters.}
  coda:
    phase: one
    text: The end is near.
    next: end
endings:
  done: {title: Done, text: Finished.}
debrief:
  dimensions: {value: {label: Value, from: {value: 1}}}
  bands: [{id: all, min: 0, label: All}]
"""


def test_pass_through_scenes_continue_and_are_not_decisions() -> None:
    from simgame.format.loader import check_text

    result = check_text(PASS_THROUGH, "passage.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    run = Run.start(result.scenario, 0)
    assert [(o.id, o.label) for o in run.options()] == [("intro.continue", "Continue")]
    run.choose("intro.continue")
    run.choose("go")
    run.choose("coda.continue")
    assert run.ending == "done" and run.choice_log == ["intro.continue", "go", "coda.continue"]
    review = debrief(run).decisions
    assert [r.decision.choice for r in review] == ["go"]
    both = PASS_THROUGH.replace(
        "    next: decide\n",
        "    next: decide\n    choices: [{id: x, label: X, next: coda, practice: experimentation}]\n",
    )
    assert "SG203" in {d.code for d in check_text(both, "p.yaml", None).diagnostics}
    neither = PASS_THROUGH.replace("    next: decide\n", "")
    assert "SG401" in {d.code for d in check_text(neither, "p.yaml", None).diagnostics}


def test_event_reading_the_choice_just_made_names_it_as_cause() -> None:
    from simgame.format.loader import check_text

    doc = PASS_THROUGH.replace(
        """    text: The end is near.
""",
        """    text: The end is near.
    events:
      - {id: echo, when: chose(go), text: It echoes., effects: {value: -5}}
""",
    )
    result = check_text(doc, "echo.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    run = Run.replay(result.scenario, 0, ["intro.continue", "go"])
    decision = run.history[-1]
    assert [(e.id, e.caused_by) for e in decision.events] == [("echo", (1,))]
    review = debrief(run).decisions[0]
    assert [e.id for e in review.immediate] == ["echo"]
