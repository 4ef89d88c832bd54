"""A seed-specific path search: where the explorer's path (found with seed 0) does not hold.

Breadth-first over runs with the player's seed, deduplicated on the engine snapshot (which,
with the seed, fixes everything that follows), within a node budget so the UI never hangs.
"""

from __future__ import annotations

from collections import deque

from simgame.engine.run import Run
from simgame.format.compiled import Scenario

NODE_BUDGET = 20_000


def _key(run: Run) -> str:
    snap = run.snapshot().to_json()
    return repr(sorted(snap.items()))


def path_to(scenario: Scenario, scene_id: str, seed: int = 0, budget: int = NODE_BUDGET) -> list[str] | None:
    """The shortest list of choice ids from the start to ``scene_id`` (breadth-first), or None."""
    start = Run.start(scenario, seed)
    try:
        if start.scene_id == scene_id:
            return []
        seen = {_key(start)}
    finally:
        start.close()
    queue: deque[list[str]] = deque([[]])
    while queue and len(seen) < budget:
        prefix = queue.popleft()
        run = Run.replay(scenario, seed, prefix)
        options = [] if run.ended else run.available()
        run.close()
        for choice in options:
            nxt = Run.replay(scenario, seed, [*prefix, choice])
            try:
                if nxt.scene_id == scene_id and not nxt.ended:
                    return [*prefix, choice]
                key = _key(nxt)
                if key not in seen and not nxt.ended:
                    seen.add(key)
                    queue.append([*prefix, choice])
            finally:
                nxt.close()
    return None
