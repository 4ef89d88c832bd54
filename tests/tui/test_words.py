"""Every state the game shows in colour is also said in words (WCAG 1.4.1, use of colour).

The test walks a run through every screen (library, briefing, a scene with a locked option, a
consequence, the dashboard, the debrief's tabs) and reads the terminal back as text: the words must
be there whatever the colours, in English and in German. A metric's direction is "better"/"worse" (and
↓ where lower is better), a locked option says "[locked]" and why, an ending says its tone, the score
says its band by name, an objective "[met]"/"[not met]", a file that cannot be played says so beside
its ⚠.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.tui.support import SIZE, home_ready, make_app, make_library, screen_text, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, start_tiny

WORDS = {
    "en": {
        "unplayable": "cannot be played yet",
        "not played": "not played yet",
        "locked": "[locked]",
        "why locked": "Why locked:",
        "better": "better",
        "worse": "worse",
        "bad ending": "(a bad ending)",
        "band": "band: Mixed",
        "not met": "[not met]",
        "chart": "! an event moved it",
        "played": "best 41.7",
    },
    "de": {
        "unplayable": "noch nicht spielbar",
        "not played": "noch nicht gespielt",
        "locked": "[gesperrt]",
        "why locked": "Warum gesperrt:",
        "better": "besser",
        "worse": "schlechter",
        "bad ending": "(ein schlechtes Ende)",
        "band": "Stufe: Mixed",
        "not met": "[nicht erreicht]",
        "chart": "! ein Ereignis hat ihn bewegt",
        "played": "bestes 41.7",
    },
}


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_every_coloured_state_is_also_in_words(
    tmp_path: Path, lang: str, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    words = WORDS[lang]
    library = make_library(tmp_path / "library")
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=1, lang=lang)
    seen: dict[str, str] = {}
    async with app.run_test(size=size) as pilot:
        app.theme = "simgame-high-contrast"
        await home_ready(pilot)
        seen["library"] = screen_text(app)
        await start_tiny(pilot)
        await pilot.press(key_for(app, "scale-now"))  # seed 1: the drift event fires, on to the incident
        await wait_for(pilot, lambda: showing_consequence(app))
        seen["consequence"] = screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not showing_consequence(app))
        seen["scene"] = screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        seen["numbers"] = screen_text(app)
        await pilot.press("m")
        await pilot.press(key_for(app, "keep-running"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        await wait_for(pilot, lambda: app.screen.range is not None)
        seen["debrief"] = screen_text(app) + "\n" + app.screen.query_one("#outcome-text").render().plain  # type: ignore[attr-defined]
        await pilot.press("m")
        await pilot.pause()
        seen["metrics"] = app.screen.query_one("#metrics-text").render().plain  # type: ignore[attr-defined]
        await pilot.press("escape")
        await home_ready(pilot)
        await wait_for(pilot, lambda: words["played"] in _flat(screen_text(app)))
        seen["library after"] = screen_text(app)
    flat = {name: _flat(text) for name, text in seen.items()}
    assert "⚠ half-written.yaml" in flat["library"] and words["unplayable"] in flat["library"]
    assert words["not played"] in flat["library"]
    assert words["better"] in flat["consequence"] and words["worse"] in flat["consequence"]
    assert words["locked"] in flat["scene"] and words["why locked"] in flat["scene"]
    assert words["worse"] in flat["scene"] and re.search("65 ?↓", flat["scene"])  # the dashboard: ↓ lower is better
    assert words["worse"] in flat["numbers"]
    assert words["bad ending"] in flat["debrief"] and words["band"] in flat["debrief"]
    assert "(Mixed)" in flat["debrief"] and words["not met"] in flat["debrief"]
    assert words["worse"] in flat["metrics"] and words["chart"] in flat["metrics"]
    assert words["played"] in flat["library after"] and "(Mixed)" in flat["library after"]
