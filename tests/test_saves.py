"""Saves: atomic JSON, verified by replay, and never overwritten or deleted on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.engine.run import Run
from simgame.engine.saves import (
    SAVE_FORMAT,
    SaveError,
    atomic_write,
    list_saves,
    read_save,
    replay_prefix,
    restore,
    save_path,
    write_save,
)
from simgame.format.compiled import Scenario
from simgame.format.loader import check_text
from tests.support import TINY


def test_round_trip(tiny: Scenario, tmp_path: Path) -> None:
    run = Run.replay(tiny, 3, ["name-owner"])
    path = write_save(run, tmp_path, "tiny-1")
    data = json.loads(path.read_text())
    assert data["format"] == SAVE_FORMAT and data["choices"] == ["name-owner"] and data["seed"] == 3
    assert data["content_hash"] == tiny.content_hash and data["snapshot"]["scene"] == "rollout"
    again = restore(read_save(path), tiny, path)
    assert again.snapshot() == run.snapshot()
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_created_kept_across_autosaves(tiny: Scenario, tmp_path: Path) -> None:
    run = Run.start(tiny, 1)
    first = read_save(write_save(run, tmp_path, "r"))
    run.choose("name-owner")
    second = read_save(write_save(run, tmp_path, "r", created=first.created))
    assert second.created == first.created and second.choices == ["name-owner"]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"{not json", "corrupted"),
        (b"\xff\xfe\x00garbage", "corrupted"),
        (b"[]", "corrupted"),
        (b'{"format": "something-else"}', "corrupted"),
        (b'{"format": "simgame-save/9", "choices": []}', "future"),
        (b'{"format": "simgame-save/1", "choices": "x"}', "corrupted"),
    ],
)
def test_bad_files_are_reported_and_kept(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SaveError) as info:
        read_save(path)
    assert info.value.kind == kind
    assert "bad.json" in str(info.value)
    assert path.read_bytes() == content  # never modified


def test_truncated_save(tiny: Scenario, tmp_path: Path) -> None:
    path = write_save(Run.replay(tiny, 0, ["name-owner"]), tmp_path, "t")
    text = path.read_bytes()
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(SaveError, match="damaged"):
        read_save(path)
    assert path.read_bytes() == text[: len(text) // 2]


def test_tampered_snapshot_is_caught_by_replay(tiny: Scenario, tmp_path: Path) -> None:
    path = write_save(Run.replay(tiny, 0, ["name-owner"]), tmp_path, "t")
    data = json.loads(path.read_text())
    data["snapshot"]["metrics"]["value"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError) as info:
        restore(read_save(path), tiny, path)
    assert info.value.kind == "mismatch"


def test_tampered_choices_are_caught(tiny: Scenario, tmp_path: Path) -> None:
    path = write_save(Run.replay(tiny, 0, ["name-owner"]), tmp_path, "t")
    data = json.loads(path.read_text())
    data["choices"] = ["keep-running"]
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError) as info:
        restore(read_save(path), tiny, path)
    assert info.value.kind == "mismatch"


def test_changed_scenario_offers_replay_prefix(tiny: Scenario, tmp_path: Path) -> None:
    seed = next(s for s in range(100) if Run.replay(tiny, s, ["scale-now"]).scene_id == "rollout")
    path = write_save(Run.replay(tiny, seed, ["scale-now", "celebrate"]), tmp_path, "t")
    changed = check_text(TINY.read_text().replace("- id: celebrate", "- id: celebrate-loudly"), "tiny.yaml", None)
    assert changed.scenario is not None
    save = read_save(path)
    with pytest.raises(SaveError) as info:
        restore(save, changed.scenario, path)
    assert info.value.kind == "changed" and "has changed" in str(info.value)
    run, kept = replay_prefix(save, changed.scenario)
    assert kept == 1 and run.choice_log == ["scale-now"]


def test_save_names_cannot_escape_the_folder(tmp_path: Path) -> None:
    for bad in ("../evil", "a/b", "", ".hidden", "x" * 200, "UPPER"):
        with pytest.raises(SaveError):
            save_path(tmp_path, bad)


def test_list_saves_includes_damaged_ones(tiny: Scenario, tmp_path: Path) -> None:
    write_save(Run.start(tiny, 0), tmp_path, "good")
    (tmp_path / "broken.json").write_text("{")
    entries = {e.path.name: e for e in list_saves(tmp_path)}
    assert entries["good.json"].save is not None and entries["good.json"].error is None
    assert entries["broken.json"].save is None and entries["broken.json"].error is not None


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run.json"
    target.write_text("old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(".*.tmp"))
