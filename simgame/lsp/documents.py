"""The server's memory of open documents: their index (kept from the last version whose YAML read),
their last check, positions in the client's units, and the debounce of checks while an author types."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from simgame.format.diagnostics import Diagnostic, LoadError, Severity
from simgame.format.yamlsource import parse_yaml
from simgame.lsp.checks import Checked
from simgame.lsp.symbols import Index, Span, build

DELAY = 0.3  # seconds of quiet typing before a document is checked again
_TOKEN = re.compile(r"[^\s,:\[\]{}()]+")


def fs_path(uri: str) -> Path | None:
    """The file behind a `file:` URI, or None (an unsaved buffer)."""
    if not uri.startswith("file:"):
        return None
    found = to_fs_path(uri)
    return Path(found) if found else None


@dataclass
class Documents:
    """What the server knows about each open document, by URI."""

    indexes: dict[str, tuple[int | None, Index]] = field(default_factory=dict)
    checks: dict[str, tuple[int | None, Checked]] = field(default_factory=dict)

    def index(self, doc: TextDocument) -> Index:
        """The document's index: of this version when its YAML reads, else of the last version that did."""
        cached = self.indexes.get(doc.uri)
        if cached is not None and cached[0] == doc.version:
            return cached[1]
        try:
            data, smap = parse_yaml(doc.source, doc.uri)
            found = build(data, smap)
        except LoadError:
            found = cached[1] if cached is not None else Index()
        self.indexes[doc.uri] = (doc.version, found)
        return found

    def forget(self, uri: str) -> None:
        self.indexes.pop(uri, None)
        self.checks.pop(uri, None)


# -- positions -------------------------------------------------------------------------------------------------


def to_range(doc: TextDocument, span: Span) -> types.Range:
    server = types.Range(types.Position(span.line, span.start), types.Position(span.line, span.end))
    return doc.position_codec.range_to_client_units(doc.lines, server)


def from_position(doc: TextDocument, position: types.Position) -> tuple[int, int]:
    p = doc.position_codec.position_from_client_units(doc.lines, position)
    return p.line, p.character


def diagnostic_span(lines: list[str], d: Diagnostic) -> Span:
    """The place a diagnostic marks: the word at its column, or its whole line."""
    if not d.line:
        return Span(0, 0, len(lines[0]) if lines else 0)
    line = min(d.line, max(len(lines), 1)) - 1
    text = lines[line] if line < len(lines) else ""
    col = max(0, min(d.col - 1, len(text)))
    m = _TOKEN.match(text, col)
    if m and m.end() > col:
        return Span(line, col, m.end())
    return Span(line, col, max(col + 1, len(text.rstrip())) if col >= len(text.rstrip()) else col + 1)


def to_lsp(doc: TextDocument, d: Diagnostic, name: str) -> types.Diagnostic:
    """An LSP diagnostic for a problem in the document ``name`` (one found in another file is shown at the top)."""
    lines = [line.rstrip("\r\n") for line in doc.lines]
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    if d.file and d.file != name:
        message = f"{d.location()}: {message}"
        d = Diagnostic(d.code, d.message, severity=d.severity)
    return types.Diagnostic(
        range=to_range(doc, diagnostic_span(lines, d)),
        message=message,
        severity=types.DiagnosticSeverity.Error if d.severity is Severity.ERROR else types.DiagnosticSeverity.Warning,
        code=d.code,
        source="simgame",
    )


# -- debounce --------------------------------------------------------------------------------------------------


class Debouncer:
    """Run ``action(key)`` once a key has been quiet for ``delay`` seconds; each poke restarts its wait.

    Keys are independent: one document's wait or check never holds up another's.
    """

    def __init__(
        self,
        action: Callable[[str], Awaitable[None]],
        delay: float = DELAY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.action, self.delay, self.sleep = action, delay, sleep
        self.waiting: dict[str, asyncio.Task[None]] = {}

    def poke(self, key: str) -> asyncio.Task[None]:
        old = self.waiting.pop(key, None)
        if old is not None:
            old.cancel()
        task = asyncio.ensure_future(self._later(key))
        self.waiting[key] = task
        return task

    def cancel(self, key: str) -> None:
        old = self.waiting.pop(key, None)
        if old is not None:
            old.cancel()

    async def _later(self, key: str) -> None:
        await self.sleep(self.delay)
        if self.waiting.get(key) is asyncio.current_task():
            del self.waiting[key]
        await self.action(key)
