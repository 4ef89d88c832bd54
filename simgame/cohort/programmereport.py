"""A programme's report as data: its sessions over time, its teams, the decisions that divide it, and
the practices where its leaders are weakest. Every renderer (``programmerender``, ``programmehtml``)
starts from this one structure, so they agree.

Each session's players are replayed and measured exactly as its room debrief does them
(`simgame.cohort.analytics.replay` on the log, against the scenario's outcome map from
`analytics.reference_map`; never explored here), and the splits are the debrief's own
(`analytics.decision_stats`) over all the sessions of a scenario: this module only gathers results.

The room debrief's privacy rules hold throughout: a group of fewer than five is withheld whole, and
inside a shown group every cell counting fewer than five is withheld with its companion
(`simgame.cohort.cells`). A score pooled over sessions is withheld when the groups the sessions' own
figures withhold add up to fewer than five (`pooled`): the figures shown beside it would give those
few away. For the same reason a session's teams under five never add up to one to four beside its
shown teams, and a split pooled over sessions keeps back whatever would tell how the answers their
room debriefs withhold split (`simgame.cohort.programmecells`).

Players who never finished have no score: they are counted apart and left out of every
score figure. Their on-time decisions still count in the splits and the practices, as in the room
debrief's decisions.

Sessions may play different scenarios: scores are out of 100 on each scenario's own scale, so the
report gives each scenario's reference points beside them, and choice quality (0 = always the worst
option on the table, 100 = always the best) is the figure that compares across scenarios.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simgame.analysis.outcomes.cache import Unavailable
from simgame.analysis.outcomes.mapfile import OutcomeMap, StartFigures
from simgame.analysis.outcomes.reference import choice_quality
from simgame.cohort.analytics import PlayerResult, decision_stats, reference_map, replay
from simgame.cohort.cells import covers_small_teams, hidden_cells
from simgame.cohort.errors import CohortError
from simgame.cohort.programme import Programme
from simgame.cohort.programmecells import Withheld, pooled_cells, withheld_by_rooms
from simgame.cohort.progress import fold
from simgame.cohort.room import MIN_GROUP
from simgame.cohort.store import Cohort, CohortStore, name_key
from simgame.cohort.summary import reference_figures, stats
from simgame.format.compiled import Scenario
from simgame.format.model import PRACTICES

FORMAT = "simgame-programme-report/1"
NO_TEAM = "(no team)"


@dataclass
class SessionPlay:
    """A session's players replayed and measured exactly as its room debrief does them
    (`simgame.cohort.analytics.replay`); the debrief's per-session decision splits are not worked out,
    since the programme's splits pool the sessions of a scenario."""

    scenario: Scenario
    players: list[PlayerResult]
    reference: StartFigures | None  # the outcome map's figures from the start; None without a map
    unavailable: str  # why there is no outcome map ("" when there is one)

    @property
    def finished(self) -> list[PlayerResult]:
        return [p for p in self.players if p.ended]


@dataclass
class SessionResult:
    """One session of the programme: its players' results, or why it could not be read (then ``joined`` only)."""

    cohort: Cohort
    analysis: SessionPlay | None
    problem: str = ""
    joined: int = 0


@dataclass
class _Team:
    name: str
    players: int = 0
    finished: list[PlayerResult] = field(default_factory=list)
    by_session: dict[str, list[PlayerResult]] = field(default_factory=dict)  # code -> finished players


