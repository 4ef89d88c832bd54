"""`simgame cohort pace` and `simgame cohort players`: pacing that is safe to repeat, and fixing who is who.

Shared helpers of the `simgame cohort` commands live here too (opening the store, the key).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from simgame.cli.common import fail
from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.events import FACILITATOR, Event, make_event
from simgame.cohort.progress import fold
from simgame.cohort.storage import open_store, store_location
from simgame.cohort.store import FREE, LOCKSTEP, Cohort, CohortStore, Player, name_key
from simgame.settings import load_settings

ACTIONS = ("open", "reveal", "advance", "undo", "timer", "pause", "resume", FREE, LOCKSTEP)

PACE_EXAMPLE = """examples:
  simgame cohort pace K7QF3M open --key KEY          open the first decision (or the next one)
  simgame cohort pace K7QF3M reveal --key KEY        show players the room's split on the open decision
  simgame cohort pace K7QF3M advance --key KEY       close the open decision, open the next (asks first
                                                     if anyone would time out or the hub is down)
  simgame cohort pace K7QF3M advance --yes --key KEY the same, without asking (for scripts)
  simgame cohort pace K7QF3M undo --key KEY          take back the last advance
  simgame cohort pace K7QF3M timer 120 --key KEY     advance the open decision on its own in 2 minutes
  simgame cohort pace K7QF3M timer 0 --key KEY       cancel the timer
  simgame cohort pace K7QF3M pause --key KEY         (resume, free, lockstep likewise)
Each action acts on the decision open when you run it: if another facilitator (or a second press)
changed it meanwhile, nothing is done and you are told.
"""

PLAYERS_EXAMPLE = """examples:
  simgame cohort players K7QF3M                              list the players
  simgame cohort players K7QF3M --allow Chen --key KEY       Chen's next join from a new device resumes Chen
  simgame cohort players K7QF3M --rename "chen 2" Mei --key KEY
  simgame cohort players K7QF3M --merge "Chen laptop" Chen --key KEY
                                    the same person joined twice: the first's devices now open Chen,
                                    and the first no longer counts (its events stay in the log)
  simgame cohort players K7QF3M --remove Bot --key KEY       no longer counted in any view or report
Names are matched whatever their case. Every change is written to the session's audit log.
"""


def store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="FILE_OR_URL",
        help="the cohort store: a file, or a postgresql:// URL shared by several hubs "
        "(default: $SIMGAME_STORE, $SIMGAME_COHORT_DB or SAVES/cohorts.sqlite)",
    )
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")
    remote = p.add_argument_group("co-facilitating from another machine")
    remote.add_argument(
        "--hub",
        metavar="URL",
        help="act through the session's hub (the address `simgame serve` shows) instead of a store; "
        "needs the facilitator key",
    )
    remote.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="your name in the session's audit log (default: the key's fingerprint through a hub, `cli` here)",
    )
    if "--key" not in p._option_string_actions:
        key_option(remote)


def key_option(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    p.add_argument("--key", help="the facilitator key printed by `cohort create`")


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[CohortStore]:
    """The store the command names: a hub (``--hub``, the facilitator API), else a file or database."""
    store: CohortStore
    if getattr(args, "hub", None):
        from simgame.cohort.hubstore import HubStore

        if getattr(args, "store", None):
            raise CohortError("give either --hub (act through a hub) or --store (open the store), not both")
        code = getattr(args, "code", None)
        if not code:
            raise CohortError("--hub works with the commands that name a session (show, pace, close, report, players)")
        store = HubStore(args.hub, code, key_of(args), getattr(args, "as_name", None))
    else:
        store = open_store(store_location(args.store, args.saves))
    try:
        yield store
    finally:
        store.close()


def by(args: argparse.Namespace) -> str:
    """Who the audit log names for this command's actions on this machine (a hub names them itself)."""
    return str(getattr(args, "as_name", None) or "cli")


def key_of(args: argparse.Namespace) -> str | None:
    return getattr(args, "key", None) or load_settings().key


def run_with_store(args: argparse.Namespace, body: Callable[[CohortStore], int]) -> int:
    try:
        with opened(args) as store:
            return int(body(store))
    except CohortError as exc:
        return fail(str(exc))


def find_cohort(store: CohortStore, code: str) -> Cohort:
    from simgame.cohort.sessions import find

    return find(store, code)


def facilitator(store: CohortStore, args: argparse.Namespace) -> Cohort:
    from simgame.cohort.sessions import authorise

    cohort = find_cohort(store, args.code)
    authorise(cohort, key_of(args))
    return cohort


