"""Every command's top level: an unexpected exception or OSError is one plain sentence and a log file.

The suite sets SIMGAME_RERAISE (tests/conftest.py), so an unexpected exception anywhere else
still fails its test; these tests unset it to see what a user sees. Writing a save or a
result file onto a full disk or into a folder that cannot be written gives a plain message.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from simgame.cli import common, main
from simgame.engine.run import Run
from simgame.engine.saves import write_save
from simgame.format.compiled import Scenario
from tests.support import TINY


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setattr(common, "log_dir", lambda: folder)
    monkeypatch.delenv(common.RERAISE_ENV, raising=False)
    return folder


def _boom(exc: BaseException) -> Any:
    def raise_it(*args: object, **kwargs: object) -> None:
        raise exc

    return raise_it


def test_an_unexpected_exception_is_one_sentence_and_a_log(
    logs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("simgame.cli.stats.stats", _boom(ValueError("a bug deep inside")))
    assert main(["stats", str(TINY), "--plays", "1"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "something unexpected went wrong (ValueError)" in err
    (log,) = logs.iterdir()
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "a bug deep inside" in text and f"simgame stats {TINY}" in text


def test_an_os_error_names_the_file_in_plain_words(
    logs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "/data/simgame/x.json")
    monkeypatch.setattr("simgame.cli.stats.stats", _boom(full))
    assert main(["stats", str(TINY), "--plays", "1"]) == 1
    err = capsys.readouterr().err
    assert "/data/simgame/x.json: the disk is full" in err and "Traceback" not in err
    assert len(list(logs.iterdir())) == 1


def test_the_log_never_holds_the_facilitator_key(logs: Path) -> None:
    argv = ["cohort", "import", "K7QF3M", "a.json", "--key", "SECRET-ONE", "--key=SECRET-TWO"]
    log = common.write_crash_log(ValueError("x"), argv)
    assert log is not None
    text = log.read_text(encoding="utf-8")
    assert "SECRET" not in text and "--key *** --key=***" in text


def test_when_the_log_cannot_be_written_either_it_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setattr(common, "log_dir", lambda: blocked / "logs")
    monkeypatch.delenv(common.RERAISE_ENV, raising=False)
    monkeypatch.setattr("simgame.cli.stats.stats", _boom(KeyError("x")))
    assert main(["stats", str(TINY), "--plays", "1"]) == 1
    assert "could not be written to a log file" in capsys.readouterr().err


def test_under_test_the_exception_is_raised_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(common.RERAISE_ENV, "1")
    monkeypatch.setattr("simgame.cli.stats.stats", _boom(ValueError("a bug")))
    with pytest.raises(ValueError, match="a bug"):
        main(["stats", str(TINY), "--plays", "1"])


# -- writing onto a full disk or where nothing can be written ---------------------------------


def test_run_save_on_a_full_disk_is_a_plain_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "saves" / "x.json"))
    monkeypatch.setattr("simgame.cli.run.write_save", _boom(full))
    code = main(["run", str(TINY), "--choose", "scale-now", "--save", "--saves", str(tmp_path / "saves")])
    err = capsys.readouterr().err
    assert code == 1 and "the run was not saved" in err and "the disk is full" in err


def _unwritable(tmp_path: Path) -> Path:
    """A folder path nothing can be written under: its parent is a file (read-only for root too)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return blocker / "out"


def test_run_save_into_an_unwritable_folder_is_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(TINY), "--choose", "scale-now", "--save", "--saves", str(_unwritable(tmp_path))])
    err = capsys.readouterr().err
    assert code == 1 and "the run was not saved" in err and "not-a-folder" in err and "Traceback" not in err


def test_run_save_into_a_read_only_folder_is_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the user may not write to (simulated: root may write anywhere, and CI runs as root)."""
    import errno
    import tempfile

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    folder = tmp_path / "ro"
    folder.mkdir()
    code = main(["run", str(TINY), "--choose", "scale-now", "--save", "--saves", str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and "the run was not saved" in err and "permission denied" in err


@pytest.fixture
def save(tmp_path: Path, tiny: Scenario, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIMGAME_SCENARIOS", str(TINY.parent))
    return write_save(Run.replay(tiny, 0, ["scale-now"]), tmp_path, "tiny-offline-1")


def test_export_on_a_full_disk_is_a_plain_message(
    save: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "olu.json"
    monkeypatch.setattr("simgame.cli.export.atomic_write", _boom(OSError(errno.ENOSPC, "No space", str(out))))
    assert main(["export", "--join", "K7QF3M", "--name", "Olu", "--from", str(save), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "the result file was not written" in err and "the disk is full" in err
    assert not out.exists()


def test_export_into_an_unwritable_folder_is_a_plain_message(
    save: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _unwritable(tmp_path) / "olu.json"
    assert main(["export", "--join", "K7QF3M", "--name", "Olu", "--from", str(save), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "the result file was not written" in err and "not-a-folder" in err and "Traceback" not in err
