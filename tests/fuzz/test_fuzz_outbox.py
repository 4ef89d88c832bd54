"""The outbox survives a torn last line (issue 18, item 7).

A crash or a full disk can cut the last line of `events.jsonl` anywhere. Reading must keep every
complete event, and an event added afterwards (by the same outbox or after a restart) must be kept
too, never glued onto the torn fragment.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.outbox import Outbox
from tests.fuzz.conftest import FUZZ


@FUZZ
@given(n_complete=st.integers(0, 4), cut=st.floats(0, 1, exclude_max=True), restart=st.booleans())
def test_a_torn_last_line_keeps_every_complete_event_and_the_next(n_complete: int, cut: float, restart: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        box = Outbox(folder)
        kept = [make_event(CHOSE, "p-1", i, {"choice": f"c{i}"}) for i in range(n_complete)]
        for e in kept:
            box.add(e)
        torn = make_event(CHOSE, "p-1", n_complete, {"choice": "torn"})
        box.add(torn)
        events = folder / "events.jsonl"
        raw = events.read_bytes()
        start = raw.rstrip(b"\n").rfind(b"\n") + 1  # the last line: cut it somewhere before its newline
        last_len = len(raw) - start - 1
        events.write_bytes(raw[: start + int(cut * last_len)])

        if restart:
            box = Outbox(folder)
        assert [e.id for e in box.events()] == [e.id for e in kept]  # every complete event, nothing else
        after = make_event(CHOSE, "p-1", n_complete + 1, {"choice": "after"})
        box.add(after)
        assert [e.id for e in Outbox(folder).events()] == [*(e.id for e in kept), after.id]
        assert [e["id"] for e in Outbox(folder).pending()] == [*(e.id for e in kept), after.id]


def test_a_torn_acknowledgement_does_not_lose_an_event() -> None:
    """A torn line in acked.txt at worst resends an event (the hub ignores repeats); it never drops one."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        box = Outbox(folder)
        events = [make_event(CHOSE, "p-1", i, {"choice": f"c{i}"}) for i in range(3)]
        box.add(events[0])
        assert box.flush(lambda batch: True) == 0
        acked = folder / "acked.txt"
        acked.write_bytes(acked.read_bytes()[:-3])  # the acknowledgement torn
        box.add(events[1])
        box.add(events[2])
        sent: list[str] = []
        assert box.flush(lambda batch: sent.extend(e["id"] for e in batch) is None) == 0
        assert set(sent) >= {events[1].id, events[2].id}
        assert Outbox(folder).pending() == [] or {e["id"] for e in Outbox(folder).pending()} <= {events[0].id}
