"""Joining a cohort: ask for the name the facilitator will see (pseudonyms are fine)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from simgame.tui.host import host


class NameScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name.cancel", tooltip="Do not join; back to the library"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static(
                "[b]Join the session[/b]\n\nYour name as the facilitator will see it "
                "(a first name or a pseudonym is fine):",
                id="name-title",
            )
            yield Input(placeholder="Your name", id="name-input", max_length=40)
            yield Static("", id="name-error")

    def on_mount(self) -> None:
        field = self.query_one("#name-input", Input)
        field.cursor_blink = host(self).options.cursor_blink
        field.focus()

    @on(Input.Submitted, "#name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.query_one("#name-error", Static).update("Please type a name, then press Enter.")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
