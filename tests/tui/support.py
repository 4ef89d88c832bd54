"""Helpers for the TUI tests: a frozen scenario library, app factories, waiting for screens."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simgame.tui.app import SimgameApp
from simgame.tui.options import LaunchOptions

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny.yaml"
GLOSSARY = HERE / "data" / "glossary.yaml"
TINY_DE = HERE / "data" / "tiny.de.yaml"  # tiny.yaml's German overlay (simgame/i18n/overlay.py)
SIZE = (80, 24)


def make_library(folder: Path, broken: bool = True, german: bool = False) -> Path:
    """tiny.yaml, the frozen test glossary, (optionally) a broken scenario and tiny's German overlay, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TINY, folder / "tiny.yaml")
    if german:
        shutil.copy(TINY_DE, folder / "tiny.de.yaml")
    shutil.copy(GLOSSARY, folder / "glossary.yaml")
    if broken:
        (folder / "half-written.yaml").write_text("format: simgame/v1\nid: half-written\ntitle: Half\n")
    return folder


def counter_ids() -> Callable[[str], str]:
    """Deterministic run ids: tiny-run-1, tiny-run-2, ..."""
    count = 0

    def next_id(scenario_id: str) -> str:
        nonlocal count
        count += 1
        return f"{scenario_id}-run-{count}"

    return next_id


def make_app(library: Path, saves: Path, **kw: Any) -> SimgameApp:
    options = LaunchOptions(
        seed=kw.pop("seed", 1),
        saves=saves,
        scenarios_dir=library,
        run_id_factory=kw.pop("run_id_factory", counter_ids()),
        cursor_blink=False,
        theme="simgame-dark",
        **kw,
    )
    return SimgameApp(options)


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (workers finish, screens open); fail clearly if not."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError(f"condition not met after {timeout}s; screen is {pilot.app.screen!r}")
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()


def screen_name(app: SimgameApp) -> str:
    return type(app.screen).__name__


async def until_screen(pilot: Any, name: str, timeout: float = 10.0) -> None:
    await wait_for(pilot, lambda: screen_name(pilot.app) == name, timeout)


async def home_ready(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.catalog is not None and screen_name(pilot.app) == "HomeScreen")


def screen_text(app: SimgameApp) -> str:
    """Every line the terminal shows now, as plain text (read back from the exported screenshot)."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    svg = app.export_screenshot()
    for x, y, text in re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for _y, parts in sorted(rows.items()):
        line = ""
        for x, text in sorted(parts):
            line = line.ljust(round(x / 12.2)) + text  # 12.2: the width of one cell in Textual's SVG
        lines.append(line)
    return "\n".join(lines)
