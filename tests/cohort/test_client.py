"""The player's side: outbox persistence and a hub that stops answering must not stall the game."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simgame.cohort.client import HubChannel
from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.hubclient import HubUnreachable
from simgame.cohort.outbox import Outbox
from simgame.cohort.store import Cohort
from simgame.format.compiled import Scenario


class DeadHub:
    def __init__(self) -> None:
        self.polls = 0
        self.sends = 0

    def state(self, player: str) -> dict[str, Any]:
        self.polls += 1
        raise HubUnreachable("cannot reach the hub")

    def send(self, player: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        self.sends += 1
        raise HubUnreachable("cannot reach the hub")


COHORT = Cohort("ABCDEF", "Room", "tiny", "tiny", "h", 0, "lockstep", 2, -1, False, "", "")


def test_a_silent_hub_is_polled_at_most_once_per_backoff(tmp_path: Path) -> None:
    hub = DeadHub()
    channel = HubChannel(hub, "p-1", Outbox(tmp_path), COHORT)  # type: ignore[arg-type]
    try:
        for _ in range(5):
            assert channel.pacing() == COHORT  # the last known pacing, at once
        assert hub.polls == 1
    finally:
        channel.close()


def test_the_outbox_keeps_events_until_acknowledged(tmp_path: Path) -> None:
    box = Outbox(tmp_path)
    events = [make_event(CHOSE, "p-1", i, {"choice": f"c{i}"}) for i in range(3)]
    for e in events:
        box.add(e)
    with (tmp_path / "events.jsonl").open("a") as fh:
        fh.write('{"id": "torn')  # a crash mid-write leaves a torn last line
    sent: list[list[str]] = []
    assert box.flush(lambda batch: False) == 3
    assert box.flush(lambda batch: sent.append([e["id"] for e in batch]) is None) == 0
    assert sent == [[e.id for e in events]]
    assert Outbox(tmp_path).pending() == [] and [e.id for e in Outbox(tmp_path).events()] == [e.id for e in events]


def test_an_event_added_after_a_torn_line_is_kept(tmp_path: Path) -> None:
    """A crash (or a full disk) can leave a torn last line; the next event must not be glued onto it."""
    box = Outbox(tmp_path)
    first = make_event(CHOSE, "p-1", 0, {"choice": "c0"})
    box.add(first)
    with (tmp_path / "events.jsonl").open("a") as fh:
        fh.write('{"id": "torn')
    after = make_event(CHOSE, "p-1", 1, {"choice": "c1"})
    box.add(after)
    assert [e.id for e in Outbox(tmp_path).events()] == [first.id, after.id]


class RefusingHub:
    """A hub that refuses one event (it could not have happened) and takes the rest."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.stored: list[str] = []

    def state(self, player: str) -> dict[str, Any]:
        return {"pace": "free", "open_step": 0, "revealed_step": -1, "paused": False, "closed": None}

    def send(self, player: str, events: list[dict[str, Any]], device: str = "") -> dict[str, Any]:
        from simgame.cohort.hubclient import HubRefused

        if any(e["id"] == self.refuse for e in events):
            raise HubRefused("decision 2 is not open yet", self.refuse)
        self.stored += [e["id"] for e in events]
        return {"received": len(events), "stored": len(events)}


def test_a_refused_event_is_set_aside_and_the_player_told(tmp_path: Path, tiny: Scenario) -> None:
    from simgame.cohort.client import CohortObserver

    events = [make_event(CHOSE, "p-1", i, {"choice": f"c{i}"}) for i in range(3)]
    hub = RefusingHub(events[1].id)
    outbox = Outbox(tmp_path)
    channel = HubChannel(hub, "p-1", outbox, COHORT, "device-token-00001")  # type: ignore[arg-type]
    try:
        for e in events:
            outbox.add(e)
        assert outbox.flush(channel._deliver) > 0  # the batch with the refused event is not acknowledged
        assert outbox.flush(channel._deliver) == 0  # the refused one is set aside; the others go
        assert hub.stored == [events[0].id, events[2].id]
        assert list(Outbox(tmp_path).refused()) == [events[1].id]
        assert [e.id for e in Outbox(tmp_path).events()] == [events[0].id, events[2].id]  # never exported
        observer = CohortObserver(channel, tiny, COHORT, "p-1", "Ann", [])
        message = observer.waiting(type("R", (), {"ended": False})())  # type: ignore[arg-type]
        assert message is not None and "not accepted (decision 2 is not open yet)" in message and "Rejoin" in message
    finally:
        channel.close()
