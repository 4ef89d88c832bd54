"""Copy warnings: the words a player reads must say what the data claims.

SG609: a scene lists a glossary term its text never says, so the game has nothing to highlight
and the player meets the "shared language" only in a side panel. SG610: a debrief reason that
starts with a bare verb ("Put the agent back to work") reads as a fragment after "Plus 8 points:";
each reason is a clause with a subject. `lint` runs both; docs/diagnostics.md has their pages.
"""

from __future__ import annotations

import re

from simgame.format import variants
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.loader import Glossary

_FOLLOWER_WORDS = """
a an the this that these those its it itself their them his her him your our us every each all any no none
some nobody nothing someone something to on off in into onto out up down back over through across from with
without by for at about away only just again early late before after first
"""
_DETERMINER_WORDS = "a an the this that these those its their his her your our every each all no some it them"
# Past forms that are not nouns: "Chose speed over safety", "Kept data out" are fragments whatever follows.
_PAST_WORDS = """
ran gave found kept made took sent told built bought chose left paid brought sought held won lost spent went got
saw met said hid drew wrote threw sold stood led broke began became shut cut let put set
"""
# Base forms: imperatives ("Put the agent back") when a determiner follows; many are nouns too ("Scale").
_BASE_WORDS = """
put run give find keep make take let set send tell build buy choose leave pay bring seek hold win lose spend go
get see meet say shut cut hide draw write throw sell stand lead break begin become name measure ask launch scale
stop start block ban allow publish disclose pause train hire fund sign switch test trace remove refuse rely blame
use pick treat defend argue claim report replace rebuild redesign retrain skip bypass deploy ship involve
"""
_FOLLOWERS = frozenset(_FOLLOWER_WORDS.split())
_DETERMINERS = frozenset(_DETERMINER_WORDS.split())
_PAST = frozenset(_PAST_WORDS.split())
_BASE = frozenset(_BASE_WORDS.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def starts_with_bare_verb(reason: str) -> bool:
    """True for a reason with no subject: "Tested the model…", "Put the agent back…", "Never tested…",
    "Chose speed over safety". False for a clause with one ("The model was tested"), a gerund subject
    ("Stopping a model needed…"), an adjective ("Uncurated sources stayed…"), a noun that ends in -eed
    ("Speed to market mattered") and a fronted participle ("Embedded in the workflow, the model…")."""
    words = _WORD.findall(reason)
    if len(words) < 2:
        return False
    first, second = words[0].lower(), words[1].lower()
    if first == "never" or (first in ("did", "does", "failed") and second in ("not", "to")) or first == "didn't":
        return True
    head = reason.split(",", 1)[0]
    if "," in reason and len(_WORD.findall(head)) <= 6:
        return False  # "Embedded in the workflow, the model …": the subject comes after the comma
    if first in _PAST:
        return True
    if first.endswith("ed") and not first.endswith("eed") and len(first) > 3 and not first.startswith("un"):
        if second in _FOLLOWERS:
            return True
        # "Tested assumptions early" is a fragment; "Automated decisions went unreviewed" has a verb next
        third = words[2].lower() if len(words) > 2 else ""
        return (
            second.endswith("s")
            and not second.endswith("ss")
            and (not third or third in _FOLLOWERS or third.endswith("ly"))
        )
    return first in _BASE and second in _DETERMINERS


def copy_lint(sc: Scenario, glossary: Glossary | None) -> list[Diagnostic]:
    out = _reasons(sc)
    if glossary is not None:
        out += _absent_terms(sc, glossary)
    return out


def _reasons(sc: Scenario) -> list[Diagnostic]:
    places: list[tuple[tuple[str | int, ...], str, str]] = []
    for did, dim in sc.doc.debrief.dimensions.items():
        for i, a in enumerate(dim.adjust):
            size = f"{abs(a.points):g} point{'s' * (abs(a.points) != 1)}"
            lead = f"{'Plus' if a.points >= 0 else 'Minus'} {size}:"
            places.append((("debrief", "dimensions", did, "adjust", i, "why"), a.why, lead))
    for i, line in enumerate(sc.doc.debrief.red_lines):
        places.append((("debrief", "red_lines", i, "why"), line.why, "Red line crossed:"))
    out = []
    for path, why, lead in places:
        if starts_with_bare_verb(why):
            opening = " ".join(why.split()[:5])
            out.append(
                sc.smap.diag(
                    "SG610",
                    f"the debrief reason “{opening}…” starts with a bare verb, so the debrief shows a "
                    f"fragment: “{lead} {opening}…”",
                    path,
                    hint="give it a subject: “You tested the model…” or “The model was tested…”",
                )
            )
    return out


def _absent_terms(sc: Scenario, glossary: Glossary) -> list[Diagnostic]:
    out = []
    for sid, scene in sc.doc.scenes.items():
        for i, tid in enumerate(scene.terms):
            term = glossary.doc.terms.get(tid)
            if term is None:  # an unknown id is the engine check's error, not a copy warning
                continue
            names = sorted({term.term, *term.aliases}, key=len, reverse=True)
            if not any(_says(variants.every_word(scene.text), name) for name in names):
                out.append(
                    sc.smap.diag(
                        "SG609",
                        f"the scene lists `{tid}` in `terms:` but its text never says “{term.term}” "
                        f"or any of its aliases",
                        ("scenes", sid, "terms", i),
                        hint="use the term where the scene needs it, or take it off `terms:` "
                        "(aliases are in the glossary)",
                    )
                )
    return out


def _says(text: str, name: str) -> bool:
    name = name.strip()
    if not name:
        return False
    pattern = r"(?<![\w-])" + re.escape(name) + r"(?![\w-])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None
