"""Against a real LRS (Ralph): every statement arrives exactly once, can be queried back, and errors read plainly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simgame.cli import main
from simgame.cohort.sessions import scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.xapi.lrs import Lrs, flush
from simgame.cohort.xapi.outbox import Outbox, outbox_path
from simgame.cohort.xapi.statements import Deployment, build
from tests.support import ROOT
from tests.xapi.conftest import Ralph, Room
from tests.xapi.shape import problems


def _queue(store: SqliteStore, room: Room, d: Deployment, cohort_env: Path) -> tuple[Outbox, list[str]]:
    outbox = Outbox(outbox_path(cohort_env / "cohorts.sqlite"))
    statements = build(store, room.code, scenario_of(store.cohort(room.code)), d)
    outbox.bind(room.code, d.home_page)
    outbox.add(statements)
    return outbox, [s.id for s in statements]


def _in_lrs(ralph: Ralph, registrations: set[str]) -> list[dict[str, Any]]:
    """Every statement stored under these registrations, read back with GET ?registration=…"""
    found: list[dict[str, Any]] = []
    for reg in sorted(registrations):
        page = ralph.lrs().get(registration=reg, limit="500")
        assert not page.get("more"), "one page holds a player's statements"
        found += page["statements"]
    return found


def _exactly_once(ralph: Ralph, outbox: Outbox, code: str, ids: list[str]) -> None:
    regs = {q.registration for q in outbox.all(code)}
    stored = _in_lrs(ralph, regs)
    assert sorted(s["id"] for s in stored) == sorted(ids)
    assert outbox.status(code).sent == len(ids) and outbox.status(code).queued == 0
    for s in stored:
        mine = {k: v for k, v in s.items() if k not in ("stored", "authority", "version")}
        assert problems(mine) == [], json.dumps(mine)


def test_sent_twice_each_statement_arrives_once(
    ralph: Ralph, store: SqliteStore, room: Room, deployment: Deployment, cohort_env: Path
) -> None:
    outbox, ids = _queue(store, room, deployment, cohort_env)
    done = flush(outbox, room.code, ralph.lrs(), batch=4)
    assert (done.sent, done.failed, done.left, done.problem) == (len(ids), 0, 0, "")
    _exactly_once(ralph, outbox, room.code, ids)
    assert outbox.add(build(store, room.code, scenario_of(store.cohort(room.code)), deployment)) == 0
    for q in outbox.all(room.code):  # force a resend of everything: the LRS keeps one copy of each id
        outbox._db.execute("UPDATE statements SET state = 'queued' WHERE id = ?", (q.id,))
    assert flush(outbox, room.code, ralph.lrs()).sent == len(ids)
    _exactly_once(ralph, outbox, room.code, ids)
    outbox.close()


CRASH = """
import os, sys
from pathlib import Path
from simgame.cohort.xapi.lrs import Lrs, flush
from simgame.cohort.xapi.outbox import Outbox
outbox = Outbox(Path(sys.argv[1]))
batches = []
def die_after_second(taken):
    batches.append(taken)
    if len(batches) == 2:
        os._exit(137)  # the LRS has this batch; the outbox has not marked it: a kill at the worst moment
