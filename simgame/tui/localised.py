"""Scenarios in the player's language: the translation overlay (`simgame.i18n.overlay`), applied once per file version.

Every way a scenario reaches the player (the library, `simgame play X`, a cohort, a saved run) passes
through :func:`localised`. The result is cached by the scenario's file, content hash, the language
and the translation file's size and time, so the library's rescans cost nothing. Problems a
translation has (an unknown id is an error and the original is played; a missing text is a warning)
are kept for the briefing to show (:func:`translation_problems`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from simgame.i18n import language
from simgame.i18n.overlay import Problem, localise, translation_path

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str, str, int, int], tuple[Scenario, list[Problem]]] = {}
_PROBLEMS: dict[tuple[str, str], list[Problem]] = {}


def localised(scenario: Scenario) -> Scenario:
    """``scenario`` in the language in use, when it has a usable translation file; else as it is."""
    lang = language()
    if lang == "en" or not scenario.path:
        return scenario
    target = translation_path(Path(scenario.path), lang)
    try:
        st = target.stat()
    except OSError:
        return scenario
    key = (scenario.path, scenario.content_hash, lang, st.st_mtime_ns, st.st_size)
    with _LOCK:
        found = _CACHE.get(key)
    if found is None:
        found = localise(scenario, lang)
        with _LOCK:
            _CACHE[key] = found
            _PROBLEMS[(scenario.path, lang)] = found[1]
    return found[0]


def translation_problems(scenario: Scenario) -> list[Problem]:
    """What the last :func:`localised` of this scenario's file found wrong with its translation, if anything."""
    with _LOCK:
        return list(_PROBLEMS.get((scenario.path, language()), []))
