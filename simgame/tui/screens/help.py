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

HOW_TO_PLAY = (
    "You lead an organisation through a scenario about moving AI into everyday work. "
    "Each scene ends in a decision. Some effects show at once; others surface later as "
    "consequences or chance events. Numbers on the dashboard carry their value, a bar, and the "
    "change from your last choice in words (better/worse); ↓ marks a number where lower is better. "
    "Bold underlined words are glossary terms: press T (or click one) for an explanation.\n\n"
    "The debrief scores the state your organisation ends in, not whether you finished. "
    "Rewind to any decision there to try another path. Progress is saved after every decision."
)


def keys_table(screen: Screen[object]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    table.add_column("Key", no_wrap=True)
    table.add_column("What it does", ratio=1)
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        label = binding.key_display or screen.app.get_key_display(binding)
        row = (label, binding.tooltip or binding.description)
        if row in seen or (binding.show is False and key.isdigit()):
            continue
        seen.add(row)
        table.add_row(*row)
    table.add_row("Ctrl+P", "Command palette: search every action of this screen")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close", tooltip="Close help"),
        Binding("f1", "close", "Close", id="help.close_f1", show=False, tooltip="Close help"),
        Binding("q", "close", "Close", id="help.close_q", show=False, tooltip="Close help"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("[b]Help[/b]  (Esc to close)", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(Text(HOW_TO_PLAY), id="help-text")
                yield Static(Text("\nKeys on this screen", "bold underline"))
                yield Static(keys_table(self.under), id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
