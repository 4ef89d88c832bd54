"""One hub, several sessions: the join code a request carries says which session it is for.

A hub given no codes serves every session in its store (sessions created while it runs too); a hub
given codes serves those only. Players, events, facilitators, the projector and the heartbeat all
stay within the session their code names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from simgame.cli.serve import banner
from simgame.cohort.health import health
from simgame.cohort.hub import COOKIE, Hub
from simgame.cohort.perimeter import CodeBackoff
from simgame.cohort.projectorweb import cookie_name
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort

CHOICE = {"kind": "chose", "step": 0, "data": {"choice": "name-owner", "scene": "kickoff"}}


async def _client(hub: Hub) -> TestClient:
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def every(store: SqliteStore, tmp_path: Path) -> AsyncIterator[tuple[Hub, TestClient]]:
    hub = Hub(store, store.path, None, argv=["game", "--join", "{code}"], tmp=tmp_path / "hub-tmp")
    client = await _client(hub)
    try:
        yield hub, client
    finally:
        await client.close()


async def _join(client: TestClient, code: str, name: str) -> dict[str, object]:
    resp = await client.post("/api/v1/join", json={"name": name}, headers={"X-Join-Code": code})
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


@pytest.mark.asyncio
async def test_each_players_events_land_in_the_session_their_code_names(
    every: tuple[Hub, TestClient], store: SqliteStore
) -> None:
    _hub, client = every
    morning, _ = create(store, "tiny", "Morning room", "free")
    evening, _ = create(store, "tiny", "Evening room", "free")
    for cohort, name in ((morning, "Ana"), (evening, "Ben"), (evening, "Cy")):
        joined = await _join(client, cohort.code, name)
        assert joined["cohort_name"] == cohort.name
        event = {**CHOICE, "id": f"{name.lower()}-event-1"}
        body = {"player": joined["player"], "device": joined["device"], "events": [event]}
        resp = await client.post("/api/v1/events", json=body, headers={"X-Join-Code": cohort.code})
        assert (await resp.json())["stored"] == 1
    assert [p.name for p in store.players(morning.code)] == ["Ana"]
    assert sorted(p.name for p in store.players(evening.code)) == ["Ben", "Cy"]
    assert {e.id for e in store.events(morning.code) if e.kind == "chose"} == {"ana-event-1"}
    # A player of one session cannot post into another with that session's code.
    ana = store.players(morning.code)[0]
    body = {"player": ana.id, "device": "d" * 20, "events": [{**CHOICE, "id": "ana-event-2"}]}
    resp = await client.post("/api/v1/events", json=body, headers={"X-Join-Code": evening.code})
    assert resp.status == 403
    assert all(e.player != ana.id for e in store.events(evening.code))


@pytest.mark.asyncio
async def test_a_session_created_while_the_hub_runs_is_served_and_guesses_are_not(
    every: tuple[Hub, TestClient], store: SqliteStore
) -> None:
    _hub, client = every
    for guess in ("AAAAAA", "", "not a code"):
        resp = await client.post("/api/v1/join", json={"name": "Eve"}, headers={"X-Join-Code": guess})
        assert resp.status == 403
    later, _ = create(store, "tiny", "Later room", "free")
    assert (await _join(client, later.code, "Dee"))["cohort_name"] == "Later room"


@pytest.mark.asyncio
async def test_the_browser_game_starts_in_the_session_its_code_names(
    every: tuple[Hub, TestClient], store: SqliteStore
) -> None:
    hub, client = every
    first, _ = create(store, "tiny", "First", "free")
    second, _ = create(store, "tiny", "Second", "free")
    first_page = await (await client.get(f"/?code={first.code}")).text()
    page = await client.get(f"/?code={second.code.lower()}")
    assert page.status == 200
    # Each page's game connects for its own session, whichever the browser opened last (its cookie).
    assert f'"/ws/{second.code}"' in await page.text() and f'"/ws/{first.code}"' in first_page
    assert {c.key: c.value for c in client.session.cookie_jar}[COOKIE] == second.code
    assert hub.argv_for(second.code) == ["game", "--join", second.code]
    assert hub.argv_for(first.code) == ["game", "--join", first.code]


@pytest.mark.asyncio
async def test_a_hub_given_codes_serves_those_only(store: SqliteStore, tmp_path: Path) -> None:
    mine, _ = create(store, "tiny", "Mine", "free")
    other, _ = create(store, "tiny", "Other", "free")
    hub = Hub(store, store.path, [mine.code], argv=["true"], tmp=tmp_path / "hub-tmp")
    client = await _client(hub)
    try:
        assert (await _join(client, mine.code, "Ana"))["cohort_name"] == "Mine"
        resp = await client.post("/api/v1/join", json={"name": "Ben"}, headers={"X-Join-Code": other.code})
        assert resp.status == 403
        assert store.players(other.code) == []
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_a_facilitator_key_opens_its_own_session_only(every: tuple[Hub, TestClient], store: SqliteStore) -> None:
    _hub, client = every
    _first, first_key = create(store, "tiny", "First", "free")
    second, second_key = create(store, "tiny", "Second", "free")
    own = await client.get(
        "/api/v1/facilitator/session", headers={"X-Join-Code": second.code, "X-Facilitator-Key": second_key}
    )
    assert own.status == 200 and (await own.json())["cohort"]["name"] == "Second"
    crossed = await client.get(
        "/api/v1/facilitator/session", headers={"X-Join-Code": second.code, "X-Facilitator-Key": first_key}
    )
    assert crossed.status == 403


@pytest.mark.asyncio
async def test_each_wall_shows_the_session_it_signed_in_to(every: tuple[Hub, TestClient], store: SqliteStore) -> None:
    _hub, client = every
    first, first_key = create(store, "tiny", "First room", "free")
    second, second_key = create(store, "tiny", "Second room", "free")
    form = await (await client.get("/projector")).text()
    assert "name='session'" in form and "Join code" in form
    # The form never says whether a code exists: a real code and a made-up one read alike.
    real = await (await client.get(f"/projector?session={second.code}")).text()
    made_up = await (await client.get("/projector?session=ZZZZZZ")).text()
    assert real.replace(second.code, "ZZZZZZ") == made_up
    wrong = await client.post("/projector", data={"session": second.code, "key": first_key}, allow_redirects=False)
    assert wrong.status == 403
    for cohort, key in ((first, first_key), (second, second_key)):  # two walls, one browser
        signed = await client.post("/projector", data={"session": cohort.code, "key": key}, allow_redirects=False)
        assert signed.status == 303 and signed.headers["Location"] == f"/projector?session={cohort.code}"
    for cohort in (first, second):
        state = await (await client.get(f"/projector/state?session={cohort.code}")).json()
        assert state["session"]["name"] == cohort.name
        page = await (await client.get(f"/projector?session={cohort.code}")).text()
        assert f"data-session='{cohort.code}'" in page and f"app.js?session={cohort.code}" in page
    # A cookie signed for one session opens no other, and a strange cookie is refused, never a crash.
    cookies = {c.key: c.value for c in client.session.cookie_jar}
    client.session.cookie_jar.clear()
    mine = {cookie_name(first.code): cookies[cookie_name(first.code)]}
    assert (await client.get(f"/projector/state?session={first.code}", cookies=mine)).status == 200
    forged = {cookie_name(second.code): cookies[cookie_name(first.code)]}
    assert (await client.get(f"/projector/state?session={second.code}", cookies=forged)).status == 403
    odd = {cookie_name(first.code): "ä" * 8}
    assert (await client.get(f"/projector/state?session={first.code}", cookies=odd)).status == 403


@pytest.mark.asyncio
async def test_guessing_codes_gains_nothing_from_a_known_one_or_from_haste(store: SqliteStore, tmp_path: Path) -> None:
    """A hub serving every session looks codes up: a guess counts before it is looked up, a right code
    never wipes out the wrong ones, and guesses sent together cannot all slip past the count."""
    import asyncio

    known, _ = create(store, "tiny", "Known room", "free")
    now = [1000.0]
    backoff = CodeBackoff(free=3, first_wait=10.0, longest_wait=40.0, clock=lambda: now[0])
    hub = Hub(store, store.path, None, argv=["true"], tmp=tmp_path / "hub-tmp", backoff=backoff)
    client = await _client(hub)
    try:
        names = iter(range(1000))

        async def join(code: str) -> int:
            body = {"name": f"Player {next(names)}"}
            resp = await client.post("/api/v1/join", json=body, headers={"X-Join-Code": code})
            return resp.status

        for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
            assert await join(guess) == 403
            assert await join(known.code) == 200  # the known code works, and forgives nothing
        assert await join("DDDDDD") == 429  # the fourth in a row: counted first, so refused unexamined
        assert await join(known.code) == 429
        now[0] += 60
        statuses = await asyncio.gather(*(join(f"G{i:05d}") for i in range(30)))
        assert statuses.count(403) <= 4 and statuses.count(429) >= 26
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_a_closed_session_starts_no_game(every: tuple[Hub, TestClient], store: SqliteStore) -> None:
    from simgame.cohort import pacing

    hub, client = every
    cohort, _ = create(store, "tiny", "Done room", "free")
    pacing.close(store, cohort, "2026-12-07T12:00:00+00:00")
    page = await client.get(f"/?code={cohort.code}")
    assert page.status == 410 and "closed this session" in await page.text()
    assert hub.spawned == 0


@pytest.mark.asyncio
async def test_the_heartbeat_covers_every_open_session(every: tuple[Hub, TestClient], store: SqliteStore) -> None:
    from simgame.cohort import pacing

    hub, client = every
    first, _ = create(store, "tiny", "First", "free")
    second, _ = create(store, "tiny", "Second", "free")
    done, _ = create(store, "tiny", "Done", "free")
    pacing.close(store, done, "2026-12-07T12:00:00+00:00")
    codes = await hub.served_codes()
    assert first.code in codes and second.code in codes and done.code not in codes
    joined = await _join(client, second.code, "Ana")
    await client.get("/api/v1/state", params={"player": str(joined["player"])}, headers={"X-Join-Code": second.code})
    await hub._in_store(hub._beat, codes, "10.0.0.1:8765")
    now = datetime.now(UTC)
    assert health(store, first.code, now).state == "up" and health(store, first.code, now).players_heard == 0
    assert health(store, second.code, now).players_heard == 1  # heard for its own session only
    assert health(store, done.code, now).state == "none"


def test_several_hubs_beat_side_by_side(store: SqliteStore) -> None:
    """One hub stopping, or going silent, never hides the others: the session is up while any hub beats."""
    from datetime import timedelta

    from simgame.cohort.health import beat

    cohort, _ = create(store, "tiny", "Big room", "free")
    t0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    beat(store, cohort.code, t0, 3, "10.0.0.1:8765")
    beat(store, cohort.code, t0, 4, "10.0.0.2:8765")
    both = health(store, cohort.code, t0 + timedelta(seconds=2))
    assert both.state == "up" and both.players_heard == 7
    beat(store, cohort.code, t0 + timedelta(seconds=3), 0, "10.0.0.1:8765", stopped=True)
    one = health(store, cohort.code, t0 + timedelta(seconds=4))
    assert one.state == "up" and one.players_heard == 4 and one.address == "10.0.0.2:8765"
    assert health(store, cohort.code, t0 + timedelta(seconds=60)).state == "down"  # the other went silent
    beat(store, cohort.code, t0 + timedelta(seconds=61), 0, "10.0.0.2:8765", stopped=True)
    assert health(store, cohort.code, t0 + timedelta(seconds=62)).state == "stopped"


def test_the_banner_names_every_session() -> None:
    rooms = [
        Cohort("AAAAAA", "Morning", "tiny", "tiny", "h", 0, "free", 0, -1, False, "k", "t"),
        Cohort("BBBBBB", "Evening", "tiny", "tiny", "h", 0, "free", 0, -1, False, "k", "t"),
    ]
    text = banner(rooms, "http://hub:8765", 60, every=True)
    assert "every session in its store (2 open now" in text
    assert "http://hub:8765/?code=AAAAAA" in text and "http://hub:8765/?code=BBBBBB" in text
    assert "/projector?session=BBBBBB" in text
    assert "No open session yet" in banner([], "http://hub:8765", 60, every=True)
