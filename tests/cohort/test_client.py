"""The player's side: outbox persistence and a hub that stops answering must not stall the game."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simgame.cohort.client import HubChannel
from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.hubclient import HubUnreachable
from simgame.cohort.outbox import Outbox
from simgame.cohort.store import Cohort


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
