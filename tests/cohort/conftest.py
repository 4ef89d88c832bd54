"""Cohort test fixtures: a private saves folder and store per test, scenarios from tests/data.

The store suite (:data:`STORE_SUITE`) runs every test that takes ``store`` against both backends:
SQLite, and PostgreSQL in a database of its own (``$SIMGAME_STORE`` points at it, so the CLI and
subprocesses use it too). A test about one backend's own machinery is marked ``sqlite_only``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.storage import open_store
from simgame.cohort.store import Cohort, CohortStore
from tests.support import DATA

BACKENDS = ("sqlite", "postgresql")
STORE_SUITE = {"test_store", "test_referee", "test_referee_property", "test_identity", "test_pacing_safe"}
STORE_SUITE |= {"test_concurrency", "test_teams"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite backend's own machinery (files, PRAGMAs)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "store" not in metafunc.fixturenames or not (module in STORE_SUITE or module.startswith("test_pg_")):
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if "backend" not in metafunc.fixturenames:
        metafunc.fixturenames.append("backend")  # `store` asks for it by name (modules that import `store` need not)
    metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


def location_of(store: CohortStore) -> str:
    """Where ``store`` is (a file's path or a database URL): what another process opens."""
    return str(getattr(store, "url", None) or store.path)  # type: ignore[attr-defined]


def reopen(store: CohortStore) -> CohortStore:
    """The same store through a connection of its own, as another terminal or hub would have."""
    return open_store(location_of(store))


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
def store(cohort_env: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqliteStore]:
    backend = getattr(request.node, "callspec", None) and request.node.callspec.params.get("backend")
    assert backend in (None, *BACKENDS)
    if backend in (None, "sqlite"):
        s = SqliteStore(cohort_env / "cohorts.sqlite")
        yield s
        s.close()
        return
    from tests.cohort.pgsupport import database

    with database() as url:
        monkeypatch.setenv("SIMGAME_STORE", url)
        pg = open_store(url)
        yield pg  # type: ignore[misc]  # the same interface; tests typed for SQLite run on both
        pg.close()


@pytest.fixture
def free_cohort(store: SqliteStore) -> tuple[Cohort, str]:
    return create(store, "tiny", "Free room", "free", seed=0)


@pytest.fixture
def lockstep_cohort(store: SqliteStore) -> tuple[Cohort, str]:
    return create(store, "tiny", "Lockstep room", "lockstep", seed=0)
