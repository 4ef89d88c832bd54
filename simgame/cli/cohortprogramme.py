"""`simgame cohort programme`: group sessions into a leadership programme and report on it.

Putting a session into a programme, or taking it out, needs that session's facilitator key: the
programme's report shows the session's results (aggregated, with small groups withheld) beside
the others', so only someone who runs the session may send it there. Each move is written to
the session's audit log. Listing programmes and reading their report need no key, like
`simgame cohort report`: they show nothing the room debriefs do not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simgame.cli.cohortpace import by, find_cohort, run_with_store, store_options
from simgame.cli.common import fail
from simgame.cohort.errors import CohortError
from simgame.cohort.store import Cohort, CohortStore, name_key
from simgame.engine.saves import atomic_write
from simgame.settings import load_settings

EXAMPLES = """examples:
  simgame cohort programme list
  simgame cohort programme add "Leading with AI 2027" K7QF3M --key KEY
  simgame cohort programme add "Leading with AI 2027" K7QF3M P4WZ9R --key KEY1 --key KEY2
                                         several sessions: one --key per session, in the codes' order
  simgame cohort programme remove K7QF3M --key KEY
  simgame cohort programme report "Leading with AI 2027"                 on screen
  simgame cohort programme report "leading with ai 2027" --html -o programme.html
  simgame cohort programme report "Leading with AI 2027" --csv -o sessions.csv   one row per session
A session can also join a programme when it is created: simgame cohort create ... --programme NAME.
Programme names are matched whatever their case. The report withholds every figure and cell that
counts fewer than five players, like the room debrief.
"""

REPORT_EXAMPLES = """examples:
  simgame cohort programme report "Leading with AI 2027"                  plain text, on screen
  simgame cohort programme report "Leading with AI 2027" --markdown -o programme.md
  simgame cohort programme report "Leading with AI 2027" --html -o programme.html   one page, prints well
  simgame cohort programme report "Leading with AI 2027" --csv -o sessions.csv      one row per session
  simgame cohort programme report "Leading with AI 2027" --json -o programme.json   everything, for tools
