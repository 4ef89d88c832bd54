"""Translated scenarios (`simgame/translation-v1`): an overlay of text by id, checked and located."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from simgame.engine.run import Run
from simgame.engine.scoring import debrief
from simgame.format.loader import load_scenario
from simgame.i18n.overlay import check_file, is_translation_file, localise, theme_labels, translation_path
from tests.tui.support import (
    SIZE,
    TINY,
    TINY_DE,
    home_ready,
    make_app,
    make_library,
    screen_name,
    screen_text,
    until_screen,
    wait_for,
)
from tests.tui.test_flows import key_for, showing_consequence, text_of


def _pair(tmp_path: Path, text: str | None = None) -> tuple[Path, Path]:
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    target = tmp_path / "tiny.de.yaml"
    target.write_text(text if text is not None else TINY_DE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "tiny.yaml", target


def _edit(old: str, new: str) -> str:
    text = TINY_DE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_the_tiny_overlay_is_complete_and_changes_no_rule(tmp_path: Path) -> None:
    original, target = _pair(tmp_path)
    assert check_file(original, target) == []
    scenario = load_scenario(original)
    german, problems = localise(scenario, "de")
    assert problems == []
    assert german.content_hash == scenario.content_hash  # saves and outcome maps are the same run's
    assert german.title == "Das kleine Pilotprojekt" and german.scene("incident").title == "Vorfall"
    assert german.choices["celebrate"].model.locked == "Braucht einen Wert von mindestens 40"
    assert german.doc.endings["crisis"].title == "Krise" and german.doc.metrics["risk"].label == "Risiko"
    assert [p.label for p in german.doc.phases.values()] == ["Pilotphase", "Ausweitung", "Störfall"]
    assert german.doc.flags["owner"] == "Eine benannte verantwortliche Person darf das Modell abschalten"
    control = german.doc.debrief.dimensions["control"]
    assert control.label == "Risiko und Kontrolle" and control.adjust[0].points == 10
    assert control.adjust[0].why == "Eine benannte verantwortliche Person konnte das Modell abschalten"
    assert [b.label for b in german.doc.debrief.bands] == ["Stark", "Gemischt", "Schwach"]
    assert theme_labels(german, "de") == {"pilots-to-operations": "Vom Pilotprojekt in den Betrieb"}
    assert theme_labels(scenario, "en") == {"pilots-to-operations": "pilots to operations"}
    for choices in (["scale-now", "keep-running"], ["name-owner", "measure"]):
        en, de = Run.replay(scenario, 4, choices), Run.replay(german, 4, choices)
        assert (en.metrics, en.ending, en.scene_id) == (de.metrics, de.ending, de.scene_id)
        en_outcome, de_outcome = debrief(en).outcome, debrief(de).outcome
        assert (en_outcome.overall, en_outcome.band) == (de_outcome.overall, de_outcome.band)
        assert [(d.id, d.score) for d in en_outcome.dimensions] == [(d.id, d.score) for d in de_outcome.dimensions]
    assert localise(scenario, "en") == (scenario, [])


def test_an_extra_id_is_an_error_located_in_the_translation(tmp_path: Path) -> None:
    original, target = _pair(tmp_path, _edit("  incident:\n    title: Vorfall", "  incidnet:\n    title: Vorfall"))
    problems = check_file(original, target)
    errors = [p for p in problems if p.is_error]
    assert [e.render() for e in errors] == [
        f"{target}:39:3: error: the original has no scene `incidnet` (its scenes: incident, kickoff, rollout)"
    ]
    # ... and the scene it should have been is missing: a warning that says where the original has it
    assert any(p.severity == "warning" and "scene `incident` has no translation (original at tiny.yaml:" in p.message
               for p in problems)  # fmt: skip
    scenario = load_scenario(original)
    played, found = localise(scenario, "de")
    assert played is scenario and found == problems  # an error: the original is played, and why is kept


def test_a_missing_choice_or_text_is_a_warning_and_the_rest_is_used(tmp_path: Path) -> None:
    text = _edit("      keep-running:\n", "      # keep-running: not yet\n").replace(
        "        label: Weiterlaufen lassen und nachbessern\n        feedback: Die Nachbesserung dauert eine Woche.\n"
        "        debrief: Ein driftendes Modell weiterlaufen lassen.\n",
        "",
    )
    text = text.replace("    text: Die Aufsicht ruft an.\n", "")
    original, target = _pair(tmp_path, text)
    problems = check_file(original, target)
    assert all(p.severity == "warning" for p in problems)
    said = [p.render() for p in problems]
    assert any(
        s.startswith(f"{target}:42:5: warning: choice `keep-running` in scene `incident` has no translation")
        and "(original at tiny.yaml:" in s
        for s in said
    )
    assert any("ending `crisis`: `text` is not translated (original at tiny.yaml:" in s for s in said)
    german, _found = localise(load_scenario(original), "de")
    assert german.choices["keep-running"].model.label == "Keep it running and patch"  # stays as written
    assert german.choices["switch-off"].model.label == "Das Modell abschalten"


def test_wrong_header_and_non_text_fields_are_errors(tmp_path: Path) -> None:
    text = _edit("of: tiny\nlang: de\n", "of: other\nlang: fr\nauthor: me\n")
    text = text.replace("    title: Montag\n", "    title: [Montag]\n    next: rollout\n")
    original, target = _pair(tmp_path, text)
    said = [p.render() for p in check_file(original, target) if p.is_error]
    assert f"{target}:3:5: error: `of` must be the scenario's id `tiny` (it is 'other')" in said
    assert any(s.startswith(f"{target}:4:7: error: `lang` must be `de`") for s in said)
    keys = "format, of, lang, title, role, organisation, summary, briefing, stakeholders, phases, flags, themes, " \
        "scenes, endings, metrics, objectives, debrief"  # fmt: skip
    assert f"{target}:5:1: error: unknown key `author` (keys: {keys})" in said
    assert f"{target}:13:12: error: scene `kickoff`: `title` must be text" in said
    assert any(s.startswith(f"{target}:14:5: error: scene `kickoff` has no translatable text `next`") for s in said)


def test_translation_files_are_recognised_by_name() -> None:
    assert translation_path(Path("s/pilot-to-production.yaml"), "de") == Path("s/pilot-to-production.de.yaml")
    assert is_translation_file(Path("tiny.de.yaml")) and not is_translation_file(Path("tiny.yaml"))
    assert not is_translation_file(Path("my.scenario.yaml"))


def test_the_check_command(tmp_path: Path) -> None:
    original, target = _pair(tmp_path)
    ok = subprocess.run([sys.executable, "-m", "simgame.i18n", str(original)], capture_output=True, text=True)
    assert ok.returncode == 0 and "every text translated" in ok.stdout
    target.write_text(_edit("  crisis:\n", "  crises:\n"), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "simgame.i18n", str(original)], capture_output=True, text=True)
    assert bad.returncode == 1 and "error: the original has no ending `crises`" in bad.stdout


async def test_the_briefing_says_when_a_translation_is_incomplete(tmp_path: Path) -> None:
    library = make_library(tmp_path / "library", german=True)
    (library / "tiny.de.yaml").write_text(_edit("title: Das kleine Pilotprojekt\n", ""), encoding="utf-8")
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, lang="de")
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        note = " ".join(text_of(app, "#briefing-translation").split())
        assert "Teile dieses Szenarios sind noch nicht übersetzt" in note and "`title` is not translated" in note
        assert "Ihre Rolle" in text_of(app, "#briefing-text")


def test_a_wrong_id_in_phases_flags_themes_or_the_debrief_is_a_located_error(tmp_path: Path) -> None:
    text = _edit("  scaling: {label: Ausweitung}", "  scalling: {label: Ausweitung}")
    text = text.replace("  rushed: Ausgeweitet", "  rushd: Ausgeweitet").replace("  pilots-to-operations:", "  pilots:")
    text = text.replace("        owner: {why:", "        owners: {why:").replace(
        "    mixed: {label:", "    mxied: {label:"
    )
    text += "  red_lines:\n    no-owner: {why: Niemand konnte es abschalten.}\n"
    text += "stakeholders:\n  Priya Raman: {role: Leiterin}\n"
    original, target = _pair(tmp_path, text)
    problems = check_file(original, target)
    assert [p.render() for p in problems if p.is_error] == [
        f"{target}:93:3: error: the original has no stakeholder `Priya Raman` (its stakeholders: none)",
        f"{target}:74:3: error: the original has no phase `scalling` (its phases: incident, pilot, scaling)",
        f"{target}:78:3: error: the original has no flag `rushd` (its flags: owner, rushed)",
        f"{target}:71:3: error: the original has no theme `pilots` (its themes: pilots-to-operations)",
        f"{target}:85:9: error: the original has no adjustment `owners` in dimension `control` "
        "(its adjustments: owner)",
        f"{target}:88:5: error: the original has no band `mxied` (its bands: mixed, strong, weak)",
        f"{target}:91:5: error: the original has no red line `no-owner` (its red lines: none)",
    ]
    warned = [p.render() for p in problems if not p.is_error]
    assert f"{target}:72:1: warning: phase `scaling` has no translation (original at tiny.yaml:26:3)" in warned
    assert f"{target}:84:7: warning: adjustment `owner` in dimension `control` has no translation " \
        "(original at tiny.yaml:125:11)" in warned  # fmt: skip
    scenario = load_scenario(original)
    played, found = localise(scenario, "de")
    assert played is scenario and found == problems  # an error: the original is played, in English


def test_a_missing_phase_flag_band_or_reason_is_a_warning_and_the_rest_is_used(tmp_path: Path) -> None:
    text = _edit("  rushed: Ausgeweitet, bevor die Daten geprüft waren\n", "").replace(
        "    weak: {label: Schwach}\n", ""
    )
    text = text.replace(
        "      adjust:\n        owner: {why: Eine benannte verantwortliche Person konnte das Modell abschalten}\n", ""
    )
    text = text.replace("  incident: {label: Störfall}\n", "  incident: {}\n").replace(
        "themes:\n  pilots-to-operations: Vom Pilotprojekt in den Betrieb\n", ""
    )
    original, target = _pair(tmp_path, text)
    problems = check_file(original, target)
    assert [p.render() for p in problems] == [
        f"{target}:73:3: warning: phase `incident`: `label` is not translated (original at tiny.yaml:27:14)",
        f"{target}:74:1: warning: flag `rushed` has no translation (original at tiny.yaml:23:3)",
        f"{target}:2:1: warning: theme `pilots-to-operations` has no translation (original at tiny.yaml:13:10)",
        f"{target}:79:5: warning: adjustment `owner` in dimension `control` has no translation "
        "(original at tiny.yaml:125:11)",
        f"{target}:81:3: warning: band `weak` has no translation (original at tiny.yaml:129:7)",
    ]
    scenario = load_scenario(original)
    german, found = localise(scenario, "de")
    assert found == problems and german is not scenario
    assert [p.label for p in german.doc.phases.values()] == ["Pilotphase", "Ausweitung", "Incident"]
    assert german.doc.flags == {
        "owner": "Eine benannte verantwortliche Person darf das Modell abschalten",
        "rushed": "Scaled before checking the data",
    }
    assert [b.label for b in german.doc.debrief.bands] == ["Stark", "Gemischt", "Weak"]
    assert german.doc.debrief.dimensions["control"].adjust[0].why == "A named owner could switch the model off"
    assert theme_labels(german, "de") == {"pilots-to-operations": "pilots to operations"}


def test_rules_in_the_new_sections_are_not_translatable(tmp_path: Path) -> None:
    text = _edit("    strong: {label: Stark}", "    strong: {label: Stark, min: 80}")
    text = text.replace("  incident: {label: Störfall}", "  incident: {label: Störfall, kind: normal}")
    text = text.replace("  owner: Eine benannte", "  owner: [Eine benannte").replace(
        "Modell abschalten\n  rushed", "Modell]\n  rushed"
    )
    text = text.replace("        owner: {why: Eine", "        owner: {points: 5, why: Eine")
    text = text.replace("    value: {label: Wert}", "    value: {label: Wert, from: {value: 2}}")
    text += "  weights: {value: 3}\n"
    original, target = _pair(tmp_path, text)
    said = [p.render() for p in check_file(original, target) if p.is_error]
    assert said == [
        f"{target}:75:31: error: phase `incident` has no translatable text `kind` (texts: label, description)",
        f"{target}:77:10: error: flag `owner` must be text",
        f"{target}:90:3: error: unknown key `weights` in `debrief` (keys: dimensions, bands, red_lines)",
        f"{target}:81:26: error: dimension `value` has no translatable text `from` "
        "(texts: label, description; sections: adjust)",
        f"{target}:85:17: error: adjustment `owner` in dimension `control` has no translatable text `points` "
        "(texts: why)",
        f"{target}:87:28: error: band `strong` has no translatable text `min` (texts: label, text)",
    ]


# tiny with what it lacks (an organisation, a stakeholder, a red line), in English and German, for the screens
RICH = {
    "minutes: 3\n": "minutes: 3\norganisation: A small insurer in Leeds, 40 staff\nstakeholders:\n"
    "  - {name: Priya Raman, role: Head of Claims, wants: Fewer complaints by March}\n",
    "    - {id: weak, min: 0, label: Weak}\n": "    - {id: weak, min: 0, label: Weak}\n  red_lines:\n"
    "    - {id: kept-running, when: chose(keep-running), cap: weak, why: A drifting model kept deciding claims.}\n",
}
RICH_DE = (
    "  red_lines:\n    kept-running: {why: Ein driftendes Modell hat weiter über Schäden entschieden.}\n"
    "organisation: Ein kleiner Versicherer in Leeds, 40 Beschäftigte\nstakeholders:\n"
    "  Priya Raman: {role: Leiterin Schadenbearbeitung, wants: Weniger Beschwerden bis März}\n"
)
ENGLISH = ("A small insurer", "Head of Claims", "Fewer complaints", "Scaling", "Incident", "Pilot →", "Weak",
           "Risk and control", "A drifting model", "A named owner", "Scaled before")  # fmt: skip


def _rich_library(folder: Path) -> Path:
    library = make_library(folder, broken=False, german=True)
    english = (library / "tiny.yaml").read_text(encoding="utf-8")
    for old, new in RICH.items():
        assert old in english
        english = english.replace(old, new)
    (library / "tiny.yaml").write_text(english, encoding="utf-8")
    german = library / "tiny.de.yaml"
    german.write_text(german.read_text(encoding="utf-8") + RICH_DE, encoding="utf-8")
    assert check_file(library / "tiny.yaml", german) == []
    return library


def _no_english(text: str) -> None:
    found = [phrase for phrase in ENGLISH if phrase in text]
    assert not found, f"English scenario text in a German run: {found}"


async def _decide(pilot: Any, choice_id: str) -> str:
    """Press the number shown for ``choice_id``; returns the consequence panel's text, then presses Enter past it."""
    app = pilot.app
    await pilot.press(key_for(app, choice_id))
    await wait_for(pilot, lambda: showing_consequence(app))
    said = " ".join(text_of(app, "#consequence-text").split())
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen" or not app.screen.showing_consequence)
    return said


