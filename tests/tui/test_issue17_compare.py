"""Issue 17, item 4 (compare runs) at 80x24, where tests/tui/test_compare.py plays it at 120x40.

Saved runs lists results and branches as a tree, the branch's debrief puts it beside its original
(the table wraps to 80 columns without losing a word of either ending), a run that is not a branch
offers no comparison, and the folded dashboard's changes survive resume and rewind.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from simgame.engine.scoring import score_text
from tests.tui.support import home_ready, make_app, screen_text, until_screen, wait_for
from tests.tui.test_compare import finish_and_branch
from tests.tui.test_flows import start_tiny, take, text_of
from tests.tui.test_keys import bar

SMALL = (80, 24)


async def test_saved_runs_tree_and_compare_tab_at_80x24(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        await finish_and_branch(pilot)
        assert "c Compare" in bar(app) and len(bar(app)) <= 78
        await pilot.press("c")
        await wait_for(pilot, lambda: "Reading" not in text_of(app, "#compare-text"))
        table = " ".join(text_of(app, "#compare-text").split())
        assert "This what-if branch" in table and "Your original run (tiny-run-1)" in table
        assert "Crisis" in table and "Muddling through" in table
        assert "Scale to every region now" in table and "Name an owner" in table
        b, o = app.screen.comparison.branch.debrief, app.screen.comparison.original.debrief
        assert f"{score_text(b.outcome.overall)}/100" in table and f"{score_text(o.outcome.overall)}/100" in table
        shown = screen_text(app)
        assert "This what-if" in shown and all(len(line) <= 80 for line in shown.splitlines())

        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        listing = app.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 2 and listing.get_option_at_index(0).id == "save:0")
        first, second = (str(listing.get_option_at_index(i).prompt) for i in range(2))
        assert first.startswith("The Tiny Pilot") and "/100 · Mixed · Muddling through" in first
        assert second.startswith("   └ The Tiny Pilot") and "· Crisis" in second
        assert "branch of tiny-run-1, from decision 1" in second
        drawn = " ".join(screen_text(app).split())
        assert "Muddling through" in drawn and "branch of tiny-run-1, from decision 1" in drawn  # on screen, whole
        await pilot.press("down", "enter")  # opening the branch from the tree: its debrief, with the comparison
        await until_screen(pilot, "DebriefScreen")
        assert app.session.run_id == "tiny-run-2" and "c Compare" in bar(app)


async def test_no_compare_key_for_a_run_that_is_not_a_branch(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        assert "Compare" not in bar(app)
        await pilot.press("c")
        await pilot.pause()
        assert not app.screen.query("#compare-text")


async def test_folded_changes_survive_resume_and_rewind_at_80x24(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        assert "Value realised 35 ▲+5 better" in " ".join(text_of(app, "#metrics-line").split())
        await pilot.press("ctrl+q")
    again = make_app(library, saves, seed=1)
    async with again.run_test(size=SMALL) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # continue tiny-run-1
        await until_screen(pilot, "PlayScreen")
        line = " ".join(text_of(again, "#metrics-line").split())
        assert "Value realised 35 ▲+5 better" in line and "Risk exposure 20↓ ▼-10 better" in line
        await take(pilot, "measure")
        await pilot.press("w")
        await pilot.press("down")  # back to decision 2: the first choice is kept
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert again.session.run.choice_log == ["name-owner"]
        assert "Value realised 35 ▲+5 better" in " ".join(text_of(again, "#metrics-line").split())
