"""The facilitator dashboard (Textual): who joined, where everyone is, splits, scores, stragglers; live.

This is the one module under simgame/cohort that imports Textual. What it shows comes
from ``liveview`` (plain data, tested without a UI); pacing actions go through
``pacing`` and are logged like every other facilitator action. Press ``v`` for the room
view before projecting: it hides names and shows only aggregates.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.liveview import PAGE_SIZE, LiveView, bar_lines, build, histogram_lines
from simgame.cohort.room import MIN_GROUP
from simgame.cohort.sessions import scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.storage import open_store
from simgame.cohort.store import LOCKSTEP, Cohort, CohortStore
from simgame.format.inert import inert

REFRESH_SECONDS = 2.0
TIMER_SECONDS = 180  # `t`: the open decision advances on its own after three minutes


class Confirm(ModalScreen[bool]):
    """A yes/no question before an action that times players out."""

    CSS = """
    Confirm { align: center middle; }
    #box { width: 72; height: auto; padding: 1 2; border: thick $warning; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static(_shown(self.question) + "\n\n[b]y[/b] yes · [b]n[/b] no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Dashboard(App[None]):
    TITLE = "simgame facilitator"
    CSS = """
    #summary { height: auto; padding: 0 1; background: $boost; }
    #body { height: 1fr; }
    #players { width: 1fr; }
    #side { width: 1fr; min-width: 62; padding: 0 1; }
    .panel { margin-bottom: 1; }
    #page { height: 1; padding: 0 1; color: $text-muted; }
    Dashboard.-room #players, Dashboard.-room #page { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "page(1)", "Next page", id="dash.next", tooltip="Next page of players"),
        Binding("p", "page(-1)", "Prev page", id="dash.prev", tooltip="Previous page of players"),
        Binding(
            "right",
            "focus_step(1)",
            "Next decision",
            id="dash.step-next",
            tooltip="Show the split of the next decision",
        ),
        Binding(
            "left",
            "focus_step(-1)",
            "Prev decision",
            id="dash.step-prev",
            tooltip="Show the split of the previous decision",
        ),
        Binding("o", "pace('open')", "Open", id="dash.open", tooltip="Lockstep: open the next decision"),
        Binding("r", "pace('reveal')", "Reveal", id="dash.reveal", tooltip="Lockstep: reveal the split to players"),
        Binding(
            "a",
            "pace('advance')",
            "Advance",
            id="dash.advance",
            tooltip="Lockstep: time out stragglers and open the next decision",
        ),
        Binding("u", "pace('undo')", "Undo advance", id="dash.undo", tooltip="Lockstep: take back the last advance"),
        Binding(
            "t",
            "pace('timer')",
            "Timer",
            id="dash.timer",
            tooltip="Lockstep: advance on its own in 3 min (again: cancel)",
        ),
        Binding("space", "pace('pause')", "Pause/resume", id="dash.pause", tooltip="Pause or resume the session"),
        Binding("v", "room_view", "Room view", id="dash.room", tooltip="Hide names: aggregates only, for projecting"),
        Binding("q", "quit", "Quit", id="dash.quit", tooltip="Close the dashboard (the session goes on)"),
    ]

    def __init__(
        self,
        code: str,
        store_path: Path | str | None = None,  # a store file or a postgresql:// URL
        key: str | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        store: CohortStore | None = None,  # an opened store (a hub's, for a co-facilitator elsewhere)
    ) -> None:
        super().__init__()
        self.code = code
        self.store: SqliteStore = store or open_store(store_path)  # type: ignore[assignment]
        self.key = key
        self.scenario = scenario_of(self.store.cohort(code))
        self.refresh_seconds = refresh_seconds
        self.page_number = 0
        self.focus_step: int | None = None
        self.view: LiveView | None = None
        self._acted: tuple[str, int] | None = None  # (key, revision it produced) until the next refresh tick
        self._cache: dict[tuple[str, ...], tuple[str, float] | None] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="body"):
            yield DataTable(id="players", zebra_stripes=True, cursor_type="row")
            with VerticalScroll(id="side"):
                yield Static(id="split", classes="panel")
                yield Static(id="scores", classes="panel")
                yield Static(id="teams", classes="panel")
                yield Static(id="stragglers", classes="panel")
        yield Static(id="page")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#players", DataTable)
        table.add_columns("player", "team", "via", "decisions", "where", "status")
        self.refresh_view()
        self.set_interval(self.refresh_seconds, self.tick)

    def on_unmount(self) -> None:
        self.store.close()

    # -- rendering ----------------------------------------------------------------------
    def tick(self) -> None:
        """Every refresh: run the lockstep timer if it is due (the hub runs it too; only one advances)."""
        if self.key:
            with contextlib.suppress(CohortError):
                pacing.due(self.store, self.store.cohort(self.code))
        self._acted = None
        self.refresh_view()

    def refresh_view(self) -> None:
        view = build(self.store, self.code, self.scenario, self.focus_step, self._cache)
        self.view = view
        c = view.cohort
        pace = c.pace
        if c.pace == LOCKSTEP:
            pace += f" · decision {c.open_step} open" if c.open_step else " · nothing open yet"
            if c.revealed_step >= 0:
                pace += f" · revealed {c.revealed_step + 1}"
            if c.deadline:
                pace += f" · timer until {c.deadline[11:19]} UTC"
        state = "CLOSED" if not c.is_open else ("PAUSED" if c.paused else "live")
        hub = _shown(view.hub.line())
        if view.hub.answers_may_wait:
            hub = f"[b red]{hub}[/b red]"
        self.query_one("#summary", Static).update(
            f"[b]{_shown(c.name)}[/b]  code [b]{c.code}[/b] · {_shown(self.scenario.title)} · {pace} · {state}\n"
            f"{len(view.rows)} joined · {view.finished} finished · {len(view.stragglers)} straggler(s) · {hub}"
        )
        rows, shown, pages = view.page(self.page_number)
        self.page_number = shown
        table = self.query_one("#players", DataTable)
        table.clear()
        for r in rows:
            marker = "⚠ " if r.straggler else ""
            cells = (marker + r.name, r.team, r.origin, str(r.decisions), r.where, r.status)
            table.add_row(*(Text(inert(cell, keep_lines=False)) for cell in cells))  # players' text: never markup
        first = shown * PAGE_SIZE + (1 if rows else 0)
        self.query_one("#page", Static).update(
            f"players {first}-{shown * PAGE_SIZE + len(rows)} of {len(view.rows)} · page {shown + 1}/{pages} (n/p)"
        )
        late = f", {view.timed_out_at_focus} timed out" if view.timed_out_at_focus else ""
        parts = [f"[b]Decision {view.focus + 1}[/b] (←/→){late}"]
        for title, pairs in view.splits or [("", [])]:
            if len(view.splits) > 1:
                parts.append(f"[i]{_shown(title)}[/i]")
            parts += [_shown(line) for line in bar_lines(pairs)]
        self.query_one("#split", Static).update("\n".join(parts))
        self.query_one("#scores", Static).update(
            "[b]Overall scores so far[/b]\n" + "\n".join(histogram_lines(view.scores))
        )
        room = self.has_class("-room")
        teams = [
            _shown(f"{t[:14]:<14} {n:>3} in {f:>4} done  {m:g} decisions avg")
            for t, n, f, m in view.teams
            if not room or n >= MIN_GROUP
        ]
        self.query_one("#teams", Static).update("[b]Teams[/b]\n" + ("\n".join(teams) or "no players yet"))
        names = ", ".join(_shown(r.name) for r in view.stragglers[:12])
        more = f" and {len(view.stragglers) - 12} more" if len(view.stragglers) > 12 else ""
        straggling = f"{len(view.stragglers)}: {names}{more}" if view.stragglers else "none"
        if room:
            straggling = str(len(view.stragglers))
        self.query_one("#stragglers", Static).update(f"[b]Stragglers[/b]\n{straggling}")

    # -- actions --------------------------------------------------------------------------
    def action_page(self, delta: int) -> None:
        self.page_number += delta
        self.refresh_view()

    def action_focus_step(self, delta: int) -> None:
        current = self.view.focus if self.view else 0
        top = max(self.view.max_step if self.view else 0, current)
        self.focus_step = min(max(0, current + delta), top)
        self.refresh_view()

    def action_room_view(self) -> None:
        self.toggle_class("-room")
        self.refresh_view()

    def action_pace(self, what: str) -> None:
        """Act on the session as the screen shows it: if it changed meanwhile, the store refuses."""
        if not self.key:
            self.notify("Start the dashboard with --key to pace the session.", severity="warning")
            return
        if self.view is None:
            return
        shown = self.view.cohort
        if self._acted == (what, shown.revision):  # the same key again before the next refresh: a double press
            self.notify("Done already. Press it again after the screen refreshes to act again.", severity="warning")
            return
        if what == "advance":
            try:
                plan = pacing.plan_advance(self.store, shown)
            except CohortError as exc:
                self.notify(str(exc), severity="warning")
                return
            if plan.needs_confirmation:  # keys go to the question while it is open: a second `a` does nothing

                def answered(yes: bool | None) -> None:
                    if yes:
                        self._act(what, shown)

                self.push_screen(Confirm(plan.question()), answered)
                return
        self._act(what, shown)

    def _act(self, what: str, shown: Cohort) -> None:
        try:
            if what == "open":
                cohort = pacing.open_next(self.store, shown, by="dashboard")
                self.focus_step = cohort.open_step - 1
                message = f"Decision {cohort.open_step} is open."
            elif what == "reveal":
                cohort = pacing.reveal(self.store, shown, by="dashboard")
                message = f"Split of decision {cohort.revealed_step + 1} revealed to players."
            elif what == "advance":
                cohort, late = pacing.advance(self.store, shown, by="dashboard")
                self.focus_step = cohort.open_step - 1
                message = f"{late} timed out; decision {cohort.open_step} is open."
            elif what == "undo":
                cohort = pacing.undo(self.store, shown, by="dashboard")
                message = f"Advance undone: decision {cohort.open_step} is open again."
            elif what == "timer":
                cohort = pacing.set_timer(self.store, shown, 0 if shown.deadline else TIMER_SECONDS, by="dashboard")
                message = (
                    "Timer cancelled."
                    if not cohort.deadline
                    else f"Decision {cohort.open_step} advances at {cohort.deadline[11:19]} UTC."
                )
            else:
                cohort = pacing.pause(self.store, shown, not shown.paused, by="dashboard")
                message = "Paused." if cohort.paused else "Resumed."
        except CohortError as exc:
            self.notify(str(exc), severity="warning")
            return
        self._acted = (what, cohort.revision)
        self.notify(message)
        self.refresh_view()


def run_dashboard(code: str, store_path: Path | str | None, key: str | None, store: CohortStore | None = None) -> int:
    Dashboard(code, store_path, key, store=store).run()
    return 0


def _shown(text: str) -> str:
    """A player's (or an author's) text inside markup: inert, and escaped so it is never read as markup."""
    return escape(inert(text, keep_lines=False))
