"""The room's results: every player's run replayed from the log, scored, and compared decision by decision.

Runs are replayed deterministically from (scenario, seed, choices) on the engine's rules and
scored with `simgame.engine.scoring.score`. Each decision is measured against the scenario's
outcome map (`simgame.analysis.outcomes`): the expected points it gave up against the best
option at that state, the same figure the solo debrief shows. A player's choice quality weighs
each decision by how much it mattered (`simgame.analysis.outcomes.reference.choice_quality`), so
it agrees with the points they gave up. A decision a player timed out on still shapes their run,
but is left out of distributions and choice quality.

Players reach a decision in different states, and an option may be offered in some of them only
(a lock). An option's room-wide `expected` is its mean over the states where it was offered; the
best option is found by comparing options on the states where both were offered, never by those
means alone (an option offered only in good states would look best for that reason).
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from simgame.analysis.outcomes.cache import Unavailable, ensure_map, open_map
from simgame.analysis.outcomes.mapfile import OutcomeMap, StartFigures
from simgame.analysis.outcomes.reference import SPREAD_EPSILON, choice_quality
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
    options: dict[str, float]  # option -> expected final score under best play after it ({} unknown)

    @property
    def rated(self) -> bool:
        """On time, a real choice between options, and measured by the outcome map."""
        return not self.timed_out and len(self.options) > 1 and self.choice in self.options

    @property
    def given_up(self) -> float | None:
        """Expected points given up against the best option here (0 for the best); None unrated."""
        if not self.rated:
            return None
        return max(0.0, round(max(self.options.values()) - self.options[self.choice], 2))

    @property
    def quality(self) -> float | None:
        """Where the choice sits between the worst option here (0) and the best (100); None unrated.

        One decision's position; a player's choice quality weighs decisions by their spread instead."""
        if not self.rated:
            return None
        top, low = max(self.options.values()), min(self.options.values())
        if top - low < SPREAD_EPSILON:
            return 100.0
        return round(100 * (self.options[self.choice] - low) / (top - low), 1)


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
        """Σ(mine − worst) / Σ(best − worst) over the rated decisions, 0-100: a decision counts as
        much as its options' spread, so this agrees with `given_up`. None with nothing to choose."""
        return choice_quality((s.options, s.choice) for s in self.steps if s.rated)

    @property
    def given_up(self) -> float | None:
        """Expected points the player's decisions gave up against best play, summed."""
        values = [g for s in self.steps if (g := s.given_up) is not None]
        return round(sum(values), 1) if values else None

    @property
    def timed_out(self) -> int:
        return sum(s.timed_out for s in self.steps)


@dataclass(frozen=True)
class OptionStat:
    choice: str
    label: str
    count: int
    # Mean expected final score under best play after it, over the room's on-time decisions here where
    # it was offered: options offered in different states are not compared by this (see `DecisionStat.best`).
    expected: float | None


@dataclass
class DecisionStat:
    scene: str
    title: str
    first_step: int
    options: list[OptionStat]
    timed_out: int
    given_up: float = 0.0  # mean expected points the room's on-time choices here gave up
    best: str | None = None  # the option that did best against each other on the states both were offered in

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
        return next((o for o in self.options if o.choice == self.best), None)

    @property
    def popular(self) -> OptionStat | None:
        return max(self.options, key=lambda o: o.count) if self.answered else None


@dataclass
class CohortAnalysis:
    cohort: Cohort
    scenario: Scenario
    players: list[PlayerResult]
    decisions: list[DecisionStat]
    reference: StartFigures | None  # the outcome map's figures from the start; None without a map
    unavailable: str  # why there is no outcome map ("" when there is one)
    teams: dict[str, list[PlayerResult]] = field(default_factory=dict)

    @property
    def finished(self) -> list[PlayerResult]:
        return [p for p in self.players if p.ended]

    def most_divergent(self, n: int = 3) -> list[DecisionStat]:
        shown = [d for d in self.decisions if d.answered >= MIN_GROUP and d.divergence > 0]
        return sorted(shown, key=lambda d: (-d.divergence, -d.answered, d.first_step))[:n]

    def instructive(self, n: int = 3) -> list[DecisionStat]:
        """Where the room's choices gave up the most expected points: open the hot wash here."""
        shown = [d for d in self.decisions if d.answered >= MIN_GROUP and d.given_up >= 0.05]
        return sorted(shown, key=lambda d: (-d.given_up, d.first_step))[:n]


