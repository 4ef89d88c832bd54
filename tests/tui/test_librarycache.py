"""The library's start-up cache: shown before the engine loads, ignored when stale or corrupt, never played."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import OptionList

from simgame.tui.librarycache import Row, cache_path, load_rows, save_rows, stamp
from tests.tui.support import SIZE, home_ready, make_app, screen_name, until_screen

BRACKETS = "[REDACTED] [b]not bold[/b]"


def test_rows_round_trip_and_a_stale_or_corrupt_cache_is_ignored(library: Path, saves: Path, tmp_path: Path) -> None:
    path = cache_path(tmp_path / "cache", library, saves)
    rows = [Row("scenario:1", Text.assemble(("Title ", "bold"), BRACKETS), False, Text(BRACKETS, "italic"))]
    now = stamp(library, saves)
    save_rows(path, now, rows)
    got = load_rows(path, stamp(library, saves))
    assert got is not None and got[0].label.plain == f"Title {BRACKETS}" and got[0].detail.plain == BRACKETS
    assert [(s.start, s.end, str(s.style)) for s in got[0].label.spans] == [(0, 6, "bold")]
    tiny = library / "tiny.yaml"
    before = tiny.stat()
    text = tiny.read_text()
    tiny.write_text(text.replace("The Tiny Pilot", "The Tiny Pilox"))  # same size, same time: only the hash differs
    os.utime(tiny, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert tiny.stat().st_size == before.st_size and load_rows(path, stamp(library, saves)) is None
    tiny.write_text(text)
    os.utime(tiny, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_rows(path, stamp(library, saves)) is not None
    (saves / "new-run.json").write_text("{}")  # a new save: the rows (best results, runs to resume) are stale
    assert load_rows(path, stamp(library, saves)) is None
    save_rows(path, stamp(library, saves), rows)
    path.write_text('{"stamp": ' + path.read_text()[10:40])  # cut short: corrupt
    assert load_rows(path, stamp(library, saves)) is None
    path.write_text("not json at all")
    assert load_rows(path, stamp(library, saves)) is None


async def test_the_cached_library_shows_at_once_and_opening_waits_for_the_real_load(
    library: Path, saves: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = make_app(library, saves, library_cache=cache)
    async with first.run_test(size=SIZE) as pilot:
        await home_ready(pilot)  # the real load writes the cache
    assert list(cache.glob("library-*.json"))
    # The real load waits an hour, not 0.4 s: what the screen shows before it cannot depend on the
    # machine's speed, and Enter must start it at once.
    monkeypatch.setattr("simgame.tui.screens.home.LOAD_DELAY", 3600.0)
    again = make_app(library, saves, library_cache=cache)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = again.screen
        listing = home.query_one("#library", OptionList)
        assert again.catalog is None and home.filled_at is not None  # from the cache, before the engine
        assert listing.highlighted_option.id == "scenario:1"
        assert "The Tiny Pilot" in str(listing.highlighted_option.prompt)
        await pilot.press("enter")  # opens once the real load has checked the file
        await until_screen(pilot, "BriefingScreen")
        assert again.catalog is not None and again.screen.scenario.title == "The Tiny Pilot"


async def test_a_stale_cache_is_not_shown(library: Path, saves: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = make_app(library, saves, library_cache=cache)
    async with first.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
    tiny = library / "tiny.yaml"
    tiny.write_text(tiny.read_text().replace("title: The Tiny Pilot", "title: The Renamed Pilot"))
    again = make_app(library, saves, library_cache=cache)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.screen.filled_at is None or again.catalog is not None  # nothing from the stale cache
        await home_ready(pilot)
        listing = again.screen.query_one("#library", OptionList)
        prompts = " ".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))
        assert "The Renamed Pilot" in prompts and "The Tiny Pilot" not in prompts
        assert screen_name(again) == "HomeScreen"
