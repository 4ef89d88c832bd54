"""The position -> symbol logic: which id or field is under a cursor, and everywhere an id is written."""

from __future__ import annotations

import pytest

from simgame.lsp.symbols import Span
from tests.lsp.helpers import TINY_TEXT, index_of, variant, where


@pytest.mark.parametrize(
    ("needle", "nth", "kind", "name", "definition"),
    [
        ("kickoff", 0, "scene", "kickoff", False),  # start: kickoff
        ("kickoff:", 0, "scene", "kickoff", True),
        ("rollout", 0, "scene", "rollout", False),  # next: rollout
        ("incident", 1, "scene", "incident", False),  # goto: incident
        ("crisis", 0, "ending", "crisis", False),  # next: crisis
        ("scale-now", 0, "choice", "scale-now", True),
        ("value:", 0, "metric", "value", True),
        ("value >= 40", 0, "metric", "value", False),  # in a `when`
        ("risk / 200", 0, "metric", "risk", False),  # in a `chance`
        ("rushed]", 0, "flag", "rushed", False),  # set: [rushed]
        ("when: rushed", 0, "field", "when", False),
        ("pilot-purgatory", 0, "term", "pilot-purgatory", False),
        ("risk: 60", 0, "metric", "risk", False),  # a fixture's metrics
    ],
)
def test_the_symbol_under_the_cursor(needle: str, nth: int, kind: str, name: str, definition: bool) -> None:
    line, col = where(TINY_TEXT, needle, nth)
    found = index_of().at(line, col)
    assert found is not None, needle
    assert (found.kind, found.name, found.definition) == (kind, name, definition)


def test_nothing_under_plain_text() -> None:
    line, col = where(TINY_TEXT, "The pilot works.", into=5)
    assert index_of().at(line, col) is None


def test_every_place_an_id_is_written() -> None:
    index = index_of()
    assert len(index.of("scene", "rollout")) == 4  # two `next`, its key, a fixture's `scene`
    assert len(index.of("flag", "owner")) == 5  # key, set, objective, choice `when`, adjust `when`
    assert [o.definition for o in index.of("choice", "measure")] == [True]
    lines = TINY_TEXT.splitlines()
    for occ in index.occurrences:
        assert lines[occ.span.line][occ.span.start : occ.span.end] == occ.name


def test_expression_functions_name_choices_and_scenes() -> None:
    text = variant("when: value >= 40", "when: chose(scale-now) and visited(incident) and not rushed")
    index = index_of(text)
    line = where(text, "chose(scale-now)")[0]
    on_line = sorted((o.kind, o.name) for o in index.occurrences if o.span.line == line)
    assert on_line == [("choice", "scale-now"), ("field", "when"), ("flag", "rushed"), ("scene", "incident")]


def test_quoted_values_and_conditional_text_tags() -> None:
    text = variant("next: rollout\n        feedback: The rollout", 'next: "rollout"\n        feedback: The rollout')
    text = variant(
        "text: The model is live everywhere.", "text: >-\n      Live.{if owner}Owned.{elif risk > 50}Risky.{/if}", text
    )
    index = index_of(text)
    quoted = where(text, '"rollout"', into=3)
    assert index.at(*quoted) is not None and index.at(*quoted).name == "rollout"  # type: ignore[union-attr]
    tag = where(text, "{if owner}", into=5)
    assert (index.at(*tag).kind, index.at(*tag).name) == ("flag", "owner")  # type: ignore[union-attr]
    assert index.at(*where(text, "risk > 50")).name == "risk"  # type: ignore[union-attr]


def test_declared_ids() -> None:
    index = index_of()
    assert index.declared("scene") == ["kickoff", "rollout", "incident"]
    assert index.declared("ending") == ["crisis", "scaled", "muddled"]
    assert index.declared("flag") == ["owner", "rushed"]
    assert "switch-off" in index.declared("choice")


def test_a_glossary_file_is_indexed_as_terms() -> None:
    from tests.support import DATA

    index = index_of((DATA / "glossary.yaml").read_text(encoding="utf-8"))
    assert index.glossary
    assert "human-in-the-loop" in index.declared("term")
    see = where((DATA / "glossary.yaml").read_text(encoding="utf-8"), "see_also: [human-in-the-loop]", into=12)
    assert index.at(*see).name == "human-in-the-loop"  # type: ignore[union-attr]


def test_span_holds_its_ends() -> None:
    span = Span(3, 4, 9)
    assert span.holds(3, 4) and span.holds(3, 9) and not span.holds(3, 10) and not span.holds(2, 5)
