"""Reachability is linear in scenes: a 60,000-scene chain (under the 8 MB size cap) validates.

Bounded by count, not by the clock: the story graph is wrapped so that every look-up of a
scene's edges is counted, and a budget of a few look-ups per scene stops a quadratic fixpoint
(60,000 passes of 60,000 scenes) at once, as a failure instead of an hour's wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simgame.format import checks, story
from simgame.format.loader import check_text

SCENES = 60_000
PER_SCENE = 4  # look-ups allowed per scene: two searches (forward, backward) with room to spare


class Budget(Exception):
    pass


class CountedEdges(dict[str, set[str]]):
    """A story graph that counts every look-up of a scene's edges and stops past its budget."""

    def __init__(self, edges: dict[str, set[str]], budget: int) -> None:
        super().__init__(edges)
        self.budget = budget
        self.count = 0

    def _tick(self) -> None:
        self.count += 1
        if self.count > self.budget:
            raise Budget(f"more than {self.budget} edge look-ups for {len(self)} scenes: not linear")

    def get(self, key: str, default: Any = None) -> Any:
        self._tick()
        return super().get(key, default)

    def __getitem__(self, key: str) -> set[str]:
        self._tick()
        return super().__getitem__(key)

    def items(self) -> Iterator[tuple[str, set[str]]]:  # type: ignore[override]
        for pair in super().items():
            self._tick()
            yield pair


def chain(n: int) -> dict[str, set[str]]:
    edges = {f"s{i}": {f"s{i + 1}"} for i in range(n - 1)}
    edges[f"s{n - 1}"] = {"done"}
    return edges


def test_reachability_of_a_60000_scene_chain_is_linear() -> None:
    edges = CountedEdges(chain(SCENES), PER_SCENE * SCENES)
    reached, can_finish = story.reachability(edges, "s0", {"done"})
    assert len(reached) == SCENES + 1 and len(can_finish) == SCENES + 1
    assert edges.count <= PER_SCENE * SCENES


def test_reachability_finds_traps_and_unreachable_scenes() -> None:
    edges = {"a": {"b", "trap"}, "b": {"end-ok"}, "trap": {"trap2"}, "trap2": {"trap"}, "island": {"end-ok"}}
    reached, can_finish = story.reachability(edges, "a", {"end-ok"})
    assert reached == {"a", "b", "trap", "trap2", "end-ok"}
    assert can_finish == {"a", "b", "island", "end-ok"}


def chain_yaml(n: int) -> str:
    head = (
        "format: simgame/v1\nid: chain\ntitle: Chain\nversion: '1'\nas_of: '2026'\nrole: Lead\n"
        "summary: A long chain.\nminutes: 3\nmetrics:\n  value: {label: Value, start: 0}\n"
        "phases:\n  p: {label: P}\nstart: s0\nscenes:\n"
    )
    scenes = "".join(
        f"  s{i}:\n    phase: p\n    text: Scene {i}.\n    choices:\n"
        f"      - {{id: c{i}, label: Go, next: {f's{i + 1}' if i + 1 < n else 'done'}, practice: experimentation}}\n"
        for i in range(n)
    )
    tail = (
        "endings:\n  done: {title: Done, text: The end.}\ndebrief:\n  dimensions:\n"
        "    value: {label: Value, from: {value: 1}}\n  bands:\n    - {id: all, min: 0, label: All}\n"
    )
    return head + scenes + tail


@pytest.mark.slow
def test_validating_a_60000_scene_chain_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[CountedEdges] = []
    real = checks.reachability

    def counting(edges: dict[str, set[str]], start: str, endings: set[str]) -> tuple[set[str], set[str]]:
        counted.append(CountedEdges(edges, PER_SCENE * len(edges)))
        return real(counted[-1], start, endings)

    monkeypatch.setattr(checks, "reachability", counting)
    text = chain_yaml(SCENES)
    assert len(text.encode()) < 8 * 1024 * 1024  # under the size cap: a file an author could hand in
    result = check_text(text, "chain.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics[:3]]
    assert len(result.scenario.doc.scenes) == SCENES
    (edges,) = counted
    assert edges.count <= PER_SCENE * SCENES
