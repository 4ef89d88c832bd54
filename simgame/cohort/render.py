"""The room debrief as Markdown, CSV and JSON (HTML lives in ``html.py``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from simgame.authoring.teaching import TeachingNote, appendix_markdown
from simgame.cohort.room import MIN_GROUP
from simgame.engine.scoring import score_text
from simgame.format.inert import inert

WITHHELD = f"(withheld: fewer than {MIN_GROUP})"
DECISIONS_NOTE = (
    "An option's expected final score assumes best play after it and is averaged over the room's on-time "
    "decisions where it was offered, so options offered to different players are not compared by it: the best "
    "option is the one that scored higher than the others on the decisions where both were offered."
)


def expected_text(d: dict[str, Any], o: dict[str, Any]) -> str:
    """An option's expected final score as the room sees it: withheld with the split, or not mapped."""
    if d["suppressed"]:
        return WITHHELD
    return "not mapped" if o["expected"] is None else f"{score_text(o['expected'])}/100"


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_csv(report: dict[str, Any]) -> str:
    """One row per player (pseudonymous): the facilitator's spreadsheet, not a room display.

    Players who never finished come last, with no score (empty cells, never 0). Files written by
    `simgame cohort report` start with a UTF-8 byte-order mark (`simgame.cohort.exports.BOM`)."""
    dims = [d["id"] for d in report["scores"]["dimensions"]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "player",
            "team",
            "origin",
            "decisions",
            "timed_out",
            "ended",
            "ending",
            "overall",
            "band",
            "choice_quality",
            "points_given_up",
            *dims,
            "problem",
        ]
    )
    for row in report["player_results"]:
        writer.writerow(
            [
                _cell(row["player"]),
                _cell(row["team"]),
                row["origin"],
                row["decisions"],
                row["timed_out"],
                "yes" if row["ended"] else "no",
                row["ending"],
                _blank(row["overall"]),
                _blank(row["band"]),
                _blank(row["choice_quality"]),
                _blank(row["given_up"]),
                *(row["dimensions"].get(d, "") for d in dims),
                _cell(row["problem"]),
            ]
        )
    return buf.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in names players typed (CSV injection) and control characters."""
    text = inert(text, keep_lines=False)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def stats_text(s: dict[str, Any] | None) -> str:
    if s is None:
        return WITHHELD
    return f"mean {s['mean']:g}, median {s['median']:g}, range {s['min']:g}-{s['max']:g} (n={s['n']})"


def _md(text: str) -> str:
    """Text for a Markdown report: table pipes escaped, control characters made visible (never sent raw)."""
    return inert(text.replace("\n", " "), keep_lines=False).replace("|", "\\|")


def to_markdown(report: dict[str, Any]) -> str:
    c, p = report["cohort"], report["players"]
    out = [
        f"# Room debrief: {_md(c['name'])}",
        "",
        f"Scenario **{_md(c['scenario_title'])}** (`{c['scenario_id']}`), session `{c['code']}`, "
        f"{c['pace']} pacing. {p['joined']} joined, {p['finished']} finished, {p['in_progress']} not finished "
        "(no score, left out of every figure); "
        f"{p['timed_out_decisions']} decision(s) timed out and are left out of choice quality.",
        "",
    ]
    if report["suppressed"]:
        out += [
            f"> Fewer than {MIN_GROUP} players finished, so room-wide figures are withheld to protect individuals.",
            "",
        ]
    out += ["## Hot wash", ""]
    for stage in report["hot_wash"]:
        out.append(f"### {stage['stage']} ({stage['minutes']} min)")
        out += [f"- {q}" for q in stage["prompts"]]
        if stage["stage"] == "What happened":
            out += _what_happened(report)
        if stage["stage"] == "Analysis":
            out += _analysis(report)
        out.append("")
    out += ["## Score profile", "", f"- Overall: {stats_text(report['scores']['overall'])}"]
    out += [f"- {_md(d['label'])}: {stats_text(d['stats'])}" for d in report["scores"]["dimensions"]]
    out += [
        f"- Choice quality (0 = always the worst option on the table, 100 = always the best; each decision "
        f"weighed by how far apart its options were): "
        f"{stats_text(report['scores']['choice_quality'])}",
        f"- Expected points given up against best play: {stats_text(report['scores']['given_up'])}",
        "",
    ]
    if report["scores"]["histogram"]:
        out += ["| score | players |", "| --- | --- |"]
        out += [
            f"| {b['from']}-{b['to']} | {WITHHELD if b['count'] is None else b['count']} |"
            for b in report["scores"]["histogram"]
        ]
        out.append("")
    out += ["## By team", "", "| team | players | finished | overall |", "| --- | --- | --- | --- |"]
    for t in report["teams"]:
        out.append(f"| {_md(t['team'])} | {t['players']} | {t['finished']} | {stats_text(t['overall'])} |")
    out += ["", "## Every decision against best play", "", DECISIONS_NOTE + " It is marked “(best)”.", ""]
    for d in report["decisions"]:
        divergence = WITHHELD if d["divergence"] is None else f"{d['divergence']:.2f}"
        out += [
            f"### {_md(d['title'])} (from decision {d['first_step'] + 1})",
            "",
            f"{d['answered']} on time, {d['timed_out']} timed out; divergence {divergence}.",
            "",
            "| choice | share | expected final score, best play after it (mean where offered) |",
            "| --- | --- | --- |",
        ]
        for o in d["options"]:
            share = WITHHELD if o["share"] is None else f"{o['share']:.0%}"
            out.append(f"| {_md(o['label'])}{' (best)' if o['is_best'] else ''} | {share} | {expected_text(d, o)} |")
        out.append("")
    out.append(reference_text(report["best_outcome"]))
    if report.get("teaching_note"):
        out += ["", *appendix_markdown(TeachingNote(Path(), report["teaching_note"]))]
    return "\n".join(out) + "\n"


def reference_text(b: dict[str, Any]) -> str:
    """The reference points from the start, in one sentence (or why there are none)."""
    if not b["exact"]:
        return f"No reference points: {b['unavailable']}."
    return (
        f"Best reachable outcome from the start: {score_text(b['best_start'])}/100 "
        f"(worst {score_text(b['worst_start'])}/100). Expected final score with best play: "
        f"{score_text(b['expected_best_play'])}/100; choosing at random: {score_text(b['expected_random_play'])}/100."
    )


def _what_happened(report: dict[str, Any]) -> list[str]:
    if report["endings"] is None:
        return [f"- Endings: {WITHHELD}"]
    return [
        f"- {_md(e['title'])}: {count_text(e['count'])}"
        if e.get("other")
        else f"- Ending “{_md(e['title'])}” ({e['tone']}): {count_text(e['count'])}"
        for e in report["endings"]
    ]


def count_text(n: int | None) -> str:
    """A cell's count of players, or why it is withheld."""
    return WITHHELD if n is None else f"{n} player(s)"


def _analysis(report: dict[str, Any]) -> list[str]:
    lines = []
    if report["instructive"]:
        lines.append("- Open with the most instructive failures:")
        lines += [f"  - {_md(x['prompt'])}" for x in report["instructive"]]
    if report["discussion"]:
        lines.append("- The most divided decisions, as discussion prompts:")
        lines += [f"  - {_md(x['prompt'])}" for x in report["discussion"]]
    return lines
