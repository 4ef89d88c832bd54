"""Security of the served game and of file names, by tests that try (what tests/cohort does not already cover).

tests/cohort/test_hub.py already proves: no code, no game and no API; a wrong code is
refused; a cross-site Origin is refused; the session cap holds; the games' environment
is scrubbed. This file adds: the default bind address is loopback (checked on a real
`simgame serve`), forged cookies and Origins of several shapes, another cohort's code or
players are out of reach, no path reaches files outside the hub's statics, and export,
outbox and save names cannot leave their folder whatever a player types.
"""

from __future__ import annotations

import asyncio
import inspect
import random
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from simgame.cli import main
from simgame.cli.serve import LOOPBACK
from simgame.cohort.client import outbox_dir
from simgame.cohort.codes import ALPHABET, CODE_LENGTH
from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.hub import COOKIE, CodeBackoff, Hub
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.saves import SaveError, new_run_id, save_path, write_save
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario
from tests.cohort.hubsupport import HubProcess, free_port
from tests.cohort.test_hub import dump_env_argv
from tests.support import TINY, shipped_paths

HOSTILE_NAMES = (
    "../../escape",
    "..",
    "/etc/passwd",
    "..\\..\\windows",
    "a/../../b",
    "~root",
    "./.hidden",
    "%2e%2e%2fx",
    "\u202e../evil",
)


