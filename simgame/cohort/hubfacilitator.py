"""The hub's facilitator API: co-facilitators on other machines pace and read the same room.

Every route needs the join code (``X-Join-Code``: it names the session, checked by the hub's perimeter) and the
facilitator key (``X-Facilitator-Key``); a wrong key counts against the address like a wrong code.
``X-Facilitator-Name`` says who acts (default: the key's fingerprint). The hub writes who did it
into every action it stores (``by``: the name; ``key``: the fingerprint; ``hub``: this hub), so
the audit log names each co-facilitator whatever their client claims.

- ``GET /api/v1/facilitator/session``, ``/players``, ``/events?after=SEQ`` (a page at a time),
  ``/cached?key=K``: what reports, `cohort show` and the dashboard read;
- ``POST /api/v1/facilitator/pacing`` {action, changes, expect, events}: the store's compare-and-set,
  unchanged: if the session is no longer as ``expect`` says, 409 ``{"reason": "changed", "current"}``
  and nothing is done, exactly as on one machine (two facilitators at once advance once);
- ``POST /api/v1/facilitator/player`` {player, action, name?, allow_device?, remove?, merge_into?};
- ``POST /api/v1/facilitator/programme`` {action, programme}: the session into a programme (null: out of it).

:class:`simgame.cohort.hubstore.HubStore` is the other side: a CohortStore over this API.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from aiohttp import web

from simgame.cohort.codes import key_matches
from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, TIMED_OUT, Event, EventError, event_from_json
from simgame.cohort.hubapi import SESSION
from simgame.cohort.store import Changed, Cohort, StoreUnavailable, check_name

log = logging.getLogger("simgame.hub")
PREFIX = "/api/v1/facilitator"
EVENTS_PAGE = 5000
JSON = "application/json"
CHANGES: dict[str, type] = {
    "pace": str,
    "open_step": int,
    "revealed_step": int,
    "paused": bool,
    "closed": str,
    "deadline": str,
}
PLAYER_CHANGES: dict[str, type] = {"name": str, "allow_device": bool, "remove": bool, "merge_into": str}


def _typed(values: Any, kinds: dict[str, type]) -> dict[str, Any] | None:
    """``values`` if it is an object of known keys with values of their types (no bool for a number)."""
    if not isinstance(values, dict) or set(values) - set(kinds):
        return None
    for key, value in values.items():
        if value is None:
            continue
        if not isinstance(value, kinds[key]) or (kinds[key] is int and isinstance(value, bool)):
            return None
        if isinstance(value, int) and not isinstance(value, bool) and not -1 <= value < 10_000:
            return None
        if isinstance(value, str) and len(value) > 80:
            return None
    return {k: v for k, v in values.items() if v is not None}


def fingerprint(key: str) -> str:
    """A short, one-way name for a facilitator key (never enough to find the key)."""
    return "key-" + hashlib.sha256(b"simgame facilitator " + key.encode("utf-8")).hexdigest()[:8]


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def cohort_json(cohort: Cohort) -> dict[str, Any]:
    return {k: v for k, v in asdict(cohort).items() if k != "key_hash"}


def install(app: web.Application, hub: Any) -> None:
    """Add the facilitator routes to the hub's application (``hub`` is a :class:`simgame.cohort.hub.Hub`)."""
    api = FacilitatorAPI(hub)
    app.add_routes(
        [
            web.get(f"{PREFIX}/session", api.session),
            web.get(f"{PREFIX}/players", api.players),
            web.get(f"{PREFIX}/events", api.events),
            web.get(f"{PREFIX}/cached", api.cached),
            web.post(f"{PREFIX}/pacing", api.pacing),
            web.post(f"{PREFIX}/player", api.player),
            web.post(f"{PREFIX}/programme", api.programme),
        ]
    )


