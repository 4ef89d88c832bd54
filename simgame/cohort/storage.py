"""Opening the cohort store: where it lives (from settings) and which implementation serves it.

``store.py`` is the interface and ``sqlite.py`` one implementation of it; this is the one place
that picks the implementation, so neither of those two modules needs the other's factory.
"""

from __future__ import annotations

from pathlib import Path

from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import CohortStore, default_store_path


def open_store(path: Path | None = None, saves: Path | None = None) -> CohortStore:
    """The store at ``path`` (default: see :func:`simgame.cohort.store.default_store_path`)."""
    return SqliteStore(path or default_store_path(saves))
