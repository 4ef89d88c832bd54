"""Every event is judged where it is stored: only what replays is kept, anything else is refused with a reason."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from simgame.cohort import pacing
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, TIMED_OUT, make_event
from simgame.cohort.hub import Hub
from simgame.cohort.liveview import build
from simgame.cohort.migrations import MIGRATIONS
from simgame.cohort.referee import EventRefused
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from tests.cohort.conftest import location_of


def _chose(player: str, step: int, choice: str, **data: object) -> object:
    return make_event(CHOSE, player, step, {"choice": choice, **data})


def _refused(store: SqliteStore, code: str, events: list[object], reason: str) -> None:
    before = store.events(code)
    with pytest.raises(EventRefused, match=reason):
        store.append(code, events)  # type: ignore[arg-type]
    assert store.events(code) == before  # nothing of the batch is stored


def test_the_reviewers_forged_choice_is_refused_and_never_shown(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    players = [store.join(cohort.code, f"p{i}", None)[0] for i in range(6)]
    _refused(store, cohort.code, [_chose(players[0].id, 0, "nonexistent")], "`nonexistent` is not an option")
    _refused(store, cohort.code, [_chose(players[0].id, 0, "name-owner")], "decision 1 is not open yet")
    cohort = pacing.open_next(store, cohort)
    _refused(store, cohort.code, [_chose(players[0].id, 0, "nonexistent")], "`nonexistent` is not an option")
    for p in players[1:]:
        store.append(cohort.code, [_chose(p.id, 0, "name-owner")])  # type: ignore[list-item]
    cohort = pacing.reveal(store, cohort)
    ((_title, split),) = build(store, cohort.code, tiny).splits
    assert split == [("Name an owner with authority to switch it off, then scale", 5)]


def test_a_choice_must_be_offered_at_that_point_of_that_players_game(
    store: SqliteStore, free_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = free_cohort
    ann = store.join(cohort.code, "Ann", None)[0].id
    # `celebrate` exists but is locked until value >= 40: naming an owner first leaves value at 35.
    store.append(cohort.code, [_chose(ann, 0, "name-owner")])  # type: ignore[list-item]
    _refused(store, cohort.code, [_chose(ann, 1, "celebrate")], "`celebrate` is not an option at this point")
    _refused(store, cohort.code, [_chose(ann, 2, "measure")], "step 3 cannot come before step 2")
    _refused(store, cohort.code, [_chose(ann, 1, "scale-now")], "`scale-now` is not an option")
    _refused(store, cohort.code, [_chose(ann, 1, "measure", scene="kickoff")], "another scene")
    # A batch is all or nothing: a good event before a bad one is not stored either.
    _refused(store, cohort.code, [_chose(ann, 1, "measure"), _chose(ann, 2, "measure")], "already ended")
    store.append(cohort.code, [_chose(ann, 1, "measure", scene="rollout")])  # type: ignore[list-item]
    _refused(store, cohort.code, [_chose(ann, 2, "measure")], "already ended")


def test_a_finish_must_match_the_replay(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    ann = store.join(cohort.code, "Ann", None)[0].id
    _refused(store, cohort.code, [make_event(FINISHED, ann, 0, {"ending": "scaled"})], "must follow|not reached")
    run = Run.replay(tiny, cohort.seed, ["name-owner", "measure"], order_key=ann)
    store.append(cohort.code, [_chose(ann, i, c) for i, c in enumerate(run.choice_log)])  # type: ignore[misc]
    _refused(store, cohort.code, [make_event(FINISHED, ann, 1, {"ending": run.ending})], "must follow")
    wrong_ending = next(e for e in tiny.doc.endings if e != run.ending)
    _refused(store, cohort.code, [make_event(FINISHED, ann, 2, {"ending": wrong_ending})], "ending sent")
    _refused(store, cohort.code, [make_event(FINISHED, ann, 2, {"ending": run.ending, "score": 100})], "score sent")
    assert store.append(cohort.code, [make_event(FINISHED, ann, 2, {"ending": run.ending})]) == 1
    (finished,) = [e for e in store.events(cohort.code) if e.kind == FINISHED]
    assert finished.data == {"ending": run.ending, "score": score(tiny, run, run.metrics).overall}
    assert store.append(cohort.code, [make_event(FINISHED, ann, 2, {"ending": run.ending})]) == 0  # a resend


def test_finished_counts_agree_between_dashboard_and_report(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    for i in range(8):
        pid = store.join(cohort.code, f"p{i}", None)[0].id
        run = Run.replay(tiny, cohort.seed, ["name-owner", "measure"] if i % 2 else ["scale-now"], order_key=pid)
        store.append(cohort.code, [_chose(pid, d.index, d.choice) for d in run.history])  # type: ignore[misc]
        finish = make_event(FINISHED, pid, len(run.history), {"ending": run.ending or "scaled"})
        if run.ended:
            store.append(cohort.code, [finish])
        else:  # an unfinished game claiming to have finished
            _refused(store, cohort.code, [finish], "not reached an ending")
    dashboard = build(store, cohort.code, tiny).finished
    report = len(analyse(store, cohort.code, tiny).finished)
    assert dashboard == report == 4


def test_a_pass_through_scene_is_a_step_but_never_a_decision(store: SqliteStore, cohort_env: Path) -> None:
    cohort, _ = create(store, "intro", "Intro room", "lockstep", seed=0)
    ann = store.join(cohort.code, "Ann", None)[0].id
    assert store.append(cohort.code, [_chose(ann, 0, "intro.continue")]) == 1  # nothing open: Continue is not held
    _refused(store, cohort.code, [_chose(ann, 1, "name-owner")], "decision 1 is not open")
    cohort = pacing.open_next(store, cohort)
    store.append(cohort.code, [_chose(ann, 1, "name-owner")])  # type: ignore[list-item]
    stored = [e.data for e in store.events(cohort.code) if e.kind == CHOSE]
    assert stored == [
        {"choice": "intro.continue", "scene": "intro", "pass": True},
        {"choice": "name-owner", "scene": "kickoff", "decision": 0},
    ]


def test_timeouts_are_judged_too(store: SqliteStore, lockstep_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = lockstep_cohort
    ann = store.join(cohort.code, "Ann", None)[0].id
    _refused(store, cohort.code, [make_event(TIMED_OUT, ann, 0, {"decision": 0})], "never opened")
    cohort = pacing.open_next(store, cohort)
    store.append(cohort.code, [_chose(ann, 0, "name-owner")])  # type: ignore[list-item]
    _refused(store, cohort.code, [make_event(TIMED_OUT, ann, 0, {"decision": 0})], "already answered")


@pytest.mark.asyncio
async def test_the_api_answers_a_forged_event_with_422_and_the_reason(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = lockstep_cohort
    hub = Hub(store, location_of(store), cohort.code, argv=["true"], tmp=tmp_path / "hub-tmp")
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        auth = {"X-Join-Code": cohort.code}
        joined = await (await client.post("/api/v1/join", json={"name": "Eve"}, headers=auth)).json()
        forged = {"id": "forged-0001", "kind": "chose", "step": 0, "data": {"choice": "nonexistent"}}
        body = {"player": joined["player"], "device": joined["device"], "events": [forged]}
        resp = await client.post("/api/v1/events", json=body, headers=auth)
        assert resp.status == 422
        assert await resp.json() == {
            "error": "`nonexistent` is not an option at this point of this player's game",
            "refused": "forged-0001",
        }
        early = {**forged, "id": "early-0001", "data": {"choice": "name-owner"}}
        resp = await client.post("/api/v1/events", json={**body, "events": [early]}, headers=auth)
        assert resp.status == 422 and "decision 1 is not open yet" in (await resp.json())["error"]
        finish = {"id": "forged-0002", "kind": "finished", "step": 0, "data": {"ending": "scaled"}}
        resp = await client.post("/api/v1/events", json={**body, "events": [finish]}, headers=auth)
        assert resp.status == 422 and "ending" in (await resp.json())["error"]
    finally:
        await client.close()
    assert [e.kind for e in store.events(cohort.code)] == ["joined"]


def test_upgrading_an_old_store_sets_aside_events_that_do_not_replay(cohort_env: Path) -> None:
    path = cohort_env / "v3.sqlite"
    db = sqlite3.connect(path)
    db.executescript("".join(m + ";" for m in MIGRATIONS[:3]) + "PRAGMA user_version = 3;")
    fresh = SqliteStore(cohort_env / "scratch.sqlite")  # only to learn tiny's content hash
    cohort, _ = create(fresh, "tiny", "Old", "free", seed=0)
    fresh.close()
    db.execute(
        "INSERT INTO cohorts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ("ABCDEF", "Old", "tiny", "tiny", cohort.content_hash, 0, "free", 0, -1, 0, "k", "2026-01-01", None),
    )
    for pid, name in (("p-1", "Ann"), ("p-2", "ann")):  # names that differ only by case
        db.execute("INSERT INTO players VALUES (?, 'ABCDEF', ?, NULL, '2026-01-01', 'terminal')", (pid, name))
    rows = [
        ("good-00001", "p-1", "chose", 0, {"choice": "name-owner", "scene": "kickoff"}),
        ("forged-001", "p-2", "chose", 0, {"choice": "nonexistent"}),
        ("forged-002", "p-2", "finished", 0, {"ending": "scaled"}),
    ]
    for eid, pid, kind, step, data in rows:
        db.execute(
            "INSERT INTO events (id, cohort, player, kind, step, data, at) VALUES (?, 'ABCDEF', ?, ?, ?, ?, 't')",
            (eid, pid, kind, step, json.dumps(data)),
        )
    db.commit()
    db.close()
    store = SqliteStore(path)
    try:
        (good,) = store.events("ABCDEF")
        assert good.id == "good-00001" and good.data == {"choice": "name-owner", "scene": "kickoff", "decision": 0}
        moved = store._db.execute("SELECT id, reason FROM refused_events ORDER BY id").fetchall()
        assert [m[0] for m in moved] == ["forged-001", "forged-002"] and "upgraded" in moved[0][1]
        assert sorted(p.name for p in store.players("ABCDEF")) == ["Ann", "ann"]  # both kept; rename or merge
    finally:
        store.close()
