"""The bad-input corpus against `simgame validate` and `simgame play`: a clear error, never a traceback.

Each input gets a located or plain-language error and a non-zero exit, using under 5 s of
CPU and bounded memory (measured inside the child, so a loaded machine does not flake).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

CORPUS = Path(__file__).parent / "corpus"
# Peak memory is the process's own VmHWM: ru_maxrss would include the peak of the test worker that
# started it (Python starts children with vfork, and Linux carries that peak across exec).
WRAPPER = (
    "import re, resource, sys\n"
    "from simgame.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:\n"
    "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
    "    peak = int(hwm.group(1)) if hwm else u.ru_maxrss\n"
    "    sys.stderr.write(f'\\n@@cpu={u.ru_utime + u.ru_stime:.3f} rss={peak}\\n')\n"
    "raise SystemExit(code)\n"
)
MAX_CPU_S = 5.0
MAX_RSS_KB = 600_000
BAD = sorted(p for p in CORPUS.iterdir() if p.name != "bom_and_crlf.yaml")


def run_cli(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SIMGAME_SAVES": str(tmp / "saves"), "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def check_clean_failure(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode not in (0, 2), proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    m = re.search(r"@@cpu=([\d.]+) rss=(\d+)", proc.stderr)
    assert m, proc.stderr
    assert float(m.group(1)) < MAX_CPU_S, f"used {m.group(1)} s of CPU"
    assert int(m.group(2)) < MAX_RSS_KB, f"used {int(m.group(2)) // 1024} MB"
    return out


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "fifty_megabytes.yaml"
    line = b"- filler text that goes on and on\n"
    with open(path, "wb") as fh:
        fh.write(b"format: simgame/v1\nitems:\n")
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    return path


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_validate_refuses_cleanly(path: Path, tmp_path: Path) -> None:
    out = check_clean_failure(run_cli("validate", str(path), tmp=tmp_path))
    assert re.search(r"SG\d{3} error", out), out
    assert str(path) in out  # every message names the file


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_play_refuses_cleanly(path: Path, tmp_path: Path) -> None:
    out = check_clean_failure(run_cli("play", str(path), tmp=tmp_path))
    assert re.search(r"SG\d{3} error", out), out


def test_fifty_megabytes(big_file: Path, tmp_path: Path) -> None:
    for command in ("validate", "play"):
        out = check_clean_failure(run_cli(command, str(big_file), tmp=tmp_path))
        assert "SG102" in out and "limit" in out


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    for command in ("validate", "play", "run"):
        out = check_clean_failure(run_cli(command, str(folder), tmp=tmp_path))
        assert "folder" in out or "no .yaml files" in out


def test_located_errors_for_located_problems(tmp_path: Path) -> None:
    out = run_cli("validate", str(CORPUS / "norway.yaml"), tmp=tmp_path).stdout
    assert "norway.yaml:6:10: SG202 error" in out and 'write "1.10" in quotes' in out
    out = run_cli("validate", str(CORPUS / "alias_bomb.yaml"), tmp=tmp_path).stdout
    assert "alias_bomb.yaml:1:4: SG104 error" in out


def test_bom_and_windows_line_endings_are_fine(tmp_path: Path) -> None:
    proc = run_cli("validate", str(CORPUS / "bom_and_crlf.yaml"), tmp=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_scenario_files_cannot_run_code(tmp_path: Path) -> None:
    marker = Path("/tmp/simgame-pwned")
    marker.unlink(missing_ok=True)
    for name in ("python_tags.yaml", "python_name.yaml", "expression_injection.yaml"):
        for command in ("validate", "run", "play"):
            run_cli(command, str(CORPUS / name), tmp=tmp_path)
    assert not marker.exists()
