"""Where each id and field name of a scenario (or glossary) is written: the position -> symbol logic.

An :class:`Index` is built from the strict reader's plain data and :class:`SourceMap`, so it
works on a file that is not yet valid (while an author types) as long as its YAML reads. Every
occurrence is a span on one line (0-based line, code-point columns) with its kind and name:

- ``scene``, ``ending``: keys under `scenes:`/`endings:`; `start`, `next`, `goto`, a fixture's
  `scene`, and `visited(...)`/`visits(...)` in expressions;
- ``choice``: a choice's `id`, and `chose(...)`;
- ``metric``, ``flag``: keys under `metrics:`/`flags:`, effect and weight keys, `set`/`clear`,
  a fixture's `metrics`/`flags`, and names in expressions (`when`, `chance`, effect formulas,
  and the `{if ...}`/`{elif ...}` tags of conditional text);
- ``term``: `terms:` lists (and a glossary's keys and `see_also`);
- ``field``: a field name (its path is kept for the schema's description).

Expressions written over several lines are not indexed (their names cannot be placed exactly).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal

from simgame.format.expr import ID_FUNCTIONS, KEYWORDS, NUM_FUNCTIONS
from simgame.format.yamlsource import PathKey, SourceMap

Kind = Literal["scene", "ending", "choice", "metric", "flag", "term", "field"]
ID_KINDS: tuple[Kind, ...] = ("scene", "ending", "choice", "metric", "flag", "term")
FUNCTIONS = frozenset(ID_FUNCTIONS) | frozenset(NUM_FUNCTIONS) | {"turn", "if"}
_EXPR_TOKEN = re.compile(r"(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<other>\S)")
_TAG = re.compile(r"\{(?:if|elif)\s+([^{}\n]*)\}")
TEXT_FIELDS = frozenset({"text", "feedback", "debrief"})
_TARGET_FIELDS = frozenset({"next", "goto", "start"})
_DECLARED: dict[str, Kind] = {"scenes": "scene", "endings": "ending", "metrics": "metric", "flags": "flag"}


@dataclass(frozen=True)
class Span:
    """One place on one line: 0-based line, start and end columns in code points (end exclusive)."""

    line: int
    start: int
    end: int

    def holds(self, line: int, col: int) -> bool:
        return line == self.line and self.start <= col <= self.end


@dataclass(frozen=True)
class Occurrence:
    kind: Kind
    name: str
    span: Span
    definition: bool = False
    path: PathKey = ()


@dataclass
class Index:
    """Every occurrence in one document, and the ids it declares."""

    occurrences: list[Occurrence] = field(default_factory=list)
    data: Any = None
    glossary: bool = False  # a glossary file rather than a scenario

    def declared(self, kind: Kind) -> list[str]:
        return list(dict.fromkeys(o.name for o in self.occurrences if o.kind == kind and o.definition))

    def at(self, line: int, col: int) -> Occurrence | None:
        """The occurrence under a position (the narrowest, when a field name and an id touch)."""
        found = [o for o in self.occurrences if o.span.holds(line, col)]
        return min(found, key=lambda o: o.span.end - o.span.start) if found else None

    def of(self, kind: Kind, name: str) -> list[Occurrence]:
        return [o for o in self.occurrences if o.kind == kind and o.name == name]

    def definition(self, kind: Kind, name: str) -> Occurrence | None:
        return next((o for o in self.of(kind, name) if o.definition), None)


def place(smap: SourceMap, pos: tuple[int, int], text: str) -> Span | None:
    """The span of ``text`` written at a reader position (1-based), stepping over an opening quote."""
    line, col = pos[0] - 1, pos[1] - 1
    source = smap.snippet(line + 1)
    if source[col : col + 1] in ("'", '"'):
        col += 1
    if source[col : col + len(text)] != text:
        return None
    return Span(line, col, col + len(text))


class _Builder:
    def __init__(self, data: Any, smap: SourceMap) -> None:
        self.data, self.smap = data, smap
        self.out: list[Occurrence] = []
        root = data if isinstance(data, dict) else {}
        self.scenes = set(_keys(root.get("scenes")))
        self.endings = set(_keys(root.get("endings")))
        self.metrics = set(_keys(root.get("metrics")))
        self.flags = set(_keys(root.get("flags")))
        self._starts: list[int] | None = None  # the lines where a key or value starts, for `tags`

    def add(self, kind: Kind, name: str, span: Span | None, definition: bool = False, path: PathKey = ()) -> None:
        if span is not None:
            self.out.append(Occurrence(kind, name, span, definition, path))

    def key(self, kind: Kind, path: PathKey, definition: bool = False) -> None:
        pos = self.smap.keys.get(path)
        if pos is not None:
            self.add(kind, str(path[-1]), place(self.smap, pos, str(path[-1])), definition, path)

    def value(self, kind: Kind, path: PathKey, definition: bool = False) -> None:
        pos, raw = self.smap.values.get(path), self.smap.raw.get(path)
        if pos is not None and raw is not None:
            self.add(kind, raw, place(self.smap, pos, raw), definition, path)

    def target(self, path: PathKey) -> None:
        raw = self.smap.raw.get(path)
        if raw is not None and raw != "end":
            self.value("ending" if raw in self.endings and raw not in self.scenes else "scene", path)

    def expression(self, path: PathKey) -> None:
        pos, raw = self.smap.values.get(path), self.smap.raw.get(path)
        if pos is None or raw is None:
            return
        span = place(self.smap, pos, raw)
        if span is not None:
            self.names(raw, span.line, span.start, path)

    def names(self, source: str, line: int, col: int, path: PathKey) -> None:
        tokens = [(m.lastgroup, m.group(), m.start()) for m in _EXPR_TOKEN.finditer(source)]
        for i, (kind, text, at) in enumerate(tokens):
            if kind != "name":
                continue
            span = Span(line, col + at, col + at + len(text))
            after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            before = tokens[i - 1][1] if i >= 1 else ""
            func = tokens[i - 2][1] if i >= 2 else ""
            if before == "(" and func in ID_FUNCTIONS:
                if func == "chose":
                    self.add("choice", text, span, path=path)
                else:
                    self.add("ending" if text in self.endings and text not in self.scenes else "scene", text, span)
            elif after == "(" or text in KEYWORDS:
                continue
            elif text in self.metrics:
                self.add("metric", text, span, path=path)
            elif text in self.flags:
                self.add("flag", text, span, path=path)

    def tags(self, path: PathKey) -> None:
        """Conditions in `{if ...}`/`{elif ...}` tags of a text value, read from the source lines it spans."""
        pos = self.smap.values.get(path)
        if pos is None or not isinstance(self.smap.raw.get(path), str) or "{" not in self.smap.raw[path]:
            return
        first = pos[0]
        if self._starts is None:
            self._starts = sorted({p[0] for p in (*self.smap.values.values(), *self.smap.keys.values())})
        after = bisect_right(self._starts, first)
        last = self._starts[after] - 1 if after < len(self._starts) else len(self.smap.lines)
        for number in range(first, last + 1):
            source = self.smap.snippet(number)
            for m in _TAG.finditer(source):
                self.names(m.group(1), number - 1, m.start(1), path)

    def walk(self, node: Any, path: PathKey) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                sub = (*path, key)
                self.classify_key(sub)
                self.classify_value(sub, value)
                self.walk(value, sub)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self.classify_value((*path, i), value)
                self.walk(value, (*path, i))

    def classify_key(self, path: PathKey) -> None:
        parent = path[:-1]
        if len(path) == 2 and path[0] in _DECLARED:
            self.key(_DECLARED[str(path[0])], path, True)
        elif parent[-1:] in (("effects",), ("from",)) or (parent[:1] == ("fixtures",) and parent[-1:] == ("metrics",)):
            self.key("metric", path)
        elif not (parent and parent[-1] in ("dimensions", "fixtures", "phases", "terms")):
            self.key("field", path)

    def classify_value(self, path: PathKey, value: Any) -> None:
        last = path[-1]
        parent = path[:-1]
        if (last in _TARGET_FIELDS and isinstance(value, str)) or (last == "scene" and path[:1] == ("fixtures",)):
            self.target(path)
        elif last == "id" and len(path) == 5 and path[0] == "scenes" and path[2] == "choices":
            self.value("choice", path, True)
        elif isinstance(last, int) and parent[-1:] in (("set",), ("clear",), ("flags",)) and path[0] != "flags":
            self.value("flag", path)
        elif isinstance(last, int) and parent[-1:] == ("terms",) and path[0] == "scenes":
            self.value("term", path)
        elif isinstance(value, str) and (last in ("when", "chance") or parent[-1:] == ("effects",)):
            self.expression(path)
        elif last in TEXT_FIELDS and isinstance(value, str):
            self.tags(path)


def _keys(node: Any) -> list[str]:
    return [str(k) for k in node] if isinstance(node, dict) else []


def build(data: Any, smap: SourceMap) -> Index:
    """The index of a scenario or glossary document already read by the strict reader."""
    glossary = isinstance(data, dict) and str(data.get("format", "")).startswith("simgame/glossary")
    if glossary:
        return _glossary(data, smap)
    b = _Builder(data, smap)
    b.walk(data, ())
    return Index(b.out, data, False)


def _glossary(data: dict[str, Any], smap: SourceMap) -> Index:
    b = _Builder(data, smap)
    for key in data:
        b.key("field", (key,))
    terms = data.get("terms")
    for tid, term in terms.items() if isinstance(terms, dict) else []:
        b.key("term", ("terms", tid), True)
        for name in term if isinstance(term, dict) else []:
            b.key("field", ("terms", tid, name))
        see = term.get("see_also") if isinstance(term, dict) else None
        for i in range(len(see) if isinstance(see, list) else 0):
            b.value("term", ("terms", tid, "see_also", i))
    return Index(b.out, data, True)
