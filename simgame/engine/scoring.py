"""The debrief: an outcome profile scored from the organisation's final state, and a decision review.

Finishing earns nothing by itself. Each dimension is a weighted average of normalised
metrics (0-100, inverted where higher is worse) plus explained modifiers; the overall
score is the weighted mean of the dimensions, rounded to one decimal, then lowered to the
ceiling of every red line the run crossed. The band is read from that final score, and every
screen shows that very number (`score_text`). Every number carries its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simgame.engine.evaluate import Env, evaluate
from simgame.engine.explain import number_text, why_not
from simgame.engine.run import Run
from simgame.engine.state import Decision, EventRecord
from simgame.engine.text import render
from simgame.format.compiled import Scenario
from simgame.format.model import PRACTICES
from simgame.i18n import N_, _, ngettext

# How much a metric counts against the lightest in its dimension (2: "counts double").
TIMES = {2: N_("counts double"), 3: N_("counts three times as much"), 4: N_("counts four times as much")}
# The four practices' names (simgame.format.model.PRACTICES) for the catalogue: shown via practice_label.
PRACTICE_WORDS = (
    N_("Rethink work as teams"),
    N_("Continuous experimentation"),
    N_("Measure outcomes, not completions"),
    N_("A shared language"),
)


def practice_label(practice: str) -> str:
    """A leadership practice's name as the player reads it (its id when it has none)."""
    return _(PRACTICES[practice]) if practice in PRACTICES else practice


def score_text(value: float) -> str:
    """A score or metric as every screen shows it: rounded to one decimal as `score` rounds, ".0" dropped.

    One rule everywhere, so "79.5/100 · Solid" is never shown as "80/100 · Solid".
    """
    return number_text(value)


@dataclass(frozen=True)
class Component:
    metric: str
    label: str
    value: float
    normalised: float  # 0-100, 100 = best
    weight: float
    lower_is_better: bool = False
    scale: tuple[float, float] = (0.0, 100.0)  # the metric's min and max

    def phrase(self) -> str:
        """The metric's value and, when it is not read as is, what it counts as."""
        text = _("{label} at {value}").format(label=self.label, value=score_text(self.value))
        lo, hi = self.scale
        if (lo, hi) != (0.0, 100.0):
            text += _(" on a scale of {low} to {high}").format(low=score_text(lo), high=score_text(hi))
        counts = score_text(self.normalised)
        if self.lower_is_better:
            return text + _(", which counts as {score} of 100 because lower is better").format(score=counts)
        if (lo, hi) != (0.0, 100.0):
            return text + _(", which counts as {score} of 100").format(score=counts)
        return text


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
        """How the score was reached, for an executive: how much each metric counts, modifiers as sentences."""
        comps = self.components
        if len(comps) == 1:
            text = _("Based on {metric}.").format(metric=comps[0].phrase())
        else:
            words = _weights_in_words(comps)
            parts = [c.phrase() + (f" ({w})" if w else "") for c, w in zip(comps, words, strict=True)]
            listed = _("{items} and {last}") if len(parts) < 3 or not any("," in p for p in parts) else None
            if listed is None:  # a phrase has commas of its own: semicolons keep the parts apart
                listed = "; ".join(parts[:-1]) + _("; and {last}").format(last=parts[-1])
            else:
                listed = listed.format(items=", ".join(parts[:-1]), last=parts[-1])
            text = _("The average of {metrics}.").format(metrics=listed)
        for m in self.modifiers:
            size = abs(m.points)
            why = m.why.strip().rstrip(".")
            n = 1 if size == 1 else 2  # "1 point", "0.5 points", "2 points"
            if m.points >= 0:
                said = ngettext("Plus {points} point: {why}.", "Plus {points} points: {why}.", n)
            else:
                said = ngettext("Minus {points} point: {why}.", "Minus {points} points: {why}.", n)
            text += " " + said.format(points=score_text(size), why=why)
        base = sum(c.normalised * c.weight for c in comps) / sum(c.weight for c in comps)
        raw = base + sum(m.points for m in self.modifiers)
        if raw > 100:
            text += " " + _("A score cannot go above 100.")
        elif raw < 0:
            text += " " + _("A score cannot go below 0.")
        return text


def _weights_in_words(comps: tuple[Component, ...]) -> list[str]:
    """How much each metric counts: nothing when all count the same, "counts double" for simple
    multiples of the lightest, else each one's share of the dimension."""
    weights = [c.weight for c in comps]
    lightest, total = min(weights), sum(weights)
    ratios = [w / lightest for w in weights]
    if all(r == 1 for r in ratios):
        return ["" for _ in comps]
    if all(r == int(r) and r <= 4 for r in ratios):
        return ["" if r == 1 else _(TIMES[int(r)]) for r in ratios]
    return [_("counts for {share:.0%} of this score").format(share=w / total) for w in weights]


