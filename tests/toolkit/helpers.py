"""Shared helpers for the toolkit tests: run the CLI in-process, and mutate tiny.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simgame.cli import main
from tests.support import TINY


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Call `simgame ARGS` as a user would (same entry point), returning (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def tiny_text() -> str:
    return TINY.read_text(encoding="utf-8")


def write_variant(tmp: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """tiny.yaml with text replaced (each replacement must apply), written to tmp/name."""
    text = tiny_text().replace("../../simgame/schemas", str(Path(__file__).resolve().parents[2] / "simgame/schemas"))
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    glossary = tmp / "glossary.yaml"
    if not glossary.exists():  # tiny's own frozen glossary goes with it, so the shipped one can change
        shutil.copy(TINY.parent / "glossary.yaml", glossary)
    return path
