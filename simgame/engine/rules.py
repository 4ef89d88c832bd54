"""The rules of play for one state: the single implementation every caller uses.

`Run` sequences a playthrough with its `transitions` machine and calls these functions from
the machine's guards and callbacks; replay for analytics and random play
call them directly, without the machine, because they play millions of steps. The numpy
batch explorer (`simgame.analysis.batch`) is the only other copy, written for arrays, and
property tests keep it equal value for value.

Chance events are decided by a *roller*: it returns a roll in [0, 1) and the event fires
when the roll is below its probability. `seeded_roller` gives every run's rolls; the
explorer's rollers force a branch (0.0 fires, 1.0 does not).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from simgame.engine import causes
from simgame.engine.evaluate import Env, as_number, evaluate
from simgame.engine.state import EngineError, Option, PlayState
from simgame.format.compiled import END, CompiledChoice, CompiledEvent, Effect, Scenario
from simgame.format.story import MAX_DIVERTS as MAX_DIVERTS  # SG407 refuses scenarios that could exceed it
from simgame.format.story import default_ending
from simgame.i18n import N_, _

# The label simgame.format.story gives a pass-through scene's own choice: shown in the player's language.
CONTINUE = N_("Continue")

# (state, event, probability) -> a roll in [0, 1); called only when 0 < probability < 1.
Roller = Callable[[PlayState, CompiledEvent, float], float]


@dataclass(frozen=True, slots=True)
class Fired:
    """An event that fired on entering a scene, with what it changed."""

    event: CompiledEvent
    scene: str
    probability: float
    roll: float | None  # None when the event was certain
    deltas: dict[str, float]
    turn: int  # decisions made before it fired
    caused_by: tuple[int, ...] = ()  # indexes of the decisions that made it fire (simgame.engine.causes)


# -- metrics and chance -------------------------------------------------------------


def clamp_metric(sc: Scenario, metric: str, value: float) -> float:
    """Values clamp to the metric's range after every change (rounded so states compare equal)."""
    m = sc.doc.metrics[metric]
    return min(m.max, max(m.min, round(value, 6)))


def apply_effects(sc: Scenario, metrics: dict[str, float], effects: tuple[Effect, ...], env: Env) -> dict[str, float]:
    """Apply metric effects (all evaluated on the state before any applies); return the clamped deltas."""
    values: dict[str, float] = {}
    for e in effects:
        if e.constant is not None:
            values[e.metric] = e.constant
        elif e.formula is not None:
            values[e.metric] = as_number(evaluate(e.formula, env))
    deltas: dict[str, float] = {}
    for metric, change in values.items():
        before = metrics[metric]
        after = clamp_metric(sc, metric, before + change)
        metrics[metric] = after
        deltas[metric] = after - before
    return deltas


def event_probability(event: CompiledEvent, env: Env) -> float | None:
    """The event's chance clamped to [0, 1], or None when its `when` does not hold."""
    if event.when is not None and not evaluate(event.when, env):
        return None
    if isinstance(event.chance, float):
        probability = event.chance
    else:
        probability = as_number(evaluate(event.chance, env))
    return min(1.0, max(0.0, probability))


def chance_roll(seed: int, turn: int, scene_id: str, visits: int, event_id: str) -> float:
    """A seeded roll that depends only on where and when it happens, never on earlier rolls."""
    return random.Random(f"{seed}|{turn}|{scene_id}|{visits}|{event_id}").random()


def seeded_roller(seed: int) -> Roller:
    """The rolls of a run with this seed."""

    def roll(st: PlayState, event: CompiledEvent, probability: float) -> float:
        return chance_roll(seed, st.turn, st.scene, st.visits(st.scene), event.id)

    return roll


# -- the state a run starts in ---------------------------------------------------------


def initial_state(sc: Scenario, fixture: str | None = None) -> tuple[PlayState, str]:
    """The state before the first scene is entered, and that scene (a fixture may start elsewhere)."""
    doc = sc.doc
    st = PlayState(doc.start, {mid: float(m.start) for mid, m in doc.metrics.items()})
    if fixture is None:
        return st, doc.start
    if fixture not in doc.fixtures:
        known = ", ".join(doc.fixtures) or _("none")
        said = _("this scenario has no fixture `{fixture}` (fixtures: {known})")
        raise EngineError(said.format(fixture=fixture, known=known))
    fx = doc.fixtures[fixture]
    for mid, value in fx.metrics.items():
        st.metrics[mid] = clamp_metric(sc, mid, float(value))
    for flag in fx.flags:
        st.flags.add(flag)
        st.flag_source[flag] = -1  # set by the fixture, not by a decision
    return st, fx.scene


def start(sc: Scenario, roller: Roller, fixture: str | None = None) -> tuple[PlayState, list[Fired]]:
    """The state after entering the first scene and following its events, as a run starts."""
    st, scene = initial_state(sc, fixture)
    fired: list[Fired] = []
    arrive(sc, st, scene, roller, fired)
    return st, fired


# -- the options offered -----------------------------------------------------------------


def is_available(st: PlayState, choice: CompiledChoice) -> bool:
    """Can the player take this choice now: not a spent `once` choice, and its `when` holds."""
    if choice.model.once and choice.id in st.chosen:
        return False
    return choice.when is None or bool(evaluate(choice.when, st))


