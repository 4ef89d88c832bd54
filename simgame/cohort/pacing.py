"""Pacing: free play, or lockstep where the facilitator opens, reveals and advances each decision.

Every facilitator action is written to the event log in the same transaction as the
change it makes. Force-advancing records each straggler as "timed out" on that decision;
reports leave timed-out decisions out of distributions and choice quality.
"""

from __future__ import annotations

from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, TIMED_OUT, Event, make_event
from simgame.cohort.progress import fold
from simgame.cohort.store import FREE, LOCKSTEP, Cohort, CohortStore


def gate(cohort: Cohort, step: int) -> str | None:
    """Why a player about to make decision ``step`` (0-based) must wait, or None."""
    if not cohort.is_open:
        return "The facilitator has closed this session. Your choices so far are recorded."
    if cohort.paused:
        return "The facilitator has paused the session. Play resumes when they are ready."
    if cohort.pace == LOCKSTEP and step >= cohort.open_step:
        if step == 0:
            return "Waiting for the facilitator to open the first decision."
        return f"Waiting for the facilitator to open decision {step + 1}. Discuss the last one with your team."
    return None


def _action(name: str, by: str, **data: object) -> Event:
    return make_event(FACILITATOR, None, None, {"action": name, "by": by, **data})


def _lockstep(cohort: Cohort) -> None:
    if cohort.pace != LOCKSTEP:
        raise CohortError(f"session {cohort.code} is in free play; switch it to lockstep first")
    if not cohort.is_open:
        raise CohortError(f"session {cohort.code} is closed")


def open_next(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """Open the next decision to the room."""
    _lockstep(cohort)
    step = cohort.open_step
    return store.set_pacing(cohort.code, _action("open", by, step=step), open_step=step + 1)


def reveal(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """Show the room the distribution of the decision that is open."""
    _lockstep(cohort)
    step = cohort.open_step - 1
    if step < 0:
        raise CohortError("no decision is open yet; open the first one")
    return store.set_pacing(cohort.code, _action("reveal", by, step=step), revealed_step=step)


def stragglers(store: CohortStore, cohort: Cohort, step: int) -> list[str]:
    """Players still playing who have not made decision ``step``."""
    progress = fold(store.players(cohort.code), store.events(cohort.code))
    return [p.player.id for p in progress.values() if not p.finished and p.made <= step]


def advance(store: CohortStore, cohort: Cohort, by: str = "cli") -> tuple[Cohort, int]:
    """Close the open decision (stragglers time out on it) and open the next; returns how many timed out."""
    _lockstep(cohort)
    step = cohort.open_step - 1
    late = stragglers(store, cohort, step) if step >= 0 else []
    timeouts = [make_event(TIMED_OUT, pid, step, {"by": by}, event_id=f"timeout-{pid}-{step}") for pid in late]
    if timeouts:
        store.append(cohort.code, timeouts)
    updated = store.set_pacing(
        cohort.code, _action("advance", by, step=step, timed_out=len(late)), open_step=cohort.open_step + 1
    )
    return updated, len(late)


def pause(store: CohortStore, cohort: Cohort, paused: bool, by: str = "cli") -> Cohort:
    return store.set_pacing(cohort.code, _action("pause" if paused else "resume", by), paused=paused)


def set_pace(store: CohortStore, cohort: Cohort, pace: str, by: str = "cli") -> Cohort:
    if pace not in (FREE, LOCKSTEP):
        raise CohortError("pace must be `free` or `lockstep`")
    return store.set_pacing(cohort.code, _action("pace", by, pace=pace), pace=pace)


def close(store: CohortStore, cohort: Cohort, when: str, by: str = "cli") -> Cohort:
    if not cohort.is_open:
        raise CohortError(f"session {cohort.code} is already closed")
    return store.set_pacing(cohort.code, _action("close", by), closed=when)
