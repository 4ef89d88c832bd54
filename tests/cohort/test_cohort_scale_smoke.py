"""The scale benchmark's machinery at a tiny size: real hubs on one PostgreSQL database, scripted players
moving between them, every event stored exactly once and every player finished (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.cohort_scale import MOVE_EVERY, run_load
from tests.cohort.pgsupport import database

PLAYERS, HUBS = 12, 2


def test_scripted_players_on_two_hubs_store_every_event_once_and_all_finish(cohort_env: Path, tmp_path: Path) -> None:
    with database() as url:
        got = run_load(url, PLAYERS, HUBS, tmp_path / "run", connections=4)
    assert got["problems"] == 0  # every join, rejoin and event was acknowledged, none refused
    assert got["moved"] == len(range(0, PLAYERS, MOVE_EVERY))  # players 0, 5, 10 rejoined on the other hub
    assert got["events"] == got["stored"] > PLAYERS  # every acknowledged event is in the store...
    assert got["lost"] == 0 and got["duplicated"] == 0  # ...once
    assert got["not_new"] <= got["retries"]  # an acknowledgement of nothing new only answers a resend
    assert got["finished"] == PLAYERS and got["unfinished"] == 0
    assert got["extra_players"] == 0  # moving hubs resumed the same player
