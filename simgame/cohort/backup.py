"""`simgame cohort backup`: a complete copy of the cohort store, safe to take while the hub is writing.

Copying the file (or the file without its write-ahead log) while players choose can give a
copy that misses acknowledged events or will not open. SQLite's online backup API copies a
consistent snapshot instead: every transaction committed before the copy began is in it, and
no half-written one is. The copy is written next to the target, checked (``integrity_check``),
and only then moved into place, so a failed backup never leaves a broken file under the name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from simgame.cohort.errors import CohortError

PAGES_PER_STEP = -1  # the whole database in one step: one snapshot, never restarted by a writer


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sessions: int
    events: int  # events of the session asked for


def backup(source: Path, target: Path, code: str) -> BackupResult:
    """Copy the store at ``source`` to ``target`` (replaced atomically); ``code`` must be a session in it."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise CohortError(f"there is no cohort store at {source}")
    if target.resolve() == source.resolve():
        raise CohortError("the backup must go to another file than the store itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
                if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                    raise CohortError("the copy failed its integrity check; the store was left as it was")
            finally:
                dst.close()
        finally:
            src.close()
        sessions, events = _contents(partial, code, source)
        with contextlib.closing(sqlite3.connect(str(partial))) as db:
            db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise CohortError(f"cannot back up {source}: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(target, target.stat().st_size, sessions, events)


def _contents(copy: Path, code: str, source: Path) -> tuple[int, int]:
    """How many sessions the copy holds and how many events of ``code``, read through the store's interface."""
    from simgame.cohort.sqlite import SqliteStore

    store = SqliteStore(copy)
    try:
        if code not in {c.code for c in store.cohorts()}:
            raise CohortError(f"there is no session {code} in {source}")
        return len(store.cohorts()), len(store.events(code))
    finally:
        store.close()
