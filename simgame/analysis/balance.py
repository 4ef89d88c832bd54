"""Balance checks: can a habit win where judgement should (SG7xx warnings)?

A scenario teaches only if its score rewards judgement. These checks play simple habits
(always the first or last option shown, the longest or shortest label, the most cautious
option) over many seeds on the engine's rules, in the order each run shows its options
(`simgame.engine.order`), and read the scenario's outcome map for what best play does and what
each decision is worth. Each finding is a warning with a code documented in docs/diagnostics.md
and a command that shows it again.

A warning is a claim about the scenario, not about the seeds played: a habit's mean score must
differ from random play's by more than it could by chance (its standard error), and the outcome
map's counts are of distinct decisions, not of the same decision met on every seed.
"""

from __future__ import annotations

import math
import random
import shlex
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

PLAYS = 100  # seeds each habit is played with
TELL_POINTS = 5.0  # a habit's mean further than this from random play's is a tell...
TELL_ERRORS = 3.0  # ...if the gap is also this many standard errors (not what 100 seeds' noise gives)
TELL_DEVIATIONS = 3.0  # the map's counts must lie this many standard deviations above chance
MIN_DECISIONS = 4  # distinct decisions the map's counts need before they say anything
TOP_SHARE = 0.25  # a habit landing in the top band this often "reaches" it...
HABIT_MARGIN = 0.15  # ...if that is also this much more often than random play does
FLAT_POINTS = 1.0  # options closer than this in expected final score barely differ
MAX_STEPS = 500
HABITS = ("first", "last", "longest", "shortest", "cautious", "aggressive")


def _label(sc: Scenario, cid: str) -> int:
    return len(" ".join(sc.choices[cid].model.label.split()))


PERSONA_OF = {"cautious": "risk-averse", "aggressive": "ship-fast"}  # habits that are personas


def _persona_pick(sc: Scenario, habit: str, shown: list[str], rng: random.Random) -> str:
    persona = next(p for p in personas.PERSONAS if p.id == PERSONA_OF[habit])
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
    if policy in PERSONA_OF:
        return _persona_pick(sc, policy, shown, rng)
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


def top_two_bands(sc: Scenario) -> set[str]:
    """The bands that read as success: the top two (the top one when there are fewer than three)."""
    bands = [b.id for b in sc.doc.debrief.bands]
    return set(bands[:2]) if len(bands) >= 3 else set(bands[:1])


@dataclass
class HabitResult:
    """One habit's plays that reached an ending: the seed, score and band of each."""

    policy: str
    seeds: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    top: int = 0  # plays in the top band
    # red line id -> (seed, score, band) of the first play that crossed it yet scored in the top two bands
    red_line_high: dict[str, tuple[int, float, str]] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else math.nan

    @property
    def error(self) -> float:
        """The standard error of the mean score (infinite under two plays: they say nothing about the mean)."""
        if len(self.scores) < 2:
            return math.inf
        return statistics.stdev(self.scores) / math.sqrt(len(self.scores))

    def example(self, above: bool) -> int:
        """A seed whose play shows the mean: the first scoring at least (``above``) or at most the mean."""
        mean = self.mean
        for s, v in zip(self.seeds, self.scores, strict=True):
            if (v >= mean - 1e-9) if above else (v <= mean + 1e-9):
                return s
        return self.seeds[0] if self.seeds else 0

    def in_band(self, band: str) -> int | None:
        """The first seed whose play ended in ``band``."""
        return next((s for s, b in zip(self.seeds, self.bands, strict=True) if b == band), None)


def habits(sc: Scenario, plays: int = PLAYS, seed: int = 0) -> dict[str, HabitResult]:
    bands = [b.id for b in sc.doc.debrief.bands]
    top_two = top_two_bands(sc)
    out: dict[str, HabitResult] = {}
    for policy in ("random", *HABITS):
        result = HabitResult(policy)
        for s in range(seed, seed + plays):
            found = play(sc, policy, s)
            if found is None:
                continue
            outcome, _ = found
            result.seeds.append(s)
            result.scores.append(outcome.overall)
            result.bands.append(outcome.band)
            result.top += outcome.band == bands[0]
            if outcome.band in top_two:
                for line in outcome.red_lines:
                    result.red_line_high.setdefault(line.id, (s, outcome.overall, outcome.band))
        out[policy] = result
    return out


@dataclass
class Tally:
    """How many distinct decisions something held at, against how many chance alone would give."""

    decisions: int = 0
    hits: int = 0
    expected: float = 0.0  # the sum of each decision's chance
    variance: float = 0.0  # the sum of p(1 - p): the count's variance if only chance were at work

    def add(self, hit: bool, chance: float) -> None:
        self.decisions += 1
        self.hits += hit
        self.expected += chance
        self.variance += chance * (1 - chance)

    def above_chance(self) -> bool:
        """At least `MIN_DECISIONS`, more than half of them, and `TELL_DEVIATIONS` standard deviations above chance.

        Three, not two: the position test reports the likeliest of several positions, and a
        balanced scenario should essentially never warn (two would, now and then).
        """
        if self.decisions < MIN_DECISIONS or self.hits <= self.decisions / 2:
            return False
        return self.hits > self.expected + TELL_DEVIATIONS * math.sqrt(self.variance)


