"""Which earlier decisions caused an event or locked an option, and how to say so to the player.

A consequence is credited to a decision only when the state the decision left behind is what
made the condition come out the way it did:

- a flag credits the decision that last set it (when the condition needed it set) or last
  cleared it (when it needed it unset), as `PlayState.flag_source` records; a flag an event
  set or cleared credits the latest decision that caused that event;
- `chose(x)` credits the last decision that took ``x``; `visited(s)` and `visits(s)` the last
  decision during which play entered ``s``;
- a metric credits the last decision that moved it (its own effects, or an event it caused),
  but only if undoing that move would change the condition's outcome: a decision that nudged
  a number without tipping the condition did not cause anything;
- only the parts of a condition that decided its value count (in ``a or b`` with ``b`` false,
  ``b`` is not a cause);
- a chance expression's flags, choices and visits count as above, but only for a decision
  that raised the odds: the chance is evaluated again with everything that decision's state
  records undone (the flags it last set or cleared, its choice, the scenes it entered, its
  metric moves), and a decision that cut the odds (``if(owner, 0.3, 0.9)`` after naming an
  owner) is no cause; the event's `when` still names its own causes; a chance's metrics only
  shift the odds and credit no one;
- a pass-through "Continue" step is not a decision: what it did is credited to the real
  decision before it. Decisions are numbered 1, 2, ... among real decisions, as the debrief does.

A condition that reads nothing a decision changed (a plain timed event) has no cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from simgame.engine.evaluate import as_number, evaluate
from simgame.format.expr import ID_FUNCTIONS, Binary, Call, IdArg, Name, Node, Unary, names_used
from simgame.i18n import _

if TYPE_CHECKING:
    from simgame.engine.evaluate import Env
    from simgame.engine.state import EventRecord, PlayState
    from simgame.format.compiled import CompiledChoice, CompiledEvent, Scenario

__all__ = [
    "Named",
    "because_words",
    "chose_words",
    "earlier_causes",
    "event_causes",
    "join_words",
    "lock_causes",
    "named",
    "number_at",
    "record",
    "record_entry",
    "review_heading",
]


# -- keeping track of who did what ------------------------------------------------------------


def record(
    st: PlayState, by: tuple[int, ...], sets: Iterable[str], clears: Iterable[str], deltas: dict[str, float]
) -> None:
    """Note which decision makes these changes (``by`` empty: none, e.g. a timed event).

    Called before the flags change, so a change nobody caused can be told from a repeat."""
    source = max(by) if by else -1
    for flag in sets:
        if by or flag not in st.flags:  # nobody's event takes credit only for a flag it changes
            st.flag_source[flag] = source
    for flag in clears:
        if by or flag in st.flags:
            st.flag_source[flag] = source
    if source < 0:
        return  # a move nobody caused leaves the last decision's move standing: it may still have tipped it
    for metric, change in deltas.items():
        if change:
            last = st.moved_by.get(metric)
            total = last[1] + change if last is not None and last[0] == source else change
            st.moved_by[metric] = (source, total)


def record_entry(st: PlayState, scene: str) -> None:
    """Play enters ``scene`` during the decision being made (none before the first decision)."""
    if st.turn:
        st.entered_by[scene] = st.turn - 1
    else:
        st.entered_by.pop(scene, None)


# -- working out causes -------------------------------------------------------------------------


def event_causes(sc: Scenario, st: PlayState, event: CompiledEvent) -> tuple[int, ...]:
    """The decisions (indexes) that made this event fire now, read from the state before it applies."""
    found: set[int] = set()
    if not st.turn:
        return ()  # no decision made yet
    if event.when is not None:
        _explain(event.when, st, found)
        _tipping_metrics(sc, event.when, st, found, True)
    if not isinstance(event.chance, float):
        _raised_odds(event.chance, st, found)
    return _real(sc, st.log, found)


def lock_causes(sc: Scenario, st: PlayState, choice: CompiledChoice) -> tuple[int, ...]:
    """The decisions (indexes) whose consequences keep this choice's `when` from holding now."""
    found: set[int] = set()
    if choice.when is not None:
        _explain(choice.when, st, found)
        _tipping_metrics(sc, choice.when, st, found, False)
    return _real(sc, st.log, found)


