"""Reference points and shortcuts for play, on top of :mod:`simgame.analysis.search`.

The best/worst reachable outcomes are computed once per scenario content hash (in memory,
and on disk beside the saves so a later session's debrief is instant). A path to a scene
comes from the same search, made to hold for the player's seed (chance events can divert a
seed elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path

from simgame.analysis import search as engine_explore
from simgame.analysis.search import OutcomeRange
from simgame.format.compiled import Scenario

__all__ = ["OutcomeRange", "clear_cache", "outcome_range", "path_to"]

_RANGES: dict[str, OutcomeRange] = {}
_LOCK = threading.Lock()
CACHE_FILE = "outcome-ranges.json"
RANGE_VERSION = 2  # 2: exhaustive exploration of the shipped scenarios (1 estimated them by random play)


def _disk_get(cache_dir: Path | None, key: str) -> OutcomeRange | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8")).get(key)
        if data is None:
            return None
        return OutcomeRange(
            float(data["best"]),
            float(data["worst"]),
            list(data["best_choices"]),
            list(data["worst_choices"]),
            bool(data["exhaustive"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a missing or damaged cache is only a slower debrief


def _disk_put(cache_dir: Path | None, key: str, value: OutcomeRange) -> None:
    if cache_dir is None:
        return
    from simgame.engine.saves import atomic_write

    path = cache_dir / CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[key] = {
        "best": value.best,
        "worst": value.worst,
        "best_choices": value.best_choices,
        "worst_choices": value.worst_choices,
        "exhaustive": value.exhaustive,
    }
    with contextlib.suppress(OSError):
        atomic_write(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def outcome_range(scenario: Scenario, cache_dir: Path | None = None) -> OutcomeRange:
    """Best and worst overall scores reachable in this scenario (cached per content hash)."""
    key = f"{scenario.content_hash}/{RANGE_VERSION}"
    with _LOCK:
        cached = _RANGES.get(key)
    if cached is None:
        cached = _disk_get(cache_dir, key)
    if cached is None:
        cached = engine_explore.outcome_range(scenario)
        _disk_put(cache_dir, key, cached)
    with _LOCK:
        _RANGES[key] = cached
    return cached


def clear_cache() -> None:
    with _LOCK:
        _RANGES.clear()


def path_to(scenario: Scenario, scene_id: str, seed: int = 0) -> list[str] | None:
    """Choice ids from the start to ``scene_id`` that work with this seed, or None if unreachable."""
    return engine_explore.path_to(scenario, scene_id, seed)