@dataclass
class Positions:
    """Where the single best option sat, over the distinct decisions best play meets.

    A decision is counted once however many seeds meet it. What a player can learn from a
    decision is the options shown and which is best, so that is its key: for the label test
    (scene, options, best option); for the position test, which counts only scenes whose order
    is pinned (`order: authored`), the options in the order shown. A shuffled scene's position
    is drawn per run from a hash that never reads which option is best, so it cannot carry a
    tell, and counting it once per seed would only drown the pinned scenes' decisions.
    """

    # (scene, options in the order shown, best) -> (1-based position of the best, options shown)
    pinned: dict[tuple[str, tuple[str, ...], str], tuple[int, int]] = field(default_factory=dict)
    # (scene, options, best) -> (the best has the strictly longest label, options shown)
    labelled: dict[tuple[str, frozenset[str], str], tuple[bool, int]] = field(default_factory=dict)

    def at(self, position: int) -> Tally:
        tally = Tally()
        for at, shown in self.pinned.values():
            tally.add(at == position, 1 / shown if position <= shown else 0.0)
        return tally

    def longest(self) -> Tally:
        tally = Tally()
        for longest, shown in self.labelled.values():
            tally.add(longest, 1 / shown)
        return tally


def best_positions(sc: Scenario, outcomes: OutcomeMap, plays: int = PLAYS, seed: int = 0) -> Positions:
    pos = Positions()
    for s in range(seed, seed + plays):
        roller = rules.seeded_roller(s)
        try:
            st, _ = rules.start(sc, roller)
            for _ in range(MAX_STEPS):
                if st.ending is not None:
                    break
                here = outcomes.at(st)
                if here is None or not here.options:
                    break
                shown = order.available(sc, st, s)
                best = here.best_choices()
                if len(shown) >= 2 and len(best) == 1 and best[0] in shown:
                    if order.is_pinned(sc, st.scene):
                        pos.pinned.setdefault((st.scene, tuple(shown), best[0]), (shown.index(best[0]) + 1, len(shown)))
                    lengths = sorted((_label(sc, c) for c in shown), reverse=True)
                    longest = _label(sc, best[0]) == lengths[0] and lengths[0] > lengths[1]
                    pos.labelled.setdefault((st.scene, frozenset(shown), best[0]), (longest, len(shown)))
                rules.choose(sc, st, sc.choices[best[0]], roller)
        except EngineError:
            continue
    return pos


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


Warn = Callable[..., None]


@dataclass(frozen=True)
class _Commands:
    """The commands a warning names, for the scenario as the user named it (quoted for a shell)."""

    name: str

    def run(self, policy: str, seed: int) -> str:
        return f"simgame run {self.name} --policy {policy} --seed {seed}"

    @property
    def explore(self) -> str:
        return f"simgame explore {self.name}"


def check(
    sc: Scenario, outcomes: OutcomeMap | None, plays: int = PLAYS, seed: int = 0, name: str = ""
) -> list[Imbalance]:
    """Every balance warning for the scenario.

    ``name`` is how to name the scenario in re-run commands: what the user typed (a path to
    their own file, or a bundled id), quoted here for a shell; the scenario's id when not given.
    """
    cmd = _Commands(shlex.quote(name or sc.id))
    out: list[Imbalance] = []

    def warn(code: str, message: str, fix: str, rerun: str, where: tuple[str, str] | None = None) -> None:
        out.append(Imbalance(code, message, fix, rerun, where))

    results = habits(sc, plays, seed)
    rand = results["random"]
    exact = outcomes.start.expected_random_play if outcomes is not None else None
    reference = exact if exact is not None else rand.mean
    against = (
        f"random play's expected {reference:.1f} (the outcome map's, chance weighted)"
        if exact is not None
        else f"random play's {reference:.1f} over the same seeds"
    )

    def gap(r: HabitResult) -> tuple[float, float, float]:
        """The habit's mean less random play's, its standard error, and the gap it must exceed to be a tell."""
        error = r.error if exact is not None else math.hypot(r.error, rand.error)
        return r.mean - reference, error, max(TELL_POINTS, TELL_ERRORS * error)

    for policy in ("first", "last"):
        r = results[policy]
        diff, error, bar = gap(r)
        if abs(diff) > bar:
            warn(
                "SG700",
                f"always taking the {policy} option shown scores {r.mean:.1f} on average over {len(r.scores)} "
                f"seeds (standard error {error:.1f}), {abs(diff):.1f} points {'above' if diff > 0 else 'below'} "
                f"{against}: where an option is shown tells players something",
                "shuffle the scenes (remove `order: authored`) or rebalance their options",
                cmd.run(policy, r.example(above=diff > 0)),
            )
    for policy in ("longest", "shortest"):
        r = results[policy]
        diff, error, bar = gap(r)
        if abs(diff) > bar:  # below random play is a tell too: the player learns to avoid that length
            warn(
                "SG701",
                f"always taking the {policy} label scores {r.mean:.1f} on average over {len(r.scores)} seeds "
                f"(standard error {error:.1f}), {abs(diff):.1f} points {'above' if diff > 0 else 'below'} "
                f"{against}: label length gives the answer away",
                "write the options to similar lengths, the tempting ones argued as well as the right one",
                cmd.run(policy, r.example(above=diff > 0)),
            )
    bands = sc.doc.debrief.bands
    by_chance = rand.top / max(1, len(rand.scores))
    for policy in HABITS:
        r = results[policy]
        share = r.top / len(r.scores) if r.scores else 0.0
        if r.scores and ((share >= TOP_SHARE and share >= by_chance + HABIT_MARGIN) or r.mean >= bands[0].min):
            top = r.in_band(bands[0].id)
            warn(
                "SG702",
                f"the {policy} habit reaches the top band (“{bands[0].label}”) in {r.top} of {len(r.scores)} "
                f"plays (mean {r.mean:.1f}): a habit, not judgement, earns the best result",
                "make the best path need choices no habit makes",
                cmd.run(policy, top if top is not None else r.example(above=True)),
            )
    _red_lines(sc, results, cmd, warn)
    if outcomes is not None:
        _map_checks(sc, outcomes, results, plays, seed, cmd, warn)
    return out


