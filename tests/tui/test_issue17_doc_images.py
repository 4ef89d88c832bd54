"""The guides' images are there: every image a page in docs/ shows exists, and playing.md shows every
screenshot the screenshot test makes (tests/tui/test_issue17_screenshots.py), each with a caption."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from tests.tui.test_issue17_screenshots import SHOTS

DOCS = Path(__file__).resolve().parents[2] / "docs"
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def images(page: Path) -> list[tuple[str, str]]:
    """(alt text, target) of every Markdown image on ``page`` that is not on the network."""
    found = IMAGE.findall(page.read_text(encoding="utf-8"))
    return [(alt, target) for alt, target in found if not re.match(r"[a-z]+://", target)]


def test_every_image_the_docs_show_exists() -> None:
    missing = [
        f"{page.relative_to(DOCS)}: {target}"
        for page in sorted(DOCS.rglob("*.md"))
        for _alt, target in images(page)
        if not (page.parent / target.split("#")[0]).is_file()
    ]
    assert not missing, "images the docs show that are not there:\n" + "\n".join(missing)


def test_playing_shows_every_screenshot_with_words() -> None:
    page = DOCS / "playing.md"
    shown = {target.removeprefix("images/"): alt for alt, target in images(page)}
    assert set(SHOTS) <= set(shown), f"screenshots not shown in playing.md: {sorted(set(SHOTS) - set(shown))}"
    assert all(shown[name].strip() for name in SHOTS), "every screenshot needs alt text"
    text = page.read_text(encoding="utf-8")
    for name in SHOTS:  # a sentence after each image says what to notice
        after = text.split(f"(images/{name})", 1)[1].lstrip("\n").split("\n\n", 1)[0]
        assert len(after.split()) >= 12, f"{name}: no sentence after the image says what to notice"


def test_the_screenshots_are_the_terminal_sizes_they_are_named_after() -> None:
    for name in SHOTS:
        svg = (DOCS / "images" / name).read_text(encoding="utf-8")
        assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg", name  # well-formed
        columns, rows = (int(n) for n in re.findall(r"(\d+)x(\d+)", name)[0])
        clip = re.search(
            r'<clipPath id="terminal-clip-terminal">\s*<rect x="0" y="0" width="([\d.]+)" height="([\d.]+)"', svg
        )
        assert clip, name
        width, height = float(clip[1]), float(clip[2])
        assert abs(width - columns * 12.2) < 2 and abs(height - rows * 24.4) < 2, (name, width, height)
