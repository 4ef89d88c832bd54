"""Shipped translations (`scenarios/NAME.LANG.yaml`): complete, faithful in form, and the same game.

A translation overlays the original's text by id (simgame/i18n/overlay.py; docs/format-v1.md,
"Translations"). What a buyer reading one relies on, checked for every translation shipped:
every text id of the original is covered and none is extra; each text keeps its conditional
tags, placeholders and numbers; the options are no easier to tell apart by their wording than
the original's; and a play reaches the same ending with the same score in either language.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simgame.analysis import balance
from simgame.analysis.outcomes.cache import ensure_map
from simgame.analysis.outcomes.mapfile import OutcomeMap
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from simgame.format.loader import bundled_dir, load_scenario
from simgame.format.yamlsource import load_yaml_file
from simgame.i18n.overlay import (
    ADJUST_FIELDS,
    BAND_FIELDS,
    CHOICE_FIELDS,
    DIMENSION_FIELDS,
    ENDING_FIELDS,
    EVENT_FIELDS,
    METRIC_FIELDS,
    OBJECTIVE_FIELDS,
    PHASE_FIELDS,
    RED_LINE_FIELDS,
    SCENE_FIELDS,
    STAKEHOLDER_FIELDS,
    TOP_TEXTS,
    check_file,
    is_translation_file,
    localise,
    theme_labels,
)
from simgame.settings import load_settings

TRANSLATIONS = sorted(p for p in bundled_dir().glob("*.yaml") if is_translation_file(p))
IDS = [p.name for p in TRANSLATIONS]
SEEDS = range(6)
POLICIES = ("random", "first", "last", "cautious", "aggressive")  # habits that do not read the labels

TAG = re.compile(r"\{(?:if|elif)\s[^{}]*\}|\{else\}|\{/if\}")
PLACEHOLDER = re.compile(r"\{(?!(?:if|elif)\s|else\}|/if\})[^{}]*\}")


def _en_numbers(text: str) -> Counter[str]:
    """Numbers as English writes them: 14,200 and 3.8."""
    return Counter(re.findall(r"\d+(?:\.\d+)?", re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)))


def _de_numbers(text: str) -> Counter[str]:
    """Numbers as German writes them: 14.200 and 3,8 (section numbers such as MANAGE 2.4 stay as written)."""
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    return Counter(re.findall(r"\d+(?:\.\d+)?", re.sub(r"(?<=\d),(?=\d)", ".", text)))


NUMBERS: dict[str, Callable[[str], Counter[str]]] = {"de": _de_numbers}


def _original_of(path: Path) -> Path:
    return path.with_name(f"{Path(path.stem).stem}.yaml")


def _lang(path: Path) -> str:
    return Path(path.stem).suffix[1:]


def _by_id(items: Any, key: str = "id") -> dict[str, dict[str, Any]]:
    if isinstance(items, dict):
        return {str(k): v for k, v in items.items()}
    return {str(v[key]): v for v in items or []}


def _pairs(original: dict[str, Any], data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Every translated text with the original it stands for: (where, original, translation).

    An id or field the original lacks is skipped here: the id test reports it, located.
    """

    def fields(where: str, orig: Any, given: Any, names: tuple[str, ...]) -> Iterator[Any]:
        for name in names:
            if isinstance(orig, dict) and isinstance(given, dict) and name in given and name in orig:
                yield f"{where}.{name}", orig[name], given[name]

    yield from fields("scenario", original, data, TOP_TEXTS)
    scenes = _by_id(original["scenes"])
    for sid, entry in (data.get("scenes") or {}).items():
        yield from fields(f"scene {sid}", scenes.get(sid), entry, SCENE_FIELDS)
        nested: tuple[tuple[str, tuple[str, ...]], ...] = (("choices", CHOICE_FIELDS), ("events", EVENT_FIELDS))
        for sub, names in nested:
            items = _by_id(scenes.get(sid, {}).get(sub))
            for iid, item in (entry.get(sub) or {}).items():
                yield from fields(f"scene {sid} {sub[:-1]} {iid}", items.get(iid), item, names)
    debrief, given = original["debrief"], data.get("debrief") or {}
    sections: tuple[tuple[str, Any, Any, tuple[str, ...], str], ...] = (
        ("stakeholder", original.get("stakeholders"), data.get("stakeholders"), STAKEHOLDER_FIELDS, "name"),
        ("phase", original["phases"], data.get("phases"), PHASE_FIELDS, "id"),
        ("ending", original["endings"], data.get("endings"), ENDING_FIELDS, "id"),
        ("metric", original["metrics"], data.get("metrics"), METRIC_FIELDS, "id"),
        ("objective", original.get("objectives"), data.get("objectives"), OBJECTIVE_FIELDS, "id"),
        ("dimension", debrief["dimensions"], given.get("dimensions"), DIMENSION_FIELDS, "id"),
        ("band", debrief["bands"], given.get("bands"), BAND_FIELDS, "id"),
        ("red line", debrief.get("red_lines"), given.get("red_lines"), RED_LINE_FIELDS, "id"),
    )
    for kind, originals, translated, fields_of, key in sections:
        items = _by_id(originals, key)
        for iid, item in (translated or {}).items():
            yield from fields(f"{kind} {iid}", items.get(iid), item, fields_of)
    for did, entry in (given.get("dimensions") or {}).items():
        adjust = _by_id(debrief["dimensions"].get(did, {}).get("adjust"), "when")
        for when, item in (entry.get("adjust") or {}).items():
            yield from fields(f"dimension {did} adjustment `{when}`", adjust.get(when), item, ADJUST_FIELDS)
    flags = original.get("flags") or {}
    for fid, text in (data.get("flags") or {}).items():
        if fid in flags:
            yield f"flag {fid}", flags[fid], text
    for slug, label in (data.get("themes") or {}).items():
        if slug in (original.get("themes") or []):
            yield f"theme {slug}", slug.replace("-", " "), label


