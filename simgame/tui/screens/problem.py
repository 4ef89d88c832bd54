"""A plain message for an expected failure (a broken file, a damaged save): never a traceback."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from simgame.i18n import N_, _


class ProblemScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="problem.close", tooltip=N_("Close this message")),
        Binding("enter", "close", N_("Close"), id="problem.close_enter", show=False, tooltip=N_("Close this message")),
        Binding(
            "q",
            "app.ask_quit",
            N_("Quit"),
            id="problem.quit",
            show=False,
            tooltip=N_("Quit simgame (during a run it asks first; your progress is saved either way)"),
        ),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="problem-box"):
            yield Static(f"⚠ {self.title_text}", id="problem-title", markup=False)
            with VerticalScroll(id="problem-body"):
                yield Static(self.body_text, id="problem-text", markup=False)
            yield Static(_("Press Enter or Escape to close."), id="problem-hint")

    def on_mount(self) -> None:
        self.query_one("#problem-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
