"""Scenarios and glossaries as the game keeps them: one copy of each file version, without source positions.

A browser player's game is one process per player (issue #14: under 80 MB each). Its library keeps
every scenario in the folder for the whole session, and the game plays one of them: loading that
one again, or the glossary again for the play screen, would keep two copies; and the positions of
every key and value (for problems located as file:line:col) are most of a loaded file's memory,
though every problem was found and written out while the file was loaded.
"""

from __future__ import annotations

import threading
from pathlib import Path

from simgame.format.compiled import Scenario
from simgame.format.loader import Glossary, find_glossary, load_glossary, load_scenario
from simgame.format.yamlsource import SourceMap

_LOCK = threading.Lock()
_GLOSSARIES: dict[tuple[str, int, int], Glossary] = {}


def unlocated(smap: SourceMap) -> SourceMap:
    """``smap`` without its positions (about 0.8 MB for a 100 KB scenario): only the file's name is kept."""
    return SourceMap(smap.file, [])


def file_stamp(path: Path) -> tuple[int, int]:
    """A file's version as far as caches go: its modification time and size ((0, 0): unreadable)."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return (0, 0)
    return st.st_mtime_ns, st.st_size


def shared_glossary(path: Path) -> Glossary:
    """The glossary at ``path``, loaded once per file version for the library and the game's screens alike.

    Raises LoadError (or OSError) as :func:`simgame.format.loader.load_glossary` does; a failure is not kept.
    """
    key = (str(path.resolve()), *file_stamp(path))
    with _LOCK:
        found = _GLOSSARIES.get(key)
    if found is None:
        loaded = load_glossary(path)
        found = Glossary(loaded.doc, unlocated(loaded.smap), loaded.path, loaded.own)
        with _LOCK:
            found = _GLOSSARIES.setdefault(key, found)
    return found


def load_playable(path: Path) -> Scenario:
    """The scenario at ``path`` to play (a cohort's): as :func:`simgame.format.loader.load_scenario` (LoadError,
    with every problem located, when it cannot be played), with the shared glossary and without the source
    positions nothing in a game reads once the file has loaded."""
    gpath = find_glossary(path)
    scenario = load_scenario(path, shared_glossary(gpath) if gpath is not None else None)
    scenario.smap = unlocated(scenario.smap)
    return scenario
