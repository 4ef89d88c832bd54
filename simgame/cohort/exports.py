"""The facilitator's files: the room debrief in every format, a choice-level CSV, the event log as JSON lines.

These are for the facilitator's own records (pseudonymous players, one row each), never the
wall. Every CSV starts with a UTF-8 byte-order mark, so Excel reads accented names correctly,
and every cell a player typed is neutralised against spreadsheet formulas.

- **choices-csv**: one row per player per real decision (a pass-through "Continue" is not one):
  the session, player, team, decision number, scene, choice id and label, when the decision was
  put to the player and when they chose (UTC), the seconds between, the decision's quality
  from the outcome map (0 = the worst option on the table, 100 = the best; empty when it was
  not rated) and the expected points it gave up, and whether it timed out. A timed-out decision
  keeps its choice (the story needed one) but has no quality, as in the room debrief.
- **events-jsonl**: every stored event of the session, in the store's order, one JSON object a
  line (``seq``, ``id``, ``kind``, ``player``, ``step``, ``data``, ``at``): the raw log that replays
  into everything else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from simgame.cohort.analytics import CohortAnalysis
from simgame.cohort.events import CHOSE, FACILITATOR, JOINED, Event
from simgame.cohort.referee import decision_of
from simgame.cohort.render import _cell
from simgame.cohort.store import CohortStore

BOM = "\ufeff"
REPORT_FORMATS = ("md", "html", "csv", "json")
EXPORT_FORMATS = ("choices-csv", "events-jsonl")
FORMATS = REPORT_FORMATS + EXPORT_FORMATS
CHOICE_COLUMNS = [
    "session",
    "player",
    "team",
    "decision",
    "scene",
    "choice",
    "label",
    "presented_at",
    "chosen_at",
    "seconds_to_decide",
    "quality",
    "points_given_up",
    "timed_out",
]


def with_bom(text: str) -> str:
    return text if text.startswith(BOM) else BOM + text


def _time(at: str) -> datetime | None:
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        return None


def _opened(events: list[Event]) -> dict[int, str]:
    """When the facilitator opened each decision (lockstep); the last open counts (an undo reopens)."""
    out: dict[int, str] = {}
    for e in events:
        if e.kind == FACILITATOR and e.data.get("action") == "open" and isinstance(e.data.get("decision"), int):
            out[int(e.data["decision"])] = e.at
    return out


def choice_rows(analysis: CohortAnalysis, events: list[Event]) -> list[dict[str, Any]]:
    """One row per (player, real decision), players in joining order, decisions in order."""
    opened = _opened(events)
    chose: dict[tuple[str, int], Event] = {}
    joined: dict[str, str] = {}
    for e in events:
        if e.player is None:
            continue
        if e.kind == CHOSE and e.step is not None:
            chose.setdefault((e.player, e.step), e)
        elif e.kind == JOINED:
            joined.setdefault(e.player, e.at)
    code = analysis.cohort.code
    rows = []
    for p in analysis.players:
        pid = p.player.id
        previous = joined.get(pid, p.player.joined)
        number = 0
        for s in p.steps:
            event = chose.get((pid, s.step))
            at = event.at if event is not None else ""
            real = event is None or decision_of(event) is not None
            if not real:
                previous = at or previous
                continue
            presented = max(previous, opened.get(number, ""))
            start, end = _time(presented), _time(at)
            seconds = round((end - start).total_seconds(), 1) if start and end and end >= start else None
            choice = analysis.scenario.choices.get(s.choice)
            rows.append(
                {
                    "session": code,
                    "player": p.player.name,
                    "team": p.player.team or "",
                    "decision": number + 1,
                    "scene": s.scene,
                    "choice": s.choice,
                    "label": choice.model.label if choice else s.choice,
                    "presented_at": presented,
                    "chosen_at": at,
                    "seconds_to_decide": seconds,
                    "quality": s.quality,
                    "points_given_up": s.given_up,
                    "timed_out": s.timed_out,
                }
            )
            previous = at or previous
            number += 1
    return rows


def choices_csv(analysis: CohortAnalysis, events: list[Event]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CHOICE_COLUMNS)
    for row in choice_rows(analysis, events):
        cells: list[object] = []
        for column in CHOICE_COLUMNS:
            value = row[column]
            if column in ("player", "team", "label", "scene", "choice"):
                value = _cell(str(value))
            elif column == "timed_out":
                value = "yes" if value else "no"
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return with_bom(buf.getvalue())


def events_jsonl(events: list[Event]) -> str:
    """The log as JSON lines (non-ASCII kept as is; JSON escapes every control character)."""
    return "".join(json.dumps({"seq": e.seq, **e.to_json()}, ensure_ascii=False) + "\n" for e in events)


def render(store: CohortStore, code: str, fmt: str, analyse: Callable[[], CohortAnalysis]) -> str:
    """The text of one format for session ``code``; ``analyse`` replays the room (not needed for the log)."""
    if fmt == "events-jsonl":
        return events_jsonl(store.events(code))
    analysis = analyse()
    if fmt == "choices-csv":
        return choices_csv(analysis, store.events(code))
    from simgame.cohort.html import to_html
    from simgame.cohort.render import to_csv, to_json, to_markdown
    from simgame.cohort.summary import summarise

    report = summarise(analysis)
    if fmt == "csv":
        return with_bom(to_csv(report))
    return {"md": to_markdown, "html": to_html, "json": to_json}[fmt](report)
