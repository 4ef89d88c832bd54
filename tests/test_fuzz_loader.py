"""Fuzzing the loader: any input either loads or yields located diagnostics, never an uncaught exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simgame.format.diagnostics import Diagnostic
from simgame.format.loader import check_text
from tests.support import TINY

BASE_LINES = TINY.read_text(encoding="utf-8").splitlines(keepends=True)
UNLOCATED_OK = {"SG100", "SG101", "SG102", "SG108"}


def assert_located(diags: list[Diagnostic], text: str) -> None:
    n_lines = max(1, len(text.splitlines()) + 1)
    for d in diags:
        assert d.code and d.message and d.file == "fuzz.yaml"
        if d.code not in UNLOCATED_OK:
            assert 1 <= d.line <= n_lines, d.render()
            assert d.col >= 1, d.render()
        d.render()  # rendering never fails


@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    result = check_text(text, "fuzz.yaml", None)
    assert result.scenario is not None or result.diagnostics
    assert_located(result.diagnostics, text)


_mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(BASE_LINES) - 1), st.just("")),
    st.tuples(st.just("duplicate"), st.integers(0, len(BASE_LINES) - 1), st.just("")),
    st.tuples(
        st.just("insert"),
        st.integers(0, len(BASE_LINES) - 1),
        st.text(alphabet="abc-_: {}[]&*!|>'\"#\t0123456789.\n", max_size=12),
    ),
    st.tuples(
        st.just("replace"),
        st.integers(0, len(BASE_LINES) - 1),
        st.sampled_from(["NO", "yes", "on", "1.10", "~", "12:30", "[x", "&a", "*a", "!!python/name:os"]),
    ),
)


@given(st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_scenario(mutations: list[tuple[str, int, str]]) -> None:
    lines = list(BASE_LINES)
    for kind, index, payload in mutations:
        index = min(index, len(lines) - 1)
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "insert":
            lines[index] = lines[index][: len(lines[index]) // 2] + payload + lines[index][len(lines[index]) // 2 :]
        elif kind == "replace" and ":" in lines[index]:
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {payload}\n"
    text = "".join(lines)
    result = check_text(text, "fuzz.yaml", None)
    assert_located(result.diagnostics, text)
    if result.scenario is not None:
        assert not any(d.is_error for d in result.diagnostics)
