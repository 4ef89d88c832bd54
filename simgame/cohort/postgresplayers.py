"""The PostgreSQL store's players: the same rules as SQLite's (:mod:`simgame.cohort.sqliteplayers`).

Every join, rename, merge and removal runs in one transaction that holds the session's row
(``SELECT … FOR UPDATE``, see ``PostgresStore._write``), so two hubs joining the same name at once
queue on the database. Only how the driver writes parameters and how players are ordered differ.
"""

from __future__ import annotations

from simgame.cohort.sqliteplayers import PlayersMixin

# Joining order: the seq of the player's `joined` event (SQLite's rowid order).
JOIN_ORDER = "(SELECT min(e.seq) FROM events e WHERE e.player = players.id AND e.kind = 'joined'), joined, id"


class PostgresPlayers(PlayersMixin):
    """Joining, identity by device and the facilitator's fixes; the store provides the transactions."""

    JOIN_ORDER = JOIN_ORDER

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")  # psycopg's parameter mark; no `?` or `%` is ever part of the SQL text