@dataclass(frozen=True)
class CrossedRedLine:
    """A red line the run crossed: why it matters and the best band such a run can get."""

    id: str
    why: str
    cap: str
    cap_label: str
    ceiling: float  # the highest overall score such a run can show


@dataclass(frozen=True)
class Outcome:
    """Scores of one final state: what explorer, cohort reports and the debrief share."""

    dimensions: tuple[DimensionScore, ...]
    overall: float  # rounded to one decimal and capped by red lines: the score the band is read from
    band: str
    band_label: str
    band_text: str
    red_lines: tuple[CrossedRedLine, ...] = ()
    capped_from: float | None = None  # the profile's own score, when a red line lowered it


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
    missed: dict[str, str] = field(default_factory=dict)  # objective id -> why it was not met, in plain words

    def by_practice(self) -> dict[str, list[DecisionReview]]:
        groups: dict[str, list[DecisionReview]] = {p: [] for p in PRACTICES}
        for review in self.decisions:
            groups.setdefault(review.practice, []).append(review)
        return groups


def red_line_sentences(outcome: Outcome) -> list[str]:
    """What every debrief says about crossed red lines: each one's why and cap, then what the profile alone scored."""
    out = []
    for line in outcome.red_lines:
        why = " ".join(line.why.split())
        why += "" if why.endswith((".", "!", "?")) else "."
        out.append(
            _("Red line crossed: {why} Whatever the numbers, such a run can reach at most {cap}.").format(
                why=why, cap=line.cap_label
            )
        )
    if outcome.capped_from is not None:
        said = ngettext(
            "Your outcome profile alone scored {score}/100; the red line holds it at {overall}.",
            "Your outcome profile alone scored {score}/100; the red lines hold it at {overall}.",
            len(outcome.red_lines),
        )
        out.append(said.format(score=score_text(outcome.capped_from), overall=score_text(outcome.overall)))
    return out


def is_red_line_sentence(sentence: str) -> bool:
    """True for the "Red line crossed: …" sentences of :func:`red_line_sentences` (screens set them in bold)."""
    head = _("Red line crossed: {why} Whatever the numbers, such a run can reach at most {cap}.").split("{why}")[0]
    return sentence.startswith(head)


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
            Component(
                mid,
                m.label,
                metrics[mid],
                normalise(scenario, mid, metrics[mid]),
                w,
                m.higher_is == "worse",
                (float(m.min), float(m.max)),
            )
            for mid, w in dim.from_.items()
            for m in (scenario.doc.metrics[mid],)
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
    profile = round(overall, 1)
    labels = {b.id: b.label for b in config.bands}
    crossed = tuple(
        CrossedRedLine(line.id, line.why, line.cap, labels[line.cap], line.ceiling)
        for line in scenario.red_lines
        if evaluate(line.when, env)
    )
    overall = min([profile, *(line.ceiling for line in crossed)])
    band = next((b for b in config.bands if overall >= b.min), config.bands[-1])
    capped_from = profile if overall < profile else None
    return Outcome(tuple(dims), overall, band.id, band.label, band.text, crossed, capped_from)


def debrief(run: Run) -> Debrief:
    """The full debrief of a run (an unfinished run is scored on where it stands)."""
    sc = run.scenario
    outcome = score(sc, run, run.metrics)
    ending = sc.doc.endings.get(run.ending or "")
    objectives = [
        (obj.id, obj.text, bool(node is not None and evaluate(node, run)))
        for obj, (_, node) in zip(sc.doc.objectives, sc.objectives, strict=True)
    ]
    missed = {
        oid: why_not(sc, node, run)
        for (oid, node), (_, _, met) in zip(sc.objectives, objectives, strict=True)
        if node is not None and not met
    }
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
            render(sc, ("note", d.choice), compiled.model.debrief, run),
            d.practice,
            practice_label(d.practice),
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
        ending_title=ending.title if ending else _("Not finished"),
        ending_tone=ending.tone if ending else "mixed",
        ending_text=render(sc, ("ending", run.ending or ""), ending.text, run) if ending else "",
        ending_debrief=render(sc, ("ending-debrief", run.ending or ""), ending.debrief, run) if ending else "",
        outcome=outcome,
        metrics=run.metrics,
        objectives=objectives,
        decisions=reviews,
        missed=missed,
    )
