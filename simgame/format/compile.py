"""Compile a loaded scenario document: run every semantic check, and keep the result if none fails."""

from __future__ import annotations

import math

from simgame.format.checks import Checker, _hint
from simgame.format.compiled import CompiledRedLine, Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.feasiblechecks import impossible
from simgame.format.model import ScenarioDoc
from simgame.format.story import MAX_DIVERTS, Step, divert_trouble
from simgame.format.textchecks import compile_texts
from simgame.format.yamlsource import PathKey, SourceMap


def compile_scenario(
    doc: ScenarioDoc, smap: SourceMap, digest: str, path: str, glossary: frozenset[str] | None
) -> tuple[Scenario | None, list[Diagnostic]]:
    checker = Checker(doc, smap, glossary)
    sc = Scenario(doc=doc, smap=smap, content_hash=digest, path=path)
    checker.check_ids()
    checker.check_metrics()
    checker.compile_scenes(sc)
    checker.compile_rest(sc)
    compile_red_lines(checker, sc)
    check_sources(checker)
    checker.diags += compile_texts(doc, smap, checker.names, sc)
    checker.check_structure()
    check_diverts(checker)
    diags = checker.diags
    if any(d.is_error for d in diags):
        return None, diags
    diags += impossible(sc)
    return sc, diags


def ceiling_below(limit: float) -> float:
    """The highest score a run can show below ``limit``: the largest one-decimal number under it (at least 0).

    Scores are rounded to one decimal, so a run capped below a band that starts at 60 shows
    59.9, and the band computed from that score is the capped band.
    """
    tenths = math.ceil(limit * 10) + 1
    while tenths / 10 >= limit:
        tenths -= 1
    return max(0.0, tenths / 10)


def compile_red_lines(checker: Checker, sc: Scenario) -> None:
    """Check each red line (unique id, a condition, a declared band, a reason) and compile its ceiling."""
    bands = checker.doc.debrief.bands
    band_ids = [b.id for b in bands]
    seen: set[str] = set()
    compiled: list[CompiledRedLine] = []
    for i, line in enumerate(checker.doc.debrief.red_lines):
        base: PathKey = ("debrief", "red_lines", i)
        if line.id in seen:
            checker.err(
                "SG207", f"red line id `{line.id}` is used twice", (*base, "id"), hint="give each red line its own id"
            )
        seen.add(line.id)
        node = checker.compile_expr(line.when, (*base, "when"), "bool")
        if not line.why.strip():
            checker.err(
                "SG203",
                f"red line `{line.id}` does not say why it matters",
                (*base, "why"),
                hint="the debrief shows `why` to the player: name the rule or duty and what crossing it costs",
            )
        if line.cap not in band_ids:
            checker.err(
                "SG306",
                f"`{line.cap}` is not a band of this debrief",
                (*base, "cap"),
                hint=_hint(line.cap, band_ids, "name one of the bands under `debrief: bands:`"),
            )
            continue
        if node is None:
            continue
        at = band_ids.index(line.cap)
        ceiling = 100.0 if at == 0 else ceiling_below(bands[at - 1].min)
        compiled.append(CompiledRedLine(line.id, node, line.cap, ceiling, line.why))
    sc.red_lines = tuple(compiled)


def check_diverts(checker: Checker) -> None:
    """SG407: events whose `goto`s could send play round in a circle (or too far) with no decision between."""
    scenes = checker.doc.scenes
    diverts: dict[str, list[Step]] = {}
    for sid, scene in scenes.items():
        steps = [(ev.goto, i) for i, ev in enumerate(scene.events) if ev.goto in scenes]
        if steps:
            diverts[sid] = steps
    trouble = divert_trouble(diverts, MAX_DIVERTS)
    if trouble is None:
        return
    kind, steps = trouble
    names = [sid for sid, _ in steps] + [scenes[steps[-1][0]].events[steps[-1][1]].goto or ""]
    if len(names) > 8:
        names = [*names[:4], "...", *names[-3:]]
    route = " -> ".join(names)
    first, event = steps[0]
    if kind == "cycle":
        message = f"events can send play round in a circle with no decision in between: {route}"
        hint = "the game could never stop; point one of these `goto`s at a scene outside the circle, or remove it"
    else:
        message = (
            f"events can send play through {len(steps)} scenes in a row with no decision in between "
            f"(the limit is {MAX_DIVERTS}): {route}"
        )
        hint = "let the player decide somewhere along the way: replace one `goto` with a choice"
    checker.err("SG407", message, ("scenes", first, "events", event, "goto"), hint=hint)


def check_sources(checker: Checker) -> None:
    """Sources are cited by id and shown as links: ids unique, links web addresses, dates not after `as_of`."""
    seen: set[str] = set()
    for i, src in enumerate(checker.doc.sources):
        base: PathKey = ("sources", i)
        if src.id in seen:
            checker.err(
                "SG207", f"source id `{src.id}` is used twice", (*base, "id"), hint="give each source its own id"
            )
        seen.add(src.id)
        url = src.url.strip()
        if url and not url.lower().startswith(("https://", "http://")):
            checker.err(
                "SG203",
                "a source's `url` must be a web address (https://…)",
                (*base, "url"),
                hint="leave `url` empty for a source in print only",
            )
        if src.date > checker.doc.as_of:
            checker.diags.append(
                checker.smap.diag(
                    "SG210",
                    f"source `{src.id}` is dated {src.date}, after the scenario's `as_of` ({checker.doc.as_of})",
                    (*base, "date"),
                    hint="the scenario states facts as of `as_of`: move `as_of` on, or check the source's date",
                )
            )
