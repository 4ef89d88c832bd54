"""Issue 17, item 2 (a layout that breathes), played at 80x24 and 120x40 where tests/tui/test_layout.py
checks a part only at one size or only on the rendering functions.

With a long option, a long metric label and a long scene: wrapped options hang under their text,
the label is whole and "▲+5 better" is on one line (in the folded line at 80x24, beside the scene at
120x40), PgDn/PgUp/Home/End scroll the text while the options keep the focus and the key bar says
so, and no word of the scene is lost after a resize in either direction.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import OptionList, Static

from simgame.tui.widgets.keybar import KeyBar
from tests.tui.support import make_app, wait_for
from tests.tui.test_flows import key_for, start_tiny, take, text_of
from tests.tui.test_layout import _long_library, _saves

SIZES = [(80, 24), (120, 40)]
LONG_OPTION = (
    "Name an owner with the authority to switch the model off, write down when they must, "
    "agree it with the board, and only then scale it region by region"
)


def _library_with_a_long_option(tmp_path: Path) -> Path:
    folder = _long_library(tmp_path)
    tiny = folder / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8")
    old = "label: Name an owner with authority to switch it off, then scale"
    assert old in text
    tiny.write_text(text.replace(old, f"label: {LONG_OPTION}"), encoding="utf-8")
    return folder


def drawn(widget: Static | OptionList) -> list[str]:
    """The lines the widget draws now, border and padding included, without the border's side characters."""
    width, height = widget.outer_size
    lines = [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]
    return [line.strip("│▏▕") if line[:1] in "│▏" else line for line in lines if line[:1] not in "╭╰"]


@pytest.mark.parametrize("size", SIZES)
async def test_a_wrapped_option_hangs_under_its_text(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(_library_with_a_long_option(tmp_path), _saves(tmp_path))
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        choices = app.screen.query_one("#choices", OptionList)
        number = key_for(app, "name-owner")
        lines = [line.rstrip() for line in drawn(choices) if line.strip()]
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{number}. Name an owner"))
        indent = len(lines[start]) - len(lines[start].lstrip()) + len(f"{number}. ")
        following = []
        for line in lines[start + 1 :]:
            if line.lstrip()[:2].rstrip(".").isdigit():  # the next option
                break
            following.append(line)
        assert following, "the long option did not wrap"
        assert all(line.startswith(" " * indent) and line[indent] != " " for line in following), lines
        words = " ".join([lines[start].strip().removeprefix(f"{number}. ")] + [f.strip() for f in following])
        assert words.split() == LONG_OPTION.split()  # every word, in order, none cut


# 36 characters: at 80 columns, wrapping the folded line word by word would put "▼-10" at the end
# of the first line and "better" on the next; the dashboard must break between the numbers instead.
LABEL = "Team and budget headroom for rollout"


@pytest.mark.parametrize("size", SIZES)
async def test_a_long_label_is_whole_and_its_change_on_one_line(tmp_path: Path, size: tuple[int, int]) -> None:
    library = _long_library(tmp_path)
    tiny = library / "tiny.yaml"
    tiny.write_text(tiny.read_text(encoding="utf-8").replace("Team and budget headroom for the rollout", LABEL))
    app = make_app(library, _saves(tmp_path))
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        wide = size[0] >= 100
        shown = app.screen.query_one("#dashboard" if wide else "#metrics-line", Static)
        assert shown.display and app.screen.has_class("narrow") is not wide
        lines = [line.rstrip() for line in drawn(shown)]
        assert not [line for line in lines if "…" in line]
        flat = " ".join(" ".join(lines).replace("│", " ").split())
        words = " ".join(w for w in flat.split() if not w.isdigit())  # the value may sit beside a wrapped label
        assert LABEL in words  # whole, in order
        assert any("▲+5 better" in line for line in lines) and any("▼-10 better" in line for line in lines)
        assert all(len(line) <= shown.outer_size.width for line in lines)


@pytest.mark.parametrize("size", SIZES)
async def test_page_keys_scroll_the_scene_and_the_key_bar_says_so(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(_long_library(tmp_path), _saves(tmp_path))
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)  # the first scene is the long one
        assert "PgUp/PgDn Scroll" in app.screen.query_one(KeyBar).content.plain
        scroll = app.screen.query_one("#scene-scroll", VerticalScroll)
        choices = app.screen.query_one("#choices", OptionList)
        assert scroll.max_scroll_y > 0 and choices.has_focus and scroll.scroll_y == 0
        before = choices.highlighted
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: scroll.scroll_y > 0)
        assert choices.has_focus and choices.highlighted == before
        await pilot.press("end")
        await wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: scroll.scroll_y < scroll.max_scroll_y)
        await pilot.press("home")
        await wait_for(pilot, lambda: scroll.scroll_y == 0)
        await pilot.press("down")  # the arrows still move between the options
        assert choices.highlighted != before and scroll.scroll_y == 0


@pytest.mark.parametrize(("first", "then"), [((60, 18), (120, 40)), ((120, 40), (80, 24))])
async def test_no_word_is_lost_after_a_resize(tmp_path: Path, first: tuple[int, int], then: tuple[int, int]) -> None:
    app = make_app(_long_library(tmp_path), _saves(tmp_path))
    async with app.run_test(size=first) as pilot:
        await start_tiny(pilot)  # the long scene
        await pilot.resize_terminal(*then)
        await wait_for(
            pilot, lambda: app.screen.size.width == then[0] and app.screen.has_class("narrow") is (then[0] < 100)
        )
        await pilot.pause(0.2)
        scene = app.screen.query_one("#scene-text", Static)
        assert " ".join(drawn(scene)).split() == text_of(app, "#scene-text").split()
        assert all(len(line.rstrip()) <= scene.size.width for line in drawn(scene))
        top = app.screen.query_one("#play-top", Static)
        assert " ".join(drawn(top)).split() == text_of(app, "#play-top").split()
        numbers = app.screen.query_one("#dashboard" if then[0] >= 100 else "#metrics-line", Static)
        words = " ".join(drawn(numbers)).replace("│", " ").split()
        assert {"Team", "budget", "headroom", "rollout", "Risk"} <= set(words)
        bar = app.screen.query_one(KeyBar).content.plain
        assert len(bar) <= then[0] - 2 and "F1 Help" in bar
