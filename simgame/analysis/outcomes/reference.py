"""Reference points for one run, read from the outcome map: what each decision gave up.

A run is replayed from (scenario, seed, choice log) on the engine's rules, and at every decision
the map says what each offered option was worth (expected final score under best play after
it). A decision's cost is the expected points it gave up against the best option at that state:
0 when the best was chosen. This is the one figure behind the solo debrief's costliest
decisions, `simgame run --format json` and the cohort's choice quality.

Choice quality over several decisions (`choice_quality`) weighs each decision by how much it
mattered: the points the choices kept above the worst option, over the points the best options
were worth above the worst, so it agrees with the points given up (a 0.01-point slip counts for
0.01 points, not for as much as a 30-point one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from simgame.analysis.outcomes.mapfile import OutcomeMap, StartFigures
from simgame.engine import rules
from simgame.engine.state import EngineError
from simgame.format.compiled import Scenario

SPREAD_EPSILON = 0.005  # below this, every option at a decision is worth the same (values are hundredths)


def choice_quality(decisions: Iterable[tuple[Mapping[str, float], str]]) -> float | None:
    """Σ(mine − worst) / Σ(best − worst) over the rated decisions, as 0-100 with one decimal.

    Each decision is (each option's expected final score, the choice made); a decision with fewer
    than two options or whose choice is not among them is not rated. None when nothing rated was
    worth choosing between (the spreads sum to about 0)."""
    kept = spread = 0.0
    for options, choice in decisions:
        mine = options.get(choice)
        if mine is None or len(options) < 2:
            continue
        low = min(options.values())
        kept += mine - low
        spread += max(options.values()) - low
    if spread < SPREAD_EPSILON:
        return None
    return round(100 * kept / spread, 1)


@dataclass(frozen=True)
class DecisionCost:
    """One decision measured against the best option at the state it was made in."""

    index: int  # position in the run's choice log
    scene: str
    choice: str
    options: dict[str, float]  # option -> expected final score under best play after it
    best_reachable: float | None  # before this decision, luck going the player's way
    worst_reachable: float | None

    @property
    def value(self) -> float | None:
        return max(self.options.values()) if self.options else None

    @property
    def given_up(self) -> float | None:
        """Expected points given up against the best option here (0 when the best was chosen)."""
        mine, top = self.options.get(self.choice), self.value
        if mine is None or top is None:
            return None
        return max(0.0, round(top - mine, 2))

    @property
    def best_options(self) -> list[str]:
        top = self.value
        return [c for c, v in self.options.items() if top is not None and v >= top - 0.005]

    @property
    def quality(self) -> float | None:
        """Where the choice sits between the worst option here (0) and the best (100)."""
        mine, top = self.options.get(self.choice), self.value
        if mine is None or top is None:
            return None
        low = min(self.options.values())
        if top - low < SPREAD_EPSILON:
            return 100.0  # every option here is worth the same
        return round(100 * (mine - low) / (top - low), 1)

    @property
    def is_decision(self) -> bool:
        """More than one option: a real decision, not reading on."""
        return len(self.options) > 1


@dataclass(frozen=True)
class RunReference:
    """A run measured against its scenario's outcome map."""

    start: StartFigures
    decisions: list[DecisionCost]  # one per choice made, in order (None-valued where the map lacks the state)
    complete: bool  # every decision's state was found in the map

    @property
    def given_up(self) -> float:
        return round(sum(d.given_up or 0.0 for d in self.decisions), 2)

    def costliest(self, n: int = 3) -> list[DecisionCost]:
        """The decisions that gave up the most expected points, never one that gave up none."""
        costly = [d for d in self.decisions if (d.given_up or 0.0) >= 0.05]
        return sorted(costly, key=lambda d: (-(d.given_up or 0.0), d.index))[:n]


def review(
    outcomes: OutcomeMap, scenario: Scenario, seed: int, choices: list[str], fixture: str | None = None
) -> RunReference:
    """Replay a run and measure each decision against the map (stops where the log stops replaying)."""
    roller = rules.seeded_roller(seed)
    decisions: list[DecisionCost] = []
    complete = True
    try:
        st, _ = rules.start(scenario, roller, fixture)
        for index, choice_id in enumerate(choices):
            if st.ending is not None:
                break
            found = outcomes.at(st)
            if found is None:
                complete = False
                decisions.append(DecisionCost(index, st.scene, choice_id, {}, None, None))
            else:
                decisions.append(DecisionCost(index, st.scene, choice_id, dict(found.options), found.best, found.worst))
            chosen = scenario.choices.get(choice_id)
            if chosen is None or chosen.scene != st.scene or not rules.is_available(st, chosen):
                complete = False
                break
            rules.choose(scenario, st, chosen, roller)
    except EngineError:
        complete = False
    return RunReference(outcomes.start, decisions, complete)
