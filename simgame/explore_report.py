"""What `simgame explore` reports: coverage, shortest paths, score distributions, personas, findings.

Built from the exhaustive state graph when it fits the limits, otherwise from seeded
random playthroughs. Every failure carries a command that re-runs it.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from simgame import expr
from simgame.explore import (
    MAX_STATES,
    StateGraph,
    TooLarge,
    build_graph,
    final_outcomes,
    random_play,
    reproduce_seed,
    values,
)
from simgame.explore_personas import PERSONAS, Persona, metric_weights, pick
from simgame.fastplay import PlayState
from simgame.scenario import Scenario
from simgame.scoring import Outcome, score

Phase = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class Dist:
    """min / median / max and a 10-bin histogram over [lo, hi]."""

    min: float
    median: float
    max: float
    count: int
    lo: float
    hi: float
    histogram: list[int]


def dist(values_: list[float], lo: float, hi: float, bins: int = 10) -> Dist:
    hist = [0] * bins
    span = (hi - lo) or 1.0
    for v in values_:
        hist[min(bins - 1, max(0, int((v - lo) / span * bins)))] += 1
    return Dist(min(values_), round(statistics.median(values_), 3), max(values_), len(values_), lo, hi, hist)


@dataclass
class PathInfo:
    choices: list[str]
    rolls: list[str]  # chance outcomes needed, e.g. "drift fires"
    probability: float
    seed: int | None  # a seed that gives those chance outcomes; None if none was found
    rerun: str


@dataclass
class Finding:
    kind: str  # e.g. dominant-option, unreached-ending, stuck
    severity: str  # failure | warning
    message: str
    rerun: str = ""


@dataclass
class PersonaResult:
    id: str
    label: str
    description: str
    plays: int
    endings: dict[str, int]
    bands: dict[str, int]
    score: Dist | None
    example: str


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


def _cmd(sc: Scenario, seed: int | None, choices: list[str] | None = None, policy: bool = False) -> str:
    parts = ["simgame run", sc.path or sc.id, f"--seed {seed if seed is not None else 0}"]
    if choices:
        parts.append("--choose " + ",".join(choices))
    if policy:
        parts.append("--policy random")
    return " ".join(parts)


def _rolls_text(rolls: tuple[tuple[str, bool], ...]) -> list[str]:
    return [f"{event} {'fires' if fired else 'does not fire'}" for event, fired in rolls]


def explore(sc: Scenario, seed: int = 0, plays: int = 10_000, max_states: int = MAX_STATES,
            budget: float | None = 10.0, persona_plays: int = 100, mode: str = "auto",
            progress: Phase | None = None) -> Report:
    """Explore a scenario: exhaustively when it fits (``mode`` auto/exhaustive), else by seeded random play."""
    graph: StateGraph | None = None
    why = ""
    if mode != "random":
        try:
            graph = build_graph(sc, max_states, (lambda d, t: progress("states", d, t)) if progress else None,
                                budget)
        except TooLarge as exc:
            why = str(exc)
    else:
        why = "random play was asked for"
    report = _from_graph(sc, graph, seed) if graph is not None else _from_plays(sc, seed, plays, why, progress)
    report.personas = [_persona(sc, p, seed, persona_plays) for p in PERSONAS]
    if progress:
        progress("personas", 1, 1)
    _common_findings(sc, report)
    return report


# -- exhaustive ---------------------------------------------------------------------------------


def _from_graph(sc: Scenario, graph: StateGraph, seed: int) -> Report:
    outcomes = final_outcomes(graph)
    scenes: Counter[str] = Counter()
    choices: Counter[str] = Counter()
    findings: list[Finding] = []
    for node in graph.nodes:
        if node.state.ending is None:
            scenes[node.state.scene] += 1
        scenes.update(node.via.passed)
        for c in dict.fromkeys(e.choice for e in node.edges):
            choices[c] += 1
    shortest: dict[str, PathInfo] = {}
    finals: list[_Final] = []
    for i, outcome in outcomes.items():
        st = graph.nodes[i].state
        assert st.ending is not None
        finals.append(_Final(st.ending, st, outcome))
        if st.ending not in shortest:
            shortest[st.ending] = _path_info(sc, graph, i)
    for i, node in enumerate(graph.nodes):
        if node.stuck:
            info = _path_info(sc, graph, i)
            findings.append(Finding("stuck", "failure", f"play gets stuck in scene `{node.state.scene}`: no choice "
                                    f"is available (after {', '.join(info.choices) or 'no choices'})", info.rerun))
        for e in node.edges:
            if e.error:
                info = _path_info(sc, graph, i)
                findings.append(Finding("engine-error", "failure", f"choosing `{e.choice}` in `{node.state.scene}`: "
                                        f"{e.error}", _cmd(sc, info.seed, [*info.choices, e.choice])))
    for e in graph.opening_errors:
        findings.append(Finding("engine-error", "failure", f"entering the first scene: {e.error}", _cmd(sc, 0)))
    findings += _loops(sc, graph)
    best_table, worst_table = values(graph, outcomes)
    findings += _dominance(sc, graph, best_table, worst_table)
    moved = {m for m in sc.doc.metrics for n in graph.nodes if n.state.metrics[m] != graph.nodes[0].state.metrics[m]}
    report = _assemble(sc, "exhaustive", "", len(graph.nodes), 0, seed, scenes, choices, finals, shortest, findings)
    report.best = max((best_table[r] for r in graph.roots if r in best_table), default=None)
    report.worst = min((worst_table[r] for r in graph.roots if r in worst_table), default=None)
    _unmoved(sc, report, moved)
    return report


def _path_info(sc: Scenario, graph: StateGraph, index: int) -> PathInfo:
    choices, rolls = graph.path(index)
    prob = 1.0
    i = index
    while i >= 0:
        prob *= graph.nodes[i].via.prob
        i = graph.nodes[i].parent
    seed = reproduce_seed(sc, choices, rolls)
    return PathInfo(choices, _rolls_text(rolls), round(prob, 6), seed, _cmd(sc, seed, choices))


def _loops(sc: Scenario, graph: StateGraph) -> list[Finding]:
    """Strongly connected groups of states: play can repeat exactly the same state forever."""
    n = len(graph.nodes)
    index = [-1] * n
    low = [0] * n
    on = [False] * n
    stack: list[int] = []
    counter = 0
    found: list[Finding] = []
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work[-1]
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on[v] = True
            edges = graph.nodes[v].edges
            if pi < len(edges):
                work[-1] = (v, pi + 1)
                w = edges[pi].target
                if w < 0:
                    continue
                if index[w] == -1:
                    work.append((w, 0))
                elif on[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on[w] = False
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1 or any(e.target == v for e in graph.nodes[v].edges):
                    names = list(dict.fromkeys(graph.nodes[g].state.scene for g in sorted(group)))
                    info = _path_info(sc, graph, min(group))
                    found.append(Finding(
                        "endless-loop", "warning",
                        f"play can loop forever through {' -> '.join(f'`{s}`' for s in names[:6])}: the same state "
                        "repeats, so nothing forces progress (add `once: true` or a visit limit)", info.rerun))
    return found


def _dominance(sc: Scenario, graph: StateGraph, best: dict[int, float], worst: dict[int, float]) -> list[Finding]:
    """A choice whose worst outcome beats every alternative's best, in every state where it is offered."""
    verdict: dict[tuple[str, str], tuple[bool, float]] = {}
    for node in graph.nodes:
        by_choice: dict[str, tuple[float, float]] = {}
        for e in node.edges:
            if e.target < 0 or e.target not in best:
                continue
            lo, hi = by_choice.get(e.choice, (101.0, -1.0))
            by_choice[e.choice] = (min(lo, worst[e.target]), max(hi, best[e.target]))
        if len(by_choice) < 2:
            continue
        for c, (lo, _) in by_choice.items():
            others_best = max(hi for d, (_, hi) in by_choice.items() if d != c)
            key = (node.state.scene, c)
            ok, gap = verdict.get(key, (True, 100.0))
            verdict[key] = (ok and lo > others_best, min(gap, lo - others_best))
    out = []
    for (scene, c), (ok, gap) in verdict.items():
        if ok:
            out.append(Finding("dominant-option", "warning",
                               f"at `{scene}`, `{c}` always wins: its worst final score beats the best of every "
                               f"other option by at least {gap:.1f} points, so the decision is no dilemma"))
    return out


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
        scenes.update(sc_id for sc_id in st.seen)
        choices.update(made)
        moved |= {m for m, v in st.metrics.items() if v != starts[m]}
        if error:
            kind = "loop-limit" if "still playing" in error else "stuck" if "no choice" in error else "engine-error"
            if kind not in failed_kinds:  # one example of each kind is enough to act on
                failed_kinds.add(kind)
                findings.append(Finding(kind, "failure", f"seed {s}: {error}", _cmd(sc, s, policy=True)))
            continue
        assert st.ending is not None
        finals.append(_Final(st.ending, st, score(sc, st, st.metrics)))
        known = shortest.get(st.ending)
        if known is None or len(made) < len(known.choices):
            shortest[st.ending] = PathInfo(made, [], 0.0, s, _cmd(sc, s, made))
        if progress and k % 500 == 0:
            progress("plays", k, plays)
    report = _assemble(sc, "random", why, 0, plays, seed, scenes, choices, finals, shortest, findings)
    if finals:
        report.best = max(f.outcome.overall for f in finals)
        report.worst = min(f.outcome.overall for f in finals)
    _unmoved(sc, report, moved)
    return report


