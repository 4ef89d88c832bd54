"""Render a run and its debrief as text, Markdown or JSON (CLI, exports, transcripts)."""

from __future__ import annotations

import textwrap
from typing import Any

from simgame.engine.run import Run
from simgame.engine.scoring import Debrief, debrief
from simgame.engine.state import Decision, EventRecord
from simgame.format.compiled import Scenario
from simgame.format.model import PRACTICES


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
            parts.append(f"{m.label} {fmt_delta(change)} ({'better' if good else 'worse'})")
    return ", ".join(parts) or "no change to the numbers"


def event_text(scenario: Scenario, event: EventRecord) -> str:
    kind = f"chance event, {event.probability:.0%} likely" if event.is_chance else "consequence"
    return f"[{kind}] {' '.join(event.text.split())} ({deltas_text(scenario, event.deltas)})"


def _wrap(text: str, indent: str = "  ") -> str:
    paras = [p.strip() for p in text.strip().split("\n\n")]
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), 88, initial_indent=indent, subsequent_indent=indent) for p in paras if p
    )


def transcript_text(run: Run, steps: list[tuple[str, list[str], Decision | None]]) -> str:
    """Human-readable transcript: each scene, the options shown, the choice and what followed."""
    sc = run.scenario
    out = [f"{sc.title} (seed {run.seed}{', fixture ' + run.fixture if run.fixture else ''})", ""]
    for event in run.opening_events:
        out.append(event_text(sc, event))
    for scene_id, options, decision in steps:
        scene = sc.scene(scene_id)
        phase = sc.doc.phases[scene.phase].label
        out.append(f"== {scene.title or scene_id}  [{phase}]")
        out.append(_wrap(scene.text))
        out.append("")
        for line in options:
            out.append(f"  {line}")
        if decision is not None:
            out.append(f"> {decision.label}")
            if decision.feedback:
                out.append(_wrap(decision.feedback))
            out.append(f"  Effect: {deltas_text(sc, decision.deltas)}")
            for event in decision.events:
                out.append("  " + event_text(sc, event))
        out.append("")
    return "\n".join(out)


def debrief_text(d: Debrief, scenario: Scenario) -> str:
    o = d.outcome
    lines = [f"== Debrief: {d.ending_title} ({d.ending_tone})"]
    if d.ending_text:
        lines.append(_wrap(d.ending_text))
    if d.ending_debrief:
        lines += ["", _wrap(d.ending_debrief)]
    lines += ["", f"Overall score: {o.overall:.0f}/100, band: {o.band_label}"]
    if o.band_text:
        lines.append(_wrap(o.band_text))
    for dim in o.dimensions:
        lines.append(f"  {dim.label:<24} {dim.score:5.0f}  ({dim.explain()})")
    if d.objectives:
        lines.append("Objectives:")
        for _oid, text, met in d.objectives:
            lines.append(f"  [{'met' if met else 'not met'}] {text}")
    lines.append("Decisions:")
    for r in d.decisions:
        lines.append(f"  {r.number}. {r.scene_title}: {r.decision.label} [{r.practice_label}]")
        lines.append(f"     at once: {deltas_text(scenario, r.decision.deltas)}")
        for ev in r.immediate:
            lines.append(f"     then: {event_text(scenario, ev)}")
        for ev in r.later:
            lines.append(f"     later: {' '.join(ev.text.split())} ({deltas_text(scenario, ev.deltas)})")
        if r.note:
            lines.append(_wrap(r.note, "     "))
    return "\n".join(lines)


def debrief_markdown(d: Debrief, run: Run) -> str:
    """The debrief as a Markdown document a player can keep or share."""
    sc = run.scenario
    o = d.outcome
    md = [
        f"# Debrief: {d.title}",
        "",
        f"*Role:* {sc.doc.role}  ",
        f"*Seed:* {run.seed}  ",
        f"*Choices:* `{','.join(run.choice_log)}`",
        "",
        f"## Ending: {d.ending_title}",
        "",
    ]
    if d.ending_text:
        md += [d.ending_text.strip(), ""]
    if d.ending_debrief:
        md += [f"> {' '.join(d.ending_debrief.split())}", ""]
    md += [f"## Outcome profile: {o.overall:.0f}/100 ({o.band_label})", ""]
    if o.band_text:
        md += [o.band_text.strip(), ""]
    md += ["| Dimension | Score | How it was reached |", "| --- | ---: | --- |"]
    for dim in o.dimensions:
        md.append(f"| {dim.label} | {dim.score:.0f} | {dim.explain()} |")
    md.append("")
    if d.objectives:
        md += ["## Objectives", ""]
        md += [f"- [{'x' if met else ' '}] {text}" for _oid, text, met in d.objectives]
        md.append("")
    md += ["## Decisions by leadership practice", ""]
    for practice, reviews in d.by_practice().items():
        if not reviews:
            continue
        md += [f"### {PRACTICES.get(practice, practice)}", ""]
        for r in reviews:
            md.append(f"**{r.number}. {r.scene_title}:** {r.decision.label}  ")
            md.append(f"At once: {deltas_text(sc, r.decision.deltas)}  ")
            for ev in r.immediate:
                md.append(f"Then: {event_text(sc, ev)}  ")
            for ev in r.later:
                md.append(f"Later: {' '.join(ev.text.split())} ({deltas_text(sc, ev.deltas)})  ")
            if r.note:
                md.append(f"*Note:* {' '.join(r.note.split())}")
            md.append("")
    return "\n".join(md).rstrip() + "\n"


def run_json(run: Run, steps: list[tuple[str, list[str], Decision | None]]) -> dict[str, Any]:
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
        "available": run.available(),
        "metrics": {k: round(v, 3) for k, v in run.metrics.items()},
        "flags": sorted(run.flags),
        "steps": [
            {
                "scene": scene_id,
                "choice": dec.choice if dec else None,
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
            "dimensions": {dim.id: round(dim.score, 1) for dim in o.dimensions},
            "objectives": {oid: met for oid, _t, met in d.objectives},
        },
    }
