"""A session's xAPI 1.0.3 statements, built from the events the store accepted (the referee replayed each).

What is sent, per player (docs/deployment.md shows an example of each):

- ``initialized`` when they joined;
- ``answered`` for each real decision (a pass-through "Continue" is not one): a ``cmi.interaction``
  of type ``choice`` listing the scene's options, the chosen id as ``result.response``, no correct
  answer, and in ``result.extensions`` the decision's quality and points given up (from the outcome
  map, through :mod:`simgame.cohort.analytics`) and the choice's own metric changes (the engine's);
- ``completed`` for a finished run: the score scaled to [0, 1] with raw/min/max, the duration since
  they joined, and the band, ending, dimension scores and choice quality as extensions.

Every statement has ``context.registration`` (one UUID per playthrough), the scenario as parent,
the session (and the programme, when set) as grouping and simgame's profile as category. The actor
is an ``account`` whose ``name`` is a pseudonymous UUID derived from the player's id: never a name,
team or email. Ids are UUIDv5 of the deployment, session, player, step and kind, so a statement
rebuilt or resent is the same statement and the LRS keeps one copy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from simgame.cohort.analytics import PlayerResult, analyse
from simgame.cohort.events import CHOSE, FINISHED, Event
from simgame.cohort.store import Cohort, CohortStore, Player
from simgame.engine.run import EngineError, Run
from simgame.format.compiled import Scenario

XAPI_VERSION = "1.0.3"
SIMGAME_IRI = "https://w3id.org/simgame/xapi"  # simgame's own IRIs: profile, extensions
PROFILE = f"{SIMGAME_IRI}/profile"
EXT = f"{SIMGAME_IRI}/extensions/"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
GROUP = f"{SIMGAME_IRI}/activities/cohort"
PROGRAMME = f"{SIMGAME_IRI}/activities/programme"
PLATFORM = "simgame"
LANG = "en"

INITIALIZED, ANSWERED, COMPLETED = "initialized", "answered", "completed"
KINDS = (INITIALIZED, ANSWERED, COMPLETED)


@dataclass(frozen=True)
class Deployment:
    """Who is sending: the deployment's IRI (the actors' ``homePage``) and the programme, if any."""

    home_page: str
    programme: str | None = None

    @property
    def namespace(self) -> uuid.UUID:
        """Every derived UUID lives under this deployment: two deployments never share an id."""
        return uuid.uuid5(uuid.NAMESPACE_URL, self.home_page.rstrip("/"))

    def derive(self, *parts: object) -> str:
        return str(uuid.uuid5(self.namespace, "/".join(str(p) for p in parts)))

    @property
    def base(self) -> str:
        return self.home_page.rstrip("/") + "/simgame"


@dataclass(frozen=True)
class Statement:
    """One statement and what the outbox files it under."""

    id: str
    cohort: str
    player: str
    kind: str
    registration: str
    body: dict[str, Any]


def statement_id(d: Deployment, cohort: str, player: str, step: int | str, kind: str) -> str:
    return d.derive("statement", cohort, player, step, kind)


def registration(d: Deployment, cohort: str, player: str) -> str:
    """One UUID per playthrough: a player plays a session's scenario once."""
    return d.derive("registration", cohort, player)


def pseudonym(d: Deployment, cohort: str, player: str) -> str:
    """The actor's account name: derived from the player's id, so it says nothing about the person."""
    return d.derive("actor", cohort, player)


def _part(text: str) -> str:
    return quote(text, safe="-._~")


def scenario_iri(d: Deployment, scenario: Scenario) -> str:
    return f"{d.base}/scenarios/{_part(scenario.id)}/{_part(scenario.doc.version)}"


def scene_iri(d: Deployment, scenario: Scenario, scene: str) -> str:
    return f"{scenario_iri(d, scenario)}/scenes/{_part(scene)}"


def cohort_iri(d: Deployment, code: str) -> str:
    return f"{d.base}/cohorts/{_part(code)}"


def programme_iri(d: Deployment) -> str | None:
    if not d.programme:
        return None
    if "://" in d.programme:
        return d.programme
    return f"{d.base}/programmes/{_part(d.programme)}"


def timestamp(text: str, fallback: str) -> str:
    """An ISO 8601 time with its zone, in UTC; a stored time that is not one falls back (deterministically)."""
    for candidate in (text, fallback):
        try:
            when = datetime.fromisoformat(candidate)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return "1970-01-01T00:00:00.000Z"


def duration(start: str, end: str) -> str:
    """The ISO 8601 duration between two ISO times, to the hundredth (never negative), e.g. ``PT12M34.2S``."""
    elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)  # Python 3.11 reads "Z"
    hundredths = max(0, round(elapsed.total_seconds() * 100))
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{rest / 100:g}S"


def build(store: CohortStore, code: str, scenario: Scenario, d: Deployment) -> list[Statement]:
    """Every statement the session's stored events give, in the order they happened per player."""
    analysis = analyse(store, code, scenario)
    cohort = analysis.cohort
    events = store.events(code)
    out: list[Statement] = []
    for result in analysis.players:
        out += _player_statements(d, cohort, scenario, result, events)
    return out