# -- shared ---------------------------------------------------------------------------------------


def _assemble(sc: Scenario, mode: str, why: str, states: int, plays: int, seed: int, scenes: Counter[str],
              choices: Counter[str], finals: list[_Final], shortest: dict[str, PathInfo],
              findings: list[Finding]) -> Report:
    endings = Counter(f.ending for f in finals)
    bands = Counter(f.outcome.band for f in finals)
    per_ending: dict[str, dict[str, Dist]] = {}
    for eid in sc.doc.endings:
        group = [f for f in finals if f.ending == eid]
        if not group:
            continue
        table = {"score": dist([f.outcome.overall for f in group], 0, 100)}
        for mid, m in sc.doc.metrics.items():
            table[mid] = dist([f.state.metrics[mid] for f in group], m.min, m.max)
        per_ending[eid] = table
    report = Report(
        scenario=sc.id, path=sc.path, mode=mode, why_random=why, states=states, plays=plays, seed=seed,
        scenes={s: scenes.get(s, 0) for s in sc.doc.scenes},
        choices={c: choices.get(c, 0) for c, cc in sc.choices.items() if not getattr(cc, "synthetic", False)},
        endings={e: endings.get(e, 0) for e in sc.doc.endings},
        bands={b.id: bands.get(b.id, 0) for b in sc.doc.debrief.bands},
        shortest=shortest, per_ending=per_ending, best=None, worst=None, findings=findings)
    report._finals = finals  # type: ignore[attr-defined]
    return report


