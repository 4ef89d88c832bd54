"""`simgame cohort xapi`: a session's xAPI statements to the organisation's LRS, to a file, or counted."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from simgame.cli.cohortpace import find_cohort, opened, store_options
from simgame.cli.common import fail
from simgame.cohort.errors import CohortError
from simgame.cohort.store import CohortStore
from simgame.settings import COHORT_DB_FILE, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from simgame.cohort.xapi.lrs import Lrs
    from simgame.cohort.xapi.outbox import Outbox
    from simgame.cohort.xapi.statements import Deployment

EXAMPLES = """examples:
  simgame cohort xapi K7QF3M --send                  queue the session's statements and send them to the LRS
  simgame cohort xapi K7QF3M --send --retry-failed   send again those the LRS refused (after fixing the cause)
  simgame cohort xapi K7QF3M --export statements.jsonl   the statements as JSON lines (queued, not sent)
  simgame cohort xapi K7QF3M --status                how many are queued, sent and refused, and why
Settings (flag > environment > config file): the LRS's xAPI endpoint (--lrs, $SIMGAME_XAPI_ENDPOINT,
xapi_endpoint), its user (--lrs-user, $SIMGAME_XAPI_USERNAME, xapi_username), the password
($SIMGAME_XAPI_PASSWORD only), this deployment's IRI (--home-page, $SIMGAME_XAPI_HOME_PAGE,
xapi_home_page) and the programme, if any (--programme, $SIMGAME_XAPI_PROGRAMME, xapi_programme;
default: the session's own, from `cohort create --programme`).
Players are sent as pseudonymous ids, never by name. See docs/deployment.md.
"""


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    x = cmds.add_parser(
        "xapi",
        help="send a session's results to your organisation's LRS as xAPI statements",
        description="A session's decisions and results as xAPI 1.0.3 statements: queued in an outbox beside "
        "the cohort store, sent to your Learning Record Store, exported, or counted.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    x.add_argument("code")
    what = x.add_mutually_exclusive_group(required=True)
    what.add_argument("--send", action="store_true", help="queue the new statements and send every queued one")
    what.add_argument("--export", metavar="FILE", help="queue the new statements and write them all as JSON lines")
    what.add_argument("--status", action="store_true", help="how many statements are queued, sent and refused")
    x.add_argument("--retry-failed", action="store_true", help="with --send: try again those the LRS refused")
    x.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI")
    x.add_argument("--lrs-user", metavar="USER", help="the LRS account simgame sends as")
    x.add_argument("--home-page", metavar="IRI", help="this deployment's IRI, e.g. https://learning.example.org")
    x.add_argument("--programme", metavar="IRI_OR_NAME", help="the programme this session belongs to, if any")
    store_options(x)
    x.set_defaults(handler=handle_xapi)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(  # the store itself is opened by `opened`, as every cohort command opens it
        saves=args.saves,
        xapi_endpoint=args.lrs,
        xapi_username=args.lrs_user,
        xapi_home_page=args.home_page,
        xapi_programme=args.programme,
    )


def deployment_of(settings: Settings) -> Deployment:
    from simgame.cohort.xapi.statements import Deployment

    home = (settings.xapi_home_page or "").strip()
    if not home:
        raise CohortError(
            "say which deployment the statements come from: --home-page IRI, $SIMGAME_XAPI_HOME_PAGE or "
            "xapi_home_page in the config file (e.g. https://learning.example.org, your organisation's address)"
        )
    if not home.startswith(("https://", "http://")):
        raise CohortError(f"the home page `{home}` must be a web address, e.g. https://learning.example.org")
    return Deployment(home, (settings.xapi_programme or "").strip() or None)


def lrs_of(settings: Settings) -> Lrs:
    from simgame.cohort.xapi.lrs import Lrs

    missing = []
    if not settings.xapi_endpoint:
        missing.append("the LRS's xAPI endpoint (--lrs, $SIMGAME_XAPI_ENDPOINT or xapi_endpoint)")
    if not settings.xapi_username:
        missing.append("the LRS user (--lrs-user, $SIMGAME_XAPI_USERNAME or xapi_username)")
    if settings.xapi_password is None:
        missing.append("the LRS password ($SIMGAME_XAPI_PASSWORD)")
    if missing or settings.xapi_password is None:
        raise CohortError("to send to the LRS, simgame needs " + "; ".join(missing))
    return Lrs(str(settings.xapi_endpoint), str(settings.xapi_username), settings.xapi_password.get_secret_value())


def _outbox_file(store: CohortStore, settings: Settings) -> Path:
    """Beside a store file; for a database or a hub, in this machine's saves folder."""
    from simgame.cohort.xapi.outbox import outbox_path

    local = getattr(store, "path", None)
    return outbox_path(Path(local) if local else settings.saves_dir / COHORT_DB_FILE)


def handle_xapi(args: argparse.Namespace) -> int:
    from simgame.cohort.xapi.outbox import Outbox

    if args.retry_failed and not args.send:
        return fail("--retry-failed goes with --send")
    try:
        settings = _settings(args)
        with opened(args) as store:
            code = find_cohort(store, args.code).code
            outbox = Outbox(_outbox_file(store, settings))
            try:
                if args.status:
                    return _status(outbox, code)
                _queue(store, outbox, code, settings)
                if args.export:
                    return _export(outbox, code, Path(args.export))
                return _send(outbox, code, settings, args.retry_failed)
            finally:
                outbox.close()
    except (CohortError, SettingsError) as exc:
        return fail(str(exc))


def _queue(store: CohortStore, outbox: Outbox, code: str, settings: Settings) -> None:
    from simgame.cohort.sessions import scenario_of
    from simgame.cohort.xapi.statements import build

    cohort = store.cohort(code)
    d = deployment_of(settings)
    if d.programme is None and cohort.programme:  # the session's own programme groups it in the LRS
        d = replace(d, programme=cohort.programme)
    outbox.bind(code, d.home_page)
    new = outbox.add(build(store, code, scenario_of(cohort), d))
    print(f"{new} new statement(s) queued for session {code}.", file=sys.stderr)
    if gone := outbox.withdraw(code, {p.id for p in store.players(code)}):
        print(f"{gone} unsent statement(s) of removed players withdrawn: they will not be sent.", file=sys.stderr)


def _status(outbox: Outbox, code: str) -> int:
    s = outbox.status(code)
    print(f"Session {code}: {s.queued} queued, {s.sent} sent, {s.failed} refused by the LRS ({s.total} in all).")
    if s.withdrawn:
        print(f"{s.withdrawn} statement(s) of removed players were withdrawn and will not be sent.")
    if s.queued and (why := outbox.last_error(code)):
        print(f"Last try: {why}")
    for sid, why in s.errors[:5]:
        print(f"  refused {sid}: {why}")
    if len(s.errors) > 5:
        print(f"  … and {len(s.errors) - 5} more refused.")
    return 0


def _export(outbox: Outbox, code: str, path: Path) -> int:
    from simgame.engine.saves import atomic_write

    rows = outbox.all(code)
    text = "".join(json.dumps(q.body, ensure_ascii=False, sort_keys=True) + "\n" for q in rows)
    try:
        atomic_write(path, text)
    except OSError as exc:
        from simgame.cli.common import os_problem

        raise CohortError(f"cannot write the statements: {os_problem(exc)}") from None
    print(f"wrote {path} ({len(rows)} statement(s))", file=sys.stderr)
    return 0


def _send(outbox: Outbox, code: str, settings: Settings, retry_failed: bool) -> int:
    from simgame.cohort.xapi.lrs import flush

    lrs = lrs_of(settings)
    if retry_failed:
        outbox.requeue_failed(code)
    done = flush(outbox, code, lrs)
    print(f"Sent {done.sent} statement(s) to the LRS; {done.left} still queued, {done.failed} refused.")
    if done.failed:
        print(f"See why with: simgame cohort xapi {code} --status", file=sys.stderr)
    if done.problem:
        return fail(f"{done.problem}. The {done.left} statement(s) left stay queued: run --send again later.")
    return 1 if done.failed else 0
