"""Headless play never loads Textual at run time.

The import contracts (tests/test_import_contracts.py) prove format and engine import no Textual at
all. What they cannot prove is that the command line, which does reach the TUI, imports it only
when the game opens: this test plays and saves a whole run through `simgame run` and then looks at
sys.modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_simgame_run_plays_without_loading_textual(tmp_path: Path) -> None:
    report = tmp_path / "textual-modules.txt"
    code = (
        "import pathlib, sys\n"
        "from simgame.cli import main\n"
        "status = main(['run', 'tests/data/tiny.yaml', '--policy', 'first', '--save'])\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        f"pathlib.Path({str(report)!r}).write_text(','.join(bad))\n"
        "sys.exit(status)\n"
    )
    env = {**os.environ, "SIMGAME_SAVES": str(tmp_path), "SIMGAME_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert list(tmp_path.glob("tiny-*.json")), f"the run was not saved: {proc.stderr}"
    assert report.read_text() == "", f"`simgame run` imported {report.read_text()}"
