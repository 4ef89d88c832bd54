"""The one strict YAML reader: safe, alias-free, duplicate-free, size- and depth-capped, located.

It composes the YAML node tree (never constructing arbitrary objects), then converts
nodes to plain data itself, remembering where every key and value came from so that
any later problem can be reported as ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import Mark
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from simgame.format.diagnostics import Diagnostic, LoadError, make
from simgame.format.safefile import SafeReadError, read_capped
from simgame.format.yamlwords import explain

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
PLAIN_ONLY = "scenarios hold plain text, numbers, lists and mappings only"
MAX_NUMBER_CHARS = 40  # far beyond any real number, far below Python's 4,300-digit conversion limit

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document was written."""

    file: str
    lines: list[str]
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    raw: dict[PathKey, str] = field(default_factory=dict)

    def snippet(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def locate(self, path: PathKey, key: bool = False) -> tuple[int, int]:
        """The closest recorded position for ``path``, walking up to its parents."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def diag(
        self, code: str, message: str, path: PathKey, hint: str = "", key: bool = False, offset: int = 0
    ) -> Diagnostic:
        line, col = self.locate(path, key=key)
        col += offset
        return make(code, message, file=self.file, line=line, col=col, hint=hint, snippet=self.snippet(line))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases and excessive depth while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _Located(
                "SG104",
                "anchors (&name) and aliases (*name) are not allowed",
                event.start_mark,
                "write the value out in full; scenarios never need aliases",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Located(
                "SG106",
                f"nesting deeper than {MAX_DEPTH} levels",
                event.start_mark,
                "a scenario never needs this much nesting; check the indentation",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Located(Exception):
    def __init__(self, code: str, message: str, mark: Any, hint: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.mark, self.hint = code, message, mark, hint


def read_text(path: Path, display: str | None = None) -> str:
    """Read a UTF-8 file: a regular file only, never blocking, at most MAX_BYTES; raises LoadError (SG100-SG102)."""
    name = display or str(path)
    try:
        data = read_capped(path, MAX_BYTES, name)
    except SafeReadError as exc:
        raise LoadError([_read_problem(exc, name)]) from None
    return decode(data, name)


def _read_problem(exc: SafeReadError, name: str) -> Diagnostic:
    if exc.kind == "too-large":
        return make(
            "SG102",
            f"{name} is larger than the {MAX_BYTES // 2**20} MB limit",
            file=name,
            hint="split the scenario or remove pasted data",
        )
    hints = {
        "folder": "name a .yaml file, or use `simgame validate FOLDER`",
        "special": "name an ordinary text file saved as UTF-8",
        "missing": "check the path",
    }
    return make("SG100", exc.message, file=name, hint=hints.get(exc.kind, "check the path and that you may read it"))


def decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise LoadError([make("SG102", f"{name} is larger than {MAX_BYTES // 2**20} MB", file=name)])
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            [
                make(
                    "SG101",
                    f"{name} is a binary file, not YAML text",
                    file=name,
                    hint="scenarios are plain text files saved as UTF-8",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        text_line = data.split(b"\n")[line - 1].decode("utf-8", "replace")
        raise LoadError(
            [
                make(
                    "SG101",
                    f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                    file=name,
                    line=line,
                    col=col,
                    snippet=text_line,
                    hint="save the file as UTF-8 (most editors: 'Save with encoding')",
                )
            ]
        ) from None


def _fast_compose(text: str) -> Node | None:
    """Compose with libyaml when the document is clean; None means "use the careful path".

    libyaml is about 20x faster than the pure-Python composer, but it cannot be hooked
    while composing. So its event stream is scanned first (anchors, aliases, depth, extra
    documents); anything suspicious or any error falls back to the pure-Python path,
    which reports it with a located, explained diagnostic.
    """
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return None
    try:
        depth = documents = 0
        for event in yaml.parse(text, Loader=c_loader):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None
        node: Node | None = yaml.compose(text, Loader=c_loader)
        return node
    except Exception:  # any libyaml complaint: let the careful path explain it
        return None


def parse_yaml(text: str, name: str) -> tuple[Any, SourceMap]:
    """Compose ``text`` strictly and convert it to plain data plus a SourceMap."""
    smap = SourceMap(file=name, lines=text.splitlines())
    fast = _fast_compose(text)
    if fast is not None:
        found: list[Diagnostic] = []
        converted = _convert(fast, (), smap, _CONSTRUCTOR, found)
        if found:
            raise LoadError(found)
        return converted, smap
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
    except _Located as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        raise LoadError(
            [make(exc.code, exc.message, file=name, line=line, col=col, snippet=smap.snippet(line), hint=exc.hint)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_yaml_error(exc, smap)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        raise LoadError(
            [
                make(
                    "SG101",
                    f"character U+{exc.character:04X} is not allowed in YAML text",
                    file=name,
                    line=line,
                    col=col,
                    snippet=smap.snippet(line),
                    hint="remove the control character (often pasted from another program)",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError([make("SG103", f"YAML error: {exc}", file=name)]) from None
    except RecursionError:
        raise LoadError([make("SG106", "the document is nested too deeply", file=name)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise LoadError(
            [make("SG108", f"{name} is empty", file=name, hint="start from `simgame new NAME` for a valid skeleton")]
        )
    problems: list[Diagnostic] = []
    assert loader is not None
    data = _convert(node, (), smap, loader, problems)
    if problems:
        raise LoadError(problems)
    return data, smap


def _yaml_error(exc: yaml.MarkedYAMLError, smap: SourceMap) -> Diagnostic:
    return explain(exc, smap)


def _convert(
    node: Node, path: PathKey, smap: SourceMap, loader: yaml.constructor.SafeConstructor, problems: list[Diagnostic]
) -> Any:
    mark = node.start_mark
    smap.values[path] = (mark.line + 1, mark.column + 1)
    if isinstance(node, MappingNode | SequenceNode) and node.tag not in (_MAP, _SEQ):
        problems.append(_at(smap, mark, "SG107", f"the YAML tag `{node.tag}` is not allowed", PLAIN_ONLY))
        return None
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                raw = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                hint = "quote the key"
                if key_node.tag == _BOOL:
                    hint = f'YAML 1.1 reads `{raw}` as true/false; write "{raw}" in quotes'
                if key_node.tag == "tag:yaml.org,2002:merge":
                    hint = "merge keys (<<) are not allowed; write the fields out"
                problems.append(
                    make(
                        "SG110",
                        f"mapping key `{raw}` is not plain text",
                        file=smap.file,
                        line=kline,
                        col=kcol,
                        snippet=smap.snippet(kline),
                        hint=hint,
                    )
                )
                continue
            key = key_node.value
            if key in out:
                first = smap.keys.get((*path, key), (0, 0))[0]
                problems.append(
                    make(
                        "SG105",
                        f"duplicate key `{key}`",
                        file=smap.file,
                        line=kline,
                        col=kcol,
                        snippet=smap.snippet(kline),
                        hint=f"`{key}` is already defined on line {first}; YAML would silently keep only the last one",
                    )
                )
                continue
            smap.keys[(*path, key)] = (kline, kcol)
            out[key] = _convert(value_node, (*path, key), smap, loader, problems)
        return out
    if isinstance(node, SequenceNode):
        return [_convert(item, (*path, i), smap, loader, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    smap.raw[path] = node.value
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag in (_INT, _FLOAT) and len(node.value) > MAX_NUMBER_CHARS:
        too_long = f"a number of {len(node.value)} characters is too long (the limit is {MAX_NUMBER_CHARS})"
        problems.append(_at(smap, mark, "SG203", too_long, "scenario numbers are small: metrics, points and chances"))
        return None
    if tag == _INT:
        return loader.construct_yaml_int(node)
    if tag == _FLOAT:
        return loader.construct_yaml_float(node)
    if tag == _BOOL:
        return loader.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    if tag == _TIMESTAMP:
        return node.value  # dates stay text: `as_of: 2026-11-01` is a label, not a datetime
    problems.append(_at(smap, mark, "SG107", f"the YAML tag `{tag}` is not allowed", PLAIN_ONLY))
    return None


def _at(smap: SourceMap, mark: Mark, code: str, message: str, hint: str) -> Diagnostic:
    """A diagnostic located at a YAML node's start."""
    line, col = mark.line + 1, mark.column + 1
    return make(code, message, file=smap.file, line=line, col=col, snippet=smap.snippet(line), hint=hint)


def load_yaml_file(path: Path | str, display: str | None = None) -> tuple[Any, SourceMap]:
    p = Path(path)
    name = display or str(p)
    return parse_yaml(read_text(p, name), name)
