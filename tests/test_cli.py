"""The CLI as a user calls it: exit codes, output, and never a traceback for expected failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, TINY


def simgame(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "simgame", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_run_plays_and_prints_debrief() -> None:
    proc = simgame("run", str(TINY), "--seed", "1", "--choose", "name-owner,measure")
    assert proc.returncode == 0, proc.stderr
    assert "> Name an owner" in proc.stdout and "Debrief: Muddling through" in proc.stdout
    assert "Overall score:" in proc.stdout and "Decisions:" in proc.stdout


def test_run_json_is_deterministic() -> None:
    a = simgame("run", str(TINY), "--seed", "4", "--policy", "random", "--format", "json")
    b = simgame("run", str(TINY), "--seed", "4", "--policy", "random", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout
    data = json.loads(a.stdout)
    assert data["ended"] and data["ending"] and data["debrief"]["band"] in ("strong", "mixed", "weak")
    assert len(data["choices"]) == len(data["steps"])


def test_run_unknown_choice_names_the_available_ones() -> None:
    proc = simgame("run", str(TINY), "--choose", "name-owner,fly-to-moon")
    assert proc.returncode == 1
    assert "no choice `fly-to-moon`" in proc.stderr and "choices here: measure" in proc.stderr
    no_traceback(proc)


def test_run_stops_before_the_end_without_policy() -> None:
    proc = simgame("run", str(TINY), "--choose", "name-owner")
    assert proc.returncode == 0
    assert "Stopped before the end" in proc.stdout and "measure" in proc.stdout


def test_run_with_fixture_and_save(tmp_path: Path) -> None:
    proc = simgame("run", str(TINY), "--fixture", "after-rush", "--policy", "first", "--save", "--saves", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    saves = list(tmp_path.glob("*.json"))
    assert len(saves) == 1 and json.loads(saves[0].read_text())["fixture"] == "after-rush"


def test_run_bundled_scenario_by_id() -> None:
    proc = simgame("run", "nope-not-a-scenario")
    assert proc.returncode == 1 and "no scenario called" in proc.stderr
    no_traceback(proc)


def test_run_broken_file_shows_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace("next: rollout", "next: rollot"))
    proc = simgame("run", str(bad))
    assert proc.returncode == 1
    assert f"{bad}:" in proc.stderr and "SG300" in proc.stderr and "did you mean `rollout`" in proc.stderr
    no_traceback(proc)


def test_validate_clean_and_errors(tmp_path: Path) -> None:
    ok = simgame("validate", str(TINY))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace("title: Monday", "title: NO"))
    proc = simgame("validate", str(bad), str(TINY))
    assert proc.returncode == 1
    assert f"{bad}:32:12: SG202 error:" in proc.stdout and "^" in proc.stdout
    no_traceback(proc)
    js = simgame("validate", str(bad), "--format", "json")
    data = json.loads(js.stdout)
    assert data["errors"] == 1 and data["diagnostics"][0]["code"] == "SG202"


@pytest.mark.parametrize("content", [b"", b"\x00\x00binary", b"a: &x 1\nb: *x\n", b"- just\n- a list\n"])
def test_validate_garbage_never_crashes(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    proc = simgame("validate", str(f))
    assert proc.returncode == 1
    no_traceback(proc)


def test_validate_missing_path_and_usage() -> None:
    proc = simgame("validate", "does/not/exist.yaml")
    assert proc.returncode == 1 and "does not exist" in proc.stdout
    usage = simgame("validate")
    assert usage.returncode == 2
    assert simgame("--version").stdout.startswith("simgame ")
    helped = simgame("run", "--help")
    assert helped.returncode == 0 and "examples:" in helped.stdout


def test_run_reads_on_through_pass_through_scenes(tmp_path: Path) -> None:
    from tests.test_engine import PASS_THROUGH

    f = tmp_path / "passage.yaml"
    f.write_text(PASS_THROUGH)
    proc = simgame("run", str(f), "--choose", "go", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["choices"] == ["intro.continue", "go", "coda.continue"] and data["ending"] == "done"


def test_a_command_line_loads_only_its_own_subcommand() -> None:
    """A game the hub starts (`python -m simgame play`) must not carry numpy, the explorer or the store."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from simgame.cli import build_parser\n"
        "build_parser('play').parse_args(['play'])\n"
        "heavy = [m for m in ('numpy', 'simgame.analysis.batch.explorer', 'simgame.cohort.store', 'markdown_it')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`simgame play` loaded {out}"
