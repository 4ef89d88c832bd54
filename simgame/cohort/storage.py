"""Opening the cohort store: where it lives (from settings) and which implementation serves it.

``store.py`` is the interface; ``sqlite.py`` and ``postgres.py`` implement it. This is the one place
that picks the implementation: a ``postgresql://`` URL opens PostgreSQL, anything else is a SQLite file.
"""

from __future__ import annotations

from pathlib import Path

from simgame.cohort.errors import CohortError
from simgame.cohort.store import CohortStore
from simgame.settings import STORE_URL_SCHEMES, SettingsError, load_settings

Location = Path | str


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(STORE_URL_SCHEMES)


def store_location(store: str | None = None, saves: Path | str | None = None) -> Location:
    """Where the store is: ``store`` (a flag's value), else the settings (``$SIMGAME_STORE``, the
    ``store`` or ``cohort_db`` setting), else cohorts.sqlite in the saves folder."""
    try:
        settings = load_settings(store=store, saves=Path(saves) if saves else None)
    except SettingsError as exc:
        raise CohortError(str(exc)) from None
    return settings.cohort_store()


def describe(location: Location) -> str:
    """The store said for a person: a file's path, or a database's host (never a password)."""
    if is_url(location):
        from simgame.cohort.postgres import where

        return f"the PostgreSQL database on {where(str(location))}"
    return str(location)


def open_store(path: Location | None = None, saves: Path | None = None) -> CohortStore:
    """The store at ``path``: a ``postgresql://`` URL or a SQLite file (default: :func:`store_location`)."""
    location = path if path is not None else store_location(saves=saves)
    if is_url(location):
        try:
            from simgame.cohort.postgres import PostgresStore
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise CohortError("this simgame was installed without PostgreSQL support (psycopg)") from None
        return PostgresStore(str(location))
    from simgame.cohort.sqlite import SqliteStore

    return SqliteStore(Path(location))
