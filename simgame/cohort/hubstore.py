"""A co-facilitator's view of a session through a hub: the cohort store interface over HTTP.

``simgame cohort pace/close/report/show/players --hub URL --key KEY`` open this instead of a store,
so every facilitator command runs unchanged on another machine. Reading (the session, players,
events, cached results) and the two facilitator writes (pacing, fixing a player) go to the hub's
facilitator API (:mod:`simgame.cohort.hubfacilitator`); pacing keeps its compare-and-set over the
network: what the facilitator saw travels as ``expect``, and a session that moved on since comes
back as :class:`simgame.cohort.store.Changed`, so nothing is done twice. Players' own writes
(joining, events) are never made here.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from simgame.cohort.codes import hash_key
from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event, check_event
from simgame.cohort.hubclient import HubUnreachable
from simgame.cohort.store import Changed, Cohort, Player
from simgame.format.safejson import loads_limited

TIMEOUT = 20.0
MAX_ANSWER = 256 * 1024 * 1024  # a page of a large session's event log
_COHORT_FIELDS = {f.name for f in fields(Cohort)}


class HubStore:
    """The session ``code`` as the hub at ``url`` serves it, for the holder of its facilitator ``key``."""

    def __init__(self, url: str, code: str, key: str | None, name: str | None = None, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CohortError(
                f"`{url}` is not a hub address; use the one `simgame serve` shows, e.g. http://10.0.0.5:8765"
            )
        if not key:
            raise CohortError("acting through a hub needs the facilitator key (--key or $SIMGAME_FACILITATOR_KEY)")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.code = code.strip().upper()
        self.key = key
        self.name = name
        self.timeout = timeout

    # -- HTTP ------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **query: Any) -> dict[str, Any]:
        url = f"{self.base}/api/v1/facilitator/{path}" + (f"?{urlencode(query)}" if query else "")
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Join-Code": self.code,
            "X-Facilitator-Key": self.key,
        }
        if self.name:
            headers["X-Facilitator-Name"] = self.name
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                answer = _json(resp.read(MAX_ANSWER + 1))
        except urllib.error.HTTPError as exc:
            try:
                detail = _json(exc.read(64 * 1024))
            except (ValueError, OSError):
                detail = {}
            message = str(detail.get("error") or f"the hub refused the request ({exc.code})")
            if exc.code == 409 and detail.get("reason") == "changed" and isinstance(detail.get("current"), dict):
                raise Changed(message, self._cohort(detail["current"])) from None
            if exc.code == 403 and "join code" in message:
                message = f"the hub at {self.base} does not serve session {self.code}"
            raise CohortError(message) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise HubUnreachable(f"cannot reach the hub at {self.base} ({getattr(exc, 'reason', exc)})") from None
        if not isinstance(answer, dict):
            raise HubUnreachable(f"the hub at {self.base} sent an unexpected answer")
        return answer

    def _mine(self, code: str) -> None:
        if code.strip().upper() != self.code:
            raise CohortError(f"this command acts on session {self.code} through the hub, not {code}")

    def _cohort(self, raw: dict[str, Any]) -> Cohort:
        try:
            fields = {k: v for k, v in raw.items() if k in _COHORT_FIELDS}
            fields["teams"] = tuple(fields.get("teams") or ())
            cohort = Cohort(**fields, key_hash="")
        except TypeError:
            raise HubUnreachable(f"the hub at {self.base} sent an unexpected answer") from None
        return replace(cohort, key_hash=hash_key(self.key))  # the hub checked the key on every call

    # -- reading ---------------------------------------------------------------------------
    def cohort(self, code: str) -> Cohort:
        self._mine(code)
        return self._cohort(self._call("GET", "session")["cohort"])

    def cohorts(self) -> list[Cohort]:
        return [self.cohort(self.code)]

    def players(self, code: str) -> list[Player]:
        self._mine(code)
        return [Player(**p) for p in self._call("GET", "players")["players"]]

    def events(self, code: str, after_seq: int = 0) -> list[Event]:
        self._mine(code)
        out: list[Event] = []
        while True:
            page = self._call("GET", "events", after=after_seq)
            out += [Event(**e) for e in page["events"]]
            if not page.get("more") or not out:
                return out
            after_seq = out[-1].seq

    def cached(self, key: str) -> str | None:
        value = self._call("GET", "cached", key=key).get("value")
        return None if value is None else str(value)

    def remember(self, key: str, value: str) -> None:
        """Derived results are kept by the hubs' own store; here they are simply computed again."""

    # -- the facilitator's writes --------------------------------------------------------------
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
        deadline: str | None = None,
        expect: Mapping[str, object] | None = None,
        events: Sequence[Event] = (),
    ) -> Cohort:
        self._mine(code)
        check_event(action)
        given = {
            "pace": pace,
            "open_step": open_step,
            "revealed_step": revealed_step,
            "paused": paused,
            "closed": closed,
            "deadline": deadline,
        }
        body = {
            "action": action.to_json(),
            "changes": {k: v for k, v in given.items() if v is not None},
            "expect": dict(expect or {}),
            "events": [e.to_json() for e in events],
        }
        return self._cohort(self._call("POST", "pacing", body)["cohort"])

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
        self._mine(code)
        body = {
            "player": player,
            "action": action.to_json(),
            "name": name,
            "allow_device": allow_device,
            "remove": remove or None,
            "merge_into": merge_into,
        }
        return Player(**self._call("POST", "player", body)["player"])

    def set_programme(self, code: str, programme: str | None, action: Event) -> Cohort:
        self._mine(code)
        check_event(action)
        body = {"action": action.to_json(), "programme": programme}
        return self._cohort(self._call("POST", "programme", body)["cohort"])

    # -- what only players and the session's own machine do ------------------------------------
    def _not_here(self, what: str) -> CohortError:
        return CohortError(f"{what} is not done through a hub; run it where the session's store is (--store)")

    def create_cohort(self, cohort: Cohort) -> None:
        raise self._not_here("creating a session")

    def join(
        self,
        code: str,
        name: str,
        team: str | None,
        origin: str = "terminal",
        allow_closed: bool = False,
        device: str | None = None,
    ) -> tuple[Player, bool]:
        raise self._not_here("joining or importing players")

    def player_for_device(self, code: str, player: str, device: str) -> Player:
        raise self._not_here("checking a player's device")

    def player_by_device(self, code: str, device: str) -> Player | None:
        raise self._not_here("finding a player by their device")

    def set_teams(self, code: str, teams: Sequence[str], action: Event) -> Cohort:
        raise self._not_here("changing a session's teams")

    def player_events(self, code: str, player: str) -> list[Event]:
        return [e for e in self.events(code) if e.player == player]

    def append(self, code: str, events: list[Event]) -> int:
        raise self._not_here("storing players' events")

    def close(self) -> None:
        """Nothing is held open between calls."""


def _json(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_ANSWER:
        raise ValueError("the answer is too large")
    value = loads_limited(raw, max_depth=32)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value