def options(sc: Scenario, st: PlayState) -> list[Option]:
    """The choices shown now: available ones, and locked ones whose author gave a reason."""
    if st.ending is not None:
        return []
    shown: list[Option] = []
    for choice in sc.scene_choices[st.scene]:
        if choice.model.once and choice.id in st.chosen:
            continue
        ok = is_available(st, choice)
        if ok or choice.model.locked:
            reason = None if ok else choice.model.locked
            by = () if ok else causes.lock_causes(sc, st, choice)
            words = causes.chose_words(causes.named(sc, st.log), by) if by else ""
            label = _(choice.model.label) if choice.synthetic else choice.model.label
            shown.append(Option(choice.id, label, ok, reason, len(shown) + 1, by, words))
    return shown


def available(sc: Scenario, st: PlayState) -> list[CompiledChoice]:
    """The choices the player may take now, in the scene's order."""
    if st.ending is not None:
        return []
    return [c for c in sc.scene_choices[st.scene] if is_available(st, c)]


def refusal(sc: Scenario, st: PlayState, choice_id: str) -> str | None:
    """Why this choice cannot be taken now (written for the player), or None when it can."""
    if st.ending is not None:
        return _("the run has ended ({ending}); rewind to choose again").format(ending=st.ending)
    choice = sc.choices.get(choice_id)
    if choice is not None and choice.scene == st.scene and is_available(st, choice):
        return None
    here = ", ".join(c.id for c in available(sc, st)) or _("none")
    if choice is None:
        return _("there is no choice `{choice}` in this scenario; choices here: {here}").format(
            choice=choice_id, here=here
        )
    if choice.scene != st.scene:
        said = _("`{choice}` belongs to scene `{scene}`, not `{current}`; choices here: {here}")
        return said.format(choice=choice_id, scene=choice.scene, current=st.scene, here=here)
    reason = f" ({choice.model.locked})" if choice.model.locked else ""
    said = _("`{choice}` is not available now{reason}; choices here: {here}")
    return said.format(choice=choice_id, reason=reason, here=here)


# -- choosing, entering, settling -----------------------------------------------------------


def apply_choice(sc: Scenario, st: PlayState, choice: CompiledChoice) -> dict[str, float]:
    """A choice's own consequences (effects, flags, the turn); return its clamped metric deltas."""
    deltas = apply_effects(sc, st.metrics, choice.effects, st)
    causes.record(st, (st.turn,), choice.sets, choice.clears, deltas)  # st.turn: the decision being made
    st.flags.update(choice.sets)
    st.flags.difference_update(choice.clears)
    st.chosen.add(choice.id)
    st.log.append(choice.id)
    st.turn += 1
    return deltas


def choose(sc: Scenario, st: PlayState, choice: CompiledChoice, roller: Roller) -> list[Fired]:
    """Make a choice (assumed available) and follow events and diversions until play rests."""
    apply_choice(sc, st, choice)
    fired: list[Fired] = []
    arrive(sc, st, choice.next, roller, fired)
    return fired


def enter(sc: Scenario, st: PlayState, scene_id: str, roller: Roller, fired: list[Fired]) -> str | None:
    """Enter a scene and run its events in order; return the scene an event diverts play to."""
    st.scene = scene_id
    st.visit_counts[scene_id] = st.visit_counts.get(scene_id, 0) + 1
    causes.record_entry(st, scene_id)
    for event in sc.scene_events[scene_id]:
        probability = event_probability(event, st)
        if probability is None or probability <= 0.0:
            continue
        roll: float | None = None
        if probability < 1.0:
            roll = roller(st, event, probability)
            if roll >= probability:
                continue
        caused_by = causes.event_causes(sc, st, event)  # read before the event changes anything
        deltas = apply_effects(sc, st.metrics, event.effects, st)
        causes.record(st, caused_by, event.sets, event.clears, deltas)
        st.flags.update(event.sets)
        st.flags.difference_update(event.clears)
        fired.append(Fired(event, scene_id, probability, roll, deltas, st.turn, caused_by))
        if event.goto:
            return event.goto
    return None


def settle_ending(sc: Scenario, env: Env) -> str:
    """The ending `next: end` resolves to: the first whose `when` holds, else the default."""
    for eid, when in sc.endings_by_condition:
        if when is not None and evaluate(when, env):
            return eid
    default = default_ending(sc.doc)
    if default is None:
        raise EngineError(_("`next: end` found no ending whose condition holds and there is no default"))
    return default


def reach_ending(st: PlayState, ending: str) -> None:
    """Play rests at an ending."""
    st.ending = ending
    st.scene = ending


def count_divert(diverts: int) -> int:
    """One more chance diversion on the way to a resting place; refuse a circle."""
    if diverts + 1 > MAX_DIVERTS:
        raise EngineError(_("chance events keep diverting play in a circle; the scenario needs a fix"))
    return diverts + 1


def arrive(sc: Scenario, st: PlayState, target: str, roller: Roller, fired: list[Fired]) -> None:
    """Go to a scene or ending, following `next: end` and event diversions until play rests.

    `Run` takes the same steps through its state machine (settle, enter, divert); the
    property tests in tests/toolkit/test_fastplay.py check both agree on random walks.
    """
    diverts = 0
    while True:
        if target == END:
            target = settle_ending(sc, st)
        if target in sc.doc.endings:
            reach_ending(st, target)
            return
        goto = enter(sc, st, target, roller, fired)
        if goto is None:
            return
        diverts = count_divert(diverts)
        target = goto
