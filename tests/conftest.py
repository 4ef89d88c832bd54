"""Shared fixtures and Hypothesis profiles (ci is derandomised; dev is the default; nightly digs deep)."""

from __future__ import annotations

import os
import warnings

import pytest
from hypothesis import HealthCheck, settings

from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import TINY

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("nightly", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return load_scenario(TINY)


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the machine's own config file (the theme switch writes one)."""
    monkeypatch.setenv("SIMGAME_CONFIG", str(tmp_path_factory.mktemp("config") / "config.toml"))


@pytest.fixture(autouse=True)
def _transitions_warnings_fail() -> None:
    """A trigger silently not bound is only a logged warning in transitions; make warnings loud."""
    warnings.simplefilter("error", category=UserWarning)