def _unmoved(sc: Scenario, report: Report, moved: set[str]) -> None:
    for mid in sc.doc.metrics:
        if mid not in moved:
            report.findings.append(Finding("unmoved-metric", "warning",
                                           f"metric `{mid}` never changes on any path explored: it only "
                                           "decorates the dashboard"))


def _common_findings(sc: Scenario, report: Report) -> None:
    where = "is reached on no path" if report.mode == "exhaustive" else \
        f"was not reached in {report.plays:,} random plays"
    for kind, table in (("unreached-scene", report.scenes), ("unreached-ending", report.endings),
                        ("unreached-band", report.bands)):
        noun = kind.split("-")[1]
        for item, hits in table.items():
            if hits == 0:
                report.findings.append(Finding(kind, "warning", f"{noun} `{item}` {where}"))
    finals: list[_Final] = getattr(report, "_finals", [])
    for (oid, node), obj in zip(sc.objectives, sc.doc.objectives, strict=True):
        if node is None or not finals:
            continue
        met = {bool(expr.evaluate(node, f.state)) for f in finals}
        if met == {True}:
            report.findings.append(Finding(
                "objective-always-met", "warning",
                f"objective `{oid}` ({obj.text}) is met at every ending: it cannot be failed"))
        elif met == {False}:
            report.findings.append(Finding("objective-never-met", "warning",
                                           f"objective `{oid}` ({obj.text}) is met at no ending: it cannot be met"))


def _persona(sc: Scenario, persona: Persona, seed: int, plays: int) -> PersonaResult:
    weights = metric_weights(persona, sc)
    endings: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    scores: list[float] = []
    example = ""
    for k in range(plays):
        s = seed + k
        if persona.random:
            st, made, error = random_play(sc, s)
        else:
            def policy(ids: list[str], rng: random.Random) -> str:
                return pick(persona, sc, [sc.choices[i] for i in ids], weights, rng).id

            st, made, error = random_play(sc, s, policy)
        if not example:
            example = _cmd(sc, s, None if persona.random else made, policy=persona.random)
        if error or st.ending is None:
            continue
        outcome = score(sc, st, st.metrics)
        endings[st.ending] += 1
        bands[outcome.band] += 1
        scores.append(outcome.overall)
    return PersonaResult(persona.id, persona.label, persona.description, plays, dict(endings), dict(bands),
                         dist(scores, 0, 100) if scores else None, example)

