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
TOP_TEXTS = ("title", "role", "summary", "briefing")
# section -> (the fields a translation may give, the nested sections inside one of its entries)
SCENE_FIELDS = ("title", "text")
CHOICE_FIELDS = ("label", "feedback", "debrief", "locked")
EVENT_FIELDS = ("text",)
ENDING_FIELDS = ("title", "text", "debrief")
METRIC_FIELDS = ("label", "description")
OBJECTIVE_FIELDS = ("text",)
NESTED = ("choices", "events")  # sections inside a scene's entry


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
    stem = Path(path.stem)
    return path.suffix == ".yaml" and stem.suffix[1:] in LANGUAGES


class _Checker:
    def __init__(self, data: dict[str, Any], smap: SourceMap, original: dict[str, Any], osmap: SourceMap) -> None:
        self.data, self.smap, self.original, self.osmap = data, smap, original, osmap
        self.problems: list[Problem] = []

    def at(self, path: tuple[Any, ...], severity: str, message: str, key: bool = True) -> None:
        line, col = self.smap.locate(path, key=key)
        self.problems.append(Problem(self.smap.file, line, col, severity, message))

    def where(self, path: tuple[Any, ...]) -> str:
        line, col = self.osmap.locate(path, key=True)
        return f"{Path(self.osmap.file).name}:{line}:{col}"

    def fields(
        self, given: Any, path: tuple[Any, ...], orig: dict[str, Any], allowed: tuple[str, ...], what: str
    ) -> None:
        """Check one entry's text fields against the original's entry ``orig`` (found at ``opath``)."""
        if not isinstance(given, dict):
            self.at(path, "error", f"{what} must be a mapping of its texts ({', '.join(allowed)})", key=False)
            return
        for name, value in given.items():
            if name in NESTED and "text" in allowed:  # a scene's choices and events: checked as sections
                continue
            if name not in allowed:
                self.at(
                    (*path, name), "error", f"{what} has no translatable text `{name}` (texts: {', '.join(allowed)})"
                )
            elif not isinstance(value, str) or not value.strip():
                self.at((*path, name), "error", f"{what}: `{name}` must be text", key=False)
            elif not orig.get(name):
                self.at((*path, name), "error", f"{what} has no `{name}` in the original to translate")

    def missing_fields(
        self,
        given: Any,
        path: tuple[Any, ...],
        opath: tuple[Any, ...],
        orig: dict[str, Any],
        allowed: tuple[str, ...],
        what: str,
    ) -> None:
        have = given if isinstance(given, dict) else {}
        for name in allowed:
            if name not in NESTED and orig.get(name) and name not in have:
                self.at(
                    path, "warning", f"{what}: `{name}` is not translated (original at {self.where((*opath, name))})"
                )

    def section(
        self,
        path: tuple[Any, ...],
        given: Any,
        originals: dict[str, tuple[tuple[Any, ...], dict[str, Any]]],
        allowed: tuple[str, ...],
        kind: str,
        parent: str = "",
    ) -> dict[str, Any]:
        """Check a mapping of ids to texts; returns the entries that can be used, by id."""
        where = f" in {parent}" if parent else ""
        given = given if given is not None else {}
        if not isinstance(given, dict):
            self.at(path, "error", f"`{path[-1]}` must be a mapping of {kind} ids", key=False)
            return {}
        for oid, (opath, _orig) in originals.items():
            if oid not in given:
                self.at(path, "warning", f"{kind} `{oid}`{where} has no translation (original at {self.where(opath)})")
        usable: dict[str, Any] = {}
        for tid, entry in given.items():
            if tid not in originals:
                known = ", ".join(sorted(originals)) or "none"
                self.at((*path, tid), "error", f"the original has no {kind} `{tid}`{where} (its {kind}s: {known})")
                continue
            opath, orig = originals[tid]
            self.fields(entry, (*path, tid), orig, allowed, f"{kind} `{tid}`")
            self.missing_fields(entry, (*path, tid), opath, orig, allowed, f"{kind} `{tid}`")
            usable[tid] = entry
        return usable


