"""Every UI string goes through gettext, the catalogues match the code, and German is complete.

The catalogue checks extract the strings with Babel exactly as ``babel.cfg`` says (the command is in
``simgame/i18n/__init__.py``): a string the code shows that the German catalogue lacks, a catalogue
entry the code no longer uses, an empty or fuzzy translation, a translation whose ``{placeholders}``
differ from the English, and a compiled ``.mo`` that is not the ``.po`` compiled, all fail here.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from simgame.i18n import LANGUAGES, LOCALE_DIR, N_, _, in_english, language, ngettext, set_language
from simgame.settings import LANGS, load_settings
from tests.tui.support import SIZE, home_ready, make_app, make_library, screen_text, until_screen, wait_for
from tests.tui.test_flows import key_for, showing_consequence, text_of

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_]\w*)")


def _method_map() -> list[tuple[str, str]]:
    """The ``[python: …]`` sections of babel.cfg, as Babel's method map."""
    text = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    return [(pattern, method) for method, pattern in re.findall(r"^\[(\w+):\s*(.+?)\]\s*$", text, re.M)]


def extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), _method_map(), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _ids(catalog: object) -> set[str | tuple[str, str]]:
    return {m.id if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in catalog if m.id}  # type: ignore[attr-defined]


def _po(lang: str) -> object:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "simgame.po", "rb") as f:
        return read_po(f, locale=lang)


def test_babel_cfg_extracts_the_ui_modules() -> None:
    assert ("simgame/tui/**.py", "python") in _method_map()
    assert ("simgame/engine/**.py", "python") in _method_map()  # lock causes, "Based on …", save problems
    assert ("simgame/authoring/run_report.py", "python") in _method_map()  # the Markdown debrief
    assert len(extracted()) > 300


def test_the_template_and_every_catalogue_match_the_code() -> None:
    code = extracted()
    with open(LOCALE_DIR / "simgame.pot", "rb") as f:
        template = _ids(read_po(f))
    assert not code - template, f"not in simgame.pot (run pybabel extract): {sorted(map(str, code - template))[:10]}"
    assert not template - code, f"stale in simgame.pot: {sorted(map(str, template - code))[:10]}"
    for lang in LANGUAGES[1:]:
        ids = _ids(_po(lang))
        missing, stale = code - ids, ids - code
        assert not missing, f"{lang}: UI strings missing from the catalogue: {sorted(map(str, missing))[:10]}"
        assert not stale, f"{lang}: catalogue entries the code no longer uses: {sorted(map(str, stale))[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_translation_is_there_with_the_same_placeholders(lang: str) -> None:
    for m in _po(lang):  # type: ignore[attr-defined]
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(s.strip() for s in strings) and not m.fuzzy, f"{lang}: untranslated or fuzzy: {m.id!r}"
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == set(PLACEHOLDER.findall(ids[0])), f"{lang}: placeholders of {m.id!r}"
            assert s.count("[b]") == ids[0].count("[b]"), f"{lang}: markup of {m.id!r}"


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_the_compiled_catalogue_is_the_po_compiled(lang: str) -> None:
    out = io.BytesIO()
    write_mo(out, _po(lang))  # type: ignore[arg-type]
    committed = (LOCALE_DIR / lang / "LC_MESSAGES" / "simgame.mo").read_bytes()
    assert committed == out.getvalue(), f"{lang}: simgame.mo is stale: run pybabel compile -d {LOCALE_DIR} -D simgame"


# Calls whose string arguments the player reads: a plain literal there must be wrapped in _() or N_().
SHOWN = {"Static", "Option", "TabPane", "Text", "notify", "show_problem", "append", "update", "Command"}
SHOWN |= {"ConfirmScreen"}


