"""The high-contrast theme meets WCAG AA on every screen: measured on what is drawn, not on the stylesheet.

Each screen of a run is rendered at 80x24 in `simgame-high-contrast`, and every drawn character's
foreground and background are read back from Textual's compositor: text needs a contrast ratio of
at least 4.5:1 (WCAG 1.4.3, AA), borders and other drawn lines at least 3:1 (WCAG 1.4.11).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tui.support import home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, start_tiny

TEXT_AA, GRAPHICS_AA = 4.5, 3.0
LINES = set("─│╭╮╰╯┌┐└┘├┤┬┴┼━┃┏┓┗┛╸╺╹╻▁▂▃▄▅▆▇█▌▐▔▕▏▎▍▋▊▉░▒▓")


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _active_cells(app: Any) -> set[tuple[int, int]] | None:
    """The cells a modal screen draws itself (what shows through around it is inactive); None: all."""
    from textual.screen import ModalScreen

    screen = app.screen
    if not isinstance(screen, ModalScreen):
        return None
    cells: set[tuple[int, int]] = set()
    for child in screen.children:
        r = child.region
        cells |= {(x, y) for x in range(r.x, r.right) for y in range(r.y, r.bottom)}
    return cells


def _failures(app: Any, where: str) -> list[str]:
    from rich.cells import cell_len

    update = app.screen._compositor.render_update(full=True)
    active = _active_cells(app)
    found: dict[tuple[str, str, str], str] = {}
    for y, line in enumerate(update.strips):
        x = 0
        for strip in line:
            for seg in strip:
                start, x = x, x + cell_len(seg.text)
                style = seg.style
                if style is None or not seg.text.strip() or style.color is None or style.bgcolor is None:
                    continue
                if active is not None and (start, y) not in active:
                    continue
                fg, bg = style.color.get_truecolor(), style.bgcolor.get_truecolor()
                if style.reverse:
                    fg, bg = bg, fg
                graphics = all(ch in LINES or ch.isspace() for ch in seg.text)
                if graphics and fg == bg:  # a line drawn in the background's own colour: invisible by design
                    continue
                need = GRAPHICS_AA if graphics else TEXT_AA
                ratio = contrast(tuple(fg), tuple(bg))
                if ratio < need:
                    key = (f"{ratio:.2f}", fg.hex, bg.hex)
                    try:
                        widget = app.screen.get_widget_at(start, y)[0]
                        what = f"{type(widget).__name__}#{widget.id}"
                    except Exception:
                        what = "?"
                    found.setdefault(
                        key, f"{where} ({what}): {seg.text.strip()[:24]!r} {fg.hex} on {bg.hex} = {ratio:.2f}:1"
                    )
    return sorted(found.values())


async def test_every_screen_of_a_run_meets_aa_in_high_contrast(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "simgame-high-contrast"
        await home_ready(pilot)
        await pilot.pause()
        problems += _failures(app, "library")
        await start_tiny(pilot)
        problems += _failures(app, "play")
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: showing_consequence(app))
        problems += _failures(app, "consequence")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen" and not app.screen.showing_consequence)
        await pilot.press("f1")
        await until_screen(pilot, "HelpScreen")
        problems += _failures(app, "help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen")
        await pilot.press("g")
        await until_screen(pilot, "GlossaryScreen")
        problems += _failures(app, "glossary")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen")
        await pilot.press(key_for(app, "measure"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        await pilot.pause()
        problems += _failures(app, "debrief")
    assert not problems, "\n".join(problems)


def test_the_measure_is_wcag_s() -> None:
    """Black on white is 21:1, and WCAG's own example pair (#767676 on white) is just above 4.5:1."""
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert 4.5 <= contrast((0x76, 0x76, 0x76), (255, 255, 255)) < 4.6


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_debrief_charts_and_a_translation_note_meet_aa_in_high_contrast(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """The screens added for charts and languages: the Metrics tab (its columns are drawn lines: 3:1),
    the Outcome tab's profile bars, and a briefing with a translation's warning, in German."""
    from tests.tui.support import TINY_DE, make_library

    library = make_library(tmp_path / "library", german=True)
    (library / "tiny.de.yaml").write_text(TINY_DE.read_text(encoding="utf-8").replace("title: Krise\n", ""))
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=1, lang="de")
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        app.theme = "simgame-high-contrast"
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        assert "⚠" in app.screen.query_one("#briefing-translation").render().plain  # type: ignore[attr-defined]
        problems += _failures(app, "briefing with a translation note")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        await pilot.press(key_for(app, "scale-now"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "PlayScreen" and not app.screen.showing_consequence)
        await pilot.press(key_for(app, "keep-running"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        await wait_for(pilot, lambda: app.screen.range is not None)
        problems += _failures(app, "debrief outcome")
        await pilot.press("m")
        await pilot.pause()
        problems += _failures(app, "debrief metrics")
    assert not problems, "\n".join(problems)
