"""Text that cannot act on a terminal: control characters and text-direction overrides made visible.

Scenario text, player names and ids come from authors and players; printed raw, an escape
sequence in them can retitle a terminal, write to its clipboard (OSC 52) or move the cursor,
and a right-to-left override can make a line read differently from what it says. These are
the characters that must never reach a terminal as themselves:

- C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F), except the
  newline and tab that multi-line text may keep;
- the bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069.

:func:`inert` replaces each with a visible stand-in and keeps every other character
(letters in any script, emoji, punctuation) exactly as it was; :func:`unsafe_characters`
finds them, for readers that refuse such text with a message instead.
"""

from __future__ import annotations

import re

BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEPING_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC is ␛, BEL is ␇, NUL is ␀
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:
        return f"\\x{code:02x}"  # C1 controls have no pictures: \x9b, written out
    return f"\\u{code:04x}"  # bidi controls: \u202e, written out


def inert(text: str, keep_lines: bool = True) -> str:
    """``text`` safe to print: every control and bidi override shown as a visible stand-in.

    ``keep_lines`` keeps newlines and tabs (multi-line text); otherwise they are shown too.
    Nothing else changes, so text without such characters comes back as it was.
    """
    pattern = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    return pattern.sub(lambda m: _stand_in(m.group()), text)


def unsafe_characters(text: str, keep_lines: bool = True) -> list[tuple[int, str]]:
    """(offset, character) of each character :func:`inert` would replace, in order."""
    pattern = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def describe(char: str) -> str:
    """A character named for a message, never printed as itself: `U+001B`."""
    return f"U+{ord(char):04X}"


def printable(text: str) -> str:
    """``text`` unchanged if it is inert, else ValueError (the scenario model's check on prose)."""
    return refuse_unsafe(text)


def refuse_unsafe(text: str, what: str = "text", keep_lines: bool = True) -> str:
    """``text`` unchanged, or ValueError naming the first control or bidi override it contains."""
    found = unsafe_characters(text, keep_lines)
    if not found:
        return text
    offset, char = found[0]
    kind = "a text-direction override" if ord(char) in BIDI else "a control character"
    raise ValueError(
        f"{what} contains {kind} ({describe(char)}) at character {offset + 1}; "
        "remove it (terminal escape sequences and direction overrides are not allowed)"
    )
