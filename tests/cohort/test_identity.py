"""Identity by device, not by name: tokens, names in any case, and the facilitator's allow, rename, merge, remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FACILITATOR, make_event
from simgame.cohort.liveview import build
from simgame.cohort.resultfile import ImportConflict, import_file
from simgame.cohort.resultfile import build as build_file
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort, NameTaken
from simgame.engine.run import Run
from simgame.format.compiled import Scenario

PHONE, LAPTOP, TABLET = "phone-token-0000001", "laptop-token-000001", "tablet-token-000001"


def _audit(store: SqliteStore, code: str) -> list[str]:
    return [e.data["action"] for e in store.events(code) if e.kind == FACILITATOR]


def test_rejoining_from_the_same_device_resumes_and_another_device_is_told_the_name_is_taken(
    store: SqliteStore, free_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = free_cohort
    chen, created = store.join(cohort.code, "Chen", None, device=PHONE)
    assert created
    assert store.join(cohort.code, "Chen", None, device=PHONE) == (chen, False)
    assert store.join(cohort.code, "  CHEN ", None, device=PHONE) == (chen, False)  # any case, any spacing
    for name in ("chen", "Chen", "CHEN"):
        with pytest.raises(NameTaken, match="already taken in this session"):
            store.join(cohort.code, name, None, device=LAPTOP)
    with pytest.raises(NameTaken):
        store.join(cohort.code, "chen", None)  # a file or a tool without a device is not Chen either
    assert store.player_for_device(cohort.code, chen.id, PHONE) == chen
    with pytest.raises(Exception, match="not the one this player joined from"):
        store.player_for_device(cohort.code, chen.id, LAPTOP)
    assert [p.name for p in store.players(cohort.code)] == ["Chen"]


def test_the_facilitator_can_let_a_new_device_in_once(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, key = free_cohort
    chen, _ = store.join(cohort.code, "Chen", None, device=PHONE)
    assert main(["cohort", "players", cohort.code, "--allow", "CHEN", "--key", key]) == 0
    assert store.join(cohort.code, "chen", None, device=LAPTOP) == (chen, False)  # the laptop is Chen now
    assert store.join(cohort.code, "Chen", None, device=PHONE) == (chen, False)  # and so is the phone
    with pytest.raises(NameTaken):
        store.join(cohort.code, "Chen", None, device=TABLET)  # allowing is for one new device
    assert _audit(store, cohort.code) == ["allow-device"]


def test_rename_merge_and_remove_are_audited_and_counted_right(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    cohort, key = free_cohort
    ann, _ = store.join(cohort.code, "Ann", None, device=PHONE)
    ann2, _ = store.join(cohort.code, "Ann laptop", None, device=LAPTOP)
    bot, _ = store.join(cohort.code, "Bot", None, device=TABLET)
    for who in (ann, ann2, bot):
        store.append(cohort.code, [make_event(CHOSE, who.id, 0, {"choice": "name-owner"})])
    base = ["cohort", "players", cohort.code, "--key", key]
    assert main([*base, "--rename", "Bob", "X"]) == 1
    assert "no player called Bob" in capsys.readouterr().err
    assert main([*base, "--rename", "Ann laptop", "ANN"]) == 1  # taken, whatever the case
    assert "already called Ann" in capsys.readouterr().err
    assert main([*base, "--rename", "ann", "Anna"]) == 0  # found whatever the case
    assert store.join(cohort.code, "Ann", None, device=PHONE)[0].id == ann.id  # her old name still finds her
    assert main([*base, "--merge", "Ann laptop", "Anna"]) == 0
    assert store.join(cohort.code, "Ann laptop", None, device=LAPTOP)[0].id == ann.id  # the laptop opens Anna
    assert main([*base, "--remove", "bot"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in store.players(cohort.code)) == ["Anna"]
    assert len(analyse(store, cohort.code, tiny).players) == 1 and len(build(store, cohort.code, tiny).rows) == 1
    assert _audit(store, cohort.code) == ["rename", "merge", "remove"]
    assert sum(e.kind == CHOSE for e in store.events(cohort.code)) == 3  # the log keeps everything
    assert store.join(cohort.code, "Bot", None, device=LAPTOP)[1]  # a removed player's name is free again
    assert main(["cohort", "players", cohort.code]) == 0
    assert "Anna" in capsys.readouterr().out
    assert main(["cohort", "players", cohort.code, "--remove", "Anna", "--key", "wrong"]) == 1


def test_players_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["cohort", "players", "--help"])
    out = capsys.readouterr().out
    assert "--allow Chen" in out and "--merge" in out and "--rename" in out and "--remove" in out


def _file(tmp_path: Path, cohort: Cohort, tiny: Scenario, name: str, choices: list[str]) -> Path:
    path = tmp_path / f"{name}-{'-'.join(choices)}.json"
    path.write_text(json.dumps(build_file(cohort.code, name, None, Run.replay(tiny, cohort.seed, choices))))
    return path


def test_an_import_that_conflicts_with_a_player_is_a_conflict_not_already_imported(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tiny: Scenario,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, key = free_cohort
    chen, _ = store.join(cohort.code, "Chen", None, device=PHONE)
    store.append(cohort.code, [make_event(CHOSE, chen.id, 0, {"choice": "scale-now"})])
    other = _file(tmp_path, cohort, tiny, "chen", ["name-owner", "measure"])
    with pytest.raises(ImportConflict, match="Chen is already in this session and their game differs"):
        import_file(store, cohort, tiny, other)
    assert main(["cohort", "import", cohort.code, str(other), "--key", key]) == 1
    err = capsys.readouterr()
    assert "conflict" in err.err and "already imported" not in err.out
    # Chen's own game, finished offline (it starts with the choice the hub has): it completes Chen.
    own = _file(tmp_path, cohort, tiny, "Chen", ["scale-now", *_rest(tiny, cohort.seed)])
    assert import_file(store, cohort, tiny, own)[0] == "Chen"
    assert [p.name for p in store.players(cohort.code)] == ["Chen"]


def _rest(tiny: Scenario, seed: int) -> list[str]:
    run = Run.replay(tiny, seed, ["scale-now"])
    while not run.ended:
        run.choose(run.available()[0])
    return run.choice_log[1:]
