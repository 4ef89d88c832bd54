"""A yes-or-no question before simgame changes something of the player's (a save to migrate).

Keyboard first: Enter takes the highlighted answer (the first, at the start), Y says yes, N or
Escape says no, Tab and the arrow keys move between the two. It dismisses with True or False.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from simgame.i18n import N_, _


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        background: $background 60%;
    }
    #confirm-box {
        width: 90%;
        max-width: 90;
        height: auto;
        max-height: 90%;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    #confirm-title {
        text-style: bold;
        margin-bottom: 1;
    }
    #confirm-body {
        height: auto;
        max-height: 100%;
    }
    #confirm-buttons {
        height: auto;
        margin-top: 1;
    }
    #confirm-buttons Button {
        margin-right: 2;
        /* flat: a button's shaded top and bottom edges fall below 3:1 in the high-contrast theme */
        border: none;
        height: 1;
        min-width: 12;
    }
    #confirm-buttons Button:focus {
        text-style: bold reverse;
    }
    #confirm-hint {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes", tooltip=N_("Yes: do what the first button says")),
        Binding("n", "answer(False)", N_("No"), id="confirm.no", tooltip=N_("No: leave everything as it is")),
        Binding(
            "escape", "answer(False)", N_("Cancel"), id="confirm.cancel", tooltip=N_("No: leave everything as it is")
        ),
        Binding(
            "left,up",
            "app.focus_previous",
            N_("Previous"),
            id="confirm.previous",
            show=False,
            tooltip=N_("Other answer"),
        ),
        Binding("right,down", "app.focus_next", N_("Next"), id="confirm.next", show=False, tooltip=N_("Other answer")),
    ]

    def __init__(self, title: str, text: str, yes: str, no: str) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = text
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            with VerticalScroll(id="confirm-body"):
                yield Static(self.body_text, id="confirm-text", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (Y)", id="confirm-yes", variant="primary")
                yield Button(f"{self.no_label} (N)", id="confirm-no")
            yield Static(_("Enter takes the highlighted answer · Y yes · N or Escape no"), id="confirm-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
