"""The glossary terms a scenario may list, and where each is defined (its own folder's glossary or the shared one)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from simgame.format.diagnostics import LoadError
from simgame.format.loader import GLOSSARY_FILE, Glossary, bundled_dir, find_glossary, load_glossary
from simgame.format.model import GlossaryTerm
from simgame.format.yamlsource import load_yaml_file
from simgame.lsp.symbols import Span, place


@dataclass
class Terms:
    """Every term a scenario may list, its definition, and the file and place that defines it."""

    glossary: Glossary | None = None
    entries: dict[str, GlossaryTerm] = field(default_factory=dict)
    where: dict[str, tuple[Path, Span]] = field(default_factory=dict)
    problem: str = ""  # why the glossary could not be read, in words for the author


_CACHE: dict[tuple[str, float, float], Terms] = {}


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def glossary_for(scenario: Path | None) -> Path | None:
    """The glossary a scenario at ``scenario`` reads (its folder's, else the shared one)."""
    if scenario is not None:
        return find_glossary(scenario)
    shared = bundled_dir() / GLOSSARY_FILE
    return shared if shared.is_file() else None


def terms_for(scenario: Path | None) -> Terms:
    """The terms for a scenario file (cached until either glossary file changes)."""
    gpath = glossary_for(scenario)
    if gpath is None:
        return Terms()
    shared = bundled_dir() / GLOSSARY_FILE
    key = (str(gpath.resolve()), _mtime(gpath), _mtime(shared))
    found = _CACHE.get(key)
    if found is None:
        found = _load(gpath, shared)
        _CACHE.clear()  # one glossary at a time is plenty: authors work in one folder
        _CACHE[key] = found
    return found


def _load(gpath: Path, shared: Path) -> Terms:
    try:
        glossary = load_glossary(gpath)
    except LoadError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        where = f" ({first.location()}: {first.message})" if first else ""
        return Terms(problem=f"the glossary {gpath} has problems{where}; its terms are not checked until it is fixed")
    out = Terms(glossary, dict(glossary.doc.terms))
    for path in (shared, gpath):
        if not path.is_file():
            continue
        with contextlib.suppress(LoadError):
            data, smap = load_yaml_file(path)
            for tid in data.get("terms", {}) if isinstance(data, dict) else {}:
                pos = smap.keys.get(("terms", tid))
                span = place(smap, pos, tid) if pos else None
                if span is not None:
                    out.where[str(tid)] = (path.resolve(), span)
    return out


def forget() -> None:
    _CACHE.clear()
