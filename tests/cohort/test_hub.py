"""The hub: the join code before anything is spawned, the session cap, scrubbed environments, the JSON API."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from simgame.cohort.gameprocess import player_saves
from simgame.cohort.hub import Hub
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort

pytestmark = pytest.mark.asyncio


def dump_env_argv(out: Path) -> list[str]:
    """A stand-in game: records its environment, then waits for the first packet (the quit) and exits."""
    tmp = f"{out}.part"
    script = (
        f"import json, os, sys; f = open({tmp!r}, 'w'); json.dump(dict(os.environ), f); f.close(); "
        f"os.replace({tmp!r}, {str(out)!r}); sys.stdin.buffer.read(5)"
    )  # appears whole or not at all
    return [sys.executable, "-c", script]


@pytest.fixture
async def hub_client(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> AsyncIterator[tuple[Hub, TestClient]]:
    cohort, _ = free_cohort
    hub = Hub(
        store,
        store.path,
        cohort.code,
        max_sessions=1,
        argv=dump_env_argv(tmp_path / "env.json"),
        tmp=tmp_path / "hub-tmp",
    )
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield hub, client
    finally:
        await client.close()


async def test_api_refuses_a_wrong_or_missing_code(hub_client: tuple[Hub, TestClient], store: SqliteStore) -> None:
    hub, client = hub_client
    for headers in ({}, {"X-Join-Code": "AAAAAA"}, {"X-Join-Code": ""}):
        resp = await client.post("/api/v1/join", json={"name": "Eve"}, headers=headers)
        assert resp.status == 403
        assert (await resp.json())["error"] == "wrong or missing join code"
    assert store.players(hub.code) == []


async def test_nothing_is_spawned_without_the_code(hub_client: tuple[Hub, TestClient]) -> None:
    hub, client = hub_client
    resp = await client.get("/")
    assert resp.status == 403 and "Join the session" in await resp.text()
    resp = await client.get("/?code=AAAAAA")
    assert resp.status == 403 and "not this session" in await resp.text()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws")
    assert refused.value.status == 403
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.ws_connect("/ws?code=AAAAAA")
    assert hub.spawned == 0 and not hub.sessions


async def test_the_code_opens_the_game_and_the_cap_holds(
    hub_client: tuple[Hub, TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub, client = hub_client
    monkeypatch.setenv("SIMGAME_TEST_SECRET", "s3cret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "also-secret")
    page = await client.get(f"/?code={hub.code.lower()}")
    assert page.status == 200
    html = await page.text()
    assert "textual-terminal" in html and "fonts.googleapis.com" not in html
    assert "Your game is saved" in html and "Resume" in html and "Session ended" not in html  # after a hub restart
    cookies = {c.key: c.value for c in client.session.cookie_jar}
    assert "simgame_join" in cookies and len(cookies["simgame_device"]) >= 16  # this browser's device token

    with pytest.raises(aiohttp.WSServerHandshakeError) as cross:
        await client.ws_connect("/ws", headers={"Origin": "http://evil.example"})
    assert cross.value.status == 403 and hub.spawned == 0

    ws = await client.ws_connect("/ws?width=80&height=24")
    for _ in range(300):  # up to 30 s on a loaded machine
        if (tmp_path / "env.json").exists() and hub.spawned:
            break
        await asyncio.sleep(0.1)
    assert hub.spawned == 1 and len(hub.sessions) == 1
    with pytest.raises(aiohttp.WSServerHandshakeError) as full:
        await client.ws_connect("/ws")
    assert full.value.status == 503 and hub.spawned == 1

    env = json.loads((tmp_path / "env.json").read_text())
    assert "SIMGAME_TEST_SECRET" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["SIMGAME_COHORT_DB"] == str(hub.store_path) and env["SIMGAME_COHORT_ORIGIN"] == "browser"
    assert env["TMPDIR"] == str(tmp_path / "hub-tmp")
    assert env["SIMGAME_DEVICE"] == cookies["simgame_device"]  # the game joins as this browser
    assert env["SIMGAME_SAVES"] == str(player_saves(tmp_path / "hub-tmp", cookies["simgame_device"]))  # its own
    allowed = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "TMPDIR"}
    assert {k for k in env if not k.startswith(("SIMGAME_", "TEXTUAL_"))} <= allowed | {
        "TERM_PROGRAM",
        "COLUMNS",
        "ROWS",
    }
    await ws.close()
    for _ in range(300):
        if not hub.sessions:
            break
        await asyncio.sleep(0.1)
    assert not hub.sessions


async def test_the_json_api(hub_client: tuple[Hub, TestClient], store: SqliteStore) -> None:
    hub, client = hub_client
    auth = {"X-Join-Code": hub.code}
    joined = await (await client.post("/api/v1/join", json={"name": "Lap Top", "team": "Ops"}, headers=auth)).json()
    assert joined["scenario_id"] == "tiny" and joined["seed"] == 0 and joined["resume"] == []
    event = {"id": "e" * 12, "kind": "chose", "step": 0, "data": {"choice": "name-owner", "scene": "kickoff"}}
    me = {"player": joined["player"], "device": joined["device"]}
    for expected in (1, 0):  # a resend stores nothing new
        resp = await client.post("/api/v1/events", json={**me, "events": [event]}, headers=auth)
        assert (await resp.json()) == {"received": 1, "stored": expected}
    forged = {"id": "f" * 12, "kind": "facilitator", "step": None, "data": {"action": "close"}}
    resp = await client.post("/api/v1/events", json={**me, "events": [forged]}, headers=auth)
    assert resp.status == 400
    resp = await client.post("/api/v1/events", json={**me, "player": "p-nobody", "events": [event]}, headers=auth)
    assert resp.status == 403
    resp = await client.post("/api/v1/events", json={"player": joined["player"], "events": [event]}, headers=auth)
    assert resp.status == 403  # no device: not this player
    state = await (await client.get("/api/v1/state", params={"player": joined["player"]}, headers=auth)).json()
    assert state == {"pace": "free", "open_step": 0, "revealed_step": -1, "paused": False, "closed": None, "teams": []}
    again = await (
        await client.post("/api/v1/join", json={"name": "Lap Top", "device": joined["device"]}, headers=auth)
    ).json()
    assert again["player"] == joined["player"] and again["resume"] == ["name-owner"]
    taken = await client.post("/api/v1/join", json={"name": "LAP TOP", "device": "x" * 20}, headers=auth)
    assert taken.status == 409 and (await taken.json())["reason"] == "name-taken"
    resp = await client.post("/api/v1/join", data=b"not json", headers=auth)
    assert resp.status == 400