def _player_statements(
    d: Deployment, cohort: Cohort, scenario: Scenario, result: PlayerResult, events: list[Event]
) -> list[Statement]:
    player = result.player
    mine = [e for e in events if e.player == player.id]
    chosen_at: dict[int, str] = {}
    finished: Event | None = None
    for e in mine:
        if e.kind == CHOSE and e.step is not None:
            chosen_at.setdefault(e.step, e.at)
        elif e.kind == FINISHED and finished is None:
            finished = e
    joined = timestamp(player.joined, player.joined)
    made = [s.choice for s in result.steps]
    try:
        run = Run.replay(scenario, cohort.seed, made, order_key=player.id)
    except EngineError:  # analytics already stopped where the log no longer replays; this cannot differ
        return []
    try:
        history = list(run.history)
    finally:
        run.close()
    out = [_statement(d, cohort, scenario, player, INITIALIZED, "start", _scenario_object(d, scenario), None, joined)]
    for step, decision in zip(result.steps, history, strict=True):
        if scenario.choices[step.choice].synthetic:
            continue
        extensions: dict[str, Any] = {
            EXT + "deltas": {k: round(v, 2) for k, v in sorted(decision.deltas.items())},
            EXT + "step": step.step,
        }
        if step.quality is not None:
            extensions[EXT + "quality"] = step.quality
        if step.given_up is not None:
            extensions[EXT + "points-given-up"] = step.given_up
        if step.timed_out:
            extensions[EXT + "timed-out"] = True
        res = {"response": step.choice, "extensions": extensions}
        when = timestamp(chosen_at.get(step.step, ""), joined)
        obj = _decision_object(d, scenario, step.scene)
        out.append(_statement(d, cohort, scenario, player, ANSWERED, step.step, obj, res, when))
    if finished is not None and result.ended:
        out.append(_completed(d, cohort, scenario, result, finished, joined))
    return out


def _completed(
    d: Deployment, cohort: Cohort, scenario: Scenario, result: PlayerResult, finished: Event, joined: str
) -> Statement:
    outcome = result.outcome
    extensions: dict[str, Any] = {
        EXT + "band": outcome.band,
        EXT + "ending": result.ending,
        EXT + "dimensions": {dim.id: round(dim.score, 1) for dim in outcome.dimensions},
    }
    if outcome.red_lines:
        extensions[EXT + "red-lines"] = [line.id for line in outcome.red_lines]
    if (quality := result.choice_quality) is not None:
        extensions[EXT + "choice-quality"] = quality
    when = timestamp(finished.at, joined)
    res = {
        "completion": True,
        "score": {"scaled": round(outcome.overall / 100, 4), "raw": outcome.overall, "min": 0, "max": 100},
        "duration": duration(joined, when),
        "extensions": extensions,
    }
    obj = _scenario_object(d, scenario)
    step = int(finished.step or 0)
    return _statement(d, cohort, scenario, result.player, COMPLETED, step, obj, res, when)


def _verb(kind: str) -> dict[str, Any]:
    return {"id": ADL_VERBS + kind, "display": {LANG: kind}}


def _scenario_object(d: Deployment, scenario: Scenario) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": scenario_iri(d, scenario),
        "definition": {"type": SIMULATION, "name": {LANG: scenario.title}},
    }


def _decision_object(d: Deployment, scenario: Scenario, scene: str) -> dict[str, Any]:
    options = [c for c in scenario.scene_choices.get(scene, ()) if not c.synthetic]
    return {
        "objectType": "Activity",
        "id": scene_iri(d, scenario, scene),
        "definition": {
            "type": INTERACTION,
            "name": {LANG: scenario.scene(scene).title or scene},
            "interactionType": "choice",
            "choices": [{"id": c.id, "description": {LANG: c.model.label}} for c in options],
        },
    }


def _statement(
    d: Deployment,
    cohort: Cohort,
    scenario: Scenario,
    player: Player,
    kind: str,
    step: int | str,
    obj: dict[str, Any],
    result: dict[str, Any] | None,
    when: str,
) -> Statement:
    reg = registration(d, cohort.code, player.id)
    grouping = [_activity(cohort_iri(d, cohort.code), GROUP, cohort.name)]
    if (programme := programme_iri(d)) is not None:
        grouping.append(_activity(programme, PROGRAMME, d.programme or programme))
    context: dict[str, Any] = {
        "registration": reg,
        "platform": PLATFORM,
        "revision": scenario.doc.version,
        "contextActivities": {
            "parent": [{"objectType": "Activity", "id": scenario_iri(d, scenario)}],
            "grouping": grouping,
            "category": [{"objectType": "Activity", "id": PROFILE}],
        },
    }
    sid = statement_id(d, cohort.code, player.id, step, kind)
    body: dict[str, Any] = {
        "id": sid,
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": d.home_page, "name": pseudonym(d, cohort.code, player.id)},
        },
        "verb": _verb(kind),
        "object": obj,
    }
    if result is not None:
        body["result"] = result
    body["context"] = context
    body["timestamp"] = when
    return Statement(sid, cohort.code, player.id, kind, reg, body)


def _activity(iri: str, kind: str, name: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": iri, "definition": {"type": kind, "name": {LANG: name}}}