# -- pace -------------------------------------------------------------------------------------
def register_pace(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pc = cmds.add_parser(
        "pace",
        help="pace a session: open, reveal, advance, undo, timer, pause, resume, free, lockstep",
        epilog=PACE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pc.add_argument("code")
    pc.add_argument("action", choices=ACTIONS)
    pc.add_argument("seconds", nargs="?", type=int, help="timer: seconds until the open decision advances (0 cancels)")
    pc.add_argument("--yes", action="store_true", help="advance without asking, even if players would time out")
    key_option(pc)
    store_options(pc)
    pc.set_defaults(handler=handle_pace)


def _confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        print(f"{question}\nNothing done: run it again with --yes to go ahead.", file=sys.stderr)
        return False
    try:
        return input(f"{question}\nGo ahead? [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def handle_pace(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        c = facilitator(store, args)  # the session as it is now: the action names this decision
        if args.action != "timer" and args.seconds is not None:
            raise CohortError("only `timer` takes a number of seconds")
        if args.action == "open":
            c = pacing.open_next(store, c, by(args))
            print(f"Decision {c.open_step} is open.")
        elif args.action == "reveal":
            c = pacing.reveal(store, c, by(args))
            print(f"The room's split on decision {c.revealed_step + 1} is revealed.")
        elif args.action == "advance":
            plan = pacing.plan_advance(store, c)
            if plan.needs_confirmation and not _confirmed(plan.question(), args.yes):
                return 1
            c, late = pacing.advance(store, c, by(args))
            print(f"{late} player(s) timed out; decision {c.open_step} is open.")
        elif args.action == "undo":
            c = pacing.undo(store, c, by(args))
            print(f"The last advance is undone: decision {c.open_step} is open again and its timeouts withdrawn.")
        elif args.action == "timer":
            if args.seconds is None:
                raise CohortError("say how many seconds, e.g. `timer 120` (or `timer 0` to cancel)")
            c = pacing.set_timer(store, c, args.seconds, by(args))
            print(f"Decision {c.open_step} advances on its own at {c.deadline} (UTC)." if c.deadline else "No timer.")
        elif args.action in ("pause", "resume"):
            pacing.pause(store, c, args.action == "pause", by(args))
            print("Paused." if args.action == "pause" else "Resumed.")
        else:
            pacing.set_pace(store, c, args.action, by(args))
            print(f"Pacing is now {args.action}.")
        return 0

    return run_with_store(args, body)


# -- players ----------------------------------------------------------------------------------
def register_players(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pl = cmds.add_parser(
        "players",
        help="list players; allow a new device, rename, merge or remove one",
        epilog=PLAYERS_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pl.add_argument("code")
    group = pl.add_mutually_exclusive_group()
    group.add_argument("--allow", metavar="NAME", help="let NAME's next join from a new device resume them")
    group.add_argument("--rename", nargs=2, metavar=("NAME", "NEW"), help="rename a player")
    group.add_argument("--merge", nargs=2, metavar=("NAME", "INTO"), help="NAME is INTO on another device")
    group.add_argument("--remove", metavar="NAME", help="remove a player from every count")
    key_option(pl)
    store_options(pl)
    pl.set_defaults(handler=handle_players)


def _player(store: CohortStore, code: str, name: str) -> Player:
    found = [p for p in store.players(code) if name_key(p.name) == name_key(name)]
    if not found:
        raise CohortError(f"no player called {name} in session {code} (see `simgame cohort players {code}`)")
    return found[0]


def _audit(action: str, player: Player, who: str = "cli", **data: object) -> Event:
    return make_event(FACILITATOR, None, None, {"action": action, "by": who, "player": player.id, **data})


def handle_players(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        if not (args.allow or args.rename or args.merge or args.remove):
            c = find_cohort(store, args.code)
            progress = fold(store.players(c.code), store.events(c.code))
            print(f"{len(progress)} player(s) in {c.name} ({c.code})")
            for prog in progress.values():
                p = prog.player
                state = "finished" if prog.finished else f"{prog.answered} decision(s)"
                print(f"  {p.name:<24} {p.team or '':<12} {p.origin:<9} {state}")
            return 0
        c = facilitator(store, args)
        if args.allow:
            p = _player(store, c.code, args.allow)
            store.update_player(c.code, p.id, _audit("allow-device", p, by(args)), allow_device=True)
            print(f"{p.name} may now join from a new device: their next join resumes them.")
        elif args.rename:
            p = _player(store, c.code, args.rename[0])
            new = store.update_player(
                c.code, p.id, _audit("rename", p, by(args), to=args.rename[1], was=p.name), name=args.rename[1]
            )
            print(f"{p.name} is now {new.name}.")
        elif args.merge:
            p, into = _player(store, c.code, args.merge[0]), _player(store, c.code, args.merge[1])
            store.update_player(
                c.code, p.id, _audit("merge", p, by(args), into=into.id, was=p.name), merge_into=into.id
            )
            print(f"{p.name} merged into {into.name}: their devices now open {into.name}; {p.name} no longer counts.")
        else:
            p = _player(store, c.code, args.remove)
            store.update_player(c.code, p.id, _audit("remove", p, by(args), was=p.name), remove=True)
            print(f"{p.name} is removed: no longer counted (their events stay in the audit log).")
        return 0

    return run_with_store(args, body)
