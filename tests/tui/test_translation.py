"""Translated scenarios (`simgame/translation-v1`): an overlay of text by id, checked and located."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from simgame.engine.run import Run
from simgame.format.loader import load_scenario
from simgame.i18n.overlay import check_file, is_translation_file, localise, translation_path
from tests.tui.support import SIZE, TINY, TINY_DE, home_ready, make_app, make_library, until_screen
from tests.tui.test_flows import text_of


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
    choices = ["scale-now", "keep-running"]
    en, de = Run.replay(scenario, 4, choices), Run.replay(german, 4, choices)
    assert (en.metrics, en.ending, en.scene_id) == (de.metrics, de.ending, de.scene_id)
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
    assert f"{target}:5:1: error: unknown key `author` (keys: format, of, lang, title, role, summary, briefing, " \
        "scenes, endings, metrics, objectives)" in said  # fmt: skip
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
