"""Helpers every subcommand shares: loading with friendly errors, save folders, printing."""

from __future__ import annotations

import sys
from pathlib import Path

from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario, resolve
from simgame.settings import load_settings


class CliError(Exception):
    """An expected failure: printed as one plain message, exit code 1."""


def load(name_or_path: str) -> Scenario:
    """Load a scenario by id or path, printing located diagnostics on failure."""
    try:
        return load_scenario(resolve(name_or_path, load_settings().scenarios_dir))
    except LoadError as exc:
        print(exc.render(), file=sys.stderr)
        raise CliError(f"{name_or_path} could not be loaded ({len(exc.diagnostics)} problem(s) above)") from None


def saves_dir(option: str | None) -> Path:
    """--saves DIR, else the saves setting ($SIMGAME_SAVES or the config file), else the default folder."""
    return load_settings(saves=option or None).saves_dir


def fail(message: str) -> int:
    print(f"simgame: {message}", file=sys.stderr)
    return 1
