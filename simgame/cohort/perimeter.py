"""The hub's perimeter checks that need no server: which Host names it answers to, and code-guessing back-off.

`simgame.cohort.hub` applies them to every request; they live here so they can be read and
tested on their own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "localhost.localdomain"})
WILDCARD = ("0.0.0.0", "::", "")


class CodeBackoff:
    """Per-address back-off on wrong join codes: a few typos are free, then each wrong code doubles the wait.

    With the defaults, guessing drops to one try a minute after a dozen wrong codes (the
    alphabet has 887 million codes). While an address waits, every request from it that needs
    the code is refused (429) without looking at the code, so guessing in parallel gains nothing.
    IPv6 addresses are counted by their /64, the block one machine can pick addresses from.
    """

    def __init__(
        self,
        free: int = 5,
        first_wait: float = 1.0,
        longest_wait: float = 60.0,
        forget_after: float = 900.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self.forget_after = forget_after
        self.max_addresses = max_addresses
        self.clock = clock
        self._tries: OrderedDict[str, tuple[int, float, float]] = OrderedDict()  # (wrong, until, last)

    @staticmethod
    def key(address: str | None) -> str:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return address or "?"
        if ip.version == 6 and not (ip.ipv4_mapped or ip.is_loopback):
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)

    def wait(self, address: str | None) -> float:
        """Seconds before this address may present a code again (0: now)."""
        entry = self._tries.get(self.key(address))
        return 0.0 if entry is None else max(0.0, entry[1] - self.clock())

    def wrong(self, address: str | None) -> tuple[int, float]:
        """Count a wrong code; returns (wrong codes in a row, seconds this address must now wait)."""
        key, now = self.key(address), self.clock()
        count, _until, last = self._tries.pop(key, (0, 0.0, now))
        if now - last > self.forget_after:
            count = 0
        count += 1
        delay = 0.0 if count <= self.free else min(self.longest_wait, self.first_wait * 2 ** (count - self.free - 1))
        self._tries[key] = (count, now + delay, now)
        while len(self._tries) > self.max_addresses:
            self._tries.popitem(last=False)  # the longest-quiet address is forgotten first
        return count, delay

    def right(self, address: str | None) -> None:
        self._tries.pop(self.key(address), None)

    def forgive(self, address: str | None) -> None:
        """Take back one wrong code counted provisionally (a code that turned out to exist)."""
        key = self.key(address)
        entry = self._tries.get(key)
        if entry is None:
            return
        count, _until, last = entry
        if count <= 1:
            self._tries.pop(key, None)
            return
        count -= 1
        delay = 0.0 if count <= self.free else min(self.longest_wait, self.first_wait * 2 ** (count - self.free - 1))
        self._tries[key] = (count, last + delay, last)


def host_name(header: str | None) -> str | None:
    """The name in a ``Host`` header, lower-case, without port or trailing dot; None if malformed."""
    if not header or len(header) > 255 or any(c.isspace() for c in header):
        return None
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not re.fullmatch(r":\d{1,5}", text[end + 1 :])):
            return None
        return text[1:end]
    name, _, port = text.partition(":")
    if port and not port.isdigit():
        return None
    name = name.rstrip(".")
    return name if name and re.fullmatch(r"[a-z0-9._-]+", name) else None


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_host_names(bind: str, public: Iterable[str] = ()) -> frozenset[str]:
    """The names this hub answers to: localhost names, its bind address, and the names configured."""
    names = set(LOCAL_NAMES)
    if bind not in WILDCARD:
        names.add(bind.strip("[]").lower())
    else:  # every interface: the machine's own names too (IP addresses are accepted separately)
        with contextlib.suppress(OSError):
            machine = socket.gethostname().lower()
            names |= {machine, f"{machine}.local", machine.split(".")[0]}
    for item in public:
        name = host_name(urlsplit(item).netloc if "://" in item else item)
        if name:
            names.add(name)
    return frozenset(names)
