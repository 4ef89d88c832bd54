"""Turn pydantic validation errors into located, author-friendly diagnostics."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import ValidationError

from simgame.format.diagnostics import Diagnostic
from simgame.format.model import ALL_FIELDS
from simgame.format.yamlsource import PathKey, SourceMap

_YAML_SURPRISES = {
    "yes",
    "no",
    "on",
    "off",
    "true",
    "false",
    "y",
    "n",
    "null",
    "~",
}


def data_path(loc: tuple[Any, ...], data: Any) -> tuple[PathKey, bool]:
    """Keep only the loc segments that exist in the data; report whether it names a dict key."""
    path: list[str | int] = []
    node = data
    is_key = False
    for seg in loc:
        if seg == "[key]":
            is_key = True
            break
        in_dict = isinstance(node, dict) and isinstance(seg, str) and seg in node
        in_list = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        if in_dict or in_list:
            path.append(seg)
            node = node[seg]
        elif isinstance(node, dict) and isinstance(seg, str) and seg == "from_" and "from" in node:
            path.append("from")
            node = node["from"]
        else:
            # union member names, or a missing field: stop walking the data
            if isinstance(seg, str) and not isinstance(node, dict | list):
                continue
            if isinstance(seg, str) and isinstance(node, dict):
                path.append(seg)
                node = None
            break
    return tuple(path), is_key


def _field_name(loc: tuple[Any, ...]) -> str:
    names = [s for s in loc if isinstance(s, str) and s != "[key]"]
    return "from" if names and names[-1] == "from_" else (names[-1] if names else "value")


def describe(exc: ValidationError, data: Any, smap: SourceMap) -> list[Diagnostic]:
    """One diagnostic per distinct problem place (union alternatives collapse into one)."""
    out: list[Diagnostic] = []
    seen: set[tuple[PathKey, bool]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        path, is_key = data_path(loc, data)
        kind = err["type"]
        if (path, is_key) in seen:
            continue
        seen.add((path, is_key))
        if kind == "extra_forbidden" and _written_without_value(path, data, smap):
            out.append(_comma_in_flow(path, smap))
            continue
        out.append(_one(kind, err, loc, path, is_key, smap))
    return out


def _one(kind: str, err: Any, loc: tuple[Any, ...], path: PathKey, is_key: bool, smap: SourceMap) -> Diagnostic:
    name = str(path[-1]) if path and isinstance(path[-1], str) else _field_name(loc)
    raw = smap.raw.get(path)
    shown = f"`{raw}`" if raw is not None else "this value"
    if is_key:
        key = path[-1] if path else name
        return smap.diag("SG204", f"`{key}` is not a valid id here", path, key=True, hint=_id_hint(str(key)))
    if kind == "missing":
        parent = path[:-1]
        return smap.diag(
            "SG200",
            f"required field `{name}` is missing",
            parent,
            key=True,
            hint=f"add `{name}:` here (see docs/format-v1.md)",
        )
    if kind == "extra_forbidden" and not re.fullmatch(r"[A-Za-z_][\w-]*", name):
        return _comma_in_flow(path, smap)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, sorted(ALL_FIELDS - {name}), n=1)
        if name in ALL_FIELDS:
            hint = f"`{name}` belongs to another part of the format; see docs/format-v1.md for this one"
        elif close:
            hint = f"did you mean `{close[0]}`?"
        else:
            hint = "remove it, or check the spelling in docs/format-v1.md"
        return smap.diag("SG201", f"unknown field `{name}`", path, key=True, hint=hint)
    if kind == "string_pattern_mismatch":
        return smap.diag("SG204", f"{shown} is not a valid id for `{name}`", path, hint=_id_hint(str(raw or "")))
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        if name == "format":
            return smap.diag(
                "SG205", f"unsupported format {shown}", path, hint="this version of simgame reads `format: simgame/v1`"
            )
        return smap.diag("SG203", f"{shown} is not allowed for `{name}`", path, hint=f"use one of {expected}")
    if kind in ("string_type", "str_type") and raw is None and "{" in smap.snippet(smap.locate(path)[0]):
        return smap.diag(
            "SG202",
            f"`{name}` must be text, but `{{` made it a mapping",
            path,
            hint="text that starts with `{` or `[` goes in quotes, or in a `|` block",
        )
    if kind in ("string_type", "str_type"):
        hint = "put the text in quotes"
        if raw is not None and (raw.lower() in _YAML_SURPRISES or _looks_numeric(raw)):
            hint = (
                f"YAML reads {shown} as a {'yes/no value' if not _looks_numeric(raw) else 'number'}; "
                f'write "{raw}" in quotes'
            )
        return smap.diag("SG202", f"`{name}` must be text, not {shown}", path, hint=hint)
    if kind in (
        "int_type",
        "float_type",
        "int_parsing",
        "float_parsing",
        "int_from_float",
        "bool_type",
        "dict_type",
        "list_type",
        "model_type",
        "model_attributes_type",
        "finite_number",
    ):
        want = {
            "int": "a whole number",
            "flo": "a number",
            "boo": "true or false",
            "dic": "a mapping",
            "lis": "a list",
            "mod": "a mapping",
            "fin": "a finite number",
        }[kind[:3]]
        return smap.diag("SG202", f"`{name}` must be {want}", path, hint=_shape_hint(want))
    if kind in (
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "too_short",
        "too_long",
        "string_too_long",
        "string_too_short",
    ):
        return smap.diag("SG203", f"`{name}`: {err['msg'].lower()}", path)
    return smap.diag("SG202", f"`{name}`: {err['msg']}", path)


def _written_without_value(path: PathKey, data: Any, smap: SourceMap) -> bool:
    """`{feedback: Applause, champagne}`: YAML made "champagne" a field with no value."""
    node = data
    for seg in path:
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            return False
    return node is None and "{" in smap.snippet(smap.locate(path, key=True)[0])


def _comma_in_flow(path: PathKey, smap: SourceMap) -> Diagnostic:
    name = str(path[-1]) if path else "value"
    return smap.diag(
        "SG201",
        f"“{name}” was read as a field name: inside `{{…}}` a comma ends the text before it",
        path,
        key=True,
        hint=f'put text that contains commas in quotes (`"…, {name}"`), or write each field on its own line',
    )


def _looks_numeric(raw: str) -> bool:
    try:
        float(raw.replace("_", ""))
        return True
    except ValueError:
        return ":" in raw and raw.replace(":", "").isdigit()


def _id_hint(raw: str) -> str:
    if "_" in raw and "-" not in raw:
        return "scene, choice and other ids are lowercase with hyphens (metric and flag names use underscores)"
    return "ids start with a lowercase letter and use a-z, 0-9 and hyphens (metrics and flags: underscores)"


def _shape_hint(want: str) -> str:
    if want == "a mapping":
        return "indent the fields under this key as `name: value` lines"
    if want == "a list":
        return "write a list as `[a, b]` or as lines starting with `- `"
    return ""
