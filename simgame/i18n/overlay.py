"""Translated scenarios: a ``NAME.LANG.yaml`` file beside ``NAME.yaml`` overlays its text by id.

A translation holds text only, keyed by the original's stable ids (docs/format-v1.md, "Translations")::

    format: simgame/translation-v1
    of: tiny                 # the scenario's id
    lang: de
    title: Das kleine Pilotprojekt
    scenes:
      kickoff:
        title: Montag
        text: Das Pilotprojekt funktioniert.
        choices:
          scale-now: {label: Sofort überall ausrollen, feedback: …, debrief: …}
        events:
          drift: {text: …}
    endings:
      crisis: {title: Krise, text: …, debrief: …}

Besides scenes and endings: the organisation, stakeholders (by name), phases, flags, themes (names
for the slugs), metrics, objectives, and the debrief's dimensions, their adjustments (by `when`),
bands and red lines; every text a player reads, and nothing else.

It changes no rule: the translated scenario keeps the original's content hash, so saves, outcome
maps and cohort events are the same whichever language a player reads. An id the original does not
have, a field that is not text, or a wrong ``of``/``lang`` is an error (the original is played, and
the player is told why); an original text with no translation is a warning (that text stays in the
original language). Every problem is located: the translation's file, line and column, and for a
missing text also where the original has it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simgame.i18n import LANGUAGES

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario
    from simgame.format.yamlsource import SourceMap

FORMAT = "simgame/translation-v1"
TOP_TEXTS = ("title", "role", "organisation", "summary", "briefing")
# each section's entries: the fields a translation may give (other fields are rules, or ids)
SCENE_FIELDS = ("title", "text")
CHOICE_FIELDS = ("label", "feedback", "debrief", "locked")
EVENT_FIELDS = ("text",)
ENDING_FIELDS = ("title", "text", "debrief")
METRIC_FIELDS = ("label", "description")
OBJECTIVE_FIELDS = ("text",)
STAKEHOLDER_FIELDS = ("role", "wants")  # keyed by the person's name, which stays as written
PHASE_FIELDS = ("label", "description")
DIMENSION_FIELDS = ("label", "description")
ADJUST_FIELDS = ("why",)  # keyed by the adjustment's `when`, as the original writes it
BAND_FIELDS = ("label", "text")
RED_LINE_FIELDS = ("why",)
NESTED = ("choices", "events")  # sections inside a scene's entry
SECTIONS = ("stakeholders", "phases", "flags", "themes", "scenes", "endings", "metrics", "objectives", "debrief")
DEBRIEF_SECTIONS = ("dimensions", "bands", "red_lines")
# Sections whose entries sit directly in the original's data: (key, fields, what one entry is, its id field).
FLAT: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("stakeholders", STAKEHOLDER_FIELDS, "stakeholder", "name"),
    ("phases", PHASE_FIELDS, "phase", "id"),
    ("endings", ENDING_FIELDS, "ending", "id"),
    ("metrics", METRIC_FIELDS, "metric", "id"),
    ("objectives", OBJECTIVE_FIELDS, "objective", "id"),
)
_THEMES: dict[tuple[str, str, str], dict[str, str]] = {}  # (file, content hash, lang) -> slug -> label


@dataclass(frozen=True)
class Problem:
    """One located problem of a translation file."""

    file: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


def translation_path(scenario_path: Path, lang: str) -> Path:
    """Where ``scenario_path``'s translation into ``lang`` lives: ``NAME.LANG.yaml`` beside it."""
    return scenario_path.with_name(f"{scenario_path.stem}.{lang}.yaml")


def is_translation_file(path: Path) -> bool:
    """``NAME.LANG.yaml`` for a language the game speaks: a translation, never a scenario of its own."""
    from simgame.format.loader import is_translation

    return is_translation(path)


def original_of(translation: Path) -> Path:
    """The scenario file ``NAME.LANG.yaml`` translates: ``NAME.yaml`` beside it."""
    return translation.with_name(Path(translation.stem).stem + ".yaml")


Originals = dict[str, tuple[tuple[Any, ...], Any]]  # id -> (its path in the original, its entry)


