"""`simgame cohort backup` while writers write: every acknowledged event is in the copy, nothing else is."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.backup import backup
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from tests.cohort.hubsupport import wait_for


class Writers:
    """Threads that each join players and make their first choice through their own connection, as hub and
    terminal players do; an event counts as acknowledged once the store call that wrote it has returned."""

    def __init__(self, path: Path, code: str, threads: int = 3) -> None:
        self.path, self.code = path, code
        self.acknowledged: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self.write, args=(t,), daemon=True) for t in range(threads)]

    def write(self, number: int) -> None:
        store = SqliteStore(self.path)
        try:
            i = 0
            while not self.stop.is_set():
                player, _ = store.join(self.code, f"w{number}-{i}", None)
                event = make_event(CHOSE, player.id, 0, {"choice": "name-owner", "scene": "kickoff", "decision": 0})
                store.append(self.code, [event])
                with self.lock:
                    self.acknowledged.add(event.id)
                i += 1
        except BaseException as exc:  # reported by the test, never lost in a thread
            self.errors.append(exc)
        finally:
            store.close()

    def snapshot(self) -> set[str]:
        with self.lock:
            return set(self.acknowledged)

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)
        assert not self.errors, self.errors


def _copied_ids(path: Path, code: str) -> set[str]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    finally:
        db.close()
    copy = SqliteStore(path)
    try:
        return {e.id for e in copy.events(code) if e.kind == CHOSE}
    finally:
        copy.close()


def test_a_backup_taken_while_writers_write_has_every_acknowledged_event(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    with Writers(store.path, cohort.code) as writers:
        for round_ in range(3):
            wait_for(lambda n=round_: len(writers.snapshot()) >= 30 * (n + 1), 60, "writers to write")
            before = writers.snapshot()
            target = tmp_path / f"copy-{round_}.sqlite"
            done = backup(store.path, target, cohort.code)
            after = writers.snapshot()
            copied = _copied_ids(target, cohort.code)
            assert before <= copied, f"{len(before - copied)} acknowledged event(s) missing from the copy"
            assert done.events >= len(before) and done.sessions == 1
            # Nothing the writers did not write; nothing half-written (the copy is one snapshot).
            assert copied <= after | writers.snapshot()
    final = {e.id for e in store.events(cohort.code) if e.kind == CHOSE}
    assert final == writers.snapshot()


def test_the_command_writes_the_copy_and_refuses_a_missing_session(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cohort, _ = free_cohort
    out = tmp_path / "backups" / "room.sqlite"
    assert main(["cohort", "backup", cohort.code, "-o", str(out), "--store", str(store.path)]) == 0
    assert "1 session(s) in all" in capsys.readouterr().err
    assert main(["cohort", "report", cohort.code, "--format", "json", "--store", str(out)]) == 0
    with pytest.raises(CohortError, match="no session"):
        backup(store.path, tmp_path / "other.sqlite", "ZZZZZZ")
    assert not (tmp_path / "other.sqlite").exists() and not list(tmp_path.glob(".other*"))
    with pytest.raises(CohortError, match="another file"):
        backup(store.path, store.path, cohort.code)
