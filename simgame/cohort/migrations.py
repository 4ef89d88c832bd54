"""Schema versions of the SQLite cohort store, applied in order; PRAGMA user_version records where a file is.

Never edit a released migration: add the next one. Each runs inside one transaction.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: cohorts, players and the append-only event log
    """
    CREATE TABLE cohorts (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        scenario_ref TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        seed INTEGER NOT NULL,
        pace TEXT NOT NULL,
        open_step INTEGER NOT NULL DEFAULT 0,
        revealed_step INTEGER NOT NULL DEFAULT -1,
        paused INTEGER NOT NULL DEFAULT 0,
        key_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        closed TEXT
    );
    CREATE TABLE players (
        id TEXT PRIMARY KEY,
        cohort TEXT NOT NULL REFERENCES cohorts(code),
        name TEXT NOT NULL,
        team TEXT,
        joined TEXT NOT NULL,
        UNIQUE (cohort, name)
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        cohort TEXT NOT NULL REFERENCES cohorts(code),
        player TEXT,
        kind TEXT NOT NULL,
        step INTEGER,
        data TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (cohort, id)
    );
    CREATE INDEX events_by_cohort ON events (cohort, seq);
    """,
    # 2: where a player came from, and at most one event of a kind per player and decision
    """
    ALTER TABLE players ADD COLUMN origin TEXT NOT NULL DEFAULT 'terminal';
    DELETE FROM events WHERE player IS NOT NULL AND step IS NOT NULL AND seq NOT IN (
        SELECT MIN(seq) FROM events WHERE player IS NOT NULL AND step IS NOT NULL GROUP BY player, kind, step);
    CREATE UNIQUE INDEX events_one_per_step ON events (player, kind, step)
        WHERE player IS NOT NULL AND step IS NOT NULL;
    """,
    # 3: derived results worth keeping between reports (the best-outcome search), keyed by what they depend on
    """
    CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)

LATEST = len(MIGRATIONS)
