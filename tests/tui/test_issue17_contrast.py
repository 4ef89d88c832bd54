"""Issue 17, item 7: WCAG AA in the high-contrast theme on the screens tests/tui/test_contrast.py does
not measure: every screen of a run at 120x40 (it measures them at 80x24), and at both sizes the
screens issue 17 added, the saved-runs tree, a branch's Compare tab and the command palette.

The measure is test_contrast's: each drawn character's colours read back from the compositor. The
question `q` asks during a run is measured in test_issue17_fixed.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.support import home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_compare import finish_and_branch
from tests.tui.test_contrast import _failures
from tests.tui.test_flows import key_for, showing_consequence, start_tiny, text_of


async def test_every_screen_of_a_run_meets_aa_at_120x40(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    problems: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "simgame-high-contrast"
        await home_ready(pilot)
        await pilot.pause()
        problems += _failures(app, "library")
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        problems += _failures(app, "briefing")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        problems += _failures(app, "play, with the dashboard beside it")
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: showing_consequence(app))
        problems += _failures(app, "consequence")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen" and not app.screen.showing_consequence)
        for key, name in (("f1", "HelpScreen"), ("g", "GlossaryScreen"), ("t", "TermsScreen")):
            await pilot.press(key)
            await until_screen(pilot, name)
            await pilot.pause()
            problems += _failures(app, name)
            await pilot.press("escape")
            await wait_for(pilot, lambda: screen_name(app) == "PlayScreen")
        await pilot.press(key_for(app, "measure"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        await wait_for(pilot, lambda: app.screen.range is not None)
        for key in "omdw":
            await pilot.press(key)
            await pilot.pause(0.1)
            problems += _failures(app, f"debrief, tab {key}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_saved_runs_compare_and_the_palette_meet_aa(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves, seed=1)
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        app.theme = "simgame-high-contrast"
        await finish_and_branch(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: "Reading" not in text_of(app, "#compare-text"))
        await pilot.pause()
        problems += _failures(app, "compare tab")
        await pilot.press("ctrl+p")
        await until_screen(pilot, "CommandPalette")
        await pilot.pause(0.3)
        problems += _failures(app, "command palette")
        await pilot.press("escape")
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        await wait_for(pilot, lambda: app.screen.query_one("#saves").option_count == 2)
        await pilot.pause()
        problems += _failures(app, "saved runs")
    assert not problems, "\n".join(problems)


async def test_a_run_in_progress_meets_aa_in_the_folded_dashboard(library: Path, saves: Path) -> None:
    """At 80x24 after a decision: the folded line's "▲+5 better" (test_contrast measures before any change)."""
    app = make_app(library, saves)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "simgame-high-contrast"
        await start_tiny(pilot)
        await pilot.press(key_for(app, "scale-now"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.showing_consequence)
        assert "worse" in text_of(app, "#metrics-line") and "better" in text_of(app, "#metrics-line")
        problems = _failures(app, "play, folded dashboard with changes")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.query_one("#dashboard").display)
        problems += _failures(app, "play, dashboard unfolded with m")
    assert not problems, "\n".join(problems)
