"""What a programme report keeps back so that nothing a session's room debrief withholds comes back by
subtraction: the programme shows figures beside the room debriefs' own, and a figure minus those shown
gives the rest away unless the rest is itself a group the room debrief would show.

Two places need it beyond `programmereport.pooled` (scores pooled over sessions): a session's teams
(`covers_small_teams`) and a decision's split pooled over sessions (`withheld_by_rooms`, `pooled_cells`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from simgame.cohort.analytics import PlayerResult, decision_stats
from simgame.cohort.cells import hidden_cells
from simgame.cohort.room import MIN_GROUP
from simgame.cohort.summary import _decision as room_decision
from simgame.format.compiled import Scenario


@dataclass
class Withheld:
    """What the room debriefs of a scenario's sessions withhold of one decision, added up."""

    cells: dict[str, int] = field(default_factory=dict)  # option -> answers the rooms withhold there
    whole: int = 0  # answers in rooms that withhold the decision whole (its expected scores too)


def withheld_by_rooms(rooms: Iterable[tuple[Scenario, list[PlayerResult]]]) -> dict[str, Withheld]:
    """Per scene, what each session's own room debrief withholds, exactly as it decides it
    (`simgame.cohort.summary`, on `analytics.decision_stats` of that session's players)."""
    out: dict[str, Withheld] = {}
    for scenario, players in rooms:
        for d in decision_stats(scenario, players):
            shown = room_decision(d)
            w = out.setdefault(d.scene, Withheld())
            counts = {o.choice: o.count for o in d.options}
            for o in shown["options"]:
                if o["count"] is None:
                    w.cells[o["choice"]] = w.cells.get(o["choice"], 0) + counts[o["choice"]]
            if shown["suppressed"]:
                w.whole += d.answered
    return out


def pooled_cells(counts: Mapping[str, int], w: Withheld) -> set[str]:
    """The cells of a pooled split to withhold. The pooled counts minus those the rooms show give back
    how the answers the rooms withhold split, so those answers are a group like any other: under five
    in all, every cell they may be in is withheld; from five, their own small cells. The pooled split's
    own small cells too, and the next smallest when only one would be withheld."""
    few = sum(w.cells.values())
    cells = hidden_cells(counts)
    if few:
        cells |= set(w.cells) if few < MIN_GROUP else hidden_cells(w.cells)
    if len(cells) == 1 and (rest := sorted((n, c) for c, n in counts.items() if c not in cells)):
        cells.add(rest[0][1])
    return cells
