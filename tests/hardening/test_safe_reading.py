"""Only regular files are read, never blocking, never more than the limit plus one byte.

A named pipe (FIFO) that nobody writes to, `/dev/zero` behind a symlink, or a folder where a
file is expected: every reader (scenarios, glossaries, saves, result files, the outbox) answers
at once with a plain message naming the file. The command-line cases run in a child process
with a timeout and a memory cap, so the old behaviour (a hang, 2 GB read from /dev/zero) fails
the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from simgame.cohort.errors import CohortError
from simgame.cohort.outbox import Outbox
from simgame.cohort.resultfile import read as read_result
from simgame.engine.run import Run
from simgame.engine.saves import SaveError, list_saves, read_save, write_save
from simgame.format.compiled import Scenario
from simgame.format.loader import check_file, load_glossary
from tests.support import ROOT, TINY

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX only")
MEMORY_CAP = 1536 * 1024 * 1024


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args: str, tmp: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SIMGAME_SAVES": str(tmp / "saves"), "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-m", "simgame", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=_cap_memory,
    )


class Unblocker:
    """Watches FIFOs: if a reader ever blocks on one (a reader that waits for a writer), it opens
    the FIFO for writing and closes it, so that reader sees the end of the file and the test fails
    on its assertions instead of hanging. Readers that refuse FIFOs never trigger it."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.released = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            for path in list(self.paths):
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # succeeds only while a reader waits
                except OSError:
                    continue
                os.close(fd)
                self.released += 1

    def make(self, path: Path) -> Path:
        os.mkfifo(path)
        self.paths.append(path)
        return path

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


@pytest.fixture
def pipes() -> Iterator[Unblocker]:
    watcher = Unblocker()
    yield watcher
    watcher.stop()
    assert watcher.released == 0, "a reader blocked on a FIFO instead of refusing it"


@pytest.fixture
def fifo(tmp_path: Path, pipes: Unblocker) -> Path:
    return pipes.make(tmp_path / "pipe.yaml")


@pytest.fixture
def zero(tmp_path: Path) -> Path:
    path = tmp_path / "zero.json"
    path.symlink_to("/dev/zero")
    return path


# -- scenarios and glossaries ---------------------------------------------------------------


def test_a_fifo_scenario_is_refused_at_once(fifo: Path, tmp_path: Path) -> None:
    for command in ("validate", "run"):
        proc = run_cli(command, str(fifo), tmp=tmp_path, timeout=30)
        assert proc.returncode == 1, proc.stderr
        assert "SG100" in proc.stdout + proc.stderr and "named pipe" in proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_folder_with_a_fifo_reports_it_and_checks_the_rest(tmp_path: Path, pipes: Unblocker) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    pipes.make(folder / "stuck.yaml")
    pipes.make(folder / "glossary.yaml")
    proc = run_cli("validate", "--no-lint", str(folder), tmp=tmp_path, timeout=30)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "stuck.yaml is a named pipe" in out and "glossary.yaml is a named pipe" in out
    assert "3 files checked" in out and "Traceback" not in out


def test_scenario_and_glossary_readers_refuse_special_files(fifo: Path, zero: Path, tmp_path: Path) -> None:
    for path in (fifo, zero, tmp_path):
        (diag,) = check_file(path).diagnostics
        assert diag.code == "SG100" and str(path) in diag.message
    with pytest.raises(Exception, match="named pipe"):
        load_glossary(fifo)


# -- saves ------------------------------------------------------------------------------------


def test_saves_refuse_pipes_and_devices(fifo: Path, zero: Path) -> None:
    for path in (fifo, zero):
        with pytest.raises(SaveError, match="not a file simgame can read"):
            read_save(path)


def test_the_saves_listing_skips_a_fifo_without_opening_it(tmp_path: Path, tiny: Scenario, pipes: Unblocker) -> None:
    good = write_save(Run.replay(tiny, 0, ["scale-now"]), tmp_path, "tiny-good-1")
    pipes.make(tmp_path / "stuck.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    entries = {e.path.name: e for e in list_saves(tmp_path)}
    assert entries[good.name].save is not None
    assert entries["stuck.json"].error is not None and "named pipe" in str(entries["stuck.json"].error)
    assert entries["zero.json"].error is not None and "device" in str(entries["zero.json"].error)


def test_export_from_dev_zero_answers_at_once(zero: Path, tmp_path: Path) -> None:
    proc = run_cli("export", "--join", "K7QF3M", "--name", "Olu", "--from", str(zero), tmp=tmp_path, timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "zero.json is a device" in proc.stderr and "Traceback" not in proc.stderr


# -- result files and the outbox ---------------------------------------------------------------


def test_result_files_refuse_pipes_and_devices(fifo: Path, zero: Path) -> None:
    for path in (fifo, zero):
        with pytest.raises(CohortError, match="cannot be read"):
            read_result(path)


def test_an_outbox_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path: Path, pipes: Unblocker) -> None:
    outbox = Outbox(tmp_path / "outbox")
    pipes.make(tmp_path / "outbox" / "events.jsonl")
    with pytest.raises(CohortError, match="named pipe"):
        outbox.all()
    pipes.paths.clear()
    os.unlink(tmp_path / "outbox" / "events.jsonl")
    (tmp_path / "outbox" / "acked.txt").symlink_to("/dev/zero")
    with pytest.raises(CohortError, match="device"):
        outbox.acked()


def test_outbox_lines_beyond_the_json_limits_are_skipped(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    good = {"id": "e1", "kind": "chose", "player": "p", "step": 0, "data": {}, "at": "2026-01-01T00:00:00Z"}
    lines = ["[" * 100_000, '{"id": "e2", "step": ' + "9" * 5000 + "}", json.dumps(good)]
    (tmp_path / "outbox" / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert outbox.all() == [good]
