"""Kill a cohort writer (SIGKILL) at random points, many times: the store opens, is intact, and loses nothing acked.

A forked child joins a player and appends that player's real choices through the store API
(the store judges every event by replay, so only moves the game allows are written), with
client-made ids, in batches of one or two, and reports each join and batch on a pipe only
after the call returned (its acknowledgement). After each kill the parent reopens the store,
runs SQLite's integrity check, and proves that every acknowledged event and player is there
exactly once, that the batch in flight was stored whole or not at all, and that retrying it
(same ids) stores nothing twice.
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


PLAY = [("name-owner", "kickoff"), ("measure", "rollout")]  # tiny, seed 0: an owner, then measure


def batch_of(attempt: int, number: int, player: str) -> list[Event]:
    """The ``number``-th batch a writer sends, for the player it joined for it: one or two real choices."""
    size = 1 + (attempt + number) % 2
    return [
        make_event(
            CHOSE, player, step, {"choice": choice, "scene": scene}, event_id=f"crash-{attempt:02d}-{number:05d}-{step}"
        )
        for step, (choice, scene) in enumerate(PLAY[:size])
    ]


def _writer(path: Path, code: str, attempt: int, acks: int) -> None:
    """Runs in a forked child until killed: join a player, acknowledge; append its batch, acknowledge."""
    store = SqliteStore(path)
    if attempt % 2:  # checkpoint the WAL into the database often, so some kills land mid-checkpoint
        store._db.execute("PRAGMA wal_autocheckpoint = 4")
    number = 0
    while True:
        joined, _ = store.join(code, f"writer {attempt}-{number}", None)
        os.write(acks, f"j{number}:{joined.id}\n".encode())
        store.append(code, batch_of(attempt, number, joined.id))
        os.write(acks, f"b{number}\n".encode())
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
        ack_r, ack_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.close(ack_r)
                _writer(crash_env, cohort.code, attempt, ack_w)
            finally:
                os._exit(1)
        os.close(ack_w)
        first = os.read(ack_r, 2)  # wait until the child has written something
        assert first.startswith(b"j0"), first
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        lines = (first.decode() + _read_all(ack_r)).split()
        os.close(ack_r)
        joins = dict(line[1:].split(":", 1) for line in lines if line.startswith("j") and ":" in line)
        player_of = {int(n): pid_ for n, pid_ in joins.items()}
        acked_batches = [int(x[1:]) for x in lines if x.startswith("b")]
        assert acked_batches == list(range(len(acked_batches)))

        with sqlite3.connect(crash_env) as raw:  # a fresh connection recovers the WAL, then checks every page
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        store = SqliteStore(crash_env)
        try:
            events = store.events(cohort.code)
            ids = Counter(e.id for e in events)
            assert max(ids.values()) == 1, "an event is stored twice"
            stored = {e.id for e in events if e.kind == CHOSE and e.id.startswith(f"crash-{attempt:02d}-")}
            acked = {e.id for n in acked_batches for e in batch_of(attempt, n, player_of[n])}
            assert acked <= stored, f"attempt {attempt}: acknowledged events lost"
            number = len(acked_batches)
            in_flight = batch_of(attempt, number, player_of[number]) if number in player_of else []
            extra = stored - acked
            assert extra in (set(), {e.id for e in in_flight}), "a batch was stored in part"

            players = {p.id for p in store.players(cohort.code)}
            assert set(player_of.values()) <= players, "an acknowledged join is lost"
            joined_events = Counter(e.player for e in events if e.kind == JOINED)
            assert all(joined_events[p] == 1 for p in players), "a player's join is missing or doubled"

            # The client retries what it never saw acknowledged, and the last acked batch, with the same ids.
            last = batch_of(attempt, number - 1, player_of[number - 1]) if number else []
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
