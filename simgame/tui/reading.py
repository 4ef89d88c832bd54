"""Reading a folder's files one at a time, so that one bad file never stops the rest nor the app.

Each file is read on a daemon thread while the caller (a Textual thread worker) waits in 50 ms
steps, asking whether it was cancelled: a file that never finishes (a stalled network drive) is
listed as too slow after a time limit and the rest are read on a fresh thread, and quitting never
waits for a read, because a daemon thread never keeps the process alive.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from simgame.format.safefile import special_kind
from simgame.i18n import _

_POLL = 0.05

Cancelled = Callable[[], bool]
P = TypeVar("P")
R = TypeVar("R")


class LoadCancelled(Exception):
    """The app is closing (or the screen went away): stop reading files."""


def never() -> bool:
    """A ``cancelled`` for callers outside a worker: never cancelled."""
    return False


def not_a_file(path: Path) -> str:
    """Why ``path`` is not a file to read ("" if it is one), without opening it: a pipe, a device, a folder."""
    what = special_kind(path)
    return _("it is {what}, not a file simgame can read").format(what=what) if what else ""


def read_each(
    items: Sequence[P],
    read: Callable[[P], R],
    too_slow: Callable[[P], R],
    limit: float,
    cancelled: Cancelled = never,
) -> list[R]:
    """``read`` every item in order on a daemon thread; an item that takes over ``limit`` seconds gets
    ``too_slow(item)`` and the rest go on on a fresh thread. ``read`` must not raise.

    Raises LoadCancelled as soon as ``cancelled()`` is true (asked every 50 ms). A thread left behind
    is a daemon: it finishes (or not) on its own and never keeps the process from exiting.
    """
    results: dict[int, R] = {}
    start = 0
    while start < len(items):
        lane: queue.SimpleQueue[tuple[int, R]] = queue.SimpleQueue()
        stop = threading.Event()

        def work(begin: int, lane: queue.SimpleQueue[tuple[int, R]], stop: threading.Event) -> None:
            for index in range(begin, len(items)):
                if stop.is_set():
                    return
                lane.put((index, read(items[index])))

        threading.Thread(target=work, args=(start, lane, stop), daemon=True, name="simgame-read").start()
        deadline = time.monotonic() + limit
        while start < len(items):
            try:
                index, result = lane.get(timeout=_POLL)
            except queue.Empty:
                if cancelled():
                    stop.set()
                    raise LoadCancelled from None
                if time.monotonic() >= deadline:
                    stop.set()
                    results[start] = too_slow(items[start])
                    start += 1
                    break  # a fresh thread for the rest
                continue
            results[index] = result
            start = index + 1
            deadline = time.monotonic() + limit
        if cancelled():
            raise LoadCancelled
    return [results[i] for i in range(len(items))]
