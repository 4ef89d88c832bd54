"""`simgame cohort`: create, list, show, pace, close, report, import and watch facilitated sessions."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path

from simgame.cli.cohorthelp import (
    CLOSE_EXAMPLES,
    CREATE_EXAMPLES,
    DASHBOARD_EXAMPLES,
    IMPORT_EXAMPLES,
    LIST_EXAMPLES,
    SHOW_EXAMPLES,
)
from simgame.cli.cohortpace import (
    by,
    find_cohort,
    key_of,
    key_option,
    register_pace,
    register_players,
    run_with_store,
    store_options,
)
from simgame.cli.common import fail
from simgame.cli.xapi import register as register_xapi
from simgame.cohort import pacing
from simgame.cohort.errors import CohortError
from simgame.cohort.health import health
from simgame.cohort.progress import fold
from simgame.cohort.store import FREE, LOCKSTEP, Cohort, CohortStore
from simgame.format.inert import inert
from simgame.settings import load_settings

EXAMPLE = """examples:
  simgame cohort create --scenario pilot-to-production --name "Board offsite" --pace lockstep
  simgame cohort list
  simgame cohort show K7QF3M
  simgame cohort pace K7QF3M open --key KEY        (lockstep: open, reveal, advance, undo, timer, pause, resume)
  simgame cohort players K7QF3M --allow Chen --key KEY   (also --rename, --merge, --remove)
  simgame cohort dashboard K7QF3M --key KEY
  simgame cohort report K7QF3M --format html -o debrief.html
  simgame cohort import K7QF3M results/*.json --key KEY
  simgame cohort close K7QF3M --key KEY
The facilitator key can also come from $SIMGAME_FACILITATOR_KEY.
"""


def _store_options(p: argparse.ArgumentParser) -> None:
    store_options(p)


def _key_option(p: argparse.ArgumentParser) -> None:
    key_option(p)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "cohort",
        help="run a facilitated session for a room of players",
        description="Facilitated cohort sessions: a join code, pseudonymous players, pacing, "
        "a live dashboard and a room debrief.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmds = p.add_subparsers(dest="cohort_command", metavar="ACTION")
    c = cmds.add_parser(
        "create",
        help="create a session and print its join code and facilitator key",
        epilog=CREATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("--scenario", required=True, help="a bundled scenario id or a .yaml file")
    c.add_argument("--name", required=True, help="a name for the session, e.g. 'Leadership offsite, May'")
    c.add_argument(
        "--pace",
        choices=[FREE, LOCKSTEP],
        default=FREE,
        help="free play, or lockstep where you open each decision (default free)",
    )
    c.add_argument("--seed", type=int, default=0, help="seed for chance events, shared by the room (default 0)")
    c.add_argument(
        "--teams",
        metavar="NAMES",
        help="comma-separated teams players choose from when they join, e.g. 'Finance,Operations,HR' "
        "(default: no list; players may type a team or leave it empty)",
    )
    c.add_argument(
        "--programme",
        metavar="NAME",
        help="the leadership programme this session belongs to, e.g. 'Leading with AI 2027' "
        "(its report compares the programme's sessions: `simgame cohort programme report NAME`)",
    )
    _store_options(c)
    c.set_defaults(handler=handle_create)
    ls = cmds.add_parser(
        "list",
        help="list sessions in the store",
        epilog=LIST_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _store_options(ls)
    ls.set_defaults(handler=handle_list)
    s = cmds.add_parser(
        "show",
        help="a session's players and progress",
        epilog=SHOW_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("code")
    _store_options(s)
    s.set_defaults(handler=handle_show)
    register_pace(cmds)
    register_players(cmds)
    cl = cmds.add_parser(
        "close",
        help="close a session (no more live play; imports still work)",
        epilog=CLOSE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cl.add_argument("code")
    _key_option(cl)
    _store_options(cl)
    cl.set_defaults(handler=handle_close)
    # --- report (every format and export) and backup: simgame/cli/cohortexports.py ---
    from simgame.cli.cohortexports import register as register_exports

    register_exports(cmds)
    # --- end of report and backup ---
    register_xapi(cmds)  # xAPI to the organisation's LRS: simgame/cli/xapi.py
    from simgame.cli.cohortprogramme import register as register_programme  # programmes: cohortprogramme.py

    register_programme(cmds)
    from simgame.cli.cohortteams import register as register_teams  # a session's teams: cohortteams.py

    register_teams(cmds)
    im = cmds.add_parser(
        "import",
        help="import result files exported by offline players",
        epilog=IMPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    im.add_argument("code")
    im.add_argument("files", nargs="+", help="result files from `simgame export`")
    _key_option(im)
    _store_options(im)
    im.set_defaults(handler=handle_import)
    d = cmds.add_parser(
        "dashboard",
        help="the live facilitator dashboard",
        epilog=DASHBOARD_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("code")
    _key_option(d)
    _store_options(d)
    d.set_defaults(handler=handle_dashboard)
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])


def _key(args: argparse.Namespace) -> str | None:
    return key_of(args)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _run(args: argparse.Namespace, body: object) -> int:
    assert callable(body)
    return run_with_store(args, body)


def handle_create(args: argparse.Namespace) -> int:
    from simgame.cohort.sessions import create

    def body(store: CohortStore) -> int:
        teams = tuple(t for t in (args.teams or "").split(",") if t.strip())
        cohort, key = create(
            store, args.scenario, args.name, args.pace, args.seed, teams=teams, programme=args.programme
        )
        _prepare_reference(cohort)
        print(
            f"Session created: {cohort.name}\n"
            f"  Join code        {cohort.code}\n"
            f"  Facilitator key  {key}   (keep it private: you need it to pace, close and import)\n"
            f"  Scenario         {cohort.scenario_id}, seed {cohort.seed}, {cohort.pace} pacing\n"
            + (f"  Teams            {', '.join(cohort.teams)}\n" if cohort.teams else "")
            + (f"  Programme        {cohort.programme}\n" if cohort.programme else "")
            + "\n"
            f"Players on this machine:   simgame play --join {cohort.code} --name NAME [--team TEAM]\n"
            f"Open it to the room:       simgame serve --cohort {cohort.code} --host 0.0.0.0\n"
            f"Players without a network: simgame play {cohort.scenario_id} --seed {cohort.seed}, then\n"
            f"                           simgame export --join {cohort.code} --name NAME --from SAVE.json"
        )
        return 0

    return _run(args, body)


def _prepare_reference(cohort: Cohort) -> None:
    """Start building the scenario's outcome map now, so the room debrief is ready when the room is."""
    from simgame.analysis.outcomes.cache import prepare_map
    from simgame.cohort.sessions import scenario_of
    from simgame.format.diagnostics import LoadError
    from simgame.settings import SettingsError

    with contextlib.suppress(SettingsError, OSError, CohortError, LoadError):
        settings = load_settings()
        prepare_map(settings.maps_dir, scenario_of(cohort), settings.map_memory_mb)


def handle_list(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        cohorts = store.cohorts()
        if not cohorts:
            print("No sessions yet. Create one with: simgame cohort create --scenario ID --name NAME")
            return 0
        print(f"{'code':<8} {'players':>7}  {'pace':<9} {'state':<7} {'scenario':<28} name")
        for c in cohorts:
            print(
                f"{c.code:<8} {len(store.players(c.code)):>7}  {c.pace:<9} {'open' if c.is_open else 'closed':<7} "
                f"{c.scenario_id:<28} {inert(c.name, keep_lines=False)}"
                + (f"  [programme: {inert(c.programme, keep_lines=False)}]" if c.programme else "")
            )
        return 0

    return _run(args, body)


def _find(store: CohortStore, code: str) -> Cohort:
    return find_cohort(store, code)


def handle_show(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        c = _find(store, args.code)
        progress = fold(store.players(c.code), store.events(c.code))
        state = "open" if c.is_open else f"closed {c.closed}"
        print(f"{c.name} ({c.code}): {c.scenario_id}, seed {c.seed}, {c.pace} pacing, {state}")
        if c.pace == LOCKSTEP:
            timer = f"; advances on its own at {c.deadline}" if c.deadline else ""
            print(
                f"  decisions opened: {c.open_step}; last revealed: "
                f"{c.revealed_step + 1 if c.revealed_step >= 0 else 'none'}{'; PAUSED' if c.paused else ''}{timer}"
            )
        print(f"  {len(progress)} player(s), {sum(p.finished for p in progress.values())} finished")
        print(f"  {health(store, c.code).line()}")
        for prog in progress.values():
            team = f" [{prog.player.team}]" if prog.player.team else ""
            status = f"finished ({prog.ending})" if prog.finished else f"{prog.answered} decision(s)"
            late = f", {len(prog.timed_out_decisions)} timed out" if prog.timed_out_decisions else ""
            print(f"  - {prog.player.name}{team}: {status}{late}")
        return 0

    return _run(args, body)


def handle_close(args: argparse.Namespace) -> int:
    from simgame.cohort.sessions import authorise

    def body(store: CohortStore) -> int:
        c = _find(store, args.code)
        authorise(c, _key(args))
        pacing.close(store, c, _now(), by(args))
        print(f"Session {c.code} is closed. Reports and imports still work.")
        return 0

    return _run(args, body)


def handle_import(args: argparse.Namespace) -> int:
    from simgame.cohort.resultfile import ImportConflict, import_file
    from simgame.cohort.sessions import authorise, scenario_of

    def body(store: CohortStore) -> int:
        c = _find(store, args.code)
        authorise(c, _key(args))
        scenario = scenario_of(c)
        refused = conflicts = 0
        for name in args.files:
            try:
                who, new = import_file(store, c, scenario, Path(name))
            except ImportConflict as exc:
                conflicts += 1
                print(f"{exc}", file=sys.stderr)
                continue
            except CohortError as exc:
                refused += 1
                print(f"refused {exc}", file=sys.stderr)
                continue
            print(f"{name}: {who}, {new} new event(s)" + ("" if new else " (already imported)"))
        if conflicts:
            print(f"{conflicts} of {len(args.files)} file(s) in conflict with players in the session", file=sys.stderr)
        if refused:
            print(f"{refused} of {len(args.files)} file(s) refused", file=sys.stderr)
        return 1 if refused or conflicts else 0

    return _run(args, body)


def handle_dashboard(args: argparse.Namespace) -> int:
    def body(store: CohortStore) -> int:
        c = _find(store, args.code)
        key = _key(args)
        if key:
            from simgame.cohort.sessions import authorise

            authorise(c, key)
        try:
            from simgame.cohort.dashboard import run_dashboard
        except ImportError:
            raise CohortError("the dashboard needs the terminal UI (Textual), which is not installed") from None
        from simgame.cohort.hubstore import HubStore

        if isinstance(store, HubStore):  # a co-facilitator elsewhere: the dashboard reads and paces through the hub
            return run_dashboard(c.code, None, key, store=HubStore(store.base, c.code, key, store.name))
        location = getattr(store, "url", None) or getattr(store, "path", None)
        return run_dashboard(c.code, location, key)

    return _run(args, body)


WAIT_LIMIT = 4 * 3600.0  # a rehearsal bot gives up after a long workshop's worth of waiting
POLL = 0.5


def play_in_cohort(args: argparse.Namespace) -> int:
    """`simgame run --join`: a headless player (a rehearsal bot, or a test) in a cohort, paced like the TUI."""
    import json
    import random
    import time

    from simgame.authoring.run_report import debrief_text, run_json, transcript_text
    from simgame.cli.headless import MAX_STEPS, pick
    from simgame.cli.headless import option_lines as _options
    from simgame.cohort.client import observer_for
    from simgame.engine.run import EngineError, Run
    from simgame.engine.scoring import debrief
    from simgame.engine.state import Decision

    try:
        observer = observer_for(
            join=args.join,
            name=args.name,
            team=args.team,
            hub=load_settings(hub=args.hub).hub,
            saves=Path(args.saves) if args.saves else None,
        )
    except CohortError as exc:
        return fail(str(exc))
    try:
        if args.scenario and args.scenario not in (observer.scenario_id, observer.scenario.path):
            return fail(f"session {args.join} plays `{observer.scenario_id}`, not `{args.scenario}`")
        run = Run.replay(observer.scenario, observer.seed, observer.resume, order_key=observer.player)
        observer.started(run)
        steps: list[tuple[str, list[str], Decision | None]] = []
        wanted = [c.strip() for c in args.choose.split(",") if c.strip()][len(observer.resume) :]
        rng = random.Random(f"{args.seed}|{observer.name}")
        shown = None
        while not run.ended and len(steps) < MAX_STEPS:
            deadline = time.monotonic() + WAIT_LIMIT
            while (message := observer.waiting(run)) is not None:
                if message != shown:
                    print(message, file=sys.stderr)
                    shown = message
                if time.monotonic() > deadline or message.startswith("The facilitator has closed"):
                    return fail("stopped waiting for the facilitator")
                time.sleep(POLL)
            if wanted:
                choice = wanted.pop(0)
            elif args.policy:
                found = pick(run, args.policy, rng)  # in this player's own order
                if found is None:
                    return fail(f"no choice is available in scene `{run.scene_id}`")
                choice = found
            else:
                break
            scene, opts = run.scene_id, _options(run)
            try:
                decision = run.choose(choice)
            except EngineError as exc:
                return fail(f"step {len(run.history) + 1} (scene `{run.scene_id}`): {exc}")
            observer.chose(run, decision)
            steps.append((scene, opts, decision))
        if run.ended:
            observer.finished(run)
        else:
            steps.append((run.scene_id, _options(run), None))
        if args.format == "json":
            print(json.dumps(run_json(run, steps), indent=2))
        else:
            print(transcript_text(run, steps))
            if run.ended:
                print(debrief_text(debrief(run), run.scenario))
        return 0
    except CohortError as exc:
        return fail(str(exc))
    finally:
        observer.close()
        if observer.unsent:
            print(
                f"{observer.unsent} event(s) are waiting for the hub; they are sent next time you join, or "
                "use `simgame export`.",
                file=sys.stderr,
            )
