"""Rules of a scenario's story that checking, play and analysis share.

The ending `next: end` falls back to, reachability on the scene graph, the implicit choice
of a pass-through scene, and the flags and choices an event's conditions read.
"""

from __future__ import annotations

from simgame.format import expr
from simgame.format.compiled import CONTINUE_SUFFIX, CompiledChoice, Reads
from simgame.format.model import Choice, ScenarioDoc


def reachability(edges: dict[str, set[str]], start: str, endings: set[str]) -> tuple[set[str], set[str]]:
    """(nodes reachable from ``start``, nodes from which some ending can be reached) of a story graph."""
    reached = {start}
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                stack.append(nxt)
    can_finish = set(endings)
    changed = True
    while changed:
        changed = False
        for node, outs in edges.items():
            if node not in can_finish and outs & can_finish:
                can_finish.add(node)
                changed = True
    return reached, can_finish


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
