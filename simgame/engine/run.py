"""Play: a `transitions` state machine per scenario drives every run.

Scenes and endings are the machine's states, tagged with their lifecycle phase. One
generic trigger, ``take_choice``, carries the choice id; each choice is a transition
guarded by "this is the choice, and its condition holds". Consequences run in
callbacks. Chance events divert play with a second trigger, and ``next: end`` passes
through a resolving state whose transitions are the endings' conditions.

The machine is built once per scenario and shared by all its runs (each run is a
model added to it). Runs are deterministic: the same scenario, seed, start and choices
always give the same state.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from transitions import EventData, Machine, MachineError
from transitions.extensions.states import Tags, add_state_features

from simgame.engine.state import Decision, EventRecord, Mutable, Option, Snapshot
from simgame.format import expr
from simgame.format.checks import default_ending
from simgame.format.compiled import END, CompiledChoice, CompiledEvent, Effect, Scenario

RESOLVING = "@resolving-ending"
MAX_DIVERTS = 50


# -- rules shared by Run and the fast path (simgame.engine.rules) --------------------
# One implementation of each rule: Run calls these through the state machine, the
# explorer's fast path calls them directly, and a property test checks both agree.


def clamp_metric(sc: Scenario, metric: str, value: float) -> float:
    """Values clamp to the metric's range after every change (rounded so states compare equal)."""
    m = sc.doc.metrics[metric]
    return min(m.max, max(m.min, round(value, 6)))


def apply_effects(
    sc: Scenario, metrics: dict[str, float], effects: tuple[Effect, ...], env: expr.Env
) -> dict[str, float]:
    """Apply metric effects (all evaluated on the state before any applies); return the clamped deltas."""
    values: dict[str, float] = {}
    for e in effects:
        if e.constant is not None:
            values[e.metric] = e.constant
        elif e.formula is not None:
            values[e.metric] = expr.as_number(expr.evaluate(e.formula, env))
    deltas: dict[str, float] = {}
    for metric, change in values.items():
        before = metrics[metric]
        after = clamp_metric(sc, metric, before + change)
        metrics[metric] = after
        deltas[metric] = after - before
    return deltas


def condition_holds(choice: CompiledChoice, env: expr.Env) -> bool:
    """A choice's `when` (the `once` rule is checked by the caller, who knows what was chosen)."""
    return choice.when is None or bool(expr.evaluate(choice.when, env))


def event_probability(event: CompiledEvent, env: expr.Env) -> float | None:
    """The event's chance clamped to [0, 1], or None when its `when` does not hold."""
    if event.when is not None and not expr.evaluate(event.when, env):
        return None
    if isinstance(event.chance, float):
        probability = event.chance
    else:
        probability = expr.as_number(expr.evaluate(event.chance, env))
    return min(1.0, max(0.0, probability))


def fire_event(
    sc: Scenario, metrics: dict[str, float], flags: set[str], event: CompiledEvent, env: expr.Env
) -> dict[str, float]:
    """Apply a fired event's effects and flags; return the metric deltas."""
    deltas = apply_effects(sc, metrics, event.effects, env)
    for flag in event.sets:
        flags.add(flag)
    for flag in event.clears:
        flags.discard(flag)
    return deltas


def chance_roll(seed: int, turn: int, scene_id: str, visits: int, event_id: str) -> float:
    """A seeded roll that depends only on where and when it happens, never on earlier rolls."""
    return random.Random(f"{seed}|{turn}|{scene_id}|{visits}|{event_id}").random()


def settle_ending(sc: Scenario, env: expr.Env) -> str | None:
    """The ending `next: end` resolves to: the first whose `when` holds, else the default."""
    for eid, when in sc.endings_by_condition:
        if when is not None and expr.evaluate(when, env):
            return eid
    return default_ending(sc.doc)


class EngineError(Exception):
    """A move the scenario does not allow; the message is written for the player."""


@add_state_features(Tags)
class _ScenarioMachine(Machine):
    pass


def machine_for(sc: Scenario) -> Machine:
    """The scenario's machine, built once (without auto transitions, which are quadratic)."""
    if sc._machine is None:
        sc._machine = _build(sc)
    return sc._machine  # type: ignore[no-any-return]


