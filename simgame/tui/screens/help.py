"""Help: how the game works in a few lines, and every key of the screen you came from."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from simgame.i18n import N_, _
from simgame.tui.keys import extra_keys, game_keys

HOW_TO_PLAY = N_(
    "You lead an organisation through a scenario about moving AI into everyday work. "
    "Each scene ends in a decision. Some effects show at once; others surface later as "
    "consequences or chance events. Numbers on the dashboard carry their value, a bar, and the "
    "change from your last choice in words (better/worse); ↓ marks a number where lower is better. "
    "Bold underlined words are glossary terms: press T (or click one) for an explanation.\n\n"
    "The debrief scores the state your organisation ends in, not whether you finished. "
    "Rewind to any decision there to try another path. Progress is saved after every decision."
)


def keys_table(screen: Screen[object]) -> Table:
    """The game's keys on ``screen``, in the game's words (`simgame.tui.keys`): never Textual's own."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    table.add_column(_("Key"), no_wrap=True)
    table.add_column(_("What it does"), ratio=1)
    seen: set[tuple[str, str]] = set()
    rows = [(k.key, _(k.binding.tooltip) if k.binding.tooltip else k.description) for k in game_keys(screen)]
    rows += [(key, what) for key, _short, what in extra_keys(screen) if what]
    rows.append(("Ctrl+P", _("Command palette: search every action of this screen")))
    for row in rows:
        if row not in seen:
            seen.add(row)
            table.add_row(Text(row[0]), Text(row[1]))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="help.close", tooltip=N_("Close help")),
        Binding("f1", "close", N_("Close"), id="help.close_f1", show=False, tooltip=N_("Close help")),
        Binding(
            "q",
            "app.ask_quit",
            N_("Quit"),
            id="help.quit",
            show=False,
            tooltip=N_("Quit simgame (during a run it asks first; your progress is saved either way)"),
        ),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(_("[b]Help[/b]  (Esc to close)"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(Text(_(HOW_TO_PLAY)), id="help-text")
                yield Static(Text(_("\nKeys on this screen"), "bold underline"))
                yield Static(keys_table(self.under), id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
