"""A programme's report as terminal text, Markdown, CSV (one row per session) and JSON (HTML: ``programmehtml``).

Every figure comes from `simgame.cohort.programmereport.programme_report`; a withheld one (None)
reads "(withheld: fewer than 5)" wherever it appears, never 0.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from simgame.cohort.render import WITHHELD, _cell, _md, reference_text, stats_text
from simgame.cohort.room import MIN_GROUP
from simgame.engine.scoring import score_text
from simgame.format.inert import inert

TOP = 10  # the most divided decisions the readable formats show (all of them are in the JSON)
SCALE_NOTE = (
    "Scores are out of 100 on each scenario's own scale (its reference points are listed below); choice "
    "quality (0 = always the worst option on the table, 100 = always the best, each decision weighed by how "
    "far apart its options were) compares across scenarios."
)
UNFINISHED_NOTE = (
    "Players who never finished have no score: they are counted apart and left out of every score; their "
    "on-time decisions still count in the splits and the practices."
)
CSV_COLUMNS = [
    "date",
    "session",
    "name",
    "scenario",
    "scenario_title",
    "pace",
    "closed",
    "joined",
    "finished",
    "not_finished",
    "overall_n",
    "overall_mean",
    "overall_sd",
    "overall_median",
    "overall_min",
    "overall_max",
    "choice_quality_mean",
    "choice_quality_sd",
    "bands",
    "problem",
]


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def num(value: float | None, digits: int = 1) -> str:
    return WITHHELD if value is None else f"{value:.{digits}f}"


def mean_sd(s: dict[str, Any] | None) -> str:
    """A group's mean with its spread, short enough for a table cell."""
    return WITHHELD if s is None else f"{s['mean']:g} ± {s['sd']:g} (n={s['n']})"


def bands_text(bands: list[dict[str, Any]] | None) -> str:
    if bands is None:
        return WITHHELD
    return "; ".join(f"{b['label']} {'withheld' if b['count'] is None else b['count']}" for b in bands)


def players_text(s: dict[str, Any]) -> str:
    if s["finished"] is None:
        return f"{s['joined']} joined, not read: {s['problem']}"
    return f"{s['joined']} joined, {s['finished']} finished, {s['not_finished']} not finished"


def share_text(o: dict[str, Any]) -> str:
    return WITHHELD if o["share"] is None else f"{o['share']:.0%}"


def quality_text(o: dict[str, Any]) -> str:
    return WITHHELD if o["quality"] is None else f"{o['quality']:g}"


def expected_text(o: dict[str, Any]) -> str:
    """An option's expected final score with best play after it, out of 100. Withheld where a room
    withholds the decision whole (then which option was best, ``is_best``, is withheld too)."""
    if o["is_best"] is None:
        return WITHHELD
    return "not mapped" if o["expected"] is None else f"{score_text(o['expected'])}/100"


def practice_quality(pr: dict[str, Any]) -> str:
    """A practice's choice quality; a practice no one's rated decision exercised says so (not "withheld")."""
    return "not exercised" if not pr["decisions"] else num(pr["quality"])


