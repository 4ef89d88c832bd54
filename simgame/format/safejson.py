"""JSON read with limits: nesting depth, digits in a number, no NaN or Infinity; one plain error type.

Python's own ``json.loads`` raises ``RecursionError`` on deeply nested input and ``ValueError``
on an integer over 4,300 digits; every reader of JSON that simgame did not just write itself
(saves, result files, outbox lines, session memos, the hub's request bodies) calls
:func:`loads_limited` instead and catches :class:`JSONLimitError` only.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from simgame.format.safefile import read_capped

MAX_DEPTH = 64
MAX_DIGITS = 64

# A JSON string (so brackets inside text are not counted; an unterminated one runs to the end, so the
# scan stays linear), or one bracket.
_SCAN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)


class JSONLimitError(ValueError):
    """Text that is not JSON, or JSON beyond the limits; the message says which, plainly."""


def nesting_depth(text: str, stop_at: int | None = None) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON ``text`` (brackets inside strings do not count).

    Stops scanning once ``stop_at`` is exceeded and returns that depth.
    """
    depth = deepest = 0
    for m in _SCAN.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    return deepest
        elif c in "]}":
            depth -= 1
    return deepest


def _whole_texts(value: Any) -> None:
    """Refuse any string (key or value) with an unpaired surrogate (``"\\ud800"``): valid JSON, but
    no text can hold it, and it would fail later, far from here, when it is written or signed."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise JSONLimitError("text with an unpaired surrogate escape (not a character)") from None


def loads_limited(
    text: str | bytes, *, max_depth: int = MAX_DEPTH, max_digits: int = MAX_DIGITS, allow_nan: bool = False
) -> Any:
    """Parse JSON ``text``; raise :class:`JSONLimitError` if it is not JSON or goes beyond a limit.

    ``max_depth`` bounds the nesting of arrays and objects, ``max_digits`` the characters of any
    one number (integers over Python's 4,300-digit conversion limit are refused long before it),
    and NaN/Infinity are refused unless ``allow_nan``. Bytes must be UTF-8 (a BOM is allowed).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONLimitError("not UTF-8 text") from None
    if nesting_depth(text, max_depth) > max_depth:
        raise JSONLimitError(f"nested more than {max_depth} levels deep")

    def number(kind: type[int] | type[float]) -> Any:
        def parse(raw: str) -> int | float:
            if len(raw) > max_digits:
                raise JSONLimitError(f"a number of {len(raw)} characters (the limit is {max_digits})")
            value = kind(raw)
            if not allow_nan and not math.isfinite(value):
                raise JSONLimitError(f"`{raw}` is too large a number")
            return value

        return parse

    def constant(raw: str) -> float:
        if not allow_nan:
            raise JSONLimitError(f"`{raw}` is not a number JSON allows")
        return float(raw)

    try:
        found = json.loads(text, parse_int=number(int), parse_float=number(float), parse_constant=constant)
        _whole_texts(found)
        return found
    except JSONLimitError:
        raise
    except json.JSONDecodeError as exc:
        what = exc.msg[:1].lower() + exc.msg[1:]
        raise JSONLimitError(f"not valid JSON, {what} (line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: never let the parser's own limits escape
        raise JSONLimitError(f"not valid JSON ({type(exc).__name__})") from None


def read_json(
    path: Path | str,
    max_bytes: int,
    *,
    max_depth: int = MAX_DEPTH,
    max_digits: int = MAX_DIGITS,
    display: str | None = None,
) -> Any:
    """A JSON file read safely: :func:`simgame.format.safefile.read_capped` then :func:`loads_limited`.

    Raises :class:`simgame.format.safefile.SafeReadError` (missing, not a regular file, too large,
    unreadable) or :class:`JSONLimitError` (not JSON, or beyond the limits).
    """
    return loads_limited(read_capped(path, max_bytes, display), max_depth=max_depth, max_digits=max_digits)
