"""Shared fixtures and Hypothesis profiles (ci is derandomised; dev is the default; nightly digs deep)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import TINY

# Outcome maps are built once per scenario version and shared by every test worker (and kept
# between local runs): a map is keyed by the scenario's content hash, so a stale one is never read.
os.environ.setdefault("SIMGAME_MAPS", str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "outcome-maps"))
# The CLI turns an unexpected exception into one sentence and a log file; under test it re-raises
# instead (in-process and in every child the tests start), so any such exception fails its test.
os.environ.setdefault("SIMGAME_RERAISE", "1")

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
def _english_by_default() -> Iterator[None]:
    """Every test starts in English, and a test that played in German leaves English behind it."""
    from simgame.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _transitions_warnings_fail() -> None:
    """A trigger silently not bound is only a logged warning in transitions; make warnings loud."""
    warnings.simplefilter("error", category=UserWarning)
