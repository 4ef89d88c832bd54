"""Pacing: free play, or lockstep where the facilitator opens, reveals and advances each decision.

Lockstep paces decisions only: a pass-through "Continue" screen is never held. Every action
names the decision it acts on, as the facilitator saw it (the dashboard's screen, or the session
read when the command ran), and the store refuses it if the session has moved on since: a double
press or two facilitators at once never skip a decision. Each action is written to the event log
in the same transaction as the change it makes. Advancing records each straggler as "timed out"
on the closed decision (reports leave those out); the last advance can be undone while nobody
has answered the decision it opened. A timer can advance the open decision on its own, and waits
while the hub is down, so an outage never turns answers into timeouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, TIMED_OUT, Event, make_event
from simgame.cohort.health import HubHealth, health
from simgame.cohort.progress import UNDO, fold, timeouts
from simgame.cohort.referee import DECISION, decision_of
from simgame.cohort.store import FREE, LOCKSTEP, Changed, Cohort, CohortStore
from simgame.i18n import _

ADVANCE = "advance"
MAX_TIMER_S = 3 * 3600


def gate(cohort: Cohort, number: int | None) -> str | None:
    """Why a player about to make decision ``number`` (0-based; None at a Continue screen) must wait, or None."""
    if not cohort.is_open:
        return _("The facilitator has closed this session. Your choices so far are recorded.")
    if number is None:
        return None  # reading on is never held
    if cohort.paused:
        return _("The facilitator has paused the session. Play resumes when they are ready.")
    if cohort.pace == LOCKSTEP and number >= cohort.open_step:
        if number == 0:
            return _("Waiting for the facilitator to open the first decision.")
        return _("Waiting for the facilitator to open decision {number}. Discuss the last one with your team.").format(
            number=number + 1
        )
    return None


def _action(name: str, by: str, **data: object) -> Event:
    return make_event(FACILITATOR, None, None, {"action": name, "by": by, **data})


def _lockstep(cohort: Cohort) -> None:
    if cohort.pace != LOCKSTEP:
        raise CohortError(f"session {cohort.code} is in free play; switch it to lockstep first")
    if not cohort.is_open:
        raise CohortError(f"session {cohort.code} is closed")


def _open_now(cohort: Cohort) -> str:
    return f"decision {cohort.open_step} is the open one" if cohort.open_step else "no decision is open"


def _guarded(store: CohortStore, cohort: Cohort, action: Event, **changes: object) -> Cohort:
    """set_pacing, refused if the open decision is no longer the one ``cohort`` shows."""
    try:
        return store.set_pacing(cohort.code, action, expect={"open_step": cohort.open_step}, **changes)  # type: ignore[arg-type]
    except Changed as exc:
        raise CohortError(
            f"nothing done: the session changed since you looked ({_open_now(exc.current)} now, "
            f"not {_open_now(cohort).removesuffix(' is the open one').replace('no decision', 'none')}); "
            "check the dashboard and try again"
        ) from None


def open_next(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """Open the next decision to the room (the one after the decision ``cohort`` shows open)."""
    _lockstep(cohort)
    number = cohort.open_step
    return _guarded(store, cohort, _action("open", by, decision=number), open_step=number + 1)


def reveal(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """Show the room the split of the decision that is open."""
    _lockstep(cohort)
    number = cohort.open_step - 1
    if number < 0:
        raise CohortError("no decision is open yet; open the first one")
    return _guarded(store, cohort, _action("reveal", by, decision=number), revealed_step=number)


@dataclass(frozen=True)
class AdvancePlan:
    """What advancing now would do: shown to the facilitator before they confirm."""

    closing: int  # the decision closed (0-based; -1 when none is open)
    stragglers: list[str]  # player ids who would time out
    names: list[str]
    hub: HubHealth

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.stragglers) or self.hub.answers_may_wait

    def question(self) -> str:
        what = f"Close decision {self.closing + 1} and open decision {self.closing + 2}"
        if self.closing < 0:
            what = "Open decision 1"
        lines = [f"{what}?"]
        if self.stragglers:
            shown = ", ".join(self.names[:8]) + (f" and {len(self.names) - 8} more" if len(self.names) > 8 else "")
            lines.append(f"{len(self.stragglers)} player(s) have not answered and will time out: {shown}.")
        if self.hub.answers_may_wait:
            lines.append(f"Careful: {self.hub.line()}.")
        return "\n".join(lines)


def plan_advance(store: CohortStore, cohort: Cohort, now: datetime | None = None) -> AdvancePlan:
    _lockstep(cohort)
    number = cohort.open_step - 1
    late: list[str] = []
    names: list[str] = []
    if number >= 0:
        events = store.events(cohort.code)
        done = timeouts(events)
        for prog in fold(store.players(cohort.code), events).values():
            if not prog.finished and number not in prog.decisions and (prog.player.id, number) not in done:
                late.append(prog.player.id)
                names.append(prog.player.name)
    return AdvancePlan(number, late, names, health(store, cohort.code, now))


def advance(store: CohortStore, cohort: Cohort, by: str = "cli", now: datetime | None = None) -> tuple[Cohort, int]:
    """Close the open decision (stragglers time out on it) and open the next; returns how many timed out.

    ``cohort`` is the session as the facilitator saw it: if another action changed the open decision
    since, nothing is done (CohortError)."""
    plan = plan_advance(store, cohort, now)
    number = plan.closing
    timeouts_now = [
        make_event(
            TIMED_OUT, pid, 0, {"by": by, DECISION: number}, event_id=f"timeout-{pid}-{number}-r{cohort.revision}"
        )
        for pid in plan.stragglers
    ]
    # A timed_out event's step is the decision number: its store key (the step of the run is unknown yet).
    timeouts_now = [Event(e.id, e.kind, e.player, number, e.data, e.at) for e in timeouts_now]
    action = _action(ADVANCE, by, decision=number, timed_out=[e.player for e in timeouts_now])
    updated = _guarded(store, cohort, action, open_step=cohort.open_step + 1, deadline="", events=timeouts_now)
    ids = {e.id for e in timeouts_now}  # a player who answered in the meantime was not timed out
    stored = sum(1 for e in store.events(updated.code) if e.id in ids)
    return updated, stored


def undo(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """Take back the last advance: the decision it closed is open again and its timeouts are withdrawn."""
    _lockstep(cohort)
    events = store.events(cohort.code)
    undone = {e.data.get("of") for e in events if e.kind == FACILITATOR and e.data.get("action") == UNDO}
    last = next((e for e in reversed(events) if e.kind == FACILITATOR and e.data.get("action") == ADVANCE), None)
    if last is None or last.id in undone:
        raise CohortError("there is no advance to undo")
    closed = last.data.get("decision")
    if not isinstance(closed, int) or closed + 2 != cohort.open_step:
        raise CohortError("only the last advance can be undone, while the decision it opened is still the open one")
    members = {p.id for p in store.players(cohort.code)}
    answered = {e.player for e in events if e.player in members and decision_of(e) == closed + 1 and e.kind == "chose"}
    if answered:
        raise CohortError(
            f"{len(answered)} player(s) have already answered decision {closed + 2}; the advance cannot be undone"
        )
    if any(number == closed + 1 for _player, number in timeouts(events)):
        raise CohortError(f"players have already timed out on decision {closed + 2}; the advance cannot be undone")
    action = _action(UNDO, by, of=last.id, decision=closed, timed_out=list(last.data.get("timed_out") or []))
    return _guarded(store, cohort, action, open_step=cohort.open_step - 1, deadline="")


def set_timer(
    store: CohortStore, cohort: Cohort, seconds: float, by: str = "cli", now: datetime | None = None
) -> Cohort:
    """Advance the open decision on its own after ``seconds`` (0 cancels the timer)."""
    _lockstep(cohort)
    if seconds == 0:
        return _guarded(store, cohort, _action("timer", by, seconds=0), deadline="")
    if not 10 <= seconds <= MAX_TIMER_S:
        raise CohortError("a timer runs from 10 seconds to 3 hours (0 cancels it)")
    if cohort.open_step == 0:
        raise CohortError("no decision is open yet; open the first one, then set its timer")
    when = (now or datetime.now(UTC)) + timedelta(seconds=seconds)
    action = _action("timer", by, decision=cohort.open_step - 1, seconds=seconds, until=when.isoformat())
    return _guarded(store, cohort, action, deadline=when.isoformat())


def due(store: CohortStore, cohort: Cohort, now: datetime | None = None) -> Cohort | None:
    """If the timer of the open decision has run out, advance it (by "timer"); the new session, or None.

    Called by the hub and the dashboard; whichever comes first advances, the other is refused and
    does nothing. While the hub is down the timer waits: answers may be on their way."""
    now = now or datetime.now(UTC)
    if cohort.deadline is None or cohort.pace != LOCKSTEP or not cohort.is_open or cohort.paused:
        return None
    try:
        if now < datetime.fromisoformat(cohort.deadline):
            return None
    except ValueError:
        return None
    if health(store, cohort.code, now).answers_may_wait:
        return None
    try:
        return advance(store, cohort, by="timer", now=now)[0]
    except CohortError:
        return None


def pause(store: CohortStore, cohort: Cohort, paused: bool, by: str = "cli") -> Cohort:
    if cohort.paused == paused:
        raise CohortError("the session is already paused" if paused else "the session is not paused")
    try:
        return store.set_pacing(
            cohort.code, _action("pause" if paused else "resume", by), paused=paused, expect={"paused": cohort.paused}
        )
    except Changed:
        raise CohortError("nothing done: someone else paused or resumed the session just now") from None


def set_pace(store: CohortStore, cohort: Cohort, pace: str, by: str = "cli") -> Cohort:
    if pace not in (FREE, LOCKSTEP):
        raise CohortError("pace must be `free` or `lockstep`")
    return store.set_pacing(cohort.code, _action("pace", by, pace=pace), pace=pace)


def close(store: CohortStore, cohort: Cohort, when: str, by: str = "cli") -> Cohort:
    if not cohort.is_open:
        raise CohortError(f"session {cohort.code} is already closed")
    return store.set_pacing(cohort.code, _action("close", by), closed=when, deadline="")
