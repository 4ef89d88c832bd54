"""The story map: scenes clustered by phase, endings, chance events, problems highlighted.

Works from the document model alone, so it also draws a scenario that does not
validate yet (unreachable scenes and dead ends are exactly what an author wants to
see then). Two outputs: Mermaid (renders in GitHub Markdown) and Graphviz DOT.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from simgame.format.model import ScenarioDoc
from simgame.format.story import default_ending, reachability

END = "end"


@dataclass
class Edge:
    source: str
    target: str
    label: str
    kind: str  # choice | resolve (next: end) | chance | event (certain consequence)


@dataclass
class StoryGraph:
    doc: ScenarioDoc
    edges: list[Edge] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    dead_ends: set[str] = field(default_factory=set)  # scenes from which no ending can be reached
    chance_scenes: set[str] = field(default_factory=set)


LABEL_WIDTH = 28  # characters per line of a node or edge label: labels wrap, never lose words


def _lines(text: str, width: int = LABEL_WIDTH) -> list[str]:
    """``text`` wrapped to ``width``, every word kept (a long word gets a line of its own)."""
    return textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False) or [""]


def build(doc: ScenarioDoc) -> StoryGraph:
    g = StoryGraph(doc)
    ends = [eid for eid, e in doc.endings.items() if e.when]
    default = default_ending(doc)
    if default:
        ends.append(default)
    for sid, scene in doc.scenes.items():
        exits: list[tuple[str, str]] = [(c.next, c.label) for c in scene.choices]
        pass_next = getattr(scene, "next", None)
        if pass_next:
            exits.append((pass_next, "continue"))
        for target, label in exits:
            if target == END:
                g.edges += [Edge(sid, eid, label, "resolve") for eid in ends]
            else:
                g.edges.append(Edge(sid, target, label, "choice"))
        for ev in scene.events:
            chance = ev.chance
            if chance is not None and not (isinstance(chance, float | int) and chance >= 1):
                g.chance_scenes.add(sid)
            if ev.goto:
                label = (
                    f"{ev.id} ({chance:.0%})"
                    if isinstance(chance, float | int)
                    else f"{ev.id} (chance)"
                    if chance is not None
                    else ev.id
                )
                g.edges.append(Edge(sid, ev.goto, label, "chance" if chance is not None else "event"))
    nodes = set(doc.scenes) | set(doc.endings)
    out: dict[str, set[str]] = {n: set() for n in nodes}
    for e in g.edges:
        if e.source in out and e.target in nodes:
            out[e.source].add(e.target)
    if doc.start in nodes:
        reached, finishes = reachability(out, doc.start, set(doc.endings))
    else:
        reached, finishes = set(), reachability(out, next(iter(nodes)), set(doc.endings))[1]
    g.unreachable = nodes - reached
    g.dead_ends = set(doc.scenes) - finishes
    return g


def _ids(doc: ScenarioDoc) -> dict[str, str]:
    """Safe diagram ids (`end` and hyphens confuse Mermaid)."""
    return {name: f"n{i}" for i, name in enumerate([*doc.scenes, *doc.endings])}


def _mm(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(g: StoryGraph) -> str:
    doc = g.doc
    ids = _ids(doc)
    lines = ["flowchart TD"]
    for pid, phase in doc.phases.items():
        members = [s for s, scene in doc.scenes.items() if scene.phase == pid]
        if not members:
            continue
        lines.append(
            f'  subgraph ph_{pid.replace("-", "_")}["{_mm(phase.label)}'
            f'{" (failure)" if phase.kind == "failure" else ""}"]'
        )
        for sid in members:
            title = doc.scenes[sid].title or sid
            mark = " (chance)" if sid in g.chance_scenes else ""  # words, not an emoji a browser may lack
            lines.append(f'    {ids[sid]}["{_mm_lines(title)}{mark}<br/>{sid}"]')
        lines.append("  end")
    for eid, ending in doc.endings.items():
        lines.append(f'  {ids[eid]}(["{_mm_lines(ending.title)}<br/>ending: {eid}"])')
    for e in g.edges:
        if e.target not in ids or e.source not in ids:
            continue
        arrow = "-.->" if e.kind in ("chance", "resolve") else "==>" if e.kind == "event" else "-->"
        lines.append(f'  {ids[e.source]} {arrow}|"{_mm_lines(e.label)}"| {ids[e.target]}')
    lines += [
        "  classDef good fill:#d4edda,stroke:#2e7d32",
        "  classDef mixed fill:#fff3cd,stroke:#b08800",
        "  classDef bad fill:#f8d7da,stroke:#c62828",
        "  classDef unreachable fill:#eeeeee,stroke:#c62828,stroke-width:3px,stroke-dasharray:5 5",
        "  classDef deadend fill:#ffe0b2,stroke:#e65100,stroke-width:3px",
        "  classDef startnode stroke:#1565c0,stroke-width:3px",
    ]
    for tone in ("good", "mixed", "bad"):
        members = [ids[eid] for eid, e in doc.endings.items() if e.tone == tone]
        if members:
            lines.append(f"  class {','.join(members)} {tone}")
    if doc.start in ids:
        lines.append(f"  class {ids[doc.start]} startnode")
    for cls, names in (("deadend", g.dead_ends), ("unreachable", g.unreachable)):
        members = [ids[n] for n in sorted(names) if n in ids]
        if members:
            lines.append(f"  class {','.join(members)} {cls}")
    return "\n".join(lines) + "\n"


def _mm_lines(text: str) -> str:
    return "<br/>".join(_mm(line) for line in _lines(text))


def _dq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(g: StoryGraph) -> str:
    doc = g.doc
    lines = [
        f"digraph {_dq(doc.id)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for pid, phase in doc.phases.items():
        members = [s for s, scene in doc.scenes.items() if scene.phase == pid]
        if not members:
            continue
        lines.append(f"  subgraph {_dq('cluster_' + pid)} {{")
        lines.append(f"    label={_dq(phase.label + (' (failure)' if phase.kind == 'failure' else ''))};")
        if phase.kind == "failure":
            lines.append('    style=filled; fillcolor="#fdecea";')
        for sid in members:
            attrs = [f"label={_dq(chr(10).join(_lines(doc.scenes[sid].title or sid)) + chr(10) + sid)}"]
            if sid in g.unreachable:
                attrs += ['fillcolor="#eeeeee"', 'color="#c62828"', "penwidth=3", 'style="rounded,filled,dashed"']
            elif sid in g.dead_ends:
                attrs += ['fillcolor="#ffe0b2"', 'color="#e65100"', "penwidth=3"]
            if sid in g.chance_scenes:
                attrs.append("peripheries=2")
            if sid == doc.start:
                attrs.append('color="#1565c0"')
            lines.append(f"    {_dq(sid)} [{', '.join(attrs)}];")
        lines.append("  }")
    colours = {"good": "#d4edda", "mixed": "#fff3cd", "bad": "#f8d7da"}
    for eid, ending in doc.endings.items():
        extra = ', color="#c62828", penwidth=3' if eid in g.unreachable else ""
        lines.append(
            f"  {_dq(eid)} [shape=doubleoctagon, fillcolor={_dq(colours[ending.tone])}, "
            f"label={_dq(chr(10).join(_lines(ending.title)) + chr(10) + 'ending: ' + eid)}{extra}];"
        )
    for e in g.edges:
        style = {"chance": "dashed", "resolve": "dotted", "event": "bold"}.get(e.kind, "solid")
        lines.append(
            f"  {_dq(e.source)} -> {_dq(e.target)} [label={_dq(chr(10).join(_lines(e.label)))}, style={style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def lifecycle_edges(doc: ScenarioDoc, g: StoryGraph) -> list[tuple[str, str]]:
    """Phase-to-phase moves that some choice or event makes, in first-seen order."""

    def phase_of(node: str) -> str:
        if node in doc.scenes:
            return doc.scenes[node].phase
        return f"ending:{doc.endings[node].tone}" if node in doc.endings else ""

    moves: dict[tuple[str, str], None] = {}
    for e in g.edges:
        a, b = phase_of(e.source), phase_of(e.target)
        if a and b and a != b:
            moves[(a, b)] = None
    return list(moves)


def _tones(doc: ScenarioDoc) -> list[str]:
    """The ending tones this scenario uses, in a fixed order: each becomes one lifecycle node."""
    return [t for t in ("good", "mixed", "bad") if any(e.tone == t for e in doc.endings.values())]


def lifecycle_mermaid(g: StoryGraph) -> str:
    doc = g.doc
    lines = ["stateDiagram-v2"]
    names = {pid: f"p_{pid.replace('-', '_')}" for pid in doc.phases}
    names.update({f"ending:{t}": f"ending_{t}" for t in ("good", "mixed", "bad")})
    for pid, phase in doc.phases.items():
        lines.append(f'  state "{_mm(phase.label)}" as {names[pid]}')
    lines += [f'  state "{tone} ending" as ending_{tone}' for tone in _tones(doc)]
    if doc.start in doc.scenes:
        lines.append(f"  [*] --> {names[doc.scenes[doc.start].phase]}")
    for a, b in lifecycle_edges(doc, g):
        lines.append(f"  {names[a]} --> {names[b]}")
    lines += [f"  ending_{tone} --> [*]" for tone in _tones(doc)]
    failures = [names[p] for p, ph in doc.phases.items() if ph.kind == "failure"]
    if failures:
        lines.append("  classDef failure fill:#f8d7da,stroke:#c62828")
        lines += [f"  class {f} failure" for f in failures]
    return "\n".join(lines) + "\n"


def lifecycle_dot(g: StoryGraph) -> str:
    doc = g.doc
    lines = [
        f"digraph {_dq(doc.id + '-lifecycle')} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded"];',
        '  "[start]" [shape=point];',
    ]
    for pid, phase in doc.phases.items():
        extra = ', style="rounded,filled", fillcolor="#f8d7da"' if phase.kind == "failure" else ""
        lines.append(f"  {_dq(pid)} [label={_dq(phase.label)}{extra}];")
    lines += [
        f"  {_dq('ending:' + tone)} [shape=doubleoctagon, label={_dq(tone + ' ending')}];" for tone in _tones(doc)
    ]
    if doc.start in doc.scenes:
        lines.append(f'  "[start]" -> {_dq(doc.scenes[doc.start].phase)};')
    for a, b in lifecycle_edges(doc, g):
        lines.append(f"  {_dq(a)} -> {_dq(b)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
