"""Conditional text: one passage that reads right on every path.

An author writes ``{if owner_named}with Priya as its owner{else}with no one in charge{/if}``
inside scene text, feedback, event text, endings and debrief notes. Conditions are the same
expressions as `when:` (metrics, flags, ``chose(...)``, ``visited(...)``), checked when the
scenario loads and evaluated by the engine (`simgame.engine.text`) on the run's state. Only the
four tags below are syntax; every other brace is text, so existing prose never changes meaning.

    {if CONDITION} … {elif CONDITION} … {else} … {/if}     (nesting allowed, up to MAX_DEPTH)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_DEPTH = 4
TAG = re.compile(r"\{(?:(if|elif)[ \t]+([^{}\n]*?)[ \t]*|(else)|(/if))\}")


@dataclass(frozen=True, slots=True)
class Branch:
    """One arm of a conditional: ``source`` is None for ``{else}``. ``offset`` is where its tag starts."""

    source: str | None
    offset: int
    body: Template


@dataclass(frozen=True, slots=True)
class Conditional:
    branches: tuple[Branch, ...]
    offset: int


Piece = str | Conditional
Template = tuple[Piece, ...]


class VariantError(Exception):
    """A malformed conditional, with the offset in the text where it goes wrong."""

    def __init__(self, message: str, offset: int, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


NEAR = re.compile(r"\{\s*(else\s*if|elsif|elif|else|end\s*if|fi|/\s*if|if)\b[^{}\n]*\}", re.IGNORECASE)


def has_tags(text: str) -> bool:
    return TAG.search(text) is not None or near_miss(text) is not None


def near_miss(text: str) -> VariantError | None:
    """A brace that was meant as a tag but is not one (`{else if x}`, `{Else}`, `{ /if }`), as an error."""
    for m in NEAR.finditer(text):
        if TAG.fullmatch(m.group(0)):
            continue
        word = " ".join(m.group(1).lower().split())
        rest = m.group(0)[1:-1].strip()[len(m.group(1)) :].strip()
        if word in ("else if", "elsif") or (word == "elif" and not rest):
            fix = f"`{{elif {rest}}}`" if rest else "`{elif CONDITION}`"
        elif word in ("end if", "endif", "fi", "/ if", "/if"):
            fix = "`{/if}`"
        elif word == "else":
            fix = "`{else}`"
        else:  # if / elif with something off (capitals, spaces, no condition)
            fix = f"`{{{word} {rest}}}`" if rest else f"`{{{word} CONDITION}}`"
        return VariantError(
            f"`{m.group(0)}` looks like a conditional-text tag but is not one",
            m.start(),
            f"did you mean {fix}? Tags are lowercase, with no space after the brace",
        )
    return None


def parse(text: str) -> Template:
    """The text as literal pieces and conditionals; raises VariantError for a tag out of place."""
    miss = near_miss(text)
    if miss is not None:
        raise miss
    stack: list[tuple[list[Piece], list[Branch], int, str | None, int]] = []
    pieces: list[Piece] = []
    branches: list[Branch] = []
    pos = 0
    source: str | None = None
    branch_offset = 0
    for m in TAG.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos : m.start()])
        pos = m.end()
        kind = m.group(1) or m.group(3) or m.group(4)
        if kind == "if":
            if len(stack) >= MAX_DEPTH:
                raise VariantError(
                    f"conditions nested more than {MAX_DEPTH} deep", m.start(), "split the passage into simpler ones"
                )
            _need_condition(m)
            stack.append((pieces, branches, m.start(), source, branch_offset))
            pieces, branches, source, branch_offset = [], [], m.group(2), m.start()
            continue
        if not stack:
            raise VariantError(
                f"`{m.group(0)}` without an `{{if …}}` before it", m.start(), "start the passage with `{if CONDITION}`"
            )
        if source is None and kind != "/if":  # the open arm is the `{else}`: it must come last
            raise VariantError(
                f"`{m.group(0)}` after `{{else}}`", m.start(), "`{else}` is the last arm; close it with `{/if}`"
            )
        branches.append(Branch(source, branch_offset, tuple(pieces)))
        if kind == "elif":
            _need_condition(m)
            pieces, source, branch_offset = [], m.group(2), m.start()
        elif kind == "else":
            pieces, source, branch_offset = [], None, m.start()
        else:
            outer_pieces, outer_branches, start, outer_source, outer_offset = stack.pop()
            outer_pieces.append(Conditional(tuple(branches), start))
            pieces, branches, source, branch_offset = outer_pieces, outer_branches, outer_source, outer_offset
    if stack:
        raise VariantError("an `{if …}` is never closed", stack[-1][2], "end the passage with `{/if}`")
    if pos < len(text):
        pieces.append(text[pos:])
    return tuple(pieces)


def _need_condition(m: re.Match[str]) -> None:
    if not m.group(2).strip():
        raise VariantError(f"`{m.group(0)}` has no condition", m.start(), "write a condition, e.g. `{if owner_named}`")


def conditions(template: Template) -> Iterator[Branch]:
    """Every arm with a condition, outermost first (for checking each one)."""
    for piece in template:
        if isinstance(piece, Conditional):
            for branch in piece.branches:
                if branch.source is not None:
                    yield branch
                yield from conditions(branch.body)


def every_word(text: str) -> str:
    """The text with its tags removed and every arm kept: what lint and word counts read."""
    return TAG.sub(" ", text)
