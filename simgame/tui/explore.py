"""Reference points for play: the outcome map's figures.

The debrief's best and worst reachable outcomes and each decision's cost come from the
scenario's outcome map (`simgame.analysis.outcomes`), built once per content hash in another,
memory-capped process and shared by every process on the machine: the game never explores the
state space itself (an import contract in pyproject.toml keeps numpy and the explorer out).
"""

from __future__ import annotations

from pathlib import Path

from simgame.analysis.outcomes import cache
from simgame.analysis.outcomes.mapfile import OutcomeMap
from simgame.analysis.outcomes.reference import RunReference, review
from simgame.analysis.ranges import OutcomeRange
from simgame.format.compiled import Scenario

__all__ = ["OutcomeRange", "ReferenceUnavailable", "clear_cache", "outcome_range", "run_reference"]


class ReferenceUnavailable(Exception):
    """The scenario has no outcome map; the message says why, for the player."""


def outcome_map(scenario: Scenario, maps: Path | None = None) -> OutcomeMap:
    """The scenario's outcome map, built in another process on first use (this call then waits)."""
    from simgame.settings import load_settings

    settings = load_settings()
    found = cache.ensure_map(maps or settings.maps_dir, scenario, settings.map_memory_mb)
    if isinstance(found, cache.Unavailable):
        raise ReferenceUnavailable(found.reason)
    return found


def outcome_range(scenario: Scenario, maps: Path | None = None) -> OutcomeRange:
    """Best and worst overall scores reachable in this scenario, from its outcome map."""
    start = outcome_map(scenario, maps).start
    if start.best is None or start.worst is None:
        raise ReferenceUnavailable("no ending can be reached from the start")
    return OutcomeRange(start.best, start.worst, [], [], True)


def run_reference(
    scenario: Scenario, seed: int, choices: list[str], fixture: str | None = None, maps: Path | None = None
) -> RunReference:
    """A run's decisions measured against the outcome map: what each gave up against the best option."""
    return review(outcome_map(scenario, maps), scenario, seed, choices, fixture)


def clear_cache() -> None:
    """Close the maps this process opened (tests)."""
    cache.forget()
