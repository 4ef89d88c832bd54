"""Which session a request is for: the join code it carries, checked against the hub's sessions.

A hub that serves named sessions compares the code with them in memory. A hub that serves every
session in its store must look a code up, and that lookup is what a guesser would lean on, so:

- an address that must wait (:class:`~simgame.cohort.perimeter.CodeBackoff`) is refused before any lookup;
- a code not yet known counts as a wrong guess *before* it is looked up, and is forgiven only if it
  exists: requests sent together cannot all slip past the count, and one right code never wipes
  out an address's wrong ones (a player who knows one room's code gains nothing towards another's);
- codes found, and codes missing, are remembered for a few seconds, and one lookup per code is in
  flight at a time: a room of sixty joining at once behind one address costs one lookup, not sixty
  wrong guesses.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from simgame.cohort.codes import codes_equal, is_valid_code, normalise_code
from simgame.cohort.errors import CohortError
from simgame.cohort.perimeter import CodeBackoff
from simgame.cohort.store import Cohort, StoreUnavailable

KNOWN_FOR_S = 30.0  # a session found in the store is not looked up again for this long
MISSING_FOR_S = 30.0  # nor a code that names none
MAX_REMEMBERED = 10_000

OK, WRONG, WAIT, NONE = "ok", "wrong", "wait", "none"


@dataclass(frozen=True)
class Verdict:
    kind: str  # ok: the session is ``code``; wrong: a wrong code, counted; wait: this address must wait; none
    code: str | None = None
    is_open: bool = True
    wait: float = 0.0
    count: int = 0  # wrong codes in a row from this address (wrong, wait)


class SessionFinder:
    def __init__(
        self,
        only: frozenset[str] | None,
        lookup: Callable[[str], Awaitable[Cohort]],
        backoff: CodeBackoff,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.only = only
        self.lookup = lookup  # the store's `cohort`, on the hub's store thread
        self.backoff = backoff
        self.clock = clock
        self._known: dict[str, tuple[float, bool]] = {}  # code -> (until, open)
        self._missing: dict[str, float] = {}  # code -> until
        self._pending: dict[str, asyncio.Task[Cohort | None]] = {}

    async def check(self, supplied: str | None, address: str | None) -> Verdict:
        wait = self.backoff.wait(address)
        if wait > 0:
            return Verdict(WAIT, wait=wait)
        if not supplied:
            return Verdict(NONE)
        code = normalise_code(str(supplied))
        if self.only is not None:
            match = next((c for c in self.only if codes_equal(code, c)), None)
            if match is not None:
                self.backoff.right(address)
                return Verdict(OK, match)
            return self._wrong(address)
        if not is_valid_code(code):
            return self._wrong(address)
        now = self.clock()
        known = self._known.get(code)
        if known is not None and known[0] > now:
            return Verdict(OK, code, is_open=known[1])
        if self._missing.get(code, 0.0) > now:
            return self._wrong(address)
        task = self._pending.get(code)
        starter, count = task is None, 0
        if task is None:
            count, delay = self.backoff.wrong(address)  # provisional: forgiven below if the code exists
            if delay > 0:
                return Verdict(WAIT, wait=delay, count=count)
            task = asyncio.get_running_loop().create_task(self._look_up(code))
            self._pending[code] = task
        cohort = await asyncio.shield(task)
        if cohort is None:
            return Verdict(WRONG, count=count) if starter else self._wrong(address)
        if starter:
            self.backoff.forgive(address)
        return Verdict(OK, code, is_open=cohort.is_open)

    def _wrong(self, address: str | None) -> Verdict:
        count, delay = self.backoff.wrong(address)
        return Verdict(WRONG, wait=delay, count=count)  # answered as wrong; the wait applies from the next

    async def _look_up(self, code: str) -> Cohort | None:
        now = self.clock()
        cohort: Cohort | None = None
        try:
            cohort = await self.lookup(code)
            self._known[code] = (now + KNOWN_FOR_S, cohort.is_open)
        except StoreUnavailable:  # not a verdict on the code: nothing remembered
            pass
        except CohortError:
            self._missing[code] = now + MISSING_FOR_S
        finally:
            self._pending.pop(code, None)
        if len(self._known) > MAX_REMEMBERED:
            self._known = {c: v for c, v in self._known.items() if v[0] > now}
        if len(self._missing) > MAX_REMEMBERED:
            self._missing = {c: until for c, until in self._missing.items() if until > now}
        return cohort

    def forget(self, code: str) -> None:
        """A session just closed or created: look it up afresh next time."""
        self._known.pop(code, None)
        self._missing.pop(code, None)
