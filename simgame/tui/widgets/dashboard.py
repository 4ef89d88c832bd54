"""The live dashboard beside the narrative: phase, path so far, and every visible metric."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from simgame.tui.widgets.text import bar, change_words

if TYPE_CHECKING:
    from simgame.tui.session import GameSession

BAR_WIDTH = 12


def path_text(session: GameSession) -> str:
    """Phases so far, repeated phases merged: 'Pilot › Scaling › Incident'."""
    phases: list[str] = []
    for step in session.path():
        if not phases or phases[-1] != step.phase_label:
            phases.append(step.phase_label)
    return " › ".join(phases)


def render_dashboard(session: GameSession) -> Group:
    """Phase and path first (where am I?), then one label/value row and one bar/change row per metric."""
    from simgame.tui.session import metric_view

    run = session.run
    head = Text()
    failure = " (something went wrong)" if session.phase_is_failure() else ""
    head.append("Phase: ", "bold")
    head.append(session.phase_label() + failure + "\n")
    head.append("Decisions made: ", "bold")
    head.append(f"{session.decisions_made}\n")
    head.append("Path: ", "bold")
    head.append(path_text(session) + "\n")
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    rows = metric_view(session.scenario, run.metrics, session.previous_metrics)
    for row in rows:
        marker = " ↓" if row["higher_is"] == "worse" else ""
        grid.add_row(Text(row["label"], "bold"), Text(f"{row['value']:g}{marker}", "bold"))
        words, style = change_words(row["change"], row["good"])
        grid.add_row(bar(row["share"], BAR_WIDTH), Text(words, style))
        grid.add_row("", "")
    parts: list[RenderableType] = [head, grid]
    if any(r["higher_is"] == "worse" for r in rows):
        parts.append(Text("↓ marks a number where lower is better.", "italic dim"))
    return Group(*parts)


class Dashboard(Static):
    """Re-rendered after every choice (cheap: a few lines of text)."""

    def show(self, session: GameSession) -> None:
        self.update(render_dashboard(session))
