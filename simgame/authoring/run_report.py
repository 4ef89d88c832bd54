"""Render a run and its debrief as text, Markdown or JSON (CLI, exports, transcripts).

The Markdown debrief and the change words (``deltas_text``) are for the player and speak the language in
use (`simgame.i18n`); the terminal transcript and text debrief are `simgame run`'s and `simgame test`'s,
whose own words stay English so recorded transcripts compare byte for byte.
"""

from __future__ import annotations

import textwrap
from typing import Any

from simgame.engine.causes import Named, because_words, earlier_causes, named, review_heading
from simgame.engine.run import Run
from simgame.engine.scoring import Debrief, debrief, practice_label, red_line_sentences, score_text
from simgame.engine.state import Decision, EventRecord
from simgame.format.compiled import Scenario
from simgame.format.inert import inert
from simgame.i18n import _, in_english


def fmt_number(value: float) -> str:
    """Whole numbers as such, anything else to one decimal: executives read 70.7, not 70.6667."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def fmt_delta(value: float) -> str:
    text = fmt_number(value)
    return text if text.startswith("-") else "+" + text


def deltas_text(scenario: Scenario, deltas: dict[str, float]) -> str:
    parts = []
    for metric, change in deltas.items():
        if change:
            m = scenario.doc.metrics[metric]
            if m.hidden:
                continue
            good = (change > 0) == (m.higher_is == "better")
            verdict = _("better") if good else _("worse")
            parts.append(f"{m.label} {fmt_delta(change)} ({verdict})")
    return ", ".join(parts) or _("no change to the numbers")


def event_text(scenario: Scenario, event: EventRecord, cause: str = "") -> str:
    """One event on a line; ``cause`` names earlier decisions behind it ("because at decision 1 you chose …")."""
    kind = "consequence" if event.caused_by else "meanwhile"  # a timed event is nobody's consequence
    kind = f"chance event, {event.probability:.0%} likely" if event.is_chance else kind
    kind += f", {cause}" if cause else ""
    return f"[{kind}] {' '.join(event.text.split())} ({deltas_text(scenario, event.deltas)})"


def _review_names(d: Debrief) -> Named:
    """The debrief's decisions by index, with the numbers and labels causes are named by."""
    return {r.decision.index: (r.number, r.decision.label) for r in d.decisions}


def _review_line(names: Named, event: EventRecord, owner: int, scenario: Scenario) -> tuple[str, str]:
    """(heading, text) of an event under decision ``owner``'s review: what caused it, and its effects."""
    text = f"{' '.join(event.text.split())} ({deltas_text(scenario, event.deltas)})"
    return review_heading(names, event, owner), text


def _wrap(text: str, indent: str = "  ") -> str:
    paras = [p.strip() for p in text.strip().split("\n\n")]
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), 88, initial_indent=indent, subsequent_indent=indent) for p in paras if p
    )


def transcript_text(run: Run, steps: list[tuple[str, list[str], Decision | None]]) -> str:
    """Human-readable transcript: each scene, the options shown, the choice and what followed.

    Inert (:func:`simgame.format.inert.inert`): printed to a terminal, no escape sequence acts on it.
    Always English (:func:`simgame.i18n.in_english`): recorded transcripts are compared byte for byte.
    """
    with in_english():
        return _transcript_text(run, steps)


def _transcript_text(run: Run, steps: list[tuple[str, list[str], Decision | None]]) -> str:
    sc = run.scenario
    names = named(sc, run.choice_log)
    out = [f"{sc.title} (seed {run.seed}{', fixture ' + run.fixture if run.fixture else ''})", ""]
    for event in run.opening_events:
        out.append(event_text(sc, event))
    for scene_id, options, decision in steps:
        scene = sc.scene(scene_id)
        phase = sc.doc.phases[scene.phase].label
        out.append(f"== {scene.title or scene_id}  [{phase}]")
        out.append(_wrap(decision.scene_text if decision is not None else run.scene_text))
        out.append("")
        for line in options:
            out.append(f"  {line}")
        if decision is not None:
            out.append(f"> {decision.label}")
            if decision.feedback:
                out.append(_wrap(decision.feedback))
            out.append(f"  Effect: {deltas_text(sc, decision.deltas)}")
            for event in decision.events:
                out.append("  " + event_text(sc, event, because_words(names, earlier_causes(event, decision.index))))
        out.append("")
    return inert("\n".join(out))


def debrief_text(d: Debrief, scenario: Scenario) -> str:
    """The debrief as plain text for a terminal (inert and English, as :func:`transcript_text`).

    ``d`` is built by the caller: build it inside :func:`simgame.i18n.in_english` too for English reasons.
    """
    with in_english():
        return _debrief_text(d, scenario)


