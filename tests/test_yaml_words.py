"""Each YAML mistake an author makes gets its own message, on the line where the mistake is."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.cli.validate import check_paths
from tests.toolkit.helpers import tiny_text

CELEBRATE = """      - id: celebrate
        label: Announce success at the town hall
        when: value >= 40
        locked: Needs value of at least 40
        effects: {value: 5, risk: 5}
        next: end
        feedback: Applause.
        debrief: Announcing before measuring.
        practice: shared-language
"""


def _errors(tmp_path: Path, old: str, new: str) -> list[tuple[str, int, int, str, str, str]]:
    text = tiny_text()
    assert old in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [
        (d.code, d.line, d.col, d.message, d.hint, path.read_text().splitlines()[d.line - 1])
        for r in check_paths([str(path)])
        for d in r.diagnostics
        if d.is_error
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "message", "hint"),
    [
        (
            "    title: Monday\n",
            "    title Monday\n",
            32,
            5,
            "“title Monday” has no colon: each field is written `name: value`",
            "write `title: …`",
        ),
        (
            "    title: Monday\n",
            "      title: Monday\n",
            32,
            7,
            "the indentation is off: this line starts at column 7 and line 31 at column 5",
            "fields of one mapping start at the same column",
        ),
        ("    title: Monday\n", "\ttitle: Monday\n", 32, 1, "a tab character: YAML indents with spaces only", "spaces"),
        (
            "    title: Monday\n",
            '    title: "Monday\n',
            32,
            12,
            'this " is never closed, so everything after it was read as one piece of text',
            'close it with " on the same line',
        ),
        (
            "    title: Monday\n",
            "    title: Monday: the board asks\n",
            32,
            18,
            "this text contains `: `, which YAML reads as the start of another field",
            'put the whole text in quotes: `title: "Monday: the board asks"`',
        ),
        (
            CELEBRATE,
            "      - {id: celebrate, label: Announce, next: end, feedback: Applause, champagne, debrief: Early., "
            "practice: shared-language}\n",
            71,
            73,
            "“champagne” was read as a field name: inside `{…}` a comma ends the text before it",
            "put text that contains commas in quotes",
        ),
    ],
    ids=["missing-colon", "indentation", "tab", "unclosed-quote", "colon-in-text", "comma-in-flow"],
)
def test_each_mistake_has_its_message_and_place(
    tmp_path: Path, old: str, new: str, line: int, col: int, message: str, hint: str
) -> None:
    [(_, got_line, got_col, got_message, got_hint, _)] = _errors(tmp_path, old, new)
    assert (got_line, got_col) == (line, col)
    assert got_message.startswith(message) and hint in got_hint
    assert "scanning" not in got_message and "<block end>" not in got_message


@pytest.mark.parametrize(
    ("old", "new", "line", "message", "hint"),
    [
        (
            "        feedback: Priya accepts the role.\n",
            "        feedback: {if owner}Priya accepts.{else}Nobody does.{/if}\n",
            49,
            "the value of `feedback` starts with `{`, so YAML reads a mapping",
            'put the whole text in quotes (`feedback: "{if …}…"`',
        ),
        (
            "    text: The model is live everywhere.\n",
            '    text: "The model" is live everywhere.\n',
            55,
            'the value of `text` starts with `"`',
            "put the whole text in quotes",
        ),
        (
            "        effects: {value: 10}\n",
            "        effects: {value: 10}}\n",
            66,
            "the value of `effects` starts with `{`",
            "a bracket too many?",
        ),
        (
            "    text: The model is live everywhere.\n",
            '    text: "The model is \\q live."\n',
            55,
            "inside double quotes a backslash starts an escape",
            "use single quotes",
        ),
        (
            "  value: {label: Value realised, start: 30}\n",
            "  value: {label: Value: realised, start: 30}\n",
            19,
            "inside `{…` a `: ` or a comma starts a new item",
            '{label: "Value: realised", start: 30}',
        ),
        (
            "        label: Measure outcomes against the baseline\n",
            "      label: Measure outcomes against the baseline\n",
            65,
            "this field is at the column of the `- ` on line 64",
            "line up with `id:`",
        ),
    ],
    ids=["starts-with-brace", "starts-with-quote", "brace-too-many", "bad-escape", "colon-in-flow", "list-item"],
)
def test_values_that_open_and_close_early_and_list_items(
    tmp_path: Path, old: str, new: str, line: int, message: str, hint: str
) -> None:
    [(_, got_line, _, got_message, got_hint, _)] = _errors(tmp_path, old, new)
    assert got_line == line and got_message.startswith(message) and hint in got_hint, (got_line, got_message, got_hint)


def test_a_shape_error_does_not_hide_reference_errors_elsewhere(tmp_path: Path) -> None:
    text = tiny_text()
    text = text.replace("        effects: {value: 20, risk: 20}\n", "        efects: {value: 20, risk: 20}\n", 1)
    text = text.replace("        next: crisis\n", "        next: crysis\n", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(d.code, d.message) for r in check_paths([str(path)]) for d in r.diagnostics if d.is_error]
    assert ("SG201", "unknown field `efects`") in found
    assert ("SG300", "`crysis` is not a scene or ending of this scenario") in found


def test_what_a_cut_causes_is_not_reported(tmp_path: Path) -> None:
    """A broken `next:` is replaced to check the rest: nothing is said about the placeholder."""
    text = tiny_text().replace("        next: crisis\n", "        next: [crisis]\n", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    found = [d for r in check_paths([str(path)]) for d in r.diagnostics]
    assert [d.code for d in found] == ["SG202"]
    assert all("cut-out" not in d.message for d in found)
