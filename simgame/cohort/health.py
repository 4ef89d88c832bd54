"""The hub's heartbeat, kept in the store so the dashboard and pacing can tell whether the hub is up.

The hub writes a beat every few seconds (and a last one when it stops). A hub that has not beaten
for :data:`STALE_AFTER` seconds is down: answers of terminal players may be waiting in their
outboxes, so advancing then asks for confirmation and the timer waits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from simgame.cohort.store import CohortStore

BEAT_EVERY = 5.0
STALE_AFTER = 20.0
NONE, UP, DOWN, STOPPED = "none", "up", "down", "stopped"


def _key(code: str) -> str:
    return f"hub-health:{code}"


@dataclass(frozen=True)
class HubHealth:
    state: str  # none (never ran for this session), up, down (silent), stopped (shut down)
    age: float  # seconds since the last beat (0 with none)
    players_heard: int = 0  # terminal players heard from in the last minute
    address: str = ""

    @property
    def answers_may_wait(self) -> bool:
        """Terminal players' answers may be stuck in outboxes right now."""
        return self.state in (DOWN, STOPPED)

    def line(self) -> str:
        if self.state == NONE:
            return "hub: not used (players on this machine only)"
        if self.state == UP:
            return f"hub: up ({self.players_heard} terminal player(s) heard from in the last minute)"
        if self.state == STOPPED:
            return f"hub: STOPPED {int(self.age)} s ago; terminal players' answers wait in their outboxes"
        return f"hub: NO ANSWER for {int(self.age)} s; terminal players' answers wait in their outboxes"


def beat(store: CohortStore, code: str, now: datetime, players_heard: int, address: str, stopped: bool = False) -> None:
    value = {"at": now.isoformat(), "heard": players_heard, "address": address, "stopped": stopped}
    store.remember(_key(code), json.dumps(value))


def health(store: CohortStore, code: str, now: datetime | None = None) -> HubHealth:
    raw = store.cached(_key(code))
    if raw is None:
        return HubHealth(NONE, 0.0)
    try:
        value = json.loads(raw)
        at = datetime.fromisoformat(str(value["at"]))
        heard, address, stopped = int(value.get("heard", 0)), str(value.get("address", "")), bool(value.get("stopped"))
    except (ValueError, KeyError, TypeError):
        return HubHealth(DOWN, STALE_AFTER)
    age = max(0.0, ((now or datetime.now(UTC)) - at).total_seconds())
    if stopped:
        return HubHealth(STOPPED, age, 0, address)
    return HubHealth(UP if age <= STALE_AFTER else DOWN, age, heard, address)
