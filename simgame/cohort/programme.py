"""Programmes: several sessions of one leadership programme, grouped for a report of their own.

A programme is only a name on each of its sessions (``cohorts.programme``): it exists while a
session carries it. Names are compared as people type them, whatever their case or spacing
(`name_key`), and a session joining a programme takes the spelling its sessions already use, so
"leading with AI" and "Leading with AI" are one programme. Putting a session in or taking it out
is a facilitator action, logged in the session's audit trail like pacing.

Finding a programme's sessions filters `CohortStore.cohorts()`: one read of a small table (a
thousand sessions in milliseconds, see ``benchmarks/cohort_programme.py``), so the store interface
needs no query of its own and the case-insensitive rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, Event, make_event
from simgame.cohort.store import Cohort, CohortStore, check_programme, name_key


@dataclass(frozen=True)
class Programme:
    name: str  # as most of its sessions spell it (a tie: as the earliest does)
    sessions: tuple[Cohort, ...]  # oldest first


def programmes(store: CohortStore) -> list[Programme]:
    """Every programme in the store, by name; each with its sessions, oldest first."""
    groups: dict[str, list[Cohort]] = {}
    for c in store.cohorts():
        if c.programme:
            groups.setdefault(name_key(c.programme), []).append(c)
    out = []
    for members in groups.values():
        members.sort(key=lambda c: (c.created, c.code))
        spellings = [str(c.programme) for c in members]
        name = max(spellings, key=lambda s: (spellings.count(s), -spellings.index(s)))
        out.append(Programme(name, tuple(members)))
    return sorted(out, key=lambda p: name_key(p.name))


def find_programme(store: CohortStore, name: str) -> Programme:
    """The programme called ``name`` (any case); unknown, the message lists the ones there are."""
    key = name_key(name)
    known = programmes(store)
    for p in known:
        if name_key(p.name) == key:
            return p
    if not known:
        raise CohortError(
            f"there is no programme called {name!r}: no session belongs to a programme yet "
            "(add sessions with `simgame cohort programme add NAME CODE... --key KEY`)"
        )
    listed = ", ".join(repr(p.name) for p in known)
    raise CohortError(f"there is no programme called {name!r}; the programmes are: {listed}")


def spelling(store: CohortStore, name: str) -> str:
    """``name`` checked, in the spelling the programme's sessions already use (if it has any)."""
    cleaned = check_programme(name)
    for p in programmes(store):
        if name_key(p.name) == name_key(cleaned):
            return p.name
    return cleaned


def action(programme: str | None, was: str | None, by: str) -> Event:
    """The audit trail's record of a session moved into ``programme`` (None: out of ``was``)."""
    return make_event(FACILITATOR, None, None, {"action": "programme", "by": by, "programme": programme, "was": was})


def put_in(store: CohortStore, cohort: Cohort, programme: str, by: str = "cli") -> Cohort:
    """The session in ``programme`` (spelled as its sessions spell it); unchanged if it is in it already
    (in whatever case)."""
    name = spelling(store, programme)
    if cohort.programme is not None and name_key(cohort.programme) == name_key(name):
        return cohort
    return store.set_programme(cohort.code, name, action(name, cohort.programme, by))


def take_out(store: CohortStore, cohort: Cohort, by: str = "cli") -> Cohort:
    """The session in no programme; saying so plainly if it was in none."""
    if cohort.programme is None:
        raise CohortError(f"session {cohort.code} ({cohort.name}) is not in a programme")
    return store.set_programme(cohort.code, None, action(None, cohort.programme, by))
