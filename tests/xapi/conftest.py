"""xAPI fixtures: a played session, and a real LRS (Ralph, file-system backend) on 127.0.0.1."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.xapi.lrs import Lrs
from simgame.cohort.xapi.statements import Deployment
from tests.cohort.hubsupport import free_port, wait_for
from tests.support import DATA, ROOT

RALPH_VENV = ROOT / ".ci" / "ralph-venv"
RALPH_VERSION = "5.1.0"
INSTALL = (
    "python3 -m venv .ci/ralph-venv && .ci/ralph-venv/bin/pip install "
    f"'ralph-malph[cli,lrs]=={RALPH_VERSION}' 'requests==2.34.2'"
)
HOME = "https://learning.example.org"
USER, PASSWORD = "simgame-tests", "correct horse battery staple"
POLICIES = ("first", "last", "cautious", "aggressive", "random")


@dataclass(frozen=True)
class Room:
    code: str
    names: list[str]


def play_room(capsys: pytest.CaptureFixture[str], players: int = 3) -> Room:
    """A free session of the tiny scenario: every player joins and plays to an ending through the store."""
    assert main(["cohort", "create", "--scenario", "tiny", "--name", "Board offsite"]) == 0
    found = re.search(r"Join code\s+(\S+)", capsys.readouterr().out)
    assert found
    code = found.group(1)
    names = [f"Player Zed{i}" for i in range(players)]
    for i, name in enumerate(names):
        policy = POLICIES[i % len(POLICIES)]
        assert main(["run", "--join", code, "--name", name, "--policy", policy, "--seed", str(i)]) == 0
    capsys.readouterr()
    return Room(code, names)


@pytest.fixture
def cohort_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every simgame path in this test's folder, the SQLite store, no LRS settings from outside."""
    saves = tmp_path / "saves"
    saves.mkdir()
    monkeypatch.setenv("SIMGAME_SAVES", str(saves))
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(DATA))
    for name in list(os.environ):
        if name.startswith("SIMGAME_XAPI_") or name in (
            "SIMGAME_COHORT_DB",
            "SIMGAME_STORE",
            "SIMGAME_FACILITATOR_KEY",
        ):
            monkeypatch.delenv(name)
    return saves


@pytest.fixture
def store(cohort_env: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(cohort_env / "cohorts.sqlite")
    yield s
    s.close()


@pytest.fixture
def room(store: SqliteStore, capsys: pytest.CaptureFixture[str]) -> Room:
    return play_room(capsys)


@pytest.fixture
def deployment() -> Deployment:
    return Deployment(HOME, "Leadership 2027")


@dataclass
class Ralph:
    url: str  # the xAPI endpoint
    process: subprocess.Popen[bytes]
    log: Path

    def lrs(self, password: str = PASSWORD) -> Lrs:
        return Lrs(self.url, USER, password)

    def env(self) -> dict[str, str]:
        """What `simgame cohort xapi --send` needs to reach this LRS."""
        return {
            "SIMGAME_XAPI_ENDPOINT": self.url,
            "SIMGAME_XAPI_USERNAME": USER,
            "SIMGAME_XAPI_PASSWORD": PASSWORD,
            "SIMGAME_XAPI_HOME_PAGE": HOME,
        }


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.removesuffix("/xAPI") + "/__heartbeat__", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[Ralph]:
    """Ralph's LRS with its file-system backend, on a free port, with a user made for this test."""
    exe = RALPH_VENV / "bin" / "ralph"
    if not exe.exists() and not os.environ.get("CI"):
        pytest.skip(f"no Ralph LRS on this machine: install it with `{INSTALL}`; CI installs it and always runs this")
    assert exe.exists(), f"Ralph is missing: {INSTALL}"
    root = tmp_path / "ralph"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
        "RALPH_APP_DIR": str(root / "app"),
        "RALPH_AUTH_FILE": str(root / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "data"),
    }
    subprocess.run(
        [str(exe), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:simgame-tests@example.org", "-w"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = tmp_path / "ralph.log"
    server = Path(__file__).with_name("ralph_server.py")  # why not `ralph runserver`: see that file
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(RALPH_VENV / "bin" / "python"), str(server), str(port)],
            env=env,
            cwd=root.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/xAPI"
    try:
        wait_for(lambda: _up(url) or process.poll() is not None, 60, "Ralph to start")
        assert process.poll() is None, log.read_text(errors="replace")[-2000:]
        yield Ralph(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
