"""What keeps a browser player's process small: one copy of each scenario and glossary, without source positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.engine.run import Run
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario
from simgame.tui.catalog import load_catalog
from simgame.tui.loaded import load_playable
from simgame.tui.terms import glossary_for


def test_a_joined_game_keeps_its_scenario_without_source_positions(library: Path) -> None:
    full = load_scenario(library / "tiny.yaml")
    joined = load_playable(library / "tiny.yaml")
    assert full.smap.values and not joined.smap.values and joined.smap.file == full.smap.file
    assert joined.content_hash == full.content_hash
    assert Run.start(joined, 1).available() == Run.start(full, 1).available()


def test_a_joined_game_reads_a_changed_file_again(library: Path) -> None:
    before = load_playable(library / "tiny.yaml")
    path = library / "tiny.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1), encoding="utf-8")
    after = load_playable(path)
    assert after is not before and after.title.startswith("Changed ")
    assert after.content_hash != before.content_hash


def test_a_scenario_that_cannot_be_played_reports_every_problem_as_load_scenario_does(library: Path) -> None:
    path = library / "half-written.yaml"
    with pytest.raises(LoadError) as expected:
        load_scenario(path)
    with pytest.raises(LoadError) as got:
        load_playable(path)
    assert [d.render() for d in got.value.diagnostics] == [d.render() for d in expected.value.diagnostics]
    assert any(d.line for d in got.value.diagnostics)  # located: the positions are there when they are needed


def test_the_library_keeps_no_source_positions_and_still_plays_and_warns(library: Path, saves: Path) -> None:
    full = load_scenario(library / "tiny.yaml")
    catalog = load_catalog(library, saves)
    entry = catalog.by_id("tiny")
    assert entry is not None and entry.scenario is not None
    kept = entry.scenario
    assert full.smap.values and not kept.smap.values and not kept.smap.keys and not kept.smap.raw
    assert not kept.smap.lines and kept.smap.file == full.smap.file
    assert [d.render() for d in kept.warnings] == [d.render() for d in full.warnings]
    assert catalog.glossary is not None and not catalog.glossary.smap.values and catalog.glossary.doc.terms
    run = Run.start(kept, 1)
    assert run.available() == Run.start(full, 1).available()
    broken = next(e for e in catalog.entries if e.path.name == "half-written.yaml")
    assert broken.scenario is None and broken.problem.startswith("line ")  # problems are still located


def test_the_game_and_the_library_share_one_glossary(library: Path, saves: Path) -> None:
    catalog = load_catalog(library, saves)
    entry = catalog.by_id("tiny")
    assert entry is not None and entry.scenario is not None
    assert catalog.glossary is not None
    assert glossary_for(entry.scenario) is catalog.glossary
