"""One playthrough, sequenced by a `transitions` state machine that computes no rule itself.

Scenes and endings are the machine's states (named ``scene:<id>`` and ``ending:<id>`` so
that no author id can clash with the machine's own words), tagged with their lifecycle
phase. One generic trigger, ``take_choice``, carries the choice id and is guarded by
`rules.is_available`; its callback applies `rules.apply_choice`. Entering a scene runs
`rules.enter`; a chance event that diverts play fires ``divert``; ``next: end`` passes
through a resolving state and ``settle`` goes to the ending `rules.settle_ending` names.

The machine is built once per scenario and shared by its runs. The machine holds a small
stand-in for each run, never the run itself, and the stand-in is removed when the run is
dropped: a finished, rewound or abandoned run is released without anyone calling `close`.
Runs are deterministic: the same scenario, seed, start and choices give the same state.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, cast

from transitions import EventData, Machine, MachineError
from transitions.extensions.states import Tags, add_state_features

from simgame.engine import order, rules
from simgame.engine.rules import Fired
from simgame.engine.state import Decision, EngineError, EventRecord, Option, PlayState
from simgame.engine.text import render
from simgame.format.compiled import END, CompiledChoice, Scenario
from simgame.format.model import Scene
from simgame.i18n import _

__all__ = ["RESOLVING", "EngineError", "Run", "machine_for", "state_name"]

RESOLVING = "@resolving-ending"


def state_name(node_id: str, sc: Scenario) -> str:
    """The machine state for a scene or ending id (``end`` is the resolving state)."""
    if node_id == END:
        return RESOLVING
    return f"ending:{node_id}" if node_id in sc.doc.endings else f"scene:{node_id}"


@add_state_features(Tags)
class _ScenarioMachine(Machine):
    pass


class _Stand:
    """What the shared machine holds for a run: its state name and a weak link back to the run."""

    def __init__(self, run: Run) -> None:
        self.run = weakref.ref(run)
        self.state = ""

    def owner(self) -> Run:
        run = self.run()
        if run is None:  # pragma: no cover - the stand leaves the machine before its run is gone
            raise EngineError("this run has been released")
        return run


def machine_for(sc: Scenario) -> Machine:
    """The scenario's machine, built once (without auto transitions, which are quadratic)."""
    if sc._machine is None:
        sc._machine = _build(sc)
    return sc._machine  # type: ignore[no-any-return]


def _build(sc: Scenario) -> Machine:
    doc = sc.doc
    states: list[dict[str, Any]] = [
        {"name": f"scene:{sid}", "tags": ["scene", f"phase:{scene.phase}"], "on_enter": [_on_enter_scene]}
        for sid, scene in doc.scenes.items()
    ]
    states += [{"name": f"ending:{eid}", "tags": ["ending"], "on_enter": [_on_enter_ending]} for eid in doc.endings]
    states.append({"name": RESOLVING, "tags": ["resolving"]})
    machine = _ScenarioMachine(
        model=[],
        states=states,
        initial=state_name(doc.start, sc),
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )
    for choice in sc.choices.values():
        machine.add_transition(
            "take_choice",
            source=state_name(choice.scene, sc),
            dest=state_name(choice.next, sc),
            conditions=[_guard(choice)],
            before=[_consequences(choice)],
        )
    for scene_events in sc.scene_events.values():
        for event in scene_events:
            if event.goto:
                machine.add_transition(
                    "divert",
                    source=state_name(event.scene, sc),
                    dest=state_name(event.goto, sc),
                    conditions=[_is(("event", event.id))],
                )
    for eid in doc.endings:
        machine.add_transition("settle", source=RESOLVING, dest=f"ending:{eid}", conditions=[_is(("ending", eid))])
    return machine


def _owner(event: EventData) -> Run:
    stand = cast(_Stand, event.model)
    return stand.owner()


def _guard(choice: CompiledChoice) -> Any:
    def guard(event: EventData) -> bool:
        run = _owner(event)
        return bool(event.kwargs.get("choice") == choice.id and rules.is_available(run._st, choice))

    return guard


def _consequences(choice: CompiledChoice) -> Any:
    def apply(event: EventData) -> None:
        run = _owner(event)
        run._deltas = rules.apply_choice(run.scenario, run._st, choice)

    return apply


def _is(pair: tuple[str, str]) -> Any:
    key, value = pair
    return lambda event: event.kwargs.get(key) == value


def _on_enter_scene(event: EventData) -> None:
    _owner(event)._enter(event.state.name.removeprefix("scene:"))


