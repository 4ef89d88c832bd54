"""The projector is the facilitator's: the key opens it, the join code never does, wrong keys slow down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from simgame.cohort.hub import Hub
from simgame.cohort.perimeter import CodeBackoff
from simgame.cohort.projectorweb import cookie_name
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def wall(store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path) -> AsyncIterator[TestClient]:
    cohort, _ = free_cohort
    hub = Hub(store, store.path, cohort.code, argv=["true"], tmp=tmp_path / "hub-tmp", backoff=CodeBackoff(free=2))
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def test_the_join_code_never_opens_the_projector(wall: TestClient, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    await wall.get(f"/?code={cohort.code}")  # the join cookie, as a browser player has
    assert any(c.key == "simgame_join" for c in wall.session.cookie_jar)
    for path in ("/projector/state", "/projector/app.js"):
        resp = await wall.get(path, headers={"X-Join-Code": cohort.code})
        assert resp.status == 403
    form = await wall.get("/projector")
    text = await form.text()
    assert form.status == 200 and "Facilitator key" in text and "<svg" not in text and cohort.code not in text
    refused = await wall.post("/projector", data={"key": cohort.code})
    assert refused.status == 403 and cookie_name(cohort.code) not in refused.cookies


async def test_the_key_opens_it_and_the_page_is_locked_down(wall: TestClient, free_cohort: tuple[Cohort, str]) -> None:
    cohort, key = free_cohort
    resp = await wall.post("/projector", data={"key": key}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == f"/projector?session={cohort.code}"
    morsel = resp.cookies[cookie_name(cohort.code)]
    assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/projector"
    page = await wall.get("/projector")
    html = await page.text()
    # The join URL is the hub's own address (its settings: 127.0.0.1:8765), never the request's Host.
    assert page.status == 200 and "<svg" in html and f"http://127.0.0.1:8765/?code={cohort.code}" in html
    assert f":{wall.port}/" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"] and "<script>" not in html
    assert key not in html
    state = await wall.get("/projector/state")
    body = await state.json()
    assert state.status == 200 and body["view"] == "lobby" and body["session"]["name"] == "Free room"


async def test_a_cross_site_form_is_refused(wall: TestClient, free_cohort: tuple[Cohort, str]) -> None:
    cohort, key = free_cohort
    resp = await wall.post("/projector", data={"key": key}, headers={"Origin": "http://evil.example"})
    assert resp.status == 403 and cookie_name(cohort.code) not in resp.cookies


async def test_wrong_keys_count_against_the_address(wall: TestClient, free_cohort: tuple[Cohort, str]) -> None:
    _, key = free_cohort
    statuses = [(await wall.post("/projector", data={"key": f"WRONG{i}"})).status for i in range(4)]
    assert statuses[:2] == [403, 403] and 429 in statuses
    assert (await wall.post("/projector", data={"key": key}, allow_redirects=False)).status == 429


async def test_the_page_script_writes_text_never_markup() -> None:
    """Session names and option labels reach the wall as text: the script never parses a string as HTML."""
    from simgame.cohort.projectorpage import PAGE_JS

    assert "textContent" in PAGE_JS
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in PAGE_JS