flush(outbox, sys.argv[2], Lrs(sys.argv[3], sys.argv[4], sys.argv[5]), batch=3, after_batch=die_after_second)
"""


def test_killed_mid_flush_a_resumed_flush_sends_nothing_twice(
    ralph: Ralph, store: SqliteStore, room: Room, deployment: Deployment, cohort_env: Path
) -> None:
    outbox, ids = _queue(store, room, deployment, cohort_env)
    lrs = ralph.lrs()
    args = [str(outbox.path), room.code, lrs.endpoint, lrs.username, lrs.password]
    killed = subprocess.run([sys.executable, "-c", CRASH, *args], cwd=ROOT, capture_output=True, check=False)
    assert killed.returncode == 137, killed.stderr.decode()[-2000:]
    status = outbox.status(room.code)
    assert (status.sent, status.queued) == (3, len(ids) - 3)  # the second batch reached the LRS, unmarked
    done = flush(outbox, room.code, lrs, batch=3)
    assert done.sent == len(ids) - 3
    _exactly_once(ralph, outbox, room.code, ids)
    outbox.close()


def test_the_command_sends_and_reports_status(
    ralph: Ralph, room: Room, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cohort_env: Path
) -> None:
    for key, value in ralph.env().items():
        monkeypatch.setenv(key, value)
    assert main(["cohort", "xapi", room.code, "--send", "--programme", "Leadership 2027"]) == 0
    out = capsys.readouterr().out
    outbox = Outbox(outbox_path(cohort_env / "cohorts.sqlite"))
    total = len(outbox.all(room.code))
    assert f"Sent {total} statement(s) to the LRS; 0 still queued, 0 refused." in out
    assert main(["cohort", "xapi", room.code, "--send"]) == 0
    assert "Sent 0 statement(s)" in capsys.readouterr().out
    assert main(["cohort", "xapi", room.code, "--status"]) == 0
    assert f"0 queued, {total} sent, 0 refused" in capsys.readouterr().out
    _exactly_once(ralph, outbox, room.code, [q.id for q in outbox.all(room.code)])
    outbox.close()


def test_wrong_credentials_are_said_plainly_and_nothing_is_lost(
    ralph: Ralph, room: Room, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cohort_env: Path
) -> None:
    for key, value in ralph.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SIMGAME_XAPI_PASSWORD", "not the password")
    assert main(["cohort", "xapi", room.code, "--send"]) == 1
    err = capsys.readouterr().err
    assert "the LRS refused simgame's credentials (401" in err and "Traceback" not in err
    outbox = Outbox(outbox_path(cohort_env / "cohorts.sqlite"))
    assert outbox.status(room.code).sent == 0 and outbox.status(room.code).queued == len(outbox.all(room.code))
    assert main(["cohort", "xapi", room.code, "--status"]) == 0
    assert "Last try: the LRS refused simgame's credentials" in capsys.readouterr().out
    outbox.close()


def test_an_unreachable_lrs_keeps_everything_queued(
    room: Room, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cohort_env: Path
) -> None:
    from tests.cohort.hubsupport import free_port

    monkeypatch.setenv("SIMGAME_XAPI_USERNAME", "u")
    monkeypatch.setenv("SIMGAME_XAPI_PASSWORD", "p")
    monkeypatch.setenv("SIMGAME_XAPI_HOME_PAGE", "https://learning.example.org")
    slept: list[float] = []
    monkeypatch.setattr("simgame.cohort.xapi.lrs.time.sleep", slept.append)  # backoff without waiting
    url = f"http://127.0.0.1:{free_port()}/xAPI"
    assert main(["cohort", "xapi", room.code, "--send", "--lrs", url]) == 1
    err = capsys.readouterr().err
    assert f"cannot reach the LRS at {url} (connection refused)" in err and "stay queued" in err
    assert slept == [1.0, 2.0, 4.0]  # retried with backoff before giving up
    outbox = Outbox(outbox_path(cohort_env / "cohorts.sqlite"))
    assert outbox.status(room.code).queued == len(outbox.all(room.code)) > 0
    outbox.close()


def test_a_statement_the_lrs_refuses_is_named_with_its_reason(
    ralph: Ralph, store: SqliteStore, room: Room, deployment: Deployment, cohort_env: Path
) -> None:
    outbox, ids = _queue(store, room, deployment, cohort_env)
    clash = dict(outbox.all(room.code)[2].body, result={"response": "someone else's"})
    ralph.lrs().post([clash])  # another statement already holds that id: the LRS refuses ours (409)
    done = flush(outbox, room.code, ralph.lrs(), batch=50)
    assert (done.sent, done.failed, done.left) == (len(ids) - 1, 1, 0)
    (refused,) = outbox.status(room.code).errors
    assert refused[0] == clash["id"]
    assert refused[1].startswith("the LRS refused it (409): Differing statements already exist with the same ID")


def test_a_redirect_is_never_followed(store: SqliteStore, room: Room, deployment: Deployment, cohort_env: Path) -> None:
    """urllib would replay a redirected POST as a GET, which answers 200 having stored nothing."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Moved(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(301)
            self.send_header("Location", "https://lrs.example.org/xAPI/statements")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Moved)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        outbox, ids = _queue(store, room, deployment, cohort_env)
        lrs = Lrs(f"http://127.0.0.1:{server.server_port}/xAPI", "u", "p")
        done = flush(outbox, room.code, lrs, sleep=lambda _s: None)
        assert done.sent == 0 and done.left == len(ids)
        assert "redirects to https://lrs.example.org/xAPI/statements (301)" in done.problem
        outbox.close()
    finally:
        server.shutdown()
        server.server_close()
