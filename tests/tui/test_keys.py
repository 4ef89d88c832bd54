"""Only what applies: the palette, Help and the key bar list the game's keys, in the game's words.

Also: `q` asks before leaving a run on every screen, identical toasts merge, and the export waits
for the reference range (or says it has none).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from textual.command import CommandList

from simgame.tui.widgets.keybar import KeyBar
from tests.tui.support import SIZE, home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import start_tiny, take, text_of

TEXTUAL_WORDS = ("Down", "First", "Last", "Focus Next", "Scroll Left", "Copy", "Select", "Page Right", "super+c")
TEXTUAL_COMMANDS = ("Theme", "Change theme", "Keys", "Screenshot", "Maximize", "Bell")  # its system commands


async def palette_names(pilot) -> list[str]:
    await pilot.press("ctrl+p")
    await until_screen(pilot, "CommandPalette")
    listing = pilot.app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: listing.option_count > 0)
    await pilot.pause(0.3)
    names = [str(listing.get_option_at_index(i).prompt).split("\n")[0] for i in range(listing.option_count)]
    await pilot.press("escape")
    return names


def bar(app) -> str:
    return app.screen.query_one(KeyBar).content.plain


async def test_the_palette_lists_only_what_applies_on_each_screen(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        home = await palette_names(pilot)
        assert "Open scenario: The Tiny Pilot" in home and "Saved runs" in home
        assert {"Theme: light", "Theme: high contrast"} <= set(home)
        await start_tiny(pilot)
        play = await palette_names(pilot)
        choices = [n for n in play if n.startswith("Choose")]
        assert sorted(choices) == [
            "Choose 1: Name an owner with authority to switch it off, then scale",
            "Choose 2: Scale to every region now",
        ]
        for names in (home, play):
            assert not [n for n in names if n in TEXTUAL_WORDS + TEXTUAL_COMMANDS or "Choose option" in n]
            assert len(names) == len(set(names)) and names.count("Quit") == 1
            assert not [
                n
                for n in names
                if n.startswith("Theme: ") and n.removeprefix("Theme: ") not in ("light", "high contrast", "dark")
            ]
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        debrief = await palette_names(pilot)
        assert "Export debrief" in debrief
        assert "What if… back to decision 1: Monday" in debrief and "What if… back to decision 2: Rollout" in debrief
        assert not [n for n in debrief if n in TEXTUAL_WORDS or n == "Compare"]  # not a branch: nothing to compare


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_help_lists_the_games_keys_in_its_words(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await pilot.press("f1")
        await until_screen(pilot, "HelpScreen")
        keys = text_of(app, "#help-keys")
        assert re.search(r"^Enter +Choose the highlighted option", keys, re.M)
        assert re.search(r"^1-2/Enter +Choose an option by its number", keys, re.M)
        assert "PgDn" in keys and "Scroll the text down a page" in keys
        for word in ("Select", "super+c", "^pgdn", "Page Right", "Focus Next", "Choose option 4", "1-9"):
            assert word not in keys, word


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_enter_shows_in_every_footer_where_it_acts(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        assert bar(app).startswith("⏎ Open")
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        assert "⏎ Start" in bar(app)
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert bar(app).startswith("1-2/⏎ Choose")
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.showing_consequence)
        assert bar(app).startswith("⏎ Continue")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.showing_consequence)
        await take(pilot, "keep-running" if app.session.run.scene_id == "incident" else "measure")
        await until_screen(pilot, "DebriefScreen")
        assert "⏎" not in bar(app)  # Enter does nothing on the Outcome tab: not offered
        await pilot.press("w")
        await wait_for(pilot, lambda: "⏎ Go back" in bar(app))
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        assert bar(app).startswith("⏎ Open")


async def test_the_debrief_footer_fits_80_columns(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        shown = bar(app)
        assert len(shown) <= 78 and "e Export" in shown and "F1 Help" in shown and "o Outcome" in shown
        assert "Go back" not in shown
        await pilot.press("w")
        await wait_for(pilot, lambda: "⏎ Go back" in bar(app))
        assert len(bar(app)) <= 78


async def test_q_asks_before_leaving_a_run_on_every_screen(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        for opener, screen in (("", "PlayScreen"), ("f1", "HelpScreen"), ("t", "TermsScreen")):
            if opener:
                await pilot.press(opener)
                await until_screen(pilot, screen)
            await pilot.press("q")
            await until_screen(pilot, "ConfirmScreen")
            await pilot.press("n")  # keep playing
            await until_screen(pilot, screen)
            if opener:
                await pilot.press("escape")
                await until_screen(pilot, "PlayScreen")
        await pilot.press("q")
        await until_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.return_value == 0)
    assert "Your progress is kept in" in app.farewell


async def test_q_quits_from_the_library_without_a_question(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_value == 0)


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_identical_toasts_merge(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: app.screen.range is not None)
        for _ in range(4):
            await pilot.press("e")
        await pilot.pause(0.2)
        assert len(list(app._notifications)) == 1
        app.notify("something else")
        await pilot.pause(0.1)
        assert len(list(app._notifications)) == 2


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_export_waits_for_the_reference_range(
    library: Path, saves: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    from simgame.tui import explore

    ready = threading.Event()
    real = explore.outcome_range

    def slow(*args, **kwargs):
        ready.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(explore, "outcome_range", slow)
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        path = saves / "debriefs" / "tiny-run-1.md"
        await pilot.press("e")
        await pilot.pause(0.2)
        assert not path.exists() and "Working out the reference range" in text_of(app, "#debrief-status")
        ready.set()
        await wait_for(pilot, path.exists)
        for _ in range(3):
            await pilot.press("e")
        await pilot.pause(0.2)
        assert len(list(app._notifications)) == 1  # four exports, one toast
    assert "## Compared with what was possible" in path.read_text()


async def test_export_says_when_there_is_no_reference_range(
    library: Path, saves: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simgame.tui import explore

    def missing(*args, **kwargs):
        raise explore.ReferenceUnavailable("no outcome map could be built here")

    monkeypatch.setattr(explore, "outcome_range", missing)
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: bool(app.screen.range_error))
        await pilot.press("e")
        path = saves / "debriefs" / "tiny-run-1.md"
        await wait_for(pilot, path.exists)
        assert "without the reference range" in text_of(app, "#debrief-status")
        assert screen_name(app) == "DebriefScreen"
    assert "Not available: no outcome map could be built here" in path.read_text()
