"""The debrief as one HTML file, beside the Markdown export: the same content, with its charts as inline SVG.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that say its numbers in
words, followed by the same words (and, for the profile, a table) on the page: nothing is only in a
picture or only in a colour. Authored text is escaped, never markup. The file needs no network.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from simgame.engine.scoring import practice_label, red_line_sentences, score_text
from simgame.i18n import _, language
from simgame.tui.charts import Series, metric_series, series_words
from simgame.tui.debrieftext import TONE_WORDS

if TYPE_CHECKING:
    from simgame.engine.run import Run
    from simgame.engine.scoring import Debrief

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; background: #fff; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; } th, td { border: 1px solid #555; padding: .25rem .5rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { max-width: 100%; height: auto; } .words { margin-top: .25rem; }
@media (prefers-color-scheme: dark) { body { color: #fff; background: #000; } th, td { border-color: #bbb; } }
"""
INK = "currentColor"


def _t(text: str) -> str:
    return escape(" ".join(text.split()))


def _tag(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def profile_svg(d: Debrief) -> str:
    """The outcome profile as horizontal bars, each labelled with its dimension and score."""
    dims = d.outcome.dimensions
    row, label_w, bar_w = 28, 220, 300
    height = row * len(dims) + 8
    words = "; ".join(f"{dim.label}: {score_text(dim.score)}/100" for dim in dims)
    title = _("Outcome profile")
    parts = [
        f'<svg role="img" aria-labelledby="profile-title" aria-describedby="profile-desc"'
        f' viewBox="0 0 {label_w + bar_w + 80} {height}"'
        f' width="{label_w + bar_w + 80}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="profile-title">{escape(title)}</title><desc id="profile-desc">{escape(words)}</desc>',
    ]
    for i, dim in enumerate(dims):
        y = 4 + i * row
        filled = bar_w * max(0.0, min(1.0, dim.score / 100))
        parts.append(
            f'<text x="0" y="{y + 18}" fill="{INK}">{_t(dim.label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="none" stroke="{INK}"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{filled:.1f}" height="18" fill="{INK}"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 18}" fill="{INK}">{score_text(dim.score)}/100</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def series_svg(series: Series, key: str) -> str:
    """One metric as a line over the decisions: a dot per decision, a triangle where an event moved it."""
    points = [("S", series.start, ())] + [(str(s.number) if s.number else "·", s.value, s.events) for s in series.steps]
    left, top, step, plot_h = 48, 12, 56, 120
    width = left + step * max(len(points) - 1, 1) + 24
    height = top + plot_h + 44
    span = (series.high - series.low) or 1.0

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - series.low) / span)

    xy = [(left + i * step, y(v)) for i, (_l, v, _e) in enumerate(points)]
    parts = [
        f'<svg role="img" aria-labelledby="{key}-title" aria-describedby="{key}-desc"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-title">{escape(series.label)}</title>',
        f'<desc id="{key}-desc">{escape(series_words(series))}</desc>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{INK}"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 12}" y2="{top + plot_h}" stroke="{INK}"/>',
        f'<text x="{left - 6}" y="{top + 5}" text-anchor="end" fill="{INK}">{score_text(series.high)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" fill="{INK}">{score_text(series.low)}</text>',
        '<polyline fill="none" stroke-width="3" stroke="{}" points="{}"/>'.format(
            INK, " ".join(f"{x:.1f},{yy:.1f}" for x, yy in xy)
        ),
    ]
    for (x, yy), (label, value, events) in zip(xy, points, strict=True):
        parts.append(
            f'<circle cx="{x}" cy="{yy:.1f}" r="4" fill="{INK}"><title>{escape(label)}: {score_text(value)}</title>'
            f'</circle><text x="{x}" y="{top + plot_h + 18}" text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
        if events:
            said = "; ".join(f"{delta:+g}: {text}" for text, delta in events)
            parts.append(
                f'<path d="M{x - 6},{top + plot_h + 38} l6,-10 l6,10 z" fill="{INK}">'
                "<title>" + escape(_("An event moved it") + " " + said) + "</title></path>"
            )
    parts.append("</svg>")
    return "".join(parts)


def debrief_html(d: Debrief, run: Run, reference: list[str] | None = None, reference_error: str = "") -> str:
    """The whole debrief page; ``reference`` is the reference section as lines (heading first), if known."""
    from simgame.authoring.run_report import deltas_text
    from simgame.engine.causes import review_heading

    o = d.outcome
    heading = _("Debrief: {title}").format(title=d.title)
    role, seed = _("Role:"), _("Seed:")
    ending = _("Ending: {title}").format(title=d.ending_title)
    tone = _(TONE_WORDS[d.ending_tone]) if d.ending_tone in TONE_WORDS else d.ending_tone
    h: list[str] = [
        f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>",
        f"<main><h1>{escape(heading)}</h1>",
        f"<p>{escape(role)} {_t(run.scenario.doc.role)} · {escape(seed)} {run.seed}</p>",
        f"<h2>{escape(ending)} ({escape(tone)})</h2>",
    ]
    h += [f"<p>{_t(text)}</p>" for text in (d.ending_text, d.ending_debrief) if text]
    overall = _("Overall score: {score}/100 · band: {band}").format(score=score_text(o.overall), band=o.band_label)
    h.append(f"<p><strong>{escape(overall)}</strong></p>")
    h += [f"<p>{_t(sentence)}</p>" for sentence in red_line_sentences(o)]
    if o.band_text:
        h.append(f"<p>{_t(o.band_text)}</p>")
    h += [_tag("h2", _("Outcome profile")), profile_svg(d), "<table><tr>"]
    h += [_tag("th", _("Dimension")), _tag("th", _("Score")), _tag("th", _("How it was reached")), "</tr>"]
    for dim in o.dimensions:
        h.append(
            f'<tr><td>{_t(dim.label)}</td><td class="num">{score_text(dim.score)}/100</td>'
            f"<td>{_t(dim.explain())}</td></tr>"
        )
    h.append("</table>")
    h.append(_tag("h2", _("How your metrics moved, decision by decision")))
    legend = _(
        "S is the start; each dot is the value after that decision; ▲ marks a decision after which an event moved it."
    )
    h.append(_tag("p", legend))
    for n, series in enumerate(metric_series(run, d)):
        h += [f"<h3>{_t(series.label)}</h3>", series_svg(series, f"metric-{n}")]
        h.append(f'<p class="words">{escape(series_words(series))}</p>')
    if d.objectives:
        h.append(_tag("h2", _("Objectives")) + "<ul>")
        for oid, text, met in d.objectives:
            why = f" — {_t(d.missed[oid])}" if oid in d.missed else ""
            mark = _("[met]") if met else _("[not met]")
            h.append(f"<li>{escape(mark)} {_t(text)}{why}</li>")
        h.append("</ul>")
    h.append(_tag("h2", _("Your decisions, grouped by the four leadership practices")))
    names = {r.decision.index: (r.number, r.decision.label) for r in d.decisions}
    for practice, reviews in d.by_practice().items():
        if not reviews:
            continue
        h.append(f"<h3>{_t(practice_label(practice))}</h3><ol>")
        for r in reviews:
            dec = r.decision
            h.append(f'<li value="{r.number}"><strong>{_t(r.scene_title)}</strong>: {_t(dec.label)}<br>')
            h.append(escape(_("At once:")) + " " + _t(deltas_text(run.scenario, dec.deltas)))
            for ev in (*r.immediate, *r.later):
                h.append(f"<br>{_t(review_heading(names, ev, dec.index))}: {_t(ev.text)}")
            if r.note:
                h.append("<br>" + escape(_("Note:")) + " " + _t(r.note))
            h.append("</li>")
        h.append("</ol>")
    if reference:
        h.append(f"<h2>{_t(reference[0])}</h2>")
        h += [f"<p>{_t(line)}</p>" for line in reference[1:] if line.strip()]
    elif reference_error:
        h.append(_tag("h2", _("Compared with what was possible")))
        h.append(_tag("p", _("Not available: {error}").format(error=reference_error)))
    h.append("</main></body></html>\n")
    return "\n".join(h)
