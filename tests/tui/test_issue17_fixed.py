"""Issue 17: what the audit of its tests found broken (now fixed), kept as tests so it stays fixed.

Item 3: two places where the key bar offers a key that does not do what it says. Item 7: the
question `q` asks before leaving a run is the one screen of a run whose drawn lines fall below
WCAG AA's 3:1 in the high-contrast theme (the buttons' top and bottom edges).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.tui.support import home_ready, make_app, screen_name, until_screen
from tests.tui.test_contrast import _failures
from tests.tui.test_flows import start_tiny
from tests.tui.test_keys import bar


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_saved_runs_offers_enter_only_when_there_is_a_run_to_open(
    library: Path, saves: Path, size: tuple[int, int]
) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        listing = app.screen.query_one("#saves", OptionList)
        await pilot.pause(0.2)
        assert listing.option_count == 1 and "No saved runs yet" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert screen_name(app) == "LoadScreen"  # Enter had nothing to open...
        assert "⏎" not in bar(app), f"...but the key bar offers it: {bar(app)!r}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_q_in_the_glossary_does_what_the_key_bar_says(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await pilot.press("g")
        await until_screen(pilot, "GlossaryScreen")
        offered = "q Quit" in bar(app)
        await pilot.press("q")
        await pilot.pause(0.3)
        asked = screen_name(app) == "ConfirmScreen"
        assert asked or not offered, f"the key bar offers {bar(app)!r}, but q went into the search box"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_quit_question_meets_aa_in_high_contrast(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=size) as pilot:
        app.theme = "simgame-high-contrast"
        await start_tiny(pilot)
        await pilot.press("q")
        await until_screen(pilot, "ConfirmScreen")
        await pilot.pause()
        problems = _failures(app, "the quit question")
    assert not problems, "\n".join(problems)
