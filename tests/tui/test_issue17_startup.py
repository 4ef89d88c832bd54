"""Issue 17, item 1 (start-up) at 120x40, where tests/tui/test_librarycache.py plays it at 80x24.

On a start after the first, the library is filled from its cache before the engine loads and
answers the keys at once (Down moves the highlight and the detail follows), the wide layout shows
the rows whole, and Enter on a scenario waits for the real load instead of playing from the cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.tui.support import home_ready, make_app, screen_text, until_screen, wait_for

WIDE = (120, 40)


async def test_the_cached_library_is_filled_and_answers_keys_before_the_engine(
    library: Path, saves: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = make_app(library, saves, library_cache=cache)
    async with first.run_test(size=WIDE) as pilot:
        await home_ready(pilot)
        shown_after_loading = screen_text(first)
    monkeypatch.setattr("simgame.tui.screens.home.LOAD_DELAY", 3600.0)  # the real load waits: only the cache
    again = make_app(library, saves, library_cache=cache)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        home = again.screen
        listing = home.query_one("#library", OptionList)
        assert again.catalog is None and home.filled_at is not None
        assert screen_text(again) == shown_after_loading  # the same screen as the loaded one, at once
        assert listing.highlighted_option.id == "scenario:1"
        await pilot.press("down")  # interactive while the engine is not loaded
        await wait_for(pilot, lambda: listing.highlighted_option.id == "invalid:0")
        assert again.catalog is None and "cannot be played yet" in screen_text(again)
        await pilot.press("up")
        await wait_for(pilot, lambda: listing.highlighted_option.id == "scenario:1")
        await pilot.press("enter")  # opens once the real load has checked the file
        await until_screen(pilot, "BriefingScreen")
        assert again.catalog is not None and again.screen.scenario.title == "The Tiny Pilot"
