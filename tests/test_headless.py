"""The engine never imports Textual: the TUI is a layer on top, not a dependency of play."""

from __future__ import annotations

import subprocess
import sys

ENGINE_MODULES = [
    "simgame.format.yamlsource",
    "simgame.format.model",
    "simgame.format.expr",
    "simgame.format.checks",
    "simgame.format.loader",
    "simgame.engine.run",
    "simgame.engine.scoring",
    "simgame.engine.saves",
    "simgame.authoring.run_report",
    "simgame.format.schema",
    "simgame.engine.observer",
    "simgame.cli",
]


def test_engine_imports_without_textual() -> None:
    code = (
        "import sys\n"
        f"import {', '.join(ENGINE_MODULES)}\n"
        "from simgame.format.loader import load_scenario\n"
        "from simgame.engine.run import Run\n"
        "run = Run.start(load_scenario('tests/data/tiny.yaml'), 1)\n"
        "run.choose(run.available()[0])\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"the engine imported {proc.stdout.strip()}"
