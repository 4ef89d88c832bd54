"""Whole user flows driven with Pilot at 80x24, on the tiny scenario and a frozen glossary."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.widgets import Input, OptionList, Static

from simgame.tui.screens.play import PlayScreen
from tests.tui.support import SIZE, home_ready, make_app, screen_name, until_screen, wait_for


def text_of(app, selector: str) -> str:
    """The plain text a Static shows (markup, Rich Text or any renderable), as the player reads it."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return Text.from_markup(content).plain if "[" in content else content
    if isinstance(content, (Text, Content)):
        return content.plain
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def start_tiny(pilot) -> None:
    """Library -> briefing -> play screen of the tiny scenario."""
    await home_ready(pilot)
    library = pilot.app.screen.query_one("#library", OptionList)
    assert library.highlighted_option.id.startswith("scenario:")
    await pilot.press("enter")
    await until_screen(pilot, "BriefingScreen")
    await pilot.press("enter")
    await until_screen(pilot, "PlayScreen")


def showing_consequence(app) -> bool:
    return screen_name(app) == "PlayScreen" and app.screen.showing_consequence


async def choose(pilot, key: str) -> None:
    """Press a choice key, check the consequence panel appears, then continue."""
    await pilot.press(key)
    await wait_for(pilot, lambda: showing_consequence(pilot.app))
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen_name(pilot.app) in ("PlayScreen", "DebriefScreen"))


def key_for(app, choice_id: str) -> str:
    """The number key of a choice as this run shows it: options are shuffled per seed, so tests name ids."""
    return str(next(o.number for o in app.session.run.options() if o.id == choice_id))


async def take(pilot, choice_id: str) -> None:
    """Press the key the player sees for ``choice_id``, then continue (as `choose`)."""
    await choose(pilot, key_for(pilot.app, choice_id))


