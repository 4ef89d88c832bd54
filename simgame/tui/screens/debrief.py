"""The debrief: the outcome profile with reference points, the decision review by practice,
"what if" rewinds, and a Markdown export whose path the player is told."""

from __future__ import annotations

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

from simgame.engine.scoring import red_line_sentences, score_text
from simgame.tui.messages import LibraryRequested, RewindRequested
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import bar, paragraphs

if TYPE_CHECKING:
    from simgame.analysis.outcomes.reference import RunReference
    from simgame.analysis.ranges import OutcomeRange
    from simgame.engine.scoring import Debrief
    from simgame.format.compiled import Scenario
    from simgame.tui.session import GameSession

TONE_WORDS = {"good": "a good ending", "mixed": "a mixed ending", "bad": "a bad ending"}


def outcome_text(d: Debrief) -> Text:
    o = d.outcome
    out = Text()
    out.append(f"Ending: {d.ending_title}", "bold")
    out.append(f" ({TONE_WORDS.get(d.ending_tone, d.ending_tone)})\n" if d.ended else " (run not finished)\n")
    if d.ending_text:
        out.append(paragraphs(d.ending_text) + "\n")
    if d.ending_debrief:
        out.append("\n" + paragraphs(d.ending_debrief) + "\n", "italic")
    out.append(f"\nOverall score: {score_text(o.overall)}/100 · band: {o.band_label}\n", "bold")
    for sentence in red_line_sentences(o):
        out.append(paragraphs(sentence) + "\n", "bold" if sentence.startswith("Red line") else "")
    if o.band_text:
        out.append(paragraphs(o.band_text) + "\n")
    out.append("\nOutcome profile\n", "bold underline")
    width = max((len(dim.label) for dim in o.dimensions), default=10)
    for dim in o.dimensions:
        out.append(f"{dim.label:<{width}} ")
        out.append_text(bar(dim.score / 100, 12))
        out.append(f"  {score_text(dim.score):>4}/100\n", "bold")
        out.append(f"  {dim.explain()}\n", "dim")
    if d.objectives:
        out.append("\nObjectives\n", "bold underline")
        for oid, text, met in d.objectives:
            out.append("[met]     " if met else "[not met] ", "bold")
            out.append(text + "\n")
            if oid in d.missed:
                out.append(f"          Why: {d.missed[oid]}\n", "italic")
    return out


def costly_text(ref: RunReference, d: Debrief, scenario: Scenario) -> Text:
    """The three decisions that gave up the most expected points, what was best there, and why."""
    numbers = {r.decision.index: r.number for r in d.decisions}
    out = Text()
    out.append("\nYour costliest decisions\n", "bold underline")
    costly = ref.costliest()
    if not costly:
        out.append("None: at every decision you took an option as good as the best on the table.\n")
        return out
    out.append(
        f"Against the best option at each decision, your choices gave up {ref.given_up:.1f} expected points "
        "in all (expected final score, with the best play after each).\n"
    )
    for cost in costly:
        title = scenario.scene(cost.scene).title or cost.scene
        number = numbers.get(cost.index)
        out.append(f"{f'{number}. ' if number else ''}{title}: ", "bold")
        out.append(f"“{scenario.choices[cost.choice].model.label}” gave up {cost.given_up or 0.0:.1f} points.\n")
        if cost.best_options:
            best = scenario.choices[cost.best_options[0]].model
            out.append("   Best here: ", "italic")
            out.append(f"“{best.label}”\n")
            if best.debrief:
                out.append(f"   {paragraphs(best.debrief)}\n", "dim")
    return out


def range_text(r: OutcomeRange | None, overall: float, error: str = "") -> Text:
    out = Text()
    out.append("Compared with what was possible\n", "bold underline")
    if error:
        out.append(f"Could not work out the best and worst outcomes: {error}\n")
        return out
    if r is None:
        out.append("Working out the best and worst reachable outcomes…\n", "italic")
        return out
    span = max(r.best - r.worst, 0.0)
    position = (overall - r.worst) / span if span else 1.0
    out.append(f"Best reachable:  {score_text(r.best):>4}/100\n")
    out.append(f"Your result:     {score_text(overall):>4}/100\n", "bold")
    out.append(f"Worst reachable: {score_text(r.worst):>4}/100\n")
    out.append(f"You reached {max(0.0, min(1.0, position)):.0%} of the way from the worst to the best outcome.")
    if not r.exhaustive:
        out.append(" (This scenario is large: the range comes from a partial search.)", "italic")
    out.append("\n")
    return out


