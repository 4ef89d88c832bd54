"""Where outcome maps live and how a process gets one: open it, or have it built next door.

Maps are files named by the scenario's content hash in one folder (the ``maps`` setting,
by default the user's cache folder), so every process on a machine (the game, the hub, a
report) shares one copy per version of a scenario, and a changed scenario gets a new map.
A missing map is built by `simgame.analysis.outcomes.build` in a child process under a memory
cap, one build per map at a time (the builder locks the map), while the caller waits
(`ensure_map`) or carries on (`prepare_map`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from simgame.analysis.outcomes.mapfile import VERSION, MapError, OutcomeMap
from simgame.format.compiled import Scenario
from simgame.format.safefile import SafeReadError, read_capped

BUILDER = "simgame.analysis.outcomes.build"  # run as a module in a child process
EXIT_BAD_SCENARIO = 2  # the builder's exit codes
EXIT_TOO_LARGE = 3
EXIT_MEMORY = 4
DEFAULT_MEMORY_MB = 8192
DEFAULT_TIMEOUT = 600.0

_OPEN: dict[Path, OutcomeMap] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Unavailable:
    """Why a scenario has no outcome map, in words for an author or facilitator."""

    reason: str


def map_path(folder: Path, scenario: Scenario) -> Path:
    return folder / f"{scenario.id}-{scenario.content_hash}-v{VERSION}.simmap"


def failure_path(target: Path) -> Path:
    """Where a build that cannot succeed (too large, out of memory) leaves its reason."""
    return target.with_suffix(".failed")


def known_failure(target: Path, memory_mb: int) -> str | None:
    """Why an earlier build of this map failed, if it would fail again with this memory cap."""
    try:
        data = json.loads(read_capped(failure_path(target), 64 * 1024))
        if memory_mb <= int(data["memory_mb"]):
            return str(data["reason"])
    except (SafeReadError, ValueError, KeyError, TypeError):
        return None
    return None


def open_map(folder: Path, scenario: Scenario) -> OutcomeMap | None:
    """The scenario's map if it has been built (opened once per process), else None."""
    path = map_path(folder, scenario)
    with _LOCK:
        found = _OPEN.get(path)
        if found is not None:
            return found
        if not path.is_file():
            return None
        try:
            opened = OutcomeMap(path)
        except MapError:
            return None
        if opened.content_hash != scenario.content_hash:
            opened.close()
            return None
        _OPEN[path] = opened
        return opened


def ensure_map(
    folder: Path,
    scenario: Scenario,
    memory_mb: int = DEFAULT_MEMORY_MB,
    timeout: float = DEFAULT_TIMEOUT,
) -> OutcomeMap | Unavailable:
    """The scenario's map, building it in a child process first if needed (this call waits).

    Two processes asking at once both start a builder; the builder holds a lock on the map while
    it works, so the second waits for the first and then finds the map made.
    """
    found = open_map(folder, scenario)
    if found is not None:
        return found
    if not scenario.path or not Path(scenario.path).is_file():
        return Unavailable("the scenario was not loaded from a file, so it cannot be explored in another process")
    failed = known_failure(map_path(folder, scenario), memory_mb)
    if failed is not None:
        return Unavailable(_plain(failed, memory_mb))
    problem = _build(scenario, map_path(folder, scenario), memory_mb, timeout)
    if problem is not None:
        return Unavailable(problem)
    found = open_map(folder, scenario)
    if found is None:
        return Unavailable("the map was built for a different version of the scenario (it changed while mapping)")
    return found


_STARTED: set[Path] = set()


def prepare_map(folder: Path, scenario: Scenario, memory_mb: int = DEFAULT_MEMORY_MB) -> bool:
    """Start building the map in the background if it is missing; return at once (True if a build started).

    The builder runs in its own session, so it finishes (and the map is kept for next time) even
    if this process quits first; quitting never waits for it.
    """
    target = map_path(folder, scenario)
    if target in _STARTED or target.is_file() or not scenario.path or not Path(scenario.path).is_file():
        return False
    if known_failure(target, memory_mb) is not None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.Popen(
            _command(scenario, target, memory_mb),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_environment(),
            start_new_session=True,
        )
    except OSError:
        return False
    _STARTED.add(target)
    return True


def _command(scenario: Scenario, target: Path, memory_mb: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        BUILDER,
        str(scenario.path),
        str(target),
        f"--memory-mb={memory_mb}",
        f"--content-hash={scenario.content_hash}",
    ]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"  # numpy's BLAS threads are not used, and would reserve memory
    return env


def _plain(reason: str, memory_mb: int) -> str:
    if reason.startswith("too large"):
        return f"the scenario is {reason}"
    return f"mapping every outcome needs more memory than allowed ({memory_mb} MB)"


def _build(scenario: Scenario, target: Path, memory_mb: int, timeout: float) -> str | None:
    """Run the builder; None when it wrote the map, else why not."""
    try:
        done = subprocess.run(
            _command(scenario, target, memory_mb),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"mapping every outcome took longer than {timeout:.0f} s"
    except OSError as exc:
        return f"could not start the mapping process ({exc.strerror or exc})"
    if done.returncode == 0:
        return None
    detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
    if done.returncode in (EXIT_TOO_LARGE, EXIT_MEMORY):
        return _plain(detail, memory_mb)
    return f"cannot map every outcome: {detail}"


def forget() -> None:
    """Close every open map (tests; a long-lived process after maps were rebuilt)."""
    with _LOCK:
        for found in _OPEN.values():
            with contextlib.suppress(Exception):
                found.close()
        _OPEN.clear()
