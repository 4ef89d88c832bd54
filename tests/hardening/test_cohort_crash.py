"""Kill a cohort writer (SIGKILL) at random points, many times: the store opens, is intact, and loses nothing acked.

A forked child appends events through the store API with client-made ids, in batches of
one to three, and reports each batch on a pipe only after ``append`` returned (its
acknowledgement). Every few batches it also joins a new player. After each kill the
parent reopens the store, runs SQLite's integrity check, and proves that every
acknowledged event and player is there exactly once, that the batch in flight was
stored whole or not at all, and that retrying it (same ids) stores nothing twice.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from simgame.cohort.events import CHOSE, JOINED, Event, make_event
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from tests.support import DATA

KILLS = 30


@pytest.fixture
def crash_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIMGAME_SAVES", str(tmp_path))
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(DATA))
    monkeypatch.delenv("SIMGAME_COHORT_DB", raising=False)
    return tmp_path / "cohorts.sqlite"


def batch_of(attempt: int, number: int, player: str) -> list[Event]:
    """The ``number``-th batch a writer sends: deterministic ids, one to three `chose` events."""
    size = 1 + (attempt + number) % 3
    return [
        make_event(
            CHOSE,
            player,
            number * 3 + i,
            {"choice": "name-owner", "scene": "kickoff"},
            event_id=f"crash-{attempt:02d}-{number:05d}-{i}",
        )
        for i in range(size)
    ]


def _writer(path: Path, code: str, player: str, attempt: int, acks: int) -> None:
    """Runs in a forked child until killed: append a batch, then acknowledge it on the pipe."""
    store = SqliteStore(path)
    if attempt % 2:  # checkpoint the WAL into the database often, so some kills land mid-checkpoint
        store._db.execute("PRAGMA wal_autocheckpoint = 4")
    number = 0
    while True:
        store.append(code, batch_of(attempt, number, player))
        os.write(acks, f"b{number}\n".encode())
        if number % 7 == 3:
            joined, _ = store.join(code, f"late {attempt}-{number}", None)
            os.write(acks, f"j{joined.id}\n".encode())
        number += 1


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_sigkill_during_cohort_writes_loses_nothing_acknowledged(crash_env: Path) -> None:
    store = SqliteStore(crash_env)
    cohort, _ = create(store, "tiny", "Crash room", "free", seed=0)
    store.close()
    rng = random.Random(20260512)
    for attempt in range(KILLS):
        store = SqliteStore(crash_env)
        player, _ = store.join(cohort.code, f"writer {attempt:02d}", None)
        store.close()  # never carry an open SQLite connection across fork
        ack_r, ack_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.close(ack_r)
                _writer(crash_env, cohort.code, player.id, attempt, ack_w)
            finally:
                os._exit(1)
        os.close(ack_w)
        first = os.read(ack_r, 3)  # wait until the child has written something
        assert first.startswith(b"b0"), first
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        lines = (first.decode() + _read_all(ack_r)).split()
        os.close(ack_r)
        acked_batches = [int(x[1:]) for x in lines if x.startswith("b")]
        acked_joins = [x[1:] for x in lines if x.startswith("j")]
        assert acked_batches == list(range(len(acked_batches)))

        with sqlite3.connect(crash_env) as raw:  # a fresh connection recovers the WAL, then checks every page
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        store = SqliteStore(crash_env)
        try:
            events = store.events(cohort.code)
            ids = Counter(e.id for e in events)
            assert max(ids.values()) == 1, "an event is stored twice"
            mine = {e.id for e in events if e.player == player.id and e.kind == CHOSE}
            acked = {e.id for n in acked_batches for e in batch_of(attempt, n, player.id)}
            assert acked <= mine, f"attempt {attempt}: acknowledged events lost"
            in_flight = batch_of(attempt, len(acked_batches), player.id)
            extra = mine - acked
            assert extra in (set(), {e.id for e in in_flight}), "a batch was stored in part"

            players = {p.id for p in store.players(cohort.code)}
            assert set(acked_joins) <= players
            joined_events = Counter(e.player for e in events if e.kind == JOINED)
            assert all(joined_events[p] == 1 for p in players), "a player's join is missing or doubled"

            # The client retries what it never saw acknowledged, and the last acked batch, with the same ids.
            last = batch_of(attempt, len(acked_batches) - 1, player.id)
            again = store.append(cohort.code, last + in_flight)
            assert again == (len(in_flight) if not extra else 0)
            assert store.append(cohort.code, last + in_flight) == 0
            after = Counter(e.id for e in store.events(cohort.code))
            assert max(after.values()) == 1
            assert {e.id for e in last + in_flight} <= set(after)
        finally:
            store.close()
    # Every kill left a store that still opens, migrates and serves a report's data.
    store = SqliteStore(crash_env)
    try:
        assert store.version() >= 1 and len(store.players(cohort.code)) >= KILLS
    finally:
        store.close()
