"""What an ending needs from chance, along one path of choices: exact odds and the rolls that matter.

`simgame explore` shows, for each ending, its shortest path and "needs drift fires". Listing
every roll on that one path overstated what the ending needs and multiplied their odds (0.18
shown where 0.3 was true). Here every chance outcome along the choices is enumerated, so the
probability is the exact chance those choices end there, and a roll is named only when every way
of reaching the ending has it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from simgame.engine.rules import Roller, available, choose, start
from simgame.engine.state import EngineError, PlayState
from simgame.format.compiled import CompiledEvent, Scenario

MAX_LEAVES = 4096  # 12 independent rolls; a path with more is summarised from what was enumerated


@dataclass(frozen=True)
class EndingOdds:
    probability: float  # the chance these choices end at the ending, every roll weighted
    needs: tuple[tuple[str, bool], ...]  # (event, fires?) common to every way of getting there
    complete: bool  # False when the path had more rolls than MAX_LEAVES allows


class _Scripted:
    """A roller that plays a script of outcomes, then fires every further roll, noting each one."""

    def __init__(self, script: tuple[bool, ...]) -> None:
        self.script = script
        self.seen: list[tuple[str, float, bool]] = []  # ("event at scene", p, fired)

    def __call__(self, st: PlayState, event: CompiledEvent, p: float) -> float:
        i = len(self.seen)
        fired = self.script[i] if i < len(self.script) else True
        self.seen.append((f"{event.id} (at {st.scene})", p, fired))
        return 0.0 if fired else 1.0  # the engine fires when roll < p, and calls only for 0 < p < 1


def ending_odds(sc: Scenario, choices: list[str], ending: str) -> EndingOdds:
    total = 0.0
    reached: list[dict[str, bool]] = []
    scripts: list[tuple[bool, ...]] = [()]
    leaves = 0
    while scripts and leaves < MAX_LEAVES:
        roller = _Scripted(scripts.pop())
        leaves += 1
        end = _play(sc, choices, roller)
        seen = roller.seen
        for i in range(len(roller.script), len(seen)):  # each roll not yet scripted: its other outcome too
            scripts.append((*(f for _, _, f in seen[:i]), not seen[i][2]))
        if end != ending:
            continue
        weight = 1.0
        for _, p, fired in seen:
            weight *= p if fired else 1.0 - p
        total += weight
        outcome: dict[str, bool] = {}
        for event, _, fired in seen:
            outcome.setdefault(event, fired)
        reached.append(outcome)
    needs: tuple[tuple[str, bool], ...] = ()
    if reached:
        common = set(reached[0].items())
        for outcome in reached[1:]:
            common &= set(outcome.items())
        order = list(reached[0])
        needs = tuple(sorted(common, key=lambda kv: order.index(kv[0])))
    return EndingOdds(round(total, 6), needs, not scripts)


def _play(sc: Scenario, choices: list[str], roller: Roller) -> str | None:
    try:
        st, _ = start(sc, roller)
        for cid in choices:
            if cid not in {c.id for c in available(sc, st)}:
                return None
            choose(sc, st, sc.choices[cid], roller)
    except EngineError:
        return None
    return st.ending