class _Checker:
    def __init__(self, smap: SourceMap, osmap: SourceMap) -> None:
        self.smap, self.osmap = smap, osmap
        self.problems: list[Problem] = []

    def at(self, path: tuple[Any, ...], severity: str, message: str, key: bool = True) -> None:
        line, col = self.smap.locate(path, key=key)
        self.problems.append(Problem(self.smap.file, line, col, severity, message))

    def where(self, path: tuple[Any, ...]) -> str:
        line, col = self.osmap.locate(path, key=True)
        return f"{Path(self.osmap.file).name}:{line}:{col}"

    def fields(
        self,
        given: Any,
        path: tuple[Any, ...],
        opath: tuple[Any, ...],
        orig: dict[str, Any],
        allowed: tuple[str, ...],
        what: str,
        nested: tuple[str, ...] = (),
        warn: bool = True,
    ) -> None:
        """Check one entry's text fields against the original's entry ``orig`` (found at ``opath``)."""
        if not isinstance(given, dict):
            self.at(path, "error", f"{what} must be a mapping of its texts ({', '.join(allowed)})", key=False)
            return
        for name, value in given.items():
            if name in nested:  # a scene's choices, a dimension's adjustments: checked as sections
                continue
            if name not in allowed:
                texts = ", ".join(allowed) + (f"; sections: {', '.join(nested)}" if nested else "")
                self.at((*path, name), "error", f"{what} has no translatable text `{name}` (texts: {texts})")
            elif not isinstance(value, str) or not value.strip():
                self.at((*path, name), "error", f"{what}: `{name}` must be text", key=False)
            elif not orig.get(name):
                self.at((*path, name), "error", f"{what} has no `{name}` in the original to translate")
        for name in allowed if warn else ():
            if orig.get(name) and name not in given:
                self.at(
                    path, "warning", f"{what}: `{name}` is not translated (original at {self.where((*opath, name))})"
                )

    def _ids(self, path: tuple[Any, ...], given: Any, originals: Originals, kind: str, where: str) -> dict[str, Any]:
        """Report missing and unknown ids of a section; the given entries whose id the original has."""
        given = given if given is not None else {}
        if not isinstance(given, dict):
            keyed = {"stakeholder": "name", "adjustment": "condition (`when`)"}.get(kind, "id")
            self.at(path, "error", f"`{path[-1]}` must be a mapping from each {kind}'s {keyed} to its texts", False)
            return {}
        for oid, (opath, _orig) in originals.items():
            if oid not in given:
                self.at(path, "warning", f"{kind} `{oid}`{where} has no translation (original at {self.where(opath)})")
        usable: dict[str, Any] = {}
        for tid, entry in given.items():
            if str(tid) not in originals:
                known = ", ".join(sorted(originals)) or "none"
                self.at((*path, tid), "error", f"the original has no {kind} `{tid}`{where} (its {kind}s: {known})")
            else:
                usable[str(tid)] = entry
        return usable

    def section(
        self,
        path: tuple[Any, ...],
        given: Any,
        originals: Originals,
        allowed: tuple[str, ...],
        kind: str,
        parent: str = "",
        nested: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Check a mapping of ids to texts; returns the entries that can be used, by id."""
        where = f" in {parent}" if parent else ""
        usable = self._ids(path, given, originals, kind, where)
        for tid, entry in usable.items():
            opath, orig = originals[tid]
            self.fields(entry, (*path, tid), opath, orig, allowed, f"{kind} `{tid}`{where}", nested)
        return usable

    def labels(self, path: tuple[Any, ...], given: Any, originals: Originals, kind: str) -> None:
        """Check a mapping of ids straight to text (flags, themes): the original's form ``id: text``."""
        for tid, value in self._ids(path, given, originals, kind, "").items():
            if not isinstance(value, str) or not value.strip():
                self.at((*path, tid), "error", f"{kind} `{tid}` must be text", key=False)


def _by_id(items: Any, base: tuple[Any, ...], key: str = "id") -> Originals:
    if isinstance(items, dict):
        return {str(k): ((*base, k), v) for k, v in items.items() if isinstance(v, dict)}
    if isinstance(items, list):
        return {str(v[key]): ((*base, i), v) for i, v in enumerate(items) if isinstance(v, dict) and key in v}
    return {}


def _labels_of(items: Any, base: tuple[Any, ...]) -> Originals:
    """Flags (``id: text``) or themes (a list of slugs) of the original, by id."""
    if isinstance(items, dict):
        return {str(k): ((*base, k), v) for k, v in items.items()}
    if isinstance(items, list):
        return {str(v): ((*base, i), v) for i, v in enumerate(items)}
    return {}


def _mapping(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def check(
    data: Any, smap: SourceMap, original: dict[str, Any], osmap: SourceMap, lang: str | None = None
) -> list[Problem]:
    """Every problem of the translation ``data`` against the original scenario's data, located."""
    c = _Checker(smap, osmap)
    if not isinstance(data, dict):
        c.at((), "error", f"a translation is a mapping that starts with `format: {FORMAT}`", key=False)
        return c.problems
    _header(c, data, original, lang)
    c.fields({k: v for k, v in data.items() if k in TOP_TEXTS}, (), (), original, TOP_TEXTS, "the scenario", warn=False)
    for name in TOP_TEXTS:
        if original.get(name) and name not in data:
            c.at((), "warning", f"`{name}` is not translated (original at {c.where((name,))})", key=False)
    scenes = c.section(
        ("scenes",), data.get("scenes"), _by_id(original.get("scenes"), ("scenes",)), SCENE_FIELDS, "scene", "", NESTED
    )
    for sid, entry in scenes.items():
        oscene = original["scenes"][sid]
        if not isinstance(entry, dict):
            continue
        for sub, fields, kind in (("choices", CHOICE_FIELDS, "choice"), ("events", EVENT_FIELDS, "event")):
            if sub == "choices" or oscene.get(sub) or entry.get(sub):
                opath = ("scenes", sid, sub)
                c.section(opath, entry.get(sub), _by_id(oscene.get(sub), opath), fields, kind, f"scene `{sid}`")
    for key, texts, kind, id_field in FLAT:
        if original.get(key) or data.get(key):
            c.section((key,), data.get(key), _by_id(original.get(key), (key,), id_field), texts, kind)
    for key, kind in (("flags", "flag"), ("themes", "theme")):
        if original.get(key) or data.get(key):
            c.labels((key,), data.get(key), _labels_of(original.get(key), (key,)), kind)
    _check_debrief(c, data.get("debrief"), _mapping(original, "debrief"))
    return c.problems


def _header(c: _Checker, data: dict[str, Any], original: dict[str, Any], lang: str | None) -> None:
    if data.get("format") != FORMAT:
        c.at(("format",), "error", f"`format` must be `{FORMAT}` (it is {data.get('format')!r})", key=False)
    if data.get("of") != original.get("id"):
        c.at(
            ("of",), "error", f"`of` must be the scenario's id `{original.get('id')}` (it is {data.get('of')!r})", False
        )
    if data.get("lang") not in LANGUAGES[1:] or (lang is not None and data.get("lang") != lang):
        want = lang or " or ".join(LANGUAGES[1:])
        c.at(
            ("lang",), "error", f"`lang` must be `{want}` (the file name says which; it is {data.get('lang')!r})", False
        )
    for key in data:
        if key not in ("format", "of", "lang", *TOP_TEXTS, *SECTIONS):
            c.at((key,), "error", f"unknown key `{key}` (keys: format, of, lang, {', '.join(TOP_TEXTS + SECTIONS)})")


def _check_debrief(c: _Checker, given: Any, odebrief: dict[str, Any]) -> None:
    """The debrief's texts: dimensions (with their adjustments, by `when`), bands and red lines."""
    if given is not None and not isinstance(given, dict):
        c.at(("debrief",), "error", "`debrief` must be a mapping of " + ", ".join(DEBRIEF_SECTIONS), key=False)
        return
    given = given or {}
    for key in given:
        if key not in DEBRIEF_SECTIONS:
            c.at(("debrief", key), "error", f"unknown key `{key}` in `debrief` (keys: {', '.join(DEBRIEF_SECTIONS)})")
    base = ("debrief", "dimensions")
    odims = odebrief.get("dimensions")
    dims = c.section(base, given.get("dimensions"), _by_id(odims, base), DIMENSION_FIELDS, "dimension", "", ("adjust",))
    for did, entry in dims.items():
        oadjust = _mapping(odims, did).get("adjust")
        if isinstance(entry, dict) and (oadjust or entry.get("adjust")):
            path = (*base, did, "adjust")
            originals = _by_id(oadjust, path, "when")
            c.section(path, entry.get("adjust"), originals, ADJUST_FIELDS, "adjustment", f"dimension `{did}`")
    for key, texts, kind in (("bands", BAND_FIELDS, "band"), ("red_lines", RED_LINE_FIELDS, "red line")):
        if odebrief.get(key) or given.get(key):
            at = ("debrief", key)
            c.section(at, given.get(key), _by_id(odebrief.get(key), at), texts, kind)


def _texts(entry: Any, allowed: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(entry, dict):
        return {}
    return {k: v for k, v in entry.items() if k in allowed and isinstance(v, str) and v.strip()}


def _merge(target: Any, given: Any, allowed: tuple[str, ...], key: str = "id") -> None:
    entries = _by_id(target, (), key)
    for tid, entry in (given or {}).items():
        if str(tid) in entries:
            entries[str(tid)][1].update(_texts(entry, allowed))


def overlay(original: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The original scenario's data with the translation's texts in place (call after :func:`check` found no error).

    Only text changes: ids, conditions, numbers and the order of every list stay the original's.
    Themes are slugs the library filters by, so their translated names are kept beside the
    scenario (:func:`theme_labels`), not put in its place.
    """
    out = copy.deepcopy(original)
    out.update(_texts(data, TOP_TEXTS))
    for sid, entry in (data.get("scenes") or {}).items():
        scene = out["scenes"].get(sid)
        if isinstance(scene, dict) and isinstance(entry, dict):
            scene.update(_texts(entry, SCENE_FIELDS))
            _merge(scene.get("choices"), entry.get("choices"), CHOICE_FIELDS)
            _merge(scene.get("events"), entry.get("events"), EVENT_FIELDS)
    for key, texts, _kind, id_field in FLAT:
        _merge(out.get(key), data.get(key), texts, id_field)
    flags = out.get("flags")
    if isinstance(flags, dict):
        flags.update({k: v for k, v in _mapping(data, "flags").items() if k in flags and isinstance(v, str)})
    debrief, given = _mapping(out, "debrief"), _mapping(data, "debrief")
    dims = _mapping(debrief, "dimensions")
    for did, entry in _mapping(given, "dimensions").items():
        if isinstance(dims.get(did), dict) and isinstance(entry, dict):
            dims[did].update(_texts(entry, DIMENSION_FIELDS))
            _merge(dims[did].get("adjust"), entry.get("adjust"), ADJUST_FIELDS, "when")
    _merge(debrief.get("bands"), given.get("bands"), BAND_FIELDS)
    _merge(debrief.get("red_lines"), given.get("red_lines"), RED_LINE_FIELDS)
    return out


def theme_labels(scenario: Scenario, lang: str | None = None) -> dict[str, str]:
    """The scenario's themes by slug, named in ``lang`` (default: the language in use) where it was translated.

    A theme the translation does not name, or an untranslated scenario, gets its slug in words.
    """
    from simgame.i18n import language

    named = _THEMES.get((scenario.path, scenario.content_hash, lang or language()), {})
    return {t: named.get(t) or t.replace("-", " ") for t in scenario.doc.themes}


def check_file(scenario_path: Path, translation: Path) -> list[Problem]:
    """Check ``translation`` against the scenario file at ``scenario_path`` (both read with the strict reader)."""
    from simgame.format.diagnostics import LoadError
    from simgame.format.yamlsource import load_yaml_file

    try:
        original, osmap = load_yaml_file(scenario_path)
        data, smap = load_yaml_file(translation)
    except LoadError as exc:
        return [
            Problem(d.file or str(translation), d.line or 1, d.col or 1, "error", d.message) for d in exc.diagnostics
        ]
    return check(data, smap, original, osmap, Path(translation.stem).suffix[1:] or None)


def localise(scenario: Scenario, lang: str) -> tuple[Scenario, list[Problem]]:
    """``scenario`` in ``lang`` if it has a translation file there without errors, else ``scenario`` itself.

    The problems found (warnings when the translation was used; errors when it was not) come back
    with it, for the player or author to see. English, or no translation file, is the scenario as is.
    """
    if lang == LANGUAGES[0] or not scenario.path:
        return scenario, []
    path = Path(scenario.path)
    target = translation_path(path, lang)
    _THEMES.pop((scenario.path, scenario.content_hash, lang), None)  # set again only if this translation is used
    if not target.is_file():
        return scenario, []
    from simgame.format.compile import compile_scenario
    from simgame.format.diagnostics import LoadError
    from simgame.format.model import ScenarioDoc
    from simgame.format.yamlsource import load_yaml_file

    try:
        original, osmap = load_yaml_file(path)
        data, smap = load_yaml_file(target)
    except LoadError as exc:
        return scenario, [
            Problem(d.file or str(target), d.line or 1, d.col or 1, "error", d.message) for d in exc.diagnostics
        ]
    problems = check(data, smap, original, osmap, lang)
    if any(p.is_error for p in problems):
        return scenario, problems
    doc = ScenarioDoc.model_validate(overlay(original, data))
    translated, diags = compile_scenario(doc, osmap, scenario.content_hash, scenario.path, None)
    errors = [d for d in diags if d.is_error]
    if translated is None or errors:  # e.g. a `{if …}` arm the translation broke: located in words
        first = errors[0].message if errors else "it does not compile"
        return scenario, [
            *problems,
            Problem(str(target), 1, 1, "error", f"the translated scenario cannot be played: {first}"),
        ]
    translated.warnings = list(scenario.warnings)
    themes = {k: v for k, v in _mapping(data, "themes").items() if isinstance(v, str)}
    _THEMES[(scenario.path, scenario.content_hash, lang)] = themes
    return translated, problems
