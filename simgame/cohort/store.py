"""The cohort store's small interface: SQLite implements it today; a server database could tomorrow.

Callers only use :class:`CohortStore`; nothing outside ``sqlite.py`` knows about SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event
from simgame.format.inert import unsafe_characters
from simgame.settings import COHORT_DB_FILE, load_settings

FREE = "free"
LOCKSTEP = "lockstep"
PACES = (FREE, LOCKSTEP)
STORE_FILE = COHORT_DB_FILE
NAME = re.compile(r"[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{1,40}")  # matched whole (fullmatch)


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

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class Player:
    id: str
    cohort: str
    name: str
    team: str | None
    joined: str
    origin: str = "terminal"  # terminal | browser | import


class CohortStore(Protocol):
    """Everything cohort code needs from storage. Implementations must be safe for many processes."""

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
    ) -> Cohort: ...

    def join(
        self, code: str, name: str, team: str | None, origin: str = "terminal", allow_closed: bool = False
    ) -> tuple[Player, bool]: ...

    def players(self, code: str) -> list[Player]: ...

    def append(self, code: str, events: list[Event]) -> int: ...

    def events(self, code: str, after_seq: int = 0) -> list[Event]: ...

    def cached(self, key: str) -> str | None: ...

    def remember(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


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


def require_open(cohort: Cohort) -> Cohort:
    if not cohort.is_open:
        raise CohortError(f"the session {cohort.code} ({cohort.name}) has been closed by the facilitator")
    return cohort
