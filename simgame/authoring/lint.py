"""Quality warnings (SG6xx) beyond the engine's checks: loose ends an author wants to know about.

`simgame validate` calls :func:`lint` after a clean engine check (the scenario compiled),
and :func:`unused_glossary_terms` when it validates a folder that holds glossary.yaml.
Each code has a page in docs/diagnostics.md with a failing example and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simgame.analysis.keys import all_expressions
from simgame.authoring.copylint import copy_lint
from simgame.format import expr, variants
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic, make
from simgame.format.loader import Glossary
from simgame.format.model import Choice

MAX_CHOICES = 4  # docs/format-v1.md: 1-4 choices; more and the decision becomes a list to scan
WORDS_PER_MINUTE = 200  # a careful reader of business prose; a scene should be read in a minute
_WORD = re.compile(r"[\w'’-]+")


def word_count(text: str) -> int:
    """Words of every arm of a passage, its `{if …}` tags left out."""
    return len(_WORD.findall(variants.every_word(text)))


def lint(sc: Scenario, glossary: Glossary | None = None) -> list[Diagnostic]:
    """Every quality warning for a compiled scenario, located in its file."""
    out: list[Diagnostic] = []
    out += _flags(sc)
    out += _metrics(sc)
    out += _twins(sc)
    out += _endings(sc)
    out += _long_text(sc)
    out += _notes(sc)
    if glossary is not None:
        out += _unlisted_terms(sc, glossary)
    out += copy_lint(sc, glossary)
    out += too_many_choices(sc)
    return out


def _reads(sc: Scenario) -> set[str]:
    names: set[str] = set()
    for node in all_expressions(sc):
        plain, _, _ = expr.names_used(node)
        names |= plain
    return names


def _flags(sc: Scenario) -> list[Diagnostic]:
    doc, smap = sc.doc, sc.smap
    read = _reads(sc)
    set_somewhere: set[str] = set()
    for scene in doc.scenes.values():
        for ch in scene.choices:
            set_somewhere |= set(ch.set)
        for ev in scene.events:
            set_somewhere |= set(ev.set)
    out = []
    for flag in doc.flags:
        if flag in set_somewhere and flag not in read:
            out.append(
                smap.diag(
                    "SG600",
                    f"flag `{flag}` is set but nothing reads it",
                    ("flags", flag),
                    key=True,
                    hint="read it in a `when` (a later event, choice, ending or debrief adjust), or remove it",
                )
            )
        elif flag in read and flag not in set_somewhere:
            out.append(
                smap.diag(
                    "SG601",
                    f"flag `{flag}` is read but no choice or event sets it",
                    ("flags", flag),
                    key=True,
                    hint="add it to a choice's `set:` list, or remove the conditions that read it",
                )
            )
    return out


def _metrics(sc: Scenario) -> list[Diagnostic]:
    moved = {e.metric for c in sc.choices.values() for e in c.effects}
    moved |= {e.metric for evs in sc.scene_events.values() for ev in evs for e in ev.effects}
    return [
        sc.smap.diag(
            "SG602",
            f"metric `{mid}` is never changed by a choice or event",
            ("metrics", mid),
            key=True,
            hint="give some choices an effect on it, or remove it from the dashboard",
        )
        for mid in sc.doc.metrics
        if mid not in moved
    ]


def _twins(sc: Scenario) -> list[Diagnostic]:
    out = []
    for sid, scene in sc.doc.scenes.items():
        seen: dict[tuple[object, ...], str] = {}
        for i, ch in enumerate(scene.choices):
            effect = (tuple(sorted(ch.effects.items())), frozenset(ch.set), frozenset(ch.clear), ch.next, ch.once)
            twin = seen.get(effect)
            if twin is not None:
                out.append(
                    sc.smap.diag(
                        "SG603",
                        f"choice `{ch.id}` has exactly the same effects, flags and next scene as `{twin}`",
                        ("scenes", sid, "choices", i, "id"),
                        hint="make the trade-off real: different effects, a flag a later event reads, or a "
                        "different next scene",
                    )
                )
            else:
                seen[effect] = ch.id
    return out


def _endings(sc: Scenario) -> list[Diagnostic]:
    return [
        sc.smap.diag(
            "SG605",
            f"ending `{eid}` has no debrief text",
            ("endings", eid),
            key=True,
            hint="add `debrief:` saying why this outcome happened and what to carry into real work",
        )
        for eid, ending in sc.doc.endings.items()
        if not ending.debrief.strip()
    ]


def _long_text(sc: Scenario) -> list[Diagnostic]:
    out = []
    places: list[tuple[tuple[str | int, ...], str]] = [
        (("scenes", sid, "text"), scene.text) for sid, scene in sc.doc.scenes.items()
    ]
    places += [(("endings", eid, "text"), e.text) for eid, e in sc.doc.endings.items()]
    for path, text in places:
        words = word_count(text)
        if words > WORDS_PER_MINUTE:
            out.append(
                sc.smap.diag(
                    "SG606",
                    f"{words} words: longer than an executive reads in a minute ({WORDS_PER_MINUTE})",
                    path,
                    hint="cut to 60-180 words; move detail into the debrief or split the scene",
                )
            )
    return out


def _notes(sc: Scenario) -> list[Diagnostic]:
    out = []
    for sid, scene in sc.doc.scenes.items():
        for i, ch in enumerate(scene.choices):
            missing = [name for name, text in (("feedback", ch.feedback), ("debrief", ch.debrief)) if not text.strip()]
            if missing:
                out.append(
                    sc.smap.diag(
                        "SG607",
                        f"choice `{ch.id}` has no {' and no '.join(missing)}",
                        ("scenes", sid, "choices", i, "id"),
                        hint="`feedback:` says what happens at once; `debrief:` what an experienced leader notices",
                    )
                )
    return out


def _alias_pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({a for a in aliases if a.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")


def _unlisted_terms(sc: Scenario, glossary: Glossary) -> list[Diagnostic]:
    patterns = {tid: _alias_pattern(t.aliases) for tid, t in glossary.doc.terms.items()}
    out = []
    for sid, scene in sc.doc.scenes.items():
        listed = set(scene.terms)
        words = variants.every_word(scene.text)  # a condition's names are not prose
        covered = [m.span() for tid in listed if (p := patterns.get(tid)) is not None for m in p.finditer(words)]
        for tid, pattern in patterns.items():
            if tid in listed or pattern is None:
                continue
            # "automation bias" (listed) covers the "bias" inside it: only uncovered matches count
            match = next(
                (m for m in pattern.finditer(words) if not any(a <= m.start() and m.end() <= b for a, b in covered)),
                None,
            )
            if match:
                line, col = _find_in_source(sc, ("scenes", sid, "text"), match.group(0))
                out.append(
                    make(
                        "SG608",
                        f"the text says “{match.group(0)}”, a glossary term, but `terms:` does not list `{tid}`",
                        file=sc.smap.file,
                        line=line,
                        col=col,
                        snippet=sc.smap.snippet(line),
                        hint=f"add `{tid}` to this scene's `terms:` so players can look it up",
                    )
                )
    return out


def _find_in_source(sc: Scenario, path: tuple[str, ...], words: str) -> tuple[int, int]:
    """The line and column of ``words`` inside a (possibly multi-line) text value, for the caret."""
    line, col = sc.smap.locate(path)
    for n in range(line, min(len(sc.smap.lines), line + 200) + 1):
        found = sc.smap.snippet(n).find(words)
        if found >= 0:
            return n, found + 1
    return line, col


def terms_used(data: object) -> set[str]:
    """Glossary ids a scenario's scenes list, read from the raw document (works even if it has errors)."""
    scenes = data.get("scenes") if isinstance(data, dict) else None
    if not isinstance(scenes, dict):
        return set()
    return {
        t
        for scene in scenes.values()
        if isinstance(scene, dict)
        for t in (scene.get("terms") or [])
        if isinstance(t, str)
    }


