"""Authors' words are never lost: square brackets and markup-looking text show exactly as written.

Escaping markup misses tags that start with a capital or a space ("[REDACTED]", "[A b]"), so the
game renders authored text as content, never as markup. Every screen a run passes through is read.
"""

from __future__ import annotations

from pathlib import Path

from tests.tui.support import SIZE, make_app, make_library, screen_name, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, start_tiny, text_of

BRACKETS = "[REDACTED] [Sic] [x] [A b] [b]not bold[/b] [@click=app.quit]no action[/] [link=https://e.x]l[/link]"


def _library(tmp_path: Path) -> Path:
    folder = make_library(tmp_path / "library", broken=False)
    tiny = folder / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8")
    for old, new in [
        ("text: The pilot works. The board asks what next.", f"text: 'The pilot works. {BRACKETS}'"),
        ("feedback: Priya accepts the role.", f"feedback: 'Priya accepts. {BRACKETS}'"),
        ("text: Value is real and measured.", f"text: 'Value is real. {BRACKETS}'"),
        ("text: Some value, some risk.", f"text: 'Some value. {BRACKETS}'"),
        ("text: The model is live everywhere.", f"text: 'Live everywhere. {BRACKETS}'"),
    ]:
        assert old in text
        text = text.replace(old, new)
    tiny.write_text(text, encoding="utf-8")
    return folder


async def test_brackets_survive_every_screen_of_a_run(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(_library(tmp_path), saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        assert BRACKETS in text_of(app, "#scene-text")
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: showing_consequence(app))
        assert BRACKETS in " ".join(text_of(app, "#consequence-text").split()).replace("] [", "] [")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen" and not app.screen.showing_consequence)
        assert BRACKETS in text_of(app, "#scene-text")
        await pilot.press(key_for(app, "measure"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        outcome = " ".join(text_of(app, "#outcome-text").split())
        assert BRACKETS in outcome


async def test_the_play_screen_shows_the_arm_for_this_path(tmp_path: Path) -> None:
    """Conditional text is resolved on the run's state before it reaches the screen."""
    folder = make_library(tmp_path / "library", broken=False)
    tiny = folder / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8").replace(
        "text: The model is live everywhere.",
        "text: 'Live{if owner}, with Priya answerable [sic]{else}, with nobody answerable{/if}.'",
    )
    tiny.write_text(text, encoding="utf-8")
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(folder, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen" and not app.screen.showing_consequence)
        shown = " ".join(text_of(app, "#scene-text").split())
        assert "Live, with Priya answerable [sic]." in shown and "{if" not in shown and "nobody" not in shown
