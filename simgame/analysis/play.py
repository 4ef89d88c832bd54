"""Seeded play without the state machine: random playthroughs, reproducing a path's chance outcomes.

These play the engine's rules (`simgame.engine.rules`) directly. They sample the state space
rather than search it: the one search is the batch explorer (`simgame.analysis.search`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from simgame.engine.rules import Roller, available, choose, seeded_roller, start
from simgame.engine.scoring import score
from simgame.engine.state import EngineError, PlayState
from simgame.format.compiled import Scenario

SEED_SEARCH = 500  # seeds tried to reproduce a path's chance outcomes with a real seed
Rolls = tuple[tuple[str, bool], ...]
Policy = Callable[[list[str], random.Random], str]


def random_play(
    sc: Scenario, seed: int, policy: Policy | None = None, max_turns: int = 500
) -> tuple[PlayState, list[str], str]:
    """One seeded playthrough: the same seed gives the same play as `simgame run --policy random --seed`."""
    rng = random.Random(seed)
    roller = seeded_roller(seed)
    error = ""
    st, _ = start(sc, roller)
    made: list[str] = []
    try:
        while st.ending is None:
            opts = available(sc, st)
            if not opts:
                error = f"no choice is available in scene `{st.scene}`"
                break
            if len(made) >= max_turns:
                error = f"still playing after {max_turns} decisions (a loop with no way out in practice)"
                break
            ids = [c.id for c in opts]
            pick = policy(ids, rng) if policy else rng.choice(ids)
            made.append(pick)
            choose(sc, st, sc.choices[pick], roller)
    except EngineError as exc:
        error = str(exc)
    return st, made, error


def reproduce_seed(sc: Scenario, choices: list[str], rolls: Rolls, tries: int = SEED_SEARCH) -> int | None:
    """A seed under which `Run` makes the same chance outcomes along this path, so it can be re-run."""
    if not rolls:
        return 0
    for seed in range(tries):
        outcomes: list[tuple[str, bool]] = []
        base = seeded_roller(seed)

        def roller(
            st: PlayState, event: object, p: float, base: Roller = base, outcomes: list[tuple[str, bool]] = outcomes
        ) -> float:
            roll = base(st, event, p)  # type: ignore[arg-type]
            outcomes.append((getattr(event, "id", "?"), roll < p))
            return roll

        try:
            st, _ = start(sc, roller)
            for cid in choices:
                if cid not in {c.id for c in available(sc, st)}:
                    break
                choose(sc, st, sc.choices[cid], roller)
            else:
                if tuple(outcomes) == rolls:
                    return seed
        except EngineError:
            if tuple(outcomes) == rolls:
                return seed
    return None


def sampled_range(
    scenario: Scenario, plays: int, seed: int, seconds: float
) -> tuple[float, float, list[str], list[str]] | None:
    """Best and worst scores found by random play improved by local search (for scenarios too large to explore)."""
    results: list[tuple[float, list[str], int]] = []
    for i in range(plays):
        st, made, error = random_play(scenario, seed + i)
        if st.ending is not None and not error:
            results.append((score(scenario, st, st.metrics).overall, made, seed + i))
    if not results:
        return None
    deadline = time.monotonic() + seconds / 2
    top = _improve(scenario, max(results, key=lambda r: r[0]), 1.0, deadline)
    bottom = _improve(scenario, min(results, key=lambda r: r[0]), -1.0, deadline + seconds / 4)
    return top[0], bottom[0], top[1], bottom[1]


def _scored_play(sc: Scenario, seed: int, prefix: list[str], rng: random.Random) -> tuple[float, list[str]] | None:
    """Play ``prefix`` then random choices (drawn from ``rng``) to an ending, with the chance rolls of ``seed``."""
    queue = list(prefix)

    def policy(ids: list[str], _rng: random.Random) -> str:
        return queue.pop(0) if queue and queue[0] in ids else rng.choice(ids)

    st, made, error = random_play(sc, seed, policy)
    if st.ending is None or error or made[: len(prefix)] != prefix:
        return None
    return score(sc, st, st.metrics).overall, made


def _improve(
    sc: Scenario, found: tuple[float, list[str], int], sign: float, deadline: float, rollouts: int = 6
) -> tuple[float, list[str]]:
    """Local search from a random play's path: swap one decision, finish it several ways, keep gains.

    Random play alone rarely finds the best path through a large scenario (the best play is a
    narrow route), so the reference points the debrief shows would be understated without it.
    """
    best, path, seed = found
    rng = random.Random(seed)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for i in range(len(path)):
            if time.monotonic() >= deadline:
                break
            st, _made, _err = random_play(sc, seed, _follow_policy(path[:i]))
            alternatives = [c.id for c in available(sc, st)] if st.ending is None else []
            for alt in alternatives:
                if alt == path[i]:
                    continue
                for _ in range(rollouts):
                    tried = _scored_play(sc, seed, [*path[:i], alt], rng)
                    if tried is not None and sign * tried[0] > sign * best:
                        best, path = tried
                        improved = True
    return best, path


def _follow_policy(prefix: list[str]) -> Policy:
    """A policy that plays ``prefix`` and then stops the run (by raising) so its state can be read."""
    queue = list(prefix)

    def policy(ids: list[str], _rng: random.Random) -> str:
        if queue:
            return queue.pop(0)
        raise _Stop

    return policy


class _Stop(EngineError):
    """Ends a policy-driven play early: the state at that point is what the caller wants."""
