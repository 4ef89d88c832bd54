"""The hub's JSON API for terminal players, and its heartbeat (mixed into :class:`simgame.cohort.hub.Hub`).

- ``POST /api/v1/join`` {name, team?, request?, device?}: join or rejoin. The answer carries the
  player's ``device`` token (issued on the first join; the client keeps it beside its outbox and
  sends it on every rejoin). The same name from another device: 409 ``{"error", "reason": "name-taken"}``.
- ``POST /api/v1/events`` {player, device, events}: the device must be the player's (else 403);
  every event is judged by replaying it (:mod:`simgame.cohort.referee`). An event that could not
  have happened: 422 ``{"error": reason, "refused": event id}`` and nothing of the batch is stored.
- ``GET /api/v1/state``: the pacing a player's game follows, and the revealed split (by scene).

Every request is for the session its ``X-Join-Code`` names (the hub's perimeter put it in ``request[SESSION]``).

Every few seconds the hub records a heartbeat in the store (the dashboard shows it; advancing asks
for confirmation while the hub is silent) and runs the lockstep timer.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web

from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, EventError, event_from_json
from simgame.cohort.health import BEAT_EVERY, beat
from simgame.cohort.referee import EventRefused
from simgame.cohort.room import Split, decision_split, shareable
from simgame.cohort.store import CohortStore, NameTaken, Player, StoreUnavailable, check_name
from simgame.format.inert import unsafe_characters

log = logging.getLogger("simgame.hub")
PLAYER_KINDS = (CHOSE, FINISHED)
SESSION = web.RequestKey("session", str)  # the join code a request is for, once the hub's perimeter checked it
MAX_BATCH = 200
MAX_JOIN_MEMORY = 10_000  # join request ids remembered (a retried join gets the same answer)
HEARD_WINDOW_S = 60.0
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PLAYER_ID = re.compile(r"p-[0-9a-f]{10}")
MAX_HEARD = 5_000

T = TypeVar("T")


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def new_device() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class _Joined:
    code: str
    player: str
    name: str
    device: str


class PlayerAPI:
    """The API's handlers; the hub provides the store, its thread and the request body reader."""

    store: CohortStore
    _joins: OrderedDict[str, _Joined]
    _revealed: dict[str, tuple[float, int, Split]]  # by session
    _heard: dict[str, dict[str, float]]  # session -> player -> when
    _device_secret: bytes

    async def _in_store(self, call: Callable[..., T], *args: Any, **kw: Any) -> T:  # pragma: no cover - Hub's
        raise NotImplementedError

    async def _body(self, request: web.Request) -> dict[str, Any]:  # pragma: no cover - Hub's
        raise NotImplementedError

    async def served_codes(self) -> list[str]:  # pragma: no cover - Hub's
        raise NotImplementedError

    async def api_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    # -- joining ------------------------------------------------------------------------
    async def api_join(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        name, team, request_id, device = body.get("name"), body.get("team"), body.get("request"), body.get("device")
        if not isinstance(name, str) or (team is not None and not isinstance(team, str)):
            return _error(400, "a name (and optionally a team) is needed")
        if request_id is not None and (not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id)):
            return _error(400, "a join request id is 8 to 64 letters, digits, `-` or `_`")
        if device is not None and (not isinstance(device, str) or not DEVICE.fullmatch(device)):
            return _error(400, "a device token is 16 to 64 letters, digits, `-` or `_`")
        code = request[SESSION]  # the session the join code named (the hub's perimeter checked it)
        earlier = self._joins.get(request_id) if request_id else None
        if earlier is not None and earlier.code != code:
            return _error(409, "this join request was already used for another session; join again")
        device = device or (self._device_for(request_id) if request_id else new_device())
        try:
            answer = await self._in_store(self._join, code, name, team or None, device, earlier)
        except NameTaken as exc:
            return _error(409, str(exc), reason="name-taken")
        except StoreUnavailable as exc:  # a database that blipped: the client tries again
            return _error(503, str(exc))
        except CohortError as exc:
            return _error(409, str(exc))
        if request_id:
            self._joins[request_id] = _Joined(code, answer["player"], answer["name"], answer["device"])
            self._joins.move_to_end(request_id)
            while len(self._joins) > MAX_JOIN_MEMORY:
                self._joins.popitem(last=False)
        return web.json_response(answer)

    def _device_for(self, request_id: str) -> str:
        """A client that sent no device gets one derived from its join request: every retry is one device."""
        digest = hmac.new(self._device_secret, request_id.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode("ascii")

    def _join(self, code: str, name: str, team: str | None, device: str, earlier: _Joined | None) -> dict[str, Any]:
        """On the store's thread: join (or rejoin) and what the player needs to play."""
        if earlier is not None:  # a retry of a join already answered: the same player, never another
            if check_name(name) != earlier.name:
                raise CohortError("this join request was already used with another name; join again")
            player = self.store.player_for_device(code, earlier.player, earlier.device)
            device = earlier.device
        else:
            player, _ = self.store.join(code, name, team, origin="terminal", device=device)
        return self._join_answer(code, player, device)

    def _join_answer(self, code: str, player: Player, device: str) -> dict[str, Any]:
        from simgame.cohort.progress import fold

        cohort = self.store.cohort(code)
        resume = fold([player], self.store.player_events(code, player.id))[player.id].choice_log()
        return {
            "player": player.id,
            "name": player.name,
            "team": player.team,
            "device": device,
            "cohort_name": cohort.name,
            "scenario_id": cohort.scenario_id,
            "content_hash": cohort.content_hash,
            "seed": cohort.seed,
            "pace": cohort.pace,
            "teams": list(cohort.teams),
            "resume": resume,
        }

    # -- events -------------------------------------------------------------------------
    async def api_events(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        player, device, raw = body.get("player"), body.get("device"), body.get("events")
        if not isinstance(player, str) or not isinstance(raw, list) or len(raw) > MAX_BATCH:
            return _error(400, f"send a player id and at most {MAX_BATCH} events")
        if not isinstance(device, str) or not DEVICE.fullmatch(device):
            return _error(403, "this device is not known for that player; join the session again")
        try:
            events = [event_from_json(item, player=player) for item in raw]
        except EventError as exc:
            return _error(400, str(exc))
        if any(e.kind not in PLAYER_KINDS for e in events):
            return _error(400, "players may only send choices and finishes")
        if any(unsafe_characters(text, keep_lines=False) for e in events for text in _texts(e.data)):
            return _error(400, "event data cannot contain control characters or text-direction overrides")
        code = request[SESSION]
        self._hear(code, player)
        try:
            await self._in_store(self.store.player_for_device, code, player, device)
        except StoreUnavailable as exc:  # the events stay in the player's outbox until the database is back
            return _error(503, str(exc))
        except CohortError as exc:
            return _error(403, str(exc))
        try:
            stored = await self._in_store(self.store.append, code, events)
        except EventRefused as exc:
            log.info("refused an event from a player: %s", exc.reason)
            return _error(422, exc.reason, refused=exc.event_id)
        except StoreUnavailable as exc:
            return _error(503, str(exc))
        except CohortError as exc:
            return _error(409, str(exc))
        return web.json_response({"received": len(events), "stored": stored})

    # -- pacing -------------------------------------------------------------------------
    async def api_state(self, request: web.Request) -> web.Response:
        code = request[SESSION]
        self._hear(code, request.query.get("player"))
        try:
            state = await self._in_store(self._state, code)
        except StoreUnavailable as exc:
            return _error(503, str(exc))
        except CohortError as exc:
            return _error(409, str(exc))
        return web.json_response(state)

    def _state(self, code: str) -> dict[str, Any]:
        """On the store's thread: the pacing a player's game follows, and the revealed split if shareable."""
        c = self.store.cohort(code)
        state: dict[str, Any] = {
            "pace": c.pace,
            "open_step": c.open_step,
            "revealed_step": c.revealed_step,
            "paused": c.paused,
            "closed": c.closed,
            "teams": list(c.teams),
        }
        if c.revealed_step >= 0:
            split = self._revealed_split(code, c.revealed_step)
            state["revealed"] = {
                "step": c.revealed_step,
                "scenes": {scene: counts if shareable(counts) else {} for scene, counts in split.items()},
            }
        return state

    def _revealed_split(self, code: str, number: int) -> Split:
        """The revealed split, recomputed at most once a second however many players poll."""
        at, cached, split = self._revealed.get(code, (0.0, -2, {}))
        if cached != number or time.monotonic() - at > 1.0:
            members = {p.id for p in self.store.players(code)}
            split = decision_split(self.store.events(code), number, members)
            self._revealed[code] = (time.monotonic(), number, split)
        return split

    # -- heartbeat ------------------------------------------------------------------------
    def _hear(self, code: str, player: str | None) -> None:
        """Note when a terminal player was last heard from (ids of the store's shape only, a bounded few)."""
        if player and PLAYER_ID.fullmatch(player):
            heard = self._heard.setdefault(code, {})
            heard.pop(player, None)
            heard[player] = time.monotonic()
            while len(heard) > MAX_HEARD:
                heard.pop(next(iter(heard)))

    def heard_recently(self, code: str) -> int:
        now = time.monotonic()
        return sum(1 for at in self._heard.get(code, {}).values() if now - at <= HEARD_WINDOW_S)

    def _beat(self, codes: list[str], address: str, stopped: bool = False) -> None:
        """On the store's thread: record the heartbeat of each session served, then run each lockstep timer due."""
        now = datetime.now(UTC)
        for code in codes:
            try:
                beat(self.store, code, now, self.heard_recently(code), address, stopped)
                if not stopped:
                    pacing.due(self.store, self.store.cohort(code), now)
            except StoreUnavailable:
                raise
            except CohortError as exc:  # one session's trouble (closed meanwhile) never stops the others' beat
                log.info("no heartbeat for session %s: %s", code, exc)

    async def heartbeat(self, address: str, every: float = BEAT_EVERY) -> None:
        while True:
            try:
                await self._in_store(self._beat, await self.served_codes(), address)
            except (CohortError, RuntimeError) as exc:  # a busy store: the next beat tries again
                log.warning("could not record the hub's heartbeat: %s", exc)
            await asyncio.sleep(every)

    async def last_beat(self, address: str) -> None:
        with contextlib.suppress(CohortError, RuntimeError):
            await self._in_store(self._beat, await self.served_codes(), address, True)


def _texts(value: Any) -> Iterator[str]:
    """Every string in an event's data (keys too): what a facilitator's screen may later show."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")
