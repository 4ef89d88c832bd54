"""Issue 17, item 6: the whole game in German chosen the ways a player chooses it, at 80x24 and 120x40.

tests/tui/test_i18n.py plays German by building the app with ``lang="de"``; here the language comes
through the real command line: ``simgame play --lang de``, or ``lang = "de"`` in the config file
with no flag, and $SIMGAME_LANG wins over the file. The game started that way is played from the
library to the debrief and read back from the screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simgame.tui.app import SimgameApp
from tests.tui.support import counter_ids, home_ready, make_library, screen_text, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, text_of

SIZES = [(80, 24), (120, 40)]


def app_from_the_command_line(argv: list[str], library: Path, monkeypatch: pytest.MonkeyPatch) -> SimgameApp:
    """Run ``simgame ARGV`` up to the point the game would take the terminal; return that game.

    The options are the CLI's (flags, environment, config file); only the library folder, the
    deterministic run ids and the cursor are set for the test, and no start-up cache is kept."""
    from simgame import cli
    from simgame.tui import launch
    from simgame.tui.options import from_namespace

    seen: list[Any] = []
    monkeypatch.setattr(launch, "launch", lambda args: seen.append(args) or 0)
    assert cli.main(argv) == 0 and len(seen) == 1
    options = from_namespace(seen[0])
    options.scenarios_dir, options.library_cache = library, None
    options.run_id_factory, options.cursor_blink = counter_ids(), False
    return SimgameApp(options)


async def play_through(pilot: Any) -> dict[str, str]:
    """Library -> briefing -> two decisions -> debrief (outcome and metrics): what each screen showed."""
    app = pilot.app
    seen: dict[str, str] = {}
    await home_ready(pilot)
    seen["library"] = screen_text(app)
    await pilot.press("enter")
    await until_screen(pilot, "BriefingScreen")
    seen["briefing"] = screen_text(app)
    await pilot.press("enter")
    await until_screen(pilot, "PlayScreen")
    seen["scene"] = screen_text(app)
    await pilot.press(key_for(app, "name-owner"))
    await wait_for(pilot, lambda: showing_consequence(app))
    seen["consequence"] = screen_text(app)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not showing_consequence(app))
    await pilot.press(key_for(app, "measure"))
    await wait_for(pilot, lambda: showing_consequence(app))
    await pilot.press("enter")
    await until_screen(pilot, "DebriefScreen")
    seen["debrief"] = screen_text(app) + "\n" + text_of(app, "#outcome-text")
    await pilot.press("m")
    await wait_for(pilot, lambda: bool(app.screen.query("#metrics-text")) and bool(text_of(app, "#metrics-text")))
    seen["metrics"] = text_of(app, "#metrics-text")
    return seen


def assert_german(seen: dict[str, str]) -> None:
    assert "Szenarien" in seen["library"] and "Das kleine Pilotprojekt" in seen["library"]
    assert "Ihre Rolle" in seen["briefing"]
    assert "Montag" in seen["scene"] and "Wählen" in seen["scene"]
    assert "Priya übernimmt die Rolle." in seen["consequence"] and "besser" in seen["consequence"]
    assert "Ende: Durchwursteln" in seen["debrief"] and "Ergebnisprofil" in seen["debrief"]
    assert "Realisierter Wert begann bei 30." in " ".join(seen["metrics"].split())
    english = ("Scenarios", "Your role", "Choose", "better", "Outcome profile", "started at")
    assert not [w for name, text in seen.items() for w in english if w in text], "English left on a German screen"


@pytest.mark.parametrize("size", SIZES)
async def test_lang_flag_plays_the_whole_game_in_german(
    tmp_path: Path, saves: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    library = make_library(tmp_path / "library", german=True)
    argv = ["play", "--lang", "de", "--saves", str(saves), "--seed", "1"]
    app = app_from_the_command_line(argv, library, monkeypatch)
    async with app.run_test(size=size) as pilot:
        assert_german(await play_through(pilot))


@pytest.mark.parametrize("size", SIZES)
async def test_the_config_file_alone_plays_the_whole_game_in_german(
    tmp_path: Path, saves: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    library = make_library(tmp_path / "library", german=True)
    config = tmp_path / "config.toml"
    config.write_text('lang = "de"\n', encoding="utf-8")
    monkeypatch.setenv("SIMGAME_CONFIG", str(config))
    monkeypatch.delenv("SIMGAME_LANG", raising=False)
    app = app_from_the_command_line(["play", "--saves", str(saves), "--seed", "1"], library, monkeypatch)
    async with app.run_test(size=size) as pilot:
        assert_german(await play_through(pilot))


async def test_the_environment_wins_over_the_config_file(
    tmp_path: Path, saves: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = make_library(tmp_path / "library", german=True)
    config = tmp_path / "config.toml"
    config.write_text('lang = "de"\n', encoding="utf-8")
    monkeypatch.setenv("SIMGAME_CONFIG", str(config))
    monkeypatch.setenv("SIMGAME_LANG", "en")
    app = app_from_the_command_line(["play", "--saves", str(saves)], library, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        shown = screen_text(app)
        assert "Scenarios" in shown and "The Tiny Pilot" in shown and "Szenarien" not in shown
