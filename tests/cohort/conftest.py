"""Cohort test fixtures: a private saves folder and store per test, scenarios from tests/data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from tests.support import DATA


@pytest.fixture
def cohort_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every simgame path at this test's folder (subprocesses inherit it)."""
    saves = tmp_path / "saves"
    saves.mkdir()
    monkeypatch.setenv("SIMGAME_SAVES", str(saves))
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(DATA))
    monkeypatch.delenv("SIMGAME_COHORT_DB", raising=False)
    monkeypatch.delenv("SIMGAME_FACILITATOR_KEY", raising=False)
    monkeypatch.delenv("SIMGAME_COHORT_ORIGIN", raising=False)
    return saves


@pytest.fixture
def store(cohort_env: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(cohort_env / "cohorts.sqlite")
    yield s
    s.close()


@pytest.fixture
def free_cohort(store: SqliteStore) -> tuple[Cohort, str]:
    return create(store, "tiny", "Free room", "free", seed=0)


@pytest.fixture
def lockstep_cohort(store: SqliteStore) -> tuple[Cohort, str]:
    return create(store, "tiny", "Lockstep room", "lockstep", seed=0)