def _build(sc: Scenario) -> Machine:
    doc = sc.doc
    states: list[dict[str, Any]] = [
        {"name": sid, "tags": ["scene", f"phase:{scene.phase}"], "on_enter": ["_on_enter_scene"]}
        for sid, scene in doc.scenes.items()
    ]
    states += [{"name": eid, "tags": ["ending"], "on_enter": ["_on_enter_ending"]} for eid in doc.endings]
    states.append({"name": RESOLVING, "tags": ["resolving"]})
    machine = _ScenarioMachine(
        model=[], states=states, initial=doc.start, auto_transitions=False, send_event=True, model_attribute="state"
    )
    for choice in sc.choices.values():
        dest = RESOLVING if choice.next == END else choice.next
        machine.add_transition(
            "take_choice", source=choice.scene, dest=dest, conditions=[_guard(choice)], before=[_consequences(choice)]
        )
    for scene_events in sc.scene_events.values():
        for event in scene_events:
            if event.goto:
                machine.add_transition("divert", source=event.scene, dest=event.goto, conditions=[_is_event(event.id)])
    default = default_ending(doc)
    for eid, when in sc.endings_by_condition:
        if when is not None:
            machine.add_transition("settle", source=RESOLVING, dest=eid, conditions=[_holds(when)])
    if default:
        machine.add_transition("settle", source=RESOLVING, dest=default)
    return machine


def _guard(choice: CompiledChoice) -> Any:
    def guard(event: EventData) -> bool:
        run = event.model
        assert isinstance(run, Run)
        return bool(event.kwargs.get("choice") == choice.id and run.is_available(choice))

    return guard


def _consequences(choice: CompiledChoice) -> Any:
    def apply(event: EventData) -> None:
        run = event.model
        assert isinstance(run, Run)
        run._apply_choice(choice)

    return apply


def _is_event(event_id: str) -> Any:
    return lambda event: event.kwargs.get("event") == event_id


def _holds(node: expr.Node) -> Any:
    return lambda event: bool(expr.evaluate(node, event.model))


