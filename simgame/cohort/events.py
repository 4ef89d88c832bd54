"""The cohort event log's records: append-only, each with a client-generated id.

A client makes the id once, when the thing happens, and sends the same id on every
retry; the store keeps the first copy and ignores the rest, so nothing counts twice.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JOINED = "joined"
CHOSE = "chose"
TIMED_OUT = "timed_out"
FINISHED = "finished"
FACILITATOR = "facilitator"
KINDS = (JOINED, CHOSE, TIMED_OUT, FINISHED, FACILITATOR)

EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")
MAX_DATA_CHARS = 4000


class EventError(ValueError):
    """An event that cannot be stored as given; the message says which field and why."""


def new_event_id() -> str:
    return uuid.uuid4().hex


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    """One thing that happened in a cohort. ``step`` is the decision index it concerns, if any."""

    id: str
    kind: str
    player: str | None
    step: int | None
    data: dict[str, Any] = field(default_factory=dict)
    at: str = ""
    seq: int = 0  # the store's order; 0 until stored

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "player": self.player,
            "step": self.step,
            "data": self.data,
            "at": self.at,
        }


def make_event(
    kind: str,
    player: str | None,
    step: int | None = None,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> Event:
    event = Event(event_id or new_event_id(), kind, player, step, dict(data or {}), now_iso())
    check_event(event)
    return event


def check_event(event: Event) -> None:
    """Refuse malformed events before they reach the log (the hub receives them from the network)."""
    if not isinstance(event.id, str) or not EVENT_ID.fullmatch(event.id):
        raise EventError("event id must be 8-80 letters, digits or `_.:-`")
    if event.kind not in KINDS:
        raise EventError(f"unknown event kind `{event.kind}`")
    if event.step is not None and (
        not isinstance(event.step, int) or isinstance(event.step, bool) or not 0 <= event.step < 10_000
    ):
        raise EventError("event step must be a whole number from 0")
    if event.kind in (CHOSE, TIMED_OUT, FINISHED) and (event.player is None or event.step is None):
        raise EventError(f"a `{event.kind}` event needs a player and a step")
    if event.kind == CHOSE and not isinstance(event.data.get("choice"), str):
        raise EventError("a `chose` event needs the choice id")
    if not isinstance(event.data, dict):
        raise EventError("event data must be an object")


def event_from_json(raw: Any, player: str | None = None) -> Event:
    """Parse an event sent by a client; ``player`` (from authentication) overrides what it claims."""
    if not isinstance(raw, dict):
        raise EventError("each event must be an object")
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise EventError("event data must be an object")
    claimed = raw.get("player")
    event = Event(
        id=str(raw.get("id", "")),
        kind=str(raw.get("kind", "")),
        player=player if player is not None else (claimed if isinstance(claimed, str) else None),
        step=raw.get("step"),
        data=data,
        at=str(raw.get("at") or now_iso())[:40],
    )
    check_event(event)
    if len(json.dumps(event.data)) > MAX_DATA_CHARS:
        raise EventError("event data is too large")
    return event
