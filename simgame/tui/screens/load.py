"""Saved runs: every save with scenario, date and progress; a save that cannot be opened is one line saying why.

The folder is read off the UI thread, one file at a time with a time limit (``catalog.scan_saves``):
a damaged save, a pipe or a huge file never keeps the others from showing, nor the app from quitting.
"""

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
from textual.worker import get_current_worker

from simgame.tui.host import host
from simgame.tui.messages import ProblemReported, ResumeRequested
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import short_time

if TYPE_CHECKING:
    from simgame.engine.saves import SaveEntry
    from simgame.tui.catalog import Catalog


def save_label(entry: SaveEntry, titles: dict[str, str], status: str = "") -> Text:
    """A save as the list shows it; ``status`` is its problem in a few words (see ``catalog.save_status``)."""
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
    warn = ("⚠ ", "bold") if status and status != "the scenario has changed since" else ""
    note = f"\n   {status}" if status else ""
    return Text.assemble(warn, (title, "bold"), f"\n   {progress} · {short_time(save.updated)}{who}{note}")


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
        worker = get_current_worker()
        folder = host(self).options.saves_dir()
        try:
            from simgame.tui.catalog import scan_saves
            from simgame.tui.reading import LoadCancelled

            try:
                entries = scan_saves(folder, lambda: worker.is_cancelled)
            except LoadCancelled:
                return
        except Exception as exc:  # never leave the list on "Reading saves…"
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, folder, f"An unexpected problem: {exc or type(exc).__name__}")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, entries, folder)

    def _failed(self, folder: Path, reason: str) -> None:
        self.query_one("#saves", OptionList).set_options(
            [Option(f"The saves in {folder} could not be read", disabled=True)]
        )
        self.query_one("#load-status", Static).update(reason[:300])

    def _show(self, entries: list[SaveEntry], folder: Path) -> None:
        from simgame.tui.catalog import save_status

        self.entries = entries
        catalog = host(self).catalog
        titles = {e.scenario.id: e.scenario.title for e in catalog.entries if e.scenario} if catalog else {}
        listing = self.query_one("#saves", OptionList)
        options = [
            Option(save_label(e, titles, save_status(e, catalog)), id=f"save:{i}") for i, e in enumerate(entries)
        ]
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
        catalog: Catalog | None = host(self).catalog
        if catalog is None:
            self.query_one("#load-status", Static).update("The library is still loading; try again in a moment.")
            return
        from simgame.tui.catalog import entry_blocked, save_problem_text

        if entry_blocked(entry, catalog):
            self.post_message(ProblemReported("This save cannot be opened", save_problem_text(entry, catalog)))
            return
        self.post_message(ResumeRequested(entry.save, entry.path))

    def action_close(self) -> None:
        self.dismiss(None)