def _texts(path: Path) -> list[tuple[str, str, str]]:
    original, _ = load_yaml_file(_original_of(path))
    data, _ = load_yaml_file(path)
    return list(_pairs(original, data))


def _both(path: Path) -> tuple[Scenario, Scenario]:
    english = load_scenario(_original_of(path))
    translated, problems = localise(english, _lang(path))
    assert problems == [], [p.render() for p in problems]
    assert translated is not english, f"{path.name} was not used"
    return english, translated


def test_the_shipped_scenario_set_in_germany_has_a_german_translation() -> None:
    assert "responsible-ai-at-work.de.yaml" in IDS
    for path in TRANSLATIONS:
        assert _original_of(path).is_file(), f"{path.name} has no original beside it"
        assert _lang(path) in NUMBERS, f"{path.name}: add how {_lang(path)} writes numbers to NUMBERS"


@pytest.mark.parametrize("path", TRANSLATIONS, ids=IDS)
def test_every_text_id_is_translated_and_none_is_extra(path: Path) -> None:
    problems = check_file(_original_of(path), path)
    assert problems == [], "\n".join(p.render() for p in problems)


@pytest.mark.parametrize("path", TRANSLATIONS, ids=IDS)
def test_each_text_keeps_its_tags_placeholders_and_numbers(path: Path) -> None:
    numbers = NUMBERS[_lang(path)]
    pairs = _texts(path)
    assert len(pairs) > 100  # the walk reaches every section, not only the scenario's title
    walked = {where.split(" ")[0] for where, _en, _tr in pairs}
    assert {"stakeholder", "phase", "flag", "theme", "dimension", "band"} <= walked
    wrong = []
    for where, english, translated in pairs:
        if TAG.findall(english) != TAG.findall(translated):
            wrong.append(f"{where}: conditional tags {TAG.findall(english)} became {TAG.findall(translated)}")
        if Counter(PLACEHOLDER.findall(english)) != Counter(PLACEHOLDER.findall(translated)):
            wrong.append(
                f"{where}: placeholders {PLACEHOLDER.findall(english)} became {PLACEHOLDER.findall(translated)}"
            )
        lost, added = _en_numbers(english) - numbers(translated), numbers(translated) - _en_numbers(english)
        if lost or added:
            wrong.append(f"{where}: numbers lost {sorted(lost)}, numbers added {sorted(added)}")
        if " ".join(english.split()) == " ".join(translated.split()):
            wrong.append(f"{where}: still the original's words")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("path", TRANSLATIONS, ids=IDS)
