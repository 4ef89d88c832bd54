"""What a choice did: the immediate feedback, how each number moved, and any events that followed.

The choice's own effects are shown apart from each event's, and each event says what it
follows from (`simgame.engine.causes`), so a consequence of decision 3 is never credited to
decision 7 just because it surfaced after it.

Shown in place of the scene on the play screen (not a new screen: swapping a panel is much
faster than building a screen and its footer, and the dashboard stays in view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from simgame.i18n import _
from simgame.tui.widgets.text import change_words, paragraphs

if TYPE_CHECKING:
    from simgame.engine.causes import Named
    from simgame.engine.state import Decision, EventRecord
    from simgame.format.compiled import Scenario
    from simgame.tui.session import GameSession


def changes_table(scenario: Scenario, before: dict[str, float], after: dict[str, float]) -> RenderableType:
    """One row per visible metric that moved: 'Value realised  30 → 50  ▲+20 better'.

    A grid, so that a long label wraps in its own column while "30 → 50" and "▲+20 better"
    are never split across lines, whatever the width.
    """
    width = max((len(m.label) for m in scenario.doc.metrics.values() if not m.hidden), default=10)
    grid = Table.grid(padding=(0, 2))
    grid.add_column()  # the label, padded to align across blocks when there is room; wraps if it must
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    for mid, m in scenario.doc.metrics.items():
        if m.hidden:
            continue
        change = round(after[mid] - before[mid], 6)
        if not change:
            continue
        good = (change > 0) == (m.higher_is == "better")
        words, style = change_words(change, good)
        grid.add_row(Text(m.label.ljust(width)), Text(f"{before[mid]:g} → {after[mid]:g}"), Text(words, style))
    if not grid.row_count:
        return Padding(Text(_("No number moved."), "dim"), (0, 0, 0, 2))
    return Padding(grid, (0, 0, 0, 2))


class _Blocks:
    """Text and tables in reading order (a Rich Group), built as one would build a Text."""

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []
        self.text = Text()

    def table(self, renderable: RenderableType) -> None:
        if self.text.plain:
            if self.text.plain.endswith("\n"):
                self.text.right_crop(1)
            self.parts.append(self.text)
        self.parts.append(renderable)
        self.text = Text()

    def group(self) -> Group:
        if self.text.plain:
            self.parts.append(self.text)
        return Group(*self.parts)


def _moved(metrics: dict[str, float], deltas: dict[str, float]) -> dict[str, float]:
    """The metrics after applying ``deltas`` (already clamped changes, so adding them is exact)."""
    after = dict(metrics)
    for mid, change in deltas.items():
        if mid in after:
            after[mid] = round(after[mid] + change, 6)
    return after


def event_heading(names: Named, event: EventRecord, current: int | None, also: bool = True) -> str:
    """What an event follows from, never crediting the decision just made with an earlier one's doing.

    ``current`` is the index of the decision just made (None before the first): "As a result"
    when it caused the event, "Also, because at decision 3 you chose …" when only earlier
    decisions did ("Because …" when nothing came before it: ``also`` false), and "Meanwhile"
    when no decision did (a timed event, the situation).
    """
    from simgame.engine.causes import because_words, earlier_causes

    earlier = because_words(names, earlier_causes(event, current))
    if current is not None and current in event.caused_by:
        head = _("As a result") + (_(", and {earlier}").format(earlier=earlier) if earlier else "")
    elif earlier:
        head = _("Also, {earlier}").format(earlier=earlier) if also else earlier[:1].upper() + earlier[1:]
    else:
        head = _("Meanwhile")
    if event.is_chance:
        head += _(" (a {probability:.0%} chance, and it happened)").format(probability=event.probability)
    return head


def event_text(
    out: _Blocks,
    scenario: Scenario,
    names: Named,
    event: EventRecord,
    current: int | None,
    before: dict[str, float],
    after: dict[str, float],
    also: bool = True,
) -> None:
    """One event: what it follows from, what happened, and how it moved the numbers."""
    out.text.append("\n")
    out.text.append(event_heading(names, event, current, also) + ": ", "bold")
    out.text.append((" ".join(event.text.split()) or _("something happened")) + "\n")
    out.table(changes_table(scenario, before, after))


def consequence_text(session: GameSession, decision: Decision) -> Group:
    """The choice's own effects under "Your choice", then each event with its cause and its own effects."""
    from simgame.engine.causes import named

    sc = session.scenario
    run = session.run
    blocks = _Blocks()
    out = blocks.text
    synthetic = session.is_synthetic(decision.choice)
    if synthetic:
        out.append(_("You read on.\n\n"), "bold")
    else:
        out.append(_("You chose: "), "bold")
        out.append(decision.label + "\n\n")
    if decision.feedback:
        out.append(paragraphs(decision.feedback) + "\n\n")
    out.append(_("How the numbers moved\n"), "bold underline")
    before = session.previous_metrics
    after = _moved(before, decision.deltas)
    if not synthetic or not decision.events:
        out.append(_("Your choice\n") if not synthetic else _("Reading on\n"), "bold")
        blocks.table(changes_table(sc, before, after))
    names = named(sc, run.choice_log) if decision.events else {}
    for n, event in enumerate(decision.events):
        before, after = after, _moved(after, event.deltas)
        also = not synthetic or n > 0  # after reading on, the first event has nothing to follow
        event_text(blocks, sc, names, event, decision.index, before, after, also)
    out = blocks.text
    out.append("\n")
    if run.ended:
        ending = sc.doc.endings[run.ending or ""]
        out.append(_("The story ends here: "), "bold")
        out.append(_("{title}. Press Enter for your debrief.").format(title=ending.title))
    else:
        scene = run.scene
        phase = sc.doc.phases.get(scene.phase)
        out.append(_("Next: "), "bold")
        out.append(
            _("{value} ({value2}). Press Enter.").format(
                value=scene.title or run.scene_id, value2=phase.label if phase else scene.phase
            )
        )
    return blocks.group()
