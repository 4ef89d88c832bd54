"""The room's results: every player's run replayed from the log, scored, and compared decision by decision.

Runs are replayed deterministically from (scenario, seed, choices) on the engine's fast
path and scored with `simgame.engine.scoring.score`. A decision a player timed out on still
shapes their run, but is left out of distributions and choice quality.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field

from simgame.analysis.seeded import DEFAULT_BUDGET, BestOutcomes, best_outcomes
from simgame.cohort.progress import PlayerProgress, fold
from simgame.cohort.room import MIN_GROUP
from simgame.cohort.store import Cohort, CohortStore, Player
from simgame.engine import rules
from simgame.engine.scoring import Outcome, score
from simgame.format.compiled import Scenario


@dataclass(frozen=True)
class StepResult:
    step: int
    scene: str
    choice: str
    available: tuple[str, ...]
    timed_out: bool
    quality: float | None  # share of the best reachable outcome the choice kept; None when timed out


@dataclass
class PlayerResult:
    player: Player
    steps: list[StepResult]
    ended: bool
    ending: str | None
    outcome: Outcome
    problem: str | None = None  # why the replay stopped early (a log the scenario no longer accepts)

    @property
    def team(self) -> str:
        return self.player.team or "(no team)"

    @property
    def choice_quality(self) -> float | None:
        values = [s.quality for s in self.steps if s.quality is not None]
        return round(statistics.fmean(values), 1) if values else None

    @property
    def timed_out(self) -> int:
        return sum(s.timed_out for s in self.steps)


@dataclass(frozen=True)
class OptionStat:
    choice: str
    label: str
    count: int
    best_after: float | None


@dataclass
class DecisionStat:
    scene: str
    title: str
    first_step: int
    options: list[OptionStat]
    timed_out: int

    @property
    def answered(self) -> int:
        return sum(o.count for o in self.options)

    @property
    def divergence(self) -> float:
        """Normalised entropy of the split: 0 = everyone agreed, 1 = an even split over every option."""
        counts = [o.count for o in self.options if o.count]
        total = sum(counts)
        if total == 0 or len(self.options) < 2:
            return 0.0
        h = -sum(c / total * math.log(c / total) for c in counts)
        return round(h / math.log(len(self.options)), 3)

    @property
    def best_option(self) -> OptionStat | None:
        rated = [o for o in self.options if o.best_after is not None]
        return max(rated, key=lambda o: o.best_after or 0.0) if rated else None

    @property
    def popular(self) -> OptionStat | None:
        return max(self.options, key=lambda o: o.count) if self.answered else None

    @property
    def gap(self) -> float:
        """How much best reachable outcome the room's most popular choice gave up."""
        best, pop = self.best_option, self.popular
        if best is None or pop is None or pop.best_after is None or best.best_after is None:
            return 0.0
        return round(best.best_after - pop.best_after, 1)


@dataclass
class CohortAnalysis:
    cohort: Cohort
    scenario: Scenario
    players: list[PlayerResult]
    decisions: list[DecisionStat]
    best: BestOutcomes
    teams: dict[str, list[PlayerResult]] = field(default_factory=dict)

    @property
    def finished(self) -> list[PlayerResult]:
        return [p for p in self.players if p.ended]

    def most_divergent(self, n: int = 3) -> list[DecisionStat]:
        shown = [d for d in self.decisions if d.answered >= MIN_GROUP and d.divergence > 0]
        return sorted(shown, key=lambda d: (-d.divergence, -d.answered, d.first_step))[:n]

    def instructive(self, n: int = 3) -> list[DecisionStat]:
        """Where the room's favourite choice gave up most of the best outcome: open the hot wash here."""
        shown = [d for d in self.decisions if d.answered >= MIN_GROUP and d.gap > 0]
        return sorted(shown, key=lambda d: (-d.gap, d.first_step))[:n]


def cached_best(store: CohortStore, cohort: Cohort, scenario: Scenario, budget: int = DEFAULT_BUDGET) -> BestOutcomes:
    """The best-outcome search for this scenario and seed, computed once per store."""
    key = f"best:{scenario.content_hash}:{cohort.seed}:{budget}"
    hit = store.cached(key)
    if hit is not None:
        return BestOutcomes.from_json(json.loads(hit))
    best = best_outcomes(scenario, cohort.seed, budget)
    store.remember(key, json.dumps(best.to_json()))
    return best


def replay(scenario: Scenario, seed: int, prog: PlayerProgress, best: BestOutcomes) -> PlayerResult:
    roller = rules.seeded_roller(seed)
    st, _ = rules.start(scenario, roller)
    steps: list[StepResult] = []
    problem = None
    for step, choice_id in enumerate(prog.choice_log()):
        options = rules.available(scenario, st)
        chosen = next((c for c in options if c.id == choice_id), None)
        if chosen is None:
            problem = f"decision {step + 1} (`{choice_id}`) is not possible in this scenario"
            break
        available = tuple(c.id for c in options)
        late = step in prog.timed_out
        quality = None if late else best.quality(st.scene, choice_id, list(available))
        steps.append(StepResult(step, st.scene, choice_id, available, late, quality))
        rules.choose(scenario, st, chosen, roller)
    outcome = score(scenario, st, st.metrics)
    return PlayerResult(prog.player, steps, st.ending is not None, st.ending, outcome, problem)


def analyse(store: CohortStore, code: str, scenario: Scenario, budget: int = DEFAULT_BUDGET) -> CohortAnalysis:
    cohort = store.cohort(code)
    best = cached_best(store, cohort, scenario, budget)
    progress = fold(store.players(code), store.events(code))
    players = [replay(scenario, cohort.seed, prog, best) for prog in progress.values()]
    teams: dict[str, list[PlayerResult]] = {}
    for p in players:
        teams.setdefault(p.team, []).append(p)
    return CohortAnalysis(cohort, scenario, players, decision_stats(scenario, players, best), best, teams)


def decision_stats(scenario: Scenario, players: list[PlayerResult], best: BestOutcomes) -> list[DecisionStat]:
    """Per scene where anyone decided: the split of on-time choices over every option offered there."""
    counts: dict[str, dict[str, int]] = {}
    offered: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    late: dict[str, int] = {}
    for p in players:
        for s in p.steps:
            first[s.scene] = min(first.get(s.scene, s.step), s.step)
            seen = offered.setdefault(s.scene, [])
            seen += [c for c in s.available if c not in seen]
            if s.timed_out:
                late[s.scene] = late.get(s.scene, 0) + 1
                continue
            bucket = counts.setdefault(s.scene, {})
            bucket[s.choice] = bucket.get(s.choice, 0) + 1
    out = []
    for scene, step in sorted(first.items(), key=lambda kv: (kv[1], kv[0])):
        options = [
            OptionStat(c, scenario.choices[c].model.label, counts.get(scene, {}).get(c, 0), best.best_after(scene, c))
            for c in offered[scene]
        ]
        out.append(DecisionStat(scene, scenario.scene(scene).title or scene, step, options, late.get(scene, 0)))
    return out


def where_now(scenario: Scenario, seed: int, choices: list[str]) -> tuple[str, float] | None:
    """The scene (or ending) a choice log leads to and its overall score; None if it no longer replays."""
    roller = rules.seeded_roller(seed)
    st, _ = rules.start(scenario, roller)
    for choice_id in choices:
        chosen = next((c for c in rules.available(scenario, st) if c.id == choice_id), None)
        if chosen is None:
            return None
        rules.choose(scenario, st, chosen, roller)
    return st.scene, score(scenario, st, st.metrics).overall
