"""Joining a cohort: ask for the name the facilitator will see (pseudonyms are fine), and a team.

The dialog cannot be skipped: Escape does not drop a joining player into the library, where
they could play a run the session never records. Ctrl+Q quits.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from simgame.i18n import N_, _
from simgame.tui.host import host

Joining = tuple[str, str | None]  # the name, and the team (None: no team)


class NameScreen(ModalScreen[Joining]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Stay"), id="name.cancel", tooltip=N_("Joining needs a name (Ctrl+Q quits)")),
    ]

    def __init__(self, ask_team: bool = True) -> None:
        super().__init__()
        self.ask_team = ask_team  # False when the team was given on the command line

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static(
                _(
                    "[b]Join the session[/b]\n\nYour name as the facilitator will see it "
                    "(a first name or a pseudonym is fine):"
                ),
                id="name-title",
            )
            yield Input(placeholder=_("Your name"), id="name-input", max_length=40)
            if self.ask_team:
                yield Input(placeholder=_("Your team, if the facilitator uses teams"), id="team-input", max_length=40)
            yield Static("", id="name-error")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = host(self).options.cursor_blink
        self.query_one("#name-input", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = self.query_one("#name-input", Input).value.strip()
        if not name:
            self.query_one("#name-error", Static).update(_("Please type a name, then press Enter."))
            self.query_one("#name-input", Input).focus()
            return
        teams = self.query("#team-input").results(Input)
        team = next((t.value.strip() for t in teams), "")
        self.dismiss((name, team or None))

    def action_cancel(self) -> None:
        """Escape stays: a player who joins plays in the session, never in the library unrecorded."""
        self.query_one("#name-error", Static).update(_("Joining needs a name (Ctrl+Q quits)"))
