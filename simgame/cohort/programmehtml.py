"""A programme's report as one self-contained HTML page: the room debrief's style and charts, no network."""

from __future__ import annotations

from html import escape
from typing import Any

from simgame.cohort.html import CSS, _bars
from simgame.cohort.programmerender import (
    SCALE_NOTE,
    UNFINISHED_NOTE,
    bands_text,
    divided,
    expected_text,
    mean_sd,
    num,
    players_text,
    practice_quality,
    quality_text,
    share_text,
)
from simgame.cohort.render import reference_text, stats_text
from simgame.cohort.room import MIN_GROUP


def to_html(report: dict[str, Any]) -> str:
    e = escape
    p = report["players"]
    name = e(report["programme"])
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Programme report: {name}</title><style>{CSS}</style></head><body>",
        f"<h1>Programme report: {name}</h1>",
        f'<p class="lede">{len(report["sessions"])} session(s) · {p["joined"]} players joined, {p["finished"]} '
        f"finished, {p['not_finished']} not finished · overall {e(stats_text(report['overall']))} · choice "
        f"quality {e(stats_text(report['choice_quality']))}</p>",
        f'<p class="muted">{e(SCALE_NOTE)} {e(UNFINISHED_NOTE)}</p>',
        "<h2>Outcomes over time</h2>",
        "<table><tr><th>date</th><th>session</th><th>scenario</th><th>players</th><th>overall (mean ± sd)</th>"
        "<th>choice quality</th><th>bands</th></tr>",
    ]
    for s in report["sessions"]:
        out.append(
            f"<tr><td>{e(s['date'])}</td><td>{e(s['name'])} <span class='muted'>{e(s['code'])}</span></td>"
            f"<td>{e(s['scenario_title'])}</td><td>{e(players_text(s))}</td><td>{e(mean_sd(s['overall']))}</td>"
            f"<td>{e(mean_sd(s['choice_quality']))}</td><td>{e(bands_text(s['bands']))}</td></tr>"
        )
    out.append("</table>")
    shown = [s for s in report["sessions"] if s["choice_quality"] is not None]
    if shown:
        out.append("<h3>Choice quality by session, oldest first</h3>")
        out.append(_bars([r for s in shown for r in _row(s)], 100))
    out += [
        "<h2>By team</h2>",
        "<table><tr><th>team</th><th>players</th><th>finished</th><th>overall</th><th>choice quality</th>"
        "<th>by session (mean overall)</th></tr>",
    ]
    for t in report["teams"]:
        cells = "; ".join(f"{c['date']} {c['code']}: {num(c['mean'])}" for c in t["by_session"])
        out.append(
            f"<tr><td>{e(t['team'])}</td><td>{t['players']}</td><td>{t['finished']}</td>"
            f"<td>{e(mean_sd(t['overall']))}</td><td>{e(mean_sd(t['choice_quality']))}</td><td>{e(cells)}</td></tr>"
        )
    out.append("</table>")
    out.append("<h2>Decisions that divide the organisation</h2>")
    out.append(
        '<p class="muted">The most evenly split decisions across all the programme\'s players. Each option: its '
        "share, and its quality (where it sat between the worst option on the table, 0, and the best, 100). The "
        "best option's bar is green.</p>"
    )
    out += [_decision(d) for d in divided(report)]
    if not divided(report):
        out.append(f'<p class="muted">None yet with {MIN_GROUP} or more answers split between options.</p>')
    out.append("<h2>Practices where leaders are weakest</h2>")
    practices = report["practices"]
    out.append(
        _bars(
            [
                (pr["label"], pr["quality"] or 0.0, f"{practice_quality(pr)} · {pr['decisions']} decisions", False)
                for pr in practices
            ],
            100,
        )
    )
    out.append(
        "<table><tr><th>practice</th><th>choice quality</th><th>points given up per decision</th>"
        "<th>decisions</th><th>players</th></tr>"
    )
    out += [
        f"<tr><td>{e(pr['label'])}</td><td>{e(practice_quality(pr))}</td><td>{e(num(pr['given_up'], 2))}</td>"
        f"<td>{pr['decisions']}</td><td>{pr['players']}</td></tr>"
        for pr in practices
    ]
    out += ["</table>", "<h2>Reference points</h2><ul>"]
    out += [f"<li>{e(sc['title'])}: {e(reference_text(sc['reference']))}</li>" for sc in report["scenarios"]]
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"


def _row(s: dict[str, Any]) -> list[tuple[str, float, str, bool]]:
    q = s["choice_quality"]
    return [(f"{s['date']} {s['name']}", q["mean"], f"{q['mean']:g} (n={q['n']})", False)]


def _decision(d: dict[str, Any]) -> str:
    e = escape
    rows = []
    for o in d["options"]:
        text = f"{share_text(o)} · quality {quality_text(o)} · expected: {expected_text(o)}"
        rows.append((o["label"], o["share"] or 0.0, text, bool(o["is_best"])))
    return (
        f'<div class="decision"><h3>{e(d["title"])} <span class="muted">{e(d["scenario_title"])}</span></h3>'
        f'<p class="muted">{d["answered"]} on-time answers in {d["sessions"]} session(s) · divergence '
        f"{d['divergence']:.2f}</p>{_bars(rows, 1.0)}</div>"
    )
