"""The debrief: an outcome profile scored from the organisation's final state, and a decision review.

Finishing earns nothing by itself. Each dimension is a weighted average of normalised
metrics (0-100, inverted where higher is worse) plus explained modifiers; the overall
score is the weighted mean of the dimensions. Every number carries its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simgame.engine.evaluate import Env, evaluate
from simgame.engine.run import Run
from simgame.engine.state import Decision, EventRecord
from simgame.format.compiled import Scenario
from simgame.format.model import PRACTICES


@dataclass(frozen=True)
class Component:
    metric: str
    label: str
    value: float
    normalised: float  # 0-100, 100 = best
    weight: float


@dataclass(frozen=True)
class Modifier:
    why: str
    points: float


@dataclass(frozen=True)
class DimensionScore:
    id: str
    label: str
    description: str
    weight: float
    score: float
    components: tuple[Component, ...]
    modifiers: tuple[Modifier, ...]

    def explain(self) -> str:
        parts = [f"{c.label} {c.value:.0f} -> {c.normalised:.0f}/100 (weight {c.weight:g})" for c in self.components]
        text = "weighted average of " + "; ".join(parts)
        for m in self.modifiers:
            text += f"; {m.points:+g} because {m.why[0].lower() + m.why[1:] if m.why else ''}"
        return text


@dataclass(frozen=True)
class Outcome:
    """Scores of one final state: what explorer, cohort reports and the debrief share."""

    dimensions: tuple[DimensionScore, ...]
    overall: float
    band: str
    band_label: str
    band_text: str


@dataclass
class DecisionReview:
    decision: Decision
    scene_title: str
    note: str
    practice: str
    practice_label: str
    immediate: tuple[EventRecord, ...]
    later: list[EventRecord] = field(default_factory=list)
    number: int = 0  # 1-based among real decisions (pass-through "Continue" steps are not counted)


@dataclass
class Debrief:
    scenario_id: str
    title: str
    ended: bool
    ending: str | None
    ending_title: str
    ending_tone: str
    ending_text: str
    ending_debrief: str
    outcome: Outcome
    metrics: dict[str, float]
    objectives: list[tuple[str, str, bool]]
    decisions: list[DecisionReview]

    def by_practice(self) -> dict[str, list[DecisionReview]]:
        groups: dict[str, list[DecisionReview]] = {p: [] for p in PRACTICES}
        for review in self.decisions:
            groups.setdefault(review.practice, []).append(review)
        return groups


def normalise(scenario: Scenario, metric: str, value: float) -> float:
    m = scenario.doc.metrics[metric]
    share = (value - m.min) / (m.max - m.min) * 100
    return 100 - share if m.higher_is == "worse" else share


def score(scenario: Scenario, env: Env, metrics: dict[str, float]) -> Outcome:
    """Score a state. ``env`` answers flag and history questions for the modifiers."""
    config = scenario.doc.debrief
    dims: list[DimensionScore] = []
    for did, dim in config.dimensions.items():
        comps = tuple(
            Component(mid, scenario.doc.metrics[mid].label, metrics[mid], normalise(scenario, mid, metrics[mid]), w)
            for mid, w in dim.from_.items()
        )
        total_w = sum(c.weight for c in comps)
        base = sum(c.normalised * c.weight for c in comps) / total_w
        mods = tuple(
            Modifier(adj.why, adj.points)
            for adj, node in zip(dim.adjust, scenario.adjustments.get(did, ()), strict=False)
            if evaluate(node, env)
        )
        value = min(100.0, max(0.0, base + sum(m.points for m in mods)))
        dims.append(DimensionScore(did, dim.label, dim.description, dim.weight, value, comps, mods))
    weights = sum(d.weight for d in dims)
    overall = (sum(d.score * d.weight for d in dims) / weights) if weights else sum(d.score for d in dims) / len(dims)
    overall = round(overall, 1)
    band = next((b for b in config.bands if overall >= b.min), config.bands[-1])
    return Outcome(tuple(dims), overall, band.id, band.label, band.text)


def debrief(run: Run) -> Debrief:
    """The full debrief of a run (an unfinished run is scored on where it stands)."""
    sc = run.scenario
    outcome = score(sc, run, run.metrics)
    ending = sc.doc.endings.get(run.ending or "")
    objectives = [
        (obj.id, obj.text, bool(node is not None and evaluate(node, run)))
        for obj, (_, node) in zip(sc.doc.objectives, sc.objectives, strict=True)
    ]
    by_index: dict[int, DecisionReview] = {}
    for d in run.history:
        compiled = sc.choices[d.choice]
        if compiled.synthetic:
            continue  # reading on through a pass-through scene is not a decision
        # What fired on arrival belongs here unless it was caused only by earlier decisions
        # (those show it as their later consequence instead).
        immediate = tuple(e for e in d.events if not e.caused_by or d.index in e.caused_by)
        by_index[d.index] = DecisionReview(
            d,
            sc.scene(d.scene).title or d.scene,
            compiled.model.debrief,
            d.practice,
            PRACTICES.get(d.practice, d.practice),
            immediate,
        )
    all_events = [*run.opening_events, *(e for d in run.history for e in d.events)]
    for event in all_events:
        for cause in event.caused_by:
            review = by_index.get(cause)
            if review is not None and event not in review.immediate:
                review.later.append(event)
    reviews = list(by_index.values())
    for number, review in enumerate(reviews, 1):
        review.number = number
    return Debrief(
        scenario_id=sc.id,
        title=sc.title,
        ended=run.ended,
        ending=run.ending,
        ending_title=ending.title if ending else "Not finished",
        ending_tone=ending.tone if ending else "mixed",
        ending_text=ending.text if ending else "",
        ending_debrief=ending.debrief if ending else "",
        outcome=outcome,
        metrics=run.metrics,
        objectives=objectives,
        decisions=reviews,
    )
