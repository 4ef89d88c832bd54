"""The room debrief as data: aggregates safe for a shared screen, plus the facilitator's per-player rows.

Every renderer (Markdown, HTML, CSV, JSON) starts from this one structure, so they agree.
Groups smaller than five are suppressed in everything the room sees, and so is every cell of a
shown group that counts fewer than five (`simgame.cohort.cells`): an option's share, an ending,
a band of the score histogram. Players who never finished have no score.
"""

from __future__ import annotations

import statistics
from typing import Any

from simgame.analysis.outcomes.mapfile import StartFigures
from simgame.authoring.teaching import find_note
from simgame.cohort.analytics import CohortAnalysis, DecisionStat, PlayerResult
from simgame.cohort.cells import covers_small_teams, hidden_cells
from simgame.cohort.room import MIN_GROUP
from simgame.engine.scoring import score_text

FORMAT = "simgame-cohort-report/1"

HOT_WASH = [
    ("Reactions", 10, ["In one word: how did the session feel?", "Which moment surprised you most, and why?"]),
    (
        "What happened",
        10,
        [
            "Walk through the room's endings and where paths split.",
            "Which chance events or delayed consequences arrived, and whose earlier choices set them up?",
        ],
    ),
    (
        "Analysis",
        25,
        [
            "Start with the decisions where the room's favourite choice gave up the most: what made "
            "it attractive at the time?",
            "At the most divided decisions: what did each group see that the other did not?",
            "Which of the four leadership practices would have changed the outcome?",
        ],
    ),
    (
        "Summary and one commitment",
        15,
        [
            "Each person writes one commitment they will act on at work within 30 days.",
            "Agree when to check in on it (30, 60 and 90 days): outcomes, not completions.",
        ],
    ),
]


