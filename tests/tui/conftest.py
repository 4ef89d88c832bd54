"""Fixtures for the TUI tests: a frozen library and an empty saves folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.support import make_library


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return make_library(tmp_path / "library")


@pytest.fixture
def saves(tmp_path: Path) -> Path:
    folder = tmp_path / "saves"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    from simgame.i18n import set_language
    from simgame.tui import explore

    explore.clear_cache()
    set_language("en")  # a German test earlier in this worker never leaks into the next
