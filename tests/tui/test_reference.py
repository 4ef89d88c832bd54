"""The debrief measures the run against the outcome map: the costliest decisions, and what was best there."""

from __future__ import annotations

from pathlib import Path

from tests.tui.support import SIZE, make_app, wait_for
from tests.tui.test_flows import start_tiny, take, text_of


async def test_the_debrief_names_the_costliest_decision_and_the_best_option(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "scale-now")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: "costliest" in text_of(app, "#costly-text"))
        costly = text_of(app, "#costly-text")
        assert "gave up 11.6 expected points in all" in costly
        assert "1. Monday: “Scale to every region now” gave up 11.6 points." in costly
        assert "Best here: “Name an owner with authority to switch it off, then scale”" in costly
        assert "NIST AI RMF MANAGE 2.4" in costly
        await pilot.press("e")
        path = saves / "debriefs" / "tiny-run-1.md"
        await wait_for(pilot, path.exists)
    text = path.read_text(encoding="utf-8")
    assert "## Compared with what was possible" in text
    assert "- Decision 1, Monday: “Scale to every region now” gave up 11.6 points against “Name an owner" in text


async def test_best_play_is_told_it_gave_nothing_up(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: "costliest" in text_of(app, "#costly-text"))
        assert "None: at every decision you took an option as good as the best" in text_of(app, "#costly-text")
