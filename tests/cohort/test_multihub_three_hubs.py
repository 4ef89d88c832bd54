"""Three `simgame serve` processes, one PostgreSQL database: players move between hubs, two
co-facilitators pace the same room through different hubs, and every hub shows the same room."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FACILITATOR, FINISHED, TIMED_OUT
from simgame.cohort.hubclient import HubClient
from simgame.cohort.hubfacilitator import fingerprint
from simgame.cohort.hubstore import HubStore
from simgame.cohort.progress import fold
from simgame.cohort.referee import decisions_made, is_pass_through
from simgame.cohort.sessions import create
from simgame.cohort.storage import open_store
from simgame.cohort.store import Cohort, CohortStore
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from tests.cohort.hubsupport import HubProcess, free_port
from tests.cohort.pgsupport import database

PLAYERS = 4


@pytest.fixture
def room(cohort_env: Path, tmp_path: Path) -> Iterator[tuple[CohortStore, Cohort, str, list[str]]]:
    """A lockstep session in a fresh database, served by three hub processes."""
    with database() as url:
        store = open_store(url)
        cohort, key = create(store, "tiny", "Three hubs", "lockstep", seed=3)
        hubs = [HubProcess(cohort.code, url, free_port(), tmp_path / f"hub{i}.log") for i in range(3)]  # type: ignore[arg-type]
        try:
            for hub in hubs:
                hub.start()
            yield store, cohort, key, [hub.url for hub in hubs]
        finally:
            for hub in hubs:
                hub.stop()
            store.close()


def _event(kind: str, step: int, data: dict[str, object], tag: str) -> dict[str, object]:
    return {"id": f"{tag}-{kind}-{step:04d}", "kind": kind, "step": step, "data": data}


def test_players_move_between_hubs_and_co_facilitators_pace_through_two(
    room: tuple[CohortStore, Cohort, str, list[str]], tiny: Scenario
) -> None:
    store, cohort, key, urls = room
    ana = HubStore(urls[1], cohort.code, key, "Ana")  # co-facilitators on two other hubs
    ben = HubStore(urls[2], cohort.code, key, "Ben")
    rng = random.Random(7)
    players: list[dict[str, object]] = []
    for i in range(PLAYERS):  # each joins on one hub...
        answer = HubClient(urls[i % 3], cohort.code).join(f"Player {i}", None)
        players.append(answer)
    runs = {str(p["player"]): Run.replay(tiny, cohort.seed, [], order_key=str(p["player"])) for p in players}
    turn = 0
    while not all(run.ended for run in runs.values()):
        for i, p in enumerate(players):
            pid, run = str(p["player"]), runs[str(p["player"])]
            if run.ended:
                continue
            if not is_pass_through(run):
                number = decisions_made(run)
                facilitator = (ana, ben)[number % 2]  # the two take turns opening decisions
                seen = facilitator.cohort(cohort.code)
                if number >= seen.open_step:
                    pacing.open_next(facilitator, seen)
            hub = HubClient(urls[(i + turn) % 3], cohort.code)  # ...and answers on whichever hub
            step = len(run.choice_log)
            choice = rng.choice(run.available())
            run.choose(choice)
            hub.send(pid, [_event(CHOSE, step, {"choice": choice}, pid)], device=str(p["device"]))
        turn += 1
    for i, p in enumerate(players):  # rejoining on another hub from the same device resumes the player
        pid, run = str(p["player"]), runs[str(p["player"])]
        again = HubClient(urls[(i + 1) % 3], cohort.code).join(f"player {i}", None, device=str(p["device"]))
        assert again["player"] == pid and again["resume"] == run.choice_log
        hub = HubClient(urls[(i + 2) % 3], cohort.code)
        hub.send(pid, [_event(FINISHED, len(run.choice_log), {"ending": run.ending}, pid)], device=str(p["device"]))
        run.close()

    # Every event exactly once, every player finished; every hub shows the same room.
    events = store.events(cohort.code)
    assert len({e.id for e in events}) == len(events)
    progress = fold(store.players(cohort.code), events)
    assert len(progress) == PLAYERS and all(p.finished for p in progress.values())
    for url in urls:
        seen = HubStore(url, cohort.code, key)
        assert [e.id for e in seen.events(cohort.code)] == [e.id for e in events]
        assert seen.cohort(cohort.code).open_step == store.cohort(cohort.code).open_step
        assert HubClient(url, cohort.code).state("p-0000000000")["open_step"] == store.cohort(cohort.code).open_step
    # Each pacing action names who did it and through which hub.
    opened = [e.data for e in events if e.kind == FACILITATOR and e.data.get("action") == "open"]
    assert {d["by"] for d in opened} == {"Ana", "Ben"}
    assert all(d["key"] == fingerprint(key) and d["hub"].startswith("127.0.0.1:") for d in opened)
    assert {d["hub"] for d in opened if d["by"] == "Ana"} == {urls[1].removeprefix("http://")}


def test_two_facilitators_on_two_hubs_advancing_at_once_advance_once(
    room: tuple[CohortStore, Cohort, str, list[str]],
) -> None:
    store, cohort, key, urls = room
    for i in range(3):
        HubClient(urls[i], cohort.code).join(f"Late {i}", None)
    pacing.open_next(HubStore(urls[0], cohort.code, key, "Host"), store.cohort(cohort.code))
    seen = store.cohort(cohort.code)  # what both facilitators' screens show: decision 1 open
    barrier, outcomes = threading.Barrier(2), []

    def facilitator(url: str, name: str) -> None:
        remote = HubStore(url, cohort.code, key, name)
        barrier.wait(timeout=30)
        try:
            pacing.advance(remote, seen, by=name)
            outcomes.append("advanced")
        except CohortError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=facilitator, args=args) for args in ((urls[1], "Ana"), (urls[2], "Ben"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[0] == "advanced" and "nothing done: the session changed" in sorted(outcomes)[1]
    events = store.events(cohort.code)
    assert store.cohort(cohort.code).open_step == 2
    assert sum(1 for e in events if e.kind == FACILITATOR and e.data["action"] == "advance") == 1
    assert sum(1 for e in events if e.kind == TIMED_OUT) == 3  # each straggler once
    with pytest.raises(CohortError, match="nothing done: the session changed"):  # a screen that is behind
        pacing.advance(HubStore(urls[0], cohort.code, key, "Cai"), seen, by="Cai")
    assert store.cohort(cohort.code).open_step == 2


def test_the_facilitator_commands_work_against_a_hub(
    room: tuple[CohortStore, Cohort, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, cohort, key, urls = room
    HubClient(urls[0], cohort.code).join("Chen", None)
    hub = ["--hub", urls[1], "--key", key]
    assert main(["cohort", "pace", cohort.code, "open", *hub, "--as", "Ana"]) == 0
    assert main(["cohort", "show", cohort.code, *hub]) == 0
    assert "decisions opened: 1" in capsys.readouterr().out
    assert main(["cohort", "players", cohort.code, "--rename", "chen", "Mei", *hub, "--as", "Ana"]) == 0
    assert [p.name for p in store.players(cohort.code)] == ["Mei"]
    assert main(["cohort", "report", cohort.code, *hub]) == 0
    assert "Three hubs" in capsys.readouterr().out
    assert main(["cohort", "close", cohort.code, "--hub", urls[2], "--key", key, "--as", "Ben"]) == 0
    assert not store.cohort(cohort.code).is_open
    audit = [(e.data["action"], e.data["by"]) for e in store.events(cohort.code) if e.kind == FACILITATOR]
    assert audit == [("open", "Ana"), ("rename", "Ana"), ("close", "Ben")]
    capsys.readouterr()
    assert main(["cohort", "pace", cohort.code, "open", "--hub", urls[0], "--key", key + "x"]) == 1
    err = capsys.readouterr().err
    assert "facilitator key does not match" in err and "Traceback" not in err


async def test_a_co_facilitators_dashboard_reads_and_paces_through_another_hub(
    room: tuple[CohortStore, Cohort, str, list[str]],
) -> None:
    from textual.widgets import DataTable

    from simgame.cohort.dashboard import Dashboard

    store, cohort, key, urls = room
    HubClient(urls[0], cohort.code).join("Chen", None)
    app = Dashboard(cohort.code, None, key, refresh_seconds=3600, store=HubStore(urls[2], cohort.code, key, "Dee"))
    async with app.run_test() as pilot:
        assert app.query_one("#players", DataTable).row_count == 1  # a player who joined on another hub
        await pilot.press("o")
        await pilot.pause()
        HubClient(urls[1], cohort.code).join("Mei", None)
        app.refresh_view()  # the next refresh tick
        assert app.query_one("#players", DataTable).row_count == 2
    assert store.cohort(cohort.code).open_step == 1
    (opened,) = [e.data for e in store.events(cohort.code) if e.kind == FACILITATOR]
    assert (opened["action"], opened["by"], opened["hub"]) == ("open", "Dee", urls[2].removeprefix("http://"))