def decisions_text(d: Debrief, scenario: Scenario) -> Text:
    from simgame.authoring.run_report import deltas_text
    from simgame.engine.causes import review_heading
    from simgame.format.model import PRACTICES

    names = {r.decision.index: (r.number, r.decision.label) for r in d.decisions}
    out = Text()
    out.append("Your decisions, grouped by the four leadership practices\n", "bold")
    for practice, reviews in d.by_practice().items():
        out.append(f"\n{PRACTICES.get(practice, practice)}\n", "bold underline")
        if not reviews:
            out.append("  No decision of yours exercised this practice.\n", "dim")
            continue
        for r in reviews:
            dec = r.decision
            out.append(f"{r.number}. {r.scene_title}: ", "bold")
            out.append(dec.label + "\n")
            out.append("   At once: ", "italic")
            out.append(deltas_text(scenario, dec.deltas) + "\n")
            for ev in (*r.immediate, *r.later):  # each names what caused it (simgame.engine.causes)
                out.append(f"   {review_heading(names, ev, dec.index)}: ", "italic")
                out.append(f"{' '.join(ev.text.split())}\n")
            if r.note:
                out.append("   Note: ", "bold")
                out.append(paragraphs(r.note) + "\n")
    return out


def export_path(session: GameSession) -> Path:
    folder = session.saves_dir or Path.cwd()
    return folder / "debriefs" / f"{session.run_id}.md"


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "tab('tab-outcome')", "Outcome", id="debrief.outcome", tooltip="The outcome profile and score"),
        Binding(
            "d",
            "tab('tab-decisions')",
            "Decisions",
            id="debrief.decisions",
            tooltip="Your decisions, their consequences and notes, by practice",
        ),
        Binding(
            "w",
            "tab('tab-whatif')",
            "What if?",
            id="debrief.whatif",
            tooltip="Rewind to any decision and try another path",
        ),
        Binding("e", "export", "Export", id="debrief.export", tooltip="Save this debrief as a Markdown file"),
        Binding("escape", "library", "Library", id="debrief.library", tooltip="Back to the scenario library"),
    ]

    def __init__(self, session: GameSession) -> None:
        super().__init__()
        self.session = session
        self.debrief = session.debrief()
        self.range: OutcomeRange | None = None
        self.reference: RunReference | None = None
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        d = self.debrief
        yield Static(
            Text.assemble(
                ("Debrief", "bold"), f"  ·  {d.title}  ·  {score_text(d.outcome.overall)}/100 ({d.outcome.band_label})"
            ),
            id="debrief-title",
        )
        with TabbedContent(id="debrief-tabs", initial="tab-outcome"):
            with TabPane("Outcome", id="tab-outcome"), VerticalScroll(id="outcome-scroll"):
                yield Static(outcome_text(d), id="outcome-text")
                yield Static(range_text(None, d.outcome.overall), id="range-text")
                yield Static("", id="costly-text")
            with TabPane("Decisions", id="tab-decisions"), VerticalScroll(id="decisions-scroll"):
                yield Static(decisions_text(d, self.session.scenario), id="decisions-text")
            with TabPane("What if?", id="tab-whatif"):
                yield Static(
                    "Pick a decision to go back to it and choose differently "
                    "(decision 1 starts again). This finished run stays saved.",
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
                    Text.assemble((f"{r.number}. {r.scene_title}", "bold"), f"\n   you chose: {dec.label}"),
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
        try:  # the outcome map, from the settings' maps folder (built in another process if missing)
            result = outcome_range(self.session.scenario)
            reference = run_reference(self.session.scenario, run.seed, list(run.choice_log), run.fixture)
        except Exception as exc:
            self.app.call_from_thread(self._show_range, None, None, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._show_range, result, reference, "")

    def _show_range(self, result: OutcomeRange | None, reference: RunReference | None, error: str) -> None:
        self.range, self.reference = result, reference
        self.query_one("#range-text", Static).update(range_text(result, self.debrief.outcome.overall, error))
        if reference is not None:
            costly = costly_text(reference, self.debrief, self.session.scenario)
            self.query_one("#costly-text", Static).update(costly)

    def action_tab(self, tab: str) -> None:
        self.query_one("#debrief-tabs", TabbedContent).active = tab
        target = {"tab-outcome": "#outcome-scroll", "tab-decisions": "#decisions-scroll", "tab-whatif": "#rewind"}
        self.query_one(target[tab]).focus()

    @on(OptionList.OptionSelected, "#rewind")
    def _rewind(self, event: OptionList.OptionSelected) -> None:
        index = int((event.option.id or "rewind:0").split(":")[1])
        self.post_message(RewindRequested(self.session, index))

    def action_export(self) -> None:
        from simgame.authoring.run_report import debrief_markdown
        from simgame.engine.saves import atomic_write

        path = export_path(self.session)
        text = debrief_markdown(self.debrief, self.session.run)
        if self.reference is not None:
            from simgame.authoring.reference_text import reference_lines

            numbers = {r.decision.index: r.number for r in self.debrief.decisions}
            lines = reference_lines(self.reference, self.debrief.outcome.overall, self.session.scenario, numbers)
            text += f"\n## {lines[0]}\n\n" + "\n".join(line.strip() for line in lines[1:]) + "\n"
        status = self.query_one("#debrief-status", Static)
        try:
            atomic_write(path, text)
        except OSError as exc:
            status.update(f"⚠ Could not write the debrief to {path}: {exc.strerror or exc}")
            return
        self.exported = path
        status.update(Text.assemble(("Debrief saved to ", "bold"), str(path)))
        self.notify(f"Debrief saved to {path}", timeout=6)

    def action_library(self) -> None:
        self.post_message(LibraryRequested())
