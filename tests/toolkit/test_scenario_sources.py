"""Sources: every shipped scenario says what its facts rest on, and docs/ lists them, in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.authoring.sources import PAGE, render, shipped
from simgame.format.loader import load_scenario
from tests.support import shipped_paths

SHIPPED = shipped_paths()


def test_the_sources_page_is_generated_from_the_scenarios() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(shipped()), (
        "docs/scenario-sources.md is out of date: run `python -m simgame.authoring.sources`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_lists_dated_sources(path: Path) -> None:
    doc = load_scenario(path).doc
    assert len(doc.sources) >= 5, f"{doc.id} lists {len(doc.sources)} sources"
    ids = [s.id for s in doc.sources]
    assert len(ids) == len(set(ids)), f"{doc.id} repeats a source id"
    for src in doc.sources:
        assert src.url.startswith("https://") or not src.url, src.id
        assert src.date <= doc.as_of, f"{src.id} is dated after the scenario's as_of"
    assert any(s.checked == "primary" for s in doc.sources)


def test_sources_are_checked_where_they_are_written(tmp_path: Path) -> None:
    from simgame.cli.validate import check_paths
    from tests.toolkit.helpers import tiny_text

    sources = """sources:
  - {id: nist, title: AI RMF, publisher: NIST, date: "2023-01", url: "javascript:alert(1)",
     checked: primary, supports: x}
  - {id: nist, title: Later, publisher: NIST, date: "2099", checked: secondary, supports: y}
"""
    path = tmp_path / "s.yaml"
    path.write_text(tiny_text() + sources, encoding="utf-8")
    found = sorted(
        (d.code, d.message) for r in check_paths([str(path)]) for d in r.diagnostics if d.code.startswith("SG2")
    )
    assert [c for c, _ in found] == ["SG203", "SG207", "SG210"], found