class Run:
    """One playthrough. Create with :meth:`start` or :meth:`replay`; drive with :meth:`choose`."""

    state: str  # set by the machine

    def __init__(self, scenario: Scenario, seed: int, fixture: str | None = None) -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.fixture = fixture
        self.history: list[Decision] = []
        self.opening_events: tuple[EventRecord, ...] = ()
        self._events: list[EventRecord] = []
        self._divert: str | None = None
        self._diverts = 0
        doc = scenario.doc
        metrics = {mid: float(m.start) for mid, m in doc.metrics.items()}
        scene = doc.start
        self._st = Mutable(scene=scene, metrics=metrics)
        if fixture is not None:
            if fixture not in doc.fixtures:
                known = ", ".join(doc.fixtures) or "none"
                raise EngineError(f"this scenario has no fixture `{fixture}` (fixtures: {known})")
            fx = doc.fixtures[fixture]
            scene = fx.scene
            for mid, value in fx.metrics.items():
                metrics[mid] = self._clamp(mid, float(value))
            for flag in fx.flags:
                self._st.flags.add(flag)
                self._st.flag_source[flag] = -1
        machine_for(scenario).add_model(self, initial=scene)
        self._enter(scene)
        self.opening_events = tuple(self._events)
        self._events.clear()
        self._settle_diverts()

    # -- construction ----------------------------------------------------
    @classmethod
    def start(cls, scenario: Scenario, seed: int = 0, fixture: str | None = None) -> Run:
        return cls(scenario, seed, fixture)

    @classmethod
    def replay(cls, scenario: Scenario, seed: int, choices: Iterable[str], fixture: str | None = None) -> Run:
        run = cls(scenario, seed, fixture)
        for choice in choices:
            run.choose(choice)
        return run

    def rewind(self, decisions: int) -> Run:
        """A new run that has made only the first ``decisions`` choices of this one."""
        if not 0 <= decisions <= len(self.history):
            raise EngineError(f"cannot rewind to decision {decisions}: this run has {len(self.history)}")
        return Run.replay(self.scenario, self.seed, self.choice_log[:decisions], self.fixture)

    def close(self) -> None:
        """Detach from the shared machine (runs that are thrown away should call this)."""
        machine = machine_for(self.scenario)
        if self in machine.models:
            machine.remove_model(self)

    # -- what the player sees ------------------------------------------------
    @property
    def scene_id(self) -> str:
        return self._st.scene

    @property
    def scene(self) -> Any:
        return self.scenario.scene(self._st.scene)

    @property
    def phase(self) -> str:
        """The lifecycle phase, read from the machine state's tag."""
        state = machine_for(self.scenario).get_state(self.state)
        for tag in getattr(state, "tags", ()):
            if tag.startswith("phase:"):
                return str(tag[6:])
        return self.scenario.phase_of(self._st.scene)

    @property
    def ended(self) -> bool:
        return self._st.ending is not None

    @property
    def ending(self) -> str | None:
        return self._st.ending

    @property
    def turn(self) -> int:
        return self._st.turn

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self._st.metrics)

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(self._st.flags)

    @property
    def visited(self) -> dict[str, int]:
        return dict(self._st.visits)

    @property
    def choice_log(self) -> list[str]:
        return [d.choice for d in self.history]

    def flag_source(self, flag: str) -> int | None:
        return self._st.flag_source.get(flag)

    def options(self) -> list[Option]:
        """The choices shown now: available ones, and locked ones whose author gave a reason."""
        if self.ended:
            return []
        shown: list[Option] = []
        for choice in self.scenario.scene_choices[self._st.scene]:
            if choice.model.once and choice.id in self._st.chosen:
                continue
            ok = self._condition(choice)
            if ok or choice.model.locked:
                shown.append(
                    Option(choice.id, choice.model.label, ok, None if ok else choice.model.locked, len(shown) + 1)
                )
        return shown

    def available(self) -> list[str]:
        return [o.id for o in self.options() if o.available]

    @property
    def is_stuck(self) -> bool:
        """True if play has not ended but no choice is available: an authoring bug."""
        return not self.ended and not self.available()

    def snapshot(self) -> Snapshot:
        st = self._st
        return Snapshot(
            st.scene, st.ending, st.turn, dict(st.metrics), sorted(st.flags), dict(st.visits), sorted(st.chosen)
        )

    # -- playing -------------------------------------------------------------
    def choose(self, choice_id: str) -> Decision:
        """Make a choice by id; raises EngineError naming the available choices if it is not allowed."""
        if self.ended:
            raise EngineError(f"the run has ended ({self._st.ending}); rewind to choose again")
        choice = self.scenario.choices.get(choice_id)
        if choice is None or choice.scene != self._st.scene or choice_id not in self.available():
            raise EngineError(self._not_allowed(choice_id, choice))
        self._events.clear()
        self._pending: tuple[CompiledChoice, dict[str, float], tuple[str, ...], tuple[str, ...]] | None = None
        try:
            if not self.trigger("take_choice", choice=choice_id):  # type: ignore[attr-defined]
                raise EngineError(self._not_allowed(choice_id, choice))
            self._settle_diverts()
        except MachineError as exc:
            raise EngineError(f"the scenario could not continue: {exc.value}") from None
        assert self._pending is not None
        _, deltas, set_, cleared = self._pending
        decision = Decision(
            index=len(self.history),
            scene=choice.scene,
            choice=choice.id,
            label=choice.model.label,
            practice="" if choice.synthetic else choice.model.practice,
            deltas=deltas,
            flags_set=set_,
            flags_cleared=cleared,
            feedback=choice.model.feedback,
            next=self._st.ending or self._st.scene,
            events=tuple(self._events),
        )
        self.history.append(decision)
        self._events.clear()
        return decision

    def _not_allowed(self, choice_id: str, choice: CompiledChoice | None) -> str:
        here = ", ".join(self.available()) or "none"
        if choice is None:
            return f"there is no choice `{choice_id}` in this scenario; choices here: {here}"
        if choice.scene != self._st.scene:
            return f"`{choice_id}` belongs to scene `{choice.scene}`, not `{self._st.scene}`; choices here: {here}"
        reason = f" ({choice.model.locked})" if choice.model.locked else ""
        return f"`{choice_id}` is not available now{reason}; choices here: {here}"

    # -- machine callbacks ---------------------------------------------------
    def is_available(self, choice: CompiledChoice) -> bool:
        if choice.model.once and choice.id in self._st.chosen:
            return False
        return self._condition(choice)

    def _condition(self, choice: CompiledChoice) -> bool:
        return condition_holds(choice, self)

    def _apply_choice(self, choice: CompiledChoice) -> None:
        index = len(self.history)
        deltas = self._apply_effects(choice.effects)
        for flag in choice.sets:
            self._st.flags.add(flag)
            self._st.flag_source[flag] = index
        for flag in choice.clears:
            self._st.flags.discard(flag)
        self._st.chosen.add(choice.id)
        self._st.turn += 1
        self._pending = (choice, deltas, choice.sets, choice.clears)

    def _on_enter_scene(self, event: EventData) -> None:
        self._enter(event.state.name)

    def _on_enter_ending(self, event: EventData) -> None:
        self._st.ending = event.state.name
        self._st.scene = event.state.name

    def _settle_diverts(self) -> None:
        """Follow chance-event diversions and ending resolution until play rests in a scene or ending."""
        while True:
            if self.state == RESOLVING:
                self.trigger("settle")  # type: ignore[attr-defined]
                continue
            if self._divert is not None:
                event_id, self._divert = self._divert, None
                self._diverts += 1
                if self._diverts > MAX_DIVERTS:
                    raise EngineError("chance events keep diverting play in a circle; the scenario needs a fix")
                self.trigger("divert", event=event_id)  # type: ignore[attr-defined]
                continue
            self._diverts = 0
            return

    def _enter(self, scene_id: str) -> None:
        st = self._st
        st.scene = scene_id
        st.visits[scene_id] = st.visits.get(scene_id, 0) + 1
        for event in self.scenario.scene_events[scene_id]:
            probability = event_probability(event, self)
            if probability is None:
                continue
            roll: float | None = None
            if probability < 1.0:
                roll = self._roll(scene_id, event.id)
                if roll >= probability:
                    continue
            deltas = fire_event(self.scenario, st.metrics, st.flags, event, self)
            causes = {st.flag_source[f] for f in event.reads.flags if st.flag_source.get(f, -1) >= 0}
            causes |= {d.index for d in self.history if d.choice in event.reads.choices}
            pending = getattr(self, "_pending", None)
            if pending is not None and pending[0].id in event.reads.choices:
                causes.add(len(self.history))  # the choice being made right now
            self._events.append(
                EventRecord(
                    id=event.id,
                    scene=scene_id,
                    text=event.model.text,
                    deltas=deltas,
                    flags_set=event.sets,
                    flags_cleared=event.clears,
                    goto=event.goto,
                    probability=probability,
                    roll=roll,
                    turn=st.turn,
                    caused_by=tuple(sorted(causes)),
                )
            )
            if event.goto:
                self._divert = event.id
                break

    def _roll(self, scene_id: str, event_id: str) -> float:
        """A seeded roll that depends only on where and when it happens, never on earlier rolls."""
        return chance_roll(self.seed, self._st.turn, scene_id, self._st.visits.get(scene_id, 0), event_id)

    def _apply_effects(self, effects: tuple[Effect, ...]) -> dict[str, float]:
        return apply_effects(self.scenario, self._st.metrics, effects, self)

    def _clamp(self, metric: str, value: float) -> float:
        return clamp_metric(self.scenario, metric, value)

    # -- expression environment ------------------------------------------------
    def metric(self, name: str) -> float:
        return self._st.metrics[name]

    def flag(self, name: str) -> bool:
        return name in self._st.flags

    def visits(self, scene: str) -> int:
        return self._st.visits.get(scene, 0)

    def chose(self, choice: str) -> bool:
        return choice in self._st.chosen

    def turn_count(self) -> int:
        return self._st.turn
