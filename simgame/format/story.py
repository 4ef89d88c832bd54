"""Rules of a scenario's story that checking, play and analysis share.

The ending `next: end` falls back to, reachability on the scene graph, the implicit choice
of a pass-through scene, and the flags and choices an event's conditions read.
"""

from __future__ import annotations

from simgame.format import expr
from simgame.format.compiled import CONTINUE_SUFFIX, CompiledChoice, Reads
from simgame.format.model import Choice, ScenarioDoc

MAX_DIVERTS = 50  # diversions followed on the way to one resting place (the engine's limit too)

Step = tuple[str, int]  # (scene id, index of the event whose `goto` is followed)


def reachability(edges: dict[str, set[str]], start: str, endings: set[str]) -> tuple[set[str], set[str]]:
    """(nodes reachable from ``start``, nodes from which some ending can be reached) of a story graph.

    Linear in nodes and edges: a search forward from ``start``, and one backward from the endings.
    """
    reached = {start}
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                stack.append(nxt)
    back: dict[str, list[str]] = {}
    for node, outs in edges.items():
        for nxt in outs:
            back.setdefault(nxt, []).append(node)
    can_finish = set(endings)
    stack = list(endings)
    while stack:
        for prev in back.get(stack.pop(), ()):
            if prev not in can_finish:
                can_finish.add(prev)
                stack.append(prev)
    return reached, can_finish


def divert_trouble(diverts: dict[str, list[Step]], limit: int = MAX_DIVERTS) -> tuple[str, list[Step]] | None:
    """Events' `goto`s that could divert play forever, or too far, without a decision in between.

    ``diverts`` maps a scene to its (target scene, event index) diversions. Returns
    ``("cycle", steps)`` for a circle of diversions, ``("chain", steps)`` for a chain longer than
    ``limit``, or None. Each step is (scene, event index); linear in scenes and events.
    """
    done: dict[str, tuple[int, Step | None]] = {}  # scene -> (longest chain from it, its first step)
    for root in diverts:
        if root in done:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]  # (scene, next diversion to try)
        on_path: dict[str, int] = {root: 0}
        while stack:
            scene, i = stack[-1]
            outs = diverts.get(scene, [])
            if i < len(outs):
                stack[-1] = (scene, i + 1)
                target = outs[i][0]
                if target in on_path:
                    at = on_path[target]
                    return "cycle", [(s, diverts[s][j - 1][1]) for s, j in stack[at:]]
                if target not in done:
                    on_path[target] = len(stack)
                    stack.append((target, 0))
                continue
            best: tuple[int, Step | None] = (0, None)
            for target, event in outs:
                length = done[target][0] + 1 if target in done else 1
                if length > best[0]:
                    best = (length, (target, event))
            done[scene] = best
            del on_path[scene]
            stack.pop()
    longest = max(diverts, key=lambda s: done[s][0], default=None)
    if longest is None or done[longest][0] <= limit:
        return None
    steps: list[Step] = []
    scene, follow = longest, done[longest][1]
    while follow is not None:
        steps.append((scene, follow[1]))
        scene = follow[0]
        follow = done[scene][1]
    return "chain", steps


def continue_choice(scene_id: str, target: str) -> CompiledChoice:
    """The single implicit choice of a pass-through scene: the player reads on."""
    cid = scene_id + CONTINUE_SUFFIX
    model = Choice.model_construct(
        id=cid,
        label="Continue",
        when=None,
        locked=None,
        once=False,
        effects={},
        set=[],
        clear=[],
        next=target,
        feedback="",
        debrief="",
        practice="rethink-work",
    )
    return CompiledChoice(cid, scene_id, 0, model, None, (), (), (), target, synthetic=True)


def default_ending(doc: ScenarioDoc) -> str | None:
    """The ending `next: end` falls back to: the last one without a `when`."""
    defaults = [eid for eid, ending in doc.endings.items() if not ending.when]
    return defaults[-1] if defaults else None


def reads_of(nodes: list[expr.Node], declared_flags: frozenset[str]) -> Reads:
    """The declared flags and the choices that conditions ``nodes`` read."""
    flags: set[str] = set()
    choices: set[str] = set()
    for node in nodes:
        names, _scenes, chosen = expr.names_used(node)
        flags |= names
        choices |= chosen
    return Reads(frozenset(flags & declared_flags), frozenset(choices))
