"""The PostgreSQL cohort store: any number of hubs and facilitators on other machines share one database.

Chosen by a ``postgresql://`` URL (``--store``, ``$SIMGAME_STORE`` or the ``store`` setting). Every
write is one transaction that first locks the session's row (``SELECT … FOR UPDATE``): writers of
one session queue on the database, never on a lock in this process, so two hubs judging the same
player's events, or two facilitators pacing at once, see each other's commits. Events are
``INSERT … ON CONFLICT DO NOTHING`` against the same unique indexes SQLite has (an event id once per
session, one answer per player and step, one finish), so a retried write is stored once. Because
writes of a session are serialized, its events commit in ``seq`` order: a reader that asks for the
events after the last ``seq`` it saw (the dashboards, the projector) never misses one.

The schema comes from :mod:`simgame.cohort.schema`; ``simgame_schema`` records the version, and a
transaction-scoped advisory lock lets many hubs start at once. Connections come from a small pool
(psycopg_pool). Errors are said with the URL's host, never its password.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event, now_iso
from simgame.cohort.postgresplayers import PostgresPlayers
from simgame.cohort.referee import Referee
from simgame.cohort.schema import LATEST, POSTGRES, base_statements, upgrade_statements
from simgame.cohort.store import StoreUnavailable
from simgame.cohort.storewrites import WritesMixin

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x51_6D_67_61  # the advisory lock many hubs starting at once queue on


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def where(url: str) -> str:
    """The URL said for a person: host (and port) and database, never the user or password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unreadable PostgreSQL address"
    host = str(parts.get("host") or "localhost")
    if host.startswith("/"):
        host = "this machine"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{host}{port}, database {parts.get('dbname') or parts.get('user') or '?'}"


def _reason(exc: BaseException) -> str:
    """psycopg's last line, which says what went wrong (refused, no such database, wrong password)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[-1] if lines else type(exc).__name__
    if "failed:" in text:
        text = text.split("failed:", 1)[1].strip()
    return text[:200]


class PostgresStore(PostgresPlayers, WritesMixin):
    """A cohort store in a PostgreSQL database (migrated to the latest schema on open)."""

    def __init__(self, url: str, referee: Referee | None = None, min_size: int = 1, max_size: int = 4) -> None:
        self.url = url
        self.where = where(url)
        self.referee = referee or Referee()
        try:
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S) as db:
                self._migrate(db)
        except psycopg.Error as exc:
            raise CohortError(f"cannot reach the cohort database on {self.where}: {_reason(exc)}") from None
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
            check=ConnectionPool.check_connection,  # a connection the server dropped (a restart) is replaced
            timeout=60.0,
            open=False,
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except PoolTimeout:
            raise CohortError(f"cannot reach the cohort database on {self.where}") from None

    # -- plumbing ---------------------------------------------------------------
    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection whose block is one transaction (committed at its end, else rolled back)."""
        try:
            with self._pool.connection() as db:
                yield db
        except PoolTimeout:
            raise StoreUnavailable(f"the cohort database on {self.where} is too busy just now; try again") from None
        except pgerrors.CheckViolation:
            raise CohortError("the store refused a record that breaks its rules") from None
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"cannot reach the cohort database on {self.where}: {_reason(exc)}") from None

    def _read(self) -> contextlib.AbstractContextManager[psycopg.Connection[Any]]:
        return self._conn()

    @contextlib.contextmanager
    def _write(self, code: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        """One transaction; with ``code``, the session's row is locked first (its writers queue here)."""
        with self._conn() as db:
            if code is not None:
                db.execute("SELECT 1 FROM cohorts WHERE code = %s FOR UPDATE", (code,))
            yield db

    def version(self) -> int:
        with self._conn() as db:
            return _version(db)

    def _migrate(self, db: psycopg.Connection[Any]) -> None:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS simgame_schema (version INTEGER NOT NULL)")
            current = _version(db)
            if current > LATEST:
                raise CohortError(f"the cohort database on {self.where} was written by a newer simgame; update simgame")
            if current == LATEST:
                return
            statements = base_statements(POSTGRES) if current == 0 else []
            for statement in statements + upgrade_statements(current, POSTGRES):
                db.execute(statement)
            db.execute("DELETE FROM simgame_schema")
            db.execute("INSERT INTO simgame_schema (version) VALUES (%s)", (LATEST,))

    def close(self) -> None:
        self._pool.close()

    # -- cohorts ------------------------------------------------------------------
    # -- events -------------------------------------------------------------------
    @staticmethod
    def _insert(db: psycopg.Connection[Any], code: str, event: Event) -> bool:
        cur = db.execute(
            "INSERT INTO events (id, cohort, player, kind, step, data, at) VALUES (%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT DO NOTHING",
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
    def _events_where(db: psycopg.Connection[Any], where: str, args: tuple[Any, ...]) -> list[Event]:
        rows = db.execute(
            f"SELECT seq, id, kind, player, step, data, at FROM events WHERE {where} ORDER BY seq",
            args,
        ).fetchall()
        return [
            Event(id=r[1], kind=r[2], player=r[3], step=r[4], data=json.loads(r[5]), at=r[6], seq=int(r[0]))
            for r in rows
        ]

    # -- derived results ------------------------------------------------------------
    def cached(self, key: str) -> str | None:
        with self._conn() as db:
            row = db.execute("SELECT value FROM cache WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    def remember(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO cache (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )


def _version(db: psycopg.Connection[Any]) -> int:
    exists = db.execute("SELECT to_regclass('simgame_schema')").fetchone()
    if exists is None or exists[0] is None:
        return 0
    row = db.execute("SELECT max(version) FROM simgame_schema").fetchone()
    return int(row[0]) if row and row[0] is not None else 0
