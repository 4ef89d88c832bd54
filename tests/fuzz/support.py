"""Shared pieces of the fuzz suite: the error types each target may raise, and mutation strategies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from simgame.cohort.errors import CohortError
from simgame.engine.saves import SaveError
from simgame.engine.state import EngineError
from simgame.format.diagnostics import LoadError
from simgame.format.expr import ExprError

CORPUS = Path(__file__).resolve().parent / "corpus"

# The project's own error types: anything else escaping a reader is a crash.
PROJECT_ERRORS: tuple[type[BaseException], ...] = (LoadError, ExprError, SaveError, EngineError, CohortError)

# JSON values that have broken readers before: huge digits, deep nesting, wrong types, controls.
_nasty_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["", "\x1b]0;pwned\x07", "\u202e", "abc\n", "../../etc/passwd", "9" * 5000, "-0"]),
)
json_values = st.recursive(
    _nasty_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)

RAW_JSON_TRICKS = [
    b"[" * 5_000 + b"]" * 5_000,
    b'{"a":' * 200 + b"1" + b"}" * 200,
    b"9" * 5_000,
    b"NaN",
    b"Infinity",
    b"1e999999",
    b"\xff\xfe{}",
    b"",
    b'"\\ud800"',
    b"{" * 70 + b"}" * 70,
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@st.composite
def mutated_json(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    """A real document with a few fields replaced or deleted, then maybe its bytes damaged."""
    doc: Any = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        delete = bool(path) and draw(st.booleans())
        doc = _set(doc, path, None if delete else draw(json_values), delete)
    raw = json.dumps(doc).encode()
    how = draw(st.sampled_from(["keep", "keep", "truncate", "flip", "insert", "trick"]))
    if how == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "flip" and raw:
        i = draw(st.integers(0, len(raw) - 1))
        raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    elif how == "insert":
        i = draw(st.integers(0, len(raw)))
        raw = raw[:i] + draw(st.sampled_from([*RAW_JSON_TRICKS, b"[", b"}", b",", b'"', b"\\"])) + raw[i:]
    elif how == "trick":
        raw = draw(st.sampled_from(RAW_JSON_TRICKS))
    return raw


def corpus_files(target: str) -> list[Path]:
    folder = CORPUS / target
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
