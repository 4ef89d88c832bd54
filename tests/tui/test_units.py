"""The TUI's non-visual parts: library, hot reload, path search, caches, term markup, rendering."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from simgame.analysis.search import path_to
from simgame.engine.run import Run
from simgame.engine.saves import write_save
from simgame.format.loader import bundled_dir, load_glossary, load_scenario, scenario_files
from simgame.tui import explore
from simgame.tui.catalog import load_catalog, score_save
from simgame.tui.reload import reload
from simgame.tui.session import GameSession
from simgame.tui.terms import split_terms, terms_met
from tests.tui.support import GLOSSARY, TINY

PASS_THROUGH = (
    TINY.read_text()
    .replace(
        """        next: rollout
        feedback: Priya accepts the role.""",
        """        next: board
        feedback: Priya accepts the role.""",
    )
    .replace(
        """  rollout:
    phase: scaling""",
        """  board:
    phase: scaling
    title: The board meets
    text: The board hears the plan and nods.
    next: rollout
  rollout:
    phase: scaling""",
    )
)


def plain(renderable: object) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_catalog_lists_broken_files_and_best_results(library: Path, saves: Path) -> None:
    scenario = load_scenario(library / "tiny.yaml")
    for choices in (["name-owner", "measure"], ["scale-now", "keep-running"], ["name-owner"]):
        run = Run.replay(scenario, 1, choices)
        write_save(run, saves, "-".join(["tiny", *choices]))
    (saves / "junk.json").write_text("[]")
    catalog = load_catalog(library, saves)
    assert [e.path.name for e in catalog.entries] == ["half-written.yaml", "tiny.yaml"]
    broken, tiny = catalog.entries
    assert broken.scenario is None and broken.problem and broken.problem_count >= 1
    assert tiny.finished_runs == 2 and [s.choices for s in tiny.in_progress] == [["name-owner"]]
    expected = max(
        score_save(e.save, tiny.scenario).overall for e in catalog.saves if e.save is not None and e.save.ended
    )
    assert tiny.best is not None and tiny.best.score == expected and tiny.best.ending_title == "Muddling through"
    assert sum(e.save is None for e in catalog.saves) == 1


def test_snapshot_scores_match_a_replay(library: Path, saves: Path) -> None:
    from simgame.engine.saves import read_save
    from simgame.engine.scoring import score

    scenario = load_scenario(library / "tiny.yaml")
    run = Run.replay(scenario, 1, ["name-owner", "measure"])
    save = read_save(write_save(run, saves, "tiny-x"))
    assert score_save(save, scenario).overall == score(scenario, run, run.metrics).overall
    changed = save.model_copy(update={"content_hash": "0" * 16})
    assert score_save(changed, scenario) is None


def test_reload_reports_where_the_replay_stops(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(TINY.read_text())
    same = reload(path, 1, None, ["name-owner", "measure"])
    assert same.matched and same.run.ended and "replayed your 2 choices" in same.message
    path.write_text(TINY.read_text().replace("id: measure", "id: measure-it"))
    moved = reload(path, 1, None, ["name-owner", "measure"])
    assert moved.ok and not moved.matched and moved.replayed == 1
    assert "no longer matches at decision 2: `measure`" in moved.message
    path.write_text("format: simgame/v1\n")
    broken = reload(path, 1, None, ["name-owner"])
    assert not broken.ok and broken.diagnostics and "still playing the last good version" in broken.message


def test_path_search_uses_the_players_seed(tiny_scenario) -> None:
    assert path_to(tiny_scenario, "kickoff", 1) == []
    assert path_to(tiny_scenario, "incident", 1) == ["scale-now"]  # seed 1: the drift event fires
    assert path_to(tiny_scenario, "incident", 2) is None  # seed 2: it never does
    assert path_to(tiny_scenario, "rollout", 2) in (["scale-now"], ["name-owner"])


def test_outcome_range_comes_from_the_outcome_map_without_exploring(tiny_scenario, tmp_path: Path, monkeypatch) -> None:
    first = explore.outcome_range(tiny_scenario, tmp_path)
    assert (first.worst, first.best, first.exhaustive) == (41.7, 60.0, True)
    assert any(tmp_path.glob(f"tiny-{tiny_scenario.content_hash}-*.simmap"))

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the game process explored the state space")

    monkeypatch.setattr("simgame.analysis.batch.explorer.Explorer.run", refuse)
    explore.clear_cache()
    assert explore.outcome_range(tiny_scenario, tmp_path) == first
    explore.clear_cache()
    assert explore.outcome_range(tiny_scenario, tmp_path) == first  # from disk this time


def test_terms_are_found_case_insensitively_as_whole_words() -> None:
    glossary = load_glossary(GLOSSARY)
    pieces = split_terms(
        "Pilots aside, the pilot and its Model Drift; autopilot is not one.",
        glossary,
        ["pilot-purgatory", "model-drift"],
    )
    assert [p for p in pieces if p[1]] == [("pilot", "pilot-purgatory"), ("Model Drift", "model-drift")]
    assert "".join(p for p, _ in pieces).startswith("Pilots aside")
    assert split_terms("no glossary", None, ["x"]) == [("no glossary", None)]


def test_pass_through_scenes_are_not_decisions(tmp_path: Path, saves: Path) -> None:
    from simgame.tui.widgets.consequence import consequence_text
    from simgame.tui.widgets.dashboard import render_dashboard

    path = tmp_path / "pass.yaml"
    path.write_text(PASS_THROUGH)
    shutil.copy(GLOSSARY, tmp_path / "glossary.yaml")
    scenario = load_scenario(path)
    session = GameSession(Run.start(scenario, 2), saves, "pass-1")
    session.choose("name-owner")
    assert session.run.scene_id == "board" and session.decisions_made == 1
    [option] = session.run.options()
    decision = session.choose(option.id)
    assert session.is_synthetic(option.id) and session.decisions_made == 1
    assert "You read on." in plain(consequence_text(session, decision))
    assert "Decisions made: 1" in plain(render_dashboard(session))
    session.flush()


@pytest.fixture
def tiny_scenario():
    return load_scenario(TINY)


SHIPPED = scenario_files(bundled_dir())


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenarios_render_from_start_to_debrief(path: Path, tmp_path: Path) -> None:
    """Every screen's text for a first-choice walk through each shipped scenario (invalid ones are skipped
    by the library with a message, which test_flows covers)."""
    from simgame.format.diagnostics import LoadError
    from simgame.tui.screens.briefing import briefing_text
    from simgame.tui.screens.debrief import decisions_text, outcome_text
    from simgame.tui.screens.play import scene_content
    from simgame.tui.widgets.consequence import consequence_text
    from simgame.tui.widgets.dashboard import render_dashboard

    try:
        scenario = load_scenario(path)
    except LoadError as exc:
        catalog = load_catalog(path.parent, tmp_path)
        entry = next(e for e in catalog.entries if e.path == path)
        assert entry.scenario is None and entry.problem, exc
        return
    assert plain(briefing_text(scenario)).strip()
    session = GameSession(Run.start(scenario, 3), None, "walk")
    steps = 0
    while not session.run.ended and steps < 200:
        assert scene_content(session).plain
        assert "Phase:" in plain(render_dashboard(session))
        decision = session.choose(session.run.available()[0])
        assert plain(consequence_text(session, decision)).strip()
        steps += 1
    assert session.run.ended
    d = session.debrief()
    assert "Overall score" in plain(outcome_text(d))
    assert plain(decisions_text(d, scenario)).strip()
    assert terms_met(scenario, session.run.visited) <= set(load_glossary(bundled_dir() / "glossary.yaml").ids)


def test_briefing_keeps_the_authors_capitals_in_what_a_stakeholder_wants() -> None:
    """“wants A third off…” read as a typo: what each stakeholder wants is its own labelled line."""
    from simgame.tui.screens.briefing import briefing_text

    text = plain(briefing_text(load_scenario(bundled_dir() / "pilot-to-production.yaml")))
    assert "Wants: A third off the AI budget" in text
    assert "wants A" not in text
