"""What an author sees on hover and in completion lists: ids in words, from the document itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from simgame.lsp.schemahelp import describe_field
from simgame.lsp.symbols import Index, Occurrence
from simgame.lsp.terms import Terms

_WORDS = 40  # of a scene's text, on hover


def _get(data: Any, *path: str | int) -> Any:
    node = data
    for seg in path:
        if isinstance(node, dict) and isinstance(seg, str):
            node = node.get(seg)
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            node = node[seg]
        else:
            return None
    return node


def first_line(text: Any) -> str:
    """The opening of a passage, on one line: its first sentence or so, `{if}` tags and all."""
    words = str(text or "").split()
    out = " ".join(words[:_WORDS])
    return out + (" …" if len(words) > _WORDS else "")


def hover(index: Index, occ: Occurrence, terms: Terms) -> str | None:
    """Markdown for the symbol under the cursor."""
    if occ.kind == "field":
        return describe_field(occ.path, index.glossary)
    data = index.data
    name = occ.name
    if occ.kind == "scene":
        scene = _get(data, "scenes", name)
        if not isinstance(scene, dict):
            return f"**scene `{name}`**\n\nNo scene or ending has this id."
        title = scene.get("title") or "(no title)"
        return f"**scene `{name}`**: {title}\n\n{first_line(scene.get('text'))}"
    if occ.kind == "ending":
        ending = _get(data, "endings", name) or {}
        tone = ending.get("tone", "mixed")
        when = f"\n\nreached by `next: end` when `{ending['when']}`" if ending.get("when") else ""
        return f"**ending `{name}`** ({tone}): {ending.get('title', '')}\n\n{first_line(ending.get('text'))}{when}"
    if occ.kind == "choice":
        return _choice(data, name)
    if occ.kind == "metric":
        return _metric(data, name)
    if occ.kind == "flag":
        text = _get(data, "flags", name)
        return f"**flag `{name}`** (true or false, false at the start)\n\n{text or 'No description.'}"
    if occ.kind == "term":
        return _term(name, terms)
    return None


def _choice(data: Any, name: str) -> str:
    for sid, scene in (_get(data, "scenes") or {}).items():
        for ch in scene.get("choices", []) if isinstance(scene, dict) else []:
            if isinstance(ch, dict) and ch.get("id") == name:
                lines = [f"**choice `{name}`** in scene `{sid}`", "", str(ch.get("label", ""))]
                if ch.get("when"):
                    lines += ["", f"offered when `{ch['when']}`"]
                return "\n".join(lines)
    return f"**choice `{name}`**\n\nNo choice has this id."


def _metric(data: Any, name: str) -> str:
    m = _get(data, "metrics", name)
    if not isinstance(m, dict):
        return f"**metric `{name}`**"
    low, high = m.get("min", 0), m.get("max", 100)
    lines = [
        f"**metric `{name}`**: {m.get('label', '')}",
        "",
        f"range {low:g} to {high:g}, starts at {m.get('start', 0):g}, higher is {m.get('higher_is', 'better')}"
        if all(isinstance(v, int | float) for v in (low, high, m.get("start", 0)))
        else "",
    ]
    if m.get("description"):
        lines += ["", str(m["description"])]
    return "\n".join(line for line in lines if line is not None).strip()


def _term(name: str, terms: Terms) -> str:
    term = terms.entries.get(name)
    if term is None:
        why = terms.problem or "no glossary defines it"
        return f"**term `{name}`**\n\nNot a glossary term: {why}."
    lines = [f"**{term.term}** (`{name}`)", "", term.definition]
    if term.why_it_matters:
        lines += ["", f"*Why it matters:* {term.why_it_matters}"]
    return "\n".join(lines)


# -- completion ------------------------------------------------------------------------------------------------

ID_FUNCS = ("chose(", "visited(", "visits(")
OTHER_FUNCS = ("turn()", "min(", "max(", "abs(", "clamp(", "if(")
_KEY = re.compile(r"([A-Za-z_]+)\s*:(?=\s|$)")
_ID_CALL = re.compile(r"(chose|visited|visits)\(\s*[\w-]*$")
_TAG_OPEN = re.compile(r"\{(?:if|elif)\s+[^{}]*$")
_ITEM = re.compile(r"^(\s*)-\s*[\w-]*$")


@dataclass(frozen=True)
class Candidate:
    label: str
    kind: str  # scene, ending, choice, metric, flag, term, function, keyword
    detail: str = ""


def context(lines: list[str], line: int, col: int) -> str | None:
    """What the cursor is writing: next, goto, start, expr, chose, visited, terms, flags; None for nothing known."""
    prefix = lines[line][:col] if 0 <= line < len(lines) else ""
    if _TAG_OPEN.search(prefix):
        return _in_expression(prefix)
    keys = list(_KEY.finditer(prefix))
    if keys:
        key = keys[-1].group(1)
        if key in ("next", "goto", "start", "scene"):
            return "start" if key == "scene" else key
        if key in ("when", "chance"):
            return _in_expression(prefix[keys[-1].end() :])
        if key == "terms":
            return "terms"
        if key in ("set", "clear", "flags"):
            return "flags"
        return None
    item = _ITEM.match(prefix)
    if item:
        indent = len(item.group(1))
        for above in range(line - 1, -1, -1):
            text = lines[above]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            lead = len(text) - len(text.lstrip())
            if lead < indent or (lead == indent and not text.lstrip().startswith("-")):
                name = text.strip().rstrip(":")
                return "terms" if name == "terms" else "flags" if name in ("set", "clear", "flags") else None
    return None


def _in_expression(tail: str) -> str:
    call = _ID_CALL.search(tail)
    if call:
        return "chose" if call.group(1) == "chose" else "visited"
    return "expr"


def candidates(where: str, index: Index, terms: Terms) -> list[Candidate]:
    scenes = [Candidate(s, "scene", _title(index, "scenes", s)) for s in index.declared("scene")]
    endings = [Candidate(e, "ending", _title(index, "endings", e)) for e in index.declared("ending")]
    if where in ("next", "goto"):
        extra = [Candidate("end", "keyword", "the first ending whose `when` holds")] if where == "next" else []
        return scenes + endings + extra
    if where == "start":
        return scenes
    if where == "visited":
        return scenes
    if where == "chose":
        return [Candidate(c, "choice", "") for c in index.declared("choice")]
    if where == "terms":
        return [Candidate(t, "term", term.term) for t, term in sorted(terms.entries.items())]
    flags = [Candidate(f, "flag", str(_get(index.data, "flags", f) or "")) for f in index.declared("flag")]
    if where == "flags":
        return flags
    if where == "expr":
        metrics = [
            Candidate(m, "metric", str(_get(index.data, "metrics", m, "label") or "")) for m in index.declared("metric")
        ]
        funcs = [Candidate(f, "function", "") for f in (*ID_FUNCS, *OTHER_FUNCS)]
        words = [Candidate(w, "keyword", "") for w in ("and", "or", "not", "true", "false")]
        return metrics + flags + funcs + words
    return []


def _title(index: Index, group: str, name: str) -> str:
    return str(_get(index.data, group, name, "title") or "")
