"""What the projector on the wall shows, as data: computed from the store, never from a player's screen.

Only aggregates reach it. Names never do: who has answered is a count. A split is shown once
the facilitator has revealed it (lockstep) and at least five answered in that scene; inside it,
an option chosen by fewer than five is withheld (`simgame.cohort.cells`). The debrief part is
the room debrief's own data (`simgame.cohort.summary`), so the wall and the report agree.
Every string here is plain text: the page writes it with ``textContent``, never as markup.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from simgame.cohort.analytics import where_now
from simgame.cohort.cells import hidden_cells
from simgame.cohort.events import CHOSE, Event
from simgame.cohort.progress import PlayerProgress, fold
from simgame.cohort.referee import decision_of
from simgame.cohort.room import MIN_GROUP, decision_split
from simgame.cohort.store import LOCKSTEP, Cohort, CohortStore
from simgame.format.compiled import Scenario

LOBBY, DECISION, DEBRIEF = "lobby", "decision", "debrief"
VIEWS = ("auto", LOBBY, DECISION, DEBRIEF)
Report = Callable[[], dict[str, Any]]


def join_url(bind: str, port: int, code: str, public_hosts: list[str] | tuple[str, ...] = ()) -> str:
    """The address players type or scan: a configured public name, else the address the hub listens on,
    else (listening on every interface) this machine's address on the network it routes through."""
    host = next((h for h in public_hosts if h), "")
    if "://" in host:
        host = host.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    if not host:
        host = bind if bind not in ("0.0.0.0", "::", "") else lan_address()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/?code={quote(code)}"


