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
