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
from simgame.cohort.projectorweb import COOKIE as PROJECTOR_COOKIE
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
    page = await client.get(f"/?code={second.code.lower()}")
    assert page.status == 200
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
async def test_the_projector_asks_which_session_and_shows_that_one(
    every: tuple[Hub, TestClient], store: SqliteStore
) -> None:
    _hub, client = every
    first, first_key = create(store, "tiny", "First room", "free")
    second, second_key = create(store, "tiny", "Second room", "free")
    form = await (await client.get("/projector")).text()
    assert "name='session'" in form and "Join code" in form
    asked = await (await client.get(f"/projector?session={second.code}")).text()
    assert f"value='{second.code}'" in asked
    wrong = await client.post("/projector", data={"session": second.code, "key": first_key}, allow_redirects=False)
    assert wrong.status == 403
    signed = await client.post("/projector", data={"session": second.code, "key": second_key}, allow_redirects=False)
    assert signed.status == 303
    state = await (await client.get("/projector/state")).json()
    assert state["session"]["name"] == "Second room"
    page = await (await client.get("/projector")).text()
    assert second.code in page and first.code not in page
    # Asking for another session than the one signed in to asks for its key again.
    again = await client.get(f"/projector?session={first.code}")
    assert "Facilitator key" in await again.text()
    # A forged cookie (another session's code with this one's signature) opens nothing.
    cookie = {c.key: c.value for c in client.session.cookie_jar}[PROJECTOR_COOKIE]
    forged = f"{first.code}.{cookie.split('.', 1)[1]}"
    client.session.cookie_jar.clear()
    assert (await client.get("/projector/state", cookies={PROJECTOR_COOKIE: forged})).status == 403
    assert (await client.get("/projector/state", cookies={PROJECTOR_COOKIE: cookie})).status == 200


@pytest.mark.asyncio
async def test_the_heartbeat_covers_every_open_session(every: tuple[Hub, TestClient], store: SqliteStore) -> None:
    hub, _client = every
    first, _ = create(store, "tiny", "First", "free")
    second, _ = create(store, "tiny", "Second", "free")
    codes = await hub.served_codes()
    assert set(codes) >= {first.code, second.code}
    await hub._in_store(hub._beat, codes, "127.0.0.1:1")
    now = datetime.now(UTC)
    for cohort in (first, second):
        assert health(store, cohort.code, now).line() != health(store, "ZZZZZZ", now).line()


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
