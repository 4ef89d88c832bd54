"""The terminal player's side of the hub's JSON API (standard library only; short timeouts)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

from simgame.cohort.errors import CohortError

TIMEOUT = 4.0
POLL_TIMEOUT = 1.0  # pacing polls run on the game's screen timer: never hold it long


class HubUnreachable(CohortError):
    """The hub did not answer: the network or the hub is down (events wait in the outbox)."""


class HubClient:
    def __init__(self, url: str, code: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CohortError(
                f"`{url}` is not a hub address; use the one the facilitator shows, e.g. http://192.168.1.20:8765"
            )
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.code = code
        self.timeout = timeout

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        url = self.base + path + (f"?{urlencode(query)}" if query else "")
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "X-Join-Code": self.code, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read().decode("utf-8")).get("error", "")
            except (ValueError, OSError):
                message = ""
            raise CohortError(message or f"the hub refused the request ({exc.code})") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise HubUnreachable(f"cannot reach the hub at {self.base} ({getattr(exc, 'reason', exc)})") from None
        if not isinstance(answer, dict):
            raise HubUnreachable(f"the hub at {self.base} sent an unexpected answer")
        return answer

    def join(self, name: str, team: str | None) -> dict[str, Any]:
        return self._call("POST", "/api/v1/join", {"name": name, "team": team})

    def send(self, player: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call("POST", "/api/v1/events", {"player": player, "events": events})

    def state(self, player: str) -> dict[str, Any]:
        return self._call("GET", "/api/v1/state", query={"player": player}, timeout=POLL_TIMEOUT)
