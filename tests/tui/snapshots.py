"""A small SVG snapshot helper (pytest-textual-snapshot would pin an old syrupy and pytest<9).

Compares ``app.export_screenshot()`` with ``tests/tui/snapshots/NAME.svg`` after normalising
what differs between runs (Rich's per-render terminal ids). Set SIMGAME_UPDATE_SNAPSHOTS=1 to
write them; a mismatch writes the actual SVG under ``__failures__/`` and fails with its path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
FAILURES = SNAPSHOTS / "__failures__"
_TERMINAL_ID = re.compile(r"terminal-\d+")


def normalise(svg: str) -> str:
    return _TERMINAL_ID.sub("terminal", svg).replace("\r\n", "\n")


def assert_snapshot(svg: str, name: str) -> None:
    actual = normalise(svg)
    expected_path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("SIMGAME_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not expected_path.exists():
        raise AssertionError(f"no snapshot {expected_path}; run with SIMGAME_UPDATE_SNAPSHOTS=1 to create it")
    expected = normalise(expected_path.read_text(encoding="utf-8"))
    if actual != expected:
        FAILURES.mkdir(parents=True, exist_ok=True)
        failed = FAILURES / f"{name}.svg"
        failed.write_text(actual, encoding="utf-8", newline="\n")
        raise AssertionError(
            f"snapshot {name} differs from {expected_path}; the actual screen is in {failed} "
            "(open both in a browser; if the change is intended, rerun with "
            "SIMGAME_UPDATE_SNAPSHOTS=1)"
        )