async def test_organisation_stakeholders_phases_flags_and_red_lines_show_in_german(tmp_path: Path) -> None:
    library = _rich_library(tmp_path / "library")
    scenario = load_scenario(library / "tiny.yaml")
    seed = next(s for s in range(50) if Run.replay(scenario, s, ["scale-now"]).scene_id == "incident")
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=seed, lang="de")
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        briefing = text_of(app, "#briefing-text")
        assert "Ein kleiner Versicherer in Leeds, 40 Beschäftigte" in briefing
        assert (
            "• Priya Raman, Leiterin Schadenbearbeitung" in briefing
            and "Will: Weniger Beschwerden bis März" in briefing
        )
        assert "Pilotphase → Ausweitung. Es kann auch etwas schiefgehen: Störfall." in briefing
        assert "Ein kleiner Versicherer in Leeds" in screen_text(app)  # on the first screen, not only further down
        _no_english(briefing)
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert "Pilotphase" in text_of(app, "#play-top") and "Pilotphase" in screen_text(app)
        said = await _decide(pilot, "scale-now")
        assert "Als Nächstes: Vorfall (Störfall)." in said
        _no_english(said)
        assert "Störfall" in text_of(app, "#play-top")
        await _decide(pilot, "keep-running")
        await until_screen(pilot, "DebriefScreen")
        outcome = " ".join(text_of(app, "#outcome-text").split())
        assert "Stufe: Schwach" in outcome and "Risiko und Kontrolle" in outcome and "Wert " in outcome
        assert "Rote Linie überschritten: Ein driftendes Modell hat weiter über Schäden entschieden. " in outcome
        assert "höchstens „Schwach“" in outcome
        assert "„Eine benannte verantwortliche Person darf das Modell abschalten“ traf am Ende nicht zu" in outcome
        assert "(Schwach)" in screen_text(app)  # the debrief's title line
        _no_english(outcome)
        _no_english(screen_text(app))


