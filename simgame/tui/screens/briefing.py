"""The briefing: who you are, the situation, what you are trying to achieve, what the numbers mean."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from simgame.tui.messages import GlossaryRequested, PlayRequested
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.text import paragraphs

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario


def briefing_text(scenario: Scenario) -> Text:
    doc = scenario.doc
    out = Text()
    out.append("Your role\n", "bold underline")
    out.append(doc.role + "\n")
    if doc.organisation:
        out.append(doc.organisation + "\n")
    out.append("\nThe situation\n", "bold underline")
    out.append(paragraphs(doc.briefing or doc.summary) + "\n")
    if doc.stakeholders:
        out.append("\nPeople to keep in mind\n", "bold underline")
        for s in doc.stakeholders:
            out.append(f"• {s.name}", "bold")
            out.append(f", {s.role}" + (f": wants {s.wants}" if s.wants else "") + "\n")
    if doc.objectives:
        out.append("\nYour objectives\n", "bold underline")
        for obj in doc.objectives:
            out.append(f"• {obj.text}\n")
    out.append("\nThe numbers on your dashboard\n", "bold underline")
    for m in doc.metrics.values():
        if m.hidden:
            continue
        direction = "higher is better" if m.higher_is == "better" else "lower is better"
        out.append(f"• {m.label}", "bold")
        out.append(f" (starts at {m.start:g} of {m.max:g}; {direction})")
        out.append(f": {' '.join(m.description.split())}\n" if m.description else "\n")
    phases = [p.label for p in doc.phases.values() if p.kind == "normal"]
    if phases:
        out.append("\nThe journey\n", "bold underline")
        out.append(
            " → ".join(phases)
            + ". Things can also go wrong: "
            + (", ".join(p.label for p in doc.phases.values() if p.kind == "failure") or "none")
            + ".\n"
        )
    out.append(
        f"\nAbout {doc.minutes} minutes. Facts are as of {doc.as_of}. Your progress is saved after every decision.",
        "italic",
    )
    return out


class BriefingScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", id="briefing.start", tooltip="Start the scenario"),
        Binding("s", "start", "Start", id="briefing.start_s", tooltip="Start the scenario", show=False),
        Binding("escape", "back", "Back", id="briefing.back", tooltip="Back to the scenario library"),
        Binding("g", "glossary", "Glossary", id="briefing.glossary", tooltip="The shared AI language"),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Static(f"[b]Briefing[/b] · {self.scenario.title}", id="briefing-title", markup=True)
        with VerticalScroll(id="briefing-body"):
            yield Static(briefing_text(self.scenario), id="briefing-text")
            yield Static("[b]Press Enter to begin.[/b]", id="briefing-go")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def action_start(self) -> None:
        self.post_message(PlayRequested(self.scenario))

    def action_back(self) -> None:
        self.dismiss()

    def action_glossary(self) -> None:
        from simgame.tui.terms import glossary_for

        self.post_message(GlossaryRequested(glossary_for(self.scenario), set()))
