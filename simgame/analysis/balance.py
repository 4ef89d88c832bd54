"""Balance checks: can a habit win where judgement should (SG7xx warnings)?

A scenario teaches only if its score rewards judgement. These checks play simple habits
(always the first or last option shown, the longest or shortest label, the most cautious
option) over many seeds on the engine's rules, in the order each run shows its options
(`simgame.engine.order`), and read the scenario's outcome map for what best play does and what
each decision is worth. Each finding is a warning with a code documented in docs/diagnostics.md
and a command that shows it again.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from simgame.analysis import personas
from simgame.analysis.outcomes.mapfile import OutcomeMap
from simgame.engine import order, rules
from simgame.engine.scoring import Outcome, score
from simgame.engine.state import EngineError
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic, make

PLAYS = 100  # seeds each habit is played with: enough that 5 points is a tell, not noise
TELL_POINTS = 5.0  # a habit beating random play by more than this is a tell
TOP_SHARE = 0.25  # a habit landing in the top band this often "reaches" it...
HABIT_MARGIN = 0.15  # ...if that is also this much more often than random play does
FLAT_POINTS = 1.0  # options closer than this in expected final score barely differ
MAX_STEPS = 500
HABITS = ("first", "last", "longest", "shortest", "cautious")


def _label(sc: Scenario, cid: str) -> int:
    return len(" ".join(sc.choices[cid].model.label.split()))


def _cautious(sc: Scenario, shown: list[str], rng: random.Random) -> str:
    persona = next(p for p in personas.PERSONAS if p.id == "risk-averse")
    picked = personas.pick(persona, sc, [sc.choices[c] for c in shown], personas.metric_weights(persona, sc), rng)
    return picked.id


def habit_pick(sc: Scenario, policy: str, shown: list[str], rng: random.Random) -> str:
    """The option a habit takes among ``shown`` (display order); `simgame run --policy` uses the same.

    `random` draws from the ids in file order, so a seed's random play is the same whatever the
    display order (`simgame explore` reports it by seed too).
    """
    if policy == "first":
        return shown[0]
    if policy == "last":
        return shown[-1]
    if policy == "longest":
        return max(shown, key=lambda c: _label(sc, c))
    if policy == "shortest":
        return min(shown, key=lambda c: _label(sc, c))
    if policy == "cautious":
        return _cautious(sc, shown, rng)
    return rng.choice(sorted(shown, key=lambda c: sc.choices[c].index))


def play(sc: Scenario, policy: str, seed: int) -> tuple[Outcome, list[str]] | None:
    """One seeded play by a habit, as `simgame run SCENARIO --policy POLICY --seed SEED` plays it."""
    rng = random.Random(seed)
    roller = rules.seeded_roller(seed)
    choices: list[str] = []
    try:
        st, _ = rules.start(sc, roller)
        while st.ending is None and len(choices) < MAX_STEPS:
            shown = order.available(sc, st, seed)
            if not shown:
                return None
            cid = habit_pick(sc, policy, shown, rng)
            choices.append(cid)
            rules.choose(sc, st, sc.choices[cid], roller)
    except EngineError:
        return None
    if st.ending is None:
        return None
    return score(sc, st, st.metrics), choices


@dataclass
class HabitResult:
    policy: str
    scores: list[float] = field(default_factory=list)
    top: int = 0  # plays in the top band
    red_line_high: list[int] = field(default_factory=list)  # seeds that crossed a red line yet scored in the top two

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else math.nan


def habits(sc: Scenario, plays: int = PLAYS, seed: int = 0) -> dict[str, HabitResult]:
    bands = [b.id for b in sc.doc.debrief.bands]
    top_two = set(bands[:2]) if len(bands) >= 3 else set(bands[:1])
    out: dict[str, HabitResult] = {}
    for policy in ("random", *HABITS):
        result = HabitResult(policy)
        for s in range(seed, seed + plays):
            found = play(sc, policy, s)
            if found is None:
                continue
            outcome, _ = found
            result.scores.append(outcome.overall)
            result.top += outcome.band == bands[0]
            if outcome.red_lines and outcome.band in top_two:
                result.red_line_high.append(s)
        out[policy] = result
    return out


@dataclass
class Positions:
    """Where the single best option sat, over the decisions best play meets."""

    decisions: int = 0
    at_position: dict[int, int] = field(default_factory=dict)  # 1-based display position -> decisions
    chance_first: float = 0.0  # expected count at any one position if order meant nothing (sum of 1/k)
    longest: int = 0  # decisions where the best option has the longest label
    chance_longest: float = 0.0


def best_positions(sc: Scenario, outcomes: OutcomeMap, plays: int = PLAYS, seed: int = 0) -> Positions:
    pos = Positions()
    for s in range(seed, seed + plays):
        roller = rules.seeded_roller(s)
        try:
            st, _ = rules.start(sc, roller)
            for _ in range(MAX_STEPS):
                if st.ending is None:
                    here = outcomes.at(st)
                    if here is None or not here.options:
                        break
                    shown = order.available(sc, st, s)
                    best = here.best_choices()
                    if len(shown) >= 2 and len(best) == 1:
                        pos.decisions += 1
                        at = shown.index(best[0]) + 1
                        pos.at_position[at] = pos.at_position.get(at, 0) + 1
                        pos.chance_first += 1 / len(shown)
                        lengths = sorted((_label(sc, c) for c in shown), reverse=True)
                        if _label(sc, best[0]) == lengths[0] and lengths[0] > lengths[1]:
                            pos.longest += 1
                        pos.chance_longest += 1 / len(shown)
                    rules.choose(sc, st, sc.choices[best[0]], roller)
                else:
                    break
        except EngineError:
            continue
    return pos


def _above_chance(count: int, n: int, expected: float) -> bool:
    """More than half the decisions, and clearly more than chance (two standard deviations)."""
    if n < 4 or count <= n / 2:
        return False
    p = expected / n
    return count > expected + 2 * math.sqrt(n * p * (1 - p))


def _read_flags_and_choices(sc: Scenario) -> tuple[set[str], set[str]]:
    from simgame.analysis.keys import all_expressions

    flags: set[str] = set()
    choices: set[str] = set()
    for node in all_expressions(sc):
        names, _scenes, chosen = expr.names_used(node)
        flags |= names - set(sc.doc.metrics)
        choices |= chosen
    return flags, choices


@dataclass(frozen=True)
class Imbalance:
    """One balance warning: what a habit achieves, how to fix it, and the command that shows it."""

    code: str
    message: str
    fix: str
    rerun: str
    where: tuple[str, str] | None = None  # ("scenes" | "endings", id) when it belongs to one place

    def diagnostic(self, sc: Scenario) -> Diagnostic:
        hint = f"{self.fix}; see it with `{self.rerun}`"
        if self.where is not None:
            return sc.smap.diag(self.code, self.message, self.where, key=True, hint=hint)
        return make(self.code, self.message, file=sc.smap.file, hint=hint)


def findings(
    sc: Scenario, outcomes: OutcomeMap | None, plays: int = PLAYS, seed: int = 0, name: str = ""
) -> list[Diagnostic]:
    """Every balance warning for the scenario as located diagnostics (`simgame validate --strict`)."""
    return [b.diagnostic(sc) for b in check(sc, outcomes, plays, seed, name)]


def check(
    sc: Scenario, outcomes: OutcomeMap | None, plays: int = PLAYS, seed: int = 0, name: str = ""
) -> list[Imbalance]:
    """Every balance warning for the scenario (``name``: how to name it in re-run commands)."""
    name = name or sc.id
    out: list[Imbalance] = []

    def warn(code: str, message: str, fix: str, rerun: str, where: tuple[str, str] | None = None) -> None:
        out.append(Imbalance(code, message, fix, rerun, where))

    def run_cmd(policy: str, at: int = seed) -> str:
        return f"simgame run {name} --policy {policy} --seed {at}"

    results = habits(sc, plays, seed)
    rand = results["random"].mean
    bands = sc.doc.debrief.bands
    for policy in ("first", "last"):
        gap = results[policy].mean - rand
        if abs(gap) > TELL_POINTS:
            warn(
                "SG700",
                f"always taking the {policy} option shown scores {results[policy].mean:.1f} on average over "
                f"{plays} seeds, {abs(gap):.1f} points {'above' if gap > 0 else 'below'} random play ({rand:.1f}): "
                "where an option is shown tells players something",
                "shuffle the scenes (remove `order: authored`) or rebalance their options",
                run_cmd(policy),
            )
    for policy in ("longest", "shortest"):
        gap = results[policy].mean - rand
        if gap > TELL_POINTS:
            warn(
                "SG701",
                f"always taking the {policy} label scores {results[policy].mean:.1f} on average over {plays} "
                f"seeds, {gap:.1f} points above random play ({rand:.1f}): label length gives the answer away",
                "write the options to similar lengths, the tempting ones argued as well as the right one",
                run_cmd(policy),
            )
    by_chance = results["random"].top / max(1, len(results["random"].scores))
    for policy in HABITS:
        r = results[policy]
        share = r.top / len(r.scores) if r.scores else 0.0
        if r.scores and ((share >= TOP_SHARE and share >= by_chance + HABIT_MARGIN) or r.mean >= bands[0].min):
            warn(
                "SG702",
                f"the {policy} habit reaches the top band (“{bands[0].label}”) in {r.top} of {len(r.scores)} "
                f"plays (mean {r.mean:.1f}): a habit, not judgement, earns the best result",
                "make the best path need choices no habit makes",
                run_cmd(policy),
            )
    crossed = sorted({s for r in results.values() for s in r.red_line_high})
    if crossed:
        warn(
            "SG704",
            f"a run that crossed a red line still scored in the top two bands (seed {crossed[0]})",
            "lower the red line's `cap`",
            run_cmd("random", crossed[0]),
        )
    top_two = {b.id for b in bands[:2]} if len(bands) >= 3 else {bands[0].id}
    for line in sc.doc.debrief.red_lines:
        if line.cap in top_two:
            warn(
                "SG704",
                f"red line `{line.id}` caps at band `{line.cap}`, one of the top two: crossing it can still "
                "look like success",
                "cap it at a lower band",
                f"simgame explore {name}",
            )
    if outcomes is not None:
        _map_checks(sc, outcomes, plays, seed, name, warn)
    return out


Warn = Callable[..., None]


def _map_checks(sc: Scenario, outcomes: OutcomeMap, plays: int, seed: int, name: str, warn: Warn) -> None:
    """The checks that need the outcome map: where best play's options sit, endings' bands, flat decisions."""
    explore_cmd = f"simgame explore {name}"
    pos = best_positions(sc, outcomes, plays, seed)
    if pos.at_position:
        at, count = max(pos.at_position.items(), key=lambda kv: kv[1])
        if _above_chance(count, pos.decisions, pos.chance_first):
            warn(
                "SG700",
                f"the best option is shown at position {at} in {count} of the {pos.decisions} decisions best "
                f"play meets over {plays} seeds: players can learn where the answer sits",
                "shuffle those scenes (remove `order: authored`)",
                explore_cmd,
            )
    if _above_chance(pos.longest, pos.decisions, pos.chance_longest):
        warn(
            "SG701",
            f"the best option has the longest label in {pos.longest} of the {pos.decisions} decisions best play "
            f"meets over {plays} seeds: the most explained option is the right one",
            "write the options to similar lengths, the tempting ones argued as well as the right one",
            f"simgame run {name} --policy longest --seed {seed}",
        )
    band_ids = [b.id for b in sc.doc.debrief.bands]
    top_two = set(band_ids[:2]) if len(band_ids) >= 3 else set(band_ids[:1])
    for eid, counts in outcomes.ending_bands.items():
        ending = sc.doc.endings.get(eid)
        if ending is None:
            continue
        if ending.tone == "bad" and top_two & set(counts):
            high = next(b for b in band_ids if b in counts and b in top_two)
            warn(
                "SG703",
                f"ending `{eid}` is a bad ending but can be reached in band `{high}`",
                f"tighten `{eid}`'s `when`, or give the path to it a cost the score sees",
                explore_cmd,
                ("endings", eid),
            )
        if ending.tone == "good" and len(band_ids) >= 2 and band_ids[-1] in counts:
            warn(
                "SG703",
                f"ending `{eid}` is a good ending but can be reached in the bottom band `{band_ids[-1]}`",
                f"make `{eid}` need the outcomes it praises (its `when`)",
                explore_cmd,
                ("endings", eid),
            )
    read_flags, read_choices = _read_flags_and_choices(sc)
    for scene_id, spread in outcomes.spread.items():
        if spread is None or spread >= FLAT_POINTS:
            continue
        options = list(sc.scene_choices.get(scene_id, ()))
        if len(options) < 2 or len({c.next for c in options}) > 1:
            continue
        if any(c.id in read_choices or (set(c.sets) | set(c.clears)) & read_flags for c in options):
            continue
        warn(
            "SG705",
            f"the options at scene `{scene_id}` differ by under {FLAT_POINTS:g} point in expected final score "
            f"({spread:.2f} at most) and nothing later tells them apart",
            "give the options consequences that differ, or make it one option",
            explore_cmd,
            ("scenes", scene_id),
        )
