"""`simgame validate` on a folder with translations: each `NAME.LANG.yaml` is checked against its
original (SG220/SG221, located), and never loaded as a scenario of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.format.loader import scenario_files
from tests.tui.support import TINY, TINY_DE


def _folder(tmp_path: Path, translation: str | None = None) -> Path:
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    shutil.copy(TINY.parent / "glossary.yaml", tmp_path / "glossary.yaml")
    text = TINY_DE.read_text(encoding="utf-8") if translation is None else translation
    (tmp_path / "tiny.de.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_good_translation_passes_and_is_not_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    assert [p.name for p in scenario_files(folder)] == ["tiny.yaml"]
    assert main(["validate", "--no-lint", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "SG205" not in out and "SG220" not in out


def test_a_wrong_id_in_a_translation_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TINY_DE.read_text(encoding="utf-8")
    assert "  crisis:\n" in text
    folder = _folder(tmp_path, text.replace("  crisis:\n", "  crises:\n"))
    assert main(["validate", "--no-lint", str(folder)]) == 1
    out = capsys.readouterr().out
    line = 1 + text.splitlines().index("  crisis:")
    assert f"tiny.de.yaml:{line}:3: SG220 error: the original has no ending `crises`" in out


def test_an_untranslated_choice_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TINY_DE.read_text(encoding="utf-8")
    start = text.index("      scale-now:\n")
    cut = text[start : text.index("      name-owner:\n")]
    assert cut in text
    folder = _folder(tmp_path, text.replace(cut, ""))
    assert main(["validate", "--no-lint", str(folder)]) == 0  # used, with the original's words there
    assert "SG221 warning: choice `scale-now`" in capsys.readouterr().out
    assert main(["validate", "--no-lint", "--strict", str(folder)]) == 1


def test_a_translation_without_its_original(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "lost.de.yaml").write_text(TINY_DE.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", str(tmp_path / "lost.de.yaml")]) == 1
    assert "there is no lost.yaml beside it" in capsys.readouterr().out


def test_a_translation_the_game_would_refuse_fails_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TINY_DE.read_text(encoding="utf-8")
    line = "    text: Das Modell ist überall live.\n"
    assert line in text
    folder = _folder(tmp_path, text.replace(line, "    text: Das Modell ist {if nosuch.thing > 3}überall{/if} live.\n"))
    assert main(["validate", "--no-lint", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "tiny.de.yaml" in out and "SG220 error" in out