def divided(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The decisions the readable formats show: the most evenly divided, where the split may be shown."""
    return [d for d in report["divided"] if d["divergence"]][:TOP]


def t(text: object) -> str:
    """Text people typed (names), made harmless for a terminal."""
    return inert(str(text), keep_lines=False)


def to_text(report: dict[str, Any]) -> str:
    """For the terminal: the same sections as the Markdown, as aligned plain text."""
    p = report["players"]
    out = [
        f"Programme: {t(report['programme'])}",
        f"  {len(report['sessions'])} session(s); {p['joined']} players joined, {p['finished']} finished, "
        f"{p['not_finished']} not finished (no score)",
        f"  Overall score: {stats_text(report['overall'])}",
        f"  Choice quality: {stats_text(report['choice_quality'])}",
        "",
        "Outcomes over time (oldest first)",
    ]
    for s in report["sessions"]:
        out += [
            f"  {s['date']}  {s['code']}  {t(s['name'])}  [{s['scenario_id']}]",
            f"      {players_text(s)}",
            f"      overall {mean_sd(s['overall'])}; choice quality {mean_sd(s['choice_quality'])}",
            f"      bands: {t(bands_text(s['bands']))}",
        ]
    out += ["", "By team, across sessions"]
    for team in report["teams"]:
        cells = ", ".join(
            f"{c['date']} {c['code']}: {num(c['mean'])}" for c in team["by_session"] if c["mean"] is not None
        )
        out.append(
            f"  {t(team['team'])}: {team['players']} players, {team['finished']} finished; "
            f"overall {mean_sd(team['overall'])}; choice quality {mean_sd(team['choice_quality'])}"
            + (f"\n      by session: {cells}" if cells else "")
        )
    out += ["", "Decisions that divide the organisation (most evenly split first)"]
    for d in divided(report):
        out.append(f"  {t(d['title'])} [{d['scenario_id']}]: {d['answered']} answers, divergence {d['divergence']:.2f}")
        for o in d["options"]:
            best = " (best)" if o["is_best"] else ""
            out.append(f"      {share_text(o):>6}  quality {quality_text(o):>5}  {t(o['label'])}{best}")
    if not divided(report):
        out.append(f"  none yet with {MIN_GROUP} or more answers split between options")
    out += ["", "Practices where leaders are weakest (weakest first)"]
    for pr in report["practices"]:
        out.append(
            f"  {pr['label']:<36} quality {practice_quality(pr):>5}  ({pr['decisions']} decisions, "
            f"{pr['players']} players, {pr['sessions']} sessions)"
        )
    out += ["", SCALE_NOTE, UNFINISHED_NOTE]
    out += [f"{sc['title']}: {reference_text(sc['reference'])}" for sc in report["scenarios"]]
    return "\n".join(out) + "\n"


def to_markdown(report: dict[str, Any]) -> str:
    p = report["players"]
    out = [
        f"# Programme report: {_md(report['programme'])}",
        "",
        f"{len(report['sessions'])} session(s). {p['joined']} players joined, {p['finished']} finished, "
        f"{p['not_finished']} not finished. {UNFINISHED_NOTE}",
        "",
        f"- Overall score: {stats_text(report['overall'])}",
        f"- Choice quality: {stats_text(report['choice_quality'])}",
        "",
        SCALE_NOTE,
        "",
        "## Outcomes over time",
        "",
        "| date | session | scenario | players | overall (mean ± sd) | choice quality | bands |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in report["sessions"]:
        out.append(
            f"| {s['date']} | {_md(s['name'])} (`{s['code']}`) | {_md(s['scenario_title'])} | {_md(players_text(s))} "
            f"| {mean_sd(s['overall'])} | {mean_sd(s['choice_quality'])} | {_md(bands_text(s['bands']))} |"
        )
    out += ["", "## By team", "", "| team | players | finished | overall | choice quality | by session |"]
    out.append("| --- | --- | --- | --- | --- | --- |")
    for team in report["teams"]:
        cells = "; ".join(f"{c['date']} {c['code']}: {num(c['mean'])}" for c in team["by_session"])
        out.append(
            f"| {_md(team['team'])} | {team['players']} | {team['finished']} | {mean_sd(team['overall'])} "
            f"| {mean_sd(team['choice_quality'])} | {cells} |"
        )
    out += ["", "## Decisions that divide the organisation", ""]
    out.append(
        "The most evenly split decisions across all the programme's players, with each option's quality "
        "(where it sat between the worst option on the table, 0, and the best, 100)."
    )
    for d in divided(report):
        out += [
            "",
            f"### {_md(d['title'])} ({_md(d['scenario_title'])})",
            "",
            f"{d['answered']} on-time answers in {d['sessions']} session(s), divergence {d['divergence']:.2f}.",
            "",
            "| option | share | quality | expected final score |",
            "| --- | --- | --- | --- |",
        ]
        for o in d["options"]:
            best = " (best)" if o["is_best"] else ""
            out.append(f"| {_md(o['label'])}{best} | {share_text(o)} | {quality_text(o)} | {expected_text(o)} |")
    if not divided(report):
        out += ["", f"None yet with {MIN_GROUP} or more answers split between options."]
    out += ["", "## Practices where leaders are weakest", ""]
    out += ["| practice | choice quality | points given up per decision | decisions | players |"]
    out.append("| --- | --- | --- | --- | --- |")
    for pr in report["practices"]:
        out.append(
            f"| {pr['label']} | {practice_quality(pr)} | {num(pr['given_up'], 2)} "
            f"| {pr['decisions']} | {pr['players']} |"
        )
    out += ["", "## Reference points", ""]
    out += [f"- {_md(sc['title'])}: {reference_text(sc['reference'])}" for sc in report["scenarios"]]
    return "\n".join(out) + "\n"


def to_csv(report: dict[str, Any]) -> str:
    """One row per session, oldest first, with the figures the report shows (a withheld one is empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in report["sessions"]:
        o, q = s["overall"] or {}, s["choice_quality"] or {}
        writer.writerow(
            [
                s["date"],
                s["code"],
                _cell(s["name"]),
                s["scenario_id"],
                _cell(s["scenario_title"]),
                s["pace"],
                s["closed"] or "",
                s["joined"],
                _blank(s["finished"]),
                _blank(s["not_finished"]),
                *(_blank(o.get(k)) for k in ("n", "mean", "sd", "median", "min", "max")),
                _blank(q.get("mean")),
                _blank(q.get("sd")),
                "" if s["bands"] is None else _cell(bands_text(s["bands"])),
                _cell(s["problem"]),
            ]
        )
    return buf.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value
