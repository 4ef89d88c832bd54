"""The durable outbox: every statement waits in an SQLite file beside the cohort store until the LRS has it.

``cohorts.sqlite`` gets ``cohorts.xapi.sqlite`` next to it. A statement is queued once (its id is
the key, so building again adds only what is new), marked sent only after the LRS said so, and
never deleted: the file is also the export. A process killed at any point loses nothing: what was
queued stays queued, and what was sent but not yet marked is sent again under the same id, which
the LRS keeps once (xAPI: a statement id already stored with the same content is not stored again).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.xapi.statements import Statement

QUEUED, SENT, FAILED, WITHDRAWN = "queued", "sent", "failed", "withdrawn"
SUFFIX = ".xapi.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    cohort TEXT NOT NULL,
    player TEXT NOT NULL,
    kind TEXT NOT NULL,
    registration TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    queued_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS statements_by_cohort ON statements (cohort, state, seq);
CREATE TABLE IF NOT EXISTS deployments (cohort TEXT PRIMARY KEY, home_page TEXT NOT NULL);
"""


def outbox_path(store_path: Path) -> Path:
    """The outbox beside a cohort store: ``cohorts.sqlite`` -> ``cohorts.xapi.sqlite``."""
    return store_path.with_name(store_path.stem + SUFFIX)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Queued:
    seq: int
    id: str
    kind: str
    registration: str
    body: dict[str, Any]
    state: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class Status:
    queued: int
    sent: int
    failed: int
    withdrawn: int  # never sent: the player was removed from the session before
    errors: list[tuple[str, str]]  # (statement id, why the LRS refused it) for failed ones

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.withdrawn


class Outbox:
    """The outbox file; safe for several processes (each change is one SQLite transaction)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise CohortError(f"{path}: the xAPI outbox cannot be opened ({exc})") from None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise CohortError(f"{self.path}: the xAPI outbox cannot be written ({exc})") from None

    def bind(self, cohort: str, home_page: str) -> None:
        """Tie a session's statements to one deployment IRI: ids derive from it, so it must not change."""
        with self._write() as db:
            row = db.execute("SELECT home_page FROM deployments WHERE cohort = ?", (cohort,)).fetchone()
            if row is None:
                db.execute("INSERT INTO deployments (cohort, home_page) VALUES (?, ?)", (cohort, home_page))
            elif row[0] != home_page:
                raise CohortError(
                    f"session {cohort}'s statements were made for the deployment {row[0]}, not {home_page}: "
                    "set the same home page (xapi_home_page) as before, or the LRS would count every player twice"
                )

    def add(self, statements: Iterable[Statement]) -> int:
        """Queue the statements not already in the outbox; returns how many were new."""
        now, new = _now(), 0
        with self._write() as db:
            for s in statements:
                cur = db.execute(
                    "INSERT OR IGNORE INTO statements (id, cohort, player, kind, registration, body, queued_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (s.id, s.cohort, s.player, s.kind, s.registration, json.dumps(s.body, sort_keys=True), now),
                )
                new += cur.rowcount
        return new

    def pending(self, cohort: str, limit: int) -> list[Queued]:
        """The oldest queued statements of a session, up to ``limit``."""
        return self._select("WHERE cohort = ? AND state = 'queued' ORDER BY seq LIMIT ?", (cohort, limit))

    def all(self, cohort: str) -> list[Queued]:
        """Every statement of the session but those withdrawn: what was or will be sent."""
        return self._select("WHERE cohort = ? AND state != 'withdrawn' ORDER BY seq", (cohort,))

    def _select(self, where: str, args: tuple[Any, ...]) -> list[Queued]:
        rows = self._db.execute(
            f"SELECT seq, id, kind, registration, body, state, attempts, error FROM statements {where}", args
        ).fetchall()
        return [Queued(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7]) for r in rows]

    def mark_sent(self, ids: list[str]) -> None:
        now = _now()
        with self._write() as db:
            db.executemany(
                "UPDATE statements SET state = 'sent', sent_at = ?, error = NULL, attempts = attempts + 1 WHERE id = ?",
                [(now, i) for i in ids],
            )

    def mark_failed(self, sid: str, why: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE statements SET state = 'failed', error = ?, attempts = attempts + 1 WHERE id = ?", (why, sid)
            )

    def note_attempt(self, ids: list[str], why: str) -> None:
        """A try that did not reach a verdict (LRS unreachable, busy): still queued, with the reason."""
        with self._write() as db:
            db.executemany(
                "UPDATE statements SET attempts = attempts + 1, error = ? WHERE id = ?", [(why, i) for i in ids]
            )

    def withdraw(self, cohort: str, players: set[str]) -> int:
        """Take back the unsent statements of players no longer counted (removed, or merged into another)."""
        with self._write() as db:
            rows = db.execute(
                "SELECT id, player FROM statements WHERE cohort = ? AND state IN ('queued', 'failed')", (cohort,)
            ).fetchall()
            gone = [(i,) for i, player in rows if player not in players]
            db.executemany("UPDATE statements SET state = 'withdrawn' WHERE id = ?", gone)
        return len(gone)

    def requeue_failed(self, cohort: str) -> int:
        """Queue the statements the LRS refused again (after the LRS or the settings were fixed)."""
        with self._write() as db:
            cur = db.execute("UPDATE statements SET state = 'queued' WHERE cohort = ? AND state = 'failed'", (cohort,))
            return cur.rowcount

    def status(self, cohort: str) -> Status:
        counts = dict(
            self._db.execute("SELECT state, COUNT(*) FROM statements WHERE cohort = ? GROUP BY state", (cohort,))
        )
        errors = self._db.execute(
            "SELECT id, error FROM statements WHERE cohort = ? AND state = 'failed' ORDER BY seq", (cohort,)
        ).fetchall()
        return Status(
            int(counts.get(QUEUED, 0)),
            int(counts.get(SENT, 0)),
            int(counts.get(FAILED, 0)),
            int(counts.get(WITHDRAWN, 0)),
            [(str(i), str(e or "")) for i, e in errors],
        )

    def last_error(self, cohort: str) -> str | None:
        row = self._db.execute(
            "SELECT error FROM statements WHERE cohort = ? AND state = 'queued' AND error IS NOT NULL"
            " ORDER BY seq LIMIT 1",
            (cohort,),
        ).fetchone()
        return str(row[0]) if row else None
