"""SVG snapshots of the main screens at 80x24 (play also at 120x40 and 60x18): fixed seed and run ids, no cursor blink.

Update after an intended change with: SIMGAME_UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_snapshots.py
"""

from __future__ import annotations

from pathlib import Path

from tests.tui.snapshots import assert_snapshot
from tests.tui.support import SIZE, home_ready, make_app, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, start_tiny, take


async def test_home(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        assert_snapshot(app.export_screenshot(), "home")


async def test_play(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "scale-now")  # -> drift -> incident: a failure phase, a locked choice
        assert_snapshot(app.export_screenshot(), "play")


async def test_consequence(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press(key_for(app, "scale-now"))
        await wait_for(pilot, lambda: showing_consequence(app))
        assert_snapshot(app.export_screenshot(), "consequence")


async def test_debrief(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: app.screen.range is not None)
        assert_snapshot(app.export_screenshot(), "debrief")


async def test_glossary(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press("g")
        await until_screen(pilot, "GlossaryScreen")
        await pilot.press(*"human")
        assert_snapshot(app.export_screenshot(), "glossary")


async def test_play_wide(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_tiny(pilot)
        await take(pilot, "scale-now")
        assert_snapshot(app.export_screenshot(), "play-120x40")


async def test_play_after_a_resize_to_60x18(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_tiny(pilot)
        await take(pilot, "scale-now")
        await pilot.resize_terminal(60, 18)
        await wait_for(pilot, lambda: app.screen.has_class("narrow"))
        await pilot.pause(0.2)
        assert_snapshot(app.export_screenshot(), "play-60x18")
