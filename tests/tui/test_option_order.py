"""The play screen lists options in the run's shuffled order, keys follow it, and resume/rewind keep it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from simgame.engine.run import Run
from simgame.format.loader import load_scenario
from tests.tui.support import SIZE, TINY, home_ready, make_app, until_screen, wait_for
from tests.tui.test_author_and_cohort import FakeObserver, factory_for
from tests.tui.test_flows import showing_consequence, start_tiny, take, text_of

AUTHORED_KICKOFF = ["scale-now", "name-owner"]


def displayed(app) -> list[str]:
    """The choice ids in the order the play screen lists them."""
    choices = app.screen.query_one("#choices", OptionList)
    return [choices.get_option_at_index(i).id for i in range(choices.option_count)]


def prompts(app) -> list[str]:
    choices = app.screen.query_one("#choices", OptionList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


def engine_order(seed: int, choices: list[str], order_key: str = "") -> list[str]:
    run = Run.replay(load_scenario(TINY), seed, choices, order_key=order_key)
    return [o.id for o in run.options()]


async def test_two_seeds_show_the_kickoff_in_different_orders(library: Path, saves: Path) -> None:
    seen = {}
    for seed in (1, 2):
        app = make_app(library, saves / f"seed-{seed}", seed=seed)  # no earlier run offered to resume
        async with app.run_test(size=SIZE) as pilot:
            await start_tiny(pilot)
            seen[seed] = displayed(app)
            assert seen[seed] == engine_order(seed, [])
            assert [p.split(". ", 1)[0] for p in prompts(app)] == ["1", "2"]  # numbered as shown
    assert sorted(seen[1]) == sorted(seen[2]) and seen[1] != seen[2]


async def test_key_1_takes_the_option_listed_first(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        first = displayed(app)[0]
        assert first != AUTHORED_KICKOFF[0]  # seed 1 lists the file's second option first
        assert prompts(app)[0].startswith("1. Name an owner")
        await pilot.press("1")
        await wait_for(pilot, lambda: showing_consequence(app))
        assert app.session.run.choice_log == [first] == ["name-owner"]
        assert app.session.run.history[0].position == 1


async def test_resume_shows_the_same_order_as_before(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        before = displayed(app)
        assert before == ["celebrate", "measure"]  # the locked option first: not the file's order
        await pilot.press("ctrl+q")

    again = make_app(library, saves, seed=7)  # the save's seed decides, not this launch's
    async with again.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # the unfinished run is offered first
        await until_screen(pilot, "PlayScreen")
        assert again.session.run.choice_log == ["name-owner"]
        assert displayed(again) == before
        assert "Why locked" in prompts(again)[0]


async def test_rewind_shows_the_same_order_as_before(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        kickoff = displayed(app)
        await take(pilot, "name-owner")
        rollout = displayed(app)
        await take(pilot, "measure")
        await pilot.press("w")
        rewind = app.screen.query_one("#rewind", OptionList)
        assert rewind.has_focus and rewind.option_count == 2
        await pilot.press("down", "enter")  # back to decision 2
        await until_screen(pilot, "PlayScreen")
        await wait_for(pilot, lambda: "What if?" in text_of(app, "#notice"))
        assert app.session.run.choice_log == ["name-owner"] and displayed(app) == rollout
    assert kickoff == engine_order(1, []) and rollout == engine_order(1, ["name-owner"])


async def test_a_cohort_player_sees_their_own_order(library: Path, saves: Path) -> None:
    observer = FakeObserver()
    observer.gate_open = True
    observer.player = "p-bob"  # type: ignore[attr-defined]
    app = make_app(library, saves, join="ABC123", name="Bob", observer_factory=factory_for(observer))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.seed == 2 and app.session.run.order_key == "p-bob"
        assert displayed(app) == engine_order(2, [], "p-bob") == ["name-owner", "scale-now"]
        assert displayed(app) != engine_order(2, [])  # a solo player with the room's seed sees another order
