"""A layout that breathes: 120x40, 80x24, 60x18 and a resize between them, with Pilot.

Below 100 columns the dashboard folds into a line (M shows it in full); wrapped options hang
under their label; labels and "▲+16 better" are never cut or split; PgDn/PgUp/Home/End scroll
the text wherever the focus is; no word of the scene is lost after a resize.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import Static

from simgame.engine.run import Run
from simgame.format.loader import load_scenario
from simgame.tui.session import GameSession
from simgame.tui.widgets.consequence import consequence_text
from simgame.tui.widgets.dashboard import fold_items, metric_items, render_dashboard
from simgame.tui.widgets.keybar import KeyBar
from tests.tui.support import make_app, make_library, wait_for
from tests.tui.test_flows import start_tiny, take, text_of

LONG = " ".join(f"Paragraph {n} says something about the rollout, word{n}a word{n}b word{n}c." for n in range(40))


def render(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


def shown_lines(static: Static) -> list[str]:
    """Every line the widget draws at its current width (its whole height, scrolled or not)."""
    width, height = static.size
    return [strip.text for strip in static.render_lines(Region(0, 0, width, height))]


def _long_library(tmp_path: Path) -> Path:
    folder = make_library(tmp_path / "library", broken=False)
    tiny = folder / "tiny.yaml"
    text = tiny.read_text(encoding="utf-8")
    text = text.replace("text: The pilot works. The board asks what next.", f"text: 'The pilot works. {LONG}'")
    text = text.replace("label: Value realised", "label: Team and budget headroom for the rollout")
    tiny.write_text(text, encoding="utf-8")
    return folder


def _saves(tmp_path: Path) -> Path:
    saves = tmp_path / "saves"
    saves.mkdir()
    return saves


async def test_dashboard_beside_the_scene_at_120_and_folded_at_80(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        dashboard, line = app.screen.query_one("#dashboard"), app.screen.query_one("#metrics-line")
        assert dashboard.display and not line.display
        assert "Risk exposure" in text_of(app, "#dashboard")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.screen.has_class("narrow"))
        assert not dashboard.display and line.display
        assert "Value realised 35 ▲+5 better" in text_of(app, "#metrics-line")
        assert "m Numbers" in app.screen.query_one(KeyBar).content.plain
        await pilot.press("m")  # the full dashboard on demand
        await wait_for(pilot, lambda: dashboard.display)
        assert not line.display and "Path: Pilot › Scaling" in text_of(app, "#dashboard")
        await pilot.press("m")
        await wait_for(pilot, lambda: not dashboard.display)


async def test_wrapped_options_hang_under_their_label() -> None:
    from simgame.tui.screens.play import option_prompt

    lines = render(option_prompt(3, "Name an owner with authority to switch it off, then scale", True, None), 30)
    assert lines[0].startswith("3. Name an owner") and len(lines) > 1
    assert all(line.startswith("   ") and line.strip() for line in lines[1:])
    locked = render(option_prompt(2, "Switch it off", False, "Nobody has the authority to switch it off"), 30)
    assert locked[1].startswith("   Why locked:") and all(line.startswith("   ") for line in locked[1:])


async def test_labels_are_never_cut_and_changes_never_split(tmp_path: Path) -> None:
    scenario = load_scenario(_long_library(tmp_path) / "tiny.yaml")
    run = Run.replay(scenario, 1, ["name-owner"])
    session = GameSession(run, None, "tiny-x")
    for width in (30, 40, 46):
        text = "\n".join(render(render_dashboard(session), width))
        assert "…" not in text
        words = " ".join(text.split())
        assert all(w in words for w in ("Team", "budget", "headroom", "rollout")), text
        assert "▲+5 better" in text  # on one line
    fresh = GameSession(Run.start(scenario, 1), None, "tiny-y")
    decision = fresh.choose("name-owner")
    for width in (36, 50, 80):
        lines = render(consequence_text(fresh, decision), width)
        assert any("35  ▲+5 better" in line for line in lines), lines  # "30 → 35" and its change stay whole
        assert any("30 → 20" in line and "▼-10 better" in line for line in lines), lines
        words = " ".join(lines).split()
        assert "headroom" in words and "rollout" in words
    items = metric_items(session)
    for width in (20, 35, 60, 100):
        lines = fold_items(items, width).plain.splitlines()
        assert any("▲+5 better" in line for line in lines) and any("▼-10 better" in line for line in lines)


async def test_page_keys_scroll_the_scene_without_tab_and_the_footer_says_so(tmp_path: Path) -> None:
    app = make_app(_long_library(tmp_path), _saves(tmp_path))
    async with app.run_test(size=(60, 18)) as pilot:
        await start_tiny(pilot)
        assert "PgUp/PgDn Scroll" in app.screen.query_one(KeyBar).content.plain
        scroll = app.screen.query_one("#scene-scroll", VerticalScroll)
        choices = app.screen.query_one("#choices")
        assert choices.has_focus and scroll.scroll_y == 0
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: scroll.scroll_y > 0)
        assert choices.has_focus and choices.highlighted == 0  # the options did not move
        await pilot.press("end")
        await wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: scroll.scroll_y < scroll.max_scroll_y)
        await pilot.press("home")
        await wait_for(pilot, lambda: scroll.scroll_y == 0)


async def test_no_word_is_lost_after_a_resize_from_120x40_to_60x18(tmp_path: Path) -> None:
    app = make_app(_long_library(tmp_path), _saves(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_tiny(pilot)
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        await pilot.resize_terminal(60, 18)
        await wait_for(pilot, lambda: app.screen.has_class("narrow") and app.screen.size.width == 60)
        await pilot.pause(0.2)
        scene = app.screen.query_one("#scene-text", Static)
        drawn = " ".join(shown_lines(scene)).split()
        assert drawn == text_of(app, "#scene-text").split()  # every word, in order, none cut
        assert all(len(line.rstrip()) <= scene.size.width for line in shown_lines(scene))
        top = " ".join(shown_lines(app.screen.query_one("#play-top", Static))).split()
        assert top == text_of(app, "#play-top").split()
        metrics = " ".join(shown_lines(app.screen.query_one("#metrics-line", Static))).split()
        assert "headroom" in metrics and "Risk" in metrics
        bar = app.screen.query_one(KeyBar).content.plain
        assert len(bar) <= 58 and "F1 Help" in bar  # never cut mid-key: whole keys drop instead
