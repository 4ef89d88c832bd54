"""Schema versions of the SQLite cohort store, applied in order; PRAGMA user_version records where a file is.

Versions 1 to :data:`simgame.cohort.schema.BASE` are SQLite's released scripts below; every later
version comes from the one description both backends share (:mod:`simgame.cohort.schema`).

Never edit a released migration: add the next one. Each runs inside one transaction (with foreign
keys checked at its end, so a table can be rebuilt). The backend registers ``simgame_fold(text)``,
the case-insensitive form names are compared in, before migrating.
"""

from __future__ import annotations

from simgame.cohort.schema import BASE, SQLITE, STEPS, step_statements
from simgame.cohort.schema import LATEST as SCHEMA_LATEST

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
    # 4: identity by device, names compared case-insensitively, removed players kept for the audit;
    # the pacing revision and timer; the event log's rules as constraints (events that break them
    # are moved to `refused_events` with the reason, never deleted); a timeout may be recorded again
    # after an undone advance.
    """
    CREATE TABLE players_v4 (
        id TEXT PRIMARY KEY,
        cohort TEXT NOT NULL REFERENCES cohorts(code),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
        name_key TEXT NOT NULL,
        former_key TEXT,
        team TEXT,
        joined TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'terminal' CHECK (origin IN ('terminal', 'browser', 'import')),
        allow_device INTEGER NOT NULL DEFAULT 0 CHECK (allow_device IN (0, 1)),
        removed TEXT
    );
    INSERT INTO players_v4 (id, cohort, name, name_key, team, joined, origin)
        SELECT id, cohort, name, simgame_fold(name), team, joined,
               CASE WHEN origin IN ('terminal', 'browser', 'import') THEN origin ELSE 'terminal' END
        FROM players ORDER BY rowid;
    UPDATE players_v4 SET name_key = name_key || '#' || id WHERE EXISTS (
        SELECT 1 FROM players_v4 q WHERE q.cohort = players_v4.cohort AND q.name_key = players_v4.name_key
        AND q.rowid < players_v4.rowid);
    DROP TABLE players;
    ALTER TABLE players_v4 RENAME TO players;
    CREATE UNIQUE INDEX players_one_name ON players (cohort, name_key) WHERE removed IS NULL;
    CREATE TABLE devices (
        cohort TEXT NOT NULL REFERENCES cohorts(code),
        device TEXT NOT NULL CHECK (length(device) = 64),
        player TEXT NOT NULL REFERENCES players(id),
        added TEXT NOT NULL,
        PRIMARY KEY (cohort, device, player)
    );
    CREATE INDEX devices_by_player ON devices (player);
    ALTER TABLE cohorts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cohorts ADD COLUMN deadline TEXT;
    CREATE TABLE refused_events (
        seq INTEGER,
        id TEXT,
        cohort TEXT,
        player TEXT,
        kind TEXT,
        step INTEGER,
        data TEXT,
        at TEXT,
        reason TEXT NOT NULL,
        moved TEXT NOT NULL
    );
    CREATE TABLE events_v4 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL CHECK (length(id) BETWEEN 8 AND 80),
        cohort TEXT NOT NULL REFERENCES cohorts(code),
        player TEXT REFERENCES players(id),
        kind TEXT NOT NULL CHECK (kind IN ('joined', 'chose', 'timed_out', 'finished', 'facilitator')),
        step INTEGER CHECK (step IS NULL OR step BETWEEN 0 AND 9999),
        data TEXT NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object'),
        at TEXT NOT NULL,
        UNIQUE (cohort, id),
        CHECK (CASE kind
            WHEN 'facilitator' THEN player IS NULL AND step IS NULL
            WHEN 'joined' THEN player IS NOT NULL AND step IS NULL
            ELSE player IS NOT NULL AND step IS NOT NULL END),
        CHECK (kind != 'chose' OR json_type(data, '$.choice') = 'text')
    );
    INSERT INTO refused_events SELECT seq, id, cohort, player, kind, step, data, at,
        'it breaks the event log''s rules (found when the store was upgraded)', datetime('now')
        FROM events e WHERE NOT (
            length(id) BETWEEN 8 AND 80
            AND kind IN ('joined', 'chose', 'timed_out', 'finished', 'facilitator')
            AND (step IS NULL OR step BETWEEN 0 AND 9999)
            AND json_valid(data) AND json_type(data) = 'object'
            AND (CASE kind WHEN 'facilitator' THEN player IS NULL AND step IS NULL
                 WHEN 'joined' THEN player IS NOT NULL AND step IS NULL
                 ELSE player IS NOT NULL AND step IS NOT NULL END)
            AND (kind != 'chose' OR json_type(data, '$.choice') = 'text')
            AND (player IS NULL OR EXISTS (SELECT 1 FROM players p WHERE p.id = e.player AND p.cohort = e.cohort))
            AND (kind != 'finished' OR NOT EXISTS (SELECT 1 FROM events f
                 WHERE f.kind = 'finished' AND f.player = e.player AND f.seq < e.seq)));
    INSERT INTO events_v4 SELECT seq, id, cohort, player, kind, step, data, at FROM events
        WHERE seq NOT IN (SELECT seq FROM refused_events WHERE seq IS NOT NULL);
    DROP TABLE events;
    ALTER TABLE events_v4 RENAME TO events;
    CREATE INDEX events_by_cohort ON events (cohort, seq);
    CREATE INDEX events_by_player ON events (player, seq);
    CREATE UNIQUE INDEX events_one_per_step ON events (player, kind, step)
        WHERE player IS NOT NULL AND step IS NOT NULL AND kind != 'timed_out';
    CREATE UNIQUE INDEX events_one_finish ON events (player) WHERE kind = 'finished';
    """,
)

assert len(MIGRATIONS) == BASE, "versions after BASE are described in simgame.cohort.schema"
LATEST = SCHEMA_LATEST


def sqlite_statements(number: int) -> list[str]:
    """What brings a SQLite file from version ``number - 1`` to ``number``."""
    if number <= BASE:
        return [s for s in _split(MIGRATIONS[number - 1]) if s.strip()]
    out: list[str] = []
    for step in STEPS[number - BASE - 1]:
        out += step_statements(step, SQLITE)
    return out


def _split(script: str) -> list[str]:
    """A script's statements (split on `;` outside quotes)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in script:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
