"""Exhaustive exploration with every state at a scene handled as one batch of arrays.

The one-state-at-a-time explorer (`tests.oracle.explorer.build_graph`) manages about 20,000
states a second; the shipped scenarios have millions, because each path leaves the
organisation's metrics a little different. Here the scenes are visited in the order of
the story (strongly connected groups of scenes in topological order), so every state
that can rest at a scene has arrived before the scene is expanded. Each scene's states
are deduplicated at once and expanded choice by choice as arrays; a chance event splits
a batch both ways where 0 < p < 1, each half carrying its probability. Scenes on a loop
are expanded depth by depth, so every state is first found by a shortest path.

The result keeps, per scene and ending, the distinct states with their depth and the
edge that first reached them, and, per step taken, arrays of source and target states.
That is enough for coverage, shortest paths, best and worst outcomes, dominance and loops
(`simgame.analysis.findings`). The result's data structures are in `graph`, the row helpers in `rows`.

Longer than the 400-line rule on purpose: `Explorer` is one algorithm over shared state (the places,
steps, tallies and limits it fills in as it goes), and its methods only make sense together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from simgame.analysis.batch import expr as expr_batch
from simgame.analysis.batch import score as score_batch
from simgame.analysis.batch import state as bs
from simgame.analysis.batch.graph import Arrival, BatchGraph, Finals, Place, Step, Tally, strongly_connected
from simgame.analysis.batch.rows import as_pick, compact, dedupe, whole_metrics
from simgame.analysis.batch.state import F64, I64, U64, Bools, Layout, Rows
from simgame.analysis.keys import TooLarge, all_expressions, key_spec
from simgame.engine.rules import MAX_DIVERTS
from simgame.format.compiled import END, CompiledEvent, Scenario
from simgame.format.expr import names_used
from simgame.format.story import default_ending

MAX_STATES = 40_000_000
CHUNK = 65_536  # states expanded together: numpy's temporaries stay in cache
THREADS = 2
Progress = Callable[[int, int], None]
NO_DEFAULT = "`next: end` found no ending whose condition holds and there is no default"
DIVERT_LOOP = "chance events keep diverting play in a circle; the scenario needs a fix"


@dataclass
class _Work:
    """States on their way through one step; ``index`` picks them from ``rows`` until they change."""

    rows: Rows
    index: I64 | None
    origin: I64
    prob: F64
    rolls: tuple[tuple[str, bool], ...]
    fired: tuple[str, ...]
    passed: tuple[str, ...]
    target: str
    diverts: int
    scene: str = ""
    event: int = -1  # next event to run at ``scene``; -1 while arriving at ``target``

    def __len__(self) -> int:
        return len(self.origin)

    def env(self, layout: Layout) -> bs.Env:
        return bs.Env(self.rows, layout, self.index)

    def own(self) -> Rows:
        """The states as a batch of their own, safe to change."""
        if self.index is not None:
            self.rows, self.index = self.rows.take(self.index), None
        return self.rows

    def data(self) -> I64:
        return self.rows.data if self.index is None else self.rows.data[self.index]

    def part(self, mask: Bools, **changes: object) -> _Work:
        if mask.all():
            index, origin, prob = self.index, self.origin, self.prob
        else:
            picked = np.nonzero(mask)[0]
            index = picked if self.index is None else self.index[picked]
            origin, prob = self.origin[picked], self.prob[picked]
        work = _Work(
            self.rows,
            index,
            origin,
            prob,
            self.rolls,
            self.fired,
            self.passed,
            self.target,
            self.diverts,
            self.scene,
            self.event,
        )
        for k, v in changes.items():
            setattr(work, k, v)
        return work


@dataclass
class _Expanded:
    """What expanding one chunk of a scene's states produced, to be recorded in order."""

    size: int
    offered: dict[str, int] = field(default_factory=dict)
    landings: list[tuple[str, _Landing, I64, Finals | None, dict[str, set[bool]]]] = field(default_factory=list)
    stuck: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    tallies: dict[int, Tally] = field(default_factory=dict)
    moved: npt.NDArray[np.bool_] | None = None


