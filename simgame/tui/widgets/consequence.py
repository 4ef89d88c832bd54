"""What a choice did: the immediate feedback, how each number moved, and any events that followed.

The choice's own effects are shown apart from each event's, and each event says what it
follows from (`simgame.engine.causes`), so a consequence of decision 3 is never credited to
decision 7 just because it surfaced after it.

Shown in place of the scene on the play screen (not a new screen: swapping a panel is much
faster than building a screen and its footer, and the dashboard stays in view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from simgame.tui.widgets.text import change_words, paragraphs

if TYPE_CHECKING:
    from simgame.engine.causes import Named
    from simgame.engine.state import Decision, EventRecord
    from simgame.format.compiled import Scenario
    from simgame.tui.session import GameSession


def changes_text(scenario: Scenario, before: dict[str, float], after: dict[str, float]) -> Text:
    """One line per visible metric that moved: 'Value realised 30 → 50  ▲+20 better'."""
    out = Text()
    width = max((len(m.label) for m in scenario.doc.metrics.values()), default=10)
    moved = False
    for mid, m in scenario.doc.metrics.items():
        if m.hidden:
            continue
        change = round(after[mid] - before[mid], 6)
        if not change:
            continue
        moved = True
        good = (change > 0) == (m.higher_is == "better")
        words, style = change_words(change, good)
        out.append(f"  {m.label:<{width}}  {before[mid]:g} → {after[mid]:g}  ")
        out.append(words + "\n", style)
    if not moved:
        out.append("  No number moved.\n", "dim")
    return out


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
        head = "As a result" + (f", and {earlier}" if earlier else "")
    elif earlier:
        head = f"Also, {earlier}" if also else earlier[:1].upper() + earlier[1:]
    else:
        head = "Meanwhile"
    if event.is_chance:
        head += f" (a {event.probability:.0%} chance, and it happened)"
    return head


def event_text(
    scenario: Scenario,
    names: Named,
    event: EventRecord,
    current: int | None,
    before: dict[str, float],
    after: dict[str, float],
    also: bool = True,
) -> Text:
    """One event: what it follows from, what happened, and how it moved the numbers."""
    out = Text("\n")
    out.append(event_heading(names, event, current, also) + ": ", "bold")
    out.append((" ".join(event.text.split()) or "something happened") + "\n")
    out.append_text(changes_text(scenario, before, after))
    return out


def consequence_text(session: GameSession, decision: Decision) -> Text:
    """The choice's own effects under "Your choice", then each event with its cause and its own effects."""
    from simgame.engine.causes import named

    sc = session.scenario
    run = session.run
    out = Text()
    synthetic = session.is_synthetic(decision.choice)
    if synthetic:
        out.append("You read on.\n\n", "bold")
    else:
        out.append("You chose: ", "bold")
        out.append(decision.label + "\n\n")
    if decision.feedback:
        out.append(paragraphs(decision.feedback) + "\n\n")
    out.append("How the numbers moved\n", "bold underline")
    before = session.previous_metrics
    after = _moved(before, decision.deltas)
    if not synthetic or not decision.events:
        out.append("Your choice\n" if not synthetic else "Reading on\n", "bold")
        out.append_text(changes_text(sc, before, after))
    names = named(sc, run.choice_log) if decision.events else {}
    for n, event in enumerate(decision.events):
        before, after = after, _moved(after, event.deltas)
        also = not synthetic or n > 0  # after reading on, the first event has nothing to follow
        out.append_text(event_text(sc, names, event, decision.index, before, after, also))
    out.append("\n")
    if run.ended:
        ending = sc.doc.endings[run.ending or ""]
        out.append("The story ends here: ", "bold")
        out.append(f"{ending.title}. Press Enter for your debrief.")
    else:
        scene = run.scene
        phase = sc.doc.phases.get(scene.phase)
        out.append("Next: ", "bold")
        out.append(f"{scene.title or run.scene_id} ({phase.label if phase else scene.phase}). Press Enter.")
    return out