def test_a_play_is_the_same_run_in_either_language(path: Path) -> None:
    english, translated = _both(path)
    assert translated.content_hash == english.content_hash  # saves and outcome maps are shared
    endings = set()
    for policy in POLICIES:
        for seed in SEEDS:
            en, de = balance.play(english, policy, seed), balance.play(translated, policy, seed)
            assert en is not None and de is not None, f"{policy} seed {seed} did not reach an ending"
            (en_outcome, en_choices), (de_outcome, de_choices) = en, de
            assert de_choices == en_choices, f"{policy} seed {seed}"
            assert (de_outcome.overall, de_outcome.band) == (en_outcome.overall, en_outcome.band)
            en_run, de_run = Run.replay(english, seed, en_choices), Run.replay(translated, seed, de_choices)
            assert de_run.ending == en_run.ending is not None and de_run.metrics == en_run.metrics
            endings.add(en_run.ending)
    assert len(endings) > 1  # the plays cover more than one ending


@pytest.mark.parametrize("path", TRANSLATIONS, ids=IDS)
def test_the_translated_options_give_nothing_away_the_original_does_not(path: Path) -> None:
    """The balance checks (SG70x), which read label lengths, find no tell in translation that the original lacks."""
    english, translated = _both(path)
    found = ensure_map(load_settings().maps_dir, english)
    outcomes = found if isinstance(found, OutcomeMap) else None
    en = balance.findings(english, outcomes, name=english.id)
    de = balance.findings(translated, outcomes, name=path.name)
    new = Counter(d.code for d in de) - Counter(d.code for d in en)
    assert not new, "\n".join(d.message for d in de if d.code in new)


@pytest.mark.parametrize("path", TRANSLATIONS, ids=IDS)
def test_the_translated_scenario_carries_every_display_text_it_overlays(path: Path) -> None:
    """What the briefing, top bar and debrief read is the translation's, not the original's, and no rule moved."""
    english, translated = _both(path)
    data, _ = load_yaml_file(path)
    en, tr = english.doc, translated.doc
    assert tr.organisation == data["organisation"] != en.organisation
    for person in tr.stakeholders:
        assert (person.role, person.wants) == tuple(data["stakeholders"][person.name][f] for f in STAKEHOLDER_FIELDS)
    assert [s.name for s in tr.stakeholders] == [s.name for s in en.stakeholders]
    assert {pid: p.label for pid, p in tr.phases.items()} == {k: v["label"] for k, v in data["phases"].items()}
    assert [(p.kind, p.label != en.phases[pid].label) for pid, p in tr.phases.items()] == [
        (p.kind, True) for p in en.phases.values()
    ]
    assert tr.flags == data["flags"] and tr.flags.keys() == en.flags.keys()
    assert theme_labels(translated, _lang(path)) == data["themes"]
    assert theme_labels(english, "en") == {t: t.replace("-", " ") for t in en.themes}
    given = data["debrief"]
    for did, dim in tr.debrief.dimensions.items():
        assert dim.label == given["dimensions"][did]["label"] and dim.from_ == en.debrief.dimensions[did].from_
        whys = {a.when: a.why for a in dim.adjust}
        assert whys == {w: e["why"] for w, e in given["dimensions"][did]["adjust"].items()}
        assert [(a.when, a.points) for a in dim.adjust] == [
            (a.when, a.points) for a in en.debrief.dimensions[did].adjust
        ]
    assert [(b.id, b.min, b.label) for b in tr.debrief.bands] == [
        (b.id, b.min, given["bands"][b.id]["label"]) for b in en.debrief.bands
    ]
    assert [(r.id, r.cap, r.ceiling, r.why) for r in translated.red_lines] == [
        (r.id, r.cap, r.ceiling, given["red_lines"][r.id]["why"]) for r in english.red_lines
    ]
