"""Terms of the current scene, explained on demand (key T, or a click on a highlighted word)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from simgame.i18n import N_, _
from simgame.tui.widgets.terms import term_text

if TYPE_CHECKING:
    from simgame.format.loader import Glossary


class TermsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="terms.close", tooltip=N_("Back to the scene")),
        Binding("t", "close", N_("Close"), id="terms.close_t", show=False, tooltip=N_("Back to the scene")),
        Binding(
            "q",
            "app.ask_quit",
            N_("Quit"),
            id="terms.quit",
            show=False,
            tooltip=N_("Quit simgame (during a run it asks first; your progress is saved either way)"),
        ),
    ]

    def __init__(self, glossary: Glossary | None, term_ids: list[str], focus: str | None = None) -> None:
        super().__init__()
        self.glossary = glossary
        self.term_ids = [focus] + [t for t in term_ids if t != focus] if focus else term_ids

    def compose(self) -> ComposeResult:
        with Vertical(id="terms-box"):
            yield Static(_("[b]Terms in this scene[/b]  (Esc to close)"), id="terms-title")
            with VerticalScroll(id="terms-body"):
                yield Static(self._text(), id="terms-text")

    def _text(self) -> Text:
        if self.glossary is None:
            return Text(_("The glossary could not be loaded, so terms cannot be explained here."))
        ids = [t for t in self.term_ids if t in self.glossary.doc.terms]
        if not ids:
            return Text(_("This scene uses no glossary terms. Press G on the play screen for the whole glossary."))
        out = Text()
        for i, tid in enumerate(ids):
            if i:
                out.append("\n")
            out.append_text(term_text(self.glossary, tid))
        return out

    def on_mount(self) -> None:
        self.query_one("#terms-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
