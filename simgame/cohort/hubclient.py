"""The terminal player's side of the hub's JSON API (standard library only; short timeouts).

A join is retried with back-off when the hub does not answer in time or is busy, under one
request id: if the first try reached the store but its answer was lost, the retry is answered
with the same player, so a slow hub leaves no ghost players behind.
"""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from simgame.cohort.errors import CohortError
from simgame.format.safejson import loads_limited

TIMEOUT = 4.0
POLL_TIMEOUT = 1.0  # pacing polls run on the game's screen timer: never hold it long
JOIN_TRIES = 5
JOIN_BACKOFF = 0.5  # seconds before the second try; doubled for each one after (with jitter)
LONGEST_WAIT = 8.0  # the most a join waits between tries, whatever the hub's Retry-After says
MAX_ANSWER = 1024 * 1024  # the hub's answers are small; a larger one is not from a hub
RETRY_STATUSES = (429, 502, 503, 504)


class HubUnreachable(CohortError):
    """The hub did not answer: the network or the hub is down (events wait in the outbox)."""


class HubRefused(CohortError):
    """The hub refused an event as one that could not have happened; ``event_id`` names it."""

    def __init__(self, message: str, event_id: str) -> None:
        super().__init__(message)
        self.event_id = event_id


class HubBusy(HubUnreachable):
    """The hub answered "not now" (too busy, or too many tries from here); ``wait`` is how long it asked for."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class HubClient:
    def __init__(
        self,
        url: str,
        code: str,
        timeout: float = TIMEOUT,
        join_tries: int = JOIN_TRIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CohortError(
                f"`{url}` is not a hub address; use the one the facilitator shows, e.g. http://192.168.1.20:8765"
            )
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.code = code
        self.timeout = timeout
        self.join_tries = max(1, join_tries)
        self.sleep = sleep
        self.attempts = 0  # HTTP requests made (tests and diagnostics)

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
        self.attempts += 1
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                answer = _json(resp.read(MAX_ANSWER + 1))
        except urllib.error.HTTPError as exc:
            try:
                detail = _json(exc.read(MAX_ANSWER + 1))
                message, refused = str(detail.get("error", "")), detail.get("refused")
            except (ValueError, OSError, AttributeError):
                message, refused = "", None
            if exc.code == 422 and isinstance(refused, str):
                raise HubRefused(message or "the hub refused an event", refused) from None
            if exc.code in RETRY_STATUSES:
                raise HubBusy(
                    message or f"the hub is busy ({exc.code})", _retry_after(exc.headers.get("Retry-After"))
                ) from None
            raise CohortError(message or f"the hub refused the request ({exc.code})") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise HubUnreachable(f"cannot reach the hub at {self.base} ({getattr(exc, 'reason', exc)})") from None
        if not isinstance(answer, dict):
            raise HubUnreachable(f"the hub at {self.base} sent an unexpected answer")
        return answer

    def join(self, name: str, team: str | None, device: str | None = None) -> dict[str, Any]:
        """Join (or rejoin) as ``name`` from ``device`` (None: the hub issues one, in the answer's ``device``);
        tried again with back-off while the hub is unreachable or busy."""
        body = {"name": name, "team": team, "request": uuid.uuid4().hex, "device": device}  # one request id
        wait = JOIN_BACKOFF
        for attempt in range(1, self.join_tries + 1):
            try:
                return self._call("POST", "/api/v1/join", body)
            except HubUnreachable as exc:
                if attempt == self.join_tries:
                    raise
                asked = exc.wait if isinstance(exc, HubBusy) else 0.0
                jittered = wait * random.uniform(0.8, 1.2)  # so a room's clients do not retry in step
                self.sleep(min(LONGEST_WAIT, max(asked, jittered)))
                wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def send(self, player: str, events: list[dict[str, Any]], device: str = "") -> dict[str, Any]:
        return self._call("POST", "/api/v1/events", {"player": player, "device": device, "events": events})

    def state(self, player: str) -> dict[str, Any]:
        return self._call("GET", "/api/v1/state", query={"player": player}, timeout=POLL_TIMEOUT)


def _json(raw: bytes) -> Any:
    """The hub's answer: refused (ValueError) if too large, not JSON, or nested deeper than a hub's answers."""
    if len(raw) > MAX_ANSWER:
        raise ValueError("the answer is too large")
    return loads_limited(raw, max_depth=16)


def _retry_after(header: str | None) -> float:
    try:
        return max(0.0, min(LONGEST_WAIT, float(header or 0)))
    except ValueError:
        return 0.0
