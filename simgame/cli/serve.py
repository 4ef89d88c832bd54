"""`simgame serve --cohort CODE`: the cohort hub on the facilitator's machine (browsers and terminal players)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simgame.cli.common import fail
from simgame.cohort.errors import CohortError

EXAMPLE = """examples:
  simgame serve --cohort K7QF3M                          this machine only (http://127.0.0.1:8765)
  simgame serve --cohort K7QF3M --host 0.0.0.0           open it to the room's network
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
        description="Serve one cohort to the room: browsers play through textual-serve (the join "
        "code is checked before any game starts), terminal players send events over "
        "HTTP, and the dashboard and reports read it all.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--cohort", required=True, metavar="CODE", help="the session's join code")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--max-sessions",
        type=int,
        default=60,
        help="most browser games at once (each is a process of about 80 MB; default 60)",
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
        cohort = find(store, args.cohort)
        if not cohort.is_open:
            raise CohortError(f"session {cohort.code} is closed; create a new one to play again")
    except CohortError as exc:
        return fail(str(exc))
    where = location.resolve() if isinstance(location, Path) else location
    hub = Hub(store, where, cohort.code, args.host, args.port, args.max_sessions, public_hosts=public)
    shown = args.host if args.host not in ("0.0.0.0", "::") else "THIS-MACHINE'S-ADDRESS"
    url = f"http://{shown}:{args.port}"
    print(
        f"simgame hub for {cohort.name} ({cohort.code}), {cohort.scenario_id}\n"
        f"  Browsers:          {url}/?code={cohort.code}\n"
        f"  Terminal players:  simgame play --join {cohort.code} --name NAME --hub {url}\n"
        f"  Projector:         {url}/projector (for the wall; asks for the facilitator key)\n"
        f"  Up to {args.max_sessions} browser games at once. Press Ctrl+C to stop; nothing is lost.",
        file=sys.stderr,
        flush=True,
    )
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
