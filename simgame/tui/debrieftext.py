"""The debrief's text, built from the engine's Debrief: outcome, reference range, costliest decisions,
decisions by practice, and where an export goes. Plain Text, never markup; every UI word through gettext."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from simgame.engine.scoring import is_red_line_sentence, practice_label, red_line_sentences, score_text
from simgame.i18n import N_, _
from simgame.tui.widgets.text import bar, paragraphs

if TYPE_CHECKING:
    from simgame.analysis.outcomes.reference import RunReference
    from simgame.analysis.ranges import OutcomeRange
    from simgame.engine.run import Run
    from simgame.engine.scoring import Debrief
    from simgame.format.compiled import Scenario
    from simgame.tui.session import GameSession

TONE_WORDS = {"good": N_("a good ending"), "mixed": N_("a mixed ending"), "bad": N_("a bad ending")}


def outcome_text(d: Debrief) -> Text:
    o = d.outcome
    out = Text()
    out.append(_("Ending: {title}").format(title=d.ending_title), "bold")
    tone = _(TONE_WORDS[d.ending_tone]) if d.ending_tone in TONE_WORDS else d.ending_tone
    out.append(f" ({tone})\n" if d.ended else " (" + _("run not finished") + ")\n")
    if d.ending_text:
        out.append(paragraphs(d.ending_text) + "\n")
    if d.ending_debrief:
        out.append("\n" + paragraphs(d.ending_debrief) + "\n", "italic")
    overall = _("Overall score: {score}/100 · band: {band}").format(score=score_text(o.overall), band=o.band_label)
    out.append(f"\n{overall}\n", "bold")
    for sentence in red_line_sentences(o):
        out.append(paragraphs(sentence) + "\n", "bold" if is_red_line_sentence(sentence) else "")
    if o.band_text:
        out.append(paragraphs(o.band_text) + "\n")
    out.append("\n" + _("Outcome profile") + "\n", "bold underline")
    width = max((len(dim.label) for dim in o.dimensions), default=10)
    for dim in o.dimensions:
        out.append(f"{dim.label:<{width}} ")
        out.append_text(bar(dim.score / 100, 12))
        out.append(f"  {score_text(dim.score):>4}/100\n", "bold")
        out.append(f"  {dim.explain()}\n", "dim")
    if d.objectives:
        out.append("\n" + _("Objectives") + "\n", "bold underline")
        for oid, text, met in d.objectives:
            met_words = (_("[met]"), _("[not met]"))
            tag = met_words[0] if met else met_words[1]
            out.append(tag.ljust(max(map(len, met_words)) + 1), "bold")
            out.append(text + "\n")
            if oid in d.missed:
                out.append("          " + _("Why: {reason}").format(reason=d.missed[oid]) + "\n", "italic")
    return out


def costly_text(ref: RunReference, d: Debrief, scenario: Scenario, run: Run | None = None) -> Text:
    """The three decisions that gave up the most expected points, what was best there, and why."""
    numbers = {r.decision.index: r.number for r in d.decisions}
    out = Text()
    out.append("\n" + _("Your costliest decisions") + "\n", "bold underline")
    costly = ref.costliest()
    if not costly:
        out.append(_("None: at every decision you took an option as good as the best on the table.") + "\n")
        return out
    out.append(
        _(
            "Against the best option at each decision, your choices gave up {points:.1f} expected points "
            "in all (expected final score, with the best play after each)."
        ).format(points=ref.given_up)
        + "\n"
    )
    for cost in costly:
        title = scenario.scene(cost.scene).title or cost.scene
        number = numbers.get(cost.index)
        out.append(f"{f'{number}. ' if number else ''}{title}: ", "bold")
        label = scenario.choices[cost.choice].model.label
        out.append(_("“{label}” gave up {points:.1f} points.").format(label=label, points=cost.given_up or 0.0) + "\n")
        if cost.best_options:
            best = scenario.choices[cost.best_options[0]].model
            out.append("   " + _("Best here:") + " ", "italic")
            out.append(f"“{best.label}”\n")
            note = run.note_for(best.id, cost.index) if run else best.debrief  # as it read at that decision
            if note:
                out.append(f"   {paragraphs(note)}\n", "dim")
    return out


def range_text(r: OutcomeRange | None, overall: float, error: str = "") -> Text:
    out = Text()
    out.append(_("Compared with what was possible") + "\n", "bold underline")
    if error:
        out.append(_("Could not work out the best and worst outcomes: {error}").format(error=error) + "\n")
        return out
    if r is None:
        out.append(_("Working out the best and worst reachable outcomes…") + "\n", "italic")
        return out
    span = max(r.best - r.worst, 0.0)
    position = (overall - r.worst) / span if span else 1.0
    rows = [
        (_("Best reachable:"), r.best, ""),
        (_("Your result:"), overall, "bold"),
        (_("Worst reachable:"), r.worst, ""),
    ]
    pad = max(len(name) for name, _v, _s in rows) + 1
    for name, value, style in rows:
        out.append(f"{name:<{pad}}{score_text(value):>4}/100\n", style)
    share = max(0.0, min(1.0, position))
    out.append(_("You reached {share:.0%} of the way from the worst to the best outcome.").format(share=share))
    if not r.exhaustive:
        out.append(" " + _("(This scenario is large: the range comes from a partial search.)"), "italic")
    out.append("\n")
    return out


def decisions_text(d: Debrief, scenario: Scenario) -> Text:
    from simgame.authoring.run_report import deltas_text
    from simgame.engine.causes import review_heading

    names = {r.decision.index: (r.number, r.decision.label) for r in d.decisions}
    out = Text()
    out.append(_("Your decisions, grouped by the four leadership practices") + "\n", "bold")
    for practice, reviews in d.by_practice().items():
        out.append(f"\n{practice_label(practice)}\n", "bold underline")
        if not reviews:
            out.append("  " + _("No decision of yours exercised this practice.") + "\n", "dim")
            continue
        for r in reviews:
            dec = r.decision
            out.append(f"{r.number}. {r.scene_title}: ", "bold")
            out.append(dec.label + "\n")
            out.append("   " + _("At once:") + " ", "italic")
            out.append(deltas_text(scenario, dec.deltas) + "\n")
            for ev in (*r.immediate, *r.later):  # each names what caused it (simgame.engine.causes)
                out.append(f"   {review_heading(names, ev, dec.index)}: ", "italic")
                out.append(f"{' '.join(ev.text.split())}\n")
            if r.note:
                out.append("   " + _("Note:") + " ", "bold")
                out.append(paragraphs(r.note) + "\n")
    return out


def export_path(session: GameSession) -> Path:
    folder = session.saves_dir or Path.cwd()
    return folder / "debriefs" / f"{session.run_id}.md"
