"""Field descriptions for hover, read from the same JSON Schema editors use (itself made from the models)."""

from __future__ import annotations

from functools import cache
from typing import Any

from simgame.format.schema import glossary_schema, scenario_schema, type_text
from simgame.format.yamlsource import PathKey


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    return scenario_schema(), glossary_schema()


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref` and pick the object (or list) alternative of an `anyOf`."""
    for _ in range(16):
        if not isinstance(node, dict):
            return {}
        if "$ref" in node:
            node = root.get("definitions", {}).get(str(node["$ref"]).rsplit("/", 1)[-1], {})
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if isinstance(o, dict) and o.get("type") != "null"]
            structured = [o for o in options if "$ref" in o or o.get("type") in ("object", "array")]
            node = (structured or options or [{}])[0]
        else:
            return node
    return {}


def property_at(path: PathKey, glossary: bool = False) -> dict[str, Any] | None:
    """The schema of the field a key path names (before `$ref` is followed, so its description stays)."""
    root = _schemas()[1 if glossary else 0]
    node: Any = root
    for seg in path:
        current = _resolve(node, root)
        if isinstance(seg, int):
            node = current.get("items")
        elif seg in current.get("properties", {}):
            node = current["properties"][seg]
        elif current.get("patternProperties"):
            node = next(iter(current["patternProperties"].values()))
        elif isinstance(current.get("additionalProperties"), dict):
            node = current["additionalProperties"]
        else:
            return None
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def describe_field(path: PathKey, glossary: bool = False) -> str | None:
    """Markdown for hovering a field name: its name, type and what it is."""
    prop = property_at(path, glossary)
    if prop is None or not path:
        return None
    description = " ".join(str(prop.get("description", "")).split())
    kind = type_text(prop).replace("\\|", "|")
    kind = kind.split("](")[0].lstrip("[") if kind.startswith("[") else kind
    lines = [f"**`{path[-1]}`**: {kind}"]
    if description:
        lines += ["", description]
    return "\n".join(lines)
