"""All problems at once: a shape error in one place does not hide reference errors elsewhere.

When the document fails the shape check, each broken part is cut out (an unknown field is
deleted, a broken value replaced by a placeholder), the rest is checked as usual, and what the
cut itself could cause is left out: anything inside the choice, event, scene or ending that held
the broken part, anything naming the placeholder, and every warning. The author sees the
misspelt `efects` and, in the same run, the unknown
scene three screens further down.
"""

from __future__ import annotations

import contextlib
import copy
import re
from typing import Any

from pydantic import ValidationError

from simgame.format.compile import compile_scenario
from simgame.format.compiled import content_hash
from simgame.format.diagnostics import Diagnostic
from simgame.format.errors import data_path
from simgame.format.model import ScenarioDoc
from simgame.format.yamlsource import PathKey, SourceMap

_ITEMS = ("choices", "events")


def semantic_rest(data: Any, smap: SourceMap, name: str, glossary: frozenset[str] | None) -> list[Diagnostic]:
    """The errors the rest of the document has, once its broken parts are cut out (none if it cannot tell)."""
    try:
        ScenarioDoc.model_validate(data)
    except ValidationError as exc:
        cut = _cut(data, smap, exc)
    else:
        return []
    if cut is None:
        return []
    rest, removed_ids, spans = cut
    try:
        doc = ScenarioDoc.model_validate(rest)
    except ValidationError:
        return []
    _, diags = compile_scenario(doc, smap, content_hash(rest), name, glossary)
    # Reachability (SG4xx) is about the whole story, which the cut changed: it is said once the file is whole.
    keep = [d for d in diags if d.is_error and not d.code.startswith("SG4")]
    return [d for d in keep if not _caused_by_cut(d, removed_ids, spans)]


def _cut(data: Any, smap: SourceMap, exc: ValidationError) -> tuple[Any, set[str], list[tuple[int, int]]] | None:
    """A copy of ``data`` that passes the shape check: unknown fields deleted, broken values replaced by
    placeholders (lists keep their length, so every other place keeps its line), and the spans cut."""
    if not isinstance(data, dict):
        return None
    rest = copy.deepcopy(data)
    containers: set[PathKey] = set()
    words: set[str] = {PLACEHOLDER}
    for attempt in range(3):  # a placeholder can reveal the next problem inside the same value
        problems = exc.errors() if attempt == 0 else _errors(rest)
        if not problems:
            break
        for err in problems:
            path, is_key = data_path(tuple(err["loc"]), rest)
            if not path or is_key:
                return None
            # an unknown field hides only itself; a broken value, the choice or scene it belongs to
            containers.add(path if err["type"] == "extra_forbidden" else (_container(path) or path[:1]))
            words |= _words(_get(rest, path)) | {str(path[-1])}  # what the broken value named may now look unused
            if err["type"] == "extra_forbidden":
                _delete(rest, path)
            elif not _patch(rest, path):
                return None
    if _errors(rest):
        return None
    spans = [span for c in containers if (span := _span(smap, c)) is not None]
    return rest, words, spans


PLACEHOLDER = "cut-out-part"


def _words(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return set().union(*(_words(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union({str(k) for k in value}, *(_words(v) for v in value.values())) if value else set()
    return set()


def _errors(data: Any) -> list[Any]:
    try:
        ScenarioDoc.model_validate(data)
    except ValidationError as exc:
        return list(exc.errors())
    return []


def _patch(data: Any, path: PathKey) -> bool:
    """Put the first placeholder that clears the problem at ``path``; False when none does."""
    parent = _get(data, path[:-1])
    if not isinstance(parent, dict | list):
        return False
    key = path[-1]
    before = _errors(data)
    candidates: tuple[Any, ...] = (PLACEHOLDER, 1, [], {}, True)
    for candidate in candidates:
        parent[key] = copy.deepcopy(candidate)  # type: ignore[index]
        after = _errors(data)
        if not any(tuple(e["loc"])[: len(path)] == path for e in after) and len(after) < len(before):
            return True
    return False


def _container(path: PathKey) -> PathKey | None:
    """The choice, event, scene or ending holding ``path``: what the author will rewrite anyway."""
    for i in range(len(path) - 1, 0, -1):
        if path[i - 1] in _ITEMS and isinstance(path[i], int) and len(path) > i:
            return path[: i + 1]
    if len(path) >= 2 and path[0] in ("scenes", "endings"):
        return path[:2]
    return None


def _get(node: Any, path: PathKey) -> Any:
    for seg in path:
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _delete(node: Any, path: PathKey) -> None:
    parent = _get(node, path[:-1])
    with contextlib.suppress(KeyError, IndexError, TypeError):
        del parent[path[-1]]


def _span(smap: SourceMap, path: PathKey) -> tuple[int, int] | None:
    """First and last line the source map knows inside ``path``: where a cut part was written."""
    n = len(path)
    lines = [pos[0] for table in (smap.values, smap.keys) for p, pos in table.items() if p[:n] == path]
    return (min(lines), max(lines)) if lines else None


_TICKED = re.compile(r"`([^`]+)`")


def _caused_by_cut(d: Diagnostic, removed: set[str], spans: list[tuple[int, int]]) -> bool:
    if any(a <= d.line <= b for a, b in spans):
        return True
    return any(word in removed for word in _TICKED.findall(d.message))