def _debrief_text(d: Debrief, scenario: Scenario) -> str:
    o = d.outcome
    lines = [f"== Debrief: {d.ending_title} ({d.ending_tone})"]
    if d.ending_text:
        lines.append(_wrap(d.ending_text))
    if d.ending_debrief:
        lines += ["", _wrap(d.ending_debrief)]
    lines += ["", f"Overall score: {score_text(o.overall)}/100, band: {o.band_label}"]
    lines += [_wrap(sentence) for sentence in red_line_sentences(o)]
    if o.band_text:
        lines.append(_wrap(o.band_text))
    for dim in o.dimensions:
        lines.append(f"  {dim.label:<24} {score_text(dim.score):>5}  ({dim.explain()})")
    if d.objectives:
        lines.append("Objectives:")
        for oid, text, met in d.objectives:
            lines.append(f"  [{'met' if met else 'not met'}] {text}")
            if oid in d.missed:
                lines.append(f"      Why: {d.missed[oid]}")
    lines.append("Decisions:")
    names = _review_names(d)
    for r in d.decisions:
        lines.append(f"  {r.number}. {r.scene_title}: {r.decision.label} [{r.practice_label}]")
        lines.append(f"     at once: {deltas_text(scenario, r.decision.deltas)}")
        for ev in (*r.immediate, *r.later):
            heading, text = _review_line(names, ev, r.decision.index, scenario)
            lines.append(f"     {heading[:1].lower() + heading[1:]}: {text}")
        if r.note:
            lines.append(_wrap(r.note, "     "))
    return inert("\n".join(lines))


def debrief_markdown(d: Debrief, run: Run) -> str:
    """The debrief as a Markdown document a player can keep or share."""
    sc = run.scenario
    o = d.outcome
    md = [
        "# " + _("Debrief: {title}").format(title=d.title),
        "",
        "*" + _("Role:") + f"* {sc.doc.role}  ",
        "*" + _("Seed:") + f"* {run.seed}  ",
        "*" + _("Choices:") + f"* `{','.join(run.choice_log)}`",
        "",
        "## " + _("Ending: {title}").format(title=d.ending_title),
        "",
    ]
    if d.ending_text:
        md += [d.ending_text.strip(), ""]
    if d.ending_debrief:
        md += [f"> {' '.join(d.ending_debrief.split())}", ""]
    md += [
        "## " + _("Outcome profile: {score}/100 ({band})").format(score=score_text(o.overall), band=o.band_label),
        "",
    ]
    md += [f"{sentence}  " for sentence in red_line_sentences(o)]
    md += [""] if o.red_lines else []
    if o.band_text:
        md += [o.band_text.strip(), ""]
    md += ["| " + " | ".join((_("Dimension"), _("Score"), _("How it was reached"))) + " |", "| --- | ---: | --- |"]
    for dim in o.dimensions:
        md.append(f"| {dim.label} | {score_text(dim.score)} | {dim.explain()} |")
    md.append("")
    if d.objectives:
        md += ["## " + _("Objectives"), ""]
        md += [
            f"- [{'x' if met else ' '}] {text}{' — ' + d.missed[oid] if oid in d.missed else ''}"
            for oid, text, met in d.objectives
        ]
        md.append("")
    md += ["## " + _("Decisions by leadership practice"), ""]
    names = _review_names(d)
    for practice, reviews in d.by_practice().items():
        if not reviews:
            continue
        md += [f"### {practice_label(practice)}", ""]
        for r in reviews:
            md.append(f"**{r.number}. {r.scene_title}:** {r.decision.label}  ")
            md.append(_("At once:") + f" {deltas_text(sc, r.decision.deltas)}  ")
            for ev in (*r.immediate, *r.later):
                heading, text = _review_line(names, ev, r.decision.index, sc)
                md.append(f"{heading}: {text}  ")
            if r.note:
                md.append("*" + _("Note:") + f"* {' '.join(r.note.split())}")
            md.append("")
    return "\n".join(md).rstrip() + "\n"


def run_json(run: Run, steps: list[tuple[str, list[str], Decision | None]]) -> dict[str, Any]:
    """The run for machines: ids everywhere; `available` and each step's `shown` in display order."""
    d = debrief(run)
    o = d.outcome
    return {
        "scenario": run.scenario.id,
        "content_hash": run.scenario.content_hash,
        "seed": run.seed,
        "fixture": run.fixture,
        "choices": run.choice_log,
        "ended": run.ended,
        "ending": run.ending,
        "scene": None if run.ended else run.scene_id,
        "available": run.available(),  # in the order the player sees them
        "metrics": {k: round(v, 3) for k, v in run.metrics.items()},
        "flags": sorted(run.flags),
        "steps": [
            {
                "scene": scene_id,
                "choice": dec.choice if dec else None,
                "shown": list(dec.shown) if dec else [o.id for o in run.options()],
                "deltas": dec.deltas if dec else {},
                "events": [
                    {
                        "id": e.id,
                        "scene": e.scene,
                        "chance": e.probability if e.is_chance else None,
                        "deltas": e.deltas,
                        "goto": e.goto,
                        "caused_by": list(e.caused_by),
                    }
                    for e in (dec.events if dec else ())
                ],
            }
            for scene_id, _opts, dec in steps
        ],
        "debrief": {
            "score": o.overall,
            "band": o.band,
            "red_lines": [line.id for line in o.red_lines],
            "dimensions": {dim.id: round(dim.score, 1) for dim in o.dimensions},
            "objectives": {oid: met for oid, _t, met in d.objectives},
        },
    }