async def test_full_playthrough_reaches_the_debrief(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        assert "Monday" in text_of(app, "#scene-title")
        await take(pilot, "name-owner")
        assert app.session.run.scene_id == "rollout"
        assert "▲+5 better" in text_of(app, "#dashboard") and "Path: Pilot › Scaling" in text_of(app, "#dashboard")
        await take(pilot, "measure")
        assert screen_name(app) == "DebriefScreen"
        title = text_of(app, "#debrief-title")
        assert "The Tiny Pilot" in title and "/100" in title
        assert "Muddling through" in text_of(app, "#outcome-text")
        await wait_for(pilot, lambda: "Best reachable" in text_of(app, "#range-text"))
        await pilot.press("d")
        decisions = text_of(app, "#decisions-text")
        assert "Rethink work as teams" in decisions and "Name an owner" in decisions
        assert "A named owner is what NIST AI RMF MANAGE 2.4 asks for." in decisions
    save = json.loads((saves / "tiny-run-1.json").read_text())
    assert save["ended"] and save["choices"] == ["name-owner", "measure"]


async def test_consequence_announces_chance_events(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press(key_for(app, "scale-now"))  # with seed 1 the drift event fires
        await wait_for(pilot, lambda: showing_consequence(app))
        body = text_of(app, "#consequence-text")
        assert "As a result (a 55% chance, and it happened): Triage quality drops" in body
        assert "Value realised  30 → 50  ▲+20 better" in body
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.screen.showing_consequence)
        assert "As a result (a 55% chance, and it happened): Triage quality drops" in text_of(app, "#scene-text")
        choices = app.screen.query_one("#choices", OptionList)
        key = key_for(app, "switch-off")
        locked = choices.get_option_at_index(int(key) - 1)
        assert locked.disabled and "Why locked: Nobody has the authority" in str(locked.prompt)
        await pilot.press(key)  # locked: explained, not chosen
        assert "locked" in text_of(app, "#notice") and app.session.run.turn == 1


async def test_quit_mid_run_and_resume(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await pilot.press("ctrl+q")
    assert app.return_value == 0
    saved = json.loads((saves / "tiny-run-1.json").read_text())
    assert saved["choices"] == ["name-owner"] and not saved["ended"]

    again = make_app(library, saves)
    async with again.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        library_list = again.screen.query_one("#library", OptionList)
        assert library_list.highlighted_option.id == "resume:tiny-run-1"
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert again.session.run.choice_log == ["name-owner"]
        assert again.session.run.scene_id == "rollout"
        await take(pilot, "measure")
        assert screen_name(again) == "DebriefScreen"
    assert json.loads((saves / "tiny-run-1.json").read_text())["ended"]


async def test_rewind_from_the_debrief_and_finish_differently(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        assert app.session.run.ending == "muddled"
        await pilot.press("w")
        rewind = app.screen.query_one("#rewind", OptionList)
        assert rewind.has_focus and rewind.option_count == 2
        await pilot.press("enter")  # back to decision 1
        await until_screen(pilot, "PlayScreen")
        assert "What if?" in text_of(app, "#notice")
        assert app.session.run.choice_log == [] and app.session.run_id == "tiny-run-2"
        await take(pilot, "scale-now")  # -> incident (seed 1)
        await take(pilot, "keep-running")  # -> crisis
        assert screen_name(app) == "DebriefScreen"
        assert app.session.run.ending == "crisis"
        assert "Crisis" in text_of(app, "#outcome-text")
    first = json.loads((saves / "tiny-run-1.json").read_text())
    second = json.loads((saves / "tiny-run-2.json").read_text())
    assert first["ending"] == "muddled" and second["ending"] == "crisis"


async def test_home_shows_best_result_after_a_finished_run(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        score = app.screen.debrief.outcome.overall
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: (
                screen_name(app) == "HomeScreen"
                and "best" in str(app.screen.query_one("#library", OptionList).get_option_at_index(1).prompt)
            ),
        )
        prompt = str(app.screen.query_one("#library", OptionList).get_option_at_index(1).prompt)
        assert f"best {score:.0f} (" in prompt


async def test_glossary_search_and_terms_met(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        scene_text = app.screen.query_one("#scene-text", Static)
        content = scene_text.content
        assert isinstance(content, Content)
        clicks = [(content.plain[s.start : s.end], s.style.meta.get("@click")) for s in content.spans if s.style.meta]
        assert clicks == [("pilot", "screen.term('pilot-purgatory')")]
        await pilot.press("t")
        await until_screen(pilot, "TermsScreen")
        assert "Pilot purgatory" in text_of(app, "#terms-text")
        await pilot.press("escape")
        await pilot.press("g")
        await until_screen(pilot, "GlossaryScreen")
        listing = app.screen.query_one("#glossary-list", OptionList)
        assert listing.option_count == 3
        assert str(listing.get_option_at_index(0).prompt).startswith("✓ Pilot purgatory")
        await pilot.press(*"drift")
        assert app.screen.query_one("#glossary-search", Input).value == "drift"
        assert listing.option_count == 1 and listing.get_option_at_index(0).id == "model-drift"
        assert "world it sees has changed" in text_of(app, "#glossary-text")
        for _ in range(5):
            await pilot.press("backspace")
        await pilot.press(*"zzz")
        assert "No term matches" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await until_screen(pilot, "PlayScreen")


async def test_markdown_export_is_written_and_correct(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: app.screen.range is not None)
        await pilot.press("e")
        path = saves / "debriefs" / "tiny-run-1.md"
        await wait_for(pilot, path.exists)
        assert str(path) in text_of(app, "#debrief-status").replace("\n", "")
        overall = app.screen.debrief.outcome.overall
    text = path.read_text()
    assert text.startswith("# Debrief: The Tiny Pilot\n")
    assert "*Choices:* `name-owner,measure`" in text
    assert f"## Outcome profile: {overall:.0f}/100" in text
    assert "### Rethink work as teams" in text and "### Measure outcomes, not completions" in text
    assert "## Compared with what was possible" in text


async def test_corrupted_save_is_listed_with_a_warning(library: Path, saves: Path) -> None:
    (saves / "broken-run.json").write_text("{this is not json")
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        listing = app.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 1 and listing.get_option_at_index(0).id == "save:0")
        prompt = str(listing.get_option_at_index(0).prompt)
        assert "DAMAGED SAVE broken-run.json" in prompt and "not valid JSON" in prompt
        assert "1 damaged" in text_of(app, "#load-status")
        await pilot.press("enter")
        await until_screen(pilot, "ProblemScreen")
        assert "never changes or deletes" in text_of(app, "#problem-text")
    assert (saves / "broken-run.json").read_text() == "{this is not json"


async def test_invalid_scenarios_are_listed_not_fatal(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        listing = app.screen.query_one("#library", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert ids == ["head:scenarios", "scenario:1", "invalid:0"]
        await pilot.press("down")
        detail = text_of(app, "#detail")
        assert "cannot be played yet" in detail and "simgame validate" in detail


async def test_help_and_command_palette_follow_the_screen(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press("f1")
        await until_screen(pilot, "HelpScreen")
        keys = text_of(app, "#help-keys")
        assert "Explain the highlighted terms in this scene" in keys
        await pilot.press("escape")
        await until_screen(pilot, "PlayScreen")
        await pilot.press("ctrl+p")
        await until_screen(pilot, "CommandPalette")
        await pilot.press(*"Terms")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until_screen(pilot, "TermsScreen")


async def test_every_binding_has_an_id_and_a_description() -> None:
    from simgame.tui.app import SimgameApp
    from simgame.tui.screens import (
        briefing,
        debrief,
        glossary,
        help,
        home,
        load,
        name,
        play,
        problem,
        terms,
    )

    classes = [
        SimgameApp,
        home.HomeScreen,
        briefing.BriefingScreen,
        play.PlayScreen,
        glossary.GlossaryScreen,
        debrief.DebriefScreen,
        load.LoadScreen,
        help.HelpScreen,
        name.NameScreen,
        problem.ProblemScreen,
        terms.TermsScreen,
    ]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and binding.description and binding.tooltip, (cls.__name__, binding.key)


async def test_play_screen_keeps_working_when_saving_fails(library: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the saves folder should be")
    app = make_app(library, blocked)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        assert "Could not save your progress" in text_of(app, "#notice")
        await take(pilot, "name-owner")
        assert isinstance(app.screen, PlayScreen)


async def test_resume_after_the_scenario_changed_replays_what_still_fits(library: Path, saves: Path) -> None:
    from simgame.engine.run import Run
    from simgame.engine.saves import write_save
    from simgame.format.loader import load_scenario

    run = Run.replay(load_scenario(library / "tiny.yaml"), 1, ["name-owner"])
    write_save(run, saves, "tiny-old")
    tiny = library / "tiny.yaml"
    tiny.write_text(tiny.read_text().replace("The model is live everywhere.", "The model is live in 9 regions."))
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # the unfinished run is offered first
        await until_screen(pilot, "ConfirmScreen")  # asked before the save is migrated
        await pilot.press("enter")  # "Back up and continue" is highlighted
        await until_screen(pilot, "PlayScreen")
        assert "has changed since this run was saved; your first 1 of 1 choices still apply" in text_of(app, "#notice")
        assert "live in 9 regions" in text_of(app, "#scene-text")


async def test_themes_include_high_contrast_and_switch_with_f2(library: Path, saves: Path) -> None:
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        seen = [app.theme]
        for _ in range(3):
            await pilot.press("f2")
            seen.append(app.theme)
        assert seen == ["simgame-dark", "simgame-light", "simgame-high-contrast", "simgame-dark"]
