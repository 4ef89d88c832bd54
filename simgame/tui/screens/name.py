"""Joining a cohort: ask for the name the facilitator will see (pseudonyms are fine), and a team.

The team is chosen from the session's list when the facilitator made one (`cohort create --teams`),
and not asked at all when the session has none. The dialog cannot be skipped: Escape does not drop
a joining player into the library, where they could play a run the session never records. Ctrl+Q quits.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from simgame.i18n import N_, _
from simgame.tui.host import host

Joining = tuple[str, str | None]  # the name, and the team (None: no team)


class NameScreen(ModalScreen[Joining]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Stay"), id="name.cancel", tooltip=N_("Joining needs a name (Ctrl+Q quits)")),
    ]

    def __init__(self, teams: tuple[str, ...] = (), ask_team: bool = True) -> None:
        super().__init__()
        self.teams = teams if ask_team else ()  # the session's teams; none when it has none or one was given

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
            if self.teams:
                yield Static(_("Your team (↑↓ to choose, Enter to join):"), id="team-title")
                # Option(str) renders the team's name as text: a facilitator's "[b]" stays "[b]".
                yield OptionList(*(Option(_plain(t), id=f"team-{i}") for i, t in enumerate(self.teams)), id="team-list")
            yield Static("", id="name-error")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = host(self).options.cursor_blink
        self.query_one("#name-input", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not self._typed_name():
            return
        if self.teams:  # Enter on the name goes on to the team
            self.query_one("#name-error", Static).update("")
            self.query_one("#team-list", OptionList).focus()
            return
        self.dismiss((self._typed_name(), None))

    @on(OptionList.OptionSelected, "#team-list")
    def _team_chosen(self, event: OptionList.OptionSelected) -> None:
        name = self._typed_name()
        if name:
            self.dismiss((name, self.teams[event.option_index]))

    def _typed_name(self) -> str:
        """The name typed, or "" after asking for one (and putting the cursor back in the field)."""
        name = self.query_one("#name-input", Input).value.strip()
        if not name:
            self.query_one("#name-error", Static).update(_("Please type a name, then press Enter."))
            self.query_one("#name-input", Input).focus()
        return name

    def action_cancel(self) -> None:
        """Escape stays: a player who joins plays in the session, never in the library unrecorded."""
        self.query_one("#name-error", Static).update(_("Joining needs a name (Ctrl+Q quits)"))


def _plain(text: str) -> Content:
    """A team's name exactly as the facilitator typed it (never read as markup)."""
    return Content(text)