Sessions are listed oldest first (outcomes over time); teams are matched by name across sessions.
Players who never finished have no score and are counted apart.
"""

NOT_THROUGH_HUB = (
    "programmes are kept in the cohort store, which a hub does not share over the network: run this on the "
    "hub's machine, or give --store (the postgresql:// URL the hubs share)"
)


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = cmds.add_parser(
        "programme",
        help="group sessions into a leadership programme and report on it (list, add, remove, report)",
        description="A programme groups sessions (e.g. six cohorts of a leadership programme) for a report\n"
        "of its own: outcomes by session and team over time, the decisions that divide the\n"
        "organisation and the practices where leaders are weakest.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="programme_command", metavar="ACTION")
    ls = sub.add_parser(
        "list",
        help="the programmes in the store and their sessions",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _store_only(ls)
    ls.set_defaults(handler=handle_list)
    add = sub.add_parser(
        "add",
        help="put sessions into a programme (created if new); each needs its facilitator key",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("name", help="the programme, e.g. 'Leading with AI 2027' (matched whatever its case)")
    add.add_argument("codes", nargs="+", metavar="CODE", help="the sessions' join codes")
    add.add_argument(
        "--key",
        action="append",
        help="the session's facilitator key; several sessions: once per session, in the codes' order",
    )
    store_options(add)
    add.set_defaults(handler=handle_add)
    rm = sub.add_parser(
        "remove",
        help="take a session out of its programme",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rm.add_argument("code", help="the session's join code")
    store_options(rm)
    rm.set_defaults(handler=handle_remove)
    r = sub.add_parser(
        "report",
        help="the programme's report: text, --markdown, --html, --json or --csv",
        description="The programme's report, built from its sessions' logs like each room debrief.",
        epilog=REPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("name", help="the programme (matched whatever its case)")
    fmt = r.add_mutually_exclusive_group()
    for flag, what in (
        ("markdown", "Markdown"),
        ("html", "one self-contained HTML page"),
        ("json", "JSON, every figure"),
        ("csv", "CSV, one row per session"),
    ):
        fmt.add_argument(f"--{flag}", dest="format", action="store_const", const=flag, help=what)
    r.add_argument("-o", "--output", help="write to this file instead of the screen")
    _store_only(r)
    r.set_defaults(handler=handle_report, format="text")
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])


def _store_only(p: argparse.ArgumentParser) -> None:
    """--store and --saves: reading programmes needs the store itself (a hub serves single sessions)."""
    p.add_argument(
        "--store",
        metavar="FILE_OR_URL",
        help="the cohort store: a file, or the postgresql:// URL several hubs share "
        "(default: $SIMGAME_STORE, $SIMGAME_COHORT_DB or SAVES/cohorts.sqlite)",
    )
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")


def _local(args: argparse.Namespace) -> None:
    if getattr(args, "hub", None):
        raise CohortError(NOT_THROUGH_HUB)


def _run(args: argparse.Namespace, body: object, through_hub: bool = False) -> int:
    assert callable(body)
    try:
        if not through_hub:
            _local(args)
    except CohortError as exc:
        return fail(str(exc))
    return run_with_store(args, body)


def handle_list(args: argparse.Namespace) -> int:
    from simgame.cohort.programme import programmes

    def body(store: CohortStore) -> int:
        found = programmes(store)
        if not found:
            print('No programmes yet. Add sessions with: simgame cohort programme add "NAME" CODE --key KEY')
            return 0
        print(f"{'sessions':>8} {'players':>8}  {'first':<10}  {'last':<10}  programme")
        for p in found:
            players = sum(len(store.players(c.code)) for c in p.sessions)
            first, last = p.sessions[0].created[:10], p.sessions[-1].created[:10]
            print(f"{len(p.sessions):>8} {players:>8}  {first:<10}  {last:<10}  {p.name}")
            for c in p.sessions:
                state = "open" if c.is_open else "closed"
                print(f"{'':>30}- {c.code} {c.created[:10]} {c.scenario_id} ({state}): {c.name}")
        return 0

    return _run(args, body)


def _keys(args: argparse.Namespace) -> list[str | None]:
    """One key per code: as given, in order; a single session may take $SIMGAME_FACILITATOR_KEY."""
    keys: list[str | None] = list(args.key or [])
    if not keys:
        keys = [load_settings().key] if len(args.codes) == 1 else []
    if len(keys) != len(args.codes):
        raise CohortError(
            f"each session has its own facilitator key: give --key once per session, in the order of the codes "
            f"({len(args.codes)} code(s), {len(keys)} key(s))"
        )
    return keys


def handle_add(args: argparse.Namespace) -> int:
    from simgame.cohort.programme import put_in, spelling
    from simgame.cohort.sessions import authorise

    def body(store: CohortStore) -> int:
        keys = _keys(args)
        sessions: list[Cohort] = []
        for code, key in zip(args.codes, keys, strict=True):
            c = find_cohort(store, code)
            try:
                authorise(c, key)
            except CohortError as exc:
                raise CohortError(f"session {c.code}: {exc}") from None
            if c.code in {s.code for s in sessions}:
                raise CohortError(f"session {c.code} is named twice")
            sessions.append(c)
        name = spelling(store, args.name)  # every key checked before anything moves
        for c in sessions:
            if c.programme is not None and name_key(c.programme) == name_key(name):
                print(f"{c.code} ({c.name}) is already in {name}.")
                continue
            put_in(store, c, name, by(args))
            moved = f" (moved from {c.programme})" if c.programme else ""
            print(f"{c.code} ({c.name}) is now in {name}{moved}.")
        return 0

    return _run(args, body)


def handle_remove(args: argparse.Namespace) -> int:
    from simgame.cli.cohortpace import facilitator
    from simgame.cohort.programme import take_out

    def body(store: CohortStore) -> int:
        c = facilitator(store, args)
        take_out(store, c, by(args))
        print(f"{c.code} ({c.name}) is no longer in {c.programme}.")
        return 0

    return _run(args, body, through_hub=True)


def handle_report(args: argparse.Namespace) -> int:
    from simgame.cohort.exports import with_bom
    from simgame.cohort.programme import find_programme
    from simgame.cohort.programmehtml import to_html
    from simgame.cohort.programmerender import to_csv, to_json, to_markdown, to_text
    from simgame.cohort.programmereport import gather, programme_report
    from simgame.cohort.sessions import scenario_of

    renderers = {"text": to_text, "markdown": to_markdown, "html": to_html, "json": to_json, "csv": to_csv}

    def body(store: CohortStore) -> int:
        programme = find_programme(store, args.name)
        report = programme_report(programme.name, gather(store, programme, scenario_of))
        text = renderers[args.format](report)
        if args.output:
            atomic_write(Path(args.output), with_bom(text) if args.format == "csv" else text)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        for s in report["sessions"]:
            if s["problem"]:
                print(f"session {s['code']} is left out of the figures: {s['problem']}", file=sys.stderr)
        return 0

    return _run(args, body)
