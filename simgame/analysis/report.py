"""What `simgame explore` reports: coverage, shortest paths, score distributions, personas, findings.

Built from the exhaustive state graph when it fits the limits, otherwise from seeded
random playthroughs. Every failure carries a command that re-runs it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simgame.analysis import balance
from simgame.analysis import findings as ba
from simgame.analysis.batch import explorer as explore_batch
from simgame.analysis.batch.explorer import MAX_STATES
from simgame.analysis.batch.graph import BatchGraph, Step
from simgame.analysis.distributions import Dist, dist, dist_counts
from simgame.analysis.keys import TooLarge
from simgame.analysis.odds import ending_odds
from simgame.analysis.outcomes.write import save_map
from simgame.analysis.persona_plays import PersonaResult, play_persona
from simgame.analysis.personas import PERSONAS
from simgame.analysis.play import random_play, reproduce_seed
from simgame.analysis.rerun import rerun_command
from simgame.analysis.search import EXHAUSTIVE_BUDGET
from simgame.engine.evaluate import evaluate
from simgame.engine.scoring import Outcome, score
from simgame.engine.state import PlayState
from simgame.format.compiled import Scenario

Phase = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class PathInfo:
    choices: list[str]
    rolls: list[str]  # chance outcomes needed, e.g. "drift fires"
    probability: float
    seed: int | None  # a seed that gives those chance outcomes; None if none was found
    rerun: str
    whole: bool = False  # True: `probability` weighs every way the choices can end there, `rolls` only what they need


@dataclass
class Finding:
    kind: str  # e.g. dominant-option, unreached-ending, stuck
    severity: str  # failure | warning
    message: str
    rerun: str = ""


@dataclass
class Report:
    scenario: str
    path: str
    mode: str  # exhaustive | random
    why_random: str
    states: int
    plays: int
    seed: int
    scenes: dict[str, int]
    choices: dict[str, int]
    endings: dict[str, int]
    bands: dict[str, int]
    shortest: dict[str, PathInfo]
    per_ending: dict[str, dict[str, Dist]]  # ending -> metric id (and "score") -> distribution
    best: float | None
    worst: float | None
    personas: list[PersonaResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "failure"]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Final:
    ending: str
    state: PlayState
    outcome: Outcome


def _rolls_text(rolls: tuple[tuple[str, bool], ...]) -> list[str]:
    return [f"{event} {'fires' if fired else 'does not fire'}" for event, fired in rolls]


def explore(
    sc: Scenario,
    seed: int = 0,
    plays: int = 10_000,
    max_states: int = MAX_STATES,
    budget: float | None = EXHAUSTIVE_BUDGET,
    persona_plays: int = 100,
    mode: str = "auto",
    progress: Phase | None = None,
    maps: Path | None = None,
    name: str = "",
) -> Report:
    """Explore a scenario: exhaustively when it fits (``mode`` auto/exhaustive), else by seeded random play.

    With ``maps`` (a folder), an exhaustive exploration also writes the scenario's outcome map
    there, which the balance checks (SG7xx) read and every later debrief and report reuses.
    ``name`` is the scenario as the user named it (a path or a bundled id): the balance checks'
    re-run commands use it, so they load what was explored (the scenario's id when not given).
    """
    graph: BatchGraph | None = None
    why = ""
    if mode != "random":
        try:
            graph = explore_batch.explore(
                sc,
                max_states,
                budget,
                (lambda d, t: progress("states", d, t)) if progress else None,
                keep_keys=maps is not None,
            )
        except TooLarge as exc:
            why = str(exc)
    else:
        why = "random play was asked for"
    report = _from_batches(sc, graph, seed) if graph is not None else _from_plays(sc, seed, plays, why, progress)
    outcomes = save_map(maps, sc, graph) if graph is not None and maps is not None else None
    del graph  # millions of states: free them before the persona plays
    report.personas = [play_persona(sc, p, seed, persona_plays) for p in PERSONAS]
    if progress:
        progress("personas", 1, 1)
    _common_findings(sc, report)
    report.findings += [
        Finding(b.code, "warning", f"{b.message}. Fix: {b.fix}", b.rerun)
        for b in balance.check(sc, outcomes, name=name)
    ]
    return report


# -- exhaustive ---------------------------------------------------------------------------------


def _from_batches(sc: Scenario, graph: BatchGraph, seed: int) -> Report:
    scenes: Counter[str] = Counter()
    findings: list[Finding] = []
    for place in graph.places:
        if not place.ending:
            scenes[place.id] += place.count
            if place.count:
                discovered = np.bincount(place.parent_step, minlength=len(graph.steps))
                for i in np.nonzero(discovered)[0]:
                    for passed in graph.steps[int(i)].passed:
                        scenes[passed] += int(discovered[i])
    table = ba.values(graph)
    endings: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    per_ending: dict[str, dict[str, Dist]] = {}
    shortest: dict[str, PathInfo] = {}
    band_ids = [b.id for b in sc.doc.debrief.bands]
    for place in graph.ending_places():
        steps = [graph.steps[i] for i in place.arrivals]
        for step in steps:
            scenes.update({p: len(step.src_rows) for p in step.passed})
        tally = place.tally
        assert tally is not None
        endings[place.id] = place.count
        bands.update({band_ids[i]: int(c) for i, c in enumerate(tally.bands) if c})
        dists = {"score": dist_counts([(v / 10, c) for v, c in tally.scores.items()], 0, 100)}
        for counts, (mid, m) in zip(tally.metrics, sc.doc.metrics.items(), strict=True):
            dists[mid] = dist_counts(counts.items(), m.min, m.max)
        per_ending[place.id] = dists
        shallowest: tuple[int, Step, int] | None = None  # (decisions, step, position)
        for step in steps:
            depths = graph.depth_of(step)
            at = int(depths.argmin())
            if shallowest is None or int(depths[at]) < shallowest[0]:
                shallowest = (int(depths[at]), step, at)
        assert shallowest is not None
        shortest[place.id] = _batch_path(sc, place.id, *graph.step_path(shallowest[1], shallowest[2]))
    findings += _batch_failures(sc, graph)
    for loop in ba.loops(graph):
        info = _batch_path(sc, "", *graph.path(loop.place, loop.row))
        findings.append(
            Finding(
                "endless-loop",
                "warning",
                f"play can loop forever through {' -> '.join(f'`{s}`' for s in loop.scenes[:6])}: the same state "
                "repeats, so nothing forces progress (add `once: true` or a visit limit)",
                info.rerun,
            )
        )
    for d in ba.dominant_options(graph, table):
        findings.append(
            Finding(
                "dominant-option",
                "warning",
                f"at `{d.scene}`, `{d.choice}` always wins: its worst final score beats the best of "
                f"every other option by at least {d.gap:.1f} points, so the decision is no dilemma",
            )
        )
    choices = Counter({c: n for c, n in graph.offered.items() if n})
    report = _assemble(
        sc, "exhaustive", "", graph.states, 0, seed, scenes, choices, endings, bands, per_ending, shortest, findings
    )
    report.best, report.worst = ba.best_and_worst(graph, table)
    report._objectives = graph.objectives  # type: ignore[attr-defined]
    _unmoved(sc, report, graph.moved)
    return report


def _batch_failures(sc: Scenario, graph: BatchGraph) -> list[Finding]:
    """Stuck states and engine errors: one finding per scene (or choice and error), with its shortest example."""
    findings: list[Finding] = []
    for p, place in enumerate(graph.places):
        stuck = place.stuck if not place.ending else np.zeros(0, np.int64)
        if len(stuck):
            row = int(stuck[np.argmin(place.depth[stuck])])
            info = _batch_path(sc, "", *graph.path(p, row))
            more = f" ({len(stuck):,} states)" if len(stuck) > 1 else ""
            findings.append(
                Finding(
                    "stuck",
                    "failure",
                    f"play gets stuck in scene `{place.id}`: no choice is "
                    f"available (after {', '.join(info.choices) or 'no choices'}){more}",
                    info.rerun,
                )
            )
    errors: dict[tuple[int, str, str], tuple[int, Step, int]] = {}
    for step in graph.steps:
        if step.dst >= 0:
            continue
        depth = graph.depth_of(step)
        pos = int(depth.argmin())
        key = (step.src, step.choice, step.error)
        if key not in errors or int(depth[pos]) < errors[key][0]:
            errors[key] = (int(depth[pos]), step, pos)
    for (src, choice, error), (_, step, pos) in errors.items():
        choices, rolls, _ = graph.step_path(step, pos)
        seed = reproduce_seed(sc, choices, rolls)
        if src < 0:
            findings.append(
                Finding("engine-error", "failure", f"entering the first scene: {error}", rerun_command(sc, seed))
            )
        else:
            findings.append(
                Finding(
                    "engine-error",
                    "failure",
                    f"choosing `{choice}` in `{graph.places[src].id}`: {error}",
                    rerun_command(sc, seed, choices),
                )
            )
    return findings


def _batch_path(
    sc: Scenario, ending: str, choices: list[str], rolls: tuple[tuple[str, bool], ...], prob: float
) -> PathInfo:
    """A path to a place. To an ending: only the rolls it needs, and the exact odds of the choices ending there
    (``ending`` empty for a path to a scene, a loop or a dead end: every roll on it, and its own odds)."""
    seed = reproduce_seed(sc, choices, rolls)
    odds = ending_odds(sc, choices, ending) if rolls and ending else None
    if odds is None or not odds.complete:  # too many rolls to weigh them all: this one path, as it is
        return PathInfo(choices, _rolls_text(rolls), round(prob, 6), seed, rerun_command(sc, seed, choices))
    return PathInfo(choices, _rolls_text(odds.needs), odds.probability, seed, rerun_command(sc, seed, choices), True)


# -- random play ---------------------------------------------------------------------------------


def _from_plays(sc: Scenario, seed: int, plays: int, why: str, progress: Phase | None) -> Report:
    scenes: Counter[str] = Counter()
    choices: Counter[str] = Counter()
    finals: list[_Final] = []
    shortest: dict[str, PathInfo] = {}
    findings: list[Finding] = []
    moved: set[str] = set()
    starts = {m: float(v.start) for m, v in sc.doc.metrics.items()}
    failed_kinds: set[str] = set()
    for k in range(plays):
        s = seed + k
        st, made, error = random_play(sc, s)
        scenes.update(sc_id for sc_id in st.visit_counts)
        choices.update(made)
        moved |= {m for m, v in st.metrics.items() if v != starts[m]}
        if error:
            kind = "loop-limit" if "still playing" in error else "stuck" if "no choice" in error else "engine-error"
            if kind not in failed_kinds:  # one example of each kind is enough to act on
                failed_kinds.add(kind)
                findings.append(Finding(kind, "failure", f"seed {s}: {error}", rerun_command(sc, s, policy=True)))
            continue
        assert st.ending is not None
        finals.append(_Final(st.ending, st, score(sc, st, st.metrics)))
        known = shortest.get(st.ending)
        if known is None or len(made) < len(known.choices):
            shortest[st.ending] = PathInfo(made, [], 0.0, s, rerun_command(sc, s, made))
        if progress and k % 500 == 0:
            progress("plays", k, plays)
    endings, bands, per_ending = _tables(sc, finals)
    report = _assemble(
        sc, "random", why, 0, plays, seed, scenes, choices, endings, bands, per_ending, shortest, findings
    )
    report._objectives = _objectives_met(sc, finals)  # type: ignore[attr-defined]
    if finals:
        report.best = max(f.outcome.overall for f in finals)
        report.worst = min(f.outcome.overall for f in finals)
    _unmoved(sc, report, moved)
    return report


# -- shared ---------------------------------------------------------------------------------------


def _assemble(
    sc: Scenario,
    mode: str,
    why: str,
    states: int,
    plays: int,
    seed: int,
    scenes: Counter[str],
    choices: Counter[str],
    endings: Counter[str],
    bands: Counter[str],
    per_ending: dict[str, dict[str, Dist]],
    shortest: dict[str, PathInfo],
    findings: list[Finding],
) -> Report:
    return Report(
        scenario=sc.id,
        path=sc.path,
        mode=mode,
        why_random=why,
        states=states,
        plays=plays,
        seed=seed,
        scenes={s: scenes.get(s, 0) for s in sc.doc.scenes},
        choices={c: choices.get(c, 0) for c, cc in sc.choices.items() if not getattr(cc, "synthetic", False)},
        endings={e: endings.get(e, 0) for e in sc.doc.endings},
        bands={b.id: bands.get(b.id, 0) for b in sc.doc.debrief.bands},
        shortest={e: shortest[e] for e in sc.doc.endings if e in shortest},
        per_ending=per_ending,
        best=None,
        worst=None,
        findings=findings,
    )


def _tables(sc: Scenario, finals: list[_Final]) -> tuple[Counter[str], Counter[str], dict[str, dict[str, Dist]]]:
    """Endings, bands and per-ending distributions of random playthroughs."""
    per_ending: dict[str, dict[str, Dist]] = {}
    for eid in sc.doc.endings:
        group = [f for f in finals if f.ending == eid]
        if not group:
            continue
        table = {"score": dist([f.outcome.overall for f in group], 0, 100)}
        for mid, m in sc.doc.metrics.items():
            table[mid] = dist([f.state.metrics[mid] for f in group], m.min, m.max)
        per_ending[eid] = table
    return Counter(f.ending for f in finals), Counter(f.outcome.band for f in finals), per_ending


def _unmoved(sc: Scenario, report: Report, moved: set[str]) -> None:
    for mid in sc.doc.metrics:
        if mid not in moved:
            report.findings.append(
                Finding(
                    "unmoved-metric",
                    "warning",
                    f"metric `{mid}` never changes on any path explored: it only decorates the dashboard",
                )
            )


def _common_findings(sc: Scenario, report: Report) -> None:
    where = (
        "is reached on no path" if report.mode == "exhaustive" else f"was not reached in {report.plays:,} random plays"
    )
    for kind, table in (
        ("unreached-scene", report.scenes),
        ("unreached-ending", report.endings),
        ("unreached-band", report.bands),
    ):
        noun = kind.split("-")[1]
        for item, hits in table.items():
            if hits == 0:
                report.findings.append(Finding(kind, "warning", f"{noun} `{item}` {where}"))
    objectives: dict[str, set[bool]] = getattr(report, "_objectives", {})
    for (oid, node), obj in zip(sc.objectives, sc.doc.objectives, strict=True):
        met = objectives.get(oid, set())
        if node is None or not met:
            continue
        if met == {True}:
            report.findings.append(
                Finding(
                    "objective-always-met",
                    "warning",
                    f"objective `{oid}` ({obj.text}) is met at every ending: it cannot be failed",
                )
            )
        elif met == {False}:
            report.findings.append(
                Finding(
                    "objective-never-met",
                    "warning",
                    f"objective `{oid}` ({obj.text}) is met at no ending: it cannot be met",
                )
            )


def _objectives_met(sc: Scenario, finals: list[_Final]) -> dict[str, set[bool]]:
    return {oid: {bool(evaluate(node, f.state)) for f in finals} for oid, node in sc.objectives if node is not None}
