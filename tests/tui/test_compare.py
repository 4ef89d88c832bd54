"""Compare runs: saved runs with their results as a tree of branches, a branch's debrief beside its
original, and the dashboard's deltas after resume and rewind."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList

from simgame.engine.scoring import score_text
from tests.tui.support import home_ready, make_app, until_screen, wait_for
from tests.tui.test_flows import start_tiny, take, text_of


async def finish_and_branch(pilot) -> None:
    """tiny-run-1 ends in Muddling through; its branch tiny-run-2 goes back to decision 1 and ends in Crisis."""
    await start_tiny(pilot)
    await take(pilot, "name-owner")
    await take(pilot, "measure")
    await pilot.press("w")
    await pilot.press("enter")  # back to decision 1
    await until_screen(pilot, "PlayScreen")
    await take(pilot, "scale-now")
    await take(pilot, "keep-running")
    await until_screen(pilot, "DebriefScreen")


async def test_a_branch_debrief_compares_with_its_original(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await finish_and_branch(pilot)
        assert "c Compare" in text_of(app, "KeyBar")
        await pilot.press("c")
        await wait_for(pilot, lambda: "Reading" not in text_of(app, "#compare-text"))
        table = text_of(app, "#compare-text")
        assert "This what-if branch" in table and "Your original run (tiny-run-1)" in table
        assert "Crisis" in table and "Muddling through" in table
        assert "Scale to every region now" in table and "Name an owner" in table  # the decisions that differ
        assert "gave up" in table or "best option here" in table  # what each cost
        b, o = app.screen.comparison.branch.debrief, app.screen.comparison.original.debrief
        assert f"{score_text(b.outcome.overall)}/100" in table and f"{score_text(o.outcome.overall)}/100" in table
    branch = json.loads((saves / "tiny-run-2.json").read_text())
    assert branch["extra"]["branch_of"] == {"run_id": "tiny-run-1", "decision": 1}


async def test_saved_runs_show_results_and_branches_as_a_tree(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await finish_and_branch(pilot)
        await pilot.press("escape")
        await until_screen(pilot, "HomeScreen")
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        listing = app.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 2 and listing.get_option_at_index(0).id == "save:0")
        first, second = (str(listing.get_option_at_index(i).prompt) for i in range(2))
        assert first.startswith("The Tiny Pilot") and "/100 · Mixed · Muddling through" in first
        assert second.startswith("   └ The Tiny Pilot") and "· Crisis" in second
        assert "branch of tiny-run-1, from decision 1" in second


async def test_dashboard_deltas_survive_resume_and_rewind(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        assert "▲+5 better" in text_of(app, "#dashboard")
        await pilot.press("ctrl+q")
    again = make_app(library, saves, seed=1)
    async with again.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # continue tiny-run-1
        await until_screen(pilot, "PlayScreen")
        assert again.session.run.choice_log == ["name-owner"]
        dashboard = text_of(again, "#dashboard")
        assert "▲+5 better" in dashboard and "▼-10 better" in dashboard
        await take(pilot, "measure")
        await pilot.press("w")
        rewind = again.screen.query_one("#rewind", OptionList)
        rewind.highlighted = 1  # back to decision 2: the first choice is kept
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert again.session.run.choice_log == ["name-owner"]
        assert "▲+5 better" in text_of(again, "#dashboard")


def test_no_comparison_when_the_original_is_gone_or_changed(library: Path, saves: Path) -> None:
    import pytest

    from simgame.engine.run import Run
    from simgame.engine.saves import write_save
    from simgame.format.loader import load_scenario
    from simgame.tui.compare import build
    from simgame.tui.session import BranchOf

    scenario = load_scenario(library / "tiny.yaml")
    branch = Run.replay(scenario, 1, ["scale-now", "keep-running"])
    with pytest.raises(ValueError, match="no longer in the saves folder"):
        build(branch, None, BranchOf("tiny-run-1", 1), saves)
    original = Run.replay(scenario, 1, ["name-owner", "measure"])
    write_save(original, saves, "tiny-run-1")
    found = build(branch, None, BranchOf("tiny-run-1", 1), saves)
    assert found.original.debrief.ending_title == "Muddling through" and found.original.reference is None
    data = json.loads((saves / "tiny-run-1.json").read_text())
    data["content_hash"] = "0" * 16
    (saves / "tiny-run-1.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="changed since"):
        build(branch, None, BranchOf("tiny-run-1", 1), saves)