def _explain(node: Node, st: PlayState, found: set[int]) -> None:
    """Add the decisions behind the parts of ``node`` that decided its value."""
    if isinstance(node, Name):
        if node.name not in st.metrics:
            _add(found, st.flag_source.get(node.name))
    elif isinstance(node, Unary):
        _explain(node.operand, st, found)
    elif isinstance(node, Binary) and node.op in ("and", "or"):
        # The sides with the same value as the whole decided it: a true `and` needs both, a
        # false one only its false sides; a true `or` only its true sides, a false one both.
        value = bool(evaluate(node, st))
        for side in (node.left, node.right):
            if bool(evaluate(side, st)) == value:
                _explain(side, st, found)
    elif isinstance(node, Binary):
        _explain(node.left, st, found)
        _explain(node.right, st, found)
    elif isinstance(node, Call) and node.func in ID_FUNCTIONS:
        arg = node.args[0]
        assert isinstance(arg, IdArg)
        if node.func == "chose":
            if arg.ident in st.chosen:
                _add(found, _last_index(st.log, arg.ident))
        elif st.visits(arg.ident):
            _add(found, st.entered_by.get(arg.ident))
    elif isinstance(node, Call) and node.func == "if":
        cond, then, other = node.args
        _explain(cond, st, found)
        _explain(then if evaluate(cond, st) else other, st, found)
    elif isinstance(node, Call):
        for arg in node.args:
            _explain(arg, st, found)


def _raised_odds(chance: Node, st: PlayState, found: set[int]) -> None:
    """Credit the decisions behind a chance's deciding parts that made it likelier than without them."""
    parts: set[int] = set()
    _explain(chance, st, parts)
    if not parts:
        return
    now = _probability(chance, st)
    for index in parts:
        if now > _probability(chance, _Without(st, index)) + 1e-9:
            found.add(index)


def _probability(chance: Node, env: Env) -> float:
    return min(1.0, max(0.0, as_number(evaluate(chance, env))))


def _tipping_metrics(sc: Scenario, node: Node, st: PlayState, found: set[int], value: bool) -> None:
    """Credit a metric's last mover when undoing its move would change the condition's ``value``."""
    if not st.moved_by:
        return
    for metric in _metrics_read(sc, node):
        last = st.moved_by.get(metric)
        if last is not None and bool(evaluate(node, _Undone(st, metric, last[1]))) != value:
            found.add(last[0])


# node id -> (the node, the metrics it reads): conditions are read on every event, so walk each once
_METRICS_READ: dict[int, tuple[Node, tuple[str, ...]]] = {}


def _metrics_read(sc: Scenario, node: Node) -> tuple[str, ...]:
    hit = _METRICS_READ.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    if len(_METRICS_READ) > 50_000:  # scenarios reloaded many times over: start again
        _METRICS_READ.clear()
    names, _scenes, _choices = names_used(node)
    metrics = tuple(sorted(names & sc.doc.metrics.keys()))
    _METRICS_READ[id(node)] = (node, metrics)
    return metrics


class _Undone:
    """The state as it would be without one decision's move of one metric."""

    def __init__(self, st: PlayState, metric: str, change: float) -> None:
        self.st, self.name, self.change = st, metric, change

    def metric(self, name: str) -> float:
        value = self.st.metric(name)
        return value - self.change if name == self.name else value

    def flag(self, name: str) -> bool:
        return self.st.flag(name)

    def visits(self, scene: str) -> int:
        return self.st.visits(scene)

    def chose(self, choice: str) -> bool:
        return self.st.chose(choice)

    def turn_count(self) -> int:
        return self.st.turn_count()


class _Without:
    """The state as it would be without what one decision (an index) left in it, as far as it records."""

    def __init__(self, st: PlayState, index: int) -> None:
        self.st, self.index = st, index

    def metric(self, name: str) -> float:
        value = self.st.metric(name)
        last = self.st.moved_by.get(name)
        return value - last[1] if last is not None and last[0] == self.index else value

    def flag(self, name: str) -> bool:
        value = self.st.flag(name)
        return not value if self.st.flag_source.get(name) == self.index else value

    def visits(self, scene: str) -> int:
        count = self.st.visits(scene)
        return max(0, count - 1) if self.st.entered_by.get(scene) == self.index else count

    def chose(self, choice: str) -> bool:
        if not self.st.chose(choice) or self.st.log[self.index : self.index + 1] != [choice]:
            return self.st.chose(choice)
        return any(c == choice for i, c in enumerate(self.st.log) if i != self.index)

    def turn_count(self) -> int:
        return self.st.turn_count()


