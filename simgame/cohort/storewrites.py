"""The store's rules for sessions, once for both backends: creating and reading them, pacing,
programme, teams, and judged events.

Each is one transaction from the backend's ``_write(code)`` (SQLite's write lock; PostgreSQL's
lock on the session's row), so facilitators and hubs acting at once queue on the database.
A backend says only how its driver marks parameters (``_sql``), inserts an event once
(``_insert``) and reads events (``_events_where``); the rules live here, as the players' do in
:mod:`simgame.cohort.sqliteplayers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event, check_event
from simgame.cohort.referee import EventRefused, Referee, ledger
from simgame.cohort.sqliteplayers import Conn, PlayersMixin
from simgame.cohort.store import COHORT_COLUMNS, PACES, Changed, Cohort, check_programme, check_teams, teams_text

PACING_COLUMNS = ("pace", "open_step", "revealed_step", "paused", "closed", "deadline", "revision")
_CLEAR = object()  # set a column to NULL


class WritesMixin(PlayersMixin):
    referee: Referee

    @staticmethod
    def _events_where(db: Conn, where: str, args: tuple[Any, ...]) -> list[Event]:  # pragma: no cover - the store's
        raise NotImplementedError

    # -- sessions ---------------------------------------------------------------------------
    def create_cohort(self, cohort: Cohort) -> None:
        if cohort.pace not in PACES:
            raise CohortError(f"pace must be one of {', '.join(PACES)}")
        marks = ", ".join("?" * len(cohort.to_row()))
        with self._write() as db:
            stored = db.execute(
                self._sql(f"INSERT INTO cohorts ({COHORT_COLUMNS}) VALUES ({marks}) ON CONFLICT DO NOTHING"),
                cohort.to_row(),
            ).rowcount
        if stored != 1:
            raise CohortError(f"a session with code {cohort.code} already exists")

    def cohort(self, code: str) -> Cohort:
        with self._read() as db:
            return self._cohort_in(db, code)

    def cohorts(self) -> list[Cohort]:
        with self._read() as db:
            rows = db.execute(f"SELECT {COHORT_COLUMNS} FROM cohorts ORDER BY created DESC").fetchall()
        return [Cohort.from_row(r) for r in rows]

    def _cohort_in(self, db: Conn, code: str) -> Cohort:
        row = db.execute(self._sql(f"SELECT {COHORT_COLUMNS} FROM cohorts WHERE code = ?"), (code,)).fetchone()
        if row is None:
            raise CohortError(f"there is no session with code {code}; check the code on the facilitator's screen")
        return Cohort.from_row(row)

    # -- pacing, programme, teams ---------------------------------------------------------------
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
        deadline: str | None = None,
        expect: Mapping[str, object] | None = None,
        events: Sequence[Event] = (),
    ) -> Cohort:
        """Change pacing and log the facilitator's action in the same transaction (an audit trail),
        only if the session is still as ``expect`` says; timeouts in ``events`` are judged and stored with it."""
        check_event(action)
        for event in events:
            check_event(event)
        changes: dict[str, Any] = {
            "pace": pace,
            "open_step": open_step,
            "revealed_step": revealed_step,
            "paused": None if paused is None else int(paused),
            "closed": closed,
            "deadline": None if deadline is None else (deadline or _CLEAR),
        }
        sets = {k: (None if v is _CLEAR else v) for k, v in changes.items() if v is not None}
        with self._write(code) as db:
            cohort = self._cohort_in(db, code)
            for column, value in (expect or {}).items():
                if column not in PACING_COLUMNS:
                    raise CohortError(f"pacing cannot expect `{column}`")
                if getattr(cohort, column) != value:
                    raise Changed(f"the session's {column} is {getattr(cohort, column)!r}, not {value!r}", cohort)
            self._store_judged(db, cohort, list(events), skip_refused=True)
            assignments = [f"{k} = ?" for k in sets] + ["revision = revision + 1"]
            db.execute(self._sql(f"UPDATE cohorts SET {', '.join(assignments)} WHERE code = ?"), (*sets.values(), code))
            self._insert(db, code, action)
            return self._cohort_in(db, code)

    def set_programme(self, code: str, programme: str | None, action: Event) -> Cohort:
        """Put the session into a programme (None: take it out) and log ``action``, in one transaction.

        Not a pacing action: ``revision`` is left alone, so no facilitator's pending pacing is refused."""
        check_event(action)
        programme = check_programme(programme) if programme is not None else None
        with self._write(code) as db:
            self._cohort_in(db, code)
            db.execute(self._sql("UPDATE cohorts SET programme = ? WHERE code = ?"), (programme, code))
            self._insert(db, code, action)
            return self._cohort_in(db, code)

    def set_teams(self, code: str, teams: Sequence[str], action: Event) -> Cohort:
        """The teams the session offers from now on (none: players name their own, or none), logged."""
        check_event(action)
        offered = check_teams(teams)
        with self._write(code) as db:
            self._cohort_in(db, code)
            db.execute(self._sql("UPDATE cohorts SET teams = ? WHERE code = ?"), (teams_text(offered), code))
            self._insert(db, code, action)
            return self._cohort_in(db, code)

    def append(self, code: str, events: list[Event]) -> int:
        """Store the events that could have happened, once each; returns how many were new.

        A refused event raises :class:`~simgame.cohort.referee.EventRefused` and nothing of the batch is stored.
        """
        for event in events:
            check_event(event)
        with self._write(code) as db:
            return self._store_judged(db, self._cohort_in(db, code), events)

    def _store_judged(self, db: Conn, cohort: Cohort, events: Sequence[Event], skip_refused: bool = False) -> int:
        """Judge and store ``events`` in order; a refusal raises, or (``skip_refused``: the timeouts of an
        advance, where a player who answered a moment ago is simply not late) leaves that one out."""
        members: dict[str, bool] = {}  # each named player looked up once: in the session and not removed
        records: dict[str, Any] = {}
        stored = 0
        for event in events:
            player = event.player
            if player is not None and player not in members:
                found = db.execute(
                    self._sql("SELECT 1 FROM players WHERE cohort = ? AND id = ? AND removed IS NULL"),
                    (cohort.code, player),
                ).fetchone()
                members[player] = found is not None
            if player is None or not members[player]:
                raise CohortError("an event names a player who is not in this session")
            seen = db.execute(self._sql("SELECT 1 FROM events WHERE cohort = ? AND id = ?"), (cohort.code, event.id))
            if seen.fetchone():
                continue  # sent again with the same id: stored once
            if player not in records:
                mine = self._events_where(db, self._sql("cohort = ? AND player = ?"), (cohort.code, player))
                records[player] = ledger(mine)
            try:
                judged = self.referee.judge(cohort, records[player], event)
            except EventRefused:
                if not skip_refused:
                    raise
                continue
            if judged is not None and self._insert(db, cohort.code, judged):
                records[player].add(judged)
                stored += 1
        return stored

    def events(self, code: str, after_seq: int = 0) -> list[Event]:
        with self._read() as db:
            return self._events_where(db, self._sql("cohort = ? AND seq > ?"), (code, after_seq))

    def player_events(self, code: str, player: str) -> list[Event]:
        with self._read() as db:
            return self._events_where(db, self._sql("cohort = ? AND player = ?"), (code, player))
