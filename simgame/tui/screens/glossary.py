"""The shared language: every glossary term, searchable; terms met in this run are marked ✓."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from simgame.i18n import N_, _
from simgame.tui.host import host
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.terms import term_text

if TYPE_CHECKING:
    from simgame.format.loader import Glossary


def matches(glossary: Glossary, term_id: str, query: str) -> bool:
    """Case-insensitive search over the name, aliases, id and definition."""
    if not query:
        return True
    q = query.lower()
    term = glossary.doc.terms[term_id]
    haystack = " ".join([term_id, term.term, *term.aliases, term.definition]).lower()
    return all(word in haystack for word in q.split())


class GlossaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="glossary.close", tooltip=N_("Close the glossary")),
        Binding("ctrl+f", "search", N_("Search"), id="glossary.search", tooltip=N_("Type to filter the terms")),
        Binding("down", "to_list", N_("List"), id="glossary.to_list", show=False, tooltip=N_("Move to the term list")),
    ]

    def __init__(self, glossary: Glossary | None, met: set[str]) -> None:
        super().__init__()
        self.glossary = glossary
        self.met = met

    def compose(self) -> ComposeResult:
        count = len(self.glossary.doc.terms) if self.glossary else 0
        mark = _("  ·  ✓ = met in this run") if self.met else ""
        as_of = self.glossary.doc.as_of if self.glossary else None
        dated = _("  ·  facts as of {as_of}").format(as_of=as_of) if as_of else ""
        yield Static(
            Text.assemble(
                (_("Glossary"), "bold"),
                _("  ·  {count} terms{dated}{mark}").format(count=count, dated=dated, mark=mark),
            ),
            id="glossary-title",
        )
        yield Input(placeholder=_("Search terms (name, alias or definition)"), id="glossary-search")
        with Horizontal(id="glossary-body"):
            yield OptionList(id="glossary-list")
            with VerticalScroll(id="glossary-detail"):
                yield Static("", id="glossary-text")
        yield KeyBar()

    def on_mount(self) -> None:
        search = self.query_one("#glossary-search", Input)
        search.cursor_blink = host(self).options.cursor_blink
        self._fill("")
        search.focus()

    def _fill(self, query: str) -> None:
        listing = self.query_one("#glossary-list", OptionList)
        if self.glossary is None:
            listing.set_options([Option(_("The glossary could not be loaded."), disabled=True)])
            return
        terms = self.glossary.doc.terms
        ids = sorted(
            (t for t in terms if matches(self.glossary, t, query)),
            key=lambda t: (t not in self.met, terms[t].term.lower()),
        )
        options = [Option(Text.assemble(("✓ " if t in self.met else "  "), terms[t].term), id=t) for t in ids]
        if not options:
            options = [Option(_("No term matches “{query}”.").format(query=query), id="none", disabled=True)]
        listing.set_options(options)
        listing.highlighted = 0 if ids else None
        self._show(ids[0] if ids else None)

    def _show(self, term_id: str | None) -> None:
        text = self.query_one("#glossary-text", Static)
        if self.glossary is None or term_id is None or term_id not in self.glossary.doc.terms:
            text.update("")
            return
        out = term_text(self.glossary, term_id)
        if term_id in self.met:
            out.append(_("\n✓ You met this term in this run."), "italic")
        text.update(out)

    @on(Input.Changed, "#glossary-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    @on(Input.Submitted, "#glossary-search")
    def _submit(self) -> None:
        self.action_to_list()

    @on(OptionList.OptionHighlighted, "#glossary-list")
    def _highlight(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id)

    def action_to_list(self) -> None:
        self.query_one("#glossary-list", OptionList).focus()

    def action_search(self) -> None:
        self.query_one("#glossary-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
