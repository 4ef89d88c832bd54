"""Completion contexts, rename rules, hover text, the debounce and the figures' walk, without a client."""

from __future__ import annotations

import asyncio

import pytest
from pygls.workspace import TextDocument

from simgame.format.diagnostics import make
from simgame.lsp import edits, info
from simgame.lsp.documents import Debouncer, Documents, diagnostic_span
from simgame.lsp.lens import SceneFigures, first_arrivals
from simgame.lsp.terms import Terms
from tests.lsp.helpers import TINY_TEXT, index_of, variant, where


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("        next: ro", "next"),
        ("        goto: ", "goto"),
        ("start: k", "start"),
        ("    scene: ", "start"),
        ("        when: value >= 40 and ri", "expr"),
        ("        chance: 0.3 + ", "expr"),
        ("        when: chose(sca", "chose"),
        ("        when: not visited(", "visited"),
        ("    terms: [pilot-purgatory, hu", "terms"),
        ("        set: [", "flags"),
        ("        {when: ow", "expr"),
        ("      Text {if own", "expr"),
        ("        label: Scale now", None),
    ],
)
def test_completion_context(line: str, expected: str | None) -> None:
    assert info.context([line], 0, len(line)) == expected


def test_completion_context_of_a_list_item() -> None:
    lines = ["    terms:", "      - pilot-purgatory", "      - hu"]
    assert info.context(lines, 2, len(lines[2])) == "terms"
    lines = ["        set:", "          - ru"]
    assert info.context(lines, 1, len(lines[1])) == "flags"


def test_candidates_for_each_context() -> None:
    index = index_of()
    labels = {w: [c.label for c in info.candidates(w, index, Terms())] for w in ("next", "start", "chose", "expr")}
    assert labels["next"][:3] == ["kickoff", "rollout", "incident"] and "crisis" in labels["next"]
    assert labels["next"][-1] == "end"
    assert "crisis" not in labels["start"]
    assert "keep-running" in labels["chose"]
    assert {"value", "risk", "owner", "rushed", "chose(", "visited("} <= set(labels["expr"])


def test_rename_finds_every_place_and_refuses_clashes() -> None:
    index = index_of()
    rollout = index.definition("scene", "rollout")
    assert rollout is not None
    assert len(edits.rename(index, rollout, "go-live")) == 4
    for taken in ("incident", "crisis"):
        with pytest.raises(edits.RenameRefused, match=r"already a (scene|ending)"):
            edits.rename(index, rollout, taken)
    with pytest.raises(edits.RenameRefused, match="not a valid scene id"):
        edits.rename(index, rollout, "Go_Live")
    risk = index.definition("metric", "risk")
    assert risk is not None
    with pytest.raises(edits.RenameRefused, match="already a flag"):
        edits.rename(index, risk, "owner")
    with pytest.raises(edits.RenameRefused, match="word of the condition language"):
        edits.rename(index, risk, "not")
    term = index.at(*where(TINY_TEXT, "pilot-purgatory"))
    with pytest.raises(edits.RenameRefused, match="glossary term"):
        edits.renameable(term)


def test_hover_words_for_each_kind_of_id() -> None:
    index = index_of()

    def shown(needle: str, nth: int = 0) -> str:
        occ = index.at(*where(TINY_TEXT, needle, nth))
        assert occ is not None
        return info.hover(index, occ, Terms()) or ""

    assert "Rollout" in shown("rollout") and "The model is live everywhere." in shown("rollout")
    assert "Crisis" in shown("crisis") and "bad" in shown("crisis")
    assert "Scale to every region now" in shown("scale-now")
    risk = shown("risk / 200")
    assert "Risk exposure" in risk and "range 0 to 100" in risk and "starts at 30" in risk and "worse" in risk
    assert "Scaled before checking the data" in shown("rushed]")
    assert "not a glossary term" in shown("pilot-purgatory").lower()
    assert "probability" in shown("chance:")


def test_an_unreadable_version_keeps_the_last_index() -> None:
    docs = Documents()
    good = TextDocument("file:///t.yaml", TINY_TEXT, version=1)
    assert docs.index(good).declared("scene")
    broken = TextDocument("file:///t.yaml", TINY_TEXT + "\n  bad: [unclosed\n", version=2)
    assert docs.index(broken).declared("scene") == ["kickoff", "rollout", "incident"]


def test_a_diagnostic_marks_the_word_at_its_column() -> None:
    lines = ["    next: rolout", ""]
    d = make("SG300", "unknown", file="t.yaml", line=1, col=11)
    span = diagnostic_span(lines, d)
    assert lines[0][span.start : span.end] == "rolout"
    assert diagnostic_span(lines, make("SG100", "whole file", file="t.yaml")).line == 0


async def test_the_debounce_checks_only_the_last_change() -> None:
    """A fake clock: every wait is released by hand, so nothing depends on timing."""
    released = asyncio.Event()
    checked: list[str] = []

    async def sleep(_: float) -> None:
        await released.wait()

    async def action(key: str) -> None:
        checked.append(key)

    bounce = Debouncer(action, sleep=sleep)
    first = bounce.poke("a.yaml")
    bounce.poke("a.yaml")
    last = bounce.poke("a.yaml")
    other = bounce.poke("b.yaml")
    released.set()
    await asyncio.gather(last, other)
    await asyncio.sleep(0)
    assert first.cancelled()
    assert sorted(checked) == ["a.yaml", "b.yaml"]


def test_first_arrivals_reach_every_scene_of_the_tiny_scenario(tiny: object) -> None:
    from simgame.format.compiled import Scenario

    assert isinstance(tiny, Scenario)
    found = first_arrivals(tiny)
    assert set(found) == {"kickoff", "rollout", "incident"}
    assert found["kickoff"].turn == 0


def test_figures_in_words() -> None:
    from simgame.analysis.outcomes.mapfile import StateOutcomes

    figures = SceneFigures("kickoff", StateOutcomes(80.0, 40.0, {"a": 70.0, "b": 75.5}))
    assert figures.title() == "on arrival: reachable 40.0 to 80.0; expected with best play after: b 75.5 (best), a 70.0"
    assert "gives up 5.5" in figures.detail()
    assert "not reached" in SceneFigures("x", None).title()


def test_variant_helper_refuses_ambiguity() -> None:
    with pytest.raises(AssertionError):
        variant("rollout", "x")
