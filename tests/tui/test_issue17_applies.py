"""Issue 17, item 3 (only what applies) at 120x40, where tests/tui/test_keys.py plays it at 80x24.

The palette lists only what works on this screen at this size (the "Numbers" key folds the dashboard
only below 100 columns, so the palette offers it at 80x24 and not at 120x40), Help lists the game's
keys, and `q` asks before leaving a run on every screen of it and not once the run has ended (the
glossary: test_issue17_fixed.py). Help, Enter in the footers, merged toasts and the export waiting
for the reference range are tested at both sizes in tests/tui/test_keys.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.tui.support import home_ready, make_app, until_screen, wait_for
from tests.tui.test_flows import start_tiny, take
from tests.tui.test_keys import TEXTUAL_COMMANDS, TEXTUAL_WORDS, palette_names

WIDE = (120, 40)


async def test_the_palette_follows_the_screen_and_its_size(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=WIDE) as pilot:
        await home_ready(pilot)
        home = await palette_names(pilot)
        assert "Open scenario: The Tiny Pilot" in home and "Saved runs" in home
        await start_tiny(pilot)
        play = await palette_names(pilot)
        assert sorted(n for n in play if n.startswith("Choose")) == [
            "Choose 1: Name an owner with authority to switch it off, then scale",
            "Choose 2: Scale to every region now",
        ]
        assert "Numbers" not in play  # the dashboard is beside the scene: nothing to unfold
        for names in (home, play):
            assert not [n for n in names if n in TEXTUAL_WORDS + TEXTUAL_COMMANDS or "Choose option" in n]
            assert len(names) == len(set(names)) and names.count("Quit") == 1
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.screen.has_class("narrow"))
        assert "Numbers" in await palette_names(pilot)  # below 100 columns it applies
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await pilot.resize_terminal(*WIDE)
        debrief = await palette_names(pilot)
        assert "Export debrief" in debrief and "What if… back to decision 2: Rollout" in debrief
        assert not [n for n in debrief if n in TEXTUAL_WORDS or n.startswith("Choose") or "Compare" in n]


async def test_q_asks_on_every_screen_of_a_run_and_not_after_it(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=WIDE) as pilot:
        await start_tiny(pilot)
        for opener, screen in (("", "PlayScreen"), ("f1", "HelpScreen"), ("t", "TermsScreen")):
            if opener:
                await pilot.press(opener)
                await until_screen(pilot, screen)
            await pilot.press("q")
            await until_screen(pilot, "ConfirmScreen")
            await pilot.press("n")
            await until_screen(pilot, screen)
            if opener:
                await pilot.press("escape")
                await until_screen(pilot, "PlayScreen")
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await until_screen(pilot, "DebriefScreen")
        await pilot.press("q")  # the run has ended and is saved: nothing to ask
        await wait_for(pilot, lambda: app.return_value == 0)
