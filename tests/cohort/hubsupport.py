"""Starting and stopping a real hub process on 127.0.0.1 for end-to-end tests (bounded waits everywhere)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=1) as resp:
            return bool(json.loads(resp.read()).get("ok"))
    except OSError:
        return False


class HubProcess:
    """`simgame serve` as a subprocess, in its own process group so its games stop with it."""

    def __init__(self, code: str, store: Path, port: int, log: Path, *extra: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.args = [
            sys.executable,
            "-m",
            "simgame",
            "serve",
            "--cohort",
            code,
            "--store",
            str(store),
            "--port",
            str(port),
            *extra,
        ]
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> HubProcess:
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(
                self.args, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env=dict(os.environ)
            )
        wait_for(lambda: healthy(self.url), 30, "the hub to start")
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # as Ctrl+C would: the hub stops its own games first
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):  # anything left in its group goes with it
            os.killpg(self.proc.pid, signal.SIGKILL)
