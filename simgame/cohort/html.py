"""The room debrief as one self-contained HTML file: inline CSS and SVG charts, no network, prints well."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from simgame.authoring.teaching import TeachingNote, appendix_markdown
from simgame.authoring.teaching import to_html as note_html
from simgame.cohort.render import DECISIONS_NOTE, WITHHELD, expected_text, reference_text, stats_text
from simgame.cohort.room import MIN_GROUP
from simgame.engine.scoring import score_text

CSS = """
:root { --ink: #1d2733; --muted: #5b6775; --accent: #2f6f9f; --best: #2e7d4f; --line: #d9dee4; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem;
     margin-top: 2.2rem; } h3 { margin-bottom: .3rem; }
.lede { color: var(--muted); } .note { background: #fff7e0; border-left: 4px solid #e0a800; padding: .5rem .8rem; }
.stage { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; }
.stage h3 span { color: var(--muted); font-weight: normal; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.decision { page-break-inside: avoid; break-inside: avoid; margin-bottom: 1.2rem; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.muted { color: var(--muted); }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { page-break-after: avoid; }
  .stage, .decision, table { page-break-inside: avoid; break-inside: avoid; } a { color: inherit; } }
"""


def _bars(rows: list[tuple[str, float, str, bool]], maximum: float, width: int = 640) -> str:
    """Horizontal bars: (label, value, value text, highlighted)."""
    label_w, bar_w, row_h = 250, width - 250 - 70, 24
    height = row_h * len(rows) + 4
    parts = [f'<svg role="img" width="100%" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, text, highlight) in enumerate(rows):
        y = i * row_h + 2
        w = 0 if maximum <= 0 or value <= 0 else max(1, round(bar_w * value / maximum))
        short = label if len(label) <= 38 else label[:36] + "…"
        colour = "#2e7d4f" if highlight else "#2f6f9f"
        parts.append(
            f'<text x="0" y="{y + 15}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" fill="{colour}" rx="2">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + 15}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _histogram(bins: list[dict[str, Any]]) -> str:
    top = max((b["count"] or 0 for b in bins), default=0)
    return _bars(
        [
            (f"{b['from']}-{b['to']}", b["count"] or 0, WITHHELD if b["count"] is None else str(b["count"]), False)
            for b in bins
        ],
        top,
    )


def to_html(report: dict[str, Any]) -> str:
    c, p = report["cohort"], report["players"]
    e = escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Room debrief: {e(c['name'])}</title><style>{CSS}</style></head><body>",
        f"<h1>Room debrief: {e(c['name'])}</h1>",
        f'<p class="lede">Scenario <strong>{e(c["scenario_title"])}</strong> · session {e(c["code"])} · '
        f"{e(c['pace'])} pacing · {p['joined']} joined, {p['finished']} finished, {p['in_progress']} not "
        f"finished (no score) · {p['timed_out_decisions']} timed-out decision(s) left out of choice quality</p>",
    ]
    if report["suppressed"]:
        out.append(
            f'<p class="note">Fewer than {MIN_GROUP} players finished, so room-wide figures are withheld '
            "to protect individuals.</p>"
        )
    out.append("<h2>Hot wash</h2>")
    for stage in report["hot_wash"]:
        out.append(f'<section class="stage"><h3>{e(stage["stage"])} <span>{stage["minutes"]} min</span></h3><ul>')
        out += [f"<li>{e(q)}</li>" for q in stage["prompts"]]
        out.append("</ul>")
        if stage["stage"] == "What happened":
            out.append(_endings(report))
        if stage["stage"] == "Analysis":
            out.append(_analysis(report))
        out.append("</section>")
    out.append("<h2>Score profile</h2>")
    scores = report["scores"]
    rows = [("Overall", scores["overall"])] + [(d["label"], d["stats"]) for d in scores["dimensions"]]
    rows.append(("Choice quality (0 worst option, 100 best)", scores["choice_quality"]))
    rows.append(("Expected points given up against best play", scores["given_up"]))
    out.append("<table><tr><th>measure</th><th>room</th></tr>")
    out += [f"<tr><td>{e(label)}</td><td>{e(stats_text(s))}</td></tr>" for label, s in rows]
    out.append("</table>")
    if scores["histogram"]:
        out += ["<h3>Overall score distribution</h3>", _histogram(scores["histogram"])]
    out += ["<h2>By team</h2>", "<table><tr><th>team</th><th>players</th><th>finished</th><th>overall</th></tr>"]
    out += [
        f"<tr><td>{e(t['team'])}</td><td>{t['players']}</td><td>{t['finished']}</td>"
        f"<td>{e(stats_text(t['overall']))}</td></tr>"
        for t in report["teams"]
    ]
    out.append("</table>")
    ranked = [t for t in report["teams"] if t["overall"] is not None]
    if len(ranked) > 1:
        out.append(_bars([(t["team"], t["overall"]["mean"], f"{t['overall']['mean']:g}", False) for t in ranked], 100))
    out.append("<h2>Every decision against best play</h2>")
    out.append(f'<p class="muted">{e(DECISIONS_NOTE)} Its bar is green.</p>')
    out += [_decision(d) for d in report["decisions"]]
    out.append(f'<p class="muted">{e(reference_text(report["best_outcome"]))}</p>')
    if report.get("teaching_note"):
        appendix = appendix_markdown(TeachingNote(Path(), report["teaching_note"]))
        out.append(f'<section class="appendix">{note_html(chr(10).join(appendix))}</section>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _endings(report: dict[str, Any]) -> str:
    if report["endings"] is None:
        return f'<p class="muted">Endings {escape(WITHHELD)}</p>'
    top = max((x["count"] or 0 for x in report["endings"]), default=0)
    rows = [
        (
            x["title"] if x.get("other") else f"{x['title']} ({x['tone']})",
            x["count"] or 0,
            WITHHELD if x["count"] is None else str(x["count"]),
            x["tone"] == "good" and not x.get("other"),
        )
        for x in report["endings"]
    ]
    return _bars(rows, top)


def _analysis(report: dict[str, Any]) -> str:
    out = []
    if report["instructive"]:
        out.append("<p><strong>Open with the most instructive failures:</strong></p><ul>")
        out += [f"<li>{escape(x['prompt'])}</li>" for x in report["instructive"]]
        out.append("</ul>")
    if report["discussion"]:
        out.append("<p><strong>The most divided decisions:</strong></p><ul>")
        out += [f"<li>{escape(x['prompt'])}</li>" for x in report["discussion"]]
        out.append("</ul>")
    return "".join(out)


def _decision(d: dict[str, Any]) -> str:
    e = escape
    divergence = WITHHELD if d["divergence"] is None else f"{d['divergence']:.2f}"
    head = (
        f'<div class="decision"><h3>{e(d["title"])} <span class="muted">from decision {d["first_step"] + 1}'
        f'</span></h3><p class="muted">{d["answered"]} on time · {d["timed_out"]} timed out · divergence '
        f"{e(divergence)}</p>"
    )
    if d["suppressed"]:
        listing = "".join(f"<li>{e(o['label'])}: expected {e(expected_text(d, o))}</li>" for o in d["options"])
        return head + f'<p class="muted">Split {e(WITHHELD)}</p><ul>{listing}</ul></div>'
    rows = []
    for o in d["options"]:
        best = "not mapped" if o["expected"] is None else f"expected: {score_text(o['expected'])}"
        share = WITHHELD if o["share"] is None else f"{o['share']:.0%}"
        rows.append((o["label"], o["share"] or 0.0, f"{share} · {best}", bool(o["is_best"])))
    return head + _bars(rows, 1.0) + "</div>"
