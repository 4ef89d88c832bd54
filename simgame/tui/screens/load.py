"""Saved runs: every save with scenario, date and progress; damaged saves listed with a warning."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simgame.tui.host import host
from simgame.tui.messages import ProblemReported, ResumeRequested
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import short_time

if TYPE_CHECKING:
    from simgame.engine.saves import SaveEntry


def save_label(entry: SaveEntry, titles: dict[str, str]) -> Text:
    save = entry.save
    if save is None:
        reason = str(entry.error) if entry.error else "it cannot be read"
        return Text.assemble(("⚠ DAMAGED SAVE ", "bold"), entry.path.name, f"\n   {reason}")
    title = titles.get(save.scenario_id) or save.scenario_title or save.scenario_id
    if save.ended:
        progress = f"finished ({len(save.choices)} decisions)"
    else:
        progress = f"in progress: {len(save.choices)} decision{'s' * (len(save.choices) != 1)} made"
    who = f" · {save.player}" if save.player else ""
    return Text.assemble((title, "bold"), f"\n   {progress} · {short_time(save.updated)}{who}")


class LoadScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="load.open", tooltip="Continue this run (or see its debrief)"),
        Binding("escape", "close", "Back", id="load.close", tooltip="Back to the library"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[SaveEntry] = []

    def compose(self) -> ComposeResult:
        yield Static("[b]Saved runs[/b]", id="load-title")
        yield OptionList(Option("Reading saves…", disabled=True), id="saves")
        yield Static("", id="load-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self) -> None:
        from simgame.engine.saves import list_saves

        folder = host(self).options.saves_dir()
        entries = list_saves(folder)
        self.app.call_from_thread(self._show, entries, folder)

    def _show(self, entries: list[SaveEntry], folder: Path) -> None:
        self.entries = entries
        catalog = host(self).catalog
        titles = {e.scenario.id: e.scenario.title for e in catalog.entries if e.scenario} if catalog else {}
        listing = self.query_one("#saves", OptionList)
        options = [Option(save_label(e, titles), id=f"save:{i}") for i, e in enumerate(entries)]
        if not options:
            options = [Option(f"No saved runs yet in {folder}", disabled=True)]
        listing.set_options(options)
        listing.highlighted = 0 if entries else None
        listing.focus()
        damaged = sum(e.save is None for e in entries)
        status = f"{len(entries)} save{'s' * (len(entries) != 1)} in {folder}"
        if damaged:
            status += f" · {damaged} damaged (left untouched)"
        self.query_one("#load-status", Static).update(status)

    @on(OptionList.OptionSelected, "#saves")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        option = self.query_one("#saves", OptionList).highlighted_option
        if option is None or not option.id or not option.id.startswith("save:"):
            return
        entry = self.entries[int(option.id[5:])]
        if entry.save is None:
            self.post_message(
                ProblemReported(
                    "This save is damaged",
                    f"{entry.error}\n\nThe file is {entry.path}. simgame never changes or deletes "
                    "a damaged save; move it away if you no longer need it.",
                )
            )
            return
        if host(self).catalog is None:
            self.query_one("#load-status", Static).update("The library is still loading; try again in a moment.")
            return
        self.post_message(ResumeRequested(entry.save, entry.path))

    def action_close(self) -> None:
        self.dismiss(None)