def unused_glossary_terms(glossary: Glossary, used: set[str]) -> list[Diagnostic]:
    """Terms defined in the glossary that no scenario in its folder lists in a scene's `terms:`."""
    return [
        glossary.smap.diag(
            "SG604",
            f"glossary term `{tid}` is not used by any scenario in this folder",
            ("terms", tid),
            key=True,
            hint="list it in a scene's `terms:`, or remove it from the glossary",
        )
        for tid in (glossary.own or glossary.doc.terms)  # the shared terms are other folders' business
        if tid not in used
    ]


def too_many_choices(sc: Scenario) -> list[Diagnostic]:
    """SG612: more options shown at once than a player can weigh. Two hidden variants whose conditions
    exclude each other (`when: owner` and `when: not owner`, no `locked:`) are never shown together."""
    out = []
    for sid, scene in sc.doc.scenes.items():
        shown = _most_shown(scene.choices)
        if shown > MAX_CHOICES:
            out.append(
                sc.smap.diag(
                    "SG612",
                    f"{shown} choices can be shown at once: more than the {MAX_CHOICES} a player can weigh",
                    ("scenes", sid, "choices"),
                    hint="keep the strongest options, or split the decision into two scenes",
                )
            )
    return out


def _most_shown(choices: Iterable[Choice]) -> int:
    conditions = [" ".join(c.when.split()) if c.when and not c.locked else None for c in choices]
    count = len(conditions)
    hidden = [w for w in conditions if w is not None]
    used: set[int] = set()
    for i, a in enumerate(hidden):
        for j in range(i + 1, len(hidden)):
            b = hidden[j]
            if i in used or j in used:
                continue
            if _negation(a) == b or _negation(b) == a:
                used |= {i, j}
                count -= 1  # one of the pair at a time
    return count


def _negation(condition: str) -> str:
    inner = condition[4:] if condition.startswith("not ") else None
    if inner is None:
        return f"not {condition}"
    return inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner
