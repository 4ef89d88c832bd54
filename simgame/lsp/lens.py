"""Outcome figures above each scene, read from the scenario's outcome map when one was built for this version.

The server never explores: `simgame explore FILE` (or `validate --strict`) builds the map in its
own process. Here the map is only read. Each scene's figures are those where play first arrives
at it on a short walk from the start under seed 0 (the engine's rules, a bounded breadth-first
walk): the best and worst final score still reachable, and each option's expected final score
under best play afterwards.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from simgame.analysis.outcomes.cache import open_map
from simgame.analysis.outcomes.mapfile import OutcomeMap, StateOutcomes
from simgame.engine.rules import available, choose, seeded_roller, start
from simgame.engine.state import EngineError, PlayState
from simgame.format.compiled import Scenario

WALK_LIMIT = 4_000  # states a walk may expand: far beyond the scenes of any scenario, well under a second
SEED = 0


@dataclass(frozen=True)
class SceneFigures:
    scene: str
    outcomes: StateOutcomes | None  # None: the walk did not reach it, or the map lacks that state

    def title(self) -> str:
        """One line for the lens."""
        o = self.outcomes
        if o is None:
            return "outcome map: not reached on a short walk from the start; `simgame explore` reports every state"
        options = sorted(o.options.items(), key=lambda kv: -kv[1])
        top = o.value
        shown = ", ".join(
            f"{c} {v:.1f}" + (" (best)" if top is not None and v >= top - 0.005 else "") for c, v in options
        )
        reach = f"reachable {_num(o.worst)} to {_num(o.best)}"
        return f"on arrival: {reach}" + (f"; expected with best play after: {shown}" if shown else "")

    def detail(self) -> str:
        """Several lines, for the command the lens runs."""
        o = self.outcomes
        if o is None:
            return f"Scene `{self.scene}`: {self.title()}."
        lines = [
            f"Scene `{self.scene}`, where play first arrives (seed {SEED}):",
            f"  best final score still reachable: {_num(o.best)}",
            f"  worst final score still reachable: {_num(o.worst)}",
        ]
        for choice, value in sorted(o.options.items(), key=lambda kv: -kv[1]):
            lost = o.given_up(choice)
            cost = f", gives up {lost:.1f}" if lost else ", the best option here"
            lines.append(f"  {choice}: expected {value:.1f} with best play after{cost}")
        return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def missing_map_title(path: str) -> str:
    return f"run `simgame explore {path}` to see figures"


def find_map(maps: Path, scenario: Scenario) -> OutcomeMap | None:
    """The outcome map built for exactly this content, if any (it is never built here)."""
    return open_map(maps, scenario)


def first_arrivals(sc: Scenario, limit: int = WALK_LIMIT) -> dict[str, PlayState]:
    """The first state at each scene on a breadth-first walk from the start, all choices, seed 0."""
    roller = seeded_roller(SEED)
    try:
        first = start(sc, roller)[0]
    except EngineError:
        return {}
    found: dict[str, PlayState] = {}
    queue: deque[PlayState] = deque([first])
    expanded = 0
    while queue and expanded < limit:
        st = queue.popleft()
        expanded += 1
        if st.ending is not None or st.scene in found:
            continue
        found[st.scene] = st
        for choice in available(sc, st):
            nxt = st.copy()
            try:
                choose(sc, nxt, choice, roller)
            except EngineError:
                continue
            if nxt.ending is None and nxt.scene not in found:
                queue.append(nxt)
    return found


def figures(sc: Scenario, omap: OutcomeMap) -> dict[str, SceneFigures]:
    """Figures for every scene of the scenario (those the walk does not reach say so)."""
    arrivals = first_arrivals(sc)
    out = {}
    for scene_id in sc.doc.scenes:
        st = arrivals.get(scene_id)
        out[scene_id] = SceneFigures(scene_id, omap.at(st) if st is not None else None)
    return out
