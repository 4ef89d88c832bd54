"""The play screen and the debrief name the decision behind each consequence and each lock.

Played with Pilot at 80x24 on tests/data/causes.yaml: decision 1 skips the data checks, a
pass-through memo follows (not a decision), decision 2 books a training course; the review
then surfaces what decision 1 did, and two of its options are locked by decisions 1 and 2.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.support import DATA
from tests.tui.support import GLOSSARY, SIZE, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import showing_consequence, text_of

CUT = "Skip the data checks to hit the date"
TRAIN = "Send everyone on a training course"


@pytest.fixture
def causes_library(tmp_path: Path) -> Path:
    folder = tmp_path / "causes-library"
    folder.mkdir()
    shutil.copy(DATA / "causes.yaml", folder / "causes.yaml")
    shutil.copy(GLOSSARY, folder / "glossary.yaml")
    return folder


def key_for(app, choice_id: str) -> str:
    """The key that picks a choice, wherever this run's order shows it."""
    return str(next(o.number for o in app.session.run.options() if o.id == choice_id))


async def start(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.catalog is not None and screen_name(pilot.app) == "HomeScreen")
    await pilot.press("enter")
    await until_screen(pilot, "BriefingScreen")
    await pilot.press("enter")
    await until_screen(pilot, "PlayScreen")


async def play_to_the_review(pilot) -> str:
    """Cut corners, read the memo, book the course: return the consequence panel's text."""
    app = pilot.app
    await pilot.press(key_for(app, "cut-corners"))
    await wait_for(pilot, lambda: showing_consequence(app))
    await pilot.press("enter")
    await wait_for(pilot, lambda: not app.screen.showing_consequence and app.session.run.scene_id == "memo")
    await pilot.press("1")  # Continue: reading on is not a decision and has nothing to report
    await wait_for(pilot, lambda: app.session.run.scene_id == "staffing")
    await pilot.press(key_for(app, "train"))
    await wait_for(pilot, lambda: showing_consequence(app))
    return text_of(app, "#consequence-text")


async def test_consequence_panel_credits_earlier_decisions_not_the_one_just_made(
    causes_library: Path, saves: Path
) -> None:
    app = make_app(causes_library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        body = await play_to_the_review(pilot)
        assert f"You chose: {TRAIN}" in body
        also = f"Also, because at decision 1 you chose “{CUT}”: The skipped checks surface"
        assert also in body
        assert "As a result: The skipped checks" not in body
        assert "Meanwhile: The quarter closes" in body  # a timed event is nobody's doing
        assert "As a result: Finance freezes discretionary spending." in body  # the course spent the budget
        # The choice's own effects, then each event's under it.
        assert body.index("Your choice") < body.index("Budget left     55 → 45") < body.index(also)
        assert body.index(also) < body.index("Team morale     50 → 40")
        assert "Team morale" not in body[body.index("Your choice") : body.index(also)]


async def test_locked_option_names_the_decision_that_locked_it(causes_library: Path, saves: Path) -> None:
    app = make_app(causes_library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await play_to_the_review(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.showing_consequence)
        choices = app.screen.query_one("#choices", OptionList)
        prompts = {choices.get_option_at_index(i).id: choices.get_option_at_index(i) for i in range(3)}
        audit, expand = prompts["audit"], prompts["expand"]
        assert audit.disabled and expand.disabled
        assert (
            f"Why locked: you chose “{CUT}” at decision 1. The auditors only sign off work whose data was checked"
            in str(audit.prompt)
        )
        assert f"Why locked: you chose “{TRAIN}” at decision 2. Needs a budget" in str(expand.prompt)
        scene = text_of(app, "#scene-text")
        assert f"Also, because at decision 1 you chose “{CUT}”: The skipped checks surface" in scene
        await pilot.press(key_for(app, "audit"))  # locked: explained, not chosen
        assert f"is locked: you chose “{CUT}” at decision 1" in text_of(app, "#notice")
        await pilot.press(key_for(app, "carry-on"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        await pilot.press("d")
        decisions = text_of(app, "#decisions-text")
        assert "Later, after decision 2: The skipped checks surface" in decisions
        assert "Meanwhile: The quarter closes" in decisions
