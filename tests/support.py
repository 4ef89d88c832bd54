"""Paths and helpers the test modules share."""

from __future__ import annotations

from pathlib import Path

from simgame.format.loader import bundled_dir, scenario_files

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TINY = DATA / "tiny.yaml"


def shipped_paths() -> list[Path]:
    return scenario_files(bundled_dir())
