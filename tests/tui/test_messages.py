"""Screens tell the app what happened with messages (simgame.tui.messages); the app decides where to go.

Each test records the messages the app dispatches (Textual's ``message_hook``) and checks both
sides: the screen posted the request, and the app answered it with the right screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList

from simgame.tui import messages
from simgame.tui.app import SimgameApp
from simgame.tui.messages import (
    DebriefRequested,
    GlossaryRequested,
    LibraryRequested,
    PlayRequested,
    ProblemReported,
    RewindRequested,
    SavedRunsRequested,
    ScenarioChosen,
)
from tests.tui.support import SIZE, home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import start_tiny, take, text_of

FLOW_MESSAGES = tuple(
    cls for cls in vars(messages).values() if isinstance(cls, type) and issubclass(cls, Message) and cls is not Message
)


class Recorder:
    """Every flow message once, in the order first dispatched (a bubbled message reaches two pumps)."""

    def __init__(self) -> None:
        self.seen: list[Message] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, FLOW_MESSAGES) and not any(m is message for m in self.seen):
            self.seen.append(message)

    def of(self, kind: type[Message]) -> list[Message]:
        return [m for m in self.seen if isinstance(m, kind)]

    @property
    def names(self) -> list[str]:
        return [type(m).__name__ for m in self.seen]


def stack_names(app: SimgameApp) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


async def test_escape_on_the_play_screen_saves_and_returns_to_the_library(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")  # one decision made, so there is progress to keep
        await pilot.press("f1")
        await until_screen(pilot, "HelpScreen")
        assert re.search(r"^Esc +Back to the library \(progress is saved\)", text_of(app, "#help-keys"), re.M)
        await pilot.press("escape")  # closes help
        await until_screen(pilot, "PlayScreen")
        await pilot.press("escape")  # what help just promised
        await until_screen(pilot, "HomeScreen", timeout=3)
        assert stack_names(app)[1:] == ["HomeScreen"]
        library_list = app.screen.query_one("#library", OptionList)
        await wait_for(pilot, lambda: "resume:tiny-run-1" in [o.id for o in library_list.options])
    saved = json.loads((saves / "tiny-run-1.json").read_text())
    assert saved["choices"] == ["name-owner"] and not saved["ended"]


async def test_choosing_a_scenario_posts_scenario_chosen_and_the_app_opens_its_briefing(
    library: Path, saves: Path
) -> None:
    app = make_app(library, saves)
    recorder = Recorder()
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await home_ready(pilot)
        assert recorder.names == ["CatalogLoaded"]  # the library told the app what it found
        tiny = next(e.scenario for e in app.catalog.entries if e.scenario is not None)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        [chosen] = recorder.of(ScenarioChosen)
        assert chosen.scenario is tiny
        assert app.screen.scenario is tiny
        assert stack_names(app)[1:] == ["HomeScreen", "BriefingScreen"]
        assert recorder.names == ["CatalogLoaded", "ScenarioChosen"]


async def test_a_whole_run_is_a_conversation_of_messages(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    recorder = Recorder()
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await start_tiny(pilot)
        [play] = recorder.of(PlayRequested)
        assert play.scenario is app.session.scenario
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await until_screen(pilot, "DebriefScreen")
        finished = app.session
        [debrief] = recorder.of(DebriefRequested)
        assert debrief.session is finished and app.screen.session is finished
        await pilot.press("w")
        await pilot.press("down", "enter")  # back to decision 2
        await until_screen(pilot, "PlayScreen")
        [rewind] = recorder.of(RewindRequested)
        assert rewind.session is finished and rewind.decisions == 1
        assert app.session is not finished and app.session.run.choice_log == ["name-owner"]
        assert stack_names(app)[1:] == ["HomeScreen", "PlayScreen"]
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        assert len(recorder.of(LibraryRequested)) == 1
    assert [n for n in recorder.names if n != "CatalogLoaded"] == [
        "ScenarioChosen",
        "PlayRequested",
        "DebriefRequested",
        "RewindRequested",
        "LibraryRequested",
    ]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: GlossaryRequested(None, set()), "GlossaryScreen"),
        (lambda: SavedRunsRequested(), "LoadScreen"),
        (lambda: ProblemReported("Broken", "It is broken."), "ProblemScreen"),
    ],
    ids=["glossary", "saved-runs", "problem"],
)
async def test_the_app_answers_requests_posted_by_a_screen(
    library: Path, saves: Path, make: Callable[[], Message], expected: str
) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        home: Screen[object] = app.screen
        home.post_message(make())  # as the screen itself would: it bubbles up to the app
        await until_screen(pilot, expected)
        assert stack_names(app)[1:] == ["HomeScreen", expected]
        if expected == "ProblemScreen":
            assert text_of(app, "#problem-text") == "It is broken."
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        assert screen_name(app) == "HomeScreen"


async def test_the_theme_switch_is_remembered_for_the_next_start(library: Path, tmp_path: Path, monkeypatch) -> None:
    """F2 writes the theme to the config file, and the next start reads it from there."""
    from simgame.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text('# my settings\nhub = "http://127.0.0.1:9"\n', encoding="utf-8")
    monkeypatch.setenv("SIMGAME_CONFIG", str(config))
    app = make_app(library, tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.theme
        await pilot.press("f2")
        await pilot.pause()
        chosen = app.theme
    assert chosen != first
    text = config.read_text(encoding="utf-8")
    assert "# my settings" in text and 'hub = "http://127.0.0.1:9"' in text
    assert load_settings().theme == chosen
