"""Renaming an id everywhere it is written in a scenario, or saying in words why not."""

from __future__ import annotations

import re

from simgame.format.expr import KEYWORDS
from simgame.format.model import IDENT_PATTERN, SLUG_PATTERN
from simgame.lsp.symbols import FUNCTIONS, Index, Kind, Occurrence, Span

RENAMEABLE = ("scene", "ending", "choice", "metric", "flag")
_WHAT = {"scene": "scene", "ending": "ending", "choice": "choice", "metric": "metric", "flag": "flag"}


class RenameRefused(Exception):
    """A rename that would break the scenario; the message says why, for the author."""


def renameable(occ: Occurrence | None) -> Occurrence:
    if occ is None:
        raise RenameRefused("put the cursor on a scene, ending, choice, metric or flag id to rename it")
    if occ.kind not in RENAMEABLE:
        what = "a field name" if occ.kind == "field" else "a glossary term (rename it in the glossary file)"
        raise RenameRefused(f"`{occ.name}` is {what}: only scene, ending, choice, metric and flag ids can be renamed")
    return occ


def rename(index: Index, occ: Occurrence, new: str) -> list[Span]:
    """Every span to rewrite as ``new``; raises :class:`RenameRefused` with the reason when it would clash."""
    occ = renameable(occ)
    kind = occ.kind
    if kind in ("metric", "flag"):
        if not re.fullmatch(IDENT_PATTERN, new):
            raise RenameRefused(
                f"`{new}` is not a valid {kind} id: use lowercase letters, digits and _ (`kill_switch`)"
            )
        if new in KEYWORDS or new in FUNCTIONS:
            raise RenameRefused(f"`{new}` is a word of the condition language, so it cannot name a {kind}")
        taken: list[Kind] = [k for k in ("metric", "flag") if new in index.declared(k)]
    else:
        if not re.fullmatch(SLUG_PATTERN, new):
            raise RenameRefused(
                f"`{new}` is not a valid {kind} id: use lowercase letters, digits and - (`drift-alarm`)"
            )
        if new == "end" and kind != "choice":
            raise RenameRefused("`end` is reserved: `next: end` means the first ending whose condition holds")
        group: tuple[Kind, ...] = ("choice",) if kind == "choice" else ("scene", "ending")
        taken = [k for k in group if new in index.declared(k)]
    if new != occ.name and taken:
        raise RenameRefused(f"there is already a {_WHAT[taken[0]]} called `{new}`; choose another id")
    return [o.span for o in index.of(kind, occ.name)]
