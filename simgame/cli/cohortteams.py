"""`simgame cohort teams CODE`: the teams a session offers its players when they join, shown or changed."""

from __future__ import annotations

import argparse

from simgame.cli.cohortpace import by, facilitator, find_cohort, key_option, run_with_store, store_options
from simgame.cohort.events import FACILITATOR, make_event
from simgame.cohort.store import CohortStore

EXAMPLES = """examples:
  simgame cohort teams K7QF3M                                   the teams players choose from
  simgame cohort teams K7QF3M --set "Finance,Operations,HR" --key KEY
  simgame cohort teams K7QF3M --clear --key KEY                 no list: browser players join without a team
Players who joined keep their team; the list applies to joins from now on.
"""


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = cmds.add_parser(
        "teams",
        help="show or change the teams players choose from when they join",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("code")
    change = t.add_mutually_exclusive_group()
    change.add_argument("--set", metavar="NAMES", help="comma-separated teams, e.g. 'Finance,Operations,HR'")
    change.add_argument(
        "--clear",
        action="store_true",
        help="no list: browser players join without a team (terminal players may give one with --team)",
    )
    key_option(t)
    store_options(t)
    t.set_defaults(handler=handle_teams)


def handle_teams(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        if args.set is None and not args.clear:
            cohort = find_cohort(store, args.code)
            print(", ".join(cohort.teams) if cohort.teams else f"Session {cohort.code} offers no list of teams.")
            return 0
        cohort = facilitator(store, args)
        teams = () if args.clear else tuple(t for t in args.set.split(",") if t.strip())
        action = make_event(FACILITATOR, None, None, {"action": "teams", "by": by(args), "teams": list(teams)})
        changed = store.set_teams(cohort.code, teams, action)
        if changed.teams:
            print(f"Session {changed.code}: players now choose from {', '.join(changed.teams)}.")
        else:
            print(
                f"Session {changed.code} offers no list of teams: browser players join without one "
                "(terminal players may still give one with --team)."
            )
        return 0

    return run_with_store(args, body)
