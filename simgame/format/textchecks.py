"""Compile every passage of conditional text and check its conditions, located in the file.

A tag out of place is SG504; a condition is checked like any `when:` (SG500-SG503: syntax,
unknown names with a did-you-mean, a number where a condition belongs). Passages without tags
are left alone, so plain prose costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from simgame.format import expr, variants
from simgame.format.compiled import Scenario, TextKey
from simgame.format.diagnostics import Diagnostic, make
from simgame.format.model import ScenarioDoc
from simgame.format.yamlsource import PathKey, SourceMap


def passages(doc: ScenarioDoc) -> Iterator[tuple[TextKey, PathKey, str]]:
    """Every passage that may hold conditional text: its engine key, its place in the file, its text."""
    for sid, scene in doc.scenes.items():
        yield ("scene", sid), ("scenes", sid, "text"), scene.text
        for i, ch in enumerate(scene.choices):
            yield ("feedback", ch.id), ("scenes", sid, "choices", i, "feedback"), ch.feedback
            yield ("note", ch.id), ("scenes", sid, "choices", i, "debrief"), ch.debrief
        for i, ev in enumerate(scene.events):
            yield ("event", sid, ev.id), ("scenes", sid, "events", i, "text"), ev.text
    for eid, ending in doc.endings.items():
        yield ("ending", eid), ("endings", eid, "text"), ending.text
        yield ("ending-debrief", eid), ("endings", eid, "debrief"), ending.debrief


def plain_only(doc: ScenarioDoc) -> Iterator[tuple[PathKey, str]]:
    """Text shown as written, where a tag would reach the screen as braces: labels, titles, reasons."""
    yield ("briefing",), doc.briefing
    yield ("summary",), doc.summary
    for i, obj in enumerate(doc.objectives):
        yield ("objectives", i, "text"), obj.text
    for sid, scene in doc.scenes.items():
        yield ("scenes", sid, "title"), scene.title
        for i, ch in enumerate(scene.choices):
            yield ("scenes", sid, "choices", i, "label"), ch.label
            yield ("scenes", sid, "choices", i, "locked"), ch.locked or ""
    for eid, ending in doc.endings.items():
        yield ("endings", eid, "title"), ending.title
    for did, dim in doc.debrief.dimensions.items():
        for i, adj in enumerate(dim.adjust):
            yield ("debrief", "dimensions", did, "adjust", i, "why"), adj.why
    for i, line in enumerate(doc.debrief.red_lines):
        yield ("debrief", "red_lines", i, "why"), line.why
    for i, band in enumerate(doc.debrief.bands):
        yield ("debrief", "bands", i, "text"), band.text


def compile_texts(doc: ScenarioDoc, smap: SourceMap, names: expr.Names, sc: Scenario) -> list[Diagnostic]:
    """Fill ``sc.texts`` with each tagged passage; the problems found, located."""
    out: list[Diagnostic] = []
    for path, text in plain_only(doc):
        m = variants.TAG.search(text) or variants.NEAR.search(text)
        if m is not None:
            where = path[-1]
            out.append(
                located(
                    smap,
                    path,
                    text,
                    m.start(),
                    "SG504",
                    f"`{where}` is shown as written, so `{m.group(0)}` would reach the screen as braces",
                    "conditional text works in scene text, feedback, debrief notes, event text and endings; "
                    "here, write one text that fits every path",
                    prefix="",
                )
            )
    for key, path, text in passages(doc):
        if not variants.has_tags(text):
            continue
        try:
            template = variants.parse(text)
        except variants.VariantError as exc:
            out.append(located(smap, path, text, exc.offset, "SG504", exc.message, exc.hint))
            continue
        conditions: dict[int, expr.Node] = {}
        for branch in variants.conditions(template):
            assert branch.source is not None
            node = _condition(smap, path, text, branch, names, out)
            if node is not None:
                conditions[branch.offset] = node
        sc.texts[key] = (template, conditions)
    return out


def _condition(
    smap: SourceMap, path: PathKey, text: str, branch: variants.Branch, names: expr.Names, out: list[Diagnostic]
) -> expr.Node | None:
    source = branch.source or ""
    start = branch.offset + text[branch.offset :].index(source) if source in text[branch.offset :] else branch.offset
    try:
        node = expr.parse(source)
        got = expr.check(node, names)
    except expr.ExprError as exc:
        out.append(located(smap, path, text, start + exc.offset, exc.code, exc.message, exc.hint))
        return None
    if got != "bool":
        out.append(
            located(
                smap, path, text, start, "SG503", "expected a condition, got a number", "compare it: `{if trust >= 50}`"
            )
        )
        return None
    return node


def located(
    smap: SourceMap,
    path: PathKey,
    text: str,
    offset: int,
    code: str,
    message: str,
    hint: str,
    prefix: str = "in conditional text: ",
) -> Diagnostic:
    """Locate ``offset`` of a (possibly multi-line, block-scalar) passage in the file, for the caret.

    The passage's first line is found from the source map; the offending line of the text is then
    looked up in the file's lines after it, as written (a block scalar keeps each line's words).
    """
    line, col = smap.locate(path)
    before = text[:offset]
    line_text = text.splitlines()[before.count("\n")] if text.splitlines() else ""
    in_line = offset - (before.rfind("\n") + 1)
    # What to look for in the file: the passage's line as written; failing that (a folded `>` block
    # joins the file's lines), the words from the offset itself to the end of their line.
    fragment = text[offset:].split("\n", 1)[0][:40]
    for needle, shift in ((line_text, in_line), (fragment, 0)):
        if not needle.strip():
            continue
        for n in range(line, min(len(smap.lines), line + 400) + 1):
            found = smap.snippet(n).find(needle)
            if found >= 0:
                return make(
                    code,
                    f"{prefix}{message}",
                    file=smap.file,
                    line=n,
                    col=found + shift + 1,
                    hint=hint,
                    snippet=smap.snippet(n),
                )
    return make(code, f"{prefix}{message}", file=smap.file, line=line, col=col, hint=hint, snippet=smap.snippet(line))