def gather(
    store: CohortStore,
    programme: Programme,
    load: Callable[[Cohort], Scenario],
    maps: Path | None = None,
    build: bool = True,
) -> list[SessionResult]:
    """Every session of ``programme``, its players replayed and measured as its room debrief does, oldest first.

    ``load`` gives a session's scenario (`simgame.cohort.sessions.scenario_of`); a session whose
    scenario cannot be loaded or has changed is kept with the reason, not fatal to the report."""
    loaded: dict[tuple[str, str], Scenario | CohortError] = {}
    out = []
    for c in programme.sessions:
        key = (c.scenario_ref, c.content_hash)
        if key not in loaded:
            try:
                loaded[key] = load(c)
            except CohortError as exc:
                loaded[key] = exc
        scenario = loaded[key]
        if isinstance(scenario, CohortError):
            out.append(SessionResult(c, None, str(scenario), len(store.players(c.code))))
        else:
            found = reference_map(scenario, maps, build)  # opened once per process, shared by its sessions
            outcomes = found if isinstance(found, OutcomeMap) else None
            progress = fold(store.players(c.code), store.events(c.code))
            players = [replay(scenario, c.seed, prog, outcomes) for prog in progress.values()]
            reason = found.reason if isinstance(found, Unavailable) else ""
            play = SessionPlay(scenario, players, outcomes.start if outcomes else None, reason)
            out.append(SessionResult(c, play, "", len(players)))
    return out


def spread(values: list[float]) -> dict[str, Any] | None:
    """The room debrief's figures (n, mean, median, range) and the standard deviation; None under five."""
    s = stats(values)
    if s is not None:
        s["sd"] = round(statistics.stdev(values), 1)
    return s


def _bands(a: SessionPlay) -> list[dict[str, Any]]:
    """How many finished players ended in each of the scenario's bands; small cells withheld."""
    bands = a.scenario.doc.debrief.bands
    counts = {b.id: 0 for b in bands}
    for p in a.finished:
        counts[p.outcome.band] = counts.get(p.outcome.band, 0) + 1
    hidden = hidden_cells(counts)
    labels = {b.id: b.label for b in bands}
    return [{"band": b, "label": labels.get(b, b), "count": None if b in hidden else n} for b, n in counts.items()]


Quality = Callable[[PlayerResult], "float | None"]  # a player's choice quality, worked out once


def _memo() -> Quality:
    """Each player's choice quality, computed once per report (sessions, teams and totals all ask)."""
    known: dict[int, float | None] = {}

    def quality(p: PlayerResult) -> float | None:
        if id(p) not in known:
            known[id(p)] = p.choice_quality
        return known[id(p)]

    return quality


def _session(r: SessionResult, quality: Quality) -> dict[str, Any]:
    c, a = r.cohort, r.analysis
    row: dict[str, Any] = {
        "code": c.code,
        "name": c.name,
        "date": c.created[:10],
        "created": c.created,
        "closed": c.closed,
        "scenario_id": c.scenario_id,
        "scenario_title": a.scenario.title if a else c.scenario_id,
        "pace": c.pace,
        "joined": r.joined,
        "finished": len(a.finished) if a else None,
        "not_finished": r.joined - len(a.finished) if a else None,
        "problem": r.problem,
    }
    done = a.finished if a else []
    row["suppressed"] = len(done) < MIN_GROUP
    row["overall"] = spread([p.outcome.overall for p in done])
    row["choice_quality"] = spread([q for p in done if (q := quality(p)) is not None])
    row["bands"] = _bands(a) if a and not row["suppressed"] else None
    return row


def pooled(groups: Iterable[list[PlayerResult]], quality: Quality) -> dict[str, Any]:
    """Overall score and choice quality of several sessions' groups of finished players, pooled.

    Each group's own figure is shown (in its session's row or report) only from five players on. If the
    groups withheld that way add up to one to four players, the pooled figure is withheld too: with the
    shown groups' figures beside it, it would give those few away (their sum, hence their mean)."""
    groups = list(groups)
    few = sum(len(g) for g in groups if len(g) < MIN_GROUP)
    players = [p for g in groups for p in g]
    qualities = [[q for p in g if (q := quality(p)) is not None] for g in groups]
    few_q = sum(len(q) for q in qualities if len(q) < MIN_GROUP)
    return {
        "overall": None if 0 < few < MIN_GROUP else spread(_overall(players)),
        "choice_quality": None if 0 < few_q < MIN_GROUP else spread([q for g in qualities for q in g]),
    }