def _add(found: set[int], index: int | None) -> None:
    if index is not None and index >= 0:
        found.add(index)


def _last_index(log: Sequence[str], choice: str) -> int | None:
    for index in range(len(log) - 1, -1, -1):
        if log[index] == choice:
            return index
    return None


def _synthetic(sc: Scenario, choice: str) -> bool:
    compiled = sc.choices.get(choice)
    return bool(compiled is not None and compiled.synthetic)


def _real(sc: Scenario, log: Sequence[str], found: set[int]) -> tuple[int, ...]:
    """The real decisions behind ``found``: a Continue step hands its credit to the decision before it."""
    real: set[int] = set()
    for index in found:
        while 0 <= index < len(log) and _synthetic(sc, log[index]):
            index -= 1
        if 0 <= index < len(log):
            real.add(index)
    return tuple(sorted(real))


# -- saying it -------------------------------------------------------------------------------------

# decision index -> (its number as the player counts, its label): the words a cause is named with
Named = Mapping[int, tuple[int, str]]


def named(sc: Scenario, log: Sequence[str]) -> dict[int, tuple[int, str]]:
    """The real decisions of a choice log, numbered as the player and the debrief count them
    (a Continue step is not a decision)."""
    out: dict[int, tuple[int, str]] = {}
    for index, choice in enumerate(log):
        compiled = sc.choices.get(choice)
        if compiled is None or not compiled.synthetic:
            out[index] = (len(out) + 1, compiled.model.label if compiled is not None else choice)
    return out


def number_at(names: Named, index: int) -> int:
    """The number of the last real decision made by ``index`` (0 before the first)."""
    return max((number for i, (number, _label) in names.items() if i <= index), default=0)


def _made(names: Named, indexes: Iterable[int]) -> list[tuple[int, str]]:
    return sorted(names[i] for i in set(indexes) if i in names)


def join_words(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c": a list in a sentence, in the language in use."""
    if len(parts) == 1:
        return parts[0]
    return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def chose_words(names: Named, indexes: Iterable[int]) -> str:
    """'you chose “A” at decision 2' (and more), or '' when there is no decision to name.

    Words for the player, in the language in use: the decisions themselves are ``indexes``."""
    made = _made(names, indexes)
    if not made:
        return ""
    items = [_("“{label}” at decision {number}").format(label=label, number=number) for number, label in made]
    return _("you chose {choices}").format(choices=join_words(items))


def because_words(names: Named, indexes: Iterable[int]) -> str:
    """'because at decision 3 you chose “A”' (and more), or '' when there is no decision to name."""
    made = _made(names, indexes)
    if not made:
        return ""
    items = [_("at decision {number} you chose “{label}”").format(label=label, number=number) for number, label in made]
    return _("because {choices}").format(choices=join_words(items))


def earlier_causes(event: EventRecord, current: int | None) -> tuple[int, ...]:
    """The event's causes other than the decision just made."""
    return tuple(i for i in event.caused_by if i != current)


def review_heading(names: Named, event: EventRecord, owner: int) -> str:
    """How a debrief introduces an event under the review of decision ``owner`` (an index).

    "Then" when it followed at once, "Later, after decision 7" when it surfaced after a later
    decision, "Meanwhile" when no decision caused it; other decisions that shared in it are named.
    """
    if not event.caused_by:
        head = _("Meanwhile")
    else:
        after = number_at(names, event.turn - 1)  # the decision during which it fired
        head = _("Then") if after == number_at(names, owner) else _("Later, after decision {n}").format(n=after)
        others = because_words(names, earlier_causes(event, owner))
        head += _(" (also {earlier})").format(earlier=others) if others else ""
    if event.is_chance:
        head += _(" (a {probability:.0%} chance)").format(probability=event.probability)
    return head
