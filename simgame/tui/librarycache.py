"""The library as it was last shown, so the next start can show it before the engine loads.

Loading the library imports pydantic and the scenario model and validates every YAML file,
which takes longer than starting Textual itself. So the library screen keeps, per library
folder, the rows it last showed and the stamp of every file they came from: each file's name,
size, modification time and content hash in the library folder, and each save's name, size
and modification time. At the next start the rows are shown at once if every stamp still
matches; the real load runs right after, off the UI thread, and replaces them.

The cache is only ever a picture: nothing in it is played. A scenario is opened from the real
load (the screen waits for it), and a cache that is missing, unreadable, corrupt, from another
version or stale is ignored. Only the standard library is imported here: this runs before the
first frame.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Span, Text

from simgame import __version__

CACHE_FORMAT = 1
MAX_CACHE_BYTES = 2_000_000  # a cache larger than this is not read (it is written by the library, never this big)
MAX_HASHED_BYTES = 20_000_000  # a library file larger than this makes the folder uncacheable (never hashed)


@dataclass(frozen=True)
class Row:
    """One line of the library list and what the detail pane shows when it is highlighted."""

    id: str
    label: Text
    disabled: bool
    detail: Text | None = None


def _folder_stamp(folder: Path, pattern: str, hashed: bool) -> list[list[Any]] | None:
    """[name, size, mtime_ns(, sha256)] of each matching file, sorted; None if the folder cannot be read."""
    try:
        entries = sorted(folder.glob(pattern)) if folder.is_dir() else []
        out: list[list[Any]] = []
        for path in entries:
            st = path.stat()
            item: list[Any] = [path.name, st.st_size, st.st_mtime_ns]
            if hashed:
                if not path.is_file() or st.st_size > MAX_HASHED_BYTES:
                    return None
                item.append(hashlib.sha256(path.read_bytes()).hexdigest())
            out.append(item)
        return out
    except (OSError, ValueError):
        return None


def stamp(library: Path, saves: Path) -> dict[str, Any] | None:
    """What the cached rows depend on; None if it cannot be worked out (then nothing is cached)."""
    files = _folder_stamp(library, "*.y*ml", hashed=True)
    saved = _folder_stamp(saves, "*.json", hashed=False)
    if files is None or saved is None:
        return None
    from simgame.i18n import language  # rows are words: shown again only in the language they were made in

    return {"format": CACHE_FORMAT, "version": __version__, "lang": language(), "library": files, "saves": saved}


def cache_path(cache_dir: Path, library: Path, saves: Path) -> Path:
    """One cache file per (library folder, saves folder)."""
    key = hashlib.sha256(f"{library.absolute()}\0{saves.absolute()}".encode()).hexdigest()[:20]
    return cache_dir / f"library-{key}.json"


def _text_json(text: Text) -> dict[str, Any]:
    spans = [[s.start, s.end, str(s.style)] for s in text.spans]
    return {"plain": text.plain, "style": str(text.style), "spans": spans}


def _text_from(data: Any) -> Text:
    if not isinstance(data, dict) or not isinstance(data.get("plain"), str):
        raise ValueError("not a text")
    spans = []
    for start, end, style in data.get("spans", []):
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(style, str)):
            raise ValueError("bad span")
        spans.append(Span(start, end, style))
    style = data.get("style", "")
    if not isinstance(style, str):
        raise ValueError("bad style")
    return Text(data["plain"], style=style, spans=spans)


def save_rows(path: Path, current: dict[str, Any], rows: list[Row]) -> None:
    """Keep ``rows`` for the next start (atomically; a cache that cannot be written is simply not kept)."""
    payload = {
        "stamp": current,
        "rows": [
            {
                "id": r.id,
                "label": _text_json(r.label),
                "disabled": r.disabled,
                "detail": _text_json(r.detail) if r.detail is not None else None,
            }
            for r in rows
        ],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".library-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def load_rows(path: Path, current: dict[str, Any] | None) -> list[Row] | None:
    """The rows kept at ``path`` if they were made from exactly ``current``; None otherwise (never raises)."""
    if current is None:
        return None
    try:
        if path.stat().st_size > MAX_CACHE_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("stamp") != current:
            return None
        rows = []
        for item in data["rows"]:
            detail = item.get("detail")
            rows.append(
                Row(
                    str(item["id"]),
                    _text_from(item["label"]),
                    bool(item["disabled"]),
                    _text_from(detail) if detail is not None else None,
                )
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return rows