def _red_lines(sc: Scenario, results: dict[str, HabitResult], cmd: _Commands, warn: Warn) -> None:
    """SG704: a red line capped in the top two bands, with a habit's play that shows it when one does.

    A red line holds the score at the top of its `cap` band, so a run that crossed it can score in
    the top two bands only when that cap is one of them: this static test finds every such line.
    Plays add no other finding; they add the command that shows one.
    """
    top_two = top_two_bands(sc)
    for line in sc.doc.debrief.red_lines:
        if line.cap not in top_two:
            continue
        shown = next(((p, r.red_line_high[line.id]) for p, r in results.items() if line.id in r.red_line_high), None)
        message = (
            f"red line `{line.id}` caps at band `{line.cap}`, one of the top two: crossing it can still look like "
            "success"
        )
        if shown is None:
            warn("SG704", message, "cap it at a lower band", cmd.explore)
            continue
        policy, (at, overall, band) = shown
        who = "random play" if policy == "random" else f"the {policy} habit's play"
        warn(
            "SG704",
            f"{message} ({who} with seed {at} crossed it and scored {overall:g}, band `{band}`)",
            "cap it at a lower band",
            cmd.run(policy, at),
        )


def _map_checks(
    sc: Scenario,
    outcomes: OutcomeMap,
    results: dict[str, HabitResult],
    plays: int,
    seed: int,
    cmd: _Commands,
    warn: Warn,
) -> None:
    """The checks that need the outcome map: where best play's options sit, endings' bands, flat decisions."""
    pos = best_positions(sc, outcomes, plays, seed)
    widest = max((shown for _, shown in pos.pinned.values()), default=0)
    tallies = {at: pos.at(at) for at in range(1, widest + 1)}
    telling = [(at, t) for at, t in tallies.items() if t.above_chance()]
    if telling:
        at, t = max(telling, key=lambda kv: kv[1].hits)
        warn(
            "SG700",
            f"the best option is shown at position {at} in {t.hits} of the {t.decisions} distinct decisions in "
            f"scenes with a pinned order that best play meets over {plays} seeds (chance alone: "
            f"{t.expected:.1f}): players can learn where the answer sits",
            "shuffle those scenes (remove `order: authored`)",
            cmd.explore,
        )
    longest = pos.longest()
    if longest.above_chance():
        warn(
            "SG701",
            f"the best option has the longest label in {longest.hits} of the {longest.decisions} distinct "
            f"decisions best play meets over {plays} seeds (chance alone: {longest.expected:.1f}): the most "
            "explained option is the right one",
            "write the options to similar lengths, the tempting ones argued as well as the right one",
            cmd.run("longest", results["longest"].example(above=True)),
        )
    band_ids = [b.id for b in sc.doc.debrief.bands]
    top_two = top_two_bands(sc)
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
                cmd.explore,
                ("endings", eid),
            )
        if ending.tone == "good" and len(band_ids) >= 2 and band_ids[-1] in counts:
            warn(
                "SG703",
                f"ending `{eid}` is a good ending but can be reached in the bottom band `{band_ids[-1]}`",
                f"make `{eid}` need the outcomes it praises (its `when`)",
                cmd.explore,
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
            cmd.explore,
            ("scenes", scene_id),
        )
