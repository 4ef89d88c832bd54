"""PostgreSQL's own machinery: one schema description for both backends, the session's row lock,
choosing the backend by URL, and plain words when the database cannot be reached."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from simgame.cli import main
from simgame.cohort import schema
from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, make_event
from simgame.cohort.postgres import PostgresStore
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.storage import open_store, store_location
from simgame.cohort.store import Changed
from simgame.settings import load_settings
from tests.cohort.hubsupport import wait_for
from tests.cohort.pgsupport import database, need_server

UNREACHABLE = "postgresql://simgame:s3cret-pw@127.0.0.1:1/simgame"


SQLITE_TYPES = {"SERIAL": "INTEGER"}
PG_TYPES = {"TEXT": "text", "INTEGER": "bigint", "SERIAL": "bigint"}


def _described(types: dict[str, str]) -> dict[str, list[tuple[str, str, bool, bool]]]:
    """Each table's columns: name, type, NOT NULL (a primary key is), primary key of its own."""
    return {
        t.name: [(c.name, types.get(c.type, c.type), not c.null or c.primary, c.primary) for c in t.columns]
        for t in schema.latest_tables()
    }


def _indexes() -> dict[str, tuple[str, tuple[str, ...], bool]]:
    return {i.name: (i.table, i.columns, i.unique) for i in schema.latest_indexes()}


def test_sqlite_files_reach_the_described_schema(cohort_env: Path) -> None:
    """SQLite's released scripts and the shared description agree, column by column, index by index."""
    store = SqliteStore(cohort_env / "c.sqlite")
    db = store._db
    tables = {}
    for name in _described(SQLITE_TYPES):
        rows = db.execute(f"PRAGMA table_info({name})").fetchall()
        single_pk = sum(1 for r in rows if r[5]) == 1
        tables[name] = [(r[1], r[2], bool(r[3]) or bool(r[5]), bool(r[5]) and single_pk) for r in rows]
    assert tables == _described(SQLITE_TYPES)
    found = {}
    for name, (table, _cols, _unique) in _indexes().items():
        row = db.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
        cols = tuple(r[2] for r in db.execute(f"PRAGMA index_info({name})").fetchall())
        unique = next(bool(r[2]) for r in db.execute(f"PRAGMA index_list({table})").fetchall() if r[1] == name)
        found[name] = (row[0], cols, unique)
    assert found == _indexes()
    store.close()


