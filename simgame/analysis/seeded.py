"""The cohort's reference: the best outcome reachable through each choice under the cohort's seed.

A bounded, memoised depth-first search over the engine's rules.

Cohorts share one seed, so play is deterministic and the search is exact when it
finishes within its budget. Past the budget, unexplored states count at their current
score, the result says it is not exact, and choices whose futures were cut off get no value
rather than an unfair one. It plays on `simgame.engine.rules` (the
engine's rules without the state machine, checked against `Run` by its own tests),
because driving the state machine costs milliseconds per state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simgame.engine import rules
from simgame.engine.scoring import score
from simgame.engine.state import PlayState
from simgame.format.compiled import Scenario

DEFAULT_BUDGET = 1500  # states expanded: tiny finishes exactly; large scenarios get a lower bound in ~1 s

StateKey = tuple[Any, ...]


def state_key(st: PlayState) -> StateKey:
    return (
        st.scene,
        st.ending,
        st.turn,
        tuple(sorted(st.metrics.items())),
        tuple(sorted(st.flags)),
        tuple(sorted(st.visit_counts.items())),
        tuple(sorted(st.chosen)),
    )


def overall(scenario: Scenario, st: PlayState) -> float:
    return score(scenario, st, st.metrics).overall


@dataclass
class BestOutcomes:
    """Best overall score reachable through each (scene, choice), and from the start."""

    best_start: float
    by_choice: dict[tuple[str, str], float] = field(default_factory=dict)
    exact: bool = True
    expanded: int = 0

    def best_after(self, scene: str, choice: str) -> float | None:
        return self.by_choice.get((scene, choice))

    def quality(self, scene: str, choice: str, available: list[str]) -> float | None:
        """How much of the best reachable outcome a choice kept (100 = as good as the best option here)."""
        mine = self.by_choice.get((scene, choice))
        best = max((self.by_choice.get((scene, c), -1.0) for c in available), default=-1.0)
        if mine is None or best <= 0:
            return None
        return round(100 * mine / best, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "best_start": self.best_start,
            "exact": self.exact,
            "expanded": self.expanded,
            "by_choice": [[s, c, v] for (s, c), v in sorted(self.by_choice.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BestOutcomes:
        return cls(
            float(data["best_start"]),
            {(str(s), str(c)): float(v) for s, c, v in data["by_choice"]},
            bool(data["exact"]),
            int(data["expanded"]),
        )


def best_outcomes(scenario: Scenario, seed: int, budget: int = DEFAULT_BUDGET) -> BestOutcomes:
    """Search the scenario from its start with the cohort's seed (iteratively: scenarios can be deep).

    A (scene, choice) gets a value only when everything after it was searched: a value from a
    cut-off subtree would make options searched deeper look better than their neighbours.
    """
    roller = rules.seeded_roller(seed)
    result = BestOutcomes(0.0)
    memo: dict[StateKey, tuple[float, bool]] = {}  # state -> (best value, searched completely)
    start, _ = rules.start(scenario, roller)

    # Each frame: state, its key, its remaining children, [best so far, complete so far]; a
    # child's value is folded into its parent when the child's frame is done.
    stack: list[tuple[PlayState, StateKey, list[Any], list[Any]]] = []
    parents: list[tuple[str, str] | None] = []

    def leaf_value(st: PlayState) -> tuple[float, bool] | None:
        if st.ending is not None:
            return overall(scenario, st), True
        key = state_key(st)
        if key in memo:
            return memo[key]
        if result.expanded >= budget:
            result.exact = False
            return overall(scenario, st), False
        return None

    def push(st: PlayState, slot: tuple[str, str] | None) -> None:
        result.expanded += 1
        stack.append((st, state_key(st), list(rules.available(scenario, st)), [-1.0, True]))
        parents.append(slot)

    def fold(slot: tuple[str, str] | None, value: float, complete: bool) -> None:
        if slot is None:
            result.best_start = value
            return
        if complete:
            result.by_choice[slot] = max(result.by_choice.get(slot, -1.0), value)
        acc = stack[-1][3]
        acc[0] = max(acc[0], value)
        acc[1] = acc[1] and complete

    found = leaf_value(start)
    if found is not None:
        result.best_start = found[0]
        return result
    push(start, None)
    while stack:
        st, key, todo, acc = stack[-1]
        if not todo:
            stack.pop()
            value = acc[0] if acc[0] >= 0 else overall(scenario, st)  # a dead end scores where it stands
            memo[key] = (value, acc[1])
            fold(parents.pop(), value, acc[1])
            continue
        choice = todo.pop(0)
        child = st.copy()
        rules.choose(scenario, child, choice, roller)
        slot = (st.scene, choice.id)
        found = leaf_value(child)
        if found is not None:
            fold(slot, *found)
        else:
            push(child, slot)
    return result
