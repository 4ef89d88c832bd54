"""The store: codes, schema migrations, idempotent appends, joining and rejoining, audited pacing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simgame.cohort import codes
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FACILITATOR, EventError, event_from_json, make_event
from simgame.cohort.migrations import LATEST, MIGRATIONS
from simgame.cohort.referee import EventRefused
from simgame.cohort.sessions import authorise, find
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort


def test_join_codes_are_unambiguous_and_normalised() -> None:
    for _ in range(200):
        code = codes.new_join_code()
        assert codes.is_valid_code(code)
        assert not set(code) & set("01OIL")
    assert codes.normalise_code(" fmh-2tc ") == "FMH2TC"


def test_find_refuses_a_malformed_code_with_a_hint(store: SqliteStore) -> None:
    with pytest.raises(CohortError, match="not a join code"):
        find(store, "hello!")
    with pytest.raises(CohortError, match="no session with code"):
        find(store, "AAAAAA")


def test_facilitator_key_is_checked_and_only_its_hash_stored(free_cohort: tuple[Cohort, str]) -> None:
    cohort, key = free_cohort
    assert key not in cohort.key_hash
    authorise(cohort, key)
    with pytest.raises(CohortError, match="does not match"):
        authorise(cohort, key + "x")
    with pytest.raises(CohortError, match="facilitator key"):
        authorise(cohort, None)


@pytest.mark.sqlite_only
def test_a_new_file_is_migrated_to_the_latest_schema(store: SqliteStore) -> None:
    assert store.version() == LATEST
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_migrating_a_version_1_file_keeps_its_data_and_drops_duplicate_steps(cohort_env: Path) -> None:
    path = cohort_env / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    db.execute("INSERT INTO cohorts VALUES ('ABCDEF','Old','tiny','tiny','h',0,'free',0,-1,0,'k','2026-01-01',NULL)")
    db.execute("INSERT INTO players VALUES ('p-1','ABCDEF','Ann',NULL,'2026-01-01')")
    for seq, eid in ((1, "aaaaaaaa1"), (2, "aaaaaaaa2")):  # version 1 allowed two choices for one step
        db.execute(
            "INSERT INTO events VALUES (?,?,'ABCDEF','p-1','chose',0,'{\"choice\": \"scale-now\"}','t')", (seq, eid)
        )
    db.commit()
    db.close()
    store = SqliteStore(path)
    try:
        assert store.version() == LATEST
        assert store.players("ABCDEF")[0].origin == "terminal"
        assert [e.id for e in store.events("ABCDEF")] == ["aaaaaaaa1"]
        assert store.cached("nothing") is None
    finally:
        store.close()


def test_a_file_from_a_newer_simgame_is_refused_untouched(cohort_env: Path) -> None:
    path = cohort_env / "future.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    with pytest.raises(CohortError, match="newer simgame"):
        SqliteStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
    db.close()


def test_a_retried_event_is_stored_once(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    player, created = store.join(cohort.code, "Ann", None)
    assert created
    event = make_event(CHOSE, player.id, 0, {"choice": "scale-now", "scene": "kickoff"})
    assert store.append(cohort.code, [event]) == 1
    assert store.append(cohort.code, [event, event]) == 0
    # The same answer under a second id (a client that lost its outbox) is not counted either;
    # another answer to a decision already made is refused with the reason.
    same = make_event(CHOSE, player.id, 0, {"choice": "scale-now", "scene": "kickoff"})
    assert store.append(cohort.code, [same]) == 0
    other = make_event(CHOSE, player.id, 0, {"choice": "name-owner", "scene": "kickoff"})
    with pytest.raises(EventRefused, match="already answered with another option"):
        store.append(cohort.code, [other])
    chose = [e for e in store.events(cohort.code) if e.kind == CHOSE]
    assert [(e.id, e.data["choice"]) for e in chose] == [(event.id, "scale-now")]


def test_rejoining_resumes_the_same_player(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    first, created = store.join(cohort.code, "  Blue   Heron ", "Ops")
    again, created_again = store.join(cohort.code, "Blue Heron", None)
    assert created and not created_again
    assert first == again and first.name == "Blue Heron" and first.team == "Ops"
    assert len(store.players(cohort.code)) == 1
    assert [e.kind for e in store.events(cohort.code)] == ["joined"]


def test_names_are_checked(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    with pytest.raises(CohortError, match="1 to 40"):
        store.join(free_cohort[0].code, "x" * 41, None)
    with pytest.raises(CohortError, match="1 to 40"):
        store.join(free_cohort[0].code, "   ", None)


def test_events_for_a_player_of_another_cohort_are_refused(
    store: SqliteStore, free_cohort: tuple[Cohort, str], lockstep_cohort: tuple[Cohort, str]
) -> None:
    stranger, _ = store.join(lockstep_cohort[0].code, "Zed", None)
    with pytest.raises(CohortError, match="not in this session"):
        store.append(free_cohort[0].code, [make_event(CHOSE, stranger.id, 0, {"choice": "scale-now"})])


def test_a_closed_cohort_refuses_live_joins_but_accepts_imports(
    store: SqliteStore, free_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = free_cohort
    store.set_pacing(cohort.code, make_event(FACILITATOR, None, None, {"action": "close"}), closed="2026-01-01")
    with pytest.raises(CohortError, match="closed"):
        store.join(cohort.code, "Late", None)
    player, _ = store.join(cohort.code, "Late", None, origin="import", allow_closed=True)
    assert player.origin == "import"


def test_malformed_client_events_are_refused_with_the_field() -> None:
    with pytest.raises(EventError, match="event id"):
        event_from_json({"id": "x", "kind": "chose", "step": 0, "data": {"choice": "a"}}, player="p-1")
    with pytest.raises(EventError, match="unknown event kind"):
        event_from_json({"id": "abcdefgh12", "kind": "hacked", "step": 0}, player="p-1")
    with pytest.raises(EventError, match="choice id"):
        event_from_json({"id": "abcdefgh12", "kind": "chose", "step": 0, "data": {}}, player="p-1")
    with pytest.raises(EventError, match="whole number"):
        event_from_json({"id": "abcdefgh12", "kind": "chose", "step": -1, "data": {"choice": "a"}}, player="p-1")
    with pytest.raises(EventError, match="too large"):
        event_from_json({"id": "abcdefgh12", "kind": "chose", "step": 0, "data": {"choice": "a" * 5000}}, player="p-1")


def test_the_store_location_can_be_overridden(
    cohort_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from simgame.cohort.store import default_store_path

    assert default_store_path() == cohort_env / "cohorts.sqlite"
    assert default_store_path(tmp_path / "elsewhere") == tmp_path / "elsewhere" / "cohorts.sqlite"
    monkeypatch.setenv("SIMGAME_COHORT_DB", str(tmp_path / "hub.sqlite"))  # what the hub gives its games
    assert default_store_path(tmp_path / "elsewhere") == tmp_path / "hub.sqlite"
