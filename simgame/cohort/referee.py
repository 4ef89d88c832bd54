"""The referee: a player's event is stored only if it could have happened, judged by replaying it.

Every store backend calls :func:`judge` inside the transaction that stores the event, with
the player's events read in that same transaction, so two writers can never both pass on the
same state. The engine is the only judge of what a choice does: the player's stored choices
are replayed (scenario, seed, choice log, their own option order) and the new event must
follow from that replay:

- a ``chose`` event names the next step, an option offered there to this player, and (in
  lockstep) a decision the facilitator has opened; its stored data is the replay's, not the
  client's (the scene, and the decision's number among real decisions: a pass-through
  "Continue" is never a decision);
- a ``finished`` event comes after the last choice of a run that has ended, with that ending
  and that score;
- a ``timed_out`` event names an opened decision the player has not answered.

The same choice sent again under another id is a duplicate (nothing stored, nothing refused);
anything else that does not follow is refused with a reason for the facilitator or player.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, TIMED_OUT, Event
from simgame.cohort.sessions import scenario_of
from simgame.cohort.store import LOCKSTEP, Cohort
from simgame.engine.run import EngineError, Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario

DECISION = "decision"  # chose data: the 0-based number of a real decision (absent for a Continue)
PLAYER_KINDS = (CHOSE, FINISHED, TIMED_OUT)
SCORE_TOLERANCE = 0.05


class EventRefused(CohortError):
    """An event that could not have happened; ``event_id`` names it, the message says why."""

    def __init__(self, event_id: str, reason: str) -> None:
        super().__init__(reason)
        self.event_id = event_id
        self.reason = reason


@dataclass
class Ledger:
    """One player's stored record, as the referee needs it."""

    choices: dict[int, str] = field(default_factory=dict)  # step -> choice id
    answered: set[int] = field(default_factory=set)  # real decisions answered (by number)
    finished: tuple[int, str] | None = None  # (step, ending)

    @property
    def made(self) -> int:
        count = 0
        while count in self.choices:
            count += 1
        return count

    def log(self) -> list[str]:
        return [self.choices[i] for i in range(self.made)]

    def add(self, event: Event) -> None:
        if event.kind == CHOSE and event.step is not None:
            self.choices.setdefault(event.step, str(event.data.get("choice", "")))
            number = decision_of(event)
            if number is not None:
                self.answered.add(number)
        elif event.kind == FINISHED and event.step is not None and self.finished is None:
            self.finished = (event.step, str(event.data.get("ending", "")))


def decision_of(event: Event) -> int | None:
    """The real decision a ``chose`` or ``timed_out`` event concerns (older stores: its step)."""
    if DECISION in event.data:
        value = event.data[DECISION]
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if event.kind == CHOSE and event.data.get("pass"):
        return None
    return event.step


def ledger(events: list[Event]) -> Ledger:
    out = Ledger()
    for event in events:
        out.add(event)
    return out