def _teams(results: list[SessionResult], quality: Quality) -> list[dict[str, Any]]:
    """Teams across sessions, matched by name whatever its case. A team's figure in one session is shown
    from five finished there, unless it covers the session's small teams (`covers_small_teams`). Its pooled
    figures by `pooled`, and withheld whenever one of its sessions' figures covers: the pooled figure
    minus its shown sessions would give the covering figure back, and with it the few."""
    teams: dict[str, _Team] = {}
    for r in results:
        for p in r.analysis.players if r.analysis else []:
            team = teams.setdefault(name_key(p.team), _Team(p.team))
            team.players += 1
            if p.ended:
                team.finished.append(p)
                team.by_session.setdefault(r.cohort.code, []).append(p)
    dates = {r.cohort.code: r.cohort.created[:10] for r in results}
    covering = covers_small_teams(
        {code: {name_key(t.name): len(ps) for t in teams.values() if (ps := t.by_session.get(code))} for code in dates}
    )
    out = []
    for t in sorted(teams.values(), key=lambda t: (t.name == NO_TEAM, name_key(t.name))):
        covers = {code for code in t.by_session if (name_key(t.name), code) in covering}
        figures = {"overall": None, "choice_quality": None} if covers else pooled(t.by_session.values(), quality)
        out.append(
            {
                "team": t.name,
                "players": t.players,
                "finished": len(t.finished),
                "suppressed": len(t.finished) < MIN_GROUP,
                **figures,
                "by_session": [
                    {
                        "code": code,
                        "date": dates[code],
                        "finished": len(ps),
                        "mean": round(statistics.fmean(_overall(ps)), 1)
                        if len(ps) >= MIN_GROUP and code not in covers
                        else None,
                    }
                    for code, ps in t.by_session.items()
                ],
            }
        )
    return out


def _overall(players: Iterable[PlayerResult]) -> list[float]:
    return [p.outcome.overall for p in players]


def _by_scenario(results: list[SessionResult]) -> list[tuple[SessionPlay, list[PlayerResult], list[str]]]:
    """Sessions of one scenario (and version) together: the first's analysis, everyone's results, the codes."""
    groups: dict[tuple[str, str], tuple[SessionPlay, list[PlayerResult], list[str]]] = {}
    for r in results:
        if r.analysis is not None:
            key = (r.cohort.scenario_id, r.cohort.content_hash)
            _first, players, codes = groups.setdefault(key, (r.analysis, [], []))
            players += r.analysis.players
            codes.append(r.cohort.code)
    return list(groups.values())


def _divided(results: list[SessionResult]) -> list[dict[str, Any]]:
    """Every decision of the programme's scenarios: the split of all its players' on-time choices, the most
    evenly divided first (a decision whose divergence is withheld comes after those shown).

    Each session's room debrief shows its own split of the same decision: the pooled split keeps back
    whatever would give away what those debriefs withhold (`simgame.cohort.programmecells`)."""
    plays = {r.cohort.code: r.analysis for r in results if r.analysis is not None}
    out = []
    for a, players, codes in _by_scenario(results):
        quality: dict[tuple[str, str], list[float]] = {}
        for p in players:
            for s in p.steps:
                if (q := s.quality) is not None:
                    quality.setdefault((s.scene, s.choice), []).append(q)
        withheld = withheld_by_rooms((plays[c].scenario, plays[c].players) for c in codes)
        for d in decision_stats(a.scenario, players):  # the room debrief's splits, over every session's players
            w = withheld.get(d.scene, Withheld())
            hidden = d.answered < MIN_GROUP
            cells = set() if hidden else pooled_cells({o.choice: o.count for o in d.options}, w)
            # A room withholding the decision whole withholds its expected scores (its players' states):
            # the pooled ones minus the other rooms' would give them back when they are under five.
            states = hidden or 0 < w.whole < MIN_GROUP
            out.append(
                {
                    "scenario_id": a.scenario.id,
                    "scenario_title": a.scenario.title,
                    "sessions": len(codes),
                    "scene": d.scene,
                    "title": d.title,
                    "answered": d.answered,
                    "timed_out": d.timed_out,
                    "suppressed": hidden,
                    "divergence": None if hidden or cells else d.divergence,
                    "options": [
                        {
                            "choice": o.choice,
                            "label": o.label,
                            "practice": a.scenario.choices[o.choice].model.practice,
                            "count": None if hidden or o.choice in cells else o.count,
                            "share": None if hidden or o.choice in cells else round(o.count / d.answered, 3),
                            # where this choice sat between the worst option on the table (0) and the best (100)
                            "quality": None
                            if hidden or o.choice in cells or not (qs := quality.get((d.scene, o.choice)))
                            else round(statistics.fmean(qs), 1),
                            "expected": None if states else o.expected,
                            "is_best": None if states else o.choice == d.best,
                        }
                        for o in d.options
                    ],
                }
            )
    return sorted(out, key=lambda d: (d["divergence"] is None, -(d["divergence"] or 0), -d["answered"]))


