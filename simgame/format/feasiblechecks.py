"""Warnings the metric ranges alone can prove: a `when:` that never holds (SG408), a chance that
can leave 0-1 (SG409), an arm of conditional text that can never show (SG611).

They need no exploration, so `simgame validate` gives them as the author types. SG408, SG611 and
a chance never above 0 are certain (`simgame.format.feasible` over-approximates, so they never
name something that can happen). A chance above 1 is what the ranges do not rule out: the
analysis narrows a metric inside `if()` arms, but not across terms that cancel (`risk - risk`).
"""

from __future__ import annotations

from simgame.format import feasible, variants
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.expr import Node
from simgame.format.textchecks import located, passages
from simgame.format.yamlsource import PathKey


def ranges_of(sc: Scenario) -> feasible.Ranges:
    doc = sc.doc
    settable: set[str] = set()
    for scene in doc.scenes.values():
        for ch in scene.choices:
            settable |= set(ch.set)
        for ev in scene.events:
            settable |= set(ev.set)
    for fixture in doc.fixtures.values():
        settable |= set(fixture.flags)
    metrics = {mid: (float(m.min), float(m.max)) for mid, m in doc.metrics.items()}
    return feasible.Ranges(metrics, frozenset(settable))


def impossible(sc: Scenario) -> list[Diagnostic]:
    r = ranges_of(sc)
    out: list[Diagnostic] = []
    for (path, what), node in _conditions(sc):
        if feasible.truth(node, r) == frozenset({False}):
            out.append(
                sc.smap.diag(
                    "SG408",
                    f"this `when:` can never hold, so the {what} can never happen: the metric ranges "
                    "(and the flags anything sets) rule it out",
                    path,
                    hint="check the numbers against each metric's `min` and `max`, and that some choice or "
                    "event sets each flag it needs",
                )
            )
    for sid, events in sc.scene_events.items():
        for i, ev in enumerate(events):
            if isinstance(ev.chance, float):
                continue
            _, hi = feasible.interval(ev.chance, r)
            # Below 0 for some states is a natural way to write "never when trust is high"; above 1
            # (certain, whatever the author meant) or never above 0 (the event cannot fire) is not.
            if hi > 1 or hi <= 0:
                reach = "grow without limit" if hi == feasible.INF else f"reach {hi:g}"  # as far as the ranges tell
                problem = (
                    f"can {reach} as far as the metric ranges tell, and play treats anything above 1 as certain"
                    if hi > 1
                    else ("is never above 0 given the metric ranges, so the event can never fire")
                )
                out.append(
                    sc.smap.diag(
                        "SG409",
                        f"this chance {problem}",
                        ("scenes", sid, "events", _event_index(sc, sid, ev.id, i), "chance"),
                        hint="keep it inside 0-1, e.g. `clamp(0.6 + governance / 50, 0, 1)`, or use smaller steps",
                    )
                )
    out += _dead_arms(sc, r)
    return out


def _event_index(sc: Scenario, sid: str, eid: str, fallback: int) -> int:
    events = sc.doc.scenes[sid].events
    return next((i for i, e in enumerate(events) if e.id == eid), fallback)


def _conditions(sc: Scenario) -> list[tuple[tuple[PathKey, str], Node]]:
    found: list[tuple[tuple[PathKey, str], Node]] = []
    for ch in sc.choices.values():
        if ch.when is not None and not ch.synthetic:
            found.append(((("scenes", ch.scene, "choices", ch.index, "when"), f"choice `{ch.id}`"), ch.when))
    for sid, events in sc.scene_events.items():
        for ev in events:
            if ev.when is not None:
                i = _event_index(sc, sid, ev.id, 0)
                found.append(((("scenes", sid, "events", i, "when"), f"event `{ev.id}`"), ev.when))
    for eid, node in sc.endings_by_condition:
        if node is not None:
            found.append(((("endings", eid, "when"), f"ending `{eid}`"), node))
    for i, line in enumerate(sc.red_lines):
        found.append(((("debrief", "red_lines", i, "when"), f"red line `{line.id}`"), line.when))
    return found


def _dead_arms(sc: Scenario, r: feasible.Ranges) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for key, path, text in passages(sc.doc):
        compiled = sc.texts.get(key)
        if compiled is None:
            continue
        template, conditions = compiled
        for piece in _conditionals(template):
            settled = False
            for i, branch in enumerate(piece.branches):
                node = conditions.get(branch.offset) if branch.source is not None else None
                can = feasible.BOTH if node is None else feasible.truth(node, r)
                never = settled or (branch.source is not None and node is not None and True not in can)
                if never:
                    word = "if" if i == 0 else "elif"
                    tag = f"{{{word} {branch.source}}}" if branch.source is not None else "{else}"
                    why = "an earlier condition always holds" if settled else "its condition can never hold"
                    out.append(
                        located(
                            sc.smap,
                            path,
                            text,
                            branch.offset,
                            "SG611",
                            f"the arm `{tag[:40]}` can never show: {why}",
                            "check the condition against the metric ranges, or remove the arm",
                        )
                    )
                if node is not None and False not in can:
                    settled = True
    return out


def _conditionals(template: variants.Template) -> list[variants.Conditional]:
    found: list[variants.Conditional] = []
    for piece in template:
        if isinstance(piece, variants.Conditional):
            found.append(piece)
            for branch in piece.branches:
                found += _conditionals(branch.body)
    return found
