"""The toolkit subcommands as an author calls them: exit codes, output, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT, TINY
from tests.toolkit.helpers import cli, write_variant

Cap = pytest.CaptureFixture[str]


@pytest.mark.parametrize("command", ["validate", "explore", "graph", "new", "test", "stats"])
def test_help_shows_an_example(capsys: Cap, command: str) -> None:
    code, out, _ = cli(capsys, command, "--help")
    assert code == 0 and "examples:" in out and f"simgame {command}" in out


def test_validate_clean_file_exits_0(capsys: Cap) -> None:
    code, out, err = cli(capsys, "validate", str(TINY))
    assert code == 0 and out == "" and "1 file checked: ok" in err


def test_validate_warning_is_compiler_style_and_strict_fails(capsys: Cap, tmp_path: Path) -> None:
    path = write_variant(tmp_path, "t.yaml", ("        feedback: Applause.\n", ""))
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:") and ": SG607 warning: choice `celebrate` has no feedback" in first
    assert "^" in out and "hint:" in out
    code, _, _ = cli(capsys, "validate", "--strict", str(path))
    assert code == 1


def test_validate_json_for_ci(capsys: Cap, tmp_path: Path) -> None:
    path = write_variant(tmp_path, "t.yaml", ("    debrief: It worked, partly.\n", ""))
    code, out, _ = cli(capsys, "validate", "--format", "json", str(path))
    data = json.loads(out)
    assert code == 0 and data["errors"] == 0 and data["warnings"] == 1
    d = data["diagnostics"][0]
    assert d["code"] == "SG605" and d["severity"] == "warning" and d["line"] > 0 and d["col"] > 0


def test_validate_errors_exit_1_and_usage_exits_2(capsys: Cap, tmp_path: Path) -> None:
    path = write_variant(tmp_path, "t.yaml", ("        next: rollout\n", "        next: rolout\n"))
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 1 and "SG300 error" in out and "rollout" in out
    code, _, err = cli(capsys, "validate")
    assert code == 2 and "usage:" in err


def test_validate_no_lint(capsys: Cap, tmp_path: Path) -> None:
    path = write_variant(tmp_path, "t.yaml", ("    debrief: It worked, partly.\n", ""))
    code, out, _ = cli(capsys, "validate", "--strict", "--no-lint", str(path))
    assert code == 0 and out == ""


def test_explore_text_and_json(capsys: Cap) -> None:
    code, out, _ = cli(capsys, "explore", str(TINY), "--persona-plays", "10")
    assert code == 0
    assert "exhaustive exploration" in out and "Endings: 2/3 reached - never: scaled" in out
    assert "dominant-option" in out and "Personas" in out and "Ship fast" in out
    code, out, _ = cli(capsys, "explore", str(TINY), "--format", "json", "--persona-plays", "5")
    data = json.loads(out)
    assert code == 0 and data["mode"] == "exhaustive" and data["endings"]["scaled"] == 0
    assert data["shortest"]["crisis"]["choices"] == ["scale-now", "keep-running"]
    assert {p["id"] for p in data["personas"]} == {"ship-fast", "risk-averse", "ethics-first", "random"}
    code, _, _ = cli(capsys, "explore", str(TINY), "--strict", "--persona-plays", "0")
    assert code == 1  # warnings exist
    code, out, _ = cli(capsys, "explore", str(TINY), "--hits", "--persona-plays", "0")
    assert code == 0 and "Scene hits (states)" in out and "Choice hits (states)" in out
    row = next(line for line in out.splitlines() if " switch-off " in line)
    assert [cell.strip() for cell in row.split("│")[1:3]] == ["switch-off", "0"]


def test_explore_random_mode_is_seeded(capsys: Cap) -> None:
    args = (
        "explore",
        str(TINY),
        "--random",
        "--plays",
        "300",
        "--seed",
        "9",
        "--format",
        "json",
        "--persona-plays",
        "3",
    )
    _, a, _ = cli(capsys, *args)
    _, b, _ = cli(capsys, *args)
    assert a == b and json.loads(a)["mode"] == "random" and json.loads(a)["seed"] == 9


def test_explore_failure_exits_1_with_rerun(capsys: Cap, tmp_path: Path) -> None:
    keep = "      - id: keep-running\n        label: Keep it running and patch\n"
    path = write_variant(tmp_path, "stuck.yaml", (keep, keep + "        when: owner\n"))
    code, out, _ = cli(capsys, "explore", str(path), "--persona-plays", "0")
    assert code == 1 and "failure stuck" in out and "re-run: simgame run" in out


def test_explore_bad_file_is_a_plain_message(capsys: Cap, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: simgame/v1\nid: [\n", encoding="utf-8")
    code, _, err = cli(capsys, "explore", str(bad))
    assert code == 1 and "SG103" in err and "Traceback" not in err


def test_graph_mermaid_dot_lifecycle_and_file(capsys: Cap, tmp_path: Path) -> None:
    code, out, _ = cli(capsys, "graph", str(TINY))
    assert code == 0 and out.startswith("flowchart TD") and 'subgraph ph_incident["Incident (failure)"]' in out
    assert "drift (chance)" in out and "class " in out
    code, out, _ = cli(capsys, "graph", str(TINY), "--format", "dot")
    assert code == 0 and out.startswith('digraph "tiny"') and "cluster_pilot" in out and "style=dashed" in out
    code, out, _ = cli(capsys, "graph", str(TINY), "--lifecycle")
    assert code == 0 and out.startswith("stateDiagram-v2") and "[*] --> p_pilot" in out
    target = tmp_path / "map.md"
    code, _, _ = cli(capsys, "graph", str(TINY), "-o", str(target))
    assert code == 0 and target.read_text().startswith("# The Tiny Pilot\n\n```mermaid\nflowchart TD")


def test_graph_highlights_unreachable_scenes_in_a_broken_file(capsys: Cap, tmp_path: Path) -> None:
    path = write_variant(
        tmp_path,
        "t.yaml",
        ("        next: crisis\n", "        next: end\n"),
        (
            "endings:\n",
            "  orphan:\n    phase: pilot\n    text: Nobody comes here.\n"
            "    choices:\n      - {id: stay, label: Stay, next: orphan, "
            "practice: rethink-work}\nendings:\n",
        ),
    )
    code, out, _ = cli(capsys, "graph", str(path))
    assert code == 0
    node = next(line.split("[")[0].strip() for line in out.splitlines() if "<br/>orphan" in line)
    unreachable = next(
        line for line in out.splitlines() if line.startswith("  class ") and line.endswith(" unreachable")
    )
    assert node in unreachable.split()[1].split(",")
    code, out, _ = cli(capsys, "graph", str(path), "--format", "dot")
    assert '"orphan" [' in out and "dashed" in out.split('"orphan" [')[1].split("\n")[0]


def test_new_scaffolds_a_clean_playable_file(capsys: Cap, tmp_path: Path) -> None:
    code, _, err = cli(capsys, "new", "Vendor lock-in", "--dir", str(tmp_path))
    target = tmp_path / "vendor-lock-in.yaml"
    assert code == 0 and target.is_file() and "wrote" in err
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    schema = (target.parent / text.splitlines()[0].split("$schema=")[1]).resolve()
    assert schema == (ROOT / "simgame" / "schemas" / "scenario-v1.json").resolve()
    code, out, _ = cli(capsys, "validate", "--strict", str(target))
    assert code == 0 and out == ""
    code, out, _ = cli(capsys, "run", str(target), "--seed", "2", "--choose", "name-an-owner,measure")
    assert code == 0 and "Live, and in control" in out
    code, _, _ = cli(capsys, "explore", str(target), "--persona-plays", "5")
    assert code == 0
    code, _, err = cli(capsys, "new", "Vendor lock-in", "--dir", str(tmp_path))
    assert code == 1 and "already exists" in err


def test_stats_text_and_json(capsys: Cap) -> None:
    code, out, _ = cli(capsys, "stats", str(TINY), "--plays", "200")
    assert code == 0 and "tiny: 3 scenes, 6 choices, 3 endings, 1 events" in out and "reading minutes" in out
    code, out, _ = cli(capsys, "stats", str(TINY), "--plays", "200", "--format", "json")
    data = json.loads(out)
    assert data["decisions"]["min"] == 2 and data["decisions"]["max"] == 2
    assert 0 < data["words_read"]["min"] <= data["words_read"]["median"] <= data["words_read"]["max"]


def test_test_command_passes_fails_with_diff_and_records(capsys: Cap, tmp_path: Path) -> None:
    target = tmp_path / "tiny" / "owner.yaml"
    code, _, _ = cli(
        capsys,
        "test",
        "--record",
        str(target),
        "--scenario",
        str(TINY),
        "--seed",
        "0",
        "--choose",
        "name-owner,measure",
    )
    assert code == 0 and target.is_file()
    recorded = yaml.safe_load(target.read_text())
    assert recorded["expect"]["ending"] == "muddled" and recorded["expect"]["score"] == 60.0
    code, out, _ = cli(capsys, "test", str(tmp_path))
    assert code == 0 and "1 passed, 0 failed" in out
    recorded["expect"]["band"] = "strong"
    recorded["expect"]["metrics"]["value"] = 99
    target.write_text(yaml.safe_dump(recorded))
    code, out, _ = cli(capsys, "test", str(tmp_path))
    assert code == 1 and "FAIL tiny/owner" in out
    assert "  -band: strong\n  +band: mixed" in out and "  -  value: 99" in out and "  +  value: 45.0" in out
    assert "0 passed, 1 failed" in out


def test_test_command_usage_and_unreadable(capsys: Cap, tmp_path: Path) -> None:
    code, _, _ = cli(capsys, "test", str(tmp_path / "missing"))
    assert code == 2
    (tmp_path / "broken.yaml").write_text("just text\n")
    code, out, _ = cli(capsys, "test", str(tmp_path))
    assert code == 1 and "ERROR" in out


def test_real_process_never_prints_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "simgame", "explore", "no-such-scenario"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "no-such-scenario" in proc.stderr


def test_graph_labels_wrap_and_keep_every_word(capsys: Cap) -> None:
    """Labels wrap at a width instead of being cut with "…", and no glyph needs an emoji font."""
    for fmt in ("mermaid", "dot"):
        code, out, _ = cli(capsys, "graph", str(TINY), "--format", fmt)
        assert code == 0 and "…" not in out
        assert all(ord(ch) < 0x2000 for ch in out), "a symbol a browser or Graphviz font may lack"
        joined = out.replace("<br/>", " ").replace("\\n", " ")
        assert "Name an owner with authority to switch it off, then scale" in joined
        assert "(chance)" in out
