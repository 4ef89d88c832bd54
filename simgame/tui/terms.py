"""The shared language in scene text: find glossary terms, mark them up, list terms met in a run."""

from __future__ import annotations

import re
from collections.abc import Iterable

from simgame.format.compiled import Scenario
from simgame.format.loader import Glossary


def alias_pattern(glossary: Glossary, term_ids: Iterable[str]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A regex matching any alias (longest first, whole words) and a map alias -> term id."""
    by_alias: dict[str, str] = {}
    for tid in term_ids:
        term = glossary.doc.terms.get(tid)
        if term is None:
            continue
        for alias in [*term.aliases, term.term]:
            by_alias.setdefault(alias.lower(), tid)
    if not by_alias:
        return None, {}
    ordered = sorted(by_alias, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w-])", re.IGNORECASE)
    return pattern, by_alias


def split_terms(text: str, glossary: Glossary | None, term_ids: Iterable[str]) -> list[tuple[str, str | None]]:
    """Text cut into (piece, term id or None): the UI styles the term pieces."""
    if glossary is None:
        return [(text, None)]
    pattern, by_alias = _cached_pattern(glossary, tuple(term_ids))
    if pattern is None:
        return [(text, None)]
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos : match.start()], None))
        pieces.append((match.group(0), by_alias[match.group(0).lower()]))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces


_PATTERNS: dict[tuple[int, tuple[str, ...]], tuple[re.Pattern[str] | None, dict[str, str]]] = {}


def _cached_pattern(glossary: Glossary, term_ids: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    key = (id(glossary), term_ids)
    if key not in _PATTERNS:
        _PATTERNS[key] = alias_pattern(glossary, term_ids)
    return _PATTERNS[key]


def terms_met(scenario: Scenario, visited: Iterable[str]) -> set[str]:
    """Glossary ids of every scene the run has visited."""
    met: set[str] = set()
    for sid in visited:
        if sid in scenario.doc.scenes:
            met.update(scenario.scene(sid).terms)
    return met


def glossary_for(scenario: Scenario) -> Glossary | None:
    """The glossary beside the scenario's file, else the bundled one; None if it cannot be read."""
    from pathlib import Path

    from simgame.format.diagnostics import LoadError
    from simgame.format.loader import find_glossary

    if not scenario.path:
        return None
    gpath = find_glossary(Path(scenario.path))
    if gpath is None:
        return None
    from simgame.tui.loaded import shared_glossary  # the library's copy: one glossary in memory, not two

    try:
        return shared_glossary(gpath)
    except (LoadError, OSError):
        return None
