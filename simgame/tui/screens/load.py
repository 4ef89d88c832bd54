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

from simgame.i18n import N_, _, ngettext
from simgame.tui.host import host
from simgame.tui.messages import ProblemReported, ResumeRequested
from simgame.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from simgame.engine.saves import SaveEntry
    from simgame.tui.catalog import Catalog


class LoadScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Open"), id="load.open", tooltip=N_("Continue this run (or see its debrief)")),
        Binding("escape", "close", N_("Back"), id="load.close", tooltip=N_("Back to the library")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[SaveEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(_("[b]Saved runs[/b]"), id="load-title")
        yield OptionList(Option(_("Reading saves…"), disabled=True), id="saves")
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
                self.app.call_from_thread(
                    self._failed, folder, _("An unexpected problem: {value}").format(value=exc or type(exc).__name__)
                )
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, entries, folder)

    def _failed(self, folder: Path, reason: str) -> None:
        self.query_one("#saves", OptionList).set_options(
            [Option(Text(_("The saves in {folder} could not be read").format(folder=folder)), disabled=True)]
        )
        self.query_one("#load-status", Static).update(Text(reason[:300]))

    def _show(self, entries: list[SaveEntry], folder: Path) -> None:
        from simgame.tui.catalog import save_status
        from simgame.tui.runtree import save_label, tree_order

        catalog = host(self).catalog
        titles = {e.scenario.id: e.scenario.title for e in catalog.entries if e.scenario} if catalog else {}
        ordered = tree_order(entries)  # each "What if?" branch under the run it came from
        self.entries = [e for e, _depth in ordered]
        listing = self.query_one("#saves", OptionList)
        options = [
            Option(save_label(e, titles, save_status(e, catalog), catalog, depth), id=f"save:{i}")
            for i, (e, depth) in enumerate(ordered)
        ]
        if not options:
            options = [Option(Text(_("No saved runs yet in {folder}").format(folder=folder)), disabled=True)]
        listing.set_options(options)
        listing.highlighted = 0 if entries else None
        listing.focus()
        damaged = sum(e.save is None for e in entries)
        status = ngettext("{count} save in {folder}", "{count} saves in {folder}", len(entries)).format(
            count=len(entries), folder=folder
        )
        if damaged:
            status += _(" · {damaged} damaged (left untouched)").format(damaged=damaged)
        self.query_one("#load-status", Static).update(Text(status))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":  # Enter opens a run: offered only when there is one
            return bool(self.entries)
        return True

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
                    _("This save is damaged"),
                    _(
                        "{error}\n\nThe file is {path}. simgame never changes or deletes a damaged save; "
                        "move it away if you no longer need it."
                    ).format(error=entry.error, path=entry.path),
                )
            )
            return
        catalog: Catalog | None = host(self).catalog
        if catalog is None:
            self.query_one("#load-status", Static).update(_("The library is still loading; try again in a moment."))
            return
        from simgame.tui.catalog import entry_blocked, save_problem_text

        if entry_blocked(entry, catalog):
            self.post_message(ProblemReported(_("This save cannot be opened"), save_problem_text(entry, catalog)))
            return
        self.post_message(ResumeRequested(entry.save, entry.path))

    def action_close(self) -> None:
        self.dismiss(None)
