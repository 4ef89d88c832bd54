"""The cohort store's small interface: SQLite (``sqlite.py``, the default) and PostgreSQL (``postgres.py``,
for several hubs on one database) implement it; ``hubstore.py`` serves a co-facilitator through a hub.

Callers only use :class:`CohortStore` (opened by :func:`simgame.cohort.storage.open_store`); only the
backends know about SQL, and both build their tables from one description (``schema.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event
from simgame.format.inert import unsafe_characters
from simgame.settings import COHORT_DB_FILE, load_settings

FREE = "free"
LOCKSTEP = "lockstep"
PACES = (FREE, LOCKSTEP)
STORE_FILE = COHORT_DB_FILE
NAME = re.compile(r"[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{1,40}")  # matched whole (fullmatch)


COHORT_COLUMNS = (
    "code, name, scenario_id, scenario_ref, content_hash, seed, pace, open_step, revealed_step, "
    "paused, key_hash, created, closed, revision, deadline, teams, programme"
)  # how every backend selects a session: the order `Cohort.from_row` and `Cohort.to_row` use


@dataclass(frozen=True)
class Cohort:
    code: str
    name: str
    scenario_id: str
    scenario_ref: str  # what the facilitator gave: a bundled id or a path
    content_hash: str
    seed: int
    pace: str
    open_step: int  # lockstep: decisions with an index below this may be made
    revealed_step: int  # lockstep: the last decision whose distribution the room has seen (-1: none)
    paused: bool
    key_hash: str
    created: str
    closed: str | None = None
    revision: int = 0  # how many pacing actions so far: each one is checked against what it expected
    deadline: str | None = None  # lockstep timer: when the open decision advances on its own (UTC ISO)
    teams: tuple[str, ...] = ()  # the teams players choose from on joining; (): no list (a terminal may name one)
    programme: str | None = None  # the leadership programme the session belongs to, if any

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def to_row(self) -> tuple[Any, ...]:
        """This session as a row of the `cohorts` table, in the order of :data:`COHORT_COLUMNS`."""
        return (
            self.code,
            self.name,
            self.scenario_id,
            self.scenario_ref,
            self.content_hash,
            self.seed,
            self.pace,
            self.open_step,
            self.revealed_step,
            int(self.paused),
            self.key_hash,
            self.created,
            self.closed,
            self.revision,
            self.deadline,
            teams_text(self.teams),
            self.programme,
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Cohort:
        """A session from a row of the `cohorts` table, columns in the order every backend selects them."""
        return cls(
            code=row[0],
            name=row[1],
            scenario_id=row[2],
            scenario_ref=row[3],
            content_hash=row[4],
            seed=int(row[5]),
            pace=row[6],
            open_step=int(row[7]),
            revealed_step=int(row[8]),
            paused=bool(row[9]),
            key_hash=row[10],
            created=row[11],
            closed=row[12],
            revision=int(row[13]),
            deadline=row[14],
            teams=teams_from_text(row[15]) if len(row) > 15 else (),
            programme=row[16] if len(row) > 16 else None,
        )


@dataclass(frozen=True)
class Player:
    id: str
    cohort: str
    name: str
    team: str | None
    joined: str
    origin: str = "terminal"  # terminal | browser | import


class Changed(CohortError):
    """A pacing action expected a state the session is no longer in (another facilitator, a double press)."""

    def __init__(self, message: str, current: Cohort) -> None:
        super().__init__(message)
        self.current = current


class StoreUnavailable(CohortError):
    """The store cannot be reached just now (its database server is down or busy); nothing was written,
    so the same request can be made again (a hub answers 503: players' outboxes keep their events)."""


class NameTaken(CohortError):
    """Someone else (another device) already plays under this name in the session."""


class CohortStore(Protocol):
    """Everything cohort code needs from storage. Implementations must be safe for many processes.

    Rules every implementation keeps, each inside the one transaction that writes:

    - ``append`` reads the session and each named player's events, asks
      :meth:`simgame.cohort.referee.Referee.judge` about every event in order, and stores only what
      it returns (a refused event raises :class:`~simgame.cohort.referee.EventRefused` and nothing
      of the batch is stored); an event id already stored is ignored.
    - ``set_pacing`` compares ``expect`` (column -> value) with the session and raises
      :class:`Changed` if any differs; otherwise it judges and stores ``events`` (timeouts), applies
      the changes, adds one to ``revision`` and logs ``action``.
    - ``join`` finds a player by name compared case-insensitively among those not removed; a
      ``device`` (a secret the player's machine keeps) that is not one of that player's is refused
      with :class:`NameTaken` unless the facilitator allowed a new device for them. ``device=None``
      (imports, tools) matches only a player with no device.
    - writes to one session queue on the database (SQLite's write lock; PostgreSQL's lock on the
      session's row), never on a lock in one process, so a session's events commit in ``seq``
      order and ``events(code, after_seq)`` never skips one that commits later.
    - ``players`` lists the players not removed; events of removed players are kept (the audit)
      but never counted, because every reader folds events over ``players``.
    """

    def create_cohort(self, cohort: Cohort) -> None: ...

    def cohort(self, code: str) -> Cohort: ...

    def cohorts(self) -> list[Cohort]: ...

    def set_pacing(
        self,
        code: str,
        action: Event,
        *,
        pace: str | None = None,
        open_step: int | None = None,
        revealed_step: int | None = None,
        paused: bool | None = None,
        closed: str | None = None,
        deadline: str | None = None,  # "" clears the timer
        expect: Mapping[str, object] | None = None,
        events: Sequence[Event] = (),
    ) -> Cohort: ...

    def set_programme(self, code: str, programme: str | None, action: Event) -> Cohort:
        """Put the session into ``programme`` (None: out of any), logging ``action`` in the same transaction."""
        ...

    def join(
        self,
        code: str,
        name: str,
        team: str | None,
        origin: str = "terminal",
        allow_closed: bool = False,
        device: str | None = None,
    ) -> tuple[Player, bool]: ...

    def player_for_device(self, code: str, player: str, device: str) -> Player: ...

    def player_by_device(self, code: str, device: str) -> Player | None: ...

    def set_teams(self, code: str, teams: Sequence[str], action: Event) -> Cohort: ...

    def players(self, code: str) -> list[Player]: ...

    def update_player(
        self,
        code: str,
        player: str,
        action: Event,
        *,
        name: str | None = None,
        allow_device: bool | None = None,
        remove: bool = False,
        merge_into: str | None = None,
    ) -> Player: ...

    def append(self, code: str, events: list[Event]) -> int: ...

    def events(self, code: str, after_seq: int = 0) -> list[Event]: ...

    def player_events(self, code: str, player: str) -> list[Event]:
        """One player's events in order (a rejoin resumes from these, never reading the whole session)."""
        ...

    def cached(self, key: str) -> str | None: ...

    def remember(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


def teams_text(teams: Sequence[str]) -> str | None:
    """How a session's offered teams are stored (a JSON list; NULL when it offers none)."""
    return json.dumps(list(teams), ensure_ascii=False) if teams else None


def teams_from_text(text: str | None) -> tuple[str, ...]:
    """The teams a stored session offers (a damaged value offers none rather than failing the session)."""
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(t for t in value if isinstance(t, str)) if isinstance(value, list) else ()


def check_programme(name: str) -> str:
    """A programme's name: visible characters only, 1 to 60 of them, spaces tidied."""
    cleaned = " ".join(name.split())
    if unsafe_characters(cleaned, keep_lines=False) or not 1 <= len(cleaned) <= 60:
        raise CohortError("a programme's name needs 1 to 60 visible characters (no control characters)")
    return cleaned


def check_teams(teams: Sequence[str]) -> tuple[str, ...]:
    """The teams a facilitator offers, each checked like a name; duplicates (in any case) refused."""
    out: list[str] = []
    for team in teams:
        cleaned = check_name(team, "team")
        if name_key(cleaned) in {name_key(t) for t in out}:
            raise CohortError(f"the team {cleaned!r} is listed twice")
        out.append(cleaned)
    if len(out) > 50:
        raise CohortError("a session offers at most 50 teams")
    return tuple(out)


def offered_team(cohort: Cohort, team: str | None) -> str | None:
    """``team`` as the session spells it, if the session offers teams; refused if it is not one of them."""
    if team is None or not cohort.teams:
        return team
    for offered in cohort.teams:
        if name_key(offered) == name_key(team):
            return offered
    raise CohortError(f"this session's teams are {', '.join(cohort.teams)}; choose one of them")


def default_store_path(saves: Path | None = None) -> Path:
    """The cohort_db setting ($SIMGAME_COHORT_DB: the hub sets it for the games it spawns; or the
    config file), else cohorts.sqlite in ``saves`` (default: the saves setting). Opening it:
    :func:`simgame.cohort.storage.open_store`."""
    return load_settings().cohort_db_path(saves)


def check_name(name: str, what: str = "name") -> str:
    """A player's, team's or session's name, spaces tidied; refused with a plain message if it could
    act on the facilitator's terminal (control characters, text-direction overrides) or is empty or long.

    The hub, the terminal client and `simgame cohort import` all join through here, so all refuse alike.
    """
    cleaned = " ".join(name.split())
    if unsafe_characters(cleaned, keep_lines=False):
        raise CohortError(
            f"a {what} cannot contain control characters or text-direction overrides; use letters, digits and spaces"
        )
    if not NAME.fullmatch(cleaned):
        raise CohortError(f"a {what} needs 1 to 40 visible characters")
    return cleaned


def name_key(name: str) -> str:
    """The form names are compared in: "chen", "Chen" and "CHEN" are one name."""
    return " ".join(name.split()).casefold()


def require_open(cohort: Cohort) -> Cohort:
    if not cohort.is_open:
        raise CohortError(f"the session {cohort.code} ({cohort.name}) has been closed by the facilitator")
    return cohort
