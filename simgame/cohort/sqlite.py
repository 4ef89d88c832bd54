"""The SQLite cohort store: WAL mode so many player processes write while the dashboard reads.

Each write is one short ``BEGIN IMMEDIATE`` transaction (writers queue on SQLite's lock,
waiting up to ``busy_timeout``); events are ``INSERT OR IGNORE`` on their client id, so
a retried write is stored once.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import JOINED, Event, check_event, make_event, now_iso
from simgame.cohort.migrations import LATEST, MIGRATIONS
from simgame.cohort.store import PACES, Cohort, Player, check_name, require_open

BUSY_MS = 60_000
_COHORT_COLS = (
    "code, name, scenario_id, scenario_ref, content_hash, seed, pace, open_step, revealed_step, "
    "paused, key_hash, created, closed"
)


class SqliteStore:
    """A cohort store in one SQLite file (created, and migrated to the latest schema, on open)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(self.path), timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise CohortError(f"cannot open the cohort store {self.path}: {exc}") from None
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        with self._retry_locked():
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self.migrate()

    # -- plumbing ---------------------------------------------------------------
    @contextlib.contextmanager
    def _retry_locked(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise CohortError(f"the cohort store {self.path} is busy or unreadable: {exc}") from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken up front, so no upgrade deadlock."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise CohortError(f"the cohort store {self.path} is busy: {exc}") from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = LATEST) -> None:
        """Bring the file up to ``target``; a file from a newer simgame is refused, never touched."""
        if self.version() > LATEST:
            raise CohortError(f"the cohort store {self.path} was written by a newer simgame; update simgame")
        if self.version() >= target:
            return
        with self._write() as db:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            for number in range(current + 1, target + 1):
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self._db.close()

    # -- cohorts ------------------------------------------------------------------
    def create_cohort(self, cohort: Cohort) -> None:
        if cohort.pace not in PACES:
            raise CohortError(f"pace must be one of {', '.join(PACES)}")
        with self._write() as db:
            try:
                db.execute(
                    f"INSERT INTO cohorts ({_COHORT_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        cohort.code,
                        cohort.name,
                        cohort.scenario_id,
                        cohort.scenario_ref,
                        cohort.content_hash,
                        cohort.seed,
                        cohort.pace,
                        cohort.open_step,
                        cohort.revealed_step,
                        int(cohort.paused),
                        cohort.key_hash,
                        cohort.created,
                        cohort.closed,
                    ),
                )
            except sqlite3.IntegrityError:
                raise CohortError(f"a session with code {cohort.code} already exists") from None

    @staticmethod
    def _cohort(row: Any) -> Cohort:
        return Cohort(
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
        )

    def cohort(self, code: str) -> Cohort:
        row = self._db.execute(f"SELECT {_COHORT_COLS} FROM cohorts WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise CohortError(f"there is no session with code {code}; check the code on the facilitator's screen")
        return self._cohort(row)

    def cohorts(self) -> list[Cohort]:
        rows = self._db.execute(f"SELECT {_COHORT_COLS} FROM cohorts ORDER BY created DESC").fetchall()
        return [self._cohort(r) for r in rows]

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
    ) -> Cohort:
        """Change pacing and log the facilitator's action in the same transaction (an audit trail)."""
        check_event(action)
        changes: dict[str, Any] = {
            "pace": pace,
            "open_step": open_step,
            "revealed_step": revealed_step,
            "paused": None if paused is None else int(paused),
            "closed": closed,
        }
        sets = {k: v for k, v in changes.items() if v is not None}
        with self._write() as db:
            if db.execute("SELECT 1 FROM cohorts WHERE code = ?", (code,)).fetchone() is None:
                raise CohortError(f"there is no session with code {code}")
            if sets:
                db.execute(
                    f"UPDATE cohorts SET {', '.join(f'{k} = ?' for k in sets)} WHERE code = ?", (*sets.values(), code)
                )
            self._insert(db, code, action)
        return self.cohort(code)

    # -- players ------------------------------------------------------------------
    def join(
        self, code: str, name: str, team: str | None, origin: str = "terminal", allow_closed: bool = False
    ) -> tuple[Player, bool]:
        """The player called ``name`` in this cohort, created on first join (rejoining resumes them)."""
        name = check_name(name)
        team = check_name(team, "team name") if team else None
        with self._write() as db:
            row = db.execute(f"SELECT {_COHORT_COLS} FROM cohorts WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise CohortError(f"there is no session with code {code}; check the code on the facilitator's screen")
            if not allow_closed:
                require_open(self._cohort(row))
            found = db.execute(
                "SELECT id, cohort, name, team, joined, origin FROM players WHERE cohort = ? AND name = ?", (code, name)
            ).fetchone()
            if found is not None:
                return Player(*found), False
            player = Player(f"p-{secrets.token_hex(5)}", code, name, team, now_iso(), origin)
            db.execute(
                "INSERT INTO players (id, cohort, name, team, joined, origin) VALUES (?,?,?,?,?,?)",
                (player.id, code, player.name, player.team, player.joined, origin),
            )
            self._insert(db, code, make_event(JOINED, player.id, None, {"team": team, "origin": origin}))
            return player, True

    def players(self, code: str) -> list[Player]:
        rows = self._db.execute(
            "SELECT id, cohort, name, team, joined, origin FROM players WHERE cohort = ? ORDER BY rowid", (code,)
        ).fetchall()
        return [Player(*r) for r in rows]

    # -- events -------------------------------------------------------------------
    @staticmethod
    def _insert(db: sqlite3.Connection, code: str, event: Event) -> bool:
        cur = db.execute(
            "INSERT OR IGNORE INTO events (id, cohort, player, kind, step, data, at) VALUES (?,?,?,?,?,?,?)",
            (
                event.id,
                code,
                event.player,
                event.kind,
                event.step,
                json.dumps(event.data, sort_keys=True, ensure_ascii=False),
                event.at or now_iso(),
            ),
        )
        return cur.rowcount == 1

    def append(self, code: str, events: list[Event]) -> int:
        """Store events once each (by id, and one per player, kind and step); returns how many were new."""
        for event in events:
            check_event(event)
        with self._write() as db:
            if db.execute("SELECT 1 FROM cohorts WHERE code = ?", (code,)).fetchone() is None:
                raise CohortError(f"there is no session with code {code}")
            members = {r[0] for r in db.execute("SELECT id FROM players WHERE cohort = ?", (code,))}
            for event in events:
                if event.player is not None and event.player not in members:
                    raise CohortError("an event names a player who is not in this session")
            return sum(self._insert(db, code, e) for e in events)

    def events(self, code: str, after_seq: int = 0) -> list[Event]:
        rows = self._db.execute(
            "SELECT seq, id, kind, player, step, data, at FROM events WHERE cohort = ? AND seq > ? ORDER BY seq",
            (code, after_seq),
        ).fetchall()
        return [
            Event(id=r[1], kind=r[2], player=r[3], step=r[4], data=json.loads(r[5]), at=r[6], seq=r[0]) for r in rows
        ]

    # -- derived results ------------------------------------------------------------
    def cached(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def remember(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO cache (key, value) VALUES (?, ?)", (key, value))
