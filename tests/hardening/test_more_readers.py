"""The last readers made safe: the config file, transcripts, validate's echo of a source line, report names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simgame.authoring.transcripts import TranscriptError, read
from simgame.cohort.render import _cell, _md
from simgame.format.diagnostics import Diagnostic
from simgame.settings import SettingsError, load_settings

posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")


@posix
def test_a_pipe_named_as_the_config_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(SettingsError, match=r"config\.toml"):
        load_settings(fifo)


def test_dev_zero_as_the_config_file_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "config.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(SettingsError):
        load_settings(link)


@posix
def test_a_pipe_named_as_a_transcript_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "t.yaml"
    os.mkfifo(fifo)
    with pytest.raises(TranscriptError, match="cannot be read"):
        read(fifo)


def test_validate_never_echoes_a_raw_control_or_bidi_character() -> None:
    d = Diagnostic("SG201", "unknown field", "x.yaml", 3, 1, snippet="title: a\u202eb\x1b[2J\n")
    shown = d.render()
    assert "\u202e" not in shown and "\x1b" not in shown
    assert "title: a" in shown and "b" in shown


def test_report_cells_show_controls_visibly_and_keep_everything_else() -> None:
    name = "Dana\x1b]0;pwned\x07 Ørsted"
    for shown in (_md(name), _cell(name)):
        assert "\x1b" not in shown and "\x07" not in shown
        assert shown.startswith("Dana") and shown.endswith("Ørsted")
    assert _md("a|b\nc") == "a\\|b c"
