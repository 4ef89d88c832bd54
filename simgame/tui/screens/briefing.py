"""The briefing: who you are, the situation, what you are trying to achieve, what the numbers mean."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from simgame.i18n import N_, _
from simgame.tui.messages import GlossaryRequested, PlayRequested
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import paragraphs

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario


def briefing_text(scenario: Scenario) -> Text:
    doc = scenario.doc
    out = Text()
    out.append(_("Your role\n"), "bold underline")
    out.append(doc.role + "\n")
    if doc.organisation:
        out.append(doc.organisation + "\n")
    out.append(_("\nThe situation\n"), "bold underline")
    out.append(paragraphs(doc.briefing or doc.summary) + "\n")
    if doc.stakeholders:
        out.append(_("\nPeople to keep in mind\n"), "bold underline")
        for s in doc.stakeholders:
            out.append(f"• {s.name}", "bold")
            out.append(f", {s.role}\n")
            if s.wants:
                # its own line: the author's sentence keeps its capitals ("Wants: A third off…")
                out.append(_("  Wants: "), "italic")
                out.append(" ".join(s.wants.split()) + "\n")
    if doc.objectives:
        out.append(_("\nYour objectives\n"), "bold underline")
        for obj in doc.objectives:
            out.append(f"• {obj.text}\n")
    out.append(_("\nThe numbers on your dashboard\n"), "bold underline")
    for m in doc.metrics.values():
        if m.hidden:
            continue
        direction = _("higher is better") if m.higher_is == "better" else _("lower is better")
        out.append(f"• {m.label}", "bold")
        out.append(
            _(" (starts at {start:g} of {max:g}; {direction})").format(start=m.start, max=m.max, direction=direction)
        )
        out.append(f": {' '.join(m.description.split())}\n" if m.description else "\n")
    phases = [p.label for p in doc.phases.values() if p.kind == "normal"]
    if phases:
        out.append(_("\nThe journey\n"), "bold underline")
        out.append(
            " → ".join(phases)
            + _(". Things can also go wrong: ")
            + (", ".join(p.label for p in doc.phases.values() if p.kind == "failure") or _("none"))
            + ".\n"
        )
    out.append(
        _("\nAbout {minutes} minutes. Facts are as of {as_of}. Your progress is saved after every decision.").format(
            minutes=doc.minutes, as_of=doc.as_of
        ),
        "italic",
    )
    return out


class BriefingScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", N_("Start"), id="briefing.start", tooltip=N_("Start the scenario")),
        Binding("s", "start", N_("Start"), id="briefing.start_s", tooltip=N_("Start the scenario"), show=False),
        Binding("escape", "back", N_("Back"), id="briefing.back", tooltip=N_("Back to the scenario library")),
        Binding("g", "glossary", N_("Glossary"), id="briefing.glossary", tooltip=N_("The shared AI language")),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((_("Briefing"), "bold"), f" · {self.scenario.title}"), id="briefing-title")
        with VerticalScroll(id="briefing-body"):
            yield Static(briefing_text(self.scenario), id="briefing-text")
            yield Static(self._translation_note(), id="briefing-translation")
            yield Static(_("[b]Press Enter to begin.[/b]"), id="briefing-go")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def _translation_note(self) -> Text:
        """What is wrong with this scenario's translation, if anything (its first problem, located)."""
        from simgame.tui.localised import translation_problems

        problems = translation_problems(self.scenario)
        if not problems:
            return Text()
        errors = [p for p in problems if p.is_error]
        said = (
            _("⚠ This scenario's translation cannot be used, so it is shown as written ({count} problems):")
            if errors
            else _("⚠ Parts of this scenario are not translated yet and are shown as written ({count} problems):")
        )
        return Text("\n" + said.format(count=len(problems)) + "\n" + (errors or problems)[0].render())

    def action_start(self) -> None:
        self.post_message(PlayRequested(self.scenario))

    def action_back(self) -> None:
        self.dismiss()

    def action_glossary(self) -> None:
        from simgame.tui.terms import glossary_for

        self.post_message(GlossaryRequested(glossary_for(self.scenario), set()))
