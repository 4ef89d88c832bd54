"""The stores' players: identity by device, names compared case-insensitively, the facilitator's fixes.

A device is a secret the player's machine keeps (a browser cookie, a file beside a terminal
player's outbox); only its SHA-256 is stored. Rejoining from a device the player has used resumes
them; the same name from another device is refused until the facilitator allows a new device
for that player. Renames, merges and removals are logged as facilitator actions in the same
transaction. Mixed into :class:`simgame.cohort.sqlite.SqliteStore`; the PostgreSQL store uses the
same rules through :class:`simgame.cohort.postgresplayers.PostgresPlayers`, which only says how its
driver writes parameters and orders players. SQL here is written with `?` placeholders.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import AbstractContextManager
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import JOINED, Event, check_event, make_event, now_iso
from simgame.cohort.store import Cohort, NameTaken, Player, check_name, name_key, offered_team, require_open

PLAYER_COLS = "id, cohort, name, team, joined, origin"
ORIGINS = ("terminal", "browser", "import")


def device_hash(device: str) -> str:
    return hashlib.sha256(device.encode("utf-8")).hexdigest()


Conn = Any  # a DB-API connection: sqlite3's or psycopg's


class PlayersMixin:
    JOIN_ORDER = "rowid"  # the order players joined in, as the backend's SQL says it

    def _sql(self, text: str) -> str:
        """``text`` with the backend's parameter marks (SQLite takes `?` as written)."""
        return text

    def _read(self) -> AbstractContextManager[Conn]:  # pragma: no cover - the store's
        raise NotImplementedError

    def _write(self, code: str | None = None) -> AbstractContextManager[Conn]:  # pragma: no cover - the store's
        raise NotImplementedError

    def _cohort_in(self, db: Conn, code: str) -> Cohort:  # pragma: no cover - the store's
        raise NotImplementedError

    @staticmethod
    def _insert(db: Conn, code: str, event: Event) -> bool:  # pragma: no cover - the store's
        raise NotImplementedError

    # -- reading ----------------------------------------------------------------------------
    def players(self, code: str) -> list[Player]:
        with self._read() as db:
            rows = db.execute(
                self._sql(
                    f"SELECT {PLAYER_COLS} FROM players WHERE cohort = ? AND removed IS NULL ORDER BY {self.JOIN_ORDER}"
                ),
                (code,),
            ).fetchall()
        return [Player(*r) for r in rows]

    def _named(self, db: Conn, code: str, key: str) -> tuple[Player, int] | None:
        row = db.execute(
            self._sql(
                f"SELECT {PLAYER_COLS}, allow_device FROM players WHERE cohort = ? AND name_key = ? AND removed IS NULL"
            ),
            (code, key),
        ).fetchone()
        return None if row is None else (Player(*row[:6]), int(row[6]))

    def _devices(self, db: Conn, player: str) -> set[str]:
        return {
            r[0] for r in db.execute(self._sql("SELECT device FROM devices WHERE player = ?"), (player,)).fetchall()
        }

    def _active(self, db: Conn, code: str, player: str) -> Player:
        row = db.execute(
            self._sql(f"SELECT {PLAYER_COLS} FROM players WHERE cohort = ? AND id = ? AND removed IS NULL"),
            (code, player),
        ).fetchone()
        if row is None:
            raise CohortError("that player is not (or no longer) in this session")
        return Player(*row)

    def player_for_device(self, code: str, player: str, device: str) -> Player:
        """The player ``player`` if ``device`` is one of theirs, else CohortError (what the hub checks)."""
        with self._read() as db:
            found, devices = self._active(db, code, player), self._devices(db, player)
        if device_hash(device) not in devices:
            raise CohortError("this device is not the one this player joined from; join the session again")
        return found

    # -- joining ----------------------------------------------------------------------------
    def join(
        self,
        code: str,
        name: str,
        team: str | None,
        origin: str = "terminal",
        allow_closed: bool = False,
        device: str | None = None,
    ) -> tuple[Player, bool]:
        """The player called ``name`` (any case) in this cohort, created on first join; see CohortStore."""
        name = check_name(name)
        team = check_name(team, "team name") if team else None
        if origin not in ORIGINS:
            raise CohortError(f"a player joins from one of {', '.join(ORIGINS)}")
        key, mine = name_key(name), None if device is None else device_hash(device)
        with self._write(code) as db:
            cohort = self._cohort_in(db, code)
            if not allow_closed:
                require_open(cohort)
            team = offered_team(cohort, team)
            found = self._named(db, code, key)
            if found is None and mine is not None:
                found = self._renamed(db, code, key, mine)
            if found is not None:
                player, allowed = found
                devices = self._devices(db, player.id)
                if (mine is None and not devices) or (mine is not None and mine in devices):
                    return player, False
                if mine is not None and (allowed or (not devices and player.origin != "import")):
                    db.execute(self._sql("UPDATE players SET allow_device = 0 WHERE id = ?"), (player.id,))
                    self._add_device(db, code, mine, player.id)
                    return player, False
                raise NameTaken(
                    f"the name {player.name} is already taken in this session by someone on another device; "
                    "choose another name (if it is you on a new device, ask the facilitator to let you in)"
                )
            player = Player(f"p-{secrets.token_hex(5)}", code, name, team, now_iso(), origin)
            db.execute(
                self._sql(
                    "INSERT INTO players (id, cohort, name, name_key, team, joined, origin) VALUES (?,?,?,?,?,?,?)"
                ),
                (player.id, code, player.name, key, player.team, player.joined, origin),
            )
            if mine is not None:
                self._add_device(db, code, mine, player.id)
            self._insert(db, code, make_event(JOINED, player.id, None, {"team": team, "origin": origin}))
            return player, True

    def player_by_device(self, code: str, device: str) -> Player | None:
        """The player this device plays as in this session (not removed), if it has joined before."""
        with self._read() as db:
            row = db.execute(
                self._sql(
                    f"SELECT {', '.join('p.' + c for c in PLAYER_COLS.split(', '))} FROM players p "
                    "JOIN devices d ON d.player = p.id WHERE p.cohort = ? AND d.device = ? AND p.removed IS NULL "
                    "ORDER BY p.joined LIMIT 1"
                ),
                (code, device_hash(device)),
            ).fetchone()
        return None if row is None else Player(*row[:6])

    def _renamed(self, db: Conn, code: str, key: str, mine: str) -> tuple[Player, int] | None:
        """This device's player who was renamed from ``key``, or merged with a player of that name."""
        row = db.execute(
            self._sql(
                f"SELECT {', '.join('p.' + c for c in PLAYER_COLS.split(', '))}, p.allow_device FROM players p "
                "JOIN devices d ON d.player = p.id WHERE p.cohort = ? AND p.former_key = ? AND d.device = ? "
                "AND p.removed IS NULL"
            ),
            (code, key, mine),
        ).fetchone()
        return None if row is None else (Player(*row[:6]), int(row[6]))

    def _add_device(self, db: Conn, code: str, device: str, player: str) -> None:
        db.execute(
            self._sql("INSERT INTO devices (cohort, device, player, added) VALUES (?,?,?,?) ON CONFLICT DO NOTHING"),
            (code, device, player, now_iso()),
        )

    # -- the facilitator's fixes ----------------------------------------------------------------
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
    ) -> Player:
        """Rename, allow a new device, remove, or merge into another player; logged as ``action``."""
        check_event(action)
        with self._write(code) as db:
            self._cohort_in(db, code)
            who = self._active(db, code, player)
            if name is not None:
                name = check_name(name)
                other = self._named(db, code, name_key(name))
                if other is not None and other[0].id != who.id:
                    raise NameTaken(f"another player is already called {other[0].name}")
                db.execute(
                    self._sql("UPDATE players SET name = ?, name_key = ?, former_key = ? WHERE id = ?"),
                    (name, name_key(name), name_key(who.name), who.id),
                )
            if allow_device is not None:
                db.execute(self._sql("UPDATE players SET allow_device = ? WHERE id = ?"), (int(allow_device), who.id))
            if merge_into is not None:
                target = self._active(db, code, merge_into)
                if target.id == who.id:
                    raise CohortError("a player cannot be merged into themselves")
                for device in self._devices(db, who.id):
                    self._add_device(db, code, device, target.id)
                db.execute(self._sql("DELETE FROM devices WHERE player = ?"), (who.id,))
                # Their devices now open the target, also when they type the name they joined under.
                db.execute(self._sql("UPDATE players SET former_key = ? WHERE id = ?"), (name_key(who.name), target.id))
                remove = True
            if remove:
                db.execute(self._sql("UPDATE players SET removed = ? WHERE id = ?"), (now_iso(), who.id))
            self._insert(db, code, action)
            row = db.execute(self._sql(f"SELECT {PLAYER_COLS} FROM players WHERE id = ?"), (who.id,)).fetchone()
            assert row is not None  # the player's row, read in the same transaction
            return Player(*row)
