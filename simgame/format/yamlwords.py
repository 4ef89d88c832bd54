"""YAML syntax errors in an author's words, on the line where the mistake is.

PyYAML describes what its scanner expected ("while scanning a simple key: could not find
expected ':'") and often where it noticed, a line late. Authors write prose in YAML, so each
common mistake gets its own message and fix: a missing colon, indentation that is off, a tab,
a quote never closed, `: ` inside text, several documents in one file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

import yaml

from simgame.format.diagnostics import Diagnostic, make


class SourceLines(Protocol):
    """What a message needs of the file: its name and its lines (the source map provides both)."""

    file: str

    def snippet(self, line: int) -> str: ...


Say = Callable[[str, str, tuple[int, int]], Diagnostic]

_BARE_KEY = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*\s*")


def explain(exc: yaml.MarkedYAMLError, src: SourceLines) -> Diagnostic:
    problem = exc.problem or ""
    context = exc.context or ""
    at = exc.problem_mark or exc.context_mark
    line, col = (at.line + 1, at.column + 1) if at else (0, 0)

    def say(message: str, hint: str, where: tuple[int, int] | None = None, code: str = "SG103") -> Diagnostic:
        ln, cl = where or (line, col)
        return make(code, message, file=src.file, line=ln, col=cl, snippet=src.snippet(ln), hint=hint)

    if "expected a single document" in str(exc):
        return say("several YAML documents in one file", "remove the `---` separator", code="SG109")
    tab = _tab_near(src, line)
    if tab is not None:
        return say(
            "a tab character: YAML indents with spaces only",
            "replace the tab with spaces (set your editor to insert spaces)",
            tab,
        )
    if "unknown escape" in problem:
        return say(
            "inside double quotes a backslash starts an escape, and this one is not an escape YAML knows",
            "use single quotes for text with backslashes, or write the backslash twice (`\\\\`)",
        )
    if "quoted scalar" in context and exc.context_mark is not None:
        cm = exc.context_mark
        quote = src.snippet(cm.line + 1)[cm.column : cm.column + 1] or '"'
        return say(
            f"this {quote} is never closed, so everything after it was read as one piece of text",
            f"close it with {quote} on the same line, or use a `|` block for text that runs over several lines",
            (cm.line + 1, cm.column + 1),
        )
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        cm = exc.context_mark
        text = src.snippet(cm.line + 1).strip()
        word = text.split()[0] if text.split() else text
        return say(
            f"“{_short(text)}” has no colon: each field is written `name: value`",
            f"write `{word}: …`; if this line continues the text above, indent it under that text or use a `|` block",
            (cm.line + 1, cm.column + 1),
        )
    if "flow" in context and exc.context_mark is not None and "expected ','" in problem:
        cm = exc.context_mark
        bracket = src.snippet(cm.line + 1)[cm.column : cm.column + 1] or "{"
        if exc.problem_mark is not None and exc.problem_mark.line != cm.line:
            return say(
                f"this `{bracket}` is never closed on its line",
                f"close it with `{'}' if bracket == '{' else ']'}`, or put text that starts with `{bracket}` in quotes",
                (cm.line + 1, cm.column + 1),
            )
        return say(
            f"inside `{bracket}…` a `: ` or a comma starts a new item, so this text breaks the line",
            'put text that contains `: ` or commas in quotes: `{label: "Value: realised", start: 30}`',
        )
    starts = _starts_closed(src, line) or _starts_closed(src, line - 1)
    if starts is not None:
        n, key, mark = starts
        what = {"{": "a mapping that ends at the matching `}`", "[": "a list that ends at the matching `]`"}.get(
            mark, f"quoted text that ends at the closing {mark}"
        )
        if key in _TEXT_FIELDS:
            hint = f'put the whole text in quotes (`{key}: "{{if …}}…"` for conditional text), or use a `>-` block'
        else:
            hint = f"end the line at the `{_CLOSER[mark]}` that closes the value (a bracket too many?)"
        return say(
            f"the value of `{key}` starts with `{mark}`, so YAML reads {what}; what follows it breaks the line",
            hint,
            (n, len(src.snippet(n)) - len(src.snippet(n).lstrip()) + 1),
        )
    if "mapping values are not allowed" in problem and at is not None:
        text = src.snippet(line)
        before = text[: at.column]
        if _BARE_KEY.fullmatch(before):
            return _indentation(src, line, say)
        key, _, value = text.strip().partition(": ")
        if " " in key.strip().removeprefix("- "):
            return say(
                "this line's `: ` is read as the start of a field, but the words before it are not a field name: "
                "the line continues a text above, or is text with `: ` in it",
                "write text that runs over several lines as a block (`text: >-`, the lines indented under it), "
                "or put the whole text in quotes",
            )
        return say(
            "this text contains `: `, which YAML reads as the start of another field",
            f'put the whole text in quotes: `{key}: "{_short(value, 40)}"`, or use a `|` block',
        )
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return _indentation(src, line, say)
    if "did not find expected '-' indicator" in problem:
        return say(
            "this line breaks a list: its items each start with `- ` at the same column",
            "line up the `- ` of every item, and indent an item's fields under its first field",
        )
    if "end of stream" in problem:
        return say(
            "the file ends in the middle of a value",
            "check the last lines for an unclosed quote, bracket or brace",
        )
    if "found character" in problem and "cannot start any token" in problem:
        char = problem.split("found character")[-1].split("that")[0].strip()
        return say(
            f"YAML cannot start a value with this character ({char})",
            "put text that starts with a symbol inside quotes",
        )
    return say(
        f"YAML could not read this line ({(context + ': ' if context else '') + problem})",
        "check the indentation and that every field is written `name: value`",
    )


def _indentation(src: SourceLines, line: int, say: Say) -> Diagnostic:
    here = src.snippet(line)
    prev_no = line - 1
    while prev_no > 0 and (not src.snippet(prev_no).strip() or src.snippet(prev_no).lstrip().startswith("#")):
        prev_no -= 1
    prev = src.snippet(prev_no)
    ind, pind = _indent(here), _indent(prev)
    if prev.lstrip().startswith("- ") and ind == pind:
        return say(
            f"this field is at the column of the `- ` on line {prev_no}, so it is read as outside that list item",
            f"indent it by two more spaces, to line up with `{prev.lstrip()[2:].split(':')[0]}:`",
            (line, ind + 1),
        )
    if ind > pind and not prev.rstrip().endswith((":", "|", ">", "|-", ">-")):
        message = (
            f"the indentation is off: this line starts at column {ind + 1} and line {prev_no} at column {pind + 1}, "
            "but they are fields of the same thing"
        )
    else:
        message = f"the indentation is off here (this line starts at column {ind + 1}, line {prev_no} at {pind + 1})"
    return say(
        message,
        "fields of one mapping start at the same column; a value on the lines below a field needs the field to "
        "end with `:` (or `|` for text)",
        (line, ind + 1),
    )


_OPENS = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+([\[{\"'])")
_CLOSER = {"{": "}", "[": "]", '"': '"', "'": "'"}
_TEXT_FIELD_NAMES = (
    "text feedback debrief label title summary briefing why locked wants role organisation note supports"
)
_TEXT_FIELDS = frozenset(_TEXT_FIELD_NAMES.split())


def _starts_closed(src: SourceLines, n: int) -> tuple[int, str, str] | None:
    """(line, key, mark) when line ``n``'s value opens with `{`, `[` or a quote that closes before the
    line ends and more text follows: the mistake behind many "expected <block end>" errors."""
    if n < 1:
        return None
    text = src.snippet(n)
    m = _OPENS.match(text)
    if m is None:
        return None
    mark = m.group(2)
    rest = text[m.end(2) :]
    depth, close = 1, _CLOSER[mark]
    for i, ch in enumerate(rest):
        if mark in "{[" and ch == mark:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                after = rest[i + 1 :].split(" #", 1)[0].strip()
                return (n, m.group(1), mark) if after else None
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _tab_near(src: SourceLines, line: int) -> tuple[int, int] | None:
    for n in (line, line - 1):
        text = src.snippet(n)
        stripped = text.lstrip(" ")
        if stripped.startswith("\t"):
            return n, len(text) - len(stripped) + 1
    return None


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
