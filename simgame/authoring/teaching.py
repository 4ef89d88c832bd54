"""A scenario's teaching note: the facilitator's guide that sits beside the scenario file.

A note is Markdown at ``<scenario folder>/teaching-notes/<scenario id>.md``, written like a
business-school teaching note. `simgame notes` shows it and the room debrief carries it as an
appendix, so a facilitator prepares and runs the session from one place. :func:`note_problems`
is the structure both rely on (the headings in order, decision ids that exist), checked for
every shipped scenario by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from simgame.format.compiled import Scenario
from simgame.format.inert import inert
from simgame.format.safefile import SafeReadError, read_capped

NOTES_FOLDER = "teaching-notes"
MAX_NOTE_BYTES = 256 * 1024
SECTIONS = (
    "At a glance",
    "Learning objectives",
    "The decisions that divide rooms",
    "Discussion questions",
    "Hot-wash prompts",
    "The facts behind the story",
    "Run sheet: 60 minutes",
    "Run sheet: 90 minutes",
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DECISION_BULLET = re.compile(r"^\s*[-*]\s+`([^`]+)`")


@dataclass(frozen=True)
class TeachingNote:
    path: Path
    text: str

    def lines(self) -> list[tuple[str, bool]]:
        """Each line, and whether it is prose (not inside a ``` code fence, where `#` is not a heading)."""
        out: list[tuple[str, bool]] = []
        fenced = False
        for line in self.text.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                out.append((line, False))
                continue
            out.append((line, not fenced))
        return out

    def sections(self) -> list[str]:
        """The level-2 headings, in order."""
        return [
            m.group(2) for line, prose in self.lines() if prose and (m := _HEADING.match(line)) and len(m.group(1)) == 2
        ]

    def section(self, title: str) -> str:
        """The body of one level-2 section ('' if the note has none)."""
        out: list[str] = []
        inside = False
        for line, prose in self.lines():
            m = _HEADING.match(line) if prose else None
            if m and len(m.group(1)) <= 2:
                inside = len(m.group(1)) == 2 and m.group(2) == title
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()


def note_path(scenario_file: Path | str, scenario_id: str) -> Path:
    return Path(scenario_file).parent / NOTES_FOLDER / f"{scenario_id}.md"


def find_note(scenario: Scenario) -> TeachingNote | None:
    """The scenario's note, or None when it has none or it cannot be read as text.

    Read like every other file: a regular file only, capped, and made inert (controls shown, not
    obeyed), so a note can never take over a terminal or a report.
    """
    path = note_path(scenario.smap.file, scenario.id)
    if not path.exists():
        return None
    try:
        raw = read_capped(path, MAX_NOTE_BYTES)
    except (SafeReadError, OSError):
        return None
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return TeachingNote(path, inert(text))


def note_problems(scenario: Scenario, note: TeachingNote) -> list[str]:
    """What keeps ``note`` from being a usable teaching note, in plain words (empty when it is)."""
    problems: list[str] = []
    found = note.sections()
    missing = [s for s in SECTIONS if s not in found]
    if missing:
        problems.append("missing section(s): " + ", ".join(f"“## {s}”" for s in missing))
    present = [s for s in found if s in SECTIONS]
    if not missing and present != list(SECTIONS):
        problems.append("sections out of order: expected " + " → ".join(SECTIONS))
    first = next((line for line in note.text.splitlines() if line.strip()), "")
    if not first.startswith("# Teaching note:"):
        problems.append("the first line should be “# Teaching note: <scenario title>”")
    decisions = {sid for sid, scene in scenario.doc.scenes.items() if len(scene.choices) > 1}
    named = [m.group(1) for line in note.section(SECTIONS[2]).splitlines() if (m := _DECISION_BULLET.match(line))]
    if not named:
        problems.append(f"“{SECTIONS[2]}” should start each bullet with a decision's scene id in backticks")
    for sid in named:
        if sid not in decisions:
            problems.append(f"“{SECTIONS[2]}” names `{sid}`, which is not a decision scene of {scenario.id}")
    return problems


def appendix_markdown(note: TeachingNote) -> list[str]:
    """The note as an appendix of a Markdown report: its headings one level down, its title replaced."""
    out = ["## Appendix: teaching note", ""]
    for line in note.text.splitlines():
        m = _HEADING.match(line)
        if m and len(m.group(1)) == 1:
            continue
        if m:
            out.append("#" * min(6, len(m.group(1)) + 1) + " " + m.group(2))
        else:
            out.append(line)
    return out


def to_html(markdown: str) -> str:
    """Markdown rendered to HTML with raw HTML refused (shown as text), for the room debrief."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return str(md.render(markdown))
