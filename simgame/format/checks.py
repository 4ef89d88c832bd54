"""Semantic checks: references, expressions, reachability, id clashes.

Runs after the shape check. Collects every problem (not just the first), each located
through the SourceMap, filling in the compiled :class:`Scenario` as it goes;
`simgame.format.compile` runs the passes and keeps the result when there are no errors.

A little over 400 lines on purpose: one `Checker` whose passes share the name tables,
the source map and the list of diagnostics.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from simgame.format import expr
from simgame.format.compiled import END, CompiledChoice, CompiledEvent, Effect, Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.model import ScenarioDoc
from simgame.format.story import continue_choice, default_ending, reachability, reads_of
from simgame.format.yamlsource import PathKey, SourceMap

RESERVED = {"end"}  # `next: end` settles the ending, so no scene or ending may be called `end`
EXPR_WORDS = expr.KEYWORDS | set(expr.ID_FUNCTIONS) | set(expr.NUM_FUNCTIONS) | {"turn", "if"}


@dataclass
class _Names:
    metrics: frozenset[str]
    flags: frozenset[str]
    scenes: frozenset[str]
    choices: frozenset[str]


def _hint(name: str, pool: Iterable[str], fallback: str) -> str:
    close = difflib.get_close_matches(name, sorted(pool), n=1)
    return f"did you mean `{close[0]}`?" if close else fallback


class Checker:
    def __init__(self, doc: ScenarioDoc, smap: SourceMap, glossary: frozenset[str] | None) -> None:
        self.doc = doc
        self.smap = smap
        self.glossary = glossary
        self.diags: list[Diagnostic] = []
        choice_ids = [c.id for s in doc.scenes.values() for c in s.choices]
        self.names = _Names(
            metrics=frozenset(doc.metrics),
            flags=frozenset(doc.flags),
            scenes=frozenset(doc.scenes),
            choices=frozenset(choice_ids),
        )
        self.targets = frozenset(doc.scenes) | frozenset(doc.endings)

    # -- helpers -------------------------------------------------------
    def err(self, code: str, message: str, path: PathKey, hint: str = "", key: bool = False) -> None:
        self.diags.append(self.smap.diag(code, message, path, hint=hint, key=key))

    def compile_expr(self, source: str, path: PathKey, want: expr.Type) -> expr.Node | None:
        try:
            node = expr.parse(source)
            got = expr.check(node, self.names)
        except expr.ExprError as exc:
            self.diags.append(
                self.smap.diag(exc.code, exc.message, path, hint=exc.hint, offset=self._expr_offset(path, exc.offset))
            )
            return None
        if got != want:
            hint = (
                "write a comparison such as `trust >= 50`"
                if want == "bool"
                else "write a number or a formula such as `risk / 10`"
            )
            self.err("SG503", f"expected a {'condition' if want == 'bool' else 'number'}, got a {got}", path, hint=hint)
            return None
        return node

    def _expr_offset(self, path: PathKey, offset: int) -> int:
        line, col = self.smap.locate(path)
        text = self.smap.snippet(line)
        start = col - 1
        if start < len(text) and text[start] in "\"'":
            return offset + 1
        if start < len(text) and text[start] in "|>":
            return 0
        return offset

    def metric_ref(self, name: str, path: PathKey, key: bool = True) -> None:
        if name not in self.names.metrics and name in self.names.flags:
            self.err(
                "SG302",
                f"`{name}` is a flag, not a metric",
                path,
                key=key,
                hint=f"effects move metrics by numbers; turn a flag on with `set: [{name}]` (off with `clear:`)"
                if "effects" in path
                else "name one of the metrics here; flags are on or off, not numbers",
            )
        elif name not in self.names.metrics:
            self.err(
                "SG302",
                f"unknown metric `{name}`",
                path,
                key=key,
                hint=_hint(name, self.names.metrics, "declare it under `metrics:`"),
            )

    def flag_ref(self, name: str, path: PathKey) -> None:
        if name not in self.names.flags:
            self.err(
                "SG303", f"unknown flag `{name}`", path, hint=_hint(name, self.names.flags, "declare it under `flags:`")
            )

    def target_ref(self, target: str, path: PathKey, allow_end: bool = True) -> None:
        if target == END and allow_end:
            return
        if target not in self.targets:
            self.err(
                "SG300",
                f"`{target}` is not a scene or ending of this scenario",
                path,
                hint=_hint(target, self.targets, "use a scene id, an ending id, or `end`"),
            )

    def effects(self, effects: dict[str, float | str], path: PathKey) -> tuple[Effect, ...]:
        out = []
        for metric, value in effects.items():
            self.metric_ref(metric, (*path, metric))
            if isinstance(value, str):
                node = self.compile_expr(value, (*path, metric), "number")
                out.append(Effect(metric, None, node))
            else:
                out.append(Effect(metric, float(value), None))
        return tuple(out)

    # -- passes --------------------------------------------------------
    def check_ids(self) -> None:
        doc = self.doc
        for name in [*doc.metrics, *doc.flags]:
            kind = "metrics" if name in doc.metrics else "flags"
            if name in EXPR_WORDS:
                self.err(
                    "SG206",
                    f"`{name}` is a word of the condition language and cannot name a metric or flag",
                    (kind, name),
                    key=True,
                    hint="choose another name, e.g. add a suffix",
                )
        for name in doc.flags:
            if name in doc.metrics:
                self.err("SG207", f"`{name}` is both a metric and a flag", ("flags", name), key=True)
        for sid in [*doc.scenes, *doc.endings]:
            kind = "scenes" if sid in doc.scenes else "endings"
            if sid in RESERVED:
                self.err(
                    "SG206",
                    f'`{sid}` is a reserved word: `next: end` means "settle the ending"',
                    (kind, sid),
                    key=True,
                    hint="rename it, for example `wrap-up`",
                )
        for eid in doc.endings:
            if eid in doc.scenes:
                self.err(
                    "SG207",
                    f"`{eid}` is both a scene and an ending",
                    ("endings", eid),
                    key=True,
                    hint="scenes and endings share one set of ids",
                )
        seen: dict[str, str] = {}
        for sid, scene in doc.scenes.items():
            for i, choice in enumerate(scene.choices):
                if choice.id in seen:
                    self.err(
                        "SG207",
                        f"choice id `{choice.id}` is already used in scene `{seen[choice.id]}`",
                        ("scenes", sid, "choices", i, "id"),
                        hint="choice ids are unique across the scenario so chose() is unambiguous",
                    )
                seen.setdefault(choice.id, sid)
            event_ids: set[str] = set()
            for i, event in enumerate(scene.events):
                if event.id in event_ids:
                    self.err(
                        "SG207",
                        f"event id `{event.id}` appears twice in this scene",
                        ("scenes", sid, "events", i, "id"),
                    )
                event_ids.add(event.id)
        for kind, items in (
            ("objectives", [o.id for o in doc.objectives]),
            ("bands", [b.id for b in doc.debrief.bands]),
        ):
            dup: set[str] = set()
            for i, item_id in enumerate(items):
                if item_id in dup:
                    path: PathKey = (kind, i, "id") if kind == "objectives" else ("debrief", "bands", i, "id")
                    self.err("SG207", f"duplicate id `{item_id}`", path)
                dup.add(item_id)

    def check_metrics(self) -> None:
        for mid, m in self.doc.metrics.items():
            if m.min >= m.max:
                self.err("SG203", f"metric `{mid}`: min must be below max", ("metrics", mid, "min"))
            elif not m.min <= m.start <= m.max:
                self.err(
                    "SG203",
                    f"metric `{mid}`: start {m.start:g} is outside {m.min:g}..{m.max:g}",
                    ("metrics", mid, "start"),
                )

    def compile_scenes(self, sc: Scenario) -> None:
        doc = self.doc
        if doc.start not in doc.scenes:
            self.err(
                "SG300",
                f"start scene `{doc.start}` does not exist",
                ("start",),
                hint=_hint(doc.start, doc.scenes, "name one of the scenes"),
            )
        for sid, scene in doc.scenes.items():
            base: PathKey = ("scenes", sid)
            if scene.phase not in doc.phases:
                self.err(
                    "SG304",
                    f"unknown phase `{scene.phase}`",
                    (*base, "phase"),
                    hint=_hint(scene.phase, doc.phases, "declare it under `phases:`"),
                )
            if self.glossary is not None:
                for i, term in enumerate(scene.terms):
                    if term not in self.glossary:
                        self.err(
                            "SG305",
                            f"`{term}` is not in the shared glossary",
                            (*base, "terms", i),
                            hint=_hint(
                                term,
                                self.glossary,
                                "define it in a glossary.yaml beside this scenario (it adds to the shared glossary)",
                            ),
                        )
            compiled: list[CompiledChoice] = []
            if scene.next is not None:
                self.target_ref(scene.next, (*base, "next"))
                if scene.choices:
                    self.err(
                        "SG203",
                        "a scene has either choices or `next` (a pass-through), not both",
                        (*base, "next"),
                        key=True,
                        hint="remove `next`, or move it onto a choice",
                    )
                else:
                    cc = continue_choice(sid, scene.next)
                    compiled.append(cc)
                    sc.choices[cc.id] = cc
            elif not scene.choices:
                self.err(
                    "SG401",
                    f"scene `{sid}` has no choices and no `next`",
                    base,
                    key=True,
                    hint="add choices, or `next: SCENE` to make it a pass-through scene",
                )
            for i, ch in enumerate(scene.choices):
                p: PathKey = (*base, "choices", i)
                when = self.compile_expr(ch.when, (*p, "when"), "bool") if ch.when else None
                for f in ch.set:
                    self.flag_ref(f, (*p, "set"))
                for f in ch.clear:
                    self.flag_ref(f, (*p, "clear"))
                self.target_ref(ch.next, (*p, "next"))
                cc = CompiledChoice(
                    ch.id,
                    sid,
                    i,
                    ch,
                    when,
                    self.effects(ch.effects, (*p, "effects")),
                    tuple(ch.set),
                    tuple(ch.clear),
                    ch.next,
                )
                compiled.append(cc)
                sc.choices.setdefault(ch.id, cc)
            sc.scene_choices[sid] = tuple(compiled)
            events: list[CompiledEvent] = []
            for i, ev in enumerate(scene.events):
                p = (*base, "events", i)
                when = self.compile_expr(ev.when, (*p, "when"), "bool") if ev.when else None
                chance: expr.Node | float = 1.0
                if isinstance(ev.chance, str):
                    chance = self.compile_expr(ev.chance, (*p, "chance"), "number") or 0.0
                elif ev.chance is not None:
                    chance = float(ev.chance)
                    if not 0 <= chance <= 1:
                        self.err(
                            "SG203",
                            "a chance is a probability between 0 and 1",
                            (*p, "chance"),
                            hint="write 0.25 for a one-in-four chance",
                        )
                for f in ev.set:
                    self.flag_ref(f, (*p, "set"))
                for f in ev.clear:
                    self.flag_ref(f, (*p, "clear"))
                if ev.goto is not None:
                    self.target_ref(ev.goto, (*p, "goto"), allow_end=False)
                reads = reads_of(
                    [n for n in (when, chance) if n is not None and not isinstance(n, float)], self.names.flags
                )
                events.append(
                    CompiledEvent(
                        ev.id,
                        sid,
                        ev,
                        when,
                        chance,
                        self.effects(ev.effects, (*p, "effects")),
                        tuple(ev.set),
                        tuple(ev.clear),
                        ev.goto,
                        reads,
                    )
                )
            sc.scene_events[sid] = tuple(events)

    def compile_rest(self, sc: Scenario) -> None:
        doc = self.doc
        endings = []
        for eid, ending in doc.endings.items():
            when = self.compile_expr(ending.when, ("endings", eid, "when"), "bool") if ending.when else None
            endings.append((eid, when))
        sc.endings_by_condition = tuple(endings)
        objectives = []
        for i, obj in enumerate(doc.objectives):
            when = self.compile_expr(obj.when, ("objectives", i, "when"), "bool") if obj.when else None
            objectives.append((obj.id, when))
        sc.objectives = tuple(objectives)
        for did, dim in doc.debrief.dimensions.items():
            base: PathKey = ("debrief", "dimensions", did)
            for metric in dim.from_:
                self.metric_ref(metric, (*base, "from", metric))
            nodes = []
            for i, adj in enumerate(dim.adjust):
                node = self.compile_expr(adj.when, (*base, "adjust", i, "when"), "bool")
                nodes.append(node or expr.Bool(False, 0))
            sc.adjustments[did] = tuple(nodes)
        mins = [b.min for b in doc.debrief.bands]
        if mins != sorted(mins, reverse=True):
            self.err(
                "SG203",
                "bands must be listed highest first",
                ("debrief", "bands"),
                hint="order the bands by `min`, from the highest to 0",
            )
        elif mins[-1] > 0:
            self.err(
                "SG203",
                "the last band must start at 0 so every score has a band",
                ("debrief", "bands", len(mins) - 1, "min"),
                hint="set `min: 0` on the lowest band",
            )
        for fid, fx in doc.fixtures.items():
            base = ("fixtures", fid)
            if fx.scene not in doc.scenes:
                self.err(
                    "SG300",
                    f"fixture scene `{fx.scene}` does not exist",
                    (*base, "scene"),
                    hint=_hint(fx.scene, doc.scenes, "name a scene"),
                )
            for metric in fx.metrics:
                self.metric_ref(metric, (*base, "metrics", metric))
            for i, flag in enumerate(fx.flags):
                self.flag_ref(flag, (*base, "flags", i))

    def check_structure(self) -> None:
        """Reachability on the scene graph: unreachable scenes, endings, and traps with no way out."""
        doc = self.doc
        end_targets = self._end_targets()
        edges: dict[str, set[str]] = {}
        for sid, scene in doc.scenes.items():
            out: set[str] = set()
            for nxt in [ch.next for ch in scene.choices] + ([scene.next] if scene.next else []):
                out |= end_targets if nxt == END else {nxt}
            for ev in scene.events:
                if ev.goto:
                    out.add(ev.goto)
            edges[sid] = {t for t in out if t in doc.scenes or t in doc.endings}
        if doc.start not in doc.scenes:
            return
        reached, can_finish = reachability(edges, doc.start, set(doc.endings))
        for sid in doc.scenes:
            if sid not in reached:
                self.err(
                    "SG400",
                    f"scene `{sid}` cannot be reached from `{doc.start}`",
                    ("scenes", sid),
                    key=True,
                    hint="point a choice's `next` or an event's `goto` at it, or remove it",
                )
        for eid in doc.endings:
            if eid not in reached:
                why = "no choice or event leads to it"
                if self._uses_end():
                    why += ", and `next: end` only picks endings with `when` or the last one without"
                self.err(
                    "SG402",
                    f"ending `{eid}` cannot be reached: {why}",
                    ("endings", eid),
                    key=True,
                    hint="point a `next`/`goto` at it, give it a `when`, or move it last as the default",
                )
        for sid in doc.scenes:
            if sid in reached and sid not in can_finish:
                self.err(
                    "SG406",
                    f"from scene `{sid}` no path leads to an ending",
                    ("scenes", sid),
                    key=True,
                    hint="the story loops here forever; give one choice a way out",
                )
        if self._uses_end() and all(e.when for e in doc.endings.values()):
            last = list(doc.endings)[-1]
            self.diags.append(
                self.smap.diag(
                    "SG403",
                    "every ending has a `when`, so `next: end` may find no ending",
                    ("endings", last),
                    key=True,
                    hint="remove `when` from the last ending to make it the default",
                )
            )

    def _uses_end(self) -> bool:
        return any(ch.next == END for s in self.doc.scenes.values() for ch in s.choices) or any(
            s.next == END for s in self.doc.scenes.values()
        )

    def _end_targets(self) -> set[str]:
        """Endings `next: end` can pick: every conditional one, and the default."""
        targets = {eid for eid, ending in self.doc.endings.items() if ending.when}
        default = default_ending(self.doc)
        if default:
            targets.add(default)
        return targets