# -- the served game -------------------------------------------------------------------------------
def _listening(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_serve_listens_on_loopback_only_by_default(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tmp_path: Path,
) -> None:
    assert inspect.signature(Hub).parameters["host"].default == "127.0.0.1"
    cohort, _ = free_cohort
    port = free_port()
    hub = HubProcess(cohort.code, store.path, port, tmp_path / "hub.log").start()  # no --host given
    try:
        listening = _listening(port)
    finally:
        hub.stop()
    # 127.0.0.1 only (0100007F), never 0.0.0.0 or :: (all interfaces)
    assert listening == {"0100007F"}, listening
    assert "--host" not in hub.args and "127.0.0.1" in LOOPBACK


@pytest.fixture
async def two_cohorts(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tmp_path: Path,
) -> AsyncIterator[tuple[Hub, TestClient, Cohort, str]]:
    """A hub serving cohort A, and a second cohort B in the same store with a player who has played."""
    cohort, _ = free_cohort
    other, _ = create(store, "tiny", "Other room", "free", seed=0)
    victim, _ = store.join(other.code, "Victim Vera", "Board")
    store.append(other.code, [make_event(CHOSE, victim.id, 0, {"choice": "name-owner", "scene": "kickoff"})])
    hub = Hub(
        store,
        store.path,
        cohort.code,
        max_sessions=2,
        argv=dump_env_argv(tmp_path / "env.json"),
        tmp=tmp_path / "hub-tmp",
        backoff=CodeBackoff(free=1_000_000),  # every guess here must meet the code check; back-off: test_hub_perimeter
    )
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield hub, client, other, victim.id
    finally:
        await client.close()


async def _ws_refused(client: TestClient, path: str = "/ws", **kw: object) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        ws = await client.ws_connect(path, **kw)  # type: ignore[arg-type]
        await ws.close()
    return refused.value.status


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:aiohttp.*")


async def test_forged_cookies_and_origins_are_refused(two_cohorts: tuple[Hub, TestClient, Cohort, str]) -> None:
    hub, client, other, _ = two_cohorts
    host = f"{client.host}:{client.port}"
    for forged in ("AAAAAA", other.code, "", hub.code[:-1], hub.code.lower()[::-1], f"{hub.code}; {COOKIE}={hub.code}"):
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies({COOKIE: forged})
        assert await _ws_refused(client) == 403, forged
        assert (await (await client.get("/ws")).json())["error"] == "wrong or missing join code", forged
        resp = await client.get("/")
        assert resp.status == 403, forged
    client.session.cookie_jar.clear()
    for origin in (
        "null",
        "http://evil.example",
        f"http://{host}.evil.example",
        f"http://evil.example@{host}",
        f"http://{client.host}:{client.port + 1}",
        f"https://evil.example/{host}",
        "file://",
    ):
        assert await _ws_refused(client, f"/ws?code={hub.code}", headers={"Origin": origin}) == 403, origin
        resp = await client.get(f"/ws?code={hub.code}", headers={"Origin": origin})
        assert (await resp.json())["error"] == "cross-site connection refused", origin  # refused for the Origin
    # A cross-site form can carry the cookie but not a custom header: the API needs the header.
    client.session.cookie_jar.update_cookies({COOKIE: hub.code})
    resp = await client.post("/api/v1/join", json={"name": "Csrf"})
    assert resp.status == 403
    assert hub.spawned == 0 and not hub.sessions
    assert [p.name for p in hub.store.players(hub.code)] == []


async def test_another_cohort_is_out_of_reach(two_cohorts: tuple[Hub, TestClient, Cohort, str]) -> None:
    hub, client, other, victim = two_cohorts
    before = [e.id for e in hub.store.events(other.code)]
    rng = random.Random(7)
    guesses = [other.code] + ["".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(40)]
    for guess in guesses:
        if guess == hub.code:
            continue
        auth = {"X-Join-Code": guess}
        for method, path, body in (
            ("POST", "/api/v1/join", {"name": "Mallory"}),
            ("GET", "/api/v1/state", None),
            ("POST", "/api/v1/events", {"player": victim, "events": []}),
        ):
            resp = await client.request(method, path, json=body, headers=auth)
            assert resp.status == 403, (guess, path)
        assert (await client.get(f"/?code={guess}")).status == 403
    # With this hub's own code, the other cohort's player and events are still out of reach.
    auth = {"X-Join-Code": hub.code}
    event = {"id": "forged-into-other", "kind": "chose", "step": 1, "data": {"choice": "measure"}}
    resp = await client.post("/api/v1/events", json={"player": victim, "events": [event]}, headers=auth)
    assert resp.status == 403  # no device of that player: nobody else can write for them
    forged = {"player": victim, "device": "x" * 32, "events": [event]}
    assert (await client.post("/api/v1/events", json=forged, headers=auth)).status in (403, 409)
    joined = await (await client.post("/api/v1/join", json={"name": "Victim Vera"}, headers=auth)).json()
    assert joined["player"] != victim and joined["resume"] == []  # the same name here is a different player
    state = await (await client.get("/api/v1/state", params={"player": victim}, headers=auth)).json()
    assert "revealed" not in state
    assert [e.id for e in hub.store.events(other.code)] == before
    assert [p.id for p in hub.store.players(other.code)] == [victim]
    assert hub.spawned == 0


async def _raw_get(client: TestClient, target: str) -> tuple[int, bytes]:
    """Send the request line exactly as written (no client-side normalising of `..` or escapes)."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {client.host}:{client.port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


async def test_no_path_reaches_files_outside_the_statics(two_cohorts: tuple[Hub, TestClient, Cohort, str]) -> None:
    hub, client, _, _ = two_cohorts
    secret = hub.store_path.parent / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    targets = [
        "/static/../../../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/etc/passwd",
        "/download/anything",
        f"/download/..%2f..%2f{secret.name}",
        "/api/v1/../../static/../../etc/passwd",
        f"/static/{'..%2f' * 12}{str(secret).lstrip('/')}",
        "//etc/passwd",
        "/cohorts.sqlite",
        f"/?code={hub.code}/../../etc/passwd",
    ]
    for target in targets:
        status, body = await _raw_get(client, target)
        assert b"root:" not in body and b"TOP-SECRET" not in body and b"SQLite format" not in body, target
        assert status in (400, 403, 404), (target, status)


# -- names on disk ---------------------------------------------------------------------------------
def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_export_names_cannot_escape_the_folder(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tiny: Scenario,
    cohort_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, _ = free_cohort
    save = write_save(Run.replay(tiny, 0, ["scale-now"]), cohort_env, "tiny-offline-1")
    here = tmp_path / "deep" / "er" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    outside = _files(tmp_path) - _files(here)
    for name in HOSTILE_NAMES:
        refused = "\u202e" in name  # a direction override is refused as a name (tests/hardening/test_inert.py)
        assert main(["export", "--join", cohort.code, "--name", name, "--from", str(save)]) == int(refused), name
    written = sorted(p.name for p in _files(here))
    assert len(written) == len(set(written)) and all(p.startswith(f"{cohort.code}-") for p in written), written
    assert all(p.endswith(".result.json") for p in written)
    assert _files(tmp_path) - _files(here) == outside  # nothing was written anywhere else
    # The join code is part of the default name too: a "code" that is a path is refused, not followed.
    capsys.readouterr()
    for code in ("../../ESCAPE", "/tmp/x", "..", "K7/QF3M", "K7QF3M/../../.."):
        assert main(["export", "--join", code, "--name", "Olu", "--from", str(save)]) == 1, code
        assert "not a join code" in capsys.readouterr().err
    assert _files(tmp_path) - _files(here) == outside


def test_outbox_folders_stay_in_the_saves_folder(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    root = (saves / "outbox").resolve()
    for hub in ("http://127.0.0.1:8765", "http://../../..", "https://evil.example/../../x", "http://[::1]:80/..%2f"):
        for name in HOSTILE_NAMES:
            for code in ("K7QF3M", "../../x", "/etc"):
                folder = outbox_dir(saves, hub, code, name).resolve()
                assert root in folder.parents and ".." not in folder.parts, (hub, code, name, folder)


def test_save_names_from_scenarios_stay_in_the_folder(tmp_path: Path) -> None:
    for path in [TINY, *shipped_paths()]:
        scenario = load_scenario(path)
        target = save_path(tmp_path, new_run_id(scenario.id)).resolve()
        assert target.parent == tmp_path.resolve()
    # A scenario cannot choose an id that would make a save (or a debrief named after it) leave the folder.
    for bad_id in ("../../evil", "a/b", "..", "x/../../y"):
        text = TINY.read_text(encoding="utf-8")
        first = next(line for line in text.splitlines() if line.startswith("id:"))
        hostile = tmp_path / "hostile.yaml"
        hostile.write_text(text.replace(first, f'id: "{bad_id}"', 1), encoding="utf-8")
        with pytest.raises(LoadError):
            load_scenario(hostile)
        with pytest.raises(SaveError):
            save_path(tmp_path, new_run_id(bad_id))
