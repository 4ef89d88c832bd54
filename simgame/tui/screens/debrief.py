"""The debrief: the outcome profile with reference points, how each metric moved (charts drawn in
text, with their numbers in words), the decision review by practice, "what if" rewinds, and an
export (Markdown and HTML with inline SVG charts) whose paths the player is told."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from simgame.engine.scoring import score_text
from simgame.i18n import N_, _
from simgame.tui.compare import Comparison, comparison_intro
from simgame.tui.debrieftext import costly_text, decisions_text, export_path, outcome_text, range_text
from simgame.tui.host import host
from simgame.tui.keys import Command, key_name
from simgame.tui.messages import LibraryRequested, RewindRequested
from simgame.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from simgame.analysis.outcomes.reference import RunReference
    from simgame.analysis.ranges import OutcomeRange
    from simgame.engine.run import Run
    from simgame.tui.session import GameSession

__all__ = ["DebriefScreen", "costly_text", "decisions_text", "export_path", "outcome_text", "range_text"]


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o", "tab('tab-outcome')", N_("Outcome"), id="debrief.outcome", tooltip=N_("The outcome profile and score")
        ),
        Binding(
            "m",
            "tab('tab-metrics')",
            N_("Metrics"),
            id="debrief.metrics",
            tooltip=N_("How each metric moved across your decisions, as charts and in words"),
        ),
        Binding(
            "d",
            "tab('tab-decisions')",
            N_("Decisions"),
            id="debrief.decisions",
            tooltip=N_("Your decisions, their consequences and notes, by practice"),
        ),
        Binding(
            "w",
            "tab('tab-whatif')",
            N_("What if?"),
            id="debrief.whatif",
            tooltip=N_("Rewind to any decision and try another path"),
        ),
        Binding(
            "c",
            "tab('tab-compare')",
            N_("Compare"),
            id="debrief.compare",
            tooltip=N_("This what-if branch beside the run it came from"),
        ),
        Binding(
            "e",
            "export",
            N_("Export"),
            id="debrief.export",
            tooltip=N_("Save this debrief as a Markdown file and an HTML page with charts"),
        ),
        Binding(
            "enter",
            "rewind_here",
            N_("Go back"),
            id="debrief.rewind",
            tooltip=N_("What if? Go back to the highlighted decision and choose again"),
        ),
        Binding("escape", "library", N_("Library"), id="debrief.library", tooltip=N_("Back to the scenario library")),
    ]

    PALETTE_NAMES: ClassVar[dict[str, str]] = {"export": N_("Export debrief")}
    PALETTE_SKIP = ("tab", "rewind_here")

    def __init__(self, session: GameSession) -> None:
        super().__init__()
        self.session = session
        self.debrief = session.debrief()
        self.range: OutcomeRange | None = None
        self.range_error = ""
        self.reference: RunReference | None = None
        self.exported: Path | None = None
        self.export_waiting = False  # E was pressed before the reference range was worked out
        self.comparison: Comparison | None = None

    def key_words(self, binding: Binding) -> tuple[str, str] | None:
        """Esc leaves a session's game (never to the library, where play would go unrecorded)."""
        if binding.action == "library" and host(self).options.join:
            return key_name(binding), _("Leave")
        return key_name(binding), _(binding.description)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab" and parameters == ("tab-compare",):
            return self.session.branch_of is not None
        if action == "rewind_here":  # Enter acts on the What if? list only
            return self.is_mounted and self.query_one("#debrief-tabs", TabbedContent).active == "tab-whatif"
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_rewind_here(self) -> None:
        option = self.query_one("#rewind", OptionList).highlighted_option
        if option is not None and option.id:
            self.post_message(RewindRequested(self.session, int(option.id.split(":")[1])))

    def palette_commands(self) -> list[Command]:
        """Each tab, and going back to each decision ("What if…")."""
        tabs = [(_("Outcome"), "tab-outcome"), (_("Metrics"), "tab-metrics"), (_("Decisions"), "tab-decisions")]
        if self.session.branch_of is not None:
            tabs.append((_("Compare with the original run"), "tab-compare"))
        out = [
            Command(
                _("Show: {tab}").format(tab=name), _("The {tab} tab").format(tab=name), partial(self.action_tab, tab)
            )
            for name, tab in tabs
        ]
        for r in self.debrief.decisions:
            out.append(
                Command(
                    _("What if… back to decision {n}: {scene}").format(n=r.number, scene=r.scene_title),
                    _("You chose “{label}”; go back and choose again (this run stays saved)").format(
                        label=r.decision.label
                    ),
                    partial(self.post_message, RewindRequested(self.session, r.decision.index)),
                )
            )
        return out

    def compose(self) -> ComposeResult:
        d = self.debrief
        yield Static(
            Text.assemble(
                (_("Debrief"), "bold"),
                f"  ·  {d.title}  ·  {score_text(d.outcome.overall)}/100 ({d.outcome.band_label})",
            ),
            id="debrief-title",
        )
        with TabbedContent(id="debrief-tabs", initial="tab-outcome"):
            with TabPane(_("Outcome"), id="tab-outcome"), VerticalScroll(id="outcome-scroll"):
                yield Static(outcome_text(d), id="outcome-text")
                yield Static(range_text(None, d.outcome.overall), id="range-text")
                yield Static("", id="costly-text")
            with TabPane(_("Metrics"), id="tab-metrics"), VerticalScroll(id="metrics-scroll"):
                yield Static(self._metrics_text(), id="metrics-text")
            with TabPane(_("Decisions"), id="tab-decisions"), VerticalScroll(id="decisions-scroll"):
                yield Static(decisions_text(d, self.session.scenario), id="decisions-text")
            if self.session.branch_of is not None:
                with TabPane(_("Compare"), id="tab-compare"), VerticalScroll(id="compare-scroll"):
                    yield Static(comparison_intro(self.session.branch_of), id="compare-intro")
                    yield Static(Text(_("Reading the original run…"), "italic"), id="compare-text")
            with TabPane(_("What if?"), id="tab-whatif"):
                yield Static(
                    _(
                        "Pick a decision to go back to it and choose differently "
                        "(decision 1 starts again). This finished run stays saved."
                    ),
                    id="whatif-help",
                )
                yield OptionList(*self._rewind_options(), id="rewind")
        yield Static("", id="debrief-status")
        yield KeyBar()

    def _rewind_options(self) -> list[Option]:
        """One option per decision: picking it replays the choices before it and stops there."""
        options = []
        for r in self.debrief.decisions:
            dec = r.decision
            options.append(
                Option(
                    Text.assemble(
                        (f"{r.number}. {r.scene_title}", "bold"),
                        "\n   " + _("you chose: {label}").format(label=dec.label),
                    ),
                    id=f"rewind:{dec.index}",
                )
            )
        return options

    def on_mount(self) -> None:
        self._work_out_range()
        self.query_one("#outcome-scroll").focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _work_out_range(self) -> None:
        from simgame.tui.explore import outcome_range, run_reference

        run = self.session.run
        reference: RunReference | None = None
        try:  # the outcome map, from the settings' maps folder (built in another process if missing)
            result = outcome_range(self.session.scenario)
            reference = run_reference(self.session.scenario, run.seed, list(run.choice_log), run.fixture)
        except Exception as exc:
            self.app.call_from_thread(self._show_range, None, None, str(exc) or type(exc).__name__)
        else:
            self.app.call_from_thread(self._show_range, result, reference, "")
        origin = self.session.branch_of
        if origin is None:
            return
        from simgame.tui.compare import build

        def reference_of(other: Run) -> RunReference:
            return run_reference(other.scenario, other.seed, list(other.choice_log), other.fixture)

        try:
            found = build(run, reference, origin, self.session.saves_dir, reference_of)
        except ValueError as exc:
            self.app.call_from_thread(self._show_comparison, None, str(exc))
            return
        self.app.call_from_thread(self._show_comparison, found, "")

    def _show_comparison(self, found: Comparison | None, error: str) -> None:
        from simgame.tui.compare import comparison_table

        self.comparison = found
        shown = comparison_table(found) if found is not None else Text(_("No comparison: {error}.").format(error=error))
        self.query_one("#compare-text", Static).update(shown)

    def _show_range(self, result: OutcomeRange | None, reference: RunReference | None, error: str) -> None:
        self.range, self.reference, self.range_error = result, reference, error
        self.query_one("#range-text", Static).update(range_text(result, self.debrief.outcome.overall, error))
        if reference is not None:
            costly = costly_text(reference, self.debrief, self.session.scenario, self.session.run)
            self.query_one("#costly-text", Static).update(costly)
        if self.export_waiting:
            self.export_waiting = False
            self.action_export()

    def action_tab(self, tab: str) -> None:
        if tab == "tab-compare" and self.session.branch_of is None:
            return
        self.query_one("#debrief-tabs", TabbedContent).active = tab
        target = {
            "tab-outcome": "#outcome-scroll",
            "tab-metrics": "#metrics-scroll",
            "tab-decisions": "#decisions-scroll",
            "tab-whatif": "#rewind",
            "tab-compare": "#compare-scroll",
        }
        self.query_one(target[tab]).focus()

    @on(OptionList.OptionSelected, "#rewind")
    def _rewind(self, event: OptionList.OptionSelected) -> None:
        index = int((event.option.id or "rewind:0").split(":")[1])
        self.post_message(RewindRequested(self.session, index))

    def action_export(self) -> None:
        from simgame.authoring.run_report import debrief_markdown
        from simgame.engine.saves import atomic_write

        status = self.query_one("#debrief-status", Static)
        if self.range is None and not self.range_error:  # wait for the reference range, then write
            self.export_waiting = True
            status.update(Text(_("Working out the reference range: the debrief is saved as soon as it is ready.")))
            return
        path = export_path(self.session)
        text = debrief_markdown(self.debrief, self.session.run)
        if self.range_error:
            heading, lacking = _("Compared with what was possible"), _("Not available: {error}")
            text += f"\n## {heading}\n\n" + lacking.format(error=self.range_error) + "\n"
        lines: list[str] | None = None
        if self.reference is not None:
            from simgame.authoring.reference_text import reference_lines

            numbers = {r.decision.index: r.number for r in self.debrief.decisions}
            lines = reference_lines(
                self.reference, self.debrief.outcome.overall, self.session.scenario, numbers, self.session.run
            )
            text += f"\n## {lines[0]}\n\n" + "\n".join(line.strip() for line in lines[1:]) + "\n"
        from simgame.tui.debriefhtml import debrief_html

        page = debrief_html(self.debrief, self.session.run, lines, self.range_error)
        html_path = path.with_suffix(".html")
        try:
            atomic_write(path, text)
            atomic_write(html_path, page)
        except OSError as exc:
            said = _("⚠ Could not write the debrief to {path}: {reason}").format(path=path, reason=exc.strerror or exc)
            status.update(Text(said))
            return
        self.exported = path
        lacking = (
            " " + _("(without the reference range: {error})").format(error=self.range_error) if self.range_error else ""
        )
        said = _("Debrief saved to {path} and {html}").format(path=path, html=html_path.name) + lacking
        status.update(Text(said))
        self.app.notify(said, timeout=6)  # the app's: merged, never markup

    def _metrics_text(self) -> Text:
        from simgame.tui.charts import metric_series, metrics_text

        width = max(40, min(self.app.size.width - 6, 100))
        return metrics_text(metric_series(self.session.run, self.debrief), width)

    def action_library(self) -> None:
        self.post_message(LibraryRequested())
