"""A browser player's game: a child process started without a shell, with a scrubbed environment.

`simgame.cohort.hub` starts one per browser session through textual-serve and counts it against
the session cap until the process has exited.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from textual_serve.app_service import AppService

from simgame.settings import child_environment, load_settings

# PGPASSFILE: where PostgreSQL's client finds the password of a hub's database (never in the URL)
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "SYSTEMROOT", "PGPASSFILE")
GAME_GRACE_S = 5.0  # a game asked to quit has this long to exit before it is terminated


def scrubbed_environment(store_path: Path | str, tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Only what the game needs: a browser player's process never sees the facilitator's secrets."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env["TMPDIR"] = str(tmp)
    # The hub's store: a file, or its PostgreSQL URL (the game writes its player's events there too).
    env["SIMGAME_COHORT_DB" if isinstance(store_path, Path) else "SIMGAME_STORE"] = str(store_path)
    env["SIMGAME_COHORT_ORIGIN"] = "browser"
    # The facilitator's scenarios and saves folders (from their flags, environment or config file),
    # but not the rest of their config file (its hub address or theme): a private, empty one.
    env.update(child_environment(load_settings()))
    env["SIMGAME_CONFIG"] = str(tmp / "config.toml")
    env.update(extra or {})
    return env


def player_saves(tmp: Path, device: str) -> Path:
    """A browser player's own saves folder, named by a digest of their device token (never the token).

    Each browser game saves there, so its library lists that player's runs and nobody else's;
    the same browser finds its saves again after a hub restart.
    """
    return tmp / "players" / hashlib.sha256(device.encode("utf-8")).hexdigest()[:24]


def game_environment(store_path: Path | str, tmp: Path, device: str) -> dict[str, str]:
    """The environment of one browser player's game: their device token and their own saves folder."""
    saves = player_saves(tmp, device)
    return scrubbed_environment(store_path, tmp, {"SIMGAME_DEVICE": device, "SIMGAME_SAVES": str(saves)})


class GameProcess(AppService):
    """One browser player's game: started with exec (no shell) and a scrubbed environment."""

    def __init__(self, argv: list[str], env: dict[str, str], **kw: Any) -> None:
        super().__init__(" ".join(argv), **kw)
        self.argv = argv
        self.env = env
        self.pid: int | None = None

    @property
    def alive(self) -> bool:
        """Starting, or running: a process that has exited (and been reaped) is not."""
        return self._process is None or self._process.returncode is None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = dict(self.env)
        env.update(
            {
                "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
                "TEXTUAL_FPS": "60",
                "TEXTUAL_COLOR_SYSTEM": "truecolor",
                "TERM_PROGRAM": "textual",
                "COLUMNS": str(width),
                "ROWS": str(height),
            }
        )
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
        )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        self.pid = process.pid
        return process

    async def run(self) -> None:
        """As textual-serve's, and when the game's output ends (it quit or crashed) its page is closed too."""
        try:
            await super().run()
        finally:
            with contextlib.suppress(Exception):
                await self.remote_close()

    async def end(self, grace: float) -> None:
        """Ask the game to quit; terminate it if it has not exited within ``grace``; kill it if that fails."""
        with contextlib.suppress(TimeoutError, OSError, RuntimeError, ConnectionError):
            await asyncio.wait_for(self.stop(), timeout=grace)
        process = self._process
        if process is None or process.returncode is not None:
            return
        for signal_it in (process.terminate, process.kill):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), timeout=grace)
                return
            with contextlib.suppress(ProcessLookupError):
                signal_it()
        await process.wait()  # killed: SIGKILL cannot be ignored
