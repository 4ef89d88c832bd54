"""Sending the outbox to the LRS: POST ``<endpoint>/statements`` in batches, with HTTP Basic auth and
``X-Experience-API-Version: 1.0.3``, retrying with backoff when the LRS cannot be reached or is busy.

Every problem comes back as an :class:`LrsError` whose message a facilitator can act on: the LRS
unreachable, the credentials refused, or the LRS's own reason for refusing a statement. A batch the
LRS refuses is sent again one statement at a time, so one bad statement never holds the rest back.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from simgame.cohort.errors import CohortError
from simgame.cohort.xapi.outbox import Outbox, Queued
from simgame.cohort.xapi.statements import XAPI_VERSION

BATCH = 50
RETRIES = 4  # tries per batch when the LRS cannot be reached or is busy
BACKOFF = 1.0  # seconds before the second try; doubled before each next one
TIMEOUT = 20.0
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
MAX_REASON = 300


class LrsError(CohortError):
    """The LRS could not take the statements; ``fatal`` when trying again now cannot help (credentials)."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET, which "succeeds" having stored nothing: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class Refused(Exception):
    """The LRS answered 4xx about the statements themselves; ``reason`` is its own explanation."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Lrs:
    endpoint: str  # the LRS's xAPI base, e.g. https://lrs.example.org/xAPI
    username: str
    password: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise LrsError(
                f"the LRS address `{self.endpoint}` is not a web address; give its xAPI endpoint, "
                "e.g. https://lrs.example.org/xAPI"
            )

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def _headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": XAPI_VERSION,
            "Content-Type": "application/json",
        }

    def post(self, statements: list[dict[str, Any]]) -> None:
        """Send statements; returns when the LRS has them (stored now or already)."""
        data = json.dumps(statements).encode("utf-8")
        request = urllib.request.Request(self.statements_url, data=data, headers=self._headers(), method="POST")
        self._call(request)

    def get(self, **query: str) -> dict[str, Any]:
        """GET statements matching an xAPI query (e.g. ``registration=...``): for checks and tools."""
        from urllib.parse import urlencode

        url = self.statements_url + ("?" + urlencode(query) if query else "")
        request = urllib.request.Request(url, headers=self._headers(), method="GET")
        body = self._call(request)
        found = json.loads(body or b"{}")
        return found if isinstance(found, dict) else {}

    def _call(self, request: urllib.request.Request) -> bytes:
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as response:  # http(s) only: checked in __post_init__
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            reason = _reason(exc)
            if exc.code in (401, 403):
                raise LrsError(
                    f"the LRS refused simgame's credentials ({exc.code}{': ' + reason if reason else ''}); "
                    "check xapi_username and $SIMGAME_XAPI_PASSWORD with the LRS's administrator",
                    fatal=True,
                ) from None
            if exc.code in TRANSIENT:
                raise LrsError(f"the LRS at {self.endpoint} is busy or failing ({exc.code}); try again later") from None
            if 300 <= exc.code < 400:
                where = exc.headers.get("Location", "another address")
                raise LrsError(
                    f"the LRS at {self.endpoint} redirects to {where} ({exc.code}): set that address as the endpoint",
                    fatal=True,
                ) from None
            if exc.code == 404:
                raise LrsError(
                    f"{self.statements_url} was not found (404): is `{self.endpoint}` the LRS's xAPI endpoint?",
                    fatal=True,
                ) from None
            raise Refused(exc.code, reason or f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            why = getattr(exc.reason, "strerror", None) or str(exc.reason)
            raise LrsError(f"cannot reach the LRS at {self.endpoint} ({str(why).lower()})") from None
        except (TimeoutError, OSError) as exc:
            raise LrsError(f"cannot reach the LRS at {self.endpoint} ({exc.strerror or 'no answer in time'})") from None


def _reason(exc: urllib.error.HTTPError) -> str:
    """The LRS's own words for a refusal, on one short line (JSON `detail`/`message`/`error`, or text)."""
    try:
        raw = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        found: Any = json.loads(raw)
    except ValueError:
        found = raw
    if isinstance(found, dict):
        found = found.get("detail") or found.get("message") or found.get("error") or found.get("errors") or ""
    if isinstance(found, list):  # e.g. pydantic's list of problems: "body.0.actor: Field required"
        parts = []
        for item in found[:3]:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", ()))
                parts.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", "")))
            else:
                parts.append(str(item))
        found = "; ".join(parts)
    text = " ".join(str(found).split())
    return text[:MAX_REASON] + ("…" if len(text) > MAX_REASON else "")


@dataclass
class Flushed:
    sent: int = 0
    failed: int = 0
    left: int = 0  # still queued (the LRS could not be reached)
    problem: str = ""  # why some are left, in plain words


def flush(
    outbox: Outbox,
    cohort: str,
    lrs: Lrs,
    *,
    batch: int = BATCH,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    sleep: Callable[[float], None] | None = None,
    after_batch: Callable[[list[str]], None] | None = None,
) -> Flushed:
    """Send a session's queued statements, oldest first; what cannot be sent now stays queued.

    ``after_batch`` is called with the ids the LRS took, before they are marked sent (tests kill
    the process there to prove a resumed flush sends nothing twice)."""
    done, pause = Flushed(), sleep or time.sleep
    while todo := outbox.pending(cohort, batch):
        try:
            taken = _send(lrs, outbox, todo, retries, backoff, pause)
        except LrsError as exc:
            outbox.note_attempt([q.id for q in todo], str(exc))
            done.problem = str(exc)
            break
        if after_batch is not None and taken:
            after_batch(taken)
        outbox.mark_sent(taken)
        done.sent += len(taken)
        done.failed += len(todo) - len(taken)
    done.left = outbox.status(cohort).queued
    return done


def _send(
    lrs: Lrs, outbox: Outbox, todo: list[Queued], retries: int, backoff: float, sleep: Callable[[float], None]
) -> list[str]:
    """Post one batch; returns the ids the LRS has. A refused batch is retried statement by statement."""
    try:
        _with_retries(partial(lrs.post, [q.body for q in todo]), retries, backoff, sleep)
        return [q.id for q in todo]
    except Refused as exc:
        if len(todo) == 1:
            outbox.mark_failed(todo[0].id, f"the LRS refused it ({exc.status}): {exc.reason}")
            return []
    taken: list[str] = []
    for q in todo:
        try:
            _with_retries(partial(lrs.post, [q.body]), retries, backoff, sleep)
            taken.append(q.id)
        except Refused as exc:
            outbox.mark_failed(q.id, f"the LRS refused it ({exc.status}): {exc.reason}")
    return taken


def _with_retries(call: Callable[[], None], retries: int, backoff: float, sleep: Callable[[float], None]) -> None:
    delay = backoff
    for attempt in range(max(1, retries)):
        try:
            call()
            return
        except LrsError as exc:
            if exc.fatal or attempt == max(1, retries) - 1:
                raise
            sleep(delay)
            delay *= 2
