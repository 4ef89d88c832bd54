"""`simgame cohort report` and `simgame cohort backup`: the facilitator's files from a session."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simgame.cli.cohortpace import find_cohort, run_with_store, store_options
from simgame.cohort.errors import CohortError
from simgame.cohort.store import CohortStore
from simgame.engine.saves import atomic_write

REPORT_EXAMPLES = """examples:
  simgame cohort report K7QF3M                                   the room debrief as Markdown, on screen
  simgame cohort report K7QF3M --format html -o debrief.html     one self-contained page (prints well)
  simgame cohort report K7QF3M --format csv -o players.csv       one row per player (finished ones scored)
  simgame cohort report K7QF3M --format choices-csv -o choices.csv   one row per player per decision
  simgame cohort report K7QF3M --format events-jsonl -o events.jsonl the raw event log, one JSON per line
  simgame cohort report K7QF3M --format json -o debrief.json     everything, for your own tools
CSV files start with a UTF-8 byte-order mark so that Excel reads names correctly. Shared views
(md, html, json) withhold every figure and cell that counts fewer than five players; the csv,
choices-csv and events-jsonl files name pseudonymous players and are for your records only.
"""

BACKUP_EXAMPLES = """examples:
  simgame cohort backup K7QF3M -o backups/offsite-2026-05-14.sqlite
  simgame cohort backup K7QF3M -o copy.sqlite --store saves/cohorts.sqlite
Safe while the hub runs: SQLite's online backup API copies a consistent snapshot, so every choice
the hub had confirmed when the copy began is in it. The copy holds the whole store (every session
in it) and opens like the original: simgame cohort report K7QF3M --store copy.sqlite
"""


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from simgame.cohort.exports import FORMATS

    r = cmds.add_parser(
        "report",
        help="the room debrief (md, html, csv, json) and exports (choices-csv, events-jsonl)",
        description="The room debrief, and the facilitator's exports of a session.",
        epilog=REPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("code")
    r.add_argument("--format", choices=FORMATS, default="md")
    r.add_argument("-o", "--output", help="write to this file instead of the screen")
    store_options(r)
    r.set_defaults(handler=handle_report)
    b = cmds.add_parser(
        "backup",
        help="copy the cohort store safely, even while the hub is running",
        description="A complete, consistent copy of the cohort store, taken with SQLite's online backup API.",
        epilog=BACKUP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("code", help="the session to check in the copy (the copy holds the whole store)")
    b.add_argument("-o", "--output", required=True, help="the file to write (replaced whole, never half-written)")
    store_options(b)
    b.set_defaults(handler=handle_backup)


def handle_report(args: argparse.Namespace) -> int:
    from simgame.cohort.analytics import analyse
    from simgame.cohort.exports import render
    from simgame.cohort.sessions import scenario_of

    def body(store: CohortStore) -> int:
        c = find_cohort(store, args.code)
        text = render(store, c.code, args.format, lambda: analyse(store, c.code, scenario_of(c)))
        if args.output:
            atomic_write(Path(args.output), text)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0

    return run_with_store(args, body)


def handle_backup(args: argparse.Namespace) -> int:
    from simgame.cohort.backup import backup

    def body(store: CohortStore) -> int:
        c = find_cohort(store, args.code)
        path = getattr(store, "path", None)
        if path is None:
            raise CohortError("this cohort store is not a SQLite file; back it up with its own tools")
        done = backup(Path(path), Path(args.output), c.code)
        print(
            f"wrote {done.path} ({done.size:,} bytes): {done.events} event(s) of session {c.code}, "
            f"{done.sessions} session(s) in all",
            file=sys.stderr,
        )
        return 0

    return run_with_store(args, body)
