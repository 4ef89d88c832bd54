"""Our own check of a statement against xAPI 1.0.3's rules and the shapes shared/reference/xapi.md asks for.

Ralph accepts loosely formed statements, so acceptance proves little: this checks what it does not.
:func:`problems` returns every rule a statement breaks, in words ([] when it is well formed).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# ISO 8601 durations as xAPI uses them (PnYnMnDTnHnMnS, or weeks alone)
DURATION_RE = re.compile(
    r"^P(?:\d+W|(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)$"
)
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
IRI_RE = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]+$", re.IGNORECASE)
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
TOP = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}


def problems(s: Any) -> list[str]:
    out: list[str] = []
    if not isinstance(s, dict):
        return ["a statement is a JSON object"]
    out += [f"unknown top-level property `{k}`" for k in s if k not in TOP]
    if not isinstance(s.get("id"), str) or not UUID_RE.match(s["id"]):
        out.append("id is not a lower-case UUID")
    if "version" in s and s["version"] != "1.0.0":
        out.append("a provider should not set version (and if it does, it must be 1.0.0)")
    out += _actor(s.get("actor"))
    verb = s.get("verb")
    if not isinstance(verb, dict) or not _iri(verb.get("id")):
        out.append("verb.id is not an IRI")
    elif not _language_map(verb.get("display", {})):
        out.append("verb.display is not a language map")
    out += _object(s.get("object"))
    out += _result(s.get("result"), verb.get("id") if isinstance(verb, dict) else None)
    out += _context(s.get("context"))
    if not isinstance(s.get("timestamp"), str) or not _timestamp(s["timestamp"]):
        out.append("timestamp is not an ISO 8601 time with a time zone")
    if isinstance(verb, dict) and verb.get("id") == ANSWERED:
        out += _answered(s)
    if isinstance(verb, dict) and verb.get("id") == COMPLETED:
        out += _completed(s)
    return out


def _iri(value: Any) -> bool:
    return isinstance(value, str) and bool(IRI_RE.match(value))


def _language_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _timestamp(text: str) -> bool:
    if not TIMESTAMP_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _actor(actor: Any) -> list[str]:
    if not isinstance(actor, dict) or actor.get("objectType", "Agent") != "Agent":
        return ["actor is not an Agent"]
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    out = [] if ifis == ["account"] else ["the actor must be identified by an account only (no email, no openid)"]
    account = actor.get("account")
    if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
        return [*out, "actor.account needs exactly homePage and name"]
    if not _iri(account["homePage"]) or not str(account["homePage"]).startswith(("http://", "https://")):
        out.append("actor.account.homePage is not a web IRI")
    if not isinstance(account["name"], str) or not UUID_RE.match(account["name"]):
        out.append("actor.account.name is not a pseudonymous id")
    if "name" in actor:
        out.append("the actor carries a name: players are pseudonymous")
    return out


def _object(obj: Any) -> list[str]:
    if not isinstance(obj, dict) or obj.get("objectType", "Activity") != "Activity" or not _iri(obj.get("id")):
        return ["object is not an Activity with an IRI id"]
    definition = obj.get("definition", {})
    if not isinstance(definition, dict):
        return ["object.definition is not an object"]
    out = []
    if "type" in definition and not _iri(definition["type"]):
        out.append("object.definition.type is not an IRI")
    for key in ("name", "description"):
        if key in definition and not _language_map(definition[key]):
            out.append(f"object.definition.{key} is not a language map")
    return out


def _result(result: Any, verb: Any) -> list[str]:
    if result is None:
        return []
    if not isinstance(result, dict):
        return ["result is not an object"]
    out = []
    score = result.get("score")
    if score is not None:
        scaled = score.get("scaled")
        if scaled is not None and (
            isinstance(scaled, bool) or not isinstance(scaled, int | float) or not -1 <= scaled <= 1
        ):
            out.append("result.score.scaled must be a number from -1 to 1")
        lo, hi, raw = score.get("min"), score.get("max"), score.get("raw")
        if lo is not None and hi is not None and not lo < hi:
            out.append("result.score.min must be below max")
        if raw is not None and ((lo is not None and raw < lo) or (hi is not None and raw > hi)):
            out.append("result.score.raw must lie between min and max")
    if "duration" in result and (not isinstance(result["duration"], str) or not DURATION_RE.match(result["duration"])):
        out.append("result.duration is not an ISO 8601 duration")
    for key in result.get("extensions", {}):
        if not _iri(key):
            out.append(f"result extension `{key}` is not an IRI")
    return out


def _context(context: Any) -> list[str]:
    if not isinstance(context, dict):
        return ["context is missing"]
    out = []
    reg = context.get("registration")
    if not isinstance(reg, str) or not UUID_RE.match(reg) or str(uuid.UUID(reg)) != reg:
        out.append("context.registration is not a UUID")
    activities = context.get("contextActivities", {})
    for key in ("parent", "grouping", "category"):
        found = activities.get(key)
        if not isinstance(found, list) or not found or not all(_iri(a.get("id")) for a in found):
            out.append(f"context.contextActivities.{key} must list activities with IRI ids")
    for key in context.get("extensions", {}):
        if not _iri(key):
            out.append(f"context extension `{key}` is not an IRI")
    return out


def _answered(s: dict[str, Any]) -> list[str]:
    out = []
    definition = s["object"].get("definition", {})
    if definition.get("type") != INTERACTION or definition.get("interactionType") != "choice":
        out.append("a decision is a cmi.interaction of interactionType choice")
    choices = definition.get("choices")
    if not isinstance(choices, list) or not choices:
        out.append("a choice interaction lists its choices")
        choices = []
    ids = [c.get("id") for c in choices]
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i and not re.search(r"\s", i) for i in ids):
        out.append("choice ids must be distinct strings without spaces")
    if not all(_language_map(c.get("description")) for c in choices):
        out.append("each choice has a description language map")
    if "correctResponsesPattern" in definition:
        out.append("a leadership decision has no correct response pattern")
    result = s.get("result", {})
    if "success" in result:
        out.append("a leadership decision has no success")
    if result.get("response") not in ids:
        out.append("result.response must be one of the choices' ids")
    return out


def _completed(s: dict[str, Any]) -> list[str]:
    out = []
    if s["object"].get("definition", {}).get("type") != SIMULATION:
        out.append("a completed run's object is the scenario, of type simulation")
    result = s.get("result", {})
    if result.get("completion") is not True:
        out.append("a completed run has result.completion true")
    score = result.get("score", {})
    if not all(k in score for k in ("scaled", "raw", "min", "max")):
        out.append("a completed run carries scaled, raw, min and max")
    if "duration" not in result:
        out.append("a completed run carries its duration")
    return out