def test_a_postgresql_database_is_created_from_the_description() -> None:
    with database() as url:
        PostgresStore(url).close()
        with psycopg.connect(url) as db:
            tables = {}
            for name in _described(PG_TYPES):
                rows = db.execute(
                    "SELECT c.column_name, c.data_type, c.is_nullable = 'NO', EXISTS (SELECT 1 FROM information_schema"
                    ".key_column_usage k JOIN information_schema.table_constraints t USING (constraint_name) "
                    "WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name AND "
                    "k.column_name = c.column_name AND (SELECT count(*) FROM information_schema.key_column_usage "
                    "k2 WHERE k2.constraint_name = k.constraint_name) = 1) FROM information_schema.columns c "
                    "WHERE c.table_name = %s ORDER BY c.ordinal_position",
                    (name,),
                ).fetchall()
                tables[name] = [(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows]
            indexes = {
                r[0]: r[1]
                for r in db.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'").fetchall()
            }
            version = db.execute("SELECT version FROM simgame_schema").fetchall()
    assert tables == _described(PG_TYPES)
    for name, (table, cols, unique) in _indexes().items():
        assert f"INDEX {name} ON public.{table} USING btree ({', '.join(cols)})" in indexes[name]
        assert indexes[name].startswith("CREATE UNIQUE") == unique
    assert version == [(schema.LATEST,)]


def test_many_hubs_starting_at_once_migrate_once() -> None:
    with database() as url:
        stores: list[PostgresStore] = []
        threads = [threading.Thread(target=lambda: stores.append(PostgresStore(url))) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(stores) == 4 and {s.version() for s in stores} == {schema.LATEST}
        for s in stores:
            s.close()


def test_a_database_from_a_newer_simgame_is_refused_untouched() -> None:
    with database() as url:
        PostgresStore(url).close()
        with psycopg.connect(url) as db:
            db.execute("UPDATE simgame_schema SET version = %s", (schema.LATEST + 1,))
        with pytest.raises(CohortError, match="newer simgame"):
            PostgresStore(url)


def test_pacing_waits_for_another_hubs_write_to_the_session_and_sees_it(cohort_env: Path) -> None:
    """The compare-and-set holds the session's row: a write that started elsewhere is seen, never overwritten."""
    with database() as url:
        store = PostgresStore(url)
        cohort, _ = create(store, "tiny", "Locks", "lockstep")
        outcome: list[object] = []

        def facilitator() -> None:  # acts on decision 0 being the open one, as its screen shows
            action = make_event(FACILITATOR, None, None, {"action": "open", "by": "b"})
            try:
                outcome.append(store.set_pacing(cohort.code, action, open_step=1, expect={"open_step": 0}))
            except Changed as exc:
                outcome.append(exc)

        with psycopg.connect(url) as other:  # another hub, in the middle of its own pacing write
            other.execute("SELECT 1 FROM cohorts WHERE code = %s FOR UPDATE", (cohort.code,))
            thread = threading.Thread(target=facilitator)
            thread.start()
            with psycopg.connect(url, autocommit=True) as watcher:
                wait_for(
                    lambda: (
                        watcher.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                            "current_database()"
                        ).fetchone()
                        == (1,)
                    ),
                    30,
                    "the facilitator's write to wait for the other hub's",
                )
            other.execute("UPDATE cohorts SET open_step = 1, revision = revision + 1 WHERE code = %s", (cohort.code,))
            other.commit()
        thread.join(timeout=30)
        assert len(outcome) == 1 and isinstance(outcome[0], Changed)
        assert store.cohort(cohort.code).open_step == 1
        store.close()


def test_the_store_is_chosen_by_url_from_flag_environment_or_settings_file(
    cohort_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store_location() == cohort_env / "cohorts.sqlite"  # SQLite by default, no configuration
    url = "postgresql://hub@db.example:5433/simgame"
    config = tmp_path / "config.toml"
    config.write_text(f'store = "{url}"\n')
    monkeypatch.setenv("SIMGAME_CONFIG", str(config))
    assert store_location() == url
    monkeypatch.setenv("SIMGAME_STORE", str(tmp_path / "env.sqlite"))
    assert store_location() == tmp_path / "env.sqlite"
    assert store_location(url) == url  # the flag wins
    assert load_settings(store=url).cohort_store() == url
    monkeypatch.delenv("SIMGAME_STORE")
    config.write_text('store = "rooms/cohorts.sqlite"\n')  # a file, relative to the config file's folder
    assert store_location() == tmp_path / "rooms" / "cohorts.sqlite"
    config.write_text("store = 5\n")
    with pytest.raises(CohortError, match="`store` must be a file path or a postgresql:// URL"):
        store_location()


def test_a_hubs_browser_games_write_to_its_database(tmp_path: Path) -> None:
    from simgame.cohort.gameprocess import scrubbed_environment

    env = scrubbed_environment(UNREACHABLE, tmp_path)
    assert env["SIMGAME_STORE"] == UNREACHABLE and "SIMGAME_COHORT_DB" not in env
    assert scrubbed_environment(tmp_path / "c.sqlite", tmp_path)["SIMGAME_COHORT_DB"] == str(tmp_path / "c.sqlite")


def test_an_unreachable_database_is_said_plainly_with_its_host_only(
    cohort_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CohortError) as caught:
        open_store(UNREACHABLE)
    message = str(caught.value)
    assert message.startswith("cannot reach the cohort database on 127.0.0.1:1, database simgame")
    assert "s3cret" not in message
    assert main(["cohort", "show", "K7QF3M", "--store", UNREACHABLE]) == 1
    err = capsys.readouterr().err
    assert "cannot reach the cohort database on 127.0.0.1:1" in err
    assert "s3cret" not in err and "Traceback" not in err


def test_a_wrong_password_is_said_plainly_without_it(cohort_env: Path) -> None:
    parts = urlsplit(need_server())
    where = parts.netloc.rsplit("@", 1)[-1]
    wrong = urlunsplit((parts.scheme, f"simgame_test:not-the-password@{where}", parts.path, "", ""))
    with pytest.raises(CohortError) as caught:
        open_store(wrong)
    assert "password authentication failed" in str(caught.value) and "not-the-password" not in str(caught.value)
