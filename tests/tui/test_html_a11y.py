"""The exported HTML debrief as a screen reader gets it: Chromium's accessibility tree (headless, Debian's).

Each chart must be an image whose name is its title and whose description says its numbers; the
page has headings to move by and a table of the profile's numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simgame.engine.run import Run
from simgame.engine.scoring import debrief
from simgame.format.loader import load_scenario
from simgame.tui.debriefhtml import debrief_html
from tests.chromium import chromium, require
from tests.tui.support import TINY


@pytest.fixture
def browser() -> Iterator[Any]:
    require()
    with chromium() as driver:
        yield driver


def _value(node: dict[str, Any], key: str) -> str:
    return str((node.get(key) or {}).get("value", ""))


def test_the_html_debrief_reads_well_to_a_screen_reader(browser: Any, tmp_path: Path) -> None:
    run = Run.replay(load_scenario(TINY), 1, ["name-owner", "measure"])
    page = tmp_path / "debrief.html"
    page.write_text(debrief_html(debrief(run), run), encoding="utf-8")
    browser.get(page.as_uri())
    nodes = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    roles = [(_value(n, "role"), _value(n, "name"), _value(n, "description")) for n in nodes if not n.get("ignored")]
    images = [(name, desc) for role, name, desc in roles if role in ("image", "img", "graphics-document")]
    assert ("Outcome profile", "Value: 45/100; Risk and control: 90/100") in images
    assert any(n == "Value realised" and "Value realised started at 30." in d and "better" in d for n, d in images)
    assert any(n == "Risk exposure" and "Lower is better for this one." in d for n, d in images)
    headings = [name for role, name, _d in roles if role == "heading"]
    assert "Debrief: The Tiny Pilot" in headings and "Outcome profile" in headings
    assert "How your metrics moved, decision by decision" in headings
    assert any(role == "table" for role, _n, _d in roles)
    assert any(role == "columnheader" and name == "Score" for role, name, _d in roles)