class Referee:
    """Judges events for any backend; scenarios are loaded once per version."""

    def __init__(self) -> None:
        self._scenarios: dict[tuple[str, str], Scenario] = {}

    def scenario(self, cohort: Cohort) -> Scenario:
        key = (cohort.scenario_ref, cohort.content_hash)
        if key not in self._scenarios:
            self._scenarios[key] = scenario_of(cohort)
        return self._scenarios[key]

    def judge(self, cohort: Cohort, record: Ledger, event: Event) -> Event | None:
        """The event to store (its data made canonical), None for a duplicate, or EventRefused."""
        if event.kind not in PLAYER_KINDS or event.player is None or event.step is None:
            raise EventRefused(event.id, f"a `{event.kind}` event is recorded by the store itself, never sent")
        scenario = self.scenario(cohort)
        if event.kind == CHOSE:
            return self._chose(cohort, scenario, record, event)
        if event.kind == FINISHED:
            return self._finished(cohort, scenario, record, event)
        return self._timed_out(cohort, record, event)

    # -- each kind ---------------------------------------------------------------------
    def _chose(self, cohort: Cohort, scenario: Scenario, record: Ledger, event: Event) -> Event | None:
        step, made, choice = int(event.step or 0), record.made, str(event.data.get("choice", ""))
        if step < made:
            if record.choices[step] == choice:
                return None  # the same answer again (a client that lost its outbox): nothing new
            raise EventRefused(event.id, f"step {step + 1} was already answered with another option")
        if record.finished is not None:
            raise EventRefused(event.id, "this player has already finished the scenario")
        if step > made:
            raise EventRefused(event.id, f"step {step + 1} cannot come before step {made + 1}")
        run = _replay(scenario, cohort, record, event)
        try:
            if run.ended:
                raise EventRefused(event.id, "this player's game has already ended")
            if choice not in run.available():
                raise EventRefused(event.id, f"`{choice[:60]}` is not an option at this point of this player's game")
            claimed = event.data.get("scene")
            if claimed is not None and claimed != run.scene_id:
                raise EventRefused(event.id, "the event names another scene than this player's game is in")
            compiled = scenario.choices[choice]
            data: dict[str, Any] = {"choice": choice, "scene": run.scene_id}
            if compiled.synthetic:
                data["pass"] = True
            else:
                number = sum(1 for c in run.choice_log if not scenario.choices[c].synthetic)
                if cohort.pace == LOCKSTEP and number >= cohort.open_step:
                    raise EventRefused(
                        event.id, f"decision {number + 1} is not open yet; wait for the facilitator to open it"
                    )
                data[DECISION] = number
        finally:
            run.close()
        return replace(event, data=data)

    def _finished(self, cohort: Cohort, scenario: Scenario, record: Ledger, event: Event) -> Event | None:
        if record.finished is not None:
            if record.finished[0] == event.step:
                return None
            raise EventRefused(event.id, "this player has already finished the scenario")
        if event.step != record.made:
            raise EventRefused(event.id, f"a finish must follow the player's last choice (step {record.made})")
        run = _replay(scenario, cohort, record, event)
        try:
            if not run.ended:
                raise EventRefused(event.id, "this player's game has not reached an ending")
            overall = score(scenario, run, run.metrics).overall
            claimed = event.data.get("ending")
            if claimed is not None and claimed != run.ending:
                raise EventRefused(event.id, "the ending sent does not match a replay of the player's choices")
            sent = event.data.get("score")
            if sent is not None and (not isinstance(sent, int | float) or abs(float(sent) - overall) > SCORE_TOLERANCE):
                raise EventRefused(event.id, "the score sent does not match a replay of the player's choices")
            return replace(event, data={"ending": run.ending, "score": overall})
        finally:
            run.close()

    def _timed_out(self, cohort: Cohort, record: Ledger, event: Event) -> Event | None:
        number = decision_of(event)
        if number is None:
            raise EventRefused(event.id, "a timeout must name a decision")
        if cohort.pace != LOCKSTEP or number >= cohort.open_step:
            raise EventRefused(event.id, f"decision {number + 1} was never opened, so nobody can time out on it")
        if number in record.answered:
            raise EventRefused(event.id, f"this player already answered decision {number + 1}")
        if record.finished is not None:
            raise EventRefused(event.id, "this player has already finished the scenario")
        return replace(event, data={**event.data, DECISION: number})


def _replay(scenario: Scenario, cohort: Cohort, record: Ledger, event: Event) -> Run:
    try:
        return Run.replay(scenario, cohort.seed, record.log(), order_key=str(event.player))
    except EngineError:
        raise EventRefused(event.id, "this player's earlier choices no longer replay in this scenario") from None


def is_pass_through(run: Run) -> bool:
    """The player stands at a "Continue" screen (not a decision: lockstep never holds it)."""
    if run.ended:
        return False
    offered = run.available()
    return bool(offered) and all(run.scenario.choices[c].synthetic for c in offered)


def decisions_made(run: Run) -> int:
    """Real decisions in a run's history (its next decision's 0-based number)."""
    return sum(1 for d in run.history if not run.scenario.choices[d.choice].synthetic)
