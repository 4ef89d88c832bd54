"""`simgame serve [--cohort CODE ...]`: the cohort hub on the facilitator's machine (browsers and terminal players).

One hub serves the sessions named, or every session in its store (sessions created while it runs
too): a request's join code says which session it is for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simgame.cli.common import fail
from simgame.cohort.errors import CohortError

if TYPE_CHECKING:
    from simgame.cohort.store import Cohort

EXAMPLE = """examples:
  simgame serve --cohort K7QF3M                          this machine only (http://127.0.0.1:8765)
  simgame serve --cohort K7QF3M --host 0.0.0.0           open it to the room's network
  simgame serve --host 0.0.0.0                           every session in the store, on one hub
  simgame serve --cohort K7QF3M --cohort P4XW9T          two rooms at once
  simgame serve --cohort K7QF3M --host 0.0.0.0 --port 9000 --max-sessions 120
  simgame serve --cohort K7QF3M --host 0.0.0.0 --public-host hub.room.example   a name players use
Browsers open http://ADDRESS:PORT/?code=K7QF3M; terminal players run
  simgame play --join K7QF3M --name NAME --hub http://ADDRESS:PORT
"""

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="run the cohort hub: the game for browsers, an API for terminal players",
        description="Serve sessions to the room: browsers play through textual-serve (the join "
        "code is checked before any game starts, and says which session), terminal players send events "
        "over HTTP, and the dashboard and reports read it all. Without --cohort the hub serves every "
        "session in its store, including sessions created while it runs.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--cohort",
        action="append",
        metavar="CODE",
        help="a session's join code (repeatable; default: every session in the store)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--max-sessions",
        type=int,
        default=60,
        help="most browser games at once, over all its sessions (each is a process of about 70 MB; default 60)",
    )
    p.add_argument(
        "--public-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name players reach this machine by (repeatable). The hub answers only to its listen "
        "address, localhost, these names and the `hub` setting's (and any IP address when --host is 0.0.0.0)",
    )
    p.add_argument(
        "--store",
        metavar="FILE_OR_URL",
        help="the cohort store: a file, or a postgresql:// URL so that several hubs serve the same session "
        "(default: $SIMGAME_STORE, $SIMGAME_COHORT_DB or SAVES/cohorts.sqlite)",
    )
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")
    p.set_defaults(handler=handle)


def banner(cohorts: list[Cohort], url: str, max_sessions: int, every: bool) -> str:
    """What the facilitator reads when the hub starts: each session's addresses, and how to stop."""
    lines = []
    if every:
        lines.append(
            f"simgame hub for every session in its store ({len(cohorts)} open now; sessions created later too)"
        )
    pad = "    " if every else "  "
    for cohort in cohorts:
        query = f"?session={cohort.code}" if len(cohorts) > 1 or every else ""
        lines += [
            f"  {cohort.name} ({cohort.code}), {cohort.scenario_id}"
            if every
            else f"simgame hub for {cohort.name} ({cohort.code}), {cohort.scenario_id}",
            f"{pad}Browsers:          {url}/?code={cohort.code}",
            f"{pad}Terminal players:  simgame play --join {cohort.code} --name NAME --hub {url}",
            f"{pad}Projector:         {url}/projector{query} (for the wall; asks for the facilitator key)",
        ]
    if every and not cohorts:
        lines.append("  No open session yet: create one with `simgame cohort create`; this hub serves it at once.")
    lines.append(f"  Up to {max_sessions} browser games at once. Press Ctrl+C to stop; nothing is lost.")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        from aiohttp import web

        from simgame.cohort.hub import Hub
    except ImportError:
        return fail("the hub needs textual-serve and aiohttp, which are not installed in this build")
    from simgame.cohort.sessions import find
    from simgame.cohort.storage import open_store, store_location
    from simgame.settings import load_settings

    if not 1 <= args.max_sessions <= 1000:
        return fail("--max-sessions must be between 1 and 1000")
    settings = load_settings(saves=args.saves)
    public = [*args.public_host, *([settings.hub] if settings.hub else [])]
    try:
        location = store_location(args.store, args.saves)
        store = open_store(location)
        if args.cohort:
            cohorts = [find(store, code) for code in dict.fromkeys(args.cohort)]
            for cohort in cohorts:
                if not cohort.is_open:
                    raise CohortError(f"session {cohort.code} is closed; create a new one to play again")
        else:
            cohorts = [c for c in store.cohorts() if c.is_open]
    except CohortError as exc:
        return fail(str(exc))
    where = location.resolve() if isinstance(location, Path) else location
    served = [c.code for c in cohorts] if args.cohort else None
    hub = Hub(store, where, served, args.host, args.port, args.max_sessions, public_hosts=public)
    shown = args.host if args.host not in ("0.0.0.0", "::") else "THIS-MACHINE'S-ADDRESS"
    url = f"http://{shown}:{args.port}"
    print(banner(cohorts, url, args.max_sessions, every=not args.cohort), file=sys.stderr, flush=True)
    if args.host not in LOOPBACK:
        print(
            "  Open to the network: anyone who can reach this machine and knows the code can join. "
            "Traffic is not encrypted; use it on the room's own network only.",
            file=sys.stderr,
            flush=True,
        )
    try:
        web.run_app(
            hub.make_app(), host=args.host, port=args.port, print=None, handle_signals=True, **hub.server_options()
        )
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    finally:
        store.close()
    return 0
