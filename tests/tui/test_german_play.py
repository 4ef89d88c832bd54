"""A shipped scenario played in German with Pilot, to the debrief and its export: the sentences the engine
builds (lock causes, event causes, "Based on …", why an objective was missed, red lines) are German.

Scenario text is the author's (English, or a translation overlay's German where one is shipped); only the
game's own words are checked, by phrases no scenario uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from tests.tui.support import SIZE, make_app, screen_name, screen_text, until_screen, wait_for
from tests.tui.test_flows import showing_consequence, text_of
from tests.tui.test_german_engine import AGENTS_PATH, ENGLISH, SCENARIOS, TO_THE_LOCK

SIZES = [SIZE, (120, 40)]


async def open_in_german(pilot: Any) -> None:
    await until_screen(pilot, "BriefingScreen", timeout=30)
    assert "Ihre Rolle" in screen_text(pilot.app)
    await pilot.press("enter")
    await until_screen(pilot, "PlayScreen")


async def decide(pilot: Any, choice_id: str) -> str:
    """Press the number shown for ``choice_id`` (a pass-through's "Weiter" too), then Enter past what it did;
    returns the consequence panel's text ("" when none was shown)."""
    app = pilot.app
    made = len(app.session.run.choice_log)
    await pilot.press(str(next(o.number for o in app.session.run.options() if o.id == choice_id)))
    await wait_for(pilot, lambda: showing_consequence(app) or len(app.session.run.choice_log) > made)
    said = ""
    if showing_consequence(app):
        said = " ".join(text_of(app, "#consequence-text").split())
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen" or not app.screen.showing_consequence)
    return said


def no_english(text: str) -> None:
    found = [phrase for phrase in ENGLISH if phrase in text]
    assert not found, f"English in a German run: {found}"


@pytest.mark.parametrize("size", SIZES)
async def test_a_lock_names_its_cause_in_german(saves: Path, size: tuple[int, int]) -> None:
    app = make_app(SCENARIOS, saves, seed=3, scenario=str(SCENARIOS / "when-the-model-is-wrong.yaml"), lang="de")
    async with app.run_test(size=size) as pilot:
        await open_in_german(pilot)
        for choice in TO_THE_LOCK:
            await decide(pilot, choice)
        prompt = app.screen.query_one("#choices", OptionList).get_option("offer-independent-audit").prompt
        said = " ".join(prompt.plain.split())  # type: ignore[union-attr]
        assert "[gesperrt]" in said and "Sie haben bei Entscheidung 8 „" in said and "“ gewählt. " in said
        no_english(said)
        number = next(o.number for o in app.session.run.options() if o.id == "offer-independent-audit")
        await pilot.press(str(number))
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert f"Option {number} ist gesperrt: Sie haben bei Entscheidung 8 „" in shown
        no_english(shown)


@pytest.mark.parametrize("size", SIZES)
async def test_the_debrief_and_its_export_in_german(saves: Path, size: tuple[int, int]) -> None:
    app = make_app(SCENARIOS, saves, seed=3, scenario=str(SCENARIOS / "agents-in-operations.yaml"), lang="de")
    async with app.run_test(size=size) as pilot:
        await open_in_german(pilot)
        consequences = " ".join([await decide(pilot, choice) for choice in AGENTS_PATH])
        assert "Auch weil Sie bei Entscheidung " in consequences and "“ gewählt haben: " in consequences
        no_english(consequences)
        await until_screen(pilot, "DebriefScreen")
        outcome = " ".join(text_of(app, "#outcome-text").split())
        for german in ("Rote Linie überschritten: ", "Ihr Ergebnisprofil allein erreichte ", "Der Durchschnitt aus "):
            assert german in outcome, german
        assert "Warum: „" in outcome and "“ traf am Ende nicht zu." in outcome  # why an objective was missed
        assert "Plus 5 Punkte: " in outcome and "Minus 12 Punkte: " in outcome
        no_english(outcome)
        no_english(screen_text(app))
        await pilot.press("m")
        await pilot.pause()
        metrics = " ".join(text_of(app, "#metrics-text").split())
        assert "„Weiter“" in metrics and "„Continue“" not in metrics  # a pass-through step, in the game's words
        await pilot.press("d")
        await pilot.pause()
        decisions = " ".join(text_of(app, "#decisions-text").split())
        assert "Später, nach Entscheidung " in decisions and "(auch weil Sie bei Entscheidung " in decisions
        assert "Sofort: " in decisions and ("(besser)" in decisions or "(schlechter)" in decisions)
        no_english(decisions)
        assert (
            "Ergebnisse messen, nicht Abschlüsse" in decisions and "Measure outcomes, not completions" not in decisions
        )
        no_english(screen_text(app))
        await wait_for(pilot, lambda: app.screen.range is not None or bool(app.screen.range_error), 60)
        await pilot.press("e")
        path = saves / "debriefs" / f"{app.session.run_id}.md"
        await wait_for(pilot, lambda: path.exists() and path.with_suffix(".html").exists(), 30)
    md = path.read_text(encoding="utf-8")
    assert md.startswith("# Debriefing: ")
    for german in ("## Ergebnisprofil: ", "Rote Linie überschritten: ", "## Entscheidungen nach Führungspraxis"):
        assert german in md, german
    assert "## Verglichen mit dem, was möglich war" in md and "erwartete Punkte verschenkt. Die teuersten:" in md
    no_english(md)
    for english in ("Compared with what was possible", "Best reachable", "expected points in all"):
        assert english not in md, english
    page = path.with_suffix(".html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "Rote Linie überschritten: " in page and "Der Durchschnitt aus " in page
    assert "<h3>Ergebnisse messen, nicht Abschlüsse</h3>" in page and "Verglichen mit dem, was möglich war" in page
    no_english(page)
    for english in ("Measure outcomes, not completions", "Compared with what was possible", "Best reachable"):
        assert english not in page, english
