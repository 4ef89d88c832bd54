"""The scenario library: what there is to play, best results so far, runs to resume.

This is the first screen, so it imports nothing from the engine at module level: the
catalog loads in a thread worker after the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from simgame.tui.host import host
from simgame.tui.messages import (
    CatalogLoaded,
    GlossaryRequested,
    ProblemReported,
    ResumeRequested,
    SavedRunsRequested,
    ScenarioChosen,
)
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import paragraphs, short_time

if TYPE_CHECKING:
    from simgame.engine.saves import SaveEntry, SaveFile
    from simgame.tui.catalog import Catalog, CatalogEntry

MAX_RESUME = 3
MAX_PROBLEM_SAVES = 3


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="home.open", tooltip="Brief me on the highlighted scenario", show=True),
        Binding("l", "load", "Saved runs", id="home.load", tooltip="List every saved run, finished or not"),
        Binding("g", "glossary", "Glossary", id="home.glossary", tooltip="The shared AI language, searchable"),
        Binding("r", "refresh", "Refresh", id="home.refresh", tooltip="Read the scenarios folder again"),
        Binding("q", "app.quit", "Quit", id="home.quit", tooltip="Quit simgame"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.catalog: Catalog | None = None

    def compose(self) -> ComposeResult:
        yield Static("[b]simgame[/b]  ·  lead an organisation from AI pilots to operations", id="home-title")
        with Horizontal(id="home-body"):
            yield OptionList(Option("Loading scenarios…", id="loading", disabled=True), id="library")
            with VerticalScroll(id="home-detail"):
                yield Static(self._welcome(), id="detail")
        yield KeyBar()

    @staticmethod
    def _welcome() -> str:
        return (
            "[b]Welcome.[/b] Pick a scenario on the left and press [b]Enter[/b].\n\n"
            "You play a senior leader. Each scene ends in a decision; some consequences show at once, "
            "others surface later. The debrief scores where your organisation ends up, not whether you "
            "finished, and lets you rewind to try another path.\n\n"
            "Keys: arrows or mouse to move, Enter to open, [b]F1[/b] for help, [b]Ctrl+P[/b] for commands."
        )

    def on_mount(self) -> None:
        self.call_after_refresh(self.reload)

    def reload(self) -> None:
        self._load_catalog()

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def _load_catalog(self) -> None:
        """Read the library off the UI thread; one bad file is one line, and quitting never waits for it."""
        worker = get_current_worker()
        try:
            from simgame.tui.catalog import load_catalog
            from simgame.tui.reading import LoadCancelled

            opts = host(self).options
            try:
                catalog = load_catalog(opts.library_dir(), opts.saves_dir(), lambda: worker.is_cancelled)
            except LoadCancelled:
                return
        except Exception as exc:  # the library must never stay on "Loading…": say what went wrong instead
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_failure, f"an unexpected problem ({exc or type(exc).__name__})")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_catalog, catalog)

    def _show_failure(self, reason: str) -> None:
        library = self.query_one("#library", OptionList)
        line = Text.assemble(("  ⚠ The library could not be read", "bold"), f"\n    {reason[:200]}")
        library.set_options([Option(line, id="head:failed", disabled=True)])
        self.query_one("#detail", Static).update(
            Text.assemble(
                ("The library could not be read", "bold"),
                "\n\n",
                f"{reason[:500]}\n\nPress R to try again, or Ctrl+Q to quit.",
            )
        )

    def _show_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.post_message(CatalogLoaded(catalog))
        library = self.query_one("#library", OptionList)
        highlighted = library.highlighted_option.id if library.highlighted_option else None
        options: list[Option | None] = []
        resumable = catalog.in_progress
        if resumable:
            options.append(Option(Text("Continue where you left off", style="bold"), id="head:resume", disabled=True))
            for entry, save in resumable[:MAX_RESUME]:
                changed = entry.scenario is not None and save.content_hash != entry.scenario.content_hash
                label = Text.assemble(
                    "  ↻ ",
                    (entry.title, "bold"),
                    f"\n    decision {len(save.choices) + 1}, saved {short_time(save.updated)}",
                    " (scenario changed)" if changed else "",
                )
                options.append(Option(label, id=f"resume:{self._resume_key(catalog, save)}"))
            if len(resumable) > MAX_RESUME:
                options.append(
                    Option(f"    …{len(resumable) - MAX_RESUME} more: press L", id="head:more", disabled=True)
                )
        options.append(Option(Text("Scenarios", style="bold"), id="head:scenarios", disabled=True))
        order = sorted(range(len(catalog.entries)), key=lambda i: catalog.entries[i].scenario is None)
        for index in order:
            options.append(self._entry_option(index, catalog.entries[index]))
        if not catalog.entries:
            options.append(
                Option(f"  No scenarios found in {host(self).options.library_dir()}", id="head:none", disabled=True)
            )
        problems = catalog.problem_saves
        if problems:
            options.append(Option(Text("Saves that cannot be opened", style="bold"), id="head:badsaves", disabled=True))
            for index, (bad, reason) in enumerate(problems[:MAX_PROBLEM_SAVES]):
                label = Text.assemble("  ⚠ ", (bad.path.name, "bold"), f"\n    {reason}")
                options.append(Option(label, id=f"badsave:{index}"))
            if len(problems) > MAX_PROBLEM_SAVES:
                more = len(problems) - MAX_PROBLEM_SAVES
                options.append(Option(f"    …{more} more: press L", id="head:badmore", disabled=True))
        library.set_options([o for o in options if o is not None])
        target = highlighted if highlighted and not highlighted.startswith("head:") else None
        ids = [o.id for o in library.options]
        if target in ids:
            library.highlighted = ids.index(target)
        else:
            first = next((i for i, o in enumerate(library.options) if not o.disabled), None)
            library.highlighted = first
        library.focus()
        self._show_detail()

    @staticmethod
    def _resume_key(catalog: Catalog, save: SaveFile) -> str:
        """The option id of a run to resume: its file's name (unique, where the run id may not be)."""
        path = catalog.path_of(save)
        return path.stem if path is not None else save.run_id

    def _resumable(self, key: str) -> tuple[CatalogEntry, SaveFile] | None:
        catalog = self.catalog
        if catalog is None:
            return None
        return next(((e, s) for e, s in catalog.in_progress if self._resume_key(catalog, s) == key), None)

    def _problem_save(self, key: str) -> SaveEntry | None:
        problems = self.catalog.problem_saves if self.catalog else []
        index = int(key) if key.isdigit() else -1
        return problems[index][0] if 0 <= index < len(problems) else None

    @staticmethod
    def _entry_option(index: int, entry: CatalogEntry) -> Option:
        sc = entry.scenario
        if sc is None:
            label = Text.assemble("  ⚠ ", (entry.path.name, "bold"), "\n    cannot be played yet")
            return Option(label, id=f"invalid:{index}")
        from simgame.engine.scoring import score_text  # loaded with the catalog, after the first frame

        best = f"best {score_text(entry.best.score)} ({entry.best.band_label})" if entry.best else "not played yet"
        label = Text.assemble("  ▸ ", (sc.title, "bold"), f"\n    {sc.doc.minutes} min · {best}")
        return Option(label, id=f"scenario:{index}")

    @on(OptionList.OptionHighlighted, "#library")
    def _highlighted(self) -> None:
        self._show_detail()

    def _selected_id(self) -> str | None:
        option = self.query_one("#library", OptionList).highlighted_option
        return option.id if option else None

    def _show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        catalog = self.catalog
        oid = self._selected_id()
        if catalog is None or oid is None or oid.startswith("head:") or oid == "loading":
            detail.update(self._welcome())
            return
        kind, _, key = oid.partition(":")
        if kind == "resume":
            pair = self._resumable(key)
            if pair is None:
                return
            entry, save = pair
            changed = entry.scenario is not None and save.content_hash != entry.scenario.content_hash
            detail.update(
                Text.assemble(
                    (entry.title, "bold"),
                    "\n\n",
                    f"An unfinished run: {len(save.choices)} decision{'s' * (len(save.choices) != 1)} made, "
                    f"last saved {short_time(save.updated)}.\n\n",
                    "The scenario has changed since; you will be asked before this save is updated.\n\n"
                    if changed
                    else "",
                    "Press Enter to continue it.",
                )
            )
            return
        if kind == "badsave":
            from simgame.tui.catalog import save_problem_text

            bad = self._problem_save(key)
            if bad is not None:
                detail.update(
                    Text.assemble(("This save cannot be opened", "bold"), "\n\n", save_problem_text(bad, catalog))
                )
            return
        entry = catalog.entries[int(key)]
        if entry.scenario is None:
            detail.update(
                Text.assemble(
                    ("This scenario cannot be played yet", "bold"),
                    "\n\n",
                    f"File: {entry.path.name}\n",
                    f"Problems: {entry.problem_count}\nFirst: {entry.problem}\n\n",
                    f"Its author can see every problem with:\n  simgame validate {entry.path}",
                )
            )
            return
        sc = entry.scenario
        doc = sc.doc
        from simgame.engine.scoring import score_text

        best = (
            f"{score_text(entry.best.score)}/100, {entry.best.band_label}"
            f"{' (' + entry.best.ending_title + ')' if entry.best.ending_title else ''}"
            if entry.best
            else "not played yet"
        )
        lines = Text.assemble(
            (doc.title, "bold"),
            "\n\n",
            ("Your role: ", "bold"),
            doc.role,
            "\n\n",
            paragraphs(doc.summary),
            "\n\n",
            ("Themes: ", "bold"),
            ", ".join(t.replace("-", " ") for t in doc.themes) or "none",
            "\n",
            ("Time: ", "bold"),
            f"about {doc.minutes} minutes\n",
            ("Best result: ", "bold"),
            best,
            "\n",
        )
        if entry.finished_runs:
            lines.append(f"Finished runs: {entry.finished_runs}\n")
        if entry.in_progress:
            lines.append(f"Unfinished runs: {len(entry.in_progress)} (see Continue above)\n")
        lines.append("\nPress Enter for the briefing.")
        detail.update(lines)

    @on(OptionList.OptionSelected, "#library")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        catalog = self.catalog
        oid = self._selected_id()
        if catalog is None or oid is None:
            return
        kind, _, key = oid.partition(":")
        if kind == "resume":
            pair = self._resumable(key)
            if pair is not None:
                self.post_message(ResumeRequested(pair[1], catalog.path_of(pair[1])))
        elif kind == "badsave":
            from simgame.tui.catalog import save_problem_text

            bad = self._problem_save(key)
            if bad is not None:
                self.post_message(ProblemReported(f"{bad.path.name} cannot be opened", save_problem_text(bad, catalog)))
        elif kind == "scenario":
            entry = catalog.entries[int(key)]
            if entry.scenario is not None:
                self.post_message(ScenarioChosen(entry.scenario))
        elif kind == "invalid":
            entry = catalog.entries[int(key)]
            self.post_message(
                ProblemReported(
                    f"{entry.path.name} cannot be played",
                    f"{entry.problem}\n\n{entry.problem_count} problem(s) in all. "
                    f"Run `simgame validate {entry.path}` to see each one with a hint.",
                )
            )

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
