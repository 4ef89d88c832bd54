"""The order a scene's options are shown in: shuffled per run, so a position carries no meaning.

If every run listed a scene's options as authored, "always press 1" would be a strategy.
Each option instead gets a sort key hashed from where and when it is shown: the run's seed,
whose order it is (a cohort player's id; empty for solo play), the scene, how many times it
has been visited and the turn. Nothing here draws from a shared random generator, so
replaying (scenario, seed, choice log) shows the same order again: resume, rewind, replay
and transcripts agree. Each option's key is its own, so locking or unlocking one option
never reorders the others.

An author pins a scene whose order means something (a scale from cautious to bold) with
``order: authored``. Choice ids stay the only identity; only `Option.number` follows the order.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from simgame.engine import rules
from simgame.engine.state import Option, PlayState
from simgame.format.compiled import Scenario

SHUFFLED = "shuffled"
AUTHORED = "authored"


def sort_key(seed: int, order_key: str, scene_id: str, visits: int, turn: int, choice_id: str) -> bytes:
    """A stable key for one option at one moment (blake2b: the same on every machine and Python)."""
    text = f"{seed}|{order_key}|{scene_id}|{visits}|{turn}|{choice_id}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def is_pinned(sc: Scenario, scene_id: str) -> bool:
    """The author fixed this scene's order (`order: authored`); endings have no options to order."""
    scene = sc.doc.scenes.get(scene_id)
    return scene is None or scene.order == AUTHORED


def arrange(sc: Scenario, st: PlayState, seed: int, ids: list[str], order_key: str = "") -> list[str]:
    """``ids`` (choices of the current scene) in the order the player sees them at this state."""
    if len(ids) < 2 or is_pinned(sc, st.scene):
        return list(ids)
    visits, turn = st.visits(st.scene), st.turn
    return sorted(ids, key=lambda cid: sort_key(seed, order_key, st.scene, visits, turn, cid))


def shown(sc: Scenario, st: PlayState, seed: int, order_key: str = "") -> list[Option]:
    """`rules.options` (available and explained locked ones) in display order, numbered 1..n by position."""
    by_id = {o.id: o for o in rules.options(sc, st)}
    ordered = arrange(sc, st, seed, list(by_id), order_key)
    return [by_id[cid] if by_id[cid].number == n else replace(by_id[cid], number=n) for n, cid in enumerate(ordered, 1)]


def shown_ids(sc: Scenario, st: PlayState, seed: int, order_key: str = "") -> tuple[str, ...]:
    """Just the ids of `shown`, for the record each decision keeps (cheaper: no renumbered copies)."""
    return tuple(arrange(sc, st, seed, [o.id for o in rules.options(sc, st)], order_key))


def available(sc: Scenario, st: PlayState, seed: int, order_key: str = "") -> list[str]:
    """The ids the player may take now, in display order (what `--policy first` reads)."""
    return arrange(sc, st, seed, [c.id for c in rules.available(sc, st)], order_key)
