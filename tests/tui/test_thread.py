"""Players keep the thread: Enter always continues, whatever the facilitator does meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList

from simgame.cohort.client import Welcome
from tests.tui.support import SIZE, make_app, until_screen, wait_for
from tests.tui.test_author_and_cohort import FakeObserver, factory_for
from tests.tui.test_flows import key_for


class PacedObserver(FakeObserver):
    """The facilitator's messages (waiting, a reveal) arrive whenever the test says."""

    def __init__(self) -> None:
        super().__init__()
        self.message: str | None = None

    def waiting(self, run) -> str | None:
        return self.message


async def facilitator_says(pilot, observer: PacedObserver, message: str | None) -> None:
    """The next poll of the play screen picks ``message`` up (as it would from the hub)."""
    observer.message = message
    await wait_for(pilot, lambda: pilot.app.screen.waiting_message == message)


async def test_enter_continues_after_a_reveal_or_advance_during_the_consequence(library: Path, saves: Path) -> None:
    observer = PacedObserver()
    app = make_app(library, saves, seed=None, join="ABC123", name="Ada", observer_factory=factory_for(observer))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        screen = app.screen
        view = screen.query_one("#consequence-view")
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: screen.showing_consequence)
        # While the player reads: the next decision is held, then the facilitator reveals, then advances.
        for message in (
            "Waiting for the facilitator to open decision 2.",
            "Waiting for the facilitator to open decision 2.\nThe room on decision 1: …",
            None,
        ):
            await facilitator_says(pilot, observer, message)
            assert app.focused is view, "the keys must stay with the text the player reads"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.showing_consequence)
        assert app.session.run.turn == 1 and app.focused is screen.query_one("#choices", OptionList)
        # On the scene the decision is held, then opened: Enter takes the highlighted option, and continues.
        await facilitator_says(pilot, observer, "Waiting for the facilitator to open decision 2.")
        await facilitator_says(pilot, observer, None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.showing_consequence)
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")


async def test_the_reveal_is_a_short_bar_chart_that_fits_80_columns(library: Path, saves: Path) -> None:
    from simgame.cohort.room import reveal_text, short_label
    from simgame.format.loader import load_scenario
    from tests.tui.support import TINY, screen_text

    tiny = load_scenario(TINY)
    scene = tiny.choices["name-owner"].scene
    options = [c for c in tiny.scene_choices[scene] if not c.synthetic]
    counts = {options[0].id: 4, options[1].id: 2}
    reveal = reveal_text(tiny, 0, counts, scene)
    observer = PacedObserver()
    app = make_app(library, saves, seed=None, join="ABC123", name="Ada", observer_factory=factory_for(observer))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        await pilot.press(key_for(app, "name-owner"))
        await pilot.press("enter")
        await facilitator_says(pilot, observer, f"Waiting for the facilitator to open decision 2.\n{reveal}")
        shown = screen_text(app)
    lines = reveal.splitlines()
    assert len(lines) == 1 + len(options) and "67%" in reveal and "33%" in reveal
    for line in lines:
        assert len(line) <= 76 and line.strip() in shown, line  # whole, on one screen line
    for option in options:
        assert sum(short_label(option.model.label) in line for line in lines) == 1


def test_every_bundled_scenario_reveals_within_the_width() -> None:
    """Every option is named (one nobody chose at 0%), one line each, never one long sentence."""
    from simgame.cohort.room import REVEAL_WIDTH, reveal_text, short_label
    from simgame.format.loader import load_scenario

    for path in sorted(Path("scenarios").glob("*.yaml")):
        if path.name == "glossary.yaml" or path.stem.count(".") > 0:
            continue
        scenario = load_scenario(path)
        for scene, choices in scenario.scene_choices.items():
            options = [c for c in choices if not c.synthetic]
            if not options:
                continue
            counts = {c.id: 7 for c in options[1:]} or {options[0].id: 5}
            lines = reveal_text(scenario, 11, counts, scene).splitlines()
            assert len(lines) == 1 + len(options), (path.name, scene)
            for line in lines:
                assert len(line) <= REVEAL_WIDTH <= 76, (path.name, scene, line)
            for option in options:
                assert sum(short_label(option.model.label) in line for line in lines[1:]) == 1
            if len(options) > 1:
                assert lines[-1].lstrip().startswith("░" * 20 + "   0%")