class FacilitatorAPI:
    def __init__(self, hub: Any) -> None:
        self.hub = hub

    async def _store(self, call: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """A store call on the hub's store thread; a store that cannot answer is 503 (try again), else 409."""
        try:
            return await self.hub._in_store(call, *args, **kw)
        except Changed:
            raise
        except StoreUnavailable as exc:
            raise web.HTTPServiceUnavailable(text=json.dumps({"error": str(exc)}), content_type=JSON) from None
        except (CohortError, TypeError) as exc:
            raise web.HTTPConflict(text=json.dumps({"error": str(exc)}), content_type=JSON) from None

    async def _who(self, request: web.Request) -> dict[str, str] | web.Response:
        """Who acts (name, key fingerprint, this hub), or the refusal."""
        key = request.headers.get("X-Facilitator-Key", "")
        wait = self.hub.backoff.wait(request.remote)
        if wait > 0:
            return _error(429, f"too many wrong keys from this address; try again in {int(wait + 0.999)} s")
        cohort = await self._store(self.hub.store.cohort, request[SESSION])
        if not key or not key_matches(key, cohort.key_hash):
            self.hub.backoff.wrong(request.remote)
            log.warning("refused a facilitator request from %s: wrong or missing facilitator key", request.remote)
            return _error(403, "that facilitator key does not match this session")
        self.hub.backoff.right(request.remote)
        print_name = fingerprint(key)
        name = request.headers.get("X-Facilitator-Name", "").strip()
        if name:
            try:
                print_name = check_name(name, "facilitator name")
            except CohortError as exc:
                return _error(400, str(exc))
        return {"by": print_name, "key": fingerprint(key), "hub": f"{self.hub.bind}:{self.hub.port}"}

    def _stamp(self, event: Event, who: dict[str, str]) -> Event:
        return replace(event, data={**event.data, **who})

    def _action(self, body: dict[str, Any], who: dict[str, str], refusal: str) -> Event | web.Response:
        """The body's facilitator action, stamped with who did it; or the 400 that says what is wrong."""
        try:
            action = self._stamp(event_from_json(body.get("action")), who)
        except EventError as exc:
            return _error(400, str(exc))
        return action if action.kind == FACILITATOR else _error(400, refusal)

    # -- reading --------------------------------------------------------------------------
    async def session(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        cohort = await self._store(self.hub.store.cohort, request[SESSION])
        return web.json_response({"cohort": cohort_json(cohort)})

    async def players(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        found = await self._store(self.hub.store.players, request[SESSION])
        return web.json_response({"players": [asdict(p) for p in found]})

    async def events(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        try:
            after = max(0, int(request.query.get("after", "0")))
        except ValueError:
            return _error(400, "`after` is an event number")
        found = await self._store(self.hub.store.events, request[SESSION], after)
        page = found[:EVENTS_PAGE]
        return web.json_response(
            {"events": [{**e.to_json(), "seq": e.seq} for e in page], "more": len(found) > EVENTS_PAGE}
        )

    async def cached(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        value = await self._store(self.hub.store.cached, request.query.get("key", ""))
        return web.json_response({"value": value})

    # -- acting ---------------------------------------------------------------------------
    async def pacing(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        body = await self.hub._body(request)
        changes, expect = _typed(body.get("changes") or {}, CHANGES), body.get("expect") or {}
        if changes is None or not isinstance(expect, dict):
            return _error(400, f"pacing changes are some of {', '.join(CHANGES)}, each of its type")
        try:
            action = self._stamp(event_from_json(body.get("action")), who)
            timeouts = [self._stamp(event_from_json(e), who) for e in body.get("events") or []]
        except EventError as exc:
            return _error(400, str(exc))
        if action.kind != FACILITATOR or any(e.kind != TIMED_OUT for e in timeouts):
            return _error(400, "a pacing action is a facilitator event, with timeouts only")
        try:
            updated = await self._store(
                self.hub.store.set_pacing, request[SESSION], action, expect=expect, events=timeouts, **changes
            )
        except Changed as exc:
            return _error(409, str(exc), reason="changed", current=cohort_json(exc.current))
        log.info("facilitator %s (%s): %s", who["by"], who["key"], action.data.get("action", "?"))
        return web.json_response({"cohort": cohort_json(updated)})

    async def player(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        body = await self.hub._body(request)
        player = body.get("player")
        options = _typed({k: body.get(k) for k in PLAYER_CHANGES}, PLAYER_CHANGES)
        if not isinstance(player, str) or options is None:
            return _error(400, "name the player (their id) and the change")
        action = self._action(body, who, "a change to a player is logged as a facilitator event")
        if isinstance(action, web.Response):
            return action
        updated = await self._store(self.hub.store.update_player, request[SESSION], player, action, **options)
        log.info("facilitator %s (%s): %s", who["by"], who["key"], action.data.get("action", "?"))
        return web.json_response({"player": asdict(updated)})

    async def programme(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        if isinstance(who, web.Response):
            return who
        body = await self.hub._body(request)
        programme = body.get("programme")
        if programme is not None and (not isinstance(programme, str) or len(programme) > 60):
            return _error(400, "a programme is a name of at most 60 characters, or null to take the session out")
        action = self._action(body, who, "a change of programme is logged as a facilitator event")
        if isinstance(action, web.Response):
            return action
        updated = await self._store(self.hub.store.set_programme, request[SESSION], programme, action)
        log.info("facilitator %s (%s): %s", who["by"], who["key"], action.data.get("action", "?"))
        return web.json_response({"cohort": cohort_json(updated)})
