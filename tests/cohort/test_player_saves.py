"""Each browser player has their own saves: the hub gives each game a folder keyed by its device."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simgame.cohort.gameprocess import game_environment
from simgame.tui.catalog import scan_saves
from simgame.tui.options import LaunchOptions
from tests.tui.support import SIZE, TINY, make_app, until_screen
from tests.tui.test_flows import take


def _game_saves(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Path:
    """The saves folder a browser game started with ``env`` uses (as `simgame play` resolves it)."""
    for key in ("SIMGAME_SAVES", "SIMGAME_CONFIG", "SIMGAME_SCENARIOS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        if key.startswith("SIMGAME_"):
            monkeypatch.setenv(key, value)
    return LaunchOptions().saves_dir()


async def test_a_browser_players_library_lists_only_their_own_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_tmp = tmp_path / "hub-tmp"
    monkeypatch.setenv("SIMGAME_SAVES", str(tmp_path / "facilitator-saves"))  # the facilitator's own folder
    ada = _game_saves(monkeypatch, game_environment(tmp_path / "cohort.db", hub_tmp, "ada-device-token-0123456789"))
    monkeypatch.setenv("SIMGAME_SAVES", str(tmp_path / "facilitator-saves"))
    bob = _game_saves(monkeypatch, game_environment(tmp_path / "cohort.db", hub_tmp, "bob-device-token-0123456789"))
    assert ada != bob and ada.parent == bob.parent == hub_tmp / "players"
    assert "device-token" not in str(ada) and tmp_path / "facilitator-saves" not in (ada, bob, ada.parent)
    again = game_environment(tmp_path / "cohort.db", hub_tmp, "ada-device-token-0123456789")
    assert _game_saves(monkeypatch, again) == ada  # the same browser, after a hub restart: the same saves

    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(TINY, library / "tiny.yaml")
    app = make_app(library, ada, scenario=str(library / "tiny.yaml"))  # Ada plays a run
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "BriefingScreen")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        await take(pilot, "name-owner")
        app.session.flush()
    assert len(scan_saves(ada)) == 1
    assert scan_saves(bob) == []  # Bob's library never lists Ada's run
