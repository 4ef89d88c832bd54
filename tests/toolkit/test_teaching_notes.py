"""Teaching notes: every shipped scenario has one a facilitator can use, shown by `simgame notes`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simgame.authoring.teaching import SECTIONS, find_note, note_problems, to_html
from simgame.format.loader import load_scenario
from tests.support import shipped_paths
from tests.toolkit.helpers import cli

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = shipped_paths()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_has_a_usable_teaching_note(path: Path) -> None:
    scenario = load_scenario(path)
    note = find_note(scenario)
    assert note is not None, f"{scenario.id} has no teaching note"
    assert note_problems(scenario, note) == []
    words = len(note.text.split())
    assert 800 <= words <= 4000, f"{scenario.id}'s note has {words} words"


def _tiny_with_note(tmp_path: Path, note: str) -> Path:
    scenario = tmp_path / "tiny.yaml"
    shutil.copy(DATA / "tiny.yaml", scenario)
    (tmp_path / "teaching-notes").mkdir()
    (tmp_path / "teaching-notes" / "tiny.md").write_text(note, encoding="utf-8")
    return scenario


def test_the_tiny_note_is_well_formed() -> None:
    scenario = load_scenario(DATA / "tiny.yaml")
    note = find_note(scenario)
    assert note is not None and note_problems(scenario, note) == []
    assert note.sections() == list(SECTIONS)


def test_problems_are_named(tmp_path: Path) -> None:
    text = (DATA / "teaching-notes" / "tiny.md").read_text(encoding="utf-8")
    text = text.replace("`kickoff`", "`no-such-scene`").replace("## Hot-wash prompts", "## Wrap-up")
    scenario = load_scenario(_tiny_with_note(tmp_path, text))
    note = find_note(scenario)
    assert note is not None
    problems = note_problems(scenario, note)
    assert any("missing section(s): “## Hot-wash prompts”" in p for p in problems), problems
    assert any("`no-such-scene`, which is not a decision scene" in p for p in problems), problems


def test_sections_out_of_order_are_named(tmp_path: Path) -> None:
    text = (DATA / "teaching-notes" / "tiny.md").read_text(encoding="utf-8")
    first, rest = text.split("## Run sheet: 60 minutes")
    sixty, ninety = rest.split("## Run sheet: 90 minutes")
    swapped = first + "## Run sheet: 90 minutes" + ninety.rstrip() + "\n\n## Run sheet: 60 minutes" + sixty
    scenario = load_scenario(_tiny_with_note(tmp_path, swapped))
    note = find_note(scenario)
    assert note is not None
    assert any("out of order" in p for p in note_problems(scenario, note))


def test_notes_command_shows_checks_and_prints_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "notes", str(DATA / "tiny.yaml"))
    assert code == 0 and "Learning objectives" in out and "Name an owner before scaling" in out
    code, out, _ = cli(capsys, "notes", str(DATA / "tiny.yaml"), "--markdown")
    assert code == 0 and out == (DATA / "teaching-notes" / "tiny.md").read_text(encoding="utf-8")
    code, out, _ = cli(capsys, "notes", str(DATA / "tiny.yaml"), "--check")
    assert code == 0 and out.strip().endswith(": ok")
    bad = _tiny_with_note(tmp_path, "# Teaching note: Tiny\n\nNothing yet.\n")
    code, out, _ = cli(capsys, "notes", str(bad), "--check")
    assert code == 1 and "missing section(s)" in out


def test_a_scenario_without_a_note_says_where_it_should_be(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "tiny.yaml"
    shutil.copy(DATA / "tiny.yaml", scenario)
    code, _, err = cli(capsys, "notes", str(scenario))
    assert code == 1 and "tiny has no teaching note" in err and "teaching-notes" in err
    assert "Traceback" not in err


def test_a_note_is_inert_on_screen_and_in_html(tmp_path: Path) -> None:
    """A note is read like any file from outside: controls are shown, never obeyed; HTML is text."""
    text = (DATA / "teaching-notes" / "tiny.md").read_text(encoding="utf-8")
    text = text.replace("Name an owner", "Name \x1b[2J an owner <script>alert(1)</script>")
    scenario = load_scenario(_tiny_with_note(tmp_path, text))
    note = find_note(scenario)
    assert note is not None and "\x1b" not in note.text and "␛[2J" in note.text
    html = to_html(note.text)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_fifo_in_place_of_a_note_is_no_note(tmp_path: Path) -> None:
    import os

    scenario = tmp_path / "tiny.yaml"
    shutil.copy(DATA / "tiny.yaml", scenario)
    (tmp_path / "teaching-notes").mkdir()
    os.mkfifo(tmp_path / "teaching-notes" / "tiny.md")
    assert find_note(load_scenario(scenario)) is None  # and it returned: a FIFO is never opened


def test_a_heading_inside_a_code_block_is_not_a_section(tmp_path: Path) -> None:
    text = (DATA / "teaching-notes" / "tiny.md").read_text(encoding="utf-8")
    text = text.replace("## Hot-wash prompts", "```\n## Hot-wash prompts\n```")
    scenario = load_scenario(_tiny_with_note(tmp_path, text))
    note = find_note(scenario)
    assert note is not None
    assert any("missing section(s): “## Hot-wash prompts”" in p for p in note_problems(scenario, note))
