"""The hub under load and attack (issue 18, item 6), on loopback, bounded in count and time.

Nothing here measures the machine: a back-off is read from the hub's own clock (a fake one),
a store that is "slow" is held by a gate the test opens, and every wait is bounded only so a
hang fails instead of blocking. What is proved:

- a foreign ``Host`` is refused (421) and never repeated into a page; the page names no host;
- JSON nested too deep, or too large, answers 400; a plain ``GET /ws`` answers 400 and logs nothing;
- wrong join codes from one address slow it down (429 with Retry-After), and are logged;
- a join retried under one request id is one player; the client retries a join whose answer was lost;
- the store is called off the event loop (the hub answers while a store call is stuck);
- a slow body and a slow request head are dropped;
- the session cap counts live game processes: connect/abort churn never leaves more alive.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from simgame.cohort.events import JOINED
from simgame.cohort.hub import MAX_BODY, CodeBackoff, Hub
from simgame.cohort.hubclient import HubClient
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort, CohortStore, Player
from tests.cohort.test_hub import dump_env_argv

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:aiohttp.*")

Client = TestClient[web.Request, web.Application]
BOUND_S = 30.0  # every wait below is bounded by this: a hang fails, it never blocks


def make_hub(store: CohortStore, path: Path, code: str, tmp_path: Path, **kw: Any) -> Hub:
    kw.setdefault("argv", dump_env_argv(tmp_path / "env.json"))
    return Hub(store, path, code, tmp=tmp_path / "hub-tmp", **kw)


@contextlib.asynccontextmanager
async def serving(hub: Hub) -> AsyncIterator[Client]:
    """The hub on 127.0.0.1 with the server settings `simgame serve` uses."""
    server = TestServer(await hub.make_app(), host="127.0.0.1")
    await server.start_server(**hub.server_options())
    client = TestClient(server)
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def eventually(check: Any, what: str, bound: float = BOUND_S) -> None:
    deadline = time.monotonic() + bound
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {bound:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


async def raw_exchange(client: Client, data: bytes, bound: float = BOUND_S) -> bytes:
    """Send ``data`` as is and read until the hub closes the connection."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=bound)
    finally:
        writer.close()


# -- Host ------------------------------------------------------------------------------------------
async def test_a_foreign_host_is_refused_and_never_reflected(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path, public_hosts=["hub.room.example"])
    async with serving(hub) as client:
        port = client.port
        page = f"/?code={cohort.code}"
        for foreign in (
            "evil.example",
            f"evil.example:{port}",
            f"127.0.0.1.evil.example:{port}",
            f"localhost.evil.example:{port}",
            f"hub.room.example.evil.example:{port}",
            "192.168.1.20:8765",  # an address this hub does not listen on (it listens on 127.0.0.1)
            "[::2]:80",
            "evil.example:notaport",
        ):
            for path in (page, "/api/v1/health", "/static/css/xterm.css"):
                resp = await client.get(path, headers={"Host": foreign}, allow_redirects=False)
                body = await resp.text()
                assert resp.status == 421, (foreign, path, resp.status)
                assert foreign.split(":")[0] not in body and "set-cookie" not in {k.lower() for k in resp.headers}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # the DNS-rebinding shape
                await client.ws_connect(f"/ws?code={cohort.code}", headers={"Host": foreign})
            assert refused.value.status == 421
        # No Host at all (HTTP/1.0) is not this hub either.
        answer = await raw_exchange(client, b"GET /api/v1/health HTTP/1.0\r\n\r\n")
        assert answer.split(b" ", 2)[1] in (b"400", b"421"), answer[:40]
        assert hub.spawned == 0 and store.players(cohort.code) == []

        # The names it does answer to: localhost, its address, a configured public name. The page
        # names none of them: its links are relative and its websocket address is made in the browser.
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"hub.room.example:{port}", "HUB.ROOM.EXAMPLE."):
            resp = await client.get(page, headers={"Host": host})
            html = await resp.text()
            assert resp.status == 200, host
            assert "hub.room.example" not in html.lower() and "127.0.0.1" not in html and "localhost" not in html
            assert "window.location.host" in html and 'href="/static/css/xterm.css"' in html