def stats(values: list[float], min_group: int = MIN_GROUP) -> dict[str, Any] | None:
    if len(values) < min_group:
        return None
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def histogram(values: list[float]) -> list[dict[str, Any]]:
    """Ten bands of ten points; a band's count is None (withheld) where it would tell of fewer than five."""
    bins = [0] * 10
    for v in values:
        bins[min(9, int(v // 10))] += 1
    hidden = hidden_cells({str(i): c for i, c in enumerate(bins)})
    return [
        {"from": i * 10, "to": i * 10 + 10 if i < 9 else 100, "count": None if str(i) in hidden else c}
        for i, c in enumerate(bins)
    ]


def endings(a: CohortAnalysis) -> list[dict[str, Any]]:
    """The endings the finished players reached, most reached first; those reached by fewer than five
    are folded into one row without their titles (its count withheld below five too)."""
    sc = a.scenario
    counts: dict[str, int] = {}
    for p in a.finished:
        counts[p.ending or ""] = counts.get(p.ending or "", 0) + 1
    hidden = hidden_cells(counts)
    out: list[dict[str, Any]] = [
        {
            "id": eid,
            "title": sc.doc.endings[eid].title if eid in sc.doc.endings else eid,
            "tone": sc.doc.endings[eid].tone if eid in sc.doc.endings else "mixed",
            "count": n,
        }
        for eid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if eid not in hidden
    ]
    if hidden:
        together = sum(counts[e] for e in hidden)
        out.append(
            {
                "id": "",
                "title": f"Other endings (each reached by fewer than {MIN_GROUP})",
                "tone": "mixed",
                "count": together if together >= MIN_GROUP else None,
                "other": True,
            }
        )
    return out


def _dimensions(a: CohortAnalysis, results: list[PlayerResult]) -> list[dict[str, Any]]:
    out = []
    for did, dim in a.scenario.doc.debrief.dimensions.items():
        values = [next(d.score for d in p.outcome.dimensions if d.id == did) for p in results]
        out.append({"id": did, "label": dim.label, "stats": stats(values)})
    return out


def _decision(d: DecisionStat) -> dict[str, Any]:
    """One decision for the room. Answered by fewer than MIN_GROUP, everything computed from those
    few players is withheld (None), not only the split: the divergence, the points given up, each
    option's expected score and which was best would each give the split or their states away."""
    hidden = d.answered < MIN_GROUP
    cells = set() if hidden else hidden_cells({o.choice: o.count for o in d.options})
    return {
        "scene": d.scene,
        "title": d.title,
        "first_step": d.first_step,
        "answered": d.answered,
        "timed_out": d.timed_out,
        # With a cell withheld, the split's entropy could give that cell back: withheld with it.
        "divergence": None if hidden or cells else d.divergence,
        "given_up": None if hidden else d.given_up,
        "suppressed": hidden,
        "options": [
            {
                "choice": o.choice,
                "label": o.label,
                "count": None if hidden or o.choice in cells else o.count,
                "share": None if hidden or o.choice in cells or not d.answered else round(o.count / d.answered, 3),
                "expected": None if hidden else o.expected,  # mean over the decisions here that offered it
                "is_best": None if hidden else o.choice == d.best,
            }
            for o in d.options
        ],
    }


def prompt(d: DecisionStat) -> str:
    cells = hidden_cells({o.choice: o.count for o in d.options})
    parts = [
        f"{round(100 * o.count / d.answered)}% chose “{o.label}”"
        for o in sorted(d.options, key=lambda o: -o.count)
        if o.count and o.choice not in cells
    ]
    if not parts:
        text = (
            f"At “{d.title}” the room split; a share would tell of fewer than {MIN_GROUP}, so the shares stay private."
        )
    else:
        if any(o.count for o in d.options if o.choice in cells):
            parts.append(f"the rest other options (each fewer than {MIN_GROUP})")
        text = f"At “{d.title}” the room split: " + ", ".join(parts) + "."
    best = d.best_option
    if best is not None and best.expected is not None:
        text += (
            f" The best option was “{best.label}”: with best play after it, it was expected to end at "
            f"{score_text(best.expected)}/100 on average where it was offered."
        )
    return text + " What did each group see that the other did not?"


def failure_prompt(d: DecisionStat) -> str:
    pop, best = d.popular, d.best_option
    assert pop is not None and best is not None
    return (
        f"At “{d.title}” the room's choices gave up {d.given_up:.1f} expected points each on average against "
        f"“{best.label}”; most chose “{pop.label}”. What made it the attractive choice in the moment?"
    )


def _reference(a: CohortAnalysis) -> dict[str, Any]:
    return reference_figures(a.reference, a.unavailable)


def reference_figures(r: StartFigures | None, unavailable: str | None) -> dict[str, Any]:
    """The outcome map's figures from the start, exact; or why there are none (a room's or a programme's)."""
    if r is None:
        return {"exact": False, "unavailable": unavailable or "no outcome map"}
    return {
        "exact": True,
        "best_start": r.best,
        "worst_start": r.worst,
        "expected_best_play": r.expected_best_play,
        "expected_random_play": r.expected_random_play,
    }


def summarise(a: CohortAnalysis) -> dict[str, Any]:
    c, sc = a.cohort, a.scenario
    done = a.finished
    overall = [p.outcome.overall for p in done]
    enough = len(done) >= MIN_GROUP
    teams = []
    # A small team's lone player would follow from the room's figure minus the other teams': the
    # smallest team shown beside them is withheld too (`cells.covers_small_teams`).
    sizes = {team: sum(p.ended for p in members) for team, members in a.teams.items()}
    covering = {team for team, _ in covers_small_teams({"": sizes})}
    for team, members in sorted(a.teams.items()):
        finished = [p for p in members if p.ended]
        teams.append(
            {
                "team": team,
                "players": len(members),
                "finished": len(finished),
                "suppressed": len(finished) < MIN_GROUP or team in covering,
                "overall": None if team in covering else stats([p.outcome.overall for p in finished]),
                "dimensions": _dimensions(a, [] if team in covering else finished),
            }
        )
    return {
        "format": FORMAT,
        "cohort": {
            "code": c.code,
            "name": c.name,
            "scenario_id": sc.id,
            "scenario_title": sc.title,
            "seed": c.seed,
            "pace": c.pace,
            "created": c.created,
            "closed": c.closed,
        },
        "players": {
            "joined": len(a.players),
            "finished": len(done),
            "in_progress": len(a.players) - len(done),
            "timed_out_decisions": sum(p.timed_out for p in a.players),
        },
        "min_group": MIN_GROUP,
        "suppressed": not enough,
        "scores": {
            "overall": stats(overall),
            "histogram": histogram(overall) if enough else None,
            "dimensions": _dimensions(a, done),
            "choice_quality": stats([q for p in done if (q := p.choice_quality) is not None]),
            "given_up": stats([g for p in done if (g := p.given_up) is not None]),
        },
        "endings": endings(a) if enough else None,
        "teams": teams,
        "best_outcome": _reference(a),
        "decisions": [_decision(d) for d in a.decisions],
        "discussion": [{"scene": d.scene, "title": d.title, "prompt": prompt(d)} for d in a.most_divergent()],
        "instructive": [{"scene": d.scene, "title": d.title, "prompt": failure_prompt(d)} for d in a.instructive()],
        "hot_wash": [{"stage": s, "minutes": m, "prompts": ps} for s, m, ps in HOT_WASH],
        # Finished players first; those who never finished after them, counted apart ("players").
        "player_results": [player_row(a, p) for p in sorted(a.players, key=lambda p: not p.ended)],
        "teaching_note": note.text if (note := find_note(sc)) else None,
    }


def player_row(a: CohortAnalysis, p: PlayerResult) -> dict[str, Any]:
    """One pseudonymous player's results: for the facilitator's files, never the room display.

    A player who never finished has no score (overall, band, dimensions, choice quality, points
    given up: None): a run cut short would score what it had reached so far, which is not an outcome."""
    done = p.ended
    return {
        "player": p.player.name,
        "team": p.player.team or "",
        "origin": p.player.origin,
        "decisions": len(p.steps),
        "timed_out": p.timed_out,
        "ended": done,
        "ending": p.ending or "",
        "overall": p.outcome.overall if done else None,
        "band": p.outcome.band_label if done else None,
        "choice_quality": p.choice_quality if done else None,
        "given_up": p.given_up if done else None,
        "dimensions": {d.id: round(d.score, 1) for d in p.outcome.dimensions} if done else {},
        "problem": p.problem or "",
    }
