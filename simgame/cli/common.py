"""Helpers every subcommand shares: loading with friendly errors, save folders, printing."""

from __future__ import annotations

import sys
from pathlib import Path

from simgame.engine.saves import default_dir
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario, resolve


class CliError(Exception):
    """An expected failure: printed as one plain message, exit code 1."""


def load(name_or_path: str) -> Scenario:
    """Load a scenario by id or path, printing located diagnostics on failure."""
    try:
        return load_scenario(resolve(name_or_path))
    except LoadError as exc:
        print(exc.render(), file=sys.stderr)
        raise CliError(f"{name_or_path} could not be loaded ({len(exc.diagnostics)} problem(s) above)") from None


def saves_dir(option: str | None) -> Path:
    return Path(option) if option else default_dir()


def fail(message: str) -> int:
    print(f"simgame: {message}", file=sys.stderr)
    return 1
