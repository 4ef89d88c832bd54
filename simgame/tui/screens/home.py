"""The scenario library: what there is to play, best results so far, runs to resume.

This is the first screen, so it imports nothing from the engine at module level: the
catalog loads in a thread worker after the first frame.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from simgame.i18n import N_, _
from simgame.tui.host import host
from simgame.tui.keys import Command
from simgame.tui.messages import (
    CatalogLoaded,
    GlossaryRequested,
    ProblemReported,
    ResumeRequested,
    SavedRunsRequested,
    ScenarioChosen,
)
from simgame.tui.widgets.keybar import KeyBar

LOAD_DELAY = 0.4  # seconds after the first frame before the real load starts, when the cache filled the list

if TYPE_CHECKING:
    from simgame.engine.saves import SaveEntry, SaveFile
    from simgame.tui.catalog import Catalog, CatalogEntry
    from simgame.tui.librarycache import Row


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "open", N_("Open"), id="home.open", tooltip=N_("Brief me on the highlighted scenario"), show=True
        ),
        Binding("l", "load", N_("Saved runs"), id="home.load", tooltip=N_("List every saved run, finished or not")),
        Binding("g", "glossary", N_("Glossary"), id="home.glossary", tooltip=N_("The shared AI language, searchable")),
        Binding("r", "refresh", N_("Refresh"), id="home.refresh", tooltip=N_("Read the scenarios folder again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.catalog: Catalog | None = None
        self.rows: dict[str, Row] = {}
        self.filled_at: float | None = None  # when scenarios first showed (from the cache or the catalog)
        self._pending_open: str | None = None  # Enter pressed on a cached row before the catalog loaded
        self._load_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("[b]simgame[/b]  ·  lead an organisation from AI pilots to operations"), id="home-title")
        with Horizontal(id="home-body"):
            yield OptionList(Option(_("Loading scenarios…"), id="loading", disabled=True), id="library")
            with VerticalScroll(id="home-detail"):
                yield Static(self._welcome(), id="detail")
        yield KeyBar()

    @staticmethod
    def _welcome() -> str:
        return _(
            "[b]Welcome.[/b] Pick a scenario on the left and press [b]Enter[/b].\n\n"
            "You play a senior leader. Each scene ends in a decision; some consequences show at once, "
            "others surface later. The debrief scores where your organisation ends up, not whether you "
            "finished, and lets you rewind to try another path.\n\n"
            "Keys: arrows or mouse to move, Enter to open, [b]F1[/b] for help, [b]Ctrl+P[/b] for commands."
        )

    def on_mount(self) -> None:
        if host(self).options.join:  # a session's player never sees the library: not read at all (memory)
            return
        if self._show_cached():  # the library is on screen: check it for real once the player can use it
            self._load_timer = self.set_timer(LOAD_DELAY, self.reload)
        else:
            self.call_after_refresh(self.reload)

    def reload(self) -> None:
        if self._load_timer is not None:
            self._load_timer.stop()
            self._load_timer = None
        self._load_catalog()

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def _load_catalog(self) -> None:
        """Read the library off the UI thread; one bad file is one line, and quitting never waits for it."""
        worker = get_current_worker()
        try:
            from simgame.tui.catalog import load_catalog
            from simgame.tui.librarycache import save_rows, stamp
            from simgame.tui.libraryrows import library_rows
            from simgame.tui.reading import LoadCancelled

            opts = host(self).options
            cache = self._cache_file()
            # The stamp is taken before reading: a file changed meanwhile makes the kept rows stale, never wrong.
            before = stamp(opts.library_dir(), opts.saves_dir()) if cache is not None else None
            try:
                catalog = load_catalog(opts.library_dir(), opts.saves_dir(), lambda: worker.is_cancelled)
            except LoadCancelled:
                return
            rows = library_rows(catalog, opts.library_dir())
            if cache is not None and before is not None:
                save_rows(cache, before, rows)
        except Exception as exc:  # the library must never stay on "Loading…": say what went wrong instead
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._show_failure, _("an unexpected problem ({value})").format(value=exc or type(exc).__name__)
                )
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_catalog, catalog, rows)

    def _show_failure(self, reason: str) -> None:
        library = self.query_one("#library", OptionList)
        line = Text.assemble((_("  ⚠ The library could not be read"), "bold"), f"\n    {reason[:200]}")
        library.set_options([Option(line, id="head:failed", disabled=True)])
        self.query_one("#detail", Static).update(
            Text.assemble(
                (_("The library could not be read"), "bold"),
                "\n\n",
                _("{value}\n\nPress R to try again, or Ctrl+Q to quit.").format(value=reason[:500]),
            )
        )

    def _show_catalog(self, catalog: Catalog, rows: list[Row]) -> None:
        self.catalog = catalog
        self.post_message(CatalogLoaded(catalog))
        self._show_rows(rows)
        pending, self._pending_open = self._pending_open, None
        if pending is not None and pending == self._selected_id():
            self.action_open()

    def _show_rows(self, rows: list[Row]) -> None:
        """Fill the list (from the cache before the catalog loads, then from the catalog), keeping the highlight."""
        self.rows = {r.id: r for r in rows}
        library = self.query_one("#library", OptionList)
        highlighted = library.highlighted_option.id if library.highlighted_option else None
        library.set_options([Option(r.label, id=r.id, disabled=r.disabled) for r in rows])
        target = highlighted if highlighted and not highlighted.startswith("head:") else None
        ids = [o.id for o in library.options]
        if target in ids:
            library.highlighted = ids.index(target)
        else:
            library.highlighted = next((i for i, o in enumerate(library.options) if not o.disabled), None)
        library.focus()
        self._show_detail()
        if self.filled_at is None and any(r.id.startswith("scenario:") for r in rows):
            self.filled_at = time.perf_counter()

    def _cache_file(self) -> Path | None:
        opts = host(self).options
        if opts.library_cache is None:
            return None
        from simgame.tui.librarycache import cache_path

        return cache_path(opts.library_cache, opts.library_dir(), opts.saves_dir())

    def _show_cached(self) -> bool:
        """Before the engine loads: the rows shown last time, if nothing they came from has changed."""
        path = self._cache_file()
        if path is None:
            return False
        from simgame.tui.librarycache import load_rows, stamp

        opts = host(self).options
        rows = load_rows(path, stamp(opts.library_dir(), opts.saves_dir()))
        if rows:
            self._show_rows(rows)
        return bool(rows)

    def _resumable(self, key: str) -> tuple[CatalogEntry, SaveFile] | None:
        from simgame.tui.libraryrows import resume_key

        catalog = self.catalog
        if catalog is None:
            return None
        return next(((e, s) for e, s in catalog.in_progress if resume_key(catalog, s) == key), None)

    def _problem_save(self, key: str) -> SaveEntry | None:
        problems = self.catalog.problem_saves if self.catalog else []
        index = int(key) if key.isdigit() else -1
        return problems[index][0] if 0 <= index < len(problems) else None

    @on(OptionList.OptionHighlighted, "#library")
    def _highlighted(self) -> None:
        self._show_detail()

    def _selected_id(self) -> str | None:
        option = self.query_one("#library", OptionList).highlighted_option
        return option.id if option else None

    def _show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        row = self.rows.get(self._selected_id() or "")
        if row is None or row.detail is None:
            detail.update(self._welcome())
            return
        if self._pending_open == row.id and self.catalog is None:
            detail.update(
                Text.assemble(row.detail, "\n\n", (_("Opening as soon as the library is checked…"), "italic"))
            )
            return
        detail.update(row.detail)

    @on(OptionList.OptionSelected, "#library")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        catalog = self.catalog
        oid = self._selected_id()
        if oid is None:
            return
        if catalog is None:  # the rows come from the cache: open once the real load says what this is
            self._pending_open = oid
            self._show_detail()
            if self._load_timer is not None:  # still waiting to load: load now
                self.reload()
            return
        kind, _sep, key = oid.partition(":")
        if kind == "resume":
            pair = self._resumable(key)
            if pair is not None:
                self.post_message(ResumeRequested(pair[1], catalog.path_of(pair[1])))
        elif kind == "badsave":
            from simgame.tui.catalog import save_problem_text

            bad = self._problem_save(key)
            if bad is not None:
                self.post_message(
                    ProblemReported(
                        _("{name} cannot be opened").format(name=bad.path.name), save_problem_text(bad, catalog)
                    )
                )
        elif kind == "scenario":
            entry = catalog.entries[int(key)]
            if entry.scenario is not None:
                self.post_message(ScenarioChosen(entry.scenario))
        elif kind == "invalid":
            entry = catalog.entries[int(key)]
            self.post_message(
                ProblemReported(
                    _("{name} cannot be played").format(name=entry.path.name),
                    _(
                        "{problem}\n\n{problem_count} problem(s) in all. Run `simgame validate {path}` to "
                        "see each one with a hint."
                    ).format(problem=entry.problem, problem_count=entry.problem_count, path=entry.path),
                )
            )

    def palette_commands(self) -> list[Command]:
        """Each scenario to open and each run to continue, by name (only once the library is checked)."""
        catalog = self.catalog
        if catalog is None:
            return []
        out = [
            Command(
                _("Open scenario: {title}").format(title=e.scenario.title),
                _("Its briefing"),
                partial(self.post_message, ScenarioChosen(e.scenario)),
            )
            for e in catalog.entries
            if e.scenario is not None
        ]
        for entry, save in catalog.in_progress:
            made = len(save.choices)
            out.append(
                Command(
                    _("Continue: {title}, decision {value}").format(title=entry.title, value=made + 1),
                    _("An unfinished run"),
                    partial(self.post_message, ResumeRequested(save, catalog.path_of(save))),
                )
            )
        return out

    def action_load(self) -> None:
        self.post_message(SavedRunsRequested())

    def action_glossary(self) -> None:
        glossary = self.catalog.glossary if self.catalog else None
        self.post_message(GlossaryRequested(glossary, set()))

    def action_refresh(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.catalog is not None:
            self.reload()