def _by_id(items: Any, base: tuple[Any, ...]) -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    if isinstance(items, dict):
        return {str(k): ((*base, k), v) for k, v in items.items() if isinstance(v, dict)}
    if isinstance(items, list):
        return {str(v["id"]): ((*base, i), v) for i, v in enumerate(items) if isinstance(v, dict) and "id" in v}
    return {}


def check(
    data: Any, smap: SourceMap, original: dict[str, Any], osmap: SourceMap, lang: str | None = None
) -> list[Problem]:
    """Every problem of the translation ``data`` against the original scenario's data, located."""
    return _check(data, smap, original, osmap, lang).problems


def _check(data: Any, smap: SourceMap, original: dict[str, Any], osmap: SourceMap, lang: str | None) -> _Checker:
    c = _Checker(data if isinstance(data, dict) else {}, smap, original, osmap)
    if not isinstance(data, dict):
        c.at((), "error", f"a translation is a mapping that starts with `format: {FORMAT}`", key=False)
        return c
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
    sections = ("scenes", "endings", "metrics", "objectives")
    for key in data:
        if key not in ("format", "of", "lang", *TOP_TEXTS, *sections):
            c.at((key,), "error", f"unknown key `{key}` (keys: format, of, lang, {', '.join(TOP_TEXTS + sections)})")
    c.fields({k: v for k, v in data.items() if k in TOP_TEXTS}, (), original, TOP_TEXTS, "the scenario")
    for name in TOP_TEXTS:
        if original.get(name) and name not in data:
            c.at((), "warning", f"`{name}` is not translated (original at {c.where((name,))})", key=False)
    scenes = c.section(
        ("scenes",),
        data.get("scenes"),
        _by_id(original.get("scenes"), ("scenes",)),
        (*SCENE_FIELDS, *NESTED),
        "scene",
    )
    for sid, entry in scenes.items():
        oscene = original["scenes"][sid]
        if not isinstance(entry, dict):
            continue
        for sub, fields, kind in (("choices", CHOICE_FIELDS, "choice"), ("events", EVENT_FIELDS, "event")):
            if sub == "choices" or oscene.get(sub) or entry.get(sub):
                c.section(
                    ("scenes", sid, sub),
                    entry.get(sub),
                    _by_id(oscene.get(sub), ("scenes", sid, sub)),
                    fields,
                    kind,
                    f"scene `{sid}`",
                )
    c.section(("endings",), data.get("endings"), _by_id(original.get("endings"), ("endings",)), ENDING_FIELDS, "ending")
    c.section(("metrics",), data.get("metrics"), _by_id(original.get("metrics"), ("metrics",)), METRIC_FIELDS, "metric")
    if original.get("objectives") or data.get("objectives"):
        c.section(
            ("objectives",),
            data.get("objectives"),
            _by_id(original.get("objectives"), ("objectives",)),
            OBJECTIVE_FIELDS,
            "objective",
        )
    return c


def _texts(entry: Any, allowed: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(entry, dict):
        return {}
    return {k: v for k, v in entry.items() if k in allowed and isinstance(v, str) and v.strip()}


def overlay(original: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The original scenario's data with the translation's texts in place (call after :func:`check` found no error)."""
    out = copy.deepcopy(original)
    out.update(_texts(data, TOP_TEXTS))

    def merge(target: Any, given: Any, allowed: tuple[str, ...]) -> None:
        entries = _by_id(target, ())
        for tid, entry in (given or {}).items():
            if str(tid) in entries:
                entries[str(tid)][1].update(_texts(entry, allowed))

    for sid, entry in (data.get("scenes") or {}).items():
        scene = out["scenes"].get(sid)
        if isinstance(scene, dict) and isinstance(entry, dict):
            scene.update(_texts(entry, SCENE_FIELDS))
            merge(scene.get("choices"), entry.get("choices"), CHOICE_FIELDS)
            merge(scene.get("events"), entry.get("events"), EVENT_FIELDS)
    merge(out.get("endings"), data.get("endings"), ENDING_FIELDS)
    merge(out.get("metrics"), data.get("metrics"), METRIC_FIELDS)
    merge(out.get("objectives"), data.get("objectives"), OBJECTIVE_FIELDS)
    return out


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
    return translated, problems
