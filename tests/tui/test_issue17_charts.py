"""Issue 17, item 5 (charts) played at 80x24 and 120x40 where tests/tui/test_charts.py checks a part
at one size or only on the chart functions.

The Outcome tab's profile draws a bar per dimension whose filled cells are its score, beside that
score, whole on one line at both sizes; the Metrics tab's charts fit the terminal and mark the
decision after which an event moved a number; the preferences a player picks in the game (the
theme, from the palette) are what the next start, through the command line, opens with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.engine.scoring import score_text
from simgame.tui.charts import BLOCKS
from tests.tui.support import home_ready, make_app, until_screen, wait_for
from tests.tui.test_flows import start_tiny, take, text_of
from tests.tui.test_issue17_lang import app_from_the_command_line
from tests.tui.test_issue17_layout import drawn
from tests.tui.test_keys import palette_names

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_outcome_profile_is_a_bar_per_dimension_beside_its_score(
    library: Path, saves: Path, size: tuple[int, int]
) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: bool(app.screen.query("#outcome-text")))
        lines = drawn(app.screen.query_one("#outcome-text"))
        dimensions = app.screen.debrief.outcome.dimensions
        assert dimensions
        for dim in dimensions:
            row = next(line for line in lines if line.startswith(dim.label) and "/100" in line)
            cells = row[len(dim.label) :].strip().split()[0]
            assert set(cells) <= {"█", "░"} and len(cells) == 12, row
            assert cells.count("█") == round(dim.score / 100 * 12), (row, dim.score)
            assert row.rstrip().endswith(f"{score_text(dim.score)}/100"), row
            assert len(row.rstrip()) <= size[0]


@pytest.mark.parametrize("size", SIZES)
async def test_metric_charts_fit_and_mark_the_event(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves, seed=1)  # seed 1: scaling at once sets off the drift event
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "scale-now")
        await take(pilot, "keep-running")
        await pilot.press("m")
        await wait_for(pilot, lambda: bool(app.screen.query("#metrics-text")) and bool(text_of(app, "#metrics-text")))
        lines = [line.rstrip() for line in drawn(app.screen.query_one("#metrics-text"))]
        assert all(len(line) <= size[0] - 2 for line in lines)
        at = next(i for i, line in enumerate(lines) if line.startswith("Risk exposure"))
        chart = lines[at + 1 : at + 8]
        axis = next(i for i, line in enumerate(chart) if line.split()[:3] == ["S", "1", "2"])
        marks = chart[axis + 1].split("! an event")[0]  # before the legend
        assert [chart[axis][i] for i, ch in enumerate(marks) if ch == "!"] == ["1"]  # the event after decision 1
        columns = [line for line in chart[:axis] if set(line) & set(BLOCKS[1:])]
        assert columns, chart
        flat = " ".join(" ".join(lines).split())
        assert "Risk exposure ↓ 30 → 75 (+45, worse)" in flat and "An event moved it +15" in flat


async def test_a_theme_picked_in_the_palette_is_the_next_starts(
    library: Path, saves: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        assert "Theme: high contrast" in await palette_names(pilot)
        await pilot.press("ctrl+p")
        await until_screen(pilot, "CommandPalette")
        await pilot.press(*"high contrast")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "simgame-high-contrast")
    again = app_from_the_command_line(["play", "--saves", str(saves)], library, monkeypatch)
    async with again.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        assert again.theme == "simgame-high-contrast"
