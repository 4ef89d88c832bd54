"""The story map as an author sees it: `simgame graph --format mermaid` rendered by Mermaid in Chromium.

Every label is drawn in full (wrapped, never cut), no two edge labels sit on top of each other,
and nothing is drawn with a glyph the browser lacks. `.ci/run` installs Mermaid from the npm
registry into `.ci/node`; without it (or Chromium) on a developer's machine the test says how to
install them, and in CI it fails rather than skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

from simgame.authoring.graph import build, mermaid
from simgame.format.loader import load_scenario
from tests.chromium import chromium, require
from tests.support import ROOT, shipped_paths

MERMAID = ROOT / ".ci" / "node" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{script}"></script></head>
<body><pre class="mermaid">{source}</pre>
<script>mermaid.initialize({{startOnLoad: false, securityLevel: "strict", flowchart: {{htmlLabels: true}}}});
mermaid.run().then(() => document.body.dataset.done = "yes", e => document.body.dataset.done = "error: " + e);
</script></body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    require(
        MERMAID,
        how="install Debian's chromium and chromium-driver, and Mermaid with "
        "`npm install --prefix .ci/node mermaid@11.4.1` (as .ci/run does)",
    )
    with chromium("--window-size=1600,1200", "--allow-file-access-from-files") as driver:
        yield driver


def _render(browser: webdriver.Chrome, source: str, tmp_path: Path) -> None:
    from html import escape

    page = tmp_path / "graph.html"
    page.write_text(PAGE.format(script=MERMAID.as_uri(), source=escape(source)), encoding="utf-8")
    browser.get(page.as_uri())
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return document.body.dataset.done || ''"))
    assert browser.execute_script("return document.body.dataset.done") == "yes"


LABELS = """
return Array.from(document.querySelectorAll('g.edgeLabel')).map(e => {
  const html = e.querySelector('div, span, p');
  const text = html && html.innerText !== undefined ? html.innerText : e.textContent;
  const r = e.getBoundingClientRect();
  return {text: text || '', x: r.left, y: r.top, w: r.width, h: r.height};
}).filter(l => l.text.trim());"""


@pytest.mark.parametrize("path", [ROOT / "tests" / "data" / "tiny.yaml", shipped_paths()[0]], ids=["tiny", "shipped"])
def test_the_story_map_renders_with_every_word_and_no_overlap(
    browser: webdriver.Chrome, tmp_path: Path, path: Path
) -> None:
    sc = load_scenario(path)
    _render(browser, mermaid(build(sc.doc)), tmp_path)
    labels = browser.execute_script(LABELS)
    drawn = " ".join(" ".join(label["text"].split()) for label in labels)
    for scene in sc.doc.scenes.values():
        for choice in scene.choices:
            assert " ".join(choice.label.split()) in drawn, f"the label of `{choice.id}` is not drawn in full"
    boxes = [(lb["x"], lb["y"], lb["x"] + lb["w"], lb["y"] + lb["h"], lb["text"]) for lb in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 2 or overlap_y <= 2, f"edge labels drawn on top of each other: {a[4]!r} and {b[4]!r}"
