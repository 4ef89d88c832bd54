"""The live dashboard beside the narrative: phase, path so far, and every visible metric."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from simgame.i18n import _
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
    failure = _(" (something went wrong)") if session.phase_is_failure() else ""
    head.append(_("Phase: "), "bold")
    head.append(session.phase_label() + failure + "\n")
    head.append(_("Decisions made: "), "bold")
    head.append(f"{session.decisions_made}\n")
    head.append(_("Path: "), "bold")
    head.append(path_text(session) + "\n")
    grid = Table.grid(expand=True, padding=(0, 0, 0, 1))
    grid.add_column(ratio=1)  # a long label wraps, never cut ("Team and budget h…")
    grid.add_column(justify="right", no_wrap=True)  # "▲+16 better" stays on one line
    rows = metric_view(session.scenario, run.metrics, session.previous_metrics)
    for row in rows:
        marker = " ↓" if row["higher_is"] == "worse" else ""
        grid.add_row(Text(row["label"], "bold"), Text(f"{row['value']:g}{marker}", "bold"))
        words, style = change_words(row["change"], row["good"])
        grid.add_row(bar(row["share"], BAR_WIDTH), Text(words, style))
        grid.add_row("", "")
    parts: list[RenderableType] = [head, grid]
    if any(r["higher_is"] == "worse" for r in rows):
        parts.append(Text(_("↓ marks a number where lower is better."), "italic dim"))
    return Group(*parts)


class Dashboard(Static):
    """Re-rendered after every choice (cheap: a few lines of text)."""

    def show(self, session: GameSession) -> None:
        self.update(render_dashboard(session))


def metric_items(session: GameSession) -> list[Text]:
    """Each visible metric as one unbreakable item: "Risk exposure 65↓ ▲+35 worse"."""
    from simgame.tui.session import metric_view

    items = []
    for row in metric_view(session.scenario, session.run.metrics, session.previous_metrics):
        words, style = change_words(row["change"], row["good"])
        marker = "↓" if row["higher_is"] == "worse" else ""
        items.append(Text.assemble((row["label"], "bold"), f" {row['value']:g}{marker} ", (words, style)))
    return items


def fold_items(items: list[Text], width: int, gap: str = "  ·  ") -> Text:
    """``items`` on as few lines as fit ``width``, breaking only between items (never inside "▲+16 better")."""
    out = Text()
    used = 0
    for item in items:
        if used and used + len(gap) + item.cell_len > width:
            out.append("\n")
            used = 0
        elif used:
            out.append(gap, "dim")
            used += len(gap)
        out.append_text(item)
        used += item.cell_len
    return out


class MetricsLine(Static):
    """The dashboard folded into a line or two, for terminals too narrow for it beside the scene."""

    DEFAULT_CSS = """
    MetricsLine {
        height: auto;
        padding: 0 1;
        display: none;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._items: list[Text] = []

    def show(self, session: GameSession) -> None:
        self._items = metric_items(session)
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width = self.size.width or max(1, self.app.size.width - 2)
        self.update(fold_items(self._items, width))
