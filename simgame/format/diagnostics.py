"""Located problems in a scenario: stable codes, severities, and compiler-style rendering.

Every problem an author can make is reported as ``file:line:col: CODE severity: message``,
followed by the source line, a caret, and a hint. Codes never change meaning.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from simgame.format.inert import inert


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> (severity, one-line summary). docs/diagnostics.md documents each with an example.
CODES: dict[str, tuple[Severity, str]] = {
    # SG1xx: the file itself
    "SG100": (Severity.ERROR, "the file cannot be read"),
    "SG101": (Severity.ERROR, "the file is not valid UTF-8 text"),
    "SG102": (Severity.ERROR, "the file is too large"),
    "SG103": (Severity.ERROR, "YAML syntax error"),
    "SG104": (Severity.ERROR, "anchors and aliases are not allowed"),
    "SG105": (Severity.ERROR, "duplicate key"),
    "SG106": (Severity.ERROR, "nesting too deep"),
    "SG107": (Severity.ERROR, "unsupported YAML tag"),
    "SG108": (Severity.ERROR, "the file is empty or not a mapping"),
    "SG109": (Severity.ERROR, "several YAML documents in one file"),
    "SG110": (Severity.ERROR, "mapping keys must be plain text"),
    # SG2xx: shape of the document
    "SG200": (Severity.ERROR, "required field missing"),
    "SG201": (Severity.ERROR, "unknown field"),
    "SG202": (Severity.ERROR, "wrong type of value"),
    "SG203": (Severity.ERROR, "value out of range or not allowed"),
    "SG204": (Severity.ERROR, "badly formed id"),
    "SG205": (Severity.ERROR, "unsupported format version"),
    "SG206": (Severity.ERROR, "id is a reserved word"),
    "SG207": (Severity.ERROR, "duplicate id"),
    "SG210": (Severity.WARNING, "a source dated after the scenario's as_of"),
    "SG220": (Severity.ERROR, "a translation does not fit its original"),
    "SG221": (Severity.WARNING, "a translation may read differently from its original"),
    # SG3xx: references
    "SG300": (Severity.ERROR, "unknown scene or ending"),
    "SG301": (Severity.ERROR, "unknown scene or choice in an expression"),
    "SG302": (Severity.ERROR, "unknown metric"),
    "SG303": (Severity.ERROR, "unknown flag"),
    "SG304": (Severity.ERROR, "unknown phase"),
    "SG305": (Severity.ERROR, "unknown glossary term"),
    "SG306": (Severity.ERROR, "unknown dimension or band reference"),
    "SG307": (Severity.ERROR, "glossary term defined in two glossaries"),
    # SG4xx: structure of play
    "SG400": (Severity.ERROR, "scene cannot be reached"),
    "SG401": (Severity.ERROR, "dead end: a scene with no way on"),
    "SG402": (Severity.ERROR, "ending cannot be reached"),
    "SG403": (Severity.WARNING, "no default ending for `next: end`"),
    "SG404": (Severity.WARNING, "a scene may have no available choice"),
    "SG405": (Severity.ERROR, "choice cannot be reached"),
    "SG406": (Severity.ERROR, "cycle with no way out"),
    "SG407": (Severity.ERROR, "events can divert play in a circle"),
    "SG408": (Severity.WARNING, "a condition the metric ranges make impossible"),
    "SG409": (Severity.WARNING, "a chance that can leave 0-1"),
    # SG5xx: expressions
    "SG500": (Severity.ERROR, "expression syntax error"),
    "SG502": (Severity.ERROR, "unknown name in an expression"),
    "SG503": (Severity.ERROR, "expression type error"),
    "SG504": (Severity.ERROR, "conditional text with a tag out of place"),
    # SG6xx: quality warnings (author toolkit)
    "SG600": (Severity.WARNING, "flag is set but never read"),
    "SG601": (Severity.WARNING, "flag is read but never set"),
    "SG602": (Severity.WARNING, "metric no choice or event moves"),
    "SG603": (Severity.WARNING, "choice identical in effect to a sibling"),
    "SG604": (Severity.WARNING, "glossary term defined but never used"),
    "SG605": (Severity.WARNING, "ending without debrief text"),
    "SG606": (Severity.WARNING, "text longer than an executive reads in a minute"),
    "SG607": (Severity.WARNING, "choice without feedback or debrief note"),
    "SG608": (Severity.WARNING, "glossary term in the text but not in the scene's terms"),
    "SG609": (Severity.WARNING, "glossary term in the scene's terms but not in its text"),
    "SG610": (Severity.WARNING, "debrief reason that starts with a bare verb"),
    "SG611": (Severity.WARNING, "an arm of conditional text that can never show"),
    "SG612": (Severity.WARNING, "more choices than a player can weigh at once"),
    "SG613": (Severity.WARNING, "`minutes:` far from the measured reading time"),
    # SG7xx: balance (simgame explore, simgame validate --strict): can a habit win where judgement should?
    "SG700": (Severity.WARNING, "position tell: where an option is shown predicts the best one"),
    "SG701": (Severity.WARNING, "label-length tell: the longest (or shortest) label predicts the best option"),
    "SG702": (Severity.WARNING, "a simple habit reaches the top band"),
    "SG703": (Severity.WARNING, "an ending's tone contradicts the band it can be reached in"),
    "SG704": (Severity.WARNING, "a run that crossed a red line can score in the top two bands"),
    "SG705": (Severity.WARNING, "a decision whose options barely differ and have no later consequence"),
}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    file: str = ""
    line: int = 0  # 1-based; 0 when the problem is not tied to a place
    col: int = 0  # 1-based
    hint: str = ""
    snippet: str = ""  # the source line
    severity: Severity = field(default=Severity.ERROR)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file or "<input>"

    def render(self) -> str:
        """Compiler-style text: location, code, message, source line with caret, hint."""
        lines = [f"{self.location()}: {self.code} {self.severity.value}: {self.message}"]
        if self.snippet and self.line:
            text = inert(self.snippet.rstrip("\n").replace("\t", " "), keep_lines=False)
            if len(text) > 160:
                start = max(0, self.col - 80)
                text = text[start : start + 160]
                caret_col = self.col - start
            else:
                caret_col = self.col
            lines.append(f"{self.line:>5} | {text}")
            lines.append(f"      | {' ' * max(0, caret_col - 1)}^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def make(code: str, message: str, **kw: object) -> Diagnostic:
    """Build a diagnostic with the severity its code is registered with."""
    severity = CODES[code][0]
    return Diagnostic(code=code, message=message, severity=severity, **kw)  # type: ignore[arg-type]


class LoadError(Exception):
    """A scenario, glossary or save could not be loaded; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0].render() if diagnostics else "unknown problem"
        super().__init__(first)

    def render(self) -> str:
        return "\n\n".join(d.render() for d in self.diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)


def summary(diags: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def to_json(diags: list[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diags], indent=2)
