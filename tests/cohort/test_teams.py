"""A session's teams: the facilitator lists them, players choose one of them (in any case), and a
browser whose device already plays in the session is recognised before it is asked its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.client import DEVICE_ENV, welcome
from simgame.cohort.errors import CohortError
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore


def test_players_choose_one_of_the_sessions_teams(store: SqliteStore) -> None:
    cohort, _ = create(store, "tiny", "Offsite", "free", teams=("Finance", "Operations"))
    assert store.cohort(cohort.code).teams == ("Finance", "Operations")
    player, _ = store.join(cohort.code, "Ana", "finance", device="a" * 20)
    assert player.team == "Finance"  # as the session spells it
    with pytest.raises(CohortError, match="this session's teams are Finance, Operations"):
        store.join(cohort.code, "Ben", "Marketing", device="b" * 20)
    assert [p.name for p in store.players(cohort.code)] == ["Ana"]


def test_a_session_without_a_list_takes_any_team(store: SqliteStore) -> None:
    cohort, _ = create(store, "tiny", "Open room", "free")
    assert store.cohort(cohort.code).teams == ()
    player, _ = store.join(cohort.code, "Ana", "Whoever", device="a" * 20)
    assert player.team == "Whoever"


def test_a_list_with_a_team_twice_or_an_unsafe_name_is_refused(store: SqliteStore) -> None:
    with pytest.raises(CohortError, match="listed twice"):
        create(store, "tiny", "Offsite", "free", teams=("Finance", "FINANCE"))
    with pytest.raises(CohortError, match="control characters"):
        create(store, "tiny", "Offsite", "free", teams=("Fin\x1b[2Jance",))
    assert store.cohorts() == []


def test_the_device_is_recognised_before_the_name_is_asked(
    store: SqliteStore, cohort_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort, _ = create(store, "tiny", "Offsite", "free", teams=("Finance",))
    monkeypatch.setenv(DEVICE_ENV, "d" * 24)
    first = welcome(cohort.code.lower(), saves=cohort_env)
    assert first.teams == ("Finance",) and first.returning is None
    store.join(cohort.code, "Bea", "Finance", origin="browser", device="d" * 24)
    assert welcome(cohort.code, saves=cohort_env).returning == "Bea"
    monkeypatch.setenv(DEVICE_ENV, "e" * 24)  # another browser: asked its name
    assert welcome(cohort.code, saves=cohort_env).returning is None


def test_create_on_the_command_line(cohort_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cohort", "create", "--scenario", "tiny", "--name", "Offsite", "--teams", "Finance, Ops ,"]
    assert main([*args, "--programme", "Leading with AI 2027"]) == 0
    out = capsys.readouterr().out
    assert "Teams            Finance, Ops" in out and "Programme        Leading with AI 2027" in out
    assert main(["cohort", "create", "--scenario", "tiny", "--name", "X", "--teams", "A,a"]) == 1
    assert "the team 'a' is listed twice" in capsys.readouterr().err


def test_a_new_session_joins_an_existing_programme_in_its_spelling(store: SqliteStore) -> None:
    first, _ = create(store, "tiny", "Leeds", "free", programme="Leading with AI 2027")
    second, _ = create(store, "tiny", "York", "free", programme="  leading with ai   2027 ")
    assert store.cohort(second.code).programme == first.programme == "Leading with AI 2027"


def test_a_session_s_teams_can_be_set_later_with_its_key(
    store: SqliteStore, capsys: pytest.CaptureFixture[str]
) -> None:
    cohort, key = create(store, "tiny", "Offsite", "free")
    assert main(["cohort", "teams", cohort.code]) == 0
    assert "offers no list of teams" in capsys.readouterr().out
    assert main(["cohort", "teams", cohort.code, "--set", "Finance, HR", "--key", "wrong-key"]) == 1
    assert store.cohort(cohort.code).teams == ()
    assert main(["cohort", "teams", cohort.code, "--set", "Finance, HR", "--key", key]) == 0
    assert "players now choose from Finance, HR" in capsys.readouterr().out
    assert store.cohort(cohort.code).teams == ("Finance", "HR")
    player, _ = store.join(cohort.code, "Ana", "hr", device="a" * 20)
    assert player.team == "HR"
    assert any(e.data.get("action") == "teams" for e in store.events(cohort.code))  # logged
    assert main(["cohort", "teams", cohort.code, "--clear", "--key", key]) == 0
    assert store.cohort(cohort.code).teams == ()
