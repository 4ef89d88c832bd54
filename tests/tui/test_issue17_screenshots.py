"""The screenshots in docs/playing.md: each screen is driven to as a player would, checked, then saved.

Every test plays the game with Pilot (keys only), asserts what the guide tells the reader to notice
on that screen, and with SIMGAME_DOC_IMAGES=1 also writes the screen as an SVG (Textual's own
``export_screenshot``) to ``docs/images/playing-*.svg``. Regenerate them all with:

    SIMGAME_DOC_IMAGES=1 .venv/bin/python -m pytest -n 0 tests/tui/test_issue17_screenshots.py

The images are reproducible: fixed seeds, run ids, clock (the saved-runs dates) and theme, and the
per-render terminal ids of Rich's SVG are normalised as in the snapshot tests, so a second run
writes the same bytes unless a screen changed.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList
from textual.widgets import Input, OptionList

from simgame.tui.widgets.keybar import KeyBar
from tests.tui.snapshots import normalise
from tests.tui.support import home_ready, make_app, make_library, screen_name, screen_text, until_screen, wait_for
from tests.tui.test_flows import showing_consequence, text_of

ROOT = Path(__file__).resolve().parents[2]
DOC_IMAGES = ROOT / "docs" / "images"
BUNDLED = ROOT / "scenarios"
SCENARIO = "From Pilot to Production"
SMALL, LARGE = (80, 24), (120, 40)
SHOTS = (
    "playing-library-80x24.svg",
    "playing-scene-80x24.svg",
    "playing-palette-120x40.svg",
    "playing-metrics-80x24.svg",
    "playing-high-contrast-80x24.svg",
    "playing-compare-120x40.svg",
    "playing-saved-runs-80x24.svg",
    "playing-german-80x24.svg",
)


class _Clock(datetime):
    """A fixed 'now' for the saves' dates, so the saved-runs screenshot is the same on every run."""

    @classmethod
    def now(cls, tz: Any = None) -> _Clock:  # type: ignore[override]
        return cls(2026, 3, 2, 9, 30, tzinfo=tz or UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from simgame.engine import saves
    from simgame.tui import session

    monkeypatch.setattr(saves, "datetime", _Clock)
    monkeypatch.setattr(session, "datetime", _Clock)


async def shoot(pilot: Any, name: str) -> None:
    """Write the screen to docs/images/NAME when SIMGAME_DOC_IMAGES=1; otherwise check the file still shows it.

    Waits for animations first (the tabs' underline slides), so the same screen is the same file."""
    assert name in SHOTS
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    app = pilot.app
    svg = normalise(app.export_screenshot(title=f"simgame · {name.removeprefix('playing-').removesuffix('.svg')}"))
    assert svg.startswith("<svg")
    target = DOC_IMAGES / name
    if os.environ.get("SIMGAME_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        target.write_text(svg, encoding="utf-8", newline="\n")
    else:  # the picture in the docs is the screen the game draws today, or this fails
        assert target.read_text(encoding="utf-8") == svg, (
            f"docs/images/{name} no longer shows what the game draws; if the change is intended, rerun "
            "with SIMGAME_DOC_IMAGES=1 (see docs/playing.md, how the screenshots are made)"
        )


def bar(app: Any) -> str:
    return app.screen.query_one(KeyBar).content.plain


async def open_scenario(pilot: Any, title: str) -> None:
    """Down through the library to ``title``, Enter for its briefing, Enter to start."""
    await home_ready(pilot)
    listing = pilot.app.screen.query_one("#library", OptionList)
    for _step in range(listing.option_count):
        option = listing.highlighted_option
        if option is not None and title in str(option.prompt).split("\n")[0]:
            break
        await pilot.press("down")
    assert title in str(listing.highlighted_option.prompt).split("\n")[0]
    await pilot.press("enter")
    await until_screen(pilot, "BriefingScreen")
    await pilot.press("enter")
    await until_screen(pilot, "PlayScreen")


async def decide(pilot: Any, choice_id: str) -> None:
    """Press the number the player sees for ``choice_id``, then Enter past what it did."""
    app = pilot.app
    made = len(app.session.run.choice_log)
    await pilot.press(str(next(o.number for o in app.session.run.options() if o.id == choice_id)))
    await wait_for(pilot, lambda: showing_consequence(app) or len(app.session.run.choice_log) > made)
    if showing_consequence(app):
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen" or not app.screen.showing_consequence)


async def play_to_the_debrief(pilot: Any, first: str | None = None) -> None:
    """``first`` at this decision (if given), then the first open option at each decision to the end."""
    app = pilot.app
    if first is not None:
        await decide(pilot, first)
    for _step in range(60):
        if screen_name(app) == "DebriefScreen":
            return
        await decide(pilot, next(o.id for o in app.session.run.options() if o.available))
    raise AssertionError("the run did not end within 60 decisions")


async def test_library_at_80x24(saves: Path) -> None:
    app = make_app(BUNDLED, saves, seed=3)
    async with app.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        shown = screen_text(app)
        assert "Scenarios" in shown and SCENARIO in shown and "not played yet" in shown
        assert bar(app).startswith("⏎ Open") and "l Saved runs" in bar(app)
        await shoot(pilot, "playing-library-80x24.svg")


async def test_a_run_its_palette_debrief_what_if_and_saved_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One scenario played to the end, then again from decision 1 as a what-if branch."""
    monkeypatch.chdir(tmp_path)  # the saved-runs screen names its folder: "saves", the same on every machine
    Path("saves").mkdir()
    app = make_app(BUNDLED, Path("saves"), seed=3)
    async with app.run_test(size=SMALL) as pilot:
        await open_scenario(pilot, SCENARIO)
        first = next(o.id for o in app.session.run.options() if o.available)
        await decide(pilot, first)
        assert app.screen.has_class("narrow")
        assert app.screen.query_one("#metrics-line").display and not app.screen.query_one("#dashboard").display
        line = " ".join(text_of(app, "#metrics-line").split())
        assert "Board backing 49 ▲+4 better" in line and "Risk exposure 42↓ no change" in line
        assert "m Numbers" in bar(app) and "PgUp/PgDn Scroll" in bar(app)
        await shoot(pilot, "playing-scene-80x24.svg")

        await pilot.resize_terminal(*LARGE)  # the whole list fits, beside the full dashboard
        await wait_for(pilot, lambda: not app.screen.has_class("narrow"))
        await pilot.press("ctrl+p")
        await until_screen(pilot, "CommandPalette")
        listing = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: listing.option_count > 0)
        await pilot.pause(0.3)
        names = [str(listing.get_option_at_index(i).prompt).split("\n")[0] for i in range(listing.option_count)]
        run = app.session.run
        for option in run.options():
            if option.available:
                assert f"Choose {option.number}: {option.label}" in names
            else:
                assert not [n for n in names if n.startswith(f"Choose {option.number}:")]
        assert not {"Keys", "Screenshot", "Maximize", "Focus Next", "Copy"} & set(names)
        assert {"Theme: light", "Theme: high contrast", "Language: Deutsch"} <= set(names)
        assert "Numbers" not in names and "Theme: dark" not in names  # beside the text already; in use
        search = app.screen.query_one(Input)
        search.cursor_blink = False  # the game's own inputs follow LaunchOptions.cursor_blink; the palette's not
        await wait_for(pilot, lambda: search._cursor_visible)
        await shoot(pilot, "playing-palette-120x40.svg")
        await pilot.press("escape")
        await until_screen(pilot, "PlayScreen")
        await pilot.resize_terminal(*SMALL)
        await wait_for(pilot, lambda: app.screen.has_class("narrow"))

        await play_to_the_debrief(pilot)
        original = app.session.run_id
        await wait_for(pilot, lambda: app.screen.range is not None, timeout=90)  # a first run builds the map
        await pilot.press("m")
        await wait_for(pilot, lambda: "How your metrics moved" in text_of(app, "#metrics-text"))
        charts = text_of(app, "#metrics-text")
        assert "Value realised  14 → 54 (+40, better)" in charts and "Value realised started at 14." in charts
        lines = charts.splitlines()
        at = next(i for i, x in enumerate(lines) if x.split()[:2] == ["S", "1"])  # the first chart's axis
        marks = lines[at + 1].split("! an event")[0]  # the marks, before the legend
        marked = [lines[at][i : i + 2].strip() for i, ch in enumerate(marks) if ch == "!"]
        assert marked == ["9", "12"]  # an event moved the value after decisions 9 and 12
        assert "m Metrics" in bar(app)
        await shoot(pilot, "playing-metrics-80x24.svg")

        app.theme = "simgame-high-contrast"
        await pilot.press("o")
        await pilot.pause(0.2)
        outcome = " ".join(text_of(app, "#outcome-text").split())
        assert "(a mixed ending)" in outcome and "band: Solid" in outcome and "/100" in outcome
        await shoot(pilot, "playing-high-contrast-80x24.svg")
        app.theme = "simgame-dark"

        await pilot.press("w")
        await wait_for(pilot, lambda: app.screen.query_one("#rewind", OptionList).has_focus)
        await pilot.press("enter")  # back to decision 1
        await until_screen(pilot, "PlayScreen")
        other = next(o.id for o in app.session.run.options() if o.available and o.id != first)
        await play_to_the_debrief(pilot, first=other)
        await pilot.resize_terminal(*LARGE)
        await pilot.press("c")
        await wait_for(pilot, lambda: "Reading" not in text_of(app, "#compare-text"), timeout=90)
        table = text_of(app, "#compare-text")
        assert "This what-if branch" in table and f"Your original run ({original})" in table
        assert "c Compare" in bar(app)
        await shoot(pilot, "playing-compare-120x40.svg")

        await pilot.resize_terminal(*SMALL)
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        saved = app.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: saved.option_count == 2 and saved.get_option_at_index(0).id == "save:0")
        rows = [str(saved.get_option_at_index(i).prompt) for i in range(2)]
        assert rows[0].startswith(SCENARIO) and "/100 · " in rows[0] and "02 Mar 09:30" in rows[0]
        assert rows[1].startswith("   └ ") and f"branch of {original}, from decision 1" in rows[1]
        await shoot(pilot, "playing-saved-runs-80x24.svg")


async def test_the_game_in_german(tmp_path: Path, saves: Path) -> None:
    """The test scenario with its German translation beside it: the game's words and the scenario's."""
    library = make_library(tmp_path / "de-library", broken=False, german=True)
    app = make_app(library, saves, seed=1, lang="de")
    async with app.run_test(size=SMALL) as pilot:
        await open_scenario(pilot, "Das kleine Pilotprojekt")
        await decide(pilot, "name-owner")
        shown = screen_text(app)
        assert "besser" in shown and "[gesperrt]" in shown and "Warum gesperrt" in shown and "Wählen" in bar(app)
        assert "Ausweitung" in text_of(app, "#play-top")  # the phase, from the translation
        await shoot(pilot, "playing-german-80x24.svg")