async def test_a_hub_on_every_interface_answers_to_addresses_not_to_names(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path, host="0.0.0.0", public_hosts=["http://hub.lan:8765"])
    for host in ("192.168.1.20:8765", "10.0.0.5", "[fe80::1]:8765", "localhost:8765", "hub.lan:8765"):
        assert hub._host_ok(host), host
    for foreign in ("evil.example", "evil.example:8765", "192.168.1.20.evil.example", "", None, "a b", "[::1"):
        assert not hub._host_ok(foreign), foreign


# -- bodies ----------------------------------------------------------------------------------------
async def test_deep_or_large_json_answers_400(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path)
    auth = {"X-Join-Code": cohort.code, "Content-Type": "application/json"}
    deep = b"[" * 100_000 + b"]" * 100_000
    bodies = {
        "deep array": deep,
        "deep name": b'{"name": ' + deep + b"}",
        "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "deep event data": b'{"player": "p-x", "events": [{"id": "abcdefghij", "kind": "chose", "step": 0, "data": '
        + b'{"a":' * 5_000
        + b"1"
        + b"}" * 5_000
        + b"}]}",
        "5,000 digits": b'{"name": "Ann", "team": ' + b"9" * 5_000 + b"}",
        "too large": b'{"name": "' + b"x" * (MAX_BODY + 10) + b'"}',
        "not UTF-8": b'{"name": "\xff\xfe"}',
    }
    caplog.set_level(logging.INFO)
    async with serving(hub) as client:
        for what, body in bodies.items():
            path = "/api/v1/events" if "event" in what else "/api/v1/join"
            resp = await client.post(path, data=body, headers=auth)
            assert resp.status == 400, (what, resp.status)
            assert "error" in await resp.json(), what
        ok = await client.post("/api/v1/join", json={"name": "Ann"}, headers=auth)
        assert ok.status == 200  # the hub is still well
    assert [p.name for p in store.players(cohort.code)] == ["Ann"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text


async def test_a_plain_get_of_the_websocket_answers_400_and_logs_nothing(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path)
    caplog.set_level(logging.DEBUG, logger="aiohttp")
    caplog.set_level(logging.INFO, logger="simgame")
    async with serving(hub) as client:
        for _ in range(3):
            resp = await client.get(f"/ws?code={cohort.code}")
            assert resp.status == 400
            assert "websocket" in (await resp.json())["error"]
    assert hub.spawned == 0 and not hub.sessions
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not noisy, caplog.text


# -- wrong codes -----------------------------------------------------------------------------------
def test_the_back_off_doubles_per_wrong_code_and_is_per_address() -> None:
    now = [0.0]
    backoff = CodeBackoff(free=2, first_wait=1.0, longest_wait=8.0, clock=lambda: now[0])
    waits = [backoff.wrong("10.0.0.9")[1] for _ in range(8)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert backoff.wait("10.0.0.9") == 8.0 and backoff.wait("10.0.0.10") == 0.0
    now[0] = 8.5
    assert backoff.wait("10.0.0.9") == 0.0
    backoff.right("10.0.0.9")
    assert backoff.wrong("10.0.0.9") == (1, 0.0)  # forgiven after the right code
    # One machine's IPv6 addresses share a /64: rotating through them gains nothing.
    assert CodeBackoff.key("2001:db8:1:2::1") == CodeBackoff.key("2001:db8:1:2:ffff::9")
    assert CodeBackoff.key("::ffff:10.0.0.9") == "10.0.0.9" and CodeBackoff.key("::1") == "::1"
    bounded = CodeBackoff(max_addresses=3)
    for i in range(10):
        bounded.wrong(f"10.0.1.{i}")
    assert len(bounded._tries) == 3  # memory stays bounded whatever the number of addresses


async def test_wrong_codes_from_one_address_slow_it_down_and_are_logged(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cohort, _ = free_cohort
    now = [1000.0]
    backoff = CodeBackoff(free=3, first_wait=10.0, longest_wait=40.0, clock=lambda: now[0])
    hub = make_hub(store, store.path, cohort.code, tmp_path, backoff=backoff)
    caplog.set_level(logging.INFO, logger="simgame.hub")
    wrong = {"X-Join-Code": "AAAAAA"}
    right = {"X-Join-Code": cohort.code}
    async with serving(hub) as client:
        for _ in range(4):  # three free typos, then the fourth imposes a wait
            resp = await client.post("/api/v1/join", json={"name": "Mallory"}, headers=wrong)
            assert resp.status == 403
        assert "wrong join code from 127.0.0.1 (4 in a row): it must wait 10 s" in caplog.text
        # While it waits, nothing from it is checked: not even the right code, nor the page or the websocket.
        for headers in (right, wrong):
            resp = await client.post("/api/v1/join", json={"name": "Mallory"}, headers=headers)
            assert resp.status == 429 and resp.headers["Retry-After"] == "10", (headers, resp.status)
        for path in (f"/?code={cohort.code}", f"/ws?code={cohort.code}"):
            resp = await client.get(path)
            assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1, path
        assert (await client.get("/api/v1/health")).status == 200  # health and statics need no code
        now[0] += 10.5  # the hub's clock, not the test's: nothing here depends on the machine's speed
        resp = await client.post("/api/v1/join", json={"name": "Ann"}, headers=right)
        assert resp.status == 200
        for expected in (403, 403, 403, 403, 429):  # the right code forgave the address; it starts again
            resp = await client.post("/api/v1/join", json={"name": "Mallory"}, headers=wrong)
            assert resp.status == expected
    assert [p.name for p in store.players(cohort.code)] == ["Ann"]


# -- joins -----------------------------------------------------------------------------------------
async def test_a_join_retried_under_one_request_id_is_one_player(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path)
    auth = {"X-Join-Code": cohort.code}
    body = {"name": "Lap Top", "team": "Ops", "request": "r0123456789abcdef"}
    async with serving(hub) as client:
        answers = await asyncio.gather(*(client.post("/api/v1/join", json=body, headers=auth) for _ in range(6)))
        players = {(await a.json())["player"] for a in answers}
        again = await (await client.post("/api/v1/join", json=body, headers=auth)).json()
        # The same request id under another name is not a second player.
        other = await client.post("/api/v1/join", json={**body, "name": "Someone Else"}, headers=auth)
        assert other.status == 409 and "another name" in (await other.json())["error"]
        bad = await client.post("/api/v1/join", json={**body, "request": "bad id\n"}, headers=auth)
        assert bad.status == 400
    assert len(players) == 1 and again["player"] in players
    assert [p.name for p in store.players(cohort.code)] == ["Lap Top"]
    assert len([e for e in store.events(cohort.code) if e.kind == JOINED]) == 1


class GatedStore:
    """A real store whose first join waits for the test to open a gate (a stuck disk, on demand)."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.joins = 0

    def join(self, *args: Any, **kw: Any) -> tuple[Player, bool]:
        self.joins += 1
        if self.joins == 1:
            self.entered.set()
            self.gate.wait(timeout=15)  # bounded: on code that blocks its loop, the test must still end
        return self.store.join(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def test_the_store_is_called_off_the_event_loop(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    gated = GatedStore(store)
    hub = make_hub(cast(CohortStore, gated), store.path, cohort.code, tmp_path)
    auth = {"X-Join-Code": cohort.code}
    async with serving(hub) as client:
        join = asyncio.ensure_future(client.post("/api/v1/join", json={"name": "Slow Sam"}, headers=auth))
        await eventually(gated.entered.is_set, "the join to reach the store")
        # The store call is stuck; the hub still answers (its event loop is free).
        health = await asyncio.wait_for(client.get("/api/v1/health"), timeout=BOUND_S)
        assert health.status == 200
        assert not join.done() and not gated.gate.is_set()
        gated.gate.set()
        answer = await asyncio.wait_for(join, timeout=BOUND_S)
        assert answer.status == 200
    assert [p.name for p in store.players(cohort.code)] == ["Slow Sam"]


async def test_the_client_retries_a_join_whose_answer_was_lost(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    gated = GatedStore(store)
    hub = make_hub(cast(CohortStore, gated), store.path, cohort.code, tmp_path)
    async with serving(hub) as client:
        player = HubClient(f"http://127.0.0.1:{client.port}", cohort.code, timeout=1.0, join_tries=12)
        joining = asyncio.ensure_future(asyncio.to_thread(player.join, "Slow Sam", None))
        # The first try reaches the store and is stuck there until its client has given up and tried again.
        await eventually(lambda: player.attempts >= 2, "the client to try again")
        gated.gate.set()
        answer = await asyncio.wait_for(joining, timeout=BOUND_S)
    (only,) = store.players(cohort.code)
    assert answer["player"] == only.id and only.name == "Slow Sam"  # one player, no ghost
    assert len([e for e in store.events(cohort.code) if e.kind == JOINED]) == 1


# -- slow sockets ----------------------------------------------------------------------------------
async def test_a_slow_body_is_dropped(store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path, body_timeout=0.5)
    async with serving(hub) as client:
        head = (
            f"POST /api/v1/join HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\nX-Join-Code: {cohort.code}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        # 10 of the 1,000 bytes promised, then silence: the hub answers 408 and closes the connection.
        answer = await raw_exchange(client, head.encode() + b'{"name": "')
    assert answer.startswith(b"HTTP/1.1 408"), answer[:60]
    assert store.players(cohort.code) == []


async def test_a_slow_request_head_is_dropped(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path, idle_timeout=1.0)
    async with serving(hub) as client:
        # Half a request line and nothing more (slowloris): the connection is closed, nothing answered.
        answer = await raw_exchange(client, b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1")
    assert answer == b""


# -- the session cap under churn -------------------------------------------------------------------
def lingering_game(folder: Path) -> list[str]:
    """A stand-in game that stops talking when asked to quit but does not exit (as a slow shutdown would)."""
    script = (
        "import os, pathlib, sys, time; "
        f"pathlib.Path({str(folder)!r}, str(os.getpid())).write_text('up'); "
        "print('__GANGLION__', flush=True); "
        "sys.stdin.buffer.read(5); "  # the quit packet
        "os.close(1); "  # its output ends, so textual-serve thinks it has gone ...
        "time.sleep(120)"  # ... but the process is still there
    )
    return [sys.executable, "-c", script]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError, PermissionError):
        return False
    return state != "Z"


async def open_websocket(client: Client, path: str) -> tuple[int, asyncio.StreamWriter]:
    """A websocket handshake by hand, so the test can drop the connection without a goodbye."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=BOUND_S)
    return int(head.split(b" ", 2)[1]), writer


async def test_the_session_cap_counts_live_processes_under_churn(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    pids = tmp_path / "pids"
    pids.mkdir()
    cap, rounds = 2, 6
    hub = make_hub(
        store, store.path, cohort.code, tmp_path, max_sessions=cap, argv=lingering_game(pids), game_grace=0.3
    )
    started: set[int] = set()
    full = 0
    try:
        async with serving(hub) as client:
            deadline = time.monotonic() + 4 * BOUND_S
            while len(started) < rounds:
                assert time.monotonic() < deadline, f"only {len(started)} games started"
                status, writer = await open_websocket(client, f"/ws?code={cohort.code}")
                if status == 503:  # full: the places are held until their processes have exited
                    full += 1
                    writer.close()
                    await asyncio.sleep(0.05)
                    continue
                assert status == 101
                known = len(started)
                await eventually(lambda known=known: len(list(pids.iterdir())) > known, "the game to start")
                started |= {int(p.name) for p in pids.iterdir()}
                writer.transport.abort()  # the browser vanishes
                assert sum(alive(pid) for pid in started) <= cap, "more games alive than --max-sessions"
                assert hub.live_sessions() <= cap
            await eventually(lambda: not hub.sessions, "every game to end")
            assert not [pid for pid in started if alive(pid)], "a game outlived its session"
    finally:
        for pid in started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert hub.spawned == rounds
