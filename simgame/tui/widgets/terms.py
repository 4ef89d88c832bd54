"""One glossary term as Rich text: shared by the scene's terms and the whole glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from simgame.i18n import _

if TYPE_CHECKING:
    from simgame.format.loader import Glossary


def term_text(glossary: Glossary, term_id: str) -> Text:
    term = glossary.doc.terms[term_id]
    out = Text()
    out.append(term.term + "\n", "bold underline")
    out.append(" ".join(term.definition.split()) + "\n")
    if term.why_it_matters:
        out.append(_("Why it matters: "), "bold")
        out.append(" ".join(term.why_it_matters.split()) + "\n")
    if term.see_also:
        names = [glossary.doc.terms[s].term for s in term.see_also if s in glossary.doc.terms]
        out.append(_("See also: "), "italic")
        out.append(", ".join(names) + "\n", "italic")
    return out
