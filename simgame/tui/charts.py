"""How each metric moved across a run's decisions, as data, as a chart drawn in text cells, and in words.

The series are read by replaying the run one decision at a time (``Run.rewind``), so a value is
exactly what the dashboard showed after that decision, chance events and clamping included.
The chart is glyphs only (eighth blocks, one column per decision, ``!`` under a decision after
which an event moved the metric): it needs no colour, and every chart is followed by the same
numbers in a sentence (:func:`series_words`), for a screen reader or a reader who prefers words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from simgame.engine.scoring import score_text
from simgame.i18n import _

if TYPE_CHECKING:
    from simgame.engine.run import Run
    from simgame.engine.scoring import Debrief

BLOCKS = " ▁▂▃▄▅▆▇█"
HEIGHT = 4  # rows of the chart: 32 levels with eighth blocks


@dataclass(frozen=True)
class Step:
    """The metric after one decision: the value, the decision, and the events that moved it on the way."""

    number: int  # the decision's number in the debrief (0: a pass-through "Continue" step)
    scene_title: str
    choice: str
    value: float
    events: tuple[tuple[str, float], ...]  # (the event's text, its change to this metric)


@dataclass(frozen=True)
class Series:
    metric: str
    label: str
    lower_is_better: bool
    low: float
    high: float
    start: float
    steps: tuple[Step, ...]

    @property
    def end(self) -> float:
        return self.steps[-1].value if self.steps else self.start

    def judged(self, change: float) -> str:
        """In words: "better", "worse" or "no change" for a change of this metric, in words."""
        if abs(change) < 1e-9:
            return _("no change")
        good = (change < 0) if self.lower_is_better else (change > 0)
        return _("better") if good else _("worse")


def _event_words(text: str, limit: int = 60) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def metric_series(run: Run, debrief: Debrief) -> list[Series]:
    """One series per metric shown on the dashboard (hidden metrics are left out), start to end of ``run``."""
    sc = run.scenario
    numbers = {r.decision.index: r.number for r in debrief.decisions}
    start_run = run.rewind(0)
    try:
        start = dict(start_run.metrics)
    finally:
        start_run.close()
    values: list[dict[str, float]] = []
    for k in range(1, len(run.history) + 1):
        partial = run.rewind(k)
        try:
            values.append(dict(partial.metrics))
        finally:
            partial.close()
    out: list[Series] = []
    for mid, m in sc.doc.metrics.items():
        if m.hidden:
            continue
        steps = []
        for dec, after in zip(run.history, values, strict=True):
            moved = tuple((_event_words(ev.text), ev.deltas[mid]) for ev in dec.events if ev.deltas.get(mid))
            title = sc.scene(dec.scene).title if dec.scene in sc.doc.scenes else dec.scene
            label = _(dec.label) if sc.choices[dec.choice].synthetic else dec.label  # "Continue", the game's word
            steps.append(Step(numbers.get(dec.index, 0), title or dec.scene, label, after[mid], moved))
        out.append(Series(mid, m.label, m.higher_is == "worse", float(m.min), float(m.max), start[mid], tuple(steps)))
    return out


def _column(share: float) -> list[str]:
    """One column of the chart, top row first: ``share`` of HEIGHT rows filled, in eighths."""
    eighths = round(max(0.0, min(1.0, share)) * HEIGHT * 8)
    rows = []
    for row in range(HEIGHT - 1, -1, -1):
        fill = max(0, min(8, eighths - row * 8))
        rows.append(BLOCKS[fill])
    return rows


def series_chart(series: Series, width: int = 78) -> Text:
    """The metric as columns (start, then one per decision), its scale, decision numbers and event marks."""
    points = [("S", series.start, False)] + [
        (str(s.number) if s.number else "·", s.value, bool(s.events)) for s in series.steps
    ]
    gutter = max(len(score_text(series.high)), len(score_text(series.low))) + 1
    cell = 3 if gutter + 1 + 3 * len(points) <= width else 2
    span = (series.high - series.low) or 1.0
    columns = [_column((value - series.low) / span) for _label, value, _event in points]
    out = Text()
    for row in range(HEIGHT):
        axis = score_text(series.high) if row == 0 else score_text(series.low) if row == HEIGHT - 1 else ""
        out.append(f"{axis:>{gutter}}┤" if axis else " " * gutter + "│", "dim")
        for col in columns:
            out.append(col[row] * (cell - 1) + " ", "bold")
        out.append("\n")
    out.append(" " * (gutter + 1))
    for label, _value, _event in points:
        out.append(f"{label[-(cell - 1) :]:<{cell - 1}} ")
    out.append("\n")
    if any(event for _l, _v, event in points):
        out.append(" " * (gutter + 1))
        for _label, _value, event in points:
            out.append(("!" if event else " ").ljust(cell - 1) + " ", "bold")
        out.append("  " + _("! an event moved it"), "italic")
        out.append("\n")
    return out


def series_words(series: Series) -> str:
    """The chart in a sentence: where it started, every decision's value and the events, where it ended."""
    parts = [_("{label} started at {value}.").format(label=series.label, value=score_text(series.start))]
    before = series.start
    for step in series.steps:
        change = step.value - before
        who = _("decision {n}").format(n=step.number) if step.number else _("a step")
        moved = f"{change:+g}, {series.judged(change)}" if abs(change) >= 1e-9 else series.judged(change)
        said = _("After {who} ({scene}: “{choice}”): {value} ({change}).").format(
            who=who, scene=step.scene_title, choice=step.choice, value=score_text(step.value), change=moved
        )
        for text, delta in step.events:
            said += " " + _("An event moved it {delta:+g}: “{text}”").format(delta=delta, text=text)
        parts.append(said)
        before = step.value
    total = series.end - series.start
    parts.append(
        _("It ended at {value}: {change:+g} since the start, {judged}.").format(
            value=score_text(series.end), change=total, judged=series.judged(total)
        )
    )
    if series.lower_is_better:
        parts.append(_("Lower is better for this one."))
    return " ".join(parts)


def metrics_text(all_series: list[Series], width: int = 78) -> Text:
    """Every metric's chart, each followed by its numbers in words."""
    out = Text()
    out.append(_("How your metrics moved, decision by decision") + "\n", "bold underline")
    out.append(
        _("S is the start; each column is the value after that decision; ↓ marks a metric where lower is better.")
        + "\n",
        "dim",
    )
    for series in all_series:
        head = series.label + (" ↓" if series.lower_is_better else "")
        total = series.end - series.start
        out.append(f"\n{head}  ", "bold")
        out.append(
            _("{start} → {end} ({change:+g}, {judged})").format(
                start=score_text(series.start), end=score_text(series.end), change=total, judged=series.judged(total)
            )
            + "\n"
        )
        out.append_text(series_chart(series, width))
        out.append(series_words(series) + "\n")
    return out