def _welcome(teams: tuple[str, ...] = (), returning: str | None = None) -> Callable[..., Welcome]:
    def welcome(**kwargs: object) -> Welcome:
        return Welcome(teams, returning)

    return welcome


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_the_join_dialog_cannot_be_skipped_and_offers_the_sessions_teams(
    library: Path, saves: Path, size: tuple[int, int]
) -> None:
    from textual.widgets import OptionList

    from tests.tui.test_flows import text_of

    observer = PacedObserver()
    teams = ("Finance", "Red [b]team", "Operations")  # a team's name is text, never markup
    app = make_app(
        library,
        saves,
        seed=None,
        join="ABC123",
        observer_factory=factory_for(observer),
        welcome_factory=_welcome(teams),
    )
    async with app.run_test(size=size) as pilot:
        await until_screen(pilot, "NameScreen")
        await pilot.press("escape")  # never into the library, where play would go unrecorded
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen" and "Joining needs a name" in text_of(app, "#name-error")
        listed = app.screen.query_one("#team-list", OptionList)
        assert [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)] == list(teams)
        await pilot.press(*"Ada", "enter")  # Enter on the name goes on to the team: nothing joined yet
        await pilot.pause()
        assert app.screen.focused is listed and observer.kwargs == {}
        await pilot.press("down", "enter")
        await until_screen(pilot, "PlayScreen")
    assert observer.kwargs["name"] == "Ada" and observer.kwargs["team"] == "Red [b]team"


async def test_a_session_without_teams_asks_only_for_a_name(library: Path, saves: Path) -> None:
    observer = PacedObserver()
    app = make_app(
        library, saves, seed=None, join="ABC123", observer_factory=factory_for(observer), welcome_factory=_welcome()
    )
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "NameScreen")
        assert not app.screen.query("#team-list") and not app.screen.query("#team-title")
        await pilot.press(*"Ada", "enter")
        await until_screen(pilot, "PlayScreen")
    assert observer.kwargs["name"] == "Ada" and observer.kwargs["team"] is None


async def test_a_returning_device_is_asked_whether_it_is_the_same_person(library: Path, saves: Path) -> None:
    from tests.tui.test_flows import text_of

    for answer, expected in (("y", "Bea"), ("n", "Cy")):
        observer = PacedObserver()
        fake = {"observer_factory": factory_for(observer), "welcome_factory": _welcome(("Finance",), returning="Bea")}
        app = make_app(library, saves, seed=None, join="ABC123", **fake)
        async with app.run_test(size=SIZE) as pilot:
            await until_screen(pilot, "ConfirmScreen")  # a shared laptop: it may be Bea, or the next person
            assert "as Bea" in text_of(app, "#confirm-text") and "Continue as Bea" in str(
                app.screen.query_one("#confirm-yes").render()
            )
            await pilot.press(answer)
            if answer == "n":
                await until_screen(pilot, "NameScreen")
                await pilot.press(*"Cy", "enter", "enter")
            await until_screen(pilot, "PlayScreen")
        assert observer.kwargs["name"] == expected


async def test_a_closed_session_says_so_and_leaves(library: Path, saves: Path) -> None:
    from simgame.cohort.client import Welcome

    def closed(**_: object) -> Welcome:
        return Welcome(closed="The session ABC123 (Offsite) has been closed by the facilitator.")

    observer = PacedObserver()
    app = make_app(
        library, saves, seed=None, join="ABC123", observer_factory=factory_for(observer), welcome_factory=closed
    )
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "ProblemScreen")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 1 and "closed by the facilitator" in app.farewell and observer.kwargs == {}


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_escape_in_a_session_asks_to_leave_and_never_opens_the_library(
    library: Path, saves: Path, size: tuple[int, int]
) -> None:
    observer = PacedObserver()
    fake = {"observer_factory": factory_for(observer), "welcome_factory": _welcome()}
    app = make_app(library, saves, seed=None, join="ABC123", name="Ada", **fake)
    async with app.run_test(size=size) as pilot:
        await until_screen(pilot, "PlayScreen")
        from tests.tui.test_keys import bar

        assert "Esc Leave" in bar(app) and "Library" not in bar(app)
        await pilot.press("escape")
        await until_screen(pilot, "ConfirmScreen")
        assert "Leave the session?" in str(app.screen.query_one("#confirm-title").render())
        await pilot.press("escape")  # Keep playing
        await until_screen(pilot, "PlayScreen")
        assert [type(s).__name__ for s in app.screen_stack][-1] == "PlayScreen"
        await pilot.press("escape")
        await until_screen(pilot, "ConfirmScreen")
        await pilot.click("#confirm-yes")
        await pilot.pause()
    assert app.return_code == 0 and "closed" in observer.calls
