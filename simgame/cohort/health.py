"""The hub's heartbeat, kept in the store so the dashboard and pacing can tell whether the hub is up.

Each hub writes a beat every few seconds (and a last one when it stops), beside the beats of the
other hubs serving the same session. The session's hubs are up while any of them beats; when none
has beaten for :data:`STALE_AFTER` seconds (or all have stopped), answers of terminal players may
be waiting in their outboxes, so advancing then asks for confirmation and the timer waits.
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


FORGET_AFTER = 3600.0  # a hub silent this long is dropped from the session's list


def beat(store: CohortStore, code: str, now: datetime, players_heard: int, address: str, stopped: bool = False) -> None:
    """Record this hub's beat for the session, beside the other hubs' (several hubs on one database)."""
    hubs = {a: v for a, v in _hubs(store.cached(_key(code))).items() if a != address and _age(v, now) < FORGET_AFTER}
    hubs[address] = {"at": now.isoformat(), "heard": players_heard, "stopped": stopped}
    store.remember(_key(code), json.dumps({"hubs": hubs}, sort_keys=True))


def _hubs(raw: str | None) -> dict[str, dict[str, object]]:
    """Each hub's last beat, by its address (a value written before several hubs: that one hub)."""
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if isinstance(value, dict) and isinstance(value.get("hubs"), dict):
        return {str(a): v for a, v in value["hubs"].items() if isinstance(v, dict)}
    if isinstance(value, dict) and "at" in value:
        return {str(value.get("address", "")): value}
    return {}


def _age(beat: dict[str, object], now: datetime) -> float:
    try:
        return max(0.0, (now - datetime.fromisoformat(str(beat["at"]))).total_seconds())
    except (ValueError, KeyError, TypeError):
        return STALE_AFTER * 10


def health(store: CohortStore, code: str, now: datetime | None = None) -> HubHealth:
    """The session's hubs together: up while any hub beats (terminal players heard by all of them),
    stopped when every hub that served it has shut down, down when the last one went silent."""
    raw = store.cached(_key(code))
    if raw is None:
        return HubHealth(NONE, 0.0)
    hubs = _hubs(raw)
    if not hubs:
        return HubHealth(DOWN, STALE_AFTER)
    moment = now or datetime.now(UTC)
    ages = {a: _age(v, moment) for a, v in hubs.items()}
    up = [a for a, v in hubs.items() if not v.get("stopped") and ages[a] <= STALE_AFTER]
    if up:
        heard = sum(int(str(hubs[a].get("heard", 0))) for a in up)
        return HubHealth(UP, min(ages[a] for a in up), heard, ", ".join(sorted(up)))
    latest = min(ages, key=lambda a: ages[a])
    if all(v.get("stopped") for v in hubs.values()):
        return HubHealth(STOPPED, ages[latest], 0, latest)
    return HubHealth(DOWN, ages[latest], 0, latest)
