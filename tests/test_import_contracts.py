"""The architecture contracts in pyproject.toml ([tool.importlinter]) hold, and would catch a break."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath), "LANG": "C.UTF-8"},
        timeout=300,
    )


def test_the_import_contracts_are_kept() -> None:
    proc = _lint(ROOT, ROOT)
    assert proc.returncode == 0, f"lint-imports failed:\n{proc.stdout}\n{proc.stderr}"
    assert "0 broken" in proc.stdout, proc.stdout


PURE = "format and engine use no UI, network, arrays, settings or higher layer"
PROBES = {
    # a file added to a copy of the package -> the contract it must break
    "simgame/engine/_probe_textual.py": ("import textual\n", PURE),
    "simgame/format/_probe_settings.py": ("from simgame import settings\n", PURE),
    "simgame/format/_probe_engine.py": ("from simgame.engine import run\n", "format does not import the engine"),
    "simgame/analysis/_probe_tui.py": (
        "def f():\n    import simgame.tui.app\n",
        "analysis never imports the TUI, cohorts or the CLI",
    ),
    "simgame/tui/_probe_store.py": (
        "from simgame.cohort import sqlite\n",
        "the TUI reaches cohort storage only through the cohort client",
    ),
    "simgame/cohort/_probe_cycle.py": ("import simgame.cohort.storage\n", "no import cycles between sibling modules"),
    "simgame/cohort/_probe_up.py": ("import simgame.cli.run\n", "layers, highest first"),
}


def _section(report: str, contract: str) -> str:
    """The broken-contract section of ``report`` for ``contract`` (its title underlined with dashes)."""
    start = report.index(f"\n{contract}\n---")
    titles = [report.find(f"\n{name}\n---", start + 1) for _, name in PROBES.values()]
    ends = [i for i in titles if i > start]
    return report[start : min(ends, default=len(report))]


def test_the_contracts_catch_each_kind_of_break(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "simgame", tmp_path / "simgame", ignore=shutil.ignore_patterns("__pycache__"))
    for rel, (code, _) in PROBES.items():
        (tmp_path / rel).write_text(code, encoding="utf-8")
    # a cycle: storage -> sqlite -> the probe -> storage
    sqlite = tmp_path / "simgame/cohort/sqlite.py"
    sqlite.write_text(sqlite.read_text(encoding="utf-8") + "\nimport simgame.cohort._probe_cycle\n", encoding="utf-8")
    proc = _lint(tmp_path, tmp_path)
    assert proc.returncode != 0, proc.stdout
    for rel, (_, contract) in PROBES.items():
        assert f"{contract} BROKEN" in proc.stdout, f"`{contract}` was kept:\n{proc.stdout}"
        probe = Path(rel).stem
        assert probe in _section(proc.stdout, contract), f"{rel} did not break `{contract}`:\n{proc.stdout}"
