"""What the play screen shows of a scene: its text as written (terms clickable) and its options.

Authored words are always content, never markup: "[REDACTED]" is shown as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.style import Style

from simgame.i18n import _
from simgame.tui.widgets.text import paragraphs

if TYPE_CHECKING:
    from simgame.engine.state import EventRecord
    from simgame.tui.session import GameSession


def scene_content(session: GameSession) -> Content:
    """Scene text exactly as written, glossary terms bold, underlined and clickable.

    Built as Content, never as markup: an author's "[REDACTED]" or "[two words]" is text, not a
    style tag to be swallowed (markup escaping misses tags that start with a capital or a space).
    """
    from simgame.tui.terms import glossary_for, split_terms

    run = session.run
    scene = run.scene
    text = paragraphs(run.scene_text)
    pieces = split_terms(text, glossary_for(session.scenario), scene.terms)
    parts: list[str | tuple[str, str | Style]] = []
    for piece, term in pieces:
        if term is None:
            parts.append(piece)
        else:
            parts.append((piece, _TERM_STYLE + Style.from_meta({"@click": f"screen.term({term!r})"})))
    return Content.assemble(*parts, strip_control_codes=False)


_TERM_STYLE = Style(bold=True, underline=True)


class OptionPrompt(Table):
    """A grid whose ``str`` is its words, as a Text prompt's would be (tests and screen readers read it)."""

    plain = ""

    def __str__(self) -> str:
        return self.plain


def option_prompt(number: int, label: str, available: bool, reason: str | None) -> OptionPrompt:
    """One option: its number, then the label, wrapped lines hanging under the label (never under the number)."""
    body = Text()
    if available:
        body.append(label)
    else:
        body.append(_("[locked]") + " ", "bold")
        body.append(label)
        body.append(_("\nWhy locked: {reason}").format(reason=reason), "italic")
    grid = OptionPrompt(box=None, expand=True, show_header=False, show_edge=False, pad_edge=False, padding=0)
    grid.add_column(no_wrap=True, width=len(f"{number}. "))
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{number}. ", "bold"), body)
    grid.plain = f"{number}. {body.plain}"
    return grid


def event_line(session: GameSession, event: EventRecord) -> str:
    """An event that fired on the way to this scene, naming its cause, as one line above the scene's text."""
    from simgame.authoring.run_report import deltas_text
    from simgame.engine.causes import named
    from simgame.tui.widgets.consequence import event_heading

    run, last = session.run, session.last
    current = last.index if last is not None and run.history else None
    kind = event_heading(named(run.scenario, run.choice_log), event, current)  # names its cause
    return f"{kind}: {' '.join(event.text.split())} ({deltas_text(session.scenario, event.deltas)})"
