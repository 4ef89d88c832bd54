"""The debrief screen shows a crossed red line with its reason, the capped score, and why objectives were missed."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import OptionList

from tests.support import DATA
from tests.tui.support import GLOSSARY, SIZE, home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import showing_consequence, text_of


async def pick(pilot, choice_id: str) -> None:  # type: ignore[no-untyped-def]
    """Press the key of a choice by its id (the order shown is shuffled per run), then continue."""
    option = next(o for o in pilot.app.session.run.options() if o.id == choice_id)
    await pilot.press(str(option.number))
    await wait_for(pilot, lambda: showing_consequence(pilot.app))
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen_name(pilot.app) in ("PlayScreen", "DebriefScreen"))


async def test_debrief_shows_the_crossed_red_line_and_why_objectives_were_missed(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(DATA / "red-lines.yaml", library / "red-lines.yaml")
    shutil.copy(GLOSSARY, library / "glossary.yaml")
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        listing = app.screen.query_one("#library", OptionList)
        assert listing.highlighted_option is not None and listing.highlighted_option.id.startswith("scenario:")
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        await pick(pilot, "run-emotion-trial")
        await pick(pilot, "pause")
        assert screen_name(app) == "DebriefScreen"
        # the title shows the capped score and its band: 59.9, never a rounded "60" next to "Fragile"
        assert "59.9/100 (Fragile)" in text_of(app, "#debrief-title")
        outcome = " ".join(text_of(app, "#outcome-text").split())
        assert "Overall score: 59.9/100 · band: Fragile" in outcome
        assert (
            "Red line crossed: Emotion recognition at work is prohibited in the EU since February 2025 "
            "(AI Act Art. 5(1)(f)); pausing it later does not undo having run it. "
            "Whatever the numbers, such a run can reach at most Fragile." in outcome
        )
        assert "Your outcome profile alone scored 76.7/100; the red lines hold it at 59.9." in outcome
        assert (
            "[not met] Deliver value without crossing a legal line "
            "Why: You chose “Run a four-week trial on live calls”." in outcome
        )
        assert (
            "[not met] Hear the works council before deciding "
            "Why: “The works council was consulted” was not the case at the end." in outcome
        )
        assert "Based on Legal exposure at 30, which counts as 70 of 100 because lower is better." in outcome
        await wait_for(pilot, lambda: app.screen.range is not None)
        reference = text_of(app, "#range-text")
        assert "Best reachable:  76.7/100" in reference and "Your result:     59.9/100" in reference
