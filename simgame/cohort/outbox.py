"""A player's local outbox: every event is written to disk first, then sent with the same id until acknowledged.

A dropped network or a restarted hub only delays events; the hub stores each id once,
so resending is always safe. The outbox is two append-only files: the events, and the
ids the hub has acknowledged. An event the hub refused (it could not have happened: the game
and the session disagree) is set aside in a third file with the reason, so it never blocks the
events after it; the player is told.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simgame.cohort.errors import CohortError
from simgame.cohort.events import Event, event_from_json
from simgame.format.safefile import SafeReadError, read_capped
from simgame.format.safejson import JSONLimitError, loads_limited

Sender = Callable[[list[dict[str, Any]]], bool]  # True once the hub has stored (or already had) them
BATCH = 50
MAX_FILE_BYTES = 32 * 1024 * 1024  # one player's events for a session are a few hundred kilobytes
MAX_LINE_DEPTH = 16  # an event is two levels deep


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._events = folder / "events.jsonl"
        self._acked = folder / "acked.txt"
        self._refused = folder / "refused.jsonl"
        self._lock = threading.RLock()

    def add(self, event: Event) -> None:
        """Persist the event before anything is sent (fsync: a crash after this keeps it)."""
        line = json.dumps(event.to_json(), sort_keys=True, ensure_ascii=False) + "\n"
        with self._lock, self._events.open("a+b") as fh:
            if fh.tell() > 0:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":  # a line torn by a crash (a full disk): end it, never join the next to it
                    line = "\n" + line
            fh.write(line.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def _read(self, path: Path) -> str:
        """A file of the outbox: "" when it does not exist yet; CohortError if it is not a regular file or too big."""
        try:
            raw = read_capped(path, MAX_FILE_BYTES)
        except SafeReadError as exc:
            if exc.kind == "missing":
                return ""
            raise CohortError(f"the outbox cannot be read: {exc.message}") from None
        return raw.decode("utf-8", "replace")

    def all(self) -> list[dict[str, Any]]:
        out = []
        for line in self._read(self._events).splitlines():
            try:
                raw = loads_limited(line, max_depth=MAX_LINE_DEPTH)
            except JSONLimitError:
                continue  # a line torn by a crash mid-write was never acknowledged either
            if isinstance(raw, dict):
                out.append(raw)
        return out

    def acked(self) -> set[str]:
        return set(self._read(self._acked).split())

    def refused(self) -> dict[str, str]:
        """Event id -> why the hub refused it."""
        out: dict[str, str] = {}
        for line in self._read(self._refused).splitlines():
            try:
                raw = loads_limited(line, max_depth=2)
            except JSONLimitError:
                continue
            if isinstance(raw, dict):
                out[str(raw.get("id"))] = str(raw.get("reason", ""))
        return out

    def refuse(self, event_id: str, reason: str) -> None:
        """Set an event aside: the hub refused it, so it is never sent again."""
        line = json.dumps({"id": event_id, "reason": reason[:300]}, ensure_ascii=False) + "\n"
        with self._lock, self._refused.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def pending(self) -> list[dict[str, Any]]:
        done = self.acked() | set(self.refused())
        return [e for e in self.all() if e.get("id") not in done]

    def events(self) -> list[Event]:
        """Everything this player recorded, acknowledged or not, except what the hub refused (for export)."""
        out = []
        refused = self.refused()
        for raw in self.all():
            if raw.get("id") in refused:
                continue
            try:
                out.append(event_from_json(raw))
            except ValueError:
                continue
        return out

    def flush(self, send: Sender) -> int:
        """Send pending events in batches; returns how many are still pending (0 = all delivered)."""
        with self._lock:
            pending = self.pending()
            while pending:
                batch = pending[:BATCH]
                if not send(batch):
                    return len(pending)
                with self._acked.open("a", encoding="utf-8") as fh:
                    fh.write("".join(f"{e['id']}\n" for e in batch))
                    fh.flush()
                    os.fsync(fh.fileno())
                pending = pending[BATCH:]
            return 0


class Flusher:
    """Flushes an outbox in the background until stopped; waits grow from 0.5 s to 5 s while the hub is away."""

    def __init__(self, outbox: Outbox, send: Sender) -> None:
        self.outbox = outbox
        self.send = send
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="simgame-outbox", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                left = self.outbox.flush(self.send)
            except CohortError:  # an outbox file replaced by something unreadable: keep the game going
                left = 1
            delay = 0.5 if left == 0 else min(5.0, delay * 2)
            self._wake.wait(delay if left else 2.0)
            self._wake.clear()

    def stop(self, timeout: float = 3.0) -> int:
        """Stop, after one last bounded attempt; returns events still waiting to be sent."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            return len(self.outbox.pending())
        return self.outbox.flush(self.send)
