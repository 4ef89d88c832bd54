"""Paths and helpers the test modules share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simgame.format.loader import bundled_dir, scenario_files

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TINY = DATA / "tiny.yaml"


def shipped_paths() -> list[Path]:
    return scenario_files(bundled_dir())


# -- a small expression environment (tests/test_expr.py, tests/fuzz) ------------------------------------------
@dataclass
class ExprNames:
    """Names an expression may use."""

    metrics: frozenset[str] = frozenset({"trust", "risk", "value"})
    flags: frozenset[str] = frozenset({"rushed", "owner"})
    scenes: frozenset[str] = frozenset({"kickoff", "drift-alarm"})
    choices: frozenset[str] = frozenset({"scale-now"})


@dataclass
class ExprEnv:
    """A state to evaluate expressions against."""

    m: dict[str, float] = field(default_factory=lambda: {"trust": 60.0, "risk": 30.0, "value": 10.0})
    f: set[str] = field(default_factory=lambda: {"rushed"})

    def metric(self, name: str) -> float:
        return self.m[name]

    def flag(self, name: str) -> bool:
        return name in self.f

    def visits(self, scene: str) -> int:
        return 2 if scene == "kickoff" else 0

    def chose(self, choice: str) -> bool:
        return choice == "scale-now"

    def turn_count(self) -> int:
        return 3