def lan_address() -> str:
    """This machine's address towards the network (a UDP socket is connected, nothing is sent)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere, only the route is looked up
        return str(s.getsockname()[0])
    return socket.gethostname()


@dataclass
class ProjectorCache:
    """Scores of choice logs already replayed, and the debrief for the log as it last was."""

    where: dict[tuple[str, ...], tuple[str, float] | None] = field(default_factory=dict)
    debrief_at: tuple[int, int] = (-1, -1)
    debrief: dict[str, Any] | None = None


def _scene_title(scenario: Scenario, scene: str) -> str:
    return scenario.scene(scene).title or scene if scene in scenario.doc.scenes else scene


def _default_focus(cohort: Cohort, events: list[Event], players: set[str]) -> int:
    """Lockstep: the decision open now. Free play: the furthest decision at least five have answered."""
    if cohort.pace == LOCKSTEP:
        return max(0, cohort.open_step - 1)
    answered: dict[int, set[str]] = {}
    for e in events:
        if e.kind == CHOSE and e.player in players and (n := decision_of(e)) is not None:
            answered.setdefault(n, set()).add(e.player)
    enough = [n for n, who in answered.items() if len(who) >= MIN_GROUP]
    return max(enough, default=0)


def _scenes_at(
    scenario: Scenario,
    cohort: Cohort,
    progress: dict[str, PlayerProgress],
    split: dict[str, dict[str, int]],
    focus: int,
    cache: ProjectorCache,
) -> list[str]:
    """Scenes where decision ``focus`` is being made: where someone answered it, or where a player waits on it."""
    scenes = list(split)
    for prog in progress.values():
        if prog.finished or prog.answered != focus:
            continue
        key = tuple(prog.choice_log())
        if key not in cache.where:
            cache.where[key] = where_now(scenario, cohort.seed, list(key))
        found = cache.where[key]
        if found is not None and found[0] in scenario.doc.scenes and found[0] not in scenes:
            scenes.append(found[0])
    return sorted(scenes, key=lambda s: (-sum(split.get(s, {}).values()), s))


def _scene_block(scenario: Scenario, scene: str, counts: dict[str, int], show: bool) -> dict[str, Any]:
    answered = sum(counts.values())
    visible = show and answered >= MIN_GROUP
    authored = [c.id for c in scenario.scene(scene).choices]
    table = {c: counts.get(c, 0) for c in authored}
    hidden = hidden_cells(table) if visible else set(authored)
    if not show:
        note = "The split is shown when the facilitator reveals it."
    elif not visible:
        note = f"Fewer than {MIN_GROUP} answered here: the split stays private."
    elif hidden:
        note = f"An option chosen by fewer than {MIN_GROUP} shows no share."
    else:
        note = ""
    return {
        "title": _scene_title(scenario, scene),
        "answered": answered,
        "shown": visible,
        "note": note,
        "options": [
            {
                "label": scenario.choices[c].model.label,
                "share": None if c in hidden or not answered else round(table[c] / answered, 3),
            }
            for c in authored
        ],
    }


def room_state(
    store: CohortStore,
    code: str,
    scenario: Scenario,
    cache: ProjectorCache,
    report: Report,
    view: str = "auto",
    focus: int | None = None,
) -> dict[str, Any]:
    """Everything the wall shows now. ``report`` makes the room debrief's data (called only when the log
    has changed since the last one); ``view`` forces a part, ``focus`` a decision (0-based)."""
    cohort = store.cohort(code)
    events = store.events(code)
    progress = fold(store.players(code), events)
    playing = set(progress)
    finished = sum(p.finished for p in progress.values())
    if focus is None:
        focus = _default_focus(cohort, events, playing)
    top = max((p.answered for p in progress.values()), default=0)
    focus = max(0, min(focus, top))
    split = decision_split(events, focus, playing)
    revealed = cohort.pace != LOCKSTEP or cohort.revealed_step >= focus
    scenes = _scenes_at(scenario, cohort, progress, split, focus, cache)
    answered = sum(sum(c.values()) for c in split.values())
    late = sum(1 for p in progress.values() if focus in p.timed_out_decisions)
    reached = sum(1 for p in progress.values() if p.answered >= focus and not (p.finished and p.answered == focus))
    if view not in VIEWS or view == "auto":
        if not cohort.is_open or (progress and finished == len(progress)):
            view = DEBRIEF
        elif (cohort.pace == LOCKSTEP and cohort.open_step == 0) or not any(e.kind == CHOSE for e in events):
            view = LOBBY
        else:
            view = DECISION
    seq = events[-1].seq if events else 0
    stale = cache.debrief is None or not cache.debrief["best_outcome"]["exact"]  # the map may be built since
    if view == DEBRIEF and (cache.debrief_at != (seq, len(progress)) or stale):
        cache.debrief, cache.debrief_at = report(), (seq, len(progress))
    return {
        "session": {
            "name": cohort.name,
            "scenario": scenario.title,
            "pace": cohort.pace,
            "closed": not cohort.is_open,
            "paused": cohort.paused,
        },
        "view": view,
        "joined": len(progress),
        "finished": finished,
        "min_group": MIN_GROUP,
        "decision": {
            "number": focus + 1,
            "last": top + 1,
            "answered": answered,
            "waiting": max(0, reached - answered - late),
            "timed_out": late,
            "revealed": revealed,
            "open": cohort.pace != LOCKSTEP or focus < cohort.open_step,
            "scenes": [_scene_block(scenario, s, split.get(s, {}), revealed) for s in scenes],
        },
        "debrief": _debrief(cache.debrief) if view == DEBRIEF and cache.debrief is not None else None,
    }


def _debrief(report: dict[str, Any]) -> dict[str, Any]:
    """The parts of the room debrief the wall shows: the hot wash and the room's outcomes, all aggregates."""
    overall = report["scores"]["overall"]
    return {
        "suppressed": report["suppressed"],
        "finished": report["players"]["finished"],
        "hot_wash": [
            {"stage": s["stage"], "minutes": s["minutes"], "prompts": s["prompts"]} for s in report["hot_wash"]
        ],
        "prompts": [x["prompt"] for x in report["instructive"][:1] + report["discussion"][:1]],  # two fit on a wall
        "endings": [{"title": e["title"], "tone": e["tone"], "count": e["count"]} for e in report["endings"] or []],
        "histogram": report["scores"]["histogram"],
        "mean": None if overall is None else overall["mean"],
    }