@dataclass
class _Landing:
    work: _Work
    dst: int
    error: str = ""


class Explorer:
    def __init__(
        self,
        sc: Scenario,
        max_states: int = MAX_STATES,
        budget: float | None = None,
        progress: Progress | None = None,
        keep_rows: bool = False,
        keep_keys: bool = False,
    ) -> None:
        self.sc = sc
        self.keep_rows = keep_rows  # keep every scene's states after expanding it (tests compare them)
        self.keep_keys = keep_keys  # keep each scene state's hash (the outcome map looks states up by it)
        spec = key_spec(sc)
        names: set[str] = set()
        for node in all_expressions(sc):
            names |= names_used(node)[0]
        self.layout = Layout.of(sc, spec.choices, spec.scenes, spec.turn, names)
        self.max_states = max_states
        self.deadline = time.monotonic() + budget if budget is not None else None
        self.budget = budget
        self.progress = progress
        doc = sc.doc
        width = self.layout.width
        self.places = [Place(s, False, width) for s in doc.scenes] + [Place(e, True, width) for e in doc.endings]
        self.index = {p.id: i for i, p in enumerate(self.places)}
        self.steps: list[Step] = []
        self.offered: dict[str, int] = {c: 0 for c in sc.choices}
        self.objectives: dict[str, set[bool]] = {}  # objective -> whether it is met / missed at some ending
        self.default = default_ending(doc)
        self.total = 0
        self.done = 0
        self.pool: ThreadPoolExecutor | None = None
        self.start_metrics = np.array([float(m.start) for m in sc.doc.metrics.values()])
        self.moved = np.zeros(len(sc.doc.metrics), np.bool_)  # metrics some state has away from the start
        self.by_depth: set[int] = set()  # scenes on a loop explored depth by depth (states looked up by hash)
        self.loops: set[int] = set()  # scenes on a loop (set by `scene_groups`)
        self.scorer = score_batch.Scorer(sc, self.layout)
        self.whole_metrics = whole_metrics(sc)

    # -- the order scenes are explored in ---------------------------------------------------

    def scene_groups(self) -> list[list[int]]:
        """Strongly connected groups of scenes, each after every group that can lead into it."""
        n = len(self.sc.doc.scenes)
        succ: list[list[int]] = [[] for _ in range(n)]
        for c in self.sc.choices.values():
            if c.next in self.sc.doc.scenes:
                succ[self.index[c.scene]].append(self.index[c.next])
        for events in self.sc.scene_events.values():
            for ev in events:
                if ev.goto and ev.goto in self.sc.doc.scenes:
                    succ[self.index[ev.scene]].append(self.index[ev.goto])
        groups = strongly_connected(n, succ)
        groups.reverse()  # Tarjan finishes a group after every group it leads to
        self.loops = {i for g in groups for i in g if len(g) > 1 or i in succ[i]}
        return groups

    # -- exploring -------------------------------------------------------------------------

    def run(self) -> BatchGraph:
        with ThreadPoolExecutor(THREADS) as pool:
            self.pool = pool
            try:
                return self._run()
            finally:
                self.pool = None

    def _run(self) -> BatchGraph:
        t0 = time.perf_counter()
        start = bs.initial(self.sc, self.layout)
        work = _Work(start, None, np.zeros(1, np.int64), np.ones(1), (), (), (), self.sc.doc.start, 0)
        for landing in self.arrive(work):
            self.deliver(-1, "", landing, np.zeros(len(landing.work), np.int64))
        order = self.scene_groups()
        for g in order:
            if len(g) == 1 and g[0] not in self.loops:
                p = g[0]
                new = self.admit(p, self.places[p].incoming)
                self.places[p].incoming = []
                self.expand(p, new)
            elif (plan := self.level_plan(g)) is not None:
                self.run_levels(*plan)
            else:
                self.run_loop(g)
            for p in g:
                self.places[p].forget_rows(self.keep_rows)
        for place in self.places:
            place.finish()
        if self.progress is not None:
            self.progress(self.total, self.total)
        moved = {m for m, flag in zip(self.layout.metrics, self.moved.tolist(), strict=True) if flag}
        return BatchGraph(
            self.sc,
            self.layout,
            self.places,
            self.index,
            self.steps,
            order,
            self.offered,
            self.objectives,
            moved,
            time.perf_counter() - t0,
        )

    def level_plan(self, group: list[int]) -> tuple[list[int], list[int]] | None:
        """For a loop that only closes through scenes whose visits are counted: (scene order, visit columns).

        Each time round such a loop adds a visit, so states can be taken level by level (total
        visits of those scenes), and within a level the scenes in story order, each admitted once.
        """
        tracked = [p for p in group if self.places[p].id in self.layout.scenes]
        if not tracked:
            return None
        members = set(group)
        succ: dict[int, set[int]] = {p: set() for p in group}
        for p in group:
            sid = self.places[p].id
            targets = [c.next for c in self.sc.scene_choices[sid]]
            targets += [ev.goto for ev in self.sc.scene_events[sid] if ev.goto]
            for t in targets:
                q = self.index.get(t or "", -1)
                if q in members and q not in tracked:
                    succ[p].add(q)
        local = {p: i for i, p in enumerate(group)}
        comps = strongly_connected(len(group), [[local[q] for q in succ[p]] for p in group])
        if any(len(c) > 1 or group[c[0]] in succ[group[c[0]]] for c in comps):
            return None  # play can circle without a counted visit: take it depth by depth
        order = [group[c[0]] for c in reversed(comps)]
        cols = [self.layout.visit_at + self.layout.scenes.index(self.places[p].id) for p in tracked]
        return order, cols

    def run_levels(self, order: list[int], cols: list[int]) -> None:
        """Expand a loop level by level (see `level_plan`): no state can come back to a level once it is done."""

        def level(item: Arrival) -> I64:
            data = item.rows.data if item.index is None else item.rows.data[item.index]
            return data[:, cols].sum(axis=1)  # type: ignore[no-any-return]

        self.rounds(order, level)

    def run_loop(self, group: list[int]) -> None:
        """Scenes on a loop: expand depth by depth, so each state is first reached by a shortest path."""
        self.by_depth.update(group)
        self.rounds(group, lambda item: item.depth)

    def rounds(self, order: list[int], key: Callable[[Arrival], I64]) -> None:
        """Take the waiting states with the lowest ``key`` across ``order``, scene by scene, until none wait."""
        while True:
            lows = [int(key(item).min()) for p in order for item in self.places[p].incoming]
            if not lows:
                return
            low = min(lows)
            for p in order:
                place = self.places[p]
                now: list[Arrival] = []
                later: list[Arrival] = []
                for item in place.incoming:
                    at = key(item) == low
                    if at.all():
                        now.append(item)
                    elif not at.any():
                        later.append(item)
                    else:
                        now.append(item.part(at))
                        later.append(item.part(~at))
                place.incoming = later
                if now:
                    self.expand(p, self.admit(p, now))

    def check_limits(self) -> None:
        if self.total > self.max_states:
            raise TooLarge(f"more than {self.max_states:,} reachable states")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TooLarge(f"more states than can be explored in {self.budget:g} s ({self.total:,} so far)")
        if self.progress is not None:
            self.progress(self.done, self.total)

    def deliver(self, src: int, choice: str, landing: _Landing, depth: I64, finals: Finals | None = None) -> None:
        w = landing.work
        step = Step(
            src,
            w.origin.astype(np.int32),
            choice,
            w.rolls,
            w.fired,
            w.passed,
            w.prob if w.rolls else None,
            landing.dst,
            error=landing.error,
            finals=finals,
        )
        self.steps.append(step)
        if landing.dst >= 0 and self.places[landing.dst].ending:
            place = self.places[landing.dst]
            if step.finals is None:  # the opening went straight to an ending
                step.finals, metrics, met = self.score(Rows(w.data()))
                for oid, seen in met.items():
                    self.objectives.setdefault(oid, set()).update(seen)
                tally = Tally(self.sc)
                Tally.add_grouped([tally], np.zeros(len(w), np.int64), step.finals, metrics, self.whole_metrics)
                self.merge_tally(place, tally)
                self.moved |= (metrics != self.start_metrics).any(axis=0)
            place.arrivals.append(len(self.steps) - 1)
            place.arrived += len(w)
            self.total += len(w)
        elif landing.dst >= 0:
            step.dst_rows = np.full(len(w), -1, np.int32)
            self.places[landing.dst].incoming.append(
                Arrival(len(self.steps) - 1, np.arange(len(w), dtype=np.int32), w.rows, w.index, depth)
            )

    def score(self, rows: Rows) -> tuple[Finals, F64, dict[str, set[bool]]]:
        """Score states that reach an ending: finals, final metrics, objectives met (pure: runs on any thread)."""
        env = bs.Env(rows, self.layout)
        scores = self.scorer.overall(rows)
        metrics = np.ascontiguousarray(rows.data[:, : len(self.layout.metrics)]).view(np.float64)
        met: dict[str, set[bool]] = {}
        for oid, node in self.sc.objectives:
            if node is not None:
                truth = expr_batch.truth(node, env)
                met[oid] = ({True} if truth.any() else set()) | ({False} if not truth.all() else set())
        finals = Finals(np.rint(scores * 10).astype(np.int16), score_batch.bands(self.sc, scores).astype(np.int8))
        return finals, metrics, met

    def admit(self, p: int, incoming: list[Arrival]) -> tuple[int, int]:
        """Add the distinct new states among ``incoming`` to place ``p``; point every step at its target row."""
        place = self.places[p]
        if not incoming:
            return place.count, place.count
        n = sum(len(item.depth) for item in incoming)
        data = np.empty((n, self.layout.width), np.int64)
        hashes = np.empty(n, np.uint64)
        k = len(self.layout.metrics)
        starts = np.cumsum([0] + [len(item.depth) for item in incoming]).tolist()

        def fill(span: tuple[int, int]) -> npt.NDArray[np.bool_]:
            """Gather items ``span`` into their rows of ``data`` and hash them (pure: runs on any thread)."""
            for i in range(*span):
                item, at, end = incoming[i], starts[i], starts[i + 1]
                if item.index is None:
                    data[at:end] = item.rows.data
                else:
                    np.take(item.rows.data, item.index, axis=0, out=data[at:end])
            a, b = starts[span[0]], starts[span[1]]
            hashes[a:b] = bs.row_hash(data[a:b])
            return (data[a:b, :k].view(np.float64) != self.start_metrics).any(axis=0)  # type: ignore[no-any-return]

        half = int(np.searchsorted(starts, n / 2))
        spans = [(0, half), (half, len(incoming))] if 0 < half < len(incoming) else [(0, len(incoming))]
        moved = list(self.pool.map(fill, spans)) if self.pool is not None and n > CHUNK else [fill(s) for s in spans]
        depth = np.concatenate([item.depth for item in incoming])
        inverse, leaders = dedupe(data, hashes, depth)
        target = self.lookup(place, data, hashes, leaders) if place.hashes else np.full(len(leaders), -1, np.int64)
        new = target < 0
        base = place.count
        fresh = np.sort(leaders[new])  # in arrival order: copying rows in order is far faster than at random
        if len(fresh):
            keep = np.zeros(n, np.bool_)
            keep[fresh] = True
            number = np.cumsum(keep) - 1 + base
            target[new] = number[leaders[new]]
            step_of = np.concatenate([np.full(len(item.depth), item.step, np.int32) for item in incoming])
            pos = np.concatenate([item.pos for item in incoming])
            all_new = len(fresh) == n
            for m in moved:
                self.moved |= m
            if self.keep_keys:  # before `compact`, which moves the rows it keeps within ``data``
                place.keys.append(bs.state_key(data if all_new else data[fresh]))
            place.add(
                data if all_new else compact(data, fresh),
                depth if all_new else depth[fresh],
                step_of if all_new else step_of[fresh],
                pos if all_new else pos[fresh],
            )
            if p in self.by_depth:  # later rounds of the loop look states up by hash
                self.remember(place, hashes[fresh], base + np.arange(len(fresh)))
            self.total += len(fresh)
        dst = target[inverse]
        at = 0
        for item in incoming:
            k = len(item.depth)
            self.steps[item.step].dst_rows[item.pos] = dst[at : at + k]
            at += k
        self.check_limits()
        return base, place.count

    @staticmethod
    def remember(place: Place, hashes: U64, rows: I64) -> None:
        sort = np.argsort(hashes)
        place.hashes.append((hashes[sort], rows[sort]))
        if len(place.hashes) > 8:  # keep lookups to a few sorted runs
            h = np.concatenate([x for x, _ in place.hashes])
            r = np.concatenate([y for _, y in place.hashes])
            sort = np.argsort(h, kind="stable")
            place.hashes = [(h[sort], r[sort])]

    def lookup(self, place: Place, key: I64, hashes: U64, leaders: I64) -> I64:
        """Rows already in ``place`` equal to each leader row, or -1."""
        found = np.full(len(leaders), -1, np.int64)
        existing = place.rows.data
        h = hashes[leaders]
        for sorted_h, rows_of in place.hashes:
            todo = np.nonzero(found < 0)[0]
            if not len(todo):
                break
            at = np.minimum(np.searchsorted(sorted_h, h[todo]), len(sorted_h) - 1)
            hit = sorted_h[at] == h[todo]
            idx, cand = todo[hit], rows_of[at[hit]]
            same = (existing[cand] == key[leaders[idx]]).all(axis=1)
            found[idx[same]] = cand[same]
            for i, j in zip(idx[~same], at[hit][~same], strict=True):  # two states, one hash: compare each
                j = int(j) + 1
                while j < len(sorted_h) and sorted_h[j] == h[i]:
                    if (existing[rows_of[j]] == key[leaders[i]]).all():
                        found[i] = rows_of[j]
                        break
                    j += 1
        return found

    def expand(self, p: int, span: tuple[int, int]) -> None:
        """Take every available choice from the place's states ``span[0]:span[1]``.

        The states go in chunks small enough for numpy's temporaries to stay in cache, on two
        threads (numpy lets go of the GIL while it computes); the results are recorded in
        chunk order, so exploring is deterministic.
        """
        a, b = span
        if a == b:
            return
        chunks = [(c, min(b, c + CHUNK)) for c in range(a, b, CHUNK)]
        if len(chunks) > 1 and self.pool is not None:
            results: Iterable[_Expanded] = self.pool.map(lambda c: self.expand_chunk(p, c), chunks)
        else:
            results = (self.expand_chunk(p, c) for c in chunks)
        place = self.places[p]
        for result in results:
            for choice, count in result.offered.items():
                self.offered[choice] += count
            for choice_id, landing, depth, finals, met in result.landings:
                self.deliver(p, choice_id, landing, depth, finals)
                for oid, seen in met.items():
                    self.objectives.setdefault(oid, set()).update(seen)
            if len(result.stuck):
                place.stuck_parts.append(result.stuck)
            for dst, tally in result.tallies.items():
                self.merge_tally(self.places[dst], tally)
            if result.moved is not None:
                self.moved |= result.moved
            self.done += result.size
            self.check_limits()

    @staticmethod
    def merge_tally(place: Place, tally: Tally) -> None:
        if place.tally is None:
            place.tally = tally
        else:
            place.tally.merge(tally)

    def expand_chunk(self, p: int, span: tuple[int, int]) -> _Expanded:
        """Every available choice from states ``span`` of place ``p`` (pure: runs on any thread)."""
        a, b = span
        place = self.places[p]
        batch = place.segment(a, b)
        depth = place.depth[a:b]
        layout = self.layout
        env = bs.Env(batch, layout)
        out = _Expanded(b - a)
        any_option = np.zeros(b - a, np.bool_)
        for choice in self.sc.scene_choices[place.id]:
            mask = bs.holds(choice.when, env)
            if choice.model.once:
                mask &= ~env.chose(choice.id)
            idx = np.nonzero(mask)[0]
            if not len(idx):
                continue
            out.offered[choice.id] = len(idx)
            any_option |= mask
            sub = batch.take(idx)
            bs.apply_effects(self.sc, layout, sub, choice.effects)
            bs.set_flags(layout, sub, choice.sets, choice.clears)
            bs.remember_choice(layout, sub, choice.id)
            bs.add_turn(layout, sub)
            work = _Work(sub, None, idx + a, np.ones(len(idx)), (), (), (), choice.next, 0)
            for landing in self.arrive(work):
                out.landings.append((choice.id, landing, depth[landing.work.origin - a] + 1, None, {}))
        out.stuck = np.nonzero(~any_option)[0] + a
        self.score_endings(out)
        return out

    def score_endings(self, out: _Expanded) -> None:
        """Score every state of a chunk that reached an ending in one go, then hand each step its part."""
        ends = [
            i for i, (_, landing, *_) in enumerate(out.landings) if landing.dst >= 0 and self.places[landing.dst].ending
        ]
        if not ends:
            return
        dsts = sorted({out.landings[i][1].dst for i in ends})
        slot = {d: j for j, d in enumerate(dsts)}
        tallies = [Tally(self.sc) for _ in dsts]
        out.tallies = dict(zip(dsts, tallies, strict=True))
        # Landings that share their rows split them between endings (a settle): score those rows where
        # they lie. The rest (rows changed by an event on the way) are gathered into one batch.
        by_rows: dict[int, list[int]] = {}
        for i in ends:
            by_rows.setdefault(id(out.landings[i][1].work.rows), []).append(i)
        gathered: list[int] = []
        batches: list[tuple[Rows, list[tuple[int, I64 | slice]]]] = []
        for members in by_rows.values():
            rows = out.landings[members[0]][1].work.rows
            if sum(len(out.landings[i][1].work) for i in members) == len(rows):
                batches.append((rows, [(i, as_pick(out.landings[i][1].work.index)) for i in members]))
            else:
                gathered += members
        if gathered:
            parts = [out.landings[i][1].work.data() for i in gathered]
            at = 0
            spans: list[tuple[int, I64 | slice]] = []
            for i, part in zip(gathered, parts, strict=True):
                spans.append((i, slice(at, at + len(part))))
                at += len(part)
            batches.append((Rows(np.concatenate(parts) if len(parts) > 1 else parts[0]), spans))
        for rows, picks in batches:
            finals, metrics, met = self.score(rows)
            moved = (metrics != self.start_metrics).any(axis=0)
            out.moved = moved if out.moved is None else out.moved | moved
            group = np.empty(len(rows), np.int64)
            for i, pick in picks:
                group[pick] = slot[out.landings[i][1].dst]
            Tally.add_grouped(tallies, group, finals, metrics, self.whole_metrics)
            for i, pick in picks:
                choice, landing, depth, _, old = out.landings[i]
                piece = Finals(finals.tenths[pick], finals.band[pick])
                out.landings[i] = (choice, landing, depth, piece, old)
            first = picks[0][0]
            choice, landing, depth, piece_, old = out.landings[first]
            merged = {oid: old.get(oid, set()) | seen for oid, seen in met.items()}
            out.landings[first] = (choice, landing, depth, piece_, merged)

    def arrive(self, first: _Work) -> list[_Landing]:
        """Follow a batch into the scene (or ending) it goes to, through events and diversions."""
        out: list[_Landing] = []
        stack = [first]
        sc = self.sc
        layout = self.layout
        while stack:
            w = stack.pop()
            if w.event < 0:
                if w.target == END:
                    stack += self.settle(w, out)
                    continue
                if w.target in sc.doc.endings:
                    out.append(_Landing(w, self.index[w.target]))
                    continue
                w.scene, w.event = w.target, 0
                if w.scene in layout.scenes:
                    bs.add_visit(layout, w.own(), w.scene)
            events = sc.scene_events[w.scene]
            if w.event >= len(events):
                out.append(_Landing(w, self.index[w.scene]))
                continue
            ev = events[w.event]
            env = w.env(layout)
            when = bs.holds(ev.when, env)
            if isinstance(ev.chance, float):
                p = np.full(len(w), min(1.0, max(0.0, ev.chance)))
            else:
                p = np.minimum(1.0, np.maximum(0.0, expr_batch.number(ev.chance, env)))
            live = when & (p > 0.0)
            if not live.any():  # the event fires for none of them
                w.event += 1
                stack.append(w)
                continue
            certain = live & (p >= 1.0)
            chance = live & (p < 1.0)
            skip = ~live
            if skip.any():
                stack.append(w.part(skip, event=w.event + 1))
            if certain.any():
                stack += self.fire(w.part(certain), ev, out, shared=False)
            if chance.any():
                fire = w.part(chance, rolls=(*w.rolls, (ev.id, True)))
                fire.prob = fire.prob * p[chance]
                miss = w.part(chance, event=w.event + 1, rolls=(*w.rolls, (ev.id, False)))
                miss.prob = miss.prob * (1.0 - p[chance])
                stack.append(miss)
                stack += self.fire(fire, ev, out, shared=True)
        return out

    def fire(self, w: _Work, ev: CompiledEvent, out: list[_Landing], shared: bool) -> list[_Work]:
        """Apply a firing event; on a copy when the other half of a chance split still reads the same rows."""
        if w.index is not None:
            w.rows, w.index = w.rows.take(w.index), None
        elif shared:
            w.rows = w.rows.copy()
        rows = w.rows
        bs.apply_effects(self.sc, self.layout, rows, ev.effects)
        bs.set_flags(self.layout, rows, ev.sets, ev.clears)
        w.fired = (*w.fired, ev.id)
        if not ev.goto:
            w.event += 1
            return [w]
        w.passed = (*w.passed, w.scene)
        w.diverts += 1
        if w.diverts > MAX_DIVERTS:
            out.append(_Landing(w, -1, DIVERT_LOOP))
            return []
        w.target, w.event = ev.goto, -1
        return [w]

    def settle(self, w: _Work, out: list[_Landing]) -> list[_Work]:
        """`next: end`: the first ending whose `when` holds, else the default ending."""
        remaining = np.ones(len(w), np.bool_)
        env = w.env(self.layout)
        found: list[_Work] = []
        for eid, when in self.sc.endings_by_condition:
            if when is None:
                continue
            hold = bs.holds(when, env) & remaining
            if hold.any():
                found.append(w.part(hold, target=eid))
                remaining &= ~hold
            if not remaining.any():
                break
        if remaining.any():
            if self.default is None:
                out.append(_Landing(w.part(remaining), -1, NO_DEFAULT))
            else:
                found.append(w.part(remaining, target=self.default))
        return found


def explore(
    sc: Scenario,
    max_states: int = MAX_STATES,
    budget: float | None = None,
    progress: Progress | None = None,
    keep_rows: bool = False,
    keep_keys: bool = False,
) -> BatchGraph:
    """Every reachable state of a scenario; raises `TooLarge` past ``max_states`` or ``budget`` seconds.

    ``keep_keys`` keeps each scene state's hash (`Place.keys`), which the outcome map stores.
    """
    return Explorer(sc, max_states, budget, progress, keep_rows, keep_keys).run()
