"""The SQLite cohort store: WAL mode so many player processes write while the dashboard reads.

Each write is one short ``BEGIN IMMEDIATE`` transaction (writers queue on SQLite's lock,
waiting up to ``busy_timeout``); events are ``INSERT OR IGNORE`` on their client id, so
a retried write is stored once. Every player event is judged by the referee inside the
transaction that stores it (see :class:`simgame.cohort.store.CohortStore`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event, now_iso
from simgame.cohort.migrations import LATEST, sqlite_statements
from simgame.cohort.referee import EventRefused, Referee, ledger
from simgame.cohort.store import COHORT_COLUMNS, Cohort, name_key
from simgame.cohort.storewrites import WritesMixin

BUSY_MS = 60_000


class SqliteStore(WritesMixin):
    """A cohort store in one SQLite file (created, and migrated to the latest schema, on open)."""

    def __init__(self, path: Path, referee: Referee | None = None) -> None:
        self.path = Path(path)
        self.referee = referee or Referee()
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
        self._db.create_function("simgame_fold", 1, name_key, deterministic=True)
        self.migrate()
        self._db.execute("PRAGMA foreign_keys = ON")

    # -- plumbing ---------------------------------------------------------------
    @contextlib.contextmanager
    def _retry_locked(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise CohortError(f"the cohort store {self.path} is busy or unreadable: {exc}") from None

    def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return contextlib.nullcontext(self._db)

    @contextlib.contextmanager
    def _write(self, code: str | None = None) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken up front (the whole file: ``code`` is not
        needed), so no upgrade deadlock."""
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
        self._db.execute("PRAGMA foreign_keys = OFF")  # tables are rebuilt; checked before commit
        with self._write() as db:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            for number in range(current + 1, target + 1):
                for statement in sqlite_statements(number):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise CohortError(f"the cohort store {self.path} has broken links between its tables; not upgraded")
            if current < 4 <= target:
                self._rejudge(db)

    def _rejudge(self, db: sqlite3.Connection) -> None:
        """Upgrading a store written before events were judged: move every player event that does not
        replay to ``refused_events`` (with the reason). Sessions whose scenario cannot be loaded wait."""
        for row in db.execute(f"SELECT {COHORT_COLUMNS} FROM cohorts").fetchall():
            cohort = Cohort.from_row(row)
            try:
                self.referee.scenario(cohort)
            except CohortError:
                continue
            free = replace(cohort, pace="free")
            records: dict[str, Any] = {}
            for event in self._events_where(db, "cohort = ? AND kind IN ('chose', 'finished')", (cohort.code,)):
                record = records.setdefault(str(event.player), ledger([]))
                try:
                    judged = self.referee.judge(free, record, event)
                except EventRefused as refused:
                    self._quarantine(db, event, refused.reason)
                    continue
                if judged is None:
                    self._quarantine(db, event, "a second answer to the same step")
                    continue
                record.add(judged)
                if judged.data != event.data:  # the replay's scene and decision number, as new events carry
                    data = json.dumps(judged.data, sort_keys=True, ensure_ascii=False)
                    db.execute("UPDATE events SET data = ? WHERE seq = ?", (data, event.seq))

    @staticmethod
    def _quarantine(db: sqlite3.Connection, event: Event, reason: str) -> None:
        db.execute(
            "INSERT INTO refused_events SELECT seq, id, cohort, player, kind, step, data, at, ?, ? "
            "FROM events WHERE seq = ?",
            (f"{reason} (found when the store was upgraded)", now_iso(), event.seq),
        )
        db.execute("DELETE FROM events WHERE seq = ?", (event.seq,))

    def close(self) -> None:
        self._db.close()

    # -- cohorts ------------------------------------------------------------------
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

    @staticmethod
    def _events_where(db: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> list[Event]:
        rows = db.execute(
            f"SELECT seq, id, kind, player, step, data, at FROM events WHERE {where} ORDER BY seq", args
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