def reference_map(scenario: Scenario, maps: Path | None = None, build: bool = True) -> OutcomeMap | Unavailable:
    """The scenario's outcome map, built next door on first use (never explored in this process).

    With ``build=False`` (the hub, which must never wait on a build) a map not yet built is unavailable."""
    from simgame.settings import load_settings

    settings = load_settings()
    if not build:
        found = open_map(maps or settings.maps_dir, scenario)
        return found if found is not None else Unavailable("the outcome map is still being built")
    return ensure_map(maps or settings.maps_dir, scenario, settings.map_memory_mb)


def replay(scenario: Scenario, seed: int, prog: PlayerProgress, outcomes: OutcomeMap | None) -> PlayerResult:
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
        found = outcomes.at(st) if outcomes is not None else None
        values = dict(found.options) if found is not None else {}
        steps.append(StepResult(step, st.scene, choice_id, available, step in prog.timed_out, values))
        rules.choose(scenario, st, chosen, roller)
    outcome = score(scenario, st, st.metrics)
    return PlayerResult(prog.player, steps, st.ending is not None, st.ending, outcome, problem)


def analyse(
    store: CohortStore, code: str, scenario: Scenario, maps: Path | None = None, build: bool = True
) -> CohortAnalysis:
    cohort = store.cohort(code)
    found = reference_map(scenario, maps, build)
    outcomes = found if isinstance(found, OutcomeMap) else None
    progress = fold(store.players(code), store.events(code))
    players = [replay(scenario, cohort.seed, prog, outcomes) for prog in progress.values()]
    teams: dict[str, list[PlayerResult]] = {}
    for p in players:
        teams.setdefault(p.team, []).append(p)
    return CohortAnalysis(
        cohort,
        scenario,
        players,
        decision_stats(scenario, players),
        outcomes.start if outcomes is not None else None,
        found.reason if isinstance(found, Unavailable) else "",
        teams,
    )


def decision_stats(scenario: Scenario, players: list[PlayerResult]) -> list[DecisionStat]:
    """Per scene where anyone decided: the split of on-time choices over every option offered there."""
    counts: dict[str, dict[str, int]] = {}
    offered: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    late: dict[str, int] = {}
    values: dict[str, dict[str, list[float]]] = {}
    tables: dict[str, list[dict[str, float]]] = {}  # the option values of each on-time decision here
    lost: dict[str, list[float]] = {}
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
            for c, v in s.options.items():
                values.setdefault(s.scene, {}).setdefault(c, []).append(v)
            if s.options:
                tables.setdefault(s.scene, []).append(s.options)
            if (g := s.given_up) is not None:
                lost.setdefault(s.scene, []).append(g)
    out = []
    for scene, step in sorted(first.items(), key=lambda kv: (kv[1], kv[0])):
        here = values.get(scene, {})
        authored = sorted(offered[scene], key=lambda c: scenario.choices[c].index)  # authored: no one's shuffle
        options = [
            OptionStat(
                c,
                scenario.choices[c].model.label,
                counts.get(scene, {}).get(c, 0),
                round(statistics.fmean(here[c]), 2) if here.get(c) else None,
            )
            for c in authored
        ]
        given_up = round(statistics.fmean(lost[scene]), 2) if lost.get(scene) else 0.0
        best = best_option(tables.get(scene, []), authored)
        title = scenario.scene(scene).title or scene
        out.append(DecisionStat(scene, title, step, options, late.get(scene, 0), given_up, best))
    return out


def best_option(tables: list[dict[str, float]], authored: list[str]) -> str | None:
    """The option that did best where compared like with like: on the states where both were offered.

    ``tables`` holds each option's expected final score at each decision the room made here. Two
    options are compared by their mean difference over the decisions that offered both; the best
    beats the most others (ties: it gave up fewer points against the best on the table where it
    was offered, then the authored order). When every option is always offered this is simply
    the option with the highest mean.
    """
    names = [c for c in authored if any(c in t for t in tables)]
    if not names:
        return None
    shared = [t for t in tables if len(t) > 1]
    record = dict.fromkeys(names, 0)
    for a, b in itertools.combinations(names, 2):
        diffs = [t[a] - t[b] for t in shared if a in t and b in t]
        if not diffs or abs(lead := statistics.fmean(diffs)) < SPREAD_EPSILON:
            continue
        winner, loser = (a, b) if lead > 0 else (b, a)
        record[winner] += 1
        record[loser] -= 1

    def shortfall(c: str) -> float:
        gaps = [max(t.values()) - t[c] for t in shared if c in t]
        return statistics.fmean(gaps) if gaps else 0.0

    return max(names, key=lambda c: (record[c], -shortfall(c), -names.index(c)))


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
