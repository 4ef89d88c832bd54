"""Every committed expected transcript replays to the same ending, band, score and metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from simgame.authoring.transcripts import check, find, read
from tests.support import ROOT, shipped_paths

TRANSCRIPTS = ROOT / "tests" / "transcripts"
FILES = find(TRANSCRIPTS) if TRANSCRIPTS.is_dir() else []


def test_there_are_transcripts() -> None:
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_transcript_replays(path: Path) -> None:
    result = check(read(path))
    assert result.passed, f"{path} differs (re-record it if the change is intended):\n{result.diff}"


@pytest.mark.parametrize("scenario", shipped_paths(), ids=lambda p: p.stem)
def test_each_shipped_scenario_has_two_transcripts_with_different_endings(scenario: Path) -> None:
    import yaml

    folder = TRANSCRIPTS / scenario.stem
    endings = {yaml.safe_load(p.read_text())["expect"]["ending"] for p in find(folder)} if folder.is_dir() else set()
    assert len(endings) >= 2, f"record two transcripts for {scenario.stem}: simgame test --record ..."


DATA = ROOT / "tests" / "data"


def test_record_and_run_accept_the_same_choice_lists(tmp_path: Path) -> None:
    """`.continue` ids may be given or left out, in `simgame run` and in transcripts alike."""
    from simgame.authoring.transcripts import record

    implicit = record(tmp_path / "a.yaml", str(DATA / "intro.yaml"), 0, ["name-owner", "measure"])
    explicit = record(tmp_path / "b.yaml", str(DATA / "intro.yaml"), 0, ["intro.continue", "name-owner", "measure"])
    a, b = read(implicit), read(explicit)
    assert a.expect == b.expect and a.expect["ending"] is not None
    assert check(a).passed and check(b).passed


def test_record_refuses_a_run_that_never_ended(tmp_path: Path) -> None:
    from simgame.authoring.transcripts import TranscriptError, record

    with pytest.raises(TranscriptError, match="stop at scene `rollout` before any ending"):
        record(tmp_path / "half.yaml", str(DATA / "tiny.yaml"), 0, ["name-owner"])
    assert not (tmp_path / "half.yaml").exists()
    half = record(tmp_path / "half.yaml", str(DATA / "tiny.yaml"), 0, ["name-owner"], unfinished=True)
    assert read(half).expect["ending"] is None


def test_a_folder_with_scenarios_and_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scenario files in the folder are skipped, and a file that is not UTF-8 is named, not a traceback."""
    from simgame.cli import main

    (tmp_path / "tiny.yaml").write_bytes((DATA / "tiny.yaml").read_bytes())
    (tmp_path / "bad.yaml").write_bytes(b"scenario: tiny\nseed: 0\nchoices: [caf\xe9]\nexpect: {}\n")
    code = main(["test", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1 and "skipped 1 scenario or glossary file(s)" in out.out
    assert "bad.yaml:3: not UTF-8 text (byte 0xe9)" in out.out and "Traceback" not in out.out + out.err
    assert "0 passed, 1 failed" in out.out


def test_the_documented_record_command_writes_the_documented_transcript(tmp_path: Path) -> None:
    """docs/authoring.md shows a `--record` command and what it writes: run it and compare, byte for byte."""
    import re
    import shlex
    import shutil

    from simgame.cli import main

    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    command = re.search(r"```text\n(simgame test --record .*?)\n```", doc, re.S)
    written = re.search(r"```yaml transcript\n(.*?)```", doc, re.S)
    assert command and written
    args = shlex.split(command.group(1).replace("\\\n", " "))[1:]
    (tmp_path / "tests" / "data").mkdir(parents=True)
    shutil.copy(DATA / "tiny.yaml", tmp_path / "tests" / "data" / "tiny.yaml")
    shutil.copy(DATA / "glossary.yaml", tmp_path / "tests" / "data" / "glossary.yaml")
    cwd = Path.cwd()
    try:
        import os

        os.chdir(tmp_path)
        assert main(args) == 0
    finally:
        os.chdir(cwd)
    assert (tmp_path / "tests" / "transcripts" / "tiny" / "owner.yaml").read_text(encoding="utf-8") == written.group(1)


LOOP = """  wait-a:
    phase: scaling
    title: Waiting
    text: You wait for the board.
    next: wait-b
  wait-b:
    phase: scaling
    title: Still waiting
    text: The board is still out.
    events:
      - id: board-back
        when: owner
        text: The board is back.
        goto: rollout
    next: wait-a
  rollout:
"""


def test_a_circle_of_pass_through_scenes_is_named_not_followed_forever(tmp_path: Path) -> None:
    """Without an owner the board never comes back: reading on must stop and say where it circles."""
    from simgame.authoring.transcripts import TranscriptError, record
    from simgame.engine.run import EngineError, Run
    from simgame.format.loader import load_scenario
    from tests.toolkit.helpers import write_variant

    path = write_variant(
        tmp_path, "loop.yaml", ("        next: rollout\n", "        next: wait-a\n"), ("  rollout:\n", LOOP)
    )
    run = Run.start(load_scenario(path), 0)
    with pytest.raises(EngineError, match=r"pass-through scenes \(wait-a → wait-b\) without a decision"):
        run.choose_reading_on("scale-now")
        run.choose_reading_on("measure")
    with pytest.raises((EngineError, TranscriptError)):
        record(tmp_path / "t.yaml", str(path), 0, ["scale-now", "measure"])
