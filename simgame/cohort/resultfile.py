"""Result files: the offline path. A player exports one; the facilitator imports many, idempotently.

A file carries the run's recipe (scenario, content hash, seed, choices), its final
snapshot, the player's events with stable ids, and an HMAC keyed by the join code. On
import the code, the signature, the scenario and the seed are checked and the choices
are replayed against the snapshot: a foreign, edited or damaged file is refused with a
reason. (The signature stops accidents and casual edits; anyone with the join code
could re-sign a file, so treat imported scores as the player's word, like any paper form.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from simgame.cohort.codes import normalise_code
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, Event, make_event, now_iso
from simgame.cohort.progress import fold
from simgame.cohort.referee import EventRefused
from simgame.cohort.store import Cohort, CohortStore, check_name, name_key
from simgame.engine.run import EngineError, Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.format.safefile import SafeReadError, read_capped
from simgame.format.safejson import JSONLimitError, loads_limited

FORMAT = "simgame-cohort-result/1"
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16  # a result file is a few levels deep (events' data are the deepest part)


def _sign(code: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(code.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def stable_id(code: str, name: str, kind: str, step: int) -> str:
    """The same decision exported twice gets the same id, so importing both stores it once."""
    return "x" + hashlib.sha256(f"{code}|{name.lower()}|{kind}|{step}".encode()).hexdigest()[:31]


def build(code: str, name: str, team: str | None, run: Run) -> dict[str, Any]:
    """A signed result file for a finished (or partly played) run."""
    code, name = normalise_code(code), check_name(name)
    events = [e.to_json() for e in run_events(code, name, run)]
    body: dict[str, Any] = {
        "format": FORMAT,
        "cohort": code,
        "player": {"name": name, "team": team or None},
        "scenario_id": run.scenario.id,
        "content_hash": run.scenario.content_hash,
        "seed": run.seed,
        "choices": run.choice_log,
        "snapshot": run.snapshot().to_json(),
        "ended": run.ended,
        "ending": run.ending,
        "events": events,
        "exported": now_iso(),
    }
    return {**body, "signature": _sign(code, body)}


def read(path: Path) -> dict[str, Any]:
    """A result file's data: a regular file of at most 1 MB of limited JSON, else CohortError saying why."""
    try:
        raw = read_capped(path, MAX_BYTES, path.name)
    except SafeReadError as exc:
        if exc.kind == "too-large":
            raise CohortError(f"{path.name}: too large to be a result file") from None
        raise CohortError(f"{path.name}: cannot be read ({exc.message})") from None
    try:
        data = loads_limited(raw, max_depth=MAX_DEPTH)
    except JSONLimitError as exc:
        raise CohortError(f"{path.name}: not a result file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CohortError(f"{path.name}: not a simgame result file")
    return data


def verify(data: dict[str, Any], cohort: Cohort, scenario: Scenario, label: str) -> Run:
    """Check a result file against the cohort; returns the replayed run or raises with the reason."""
    if data.get("cohort") != cohort.code:
        raise CohortError(f"{label}: it belongs to session {data.get('cohort')!s}, not {cohort.code}")
    body = {k: v for k, v in data.items() if k != "signature"}
    signature = data.get("signature")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, _sign(cohort.code, body)):
        raise CohortError(f"{label}: it was changed after it was exported (the signature does not match)")
    if data.get("scenario_id") != scenario.id or data.get("content_hash") != scenario.content_hash:
        raise CohortError(f"{label}: it was played on a different scenario or version than this session's")
    if data.get("seed") != cohort.seed:
        raise CohortError(
            f"{label}: it was played with seed {data.get('seed')}, but this session uses seed {cohort.seed}"
        )
    choices = data.get("choices")
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise CohortError(f"{label}: its choices are damaged")
    try:
        run = Run.replay(scenario, cohort.seed, choices)
    except EngineError:
        raise CohortError(f"{label}: its choices cannot be replayed in this scenario") from None
    if run.snapshot().to_json() != data.get("snapshot"):
        run.close()
        raise CohortError(f"{label}: its final state does not match a replay of its choices")
    return run


def run_events(code: str, name: str, run: Run, player: str = "offline") -> list[Event]:
    """A run's decisions (and its finish) as events with stable ids: the same run always gives the same ids."""
    events = [
        make_event(
            CHOSE,
            player,
            d.index,
            {"choice": d.choice, "scene": d.scene},
            event_id=stable_id(code, name, CHOSE, d.index),
        )
        for d in run.history
    ]
    if run.ended:
        overall = score(run.scenario, run, run.metrics).overall
        events.append(
            make_event(
                FINISHED,
                player,
                len(run.history),
                {"ending": run.ending, "score": overall},
                event_id=stable_id(code, name, FINISHED, len(run.history)),
            )
        )
    return events


class ImportConflict(CohortError):
    """The file's player is already in the session with a different game (the same name, another person)."""


def import_file(store: CohortStore, cohort: Cohort, scenario: Scenario, path: Path) -> tuple[str, int]:
    """Import one file; returns (player name, events newly stored). Importing it again stores nothing.

    Events are rebuilt from the verified replay, never taken from the file as they stand. A player of
    that name (any case) already in the session is the file's player only if their stored choices are
    the start of the file's (their own game, finished offline); otherwise it is an ImportConflict.
    """
    data = read(path)
    run = verify(data, cohort, scenario, path.name)
    try:
        who = data.get("player")
        if not isinstance(who, dict) or not isinstance(who.get("name"), str):
            raise CohortError(f"{path.name}: it names no player")
        team = who.get("team") if isinstance(who.get("team"), str) else None
        name = check_name(who["name"])
        found = next((p for p in store.players(cohort.code) if name_key(p.name) == name_key(name)), None)
        if found is not None:
            stored = fold([found], store.events(cohort.code))[found.id].choice_log()
            if stored != run.choice_log[: len(stored)]:
                pairs = zip(stored, run.choice_log, strict=False)
                differs = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(stored), len(run.choice_log)))
                raise ImportConflict(
                    f"{path.name}: conflict: {found.name} is already in this session and their game differs from "
                    f"this file's from step {differs + 1}; "
                    f"rename one of them (`simgame cohort players {cohort.code} --rename`) and import again"
                )
            player = found
        else:
            player, _ = store.join(cohort.code, name, team, origin="import", allow_closed=True)
        events = run_events(cohort.code, player.name, run, player.id)
    finally:
        run.close()
    try:
        return player.name, store.append(cohort.code, events)
    except EventRefused as exc:
        raise ImportConflict(f"{path.name}: conflict with what the session holds for {player.name}: {exc}") from None
