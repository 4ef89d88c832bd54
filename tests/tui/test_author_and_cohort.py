"""Author tools (--watch, --from, --fixture) and the cohort hook, with a fake observer."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input, OptionList

from simgame.tui.options import LaunchOptions, from_namespace
from tests.tui.support import SIZE, TINY, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import key_for, take, text_of


class FakeObserver:
    """Records every call; holds the player while ``gate_open`` is False."""

    def __init__(self, resume: list[str] | None = None) -> None:
        self.scenario_id = "tiny"
        self.seed = 2
        self.resume = resume or []
        self.gate_open = False
        self.calls: list[str] = []
        self.kwargs: dict[str, object] = {}

    def started(self, run) -> None:
        self.calls.append(f"started:{len(run.history)}")

    def chose(self, run, decision) -> None:
        self.calls.append(f"chose:{decision.choice}")

    def finished(self, run) -> None:
        self.calls.append(f"finished:{run.ending}")

    def waiting(self, run) -> str | None:
        return None if self.gate_open else "Waiting for the facilitator to open this decision..."

    def close(self) -> None:
        self.calls.append("closed")


def factory_for(observer: FakeObserver):
    def observer_for(**kwargs: object) -> FakeObserver:
        observer.kwargs = kwargs
        return observer

    return observer_for


async def test_cohort_player_waits_for_the_facilitator(library: Path, saves: Path) -> None:
    observer = FakeObserver()
    app = make_app(library, saves, seed=None, join="ABC123", team="blue", observer_factory=factory_for(observer))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "NameScreen")
        await pilot.press("enter")
        assert "Please type a name" in text_of(app, "#name-error")
        await pilot.press(*"Ada")
        assert app.screen.query_one("#name-input", Input).value == "Ada"
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert observer.kwargs == {"join": "ABC123", "name": "Ada", "team": "blue", "hub": None, "saves": saves}
        assert app.session.run.seed == 2 and observer.calls == ["started:0"]
        assert "Waiting for the facilitator" in text_of(app, "#notice")
        choices = app.screen.query_one("#choices", OptionList)
        assert all(choices.get_option_at_index(i).disabled for i in range(choices.option_count))
        await pilot.press(key_for(app, "name-owner"))
        assert app.session.run.turn == 0
        observer.gate_open = True
        await wait_for(pilot, lambda: not choices.get_option_at_index(0).disabled, timeout=5)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        assert screen_name(app) == "DebriefScreen"
        await pilot.press("ctrl+q")
    assert observer.calls == ["started:0", "chose:name-owner", "chose:measure", "finished:muddled", "closed"]


async def test_cohort_rejoin_resumes_and_errors_are_shown(library: Path, saves: Path) -> None:
    observer = FakeObserver(resume=["name-owner"])
    observer.gate_open = True
    app = make_app(library, saves, join="ABC123", name="Ada", observer_factory=factory_for(observer))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.choice_log == ["name-owner"]
        assert "Welcome back, Ada" in text_of(app, "#notice")

    def refuse(**_: object) -> FakeObserver:
        raise RuntimeError("The code ABC123 is not open. Check it with your facilitator.")

    app = make_app(library, saves, join="ABC123", name="Ada", observer_factory=refuse)
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "ProblemScreen")
        assert "The code ABC123 is not open" in text_of(app, "#problem-text")
        await pilot.press("escape")  # a name given on the command line: the game leaves, saying why
        await pilot.pause()
    assert app.return_code == 1 and "The code ABC123 is not open" in app.farewell
    assert app.catalog is None  # a session's player never had the library read

    def taken(**_: object) -> FakeObserver:
        raise RuntimeError("the name Ada is already taken in this session by someone on another device")

    app = make_app(library, saves, join="ABC123", observer_factory=taken, welcome_factory=lambda **_: None)
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "NameScreen")
        await pilot.press(*"Ada", "enter")
        await until_screen(pilot, "ProblemScreen")
        await pilot.press("escape")  # typed in the game: asked again, never left in the library
        await until_screen(pilot, "NameScreen")
        assert screen_name(app) == "NameScreen"


async def test_watch_reloads_replays_and_reports(tmp_path: Path, library: Path, saves: Path) -> None:
    scenario = tmp_path / "library" / "draft.yaml"
    shutil.copy(TINY, scenario)
    app = make_app(library, saves, scenario=str(scenario), watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        await take(pilot, "name-owner")
        assert app.session.run.scene_id == "rollout"

        scenario.write_text(TINY.read_text().replace("The model is live everywhere.", "It is live in 9 regions."))
        await wait_for(pilot, lambda: "It is live in 9 regions." in text_of(app, "#scene-text"))
        assert "replayed your 1 choice" in text_of(app, "#notice")
        assert app.session.run.choice_log == ["name-owner"]

        scenario.write_text(TINY.read_text().replace("next: rollout", "next: nowhere", 1))
        await wait_for(pilot, lambda: bool(app.watch_diagnostics))
        assert "still playing the last good version" in text_of(app, "#notice")
        assert app.session.run.scene_id == "rollout"
        await pilot.press("d")
        await until_screen(pilot, "ProblemScreen")
        assert "nowhere" in text_of(app, "#problem-text")
        await pilot.press("escape")

        scenario.write_text(TINY.read_text().replace("id: name-owner", "id: appoint-owner"))
        await wait_for(pilot, lambda: not app.watch_diagnostics and "no longer matches" in text_of(app, "#notice"))
        assert "decision 1: `name-owner`" in text_of(app, "#notice")
        assert app.session.run.choice_log == [] and app.session.run.scene_id == "kickoff"


async def test_from_scene_and_fixture_start_anywhere(library: Path, saves: Path) -> None:
    app = make_app(library, saves, scenario=str(TINY), start_scene="incident", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.scene_id == "incident"
        assert app.session.run.choice_log == ["scale-now"]
        assert "Started at `incident` by replaying 1 choice" in text_of(app, "#notice")

    app = make_app(library, saves, scenario=str(TINY), fixture="after-rush")
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.fixture == "after-rush" and app.session.run.metrics["risk"] == 60

    app = make_app(library, saves, scenario=str(TINY), start_scene="incidnet")
    async with app.run_test(size=SIZE) as pilot:  # the author stays in their file, told why
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.scenario.path == str(TINY) and app.session.run.scene_id == "kickoff"
        notice = text_of(app, "#notice")
        assert "There is no scene `incidnet`" in notice and "Did you mean `incident`?" in notice


async def test_from_scene_finds_a_seed_when_the_given_one_cannot_reach_it(library: Path, saves: Path) -> None:
    """Seed 2 never rolls the drift that leads to the incident: a seed that does is found and said."""
    app = make_app(library, saves, scenario=str(TINY), start_scene="incident", seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.scene_id == "incident" and app.session.run.seed != 2
        assert app.options.seed == app.session.run.seed  # hot reload replays the same run
        notice = " ".join(text_of(app, "#notice").split())
        assert f"seed 2 never reaches it, seed {app.session.run.seed} does" in notice


async def test_direct_open_of_a_broken_file_explains_it(tmp_path: Path, library: Path, saves: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: simgame/v1\nid: [unclosed\n")
    app = make_app(library, saves, scenario=str(broken))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "ProblemScreen")
        assert "SG103" in text_of(app, "#problem-text")
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")


def test_launch_options_read_any_namespace(monkeypatch, tmp_path: Path) -> None:
    class Old:  # a namespace from a CLI that knows none of the newer options
        scenario = "tiny"

    options = from_namespace(Old())
    assert options.scenario == "tiny" and options.join is None and options.seed is None and not options.watch

    class New:
        scenario = None
        seed = "7"
        saves = str(tmp_path)
        join = "XYZ"
        name = "Bo"
        team = "red"
        hub = "http://127.0.0.1:8000"
        from_scene = "rollout"

    options = from_namespace(New())
    assert (options.seed, options.join, options.name, options.team, options.hub) == (
        7,
        "XYZ",
        "Bo",
        "red",
        "http://127.0.0.1:8000",
    )
    assert options.saves_dir() == tmp_path and options.start_scene == "rollout" and options.author_mode
    monkeypatch.setenv("SIMGAME_SAVES", str(tmp_path / "env"))
    assert LaunchOptions().saves_dir() == tmp_path / "env"


def test_cli_refuses_a_broken_file_before_opening_the_game(tmp_path: Path, capsys) -> None:
    from simgame.cli import main

    broken = tmp_path / "broken.yaml"
    broken.write_text("format: simgame/v1\nid: [unclosed\n")
    assert main(["play", str(broken), "--saves", str(tmp_path / "saves")]) == 1
    err = capsys.readouterr().err
    assert "SG103 error" in err and "could not be loaded" in err


async def test_a_scenario_loaded_by_the_cli_opens_its_briefing(library: Path, saves: Path) -> None:
    from simgame.format.loader import load_scenario

    app = make_app(library, saves, scenario="tiny", preloaded=load_scenario(TINY))
    async with app.run_test(size=SIZE) as pilot:
        await until_screen(pilot, "BriefingScreen")
        text = text_of(app, "#briefing-text")
        assert (
            "Operations lead at a small insurer" in text
            and "Risk exposure (starts at 30 of 100; lower is better)" in text
        )
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