def _on_enter_ending(event: EventData) -> None:
    rules.reach_ending(_owner(event)._st, event.state.name.removeprefix("ending:"))


def _detach(machine: Machine, stand: _Stand) -> None:
    if stand in machine.models:
        machine.remove_model(stand)


MAX_READ_ON = 1_000  # pass-through scenes read in a row before play is called a loop


class Run:
    """One playthrough. Create with :meth:`start` or :meth:`replay`; drive with :meth:`choose`."""

    def __init__(self, scenario: Scenario, seed: int, fixture: str | None = None, order_key: str = "") -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.fixture = fixture
        self.order_key = order_key  # whose option order (a cohort player's id); empty for solo play
        self.history: list[Decision] = []
        self.opening_events: tuple[EventRecord, ...] = ()
        self._st, scene = rules.initial_state(scenario, fixture)
        self._roller = rules.seeded_roller(self.seed)
        self._fired: list[Fired] = []
        self._divert: str | None = None
        self._deltas: dict[str, float] = {}
        self._stand = _Stand(self)
        machine = machine_for(scenario)
        machine.add_model(self._stand, initial=state_name(scene, scenario))
        self._release = weakref.finalize(self, _detach, machine, self._stand)
        self._enter(scene)
        self._settle()
        self.opening_events = self._records()

    # -- construction ----------------------------------------------------
    @classmethod
    def start(cls, scenario: Scenario, seed: int = 0, fixture: str | None = None, order_key: str = "") -> Run:
        return cls(scenario, seed, fixture, order_key)

    @classmethod
    def replay(
        cls,
        scenario: Scenario,
        seed: int,
        choices: Iterable[str],
        fixture: str | None = None,
        order_key: str = "",
    ) -> Run:
        run = cls(scenario, seed, fixture, order_key)
        for choice in choices:
            run.choose(choice)
        return run

    def rewind(self, decisions: int) -> Run:
        """A new run that has made only the first ``decisions`` choices of this one."""
        if not 0 <= decisions <= len(self.history):
            said = _("cannot rewind to decision {decision}: this run has {count}")
            raise EngineError(said.format(decision=decisions, count=len(self.history)))
        return Run.replay(self.scenario, self.seed, self.choice_log[:decisions], self.fixture, self.order_key)

    def close(self) -> None:
        """Leave the shared machine now (a dropped run leaves it on its own)."""
        self._release()

    # -- what the player sees ------------------------------------------------
    @property
    def state(self) -> str:
        """The machine state: ``scene:<id>``, ``ending:<id>`` (or the resolving state in passing)."""
        return self._stand.state

    @property
    def scene_id(self) -> str:
        return self._st.scene

    @property
    def scene(self) -> Scene:
        return self.scenario.scene(self._st.scene)

    @property
    def scene_text(self) -> str:
        """The current scene's text as this run reads it: conditional arms chosen on the state now."""
        return render(self.scenario, ("scene", self._st.scene), self.scene.text, self)

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
        return dict(self._st.visit_counts)

    @property
    def choice_log(self) -> list[str]:
        return [d.choice for d in self.history]

    def flag_source(self, flag: str) -> int | None:
        return self._st.flag_source.get(flag)

    def options(self) -> list[Option]:
        """The choices shown now (available ones, and locked ones with a reason), in display order."""
        return order.shown(self.scenario, self._st, self.seed, self.order_key)

    def available(self) -> list[str]:
        """The ids the player may take now, in display order."""
        return order.available(self.scenario, self._st, self.seed, self.order_key)

    def note_for(self, choice_id: str, at: int) -> str:
        """A choice's debrief note as it reads at decision ``at`` of this run: on the state the player
        chose in, whether or not they took it (the debrief shows the best option's note too)."""
        written = self.scenario.choices[choice_id].model.debrief
        if ("note", choice_id) not in self.scenario.texts:
            return written
        earlier = Run.replay(self.scenario, self.seed, self.choice_log[:at], self.fixture, self.order_key)
        try:
            return render(self.scenario, ("note", choice_id), written, earlier)
        finally:
            earlier.close()

    def pass_through(self) -> str | None:
        """The Continue id when play stands in a pass-through scene (reading on is not a decision)."""
        options = self.available()
        if len(options) == 1 and self.scenario.choices[options[0]].synthetic:
            return options[0]
        return None

    def choose_reading_on(self, choice_id: str) -> list[Decision]:
        """Read on through pass-through scenes until ``choice_id`` is offered, then take it.

        A choice list may name each `<scene>.continue` or leave them out: `simgame run`, recorded
        transcripts and cohort replays all accept both, through this one rule.
        """
        made = self._read_on_until(lambda: choice_id in self.available())
        made.append(self.choose(choice_id))
        return made

    def read_on(self) -> list[Decision]:
        """Read on through pass-through scenes until a decision or an ending."""
        return self._read_on_until(lambda: False)

    def _read_on_until(self, stop: Callable[[], bool]) -> list[Decision]:
        made: list[Decision] = []
        while not self.ended and not stop() and (cont := self.pass_through()) is not None:
            if len(made) >= MAX_READ_ON:
                circle = " → ".join(dict.fromkeys(d.scene for d in made[-20:]))
                said = _("play goes round pass-through scenes ({scenes}) without a decision to make")
                raise EngineError(said.format(scenes=circle))
            made.append(self.choose(cont))
        return made

    @property
    def is_stuck(self) -> bool:
        """True if play has not ended but no choice is available: an authoring bug."""
        return not self.ended and not rules.available(self.scenario, self._st)

    def snapshot(self) -> PlayState:
        """A copy of the run's state (its `to_json` is what a save stores)."""
        return self._st.copy()

    # -- playing -------------------------------------------------------------
    def choose(self, choice_id: str) -> Decision:
        """Make a choice by id; raises EngineError naming the available choices if it is not allowed."""
        refusal = rules.refusal(self.scenario, self._st, choice_id)
        if refusal is not None:
            raise EngineError(refusal)
        choice = self.scenario.choices[choice_id]
        index = len(self.history)
        shown = order.shown_ids(self.scenario, self._st, self.seed, self.order_key)
        read = self.scene_text
        self._fired.clear()
        try:
            if not self._stand.trigger("take_choice", choice=choice_id):  # type: ignore[attr-defined]
                raise EngineError(rules.refusal(self.scenario, self._st, choice_id) or _("that choice was refused"))
            self._settle()
        except MachineError as exc:
            raise EngineError(_("the scenario could not continue: {reason}").format(reason=exc.value)) from None
        decision = Decision(
            index=index,
            scene=choice.scene,
            choice=choice.id,
            label=choice.model.label,
            practice="" if choice.synthetic else choice.model.practice,
            deltas=self._deltas,
            flags_set=choice.sets,
            flags_cleared=choice.clears,
            feedback=render(self.scenario, ("feedback", choice.id), choice.model.feedback, self),
            next=self._st.ending or self._st.scene,
            events=self._records(),
            shown=shown,
            scene_text=read,
        )
        self.history.append(decision)
        return decision

    # -- sequencing (the machine's callbacks land here) ----------------------------
    def _enter(self, scene_id: str) -> None:
        goto = rules.enter(self.scenario, self._st, scene_id, self._roller, self._fired)
        self._divert = self._fired[-1].event.id if goto is not None else None

    def _settle(self) -> None:
        """Follow ending resolution and chance diversions until play rests in a scene or ending."""
        diverts = 0
        while True:
            if self._stand.state == RESOLVING:
                ending = rules.settle_ending(self.scenario, self._st)
                self._stand.trigger("settle", ending=ending)  # type: ignore[attr-defined]
            elif self._divert is not None:
                event_id, self._divert = self._divert, None
                diverts = rules.count_divert(diverts)
                self._stand.trigger("divert", event=event_id)  # type: ignore[attr-defined]
            else:
                return

    def _records(self) -> tuple[EventRecord, ...]:
        """What fired while play settled, each with the decisions that caused it (`engine.causes`)."""
        records = tuple(self._record(f) for f in self._fired)
        self._fired.clear()
        return records

    def _record(self, fired: Fired) -> EventRecord:
        event = fired.event
        return EventRecord(
            id=event.id,
            scene=fired.scene,
            text=render(self.scenario, ("event", fired.scene, event.id), event.model.text, self),
            deltas=fired.deltas,
            flags_set=event.sets,
            flags_cleared=event.clears,
            goto=event.goto,
            probability=fired.probability,
            roll=fired.roll,
            turn=fired.turn,
            caused_by=fired.caused_by,
        )

    # -- expression environment (a run can be asked what its state can) ----------------
    def metric(self, name: str) -> float:
        return self._st.metric(name)

    def flag(self, name: str) -> bool:
        return self._st.flag(name)

    def visits(self, scene: str) -> int:
        return self._st.visits(scene)

    def chose(self, choice: str) -> bool:
        return self._st.chose(choice)

    def turn_count(self) -> int:
        return self._st.turn