async def test_a_dimensions_reason_shows_in_german_in_the_debrief(tmp_path: Path) -> None:
    library = make_library(tmp_path / "library", broken=False, german=True)
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=1, lang="de")
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        await _decide(pilot, "name-owner")
        assert "Ausweitung" in text_of(app, "#play-top")
        await _decide(pilot, "measure")
        await until_screen(pilot, "DebriefScreen")
        outcome = " ".join(text_of(app, "#outcome-text").split())
        assert "Plus 10 Punkte: Eine benannte verantwortliche Person konnte das Modell abschalten." in outcome
        german, _problems = localise(load_scenario(library / "tiny.yaml"), "de")
        band = debrief(Run.replay(german, 1, ["name-owner", "measure"])).outcome.band_label
        assert band in ("Stark", "Gemischt", "Schwach") and f"Stufe: {band}" in outcome
        _no_english(outcome)


def test_theme_names_come_only_from_a_translation_in_use(tmp_path: Path) -> None:
    original, target = _pair(tmp_path)
    scenario = load_scenario(original)
    german, _problems = localise(scenario, "de")
    assert german is not scenario and theme_labels(scenario, "de") == {
        "pilots-to-operations": "Vom Pilotprojekt in den Betrieb"
    }
    target.write_text(_edit("  crisis:\n", "  crises:\n"), encoding="utf-8")  # now it has an error: not used
    played, problems = localise(scenario, "de")
    assert played is scenario and any(p.is_error for p in problems)
    assert theme_labels(scenario, "de") == {"pilots-to-operations": "pilots to operations"}


def test_the_briefings_journey_is_all_german_without_a_failure_phase(tmp_path: Path) -> None:
    from simgame.i18n import set_language
    from simgame.tui.screens.briefing import briefing_text

    original, _target = _pair(tmp_path)
    original.write_text(original.read_text(encoding="utf-8").replace(", kind: failure}", "}"), encoding="utf-8")
    german, problems = localise(load_scenario(original), "de")
    assert problems == []
    set_language("de")  # tests/tui/conftest.py sets English again afterwards
    said = briefing_text(german).plain
    assert "Pilotphase → Ausweitung → Störfall. Es kann auch etwas schiefgehen: keine." in said