def _practices(results: list[SessionResult]) -> list[dict[str, Any]]:
    """Per leadership practice: the quality of the on-time rated choices that exercised it, weakest first.

    Quality is the room debrief's choice quality over those decisions (each weighed by how far apart its
    options were); a practice exercised by fewer than five players is withheld."""
    decisions: dict[str, list[tuple[dict[str, float], str]]] = {p: [] for p in PRACTICES}
    lost: dict[str, list[float]] = {p: [] for p in PRACTICES}
    players: dict[str, set[tuple[str, str]]] = {p: set() for p in PRACTICES}
    sessions: dict[str, set[str]] = {p: set() for p in PRACTICES}
    for r in results:
        if r.analysis is None:
            continue
        choices = r.analysis.scenario.choices
        for p in r.analysis.players:
            for s in p.steps:
                if not s.rated:
                    continue  # timed out, nothing to choose between, or not in the map
                practice: str = choices[s.choice].model.practice
                decisions[practice].append((s.options, s.choice))
                lost[practice].append(max(s.options.values()) - s.options[s.choice])  # `StepResult.given_up`
                players[practice].add((r.cohort.code, p.player.id))
                sessions[practice].add(r.cohort.code)
    out = []
    for practice, label in PRACTICES.items():
        hidden = len(players[practice]) < MIN_GROUP
        out.append(
            {
                "practice": practice,
                "label": label,
                "decisions": len(decisions[practice]),
                "players": len(players[practice]),
                "sessions": len(sessions[practice]),
                "suppressed": hidden,
                "quality": None if hidden else choice_quality(decisions[practice]),
                "given_up": None if hidden or not lost[practice] else round(statistics.fmean(lost[practice]), 2),
            }
        )
    return sorted(out, key=lambda p: (p["quality"] is None, p["quality"] or 0.0, p["practice"]))


def programme_report(name: str, results: list[SessionResult]) -> dict[str, Any]:
    """The programme's report: everything its renderers show, with the room debrief's privacy rules."""
    quality = _memo()
    sessions = [_session(r, quality) for r in sorted(results, key=lambda r: (r.cohort.created, r.cohort.code))]
    done = [p for r in results if r.analysis for p in r.analysis.finished]
    joined = sum(r.joined for r in results)
    return {
        "format": FORMAT,
        "programme": name,
        "min_group": MIN_GROUP,
        "players": {
            "joined": joined,
            "finished": len(done),
            "not_finished": sum(s["not_finished"] or 0 for s in sessions),
            "unread": sum(r.joined for r in results if r.analysis is None),  # in sessions that could not be read
        },
        "suppressed": len(done) < MIN_GROUP,
        **pooled((r.analysis.finished for r in results if r.analysis), quality),
        "sessions": sessions,
        "scenarios": [
            {
                "id": a.scenario.id,
                "title": a.scenario.title,
                "sessions": codes,
                "reference": reference_figures(a.reference, a.unavailable),
            }
            for a, _players, codes in _by_scenario(results)
        ],
        "teams": _teams(results, quality),
        "divided": _divided(results),
        "practices": _practices(results),
    }
