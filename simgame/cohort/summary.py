"""The room debrief as data: aggregates safe for a shared screen, plus the facilitator's per-player rows.

Every renderer (Markdown, HTML, CSV, JSON) starts from this one structure, so they agree.
Groups smaller than five are suppressed in everything the room sees.
"""

from __future__ import annotations

import statistics
from typing import Any

from simgame.cohort.analytics import CohortAnalysis, DecisionStat, PlayerResult
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
    bins = [0] * 10
    for v in values:
        bins[min(9, int(v // 10))] += 1
    return [{"from": i * 10, "to": i * 10 + 10 if i < 9 else 100, "count": c} for i, c in enumerate(bins)]


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
    return {
        "scene": d.scene,
        "title": d.title,
        "first_step": d.first_step,
        "answered": d.answered,
        "timed_out": d.timed_out,
        "divergence": None if hidden else d.divergence,
        "given_up": None if hidden else d.given_up,
        "suppressed": hidden,
        "options": [
            {
                "choice": o.choice,
                "label": o.label,
                "count": None if hidden else o.count,
                "share": None if hidden or not d.answered else round(o.count / d.answered, 3),
                "expected": None if hidden else o.expected,  # mean over the decisions here that offered it
                "is_best": None if hidden else o.choice == d.best,
            }
            for o in d.options
        ],
    }


def prompt(d: DecisionStat) -> str:
    parts = [
        f"{round(100 * o.count / d.answered)}% chose “{o.label}”"
        for o in sorted(d.options, key=lambda o: -o.count)
        if o.count
    ]
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
    """The outcome map's figures from the start, exact; or why there are none."""
    r = a.reference
    if r is None:
        return {"exact": False, "unavailable": a.unavailable or "no outcome map"}
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
    endings: dict[str, int] = {}
    for p in done:
        endings[p.ending or ""] = endings.get(p.ending or "", 0) + 1
    teams = []
    for team, members in sorted(a.teams.items()):
        finished = [p for p in members if p.ended]
        teams.append(
            {
                "team": team,
                "players": len(members),
                "finished": len(finished),
                "suppressed": len(finished) < MIN_GROUP,
                "overall": stats([p.outcome.overall for p in finished]),
                "dimensions": _dimensions(a, finished),
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
        "endings": [
            {
                "id": eid,
                "title": sc.doc.endings[eid].title if eid in sc.doc.endings else eid,
                "tone": sc.doc.endings[eid].tone if eid in sc.doc.endings else "mixed",
                "count": n,
            }
            for eid, n in sorted(endings.items(), key=lambda kv: -kv[1])
        ]
        if enough
        else None,
        "teams": teams,
        "best_outcome": _reference(a),
        "decisions": [_decision(d) for d in a.decisions],
        "discussion": [{"scene": d.scene, "title": d.title, "prompt": prompt(d)} for d in a.most_divergent()],
        "instructive": [{"scene": d.scene, "title": d.title, "prompt": failure_prompt(d)} for d in a.instructive()],
        "hot_wash": [{"stage": s, "minutes": m, "prompts": ps} for s, m, ps in HOT_WASH],
        "player_results": [player_row(a, p) for p in a.players],
    }


def player_row(a: CohortAnalysis, p: PlayerResult) -> dict[str, Any]:
    """One pseudonymous player's results: for the facilitator's files, never the room display."""
    return {
        "player": p.player.name,
        "team": p.player.team or "",
        "origin": p.player.origin,
        "decisions": len(p.steps),
        "timed_out": p.timed_out,
        "ended": p.ended,
        "ending": p.ending or "",
        "overall": p.outcome.overall,
        "band": p.outcome.band_label,
        "choice_quality": p.choice_quality,
        "given_up": p.given_up,
        "dimensions": {d.id: round(d.score, 1) for d in p.outcome.dimensions},
        "problem": p.problem or "",
    }
