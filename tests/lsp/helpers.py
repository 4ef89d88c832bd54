"""Finding places in the test scenario's text, as an editor's cursor would sit on them."""

from __future__ import annotations

from simgame.format.yamlsource import parse_yaml
from simgame.lsp.symbols import Index, build
from tests.support import TINY

TINY_TEXT = TINY.read_text(encoding="utf-8")


def where(text: str, needle: str, nth: int = 0, into: int = 1) -> tuple[int, int]:
    """0-based (line, column) ``into`` characters inside the ``nth`` occurrence of ``needle``."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    return line, col + into


def index_of(text: str = TINY_TEXT) -> Index:
    data, smap = parse_yaml(text, "tiny.yaml")
    return build(data, smap)


def variant(old: str, new: str, text: str = TINY_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)