def _unwrapped(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        args: list[ast.expr] = []
        if name in SHOWN:
            args = list(node.args[:1])
        if name == "Binding":
            args = list(node.args[2:3])
        args += [k.value for k in node.keywords if k.arg in ("tooltip", "placeholder")]
        for arg in args:
            literal = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            if isinstance(arg, ast.JoinedStr):
                literal = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
            words = re.sub(r"<[^>]*>", "", literal or "")  # HTML tags are not words
            if literal is not None and re.search(r"[A-Za-z]{3}", words):
                found.append(f"{path.relative_to(ROOT)}:{arg.lineno}: {literal[:50]!r}")
    return found


def test_no_ui_string_bypasses_gettext() -> None:
    files = sorted((ROOT / "simgame" / "tui").rglob("*.py"))
    problems = [p for f in files for p in _unwrapped(f)]
    assert not problems, "UI strings not wrapped in _() or N_():\n" + "\n".join(problems)


def test_the_unwrapped_check_sees_a_bare_string(tmp_path: Path) -> None:
    bad = ROOT / "simgame" / "tui" / "__bad_for_test.py"
    try:
        bad.write_text('from textual.widgets import Static\nx = Static("Hello there")\n', encoding="utf-8")
        assert _unwrapped(bad) == ["simgame/tui/__bad_for_test.py:2: 'Hello there'"]
    finally:
        bad.unlink()


async def test_in_english_holds_only_inside_its_block_and_task() -> None:
    import asyncio

    set_language("de")
    seen: list[str] = []

    async def elsewhere() -> None:
        await asyncio.sleep(0.01)
        seen.append(_("Outcome"))

    other = asyncio.ensure_future(elsewhere())  # a task started outside the block keeps the player's language
    with in_english():
        assert _("Outcome") == "Outcome" and ngettext("{count} choice", "{count} choices", 2) == "{count} choices"
        await other
    assert seen == ["Ergebnis"] and _("Outcome") == "Ergebnis" and language() == "de"


def test_languages_and_settings_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert LANGS == LANGUAGES
    config = tmp_path / "config.toml"
    config.write_text('lang = "de"\n', encoding="utf-8")
    assert load_settings(config).lang == "de"
    assert load_settings(config, lang="en").lang == "en"  # --lang wins over the file
    monkeypatch.setenv("SIMGAME_LANG", "en")
    assert load_settings(config).lang == "en"  # the environment too


def test_set_language_and_plural_forms() -> None:
    assert set_language("de_AT") == "de" and language() == "de"
    assert _("Outcome") == "Ergebnis" and _("") == ""
    assert N_("Outcome") == "Outcome"  # marked, translated where shown
    assert ngettext("{count} choice", "{count} choices", 1) == "{count} Entscheidung"
    assert ngettext("{count} choice", "{count} choices", 2) == "{count} Entscheidungen"
    assert set_language("fr") == "en" and _("Outcome") == "Outcome"


def test_play_accepts_lang() -> None:
    import argparse

    from simgame.cli import play

    parser = argparse.ArgumentParser()
    play.register(parser.add_subparsers())
    assert parser.parse_args(["play", "tiny", "--lang", "de"]).lang == "de"
    with pytest.raises(SystemExit):
        parser.parse_args(["play", "tiny", "--lang", "xx"])


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_the_game_in_german_with_the_scenario_overlay(tmp_path: Path, size: tuple[int, int]) -> None:
    library = make_library(tmp_path / "library", german=True)
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=1, lang="de")
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        home = screen_text(app)
        assert "Szenarien" in home and "Das kleine Pilotprojekt" in home and "Eingabetaste für das Briefing." in home
        assert "tiny.de" not in home and "half-written" in home  # a translation is never listed as a scenario
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        briefing = text_of(app, "#briefing-text")
        assert "Ihre Rolle" in briefing and "Leitung Betrieb bei einem kleinen Versicherer" in briefing
        assert text_of(app, "#briefing-translation").strip() == ""  # complete: nothing to warn about
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        assert "Montag" in text_of(app, "#scene-title")
        shown = screen_text(app)
        assert "Sofort in allen Regionen ausrollen" in shown and "Wählen" in shown
        await pilot.press(key_for(app, "name-owner"))
        await wait_for(pilot, lambda: showing_consequence(app))
        shown = screen_text(app)
        assert "Priya übernimmt die Rolle." in shown and "Wie sich die Zahlen bewegt haben" in shown
        assert "besser" in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: not showing_consequence(app))
        await pilot.press(key_for(app, "measure"))
        await wait_for(pilot, lambda: showing_consequence(app))
        await pilot.press("enter")
        await until_screen(pilot, "DebriefScreen")
        outcome = text_of(app, "#outcome-text")
        assert "Ende: Durchwursteln" in outcome and "Ergebnisprofil" in outcome and "[erreicht]" in outcome
        await pilot.press("m")
        metrics = " ".join(text_of(app, "#metrics-text").split())
        assert "Realisierter Wert begann bei 30." in metrics and "besser" in metrics
        assert app.session is not None and app.session.run.scenario.content_hash  # same run, same hash


async def test_english_ignores_the_german_overlay(tmp_path: Path) -> None:
    library = make_library(tmp_path / "library", german=True)
    saves = tmp_path / "saves"
    saves.mkdir()
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        assert "Operations lead at a small insurer" in text_of(app, "#briefing-text")


async def test_the_palette_offers_the_other_language_and_keeps_it(library: Path, saves: Path) -> None:
    from simgame.tui.commands import screen_commands

    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)

        class Probe:  # what screen_commands reads of a palette provider
            screen, app = pilot.app.screen, pilot.app

        names = [c.name for c in screen_commands(Probe())]  # type: ignore[arg-type]
        assert "Language: Deutsch" in names and "Language: English" not in names
        await app.run_action("app.use_language('de')")
        assert load_settings().lang == "de"  # the config file keeps it for the next start
        assert language() == "en"  # the screens stay as they are until then
