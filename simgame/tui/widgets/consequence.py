"""What a choice did: the immediate feedback, how each number moved, and any events that followed.

Shown in place of the scene on the play screen (not a new screen: swapping a panel is much
faster than building a screen and its footer, and the dashboard stays in view).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from simgame.tui.widgets.text import change_words, paragraphs

if TYPE_CHECKING:
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


def event_text(scenario: Scenario, event: EventRecord) -> Text:
    from simgame.authoring.run_report import deltas_text

    out = Text()
    if event.is_chance:
        out.append(f"Chance event ({event.probability:.0%} likely, and it happened): ", "bold")
    else:
        out.append("As a result: ", "bold")
    out.append(" ".join(event.text.split()) or "something happened")
    out.append(f"\n  Effect: {deltas_text(scenario, event.deltas)}\n", "italic")
    return out


def consequence_text(session: GameSession, decision: Decision) -> Text:
    sc = session.scenario
    run = session.run
    out = Text()
    if session.is_synthetic(decision.choice):
        out.append("You read on.\n\n", "bold")
    else:
        out.append("You chose: ", "bold")
        out.append(decision.label + "\n\n")
    if decision.feedback:
        out.append(paragraphs(decision.feedback) + "\n\n")
    out.append("How the numbers moved\n", "bold underline")
    out.append_text(changes_text(sc, session.previous_metrics, run.metrics))
    if decision.events:
        out.append("\nThen\n", "bold underline")
        for event in decision.events:
            out.append_text(event_text(sc, event))
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
