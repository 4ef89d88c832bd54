"""`simgame export`: a result file for the facilitator when a player could not reach the hub."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from simgame.cli.common import fail, os_problem, saves_dir
from simgame.cohort.codes import is_valid_code, normalise_code
from simgame.cohort.errors import CohortError
from simgame.cohort.store import check_name
from simgame.engine.run import EngineError, Run
from simgame.engine.saves import SaveError, atomic_write
from simgame.format.safefile import SafeReadError
from simgame.format.safejson import JSONLimitError, read_json

EXAMPLE = """examples:
  simgame export --join K7QF3M --name "Blue Heron"                  from your session outbox
  simgame export --join K7QF3M --name "Blue Heron" --from saves/pilot-to-production-20260501.json
Hand the file to the facilitator (USB stick, e-mail, chat); they run `simgame cohort import`.
"""
MEMO_BYTES = 64 * 1024  # the small session.json an outbox keeps beside its events


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="write a result file for a cohort when you played offline",
        description="Write a signed result file the facilitator imports with `simgame cohort import`.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--join", required=True, metavar="CODE", help="the session's join code")
    p.add_argument("--name", required=True, help="your name in the session")
    p.add_argument("--team", help="your team, if the facilitator uses teams")
    p.add_argument(
        "--from",
        dest="source",
        metavar="SAVE",
        help="a save file of the run (default: what you played with --join on this machine)",
    )
    p.add_argument("-o", "--output", help="where to write the file (default: CODE-NAME.result.json here)")
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")
    p.set_defaults(handler=handle)


def _from_save(path: Path) -> Run:
    from simgame.engine.saves import read_save, restore
    from simgame.format.loader import load_scenario, resolve
    from simgame.settings import load_settings

    save = read_save(path)
    try:
        scenario = load_scenario(resolve(save.scenario_id, load_settings().scenarios_dir))
    except Exception as exc:  # LoadError and friends: the message names the problem
        raise CohortError(f"the scenario `{save.scenario_id}` of that save cannot be loaded: {exc}") from None
    return restore(save, scenario, path)


def _from_outbox(saves: Path, code: str, name: str) -> tuple[Run, str | None]:
    from simgame.cohort.client import fold_local
    from simgame.cohort.outbox import Outbox
    from simgame.cohort.sessions import load_for

    slug = re.sub(r"[^a-z0-9]+", "-", f"{code}-{name}".lower()).strip("-")[:60]
    folders = sorted((saves / "outbox").glob(f"*/{slug}"))
    memos = [f for f in folders if (f / "session.json").is_file()]
    if not memos:
        raise CohortError(f"no game for {name} in session {code} on this machine; use --from with a save file")
    folder = memos[-1]
    try:
        info = read_json(folder / "session.json", MEMO_BYTES)
    except (SafeReadError, JSONLimitError) as exc:
        raise CohortError(f"the record of your game in {folder} cannot be read ({exc})") from None
    if not isinstance(info, dict) or not all(isinstance(info.get(k), str) for k in ("scenario_id", "player")):
        raise CohortError(f"the record of your game in {folder} is damaged; use --from with a save file")
    seed = info.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise CohortError(f"the record of your game in {folder} is damaged (its seed); use --from with a save file")
    scenario = load_for(info["scenario_id"])
    choices = fold_local(Outbox(folder), info["player"])
    team = info.get("team")
    return Run.replay(scenario, seed, choices), team if isinstance(team, str) else None


def handle(args: argparse.Namespace) -> int:
    from simgame.cohort.resultfile import build

    try:
        code, name = normalise_code(args.join), check_name(args.name)
        if not is_valid_code(code):  # the code names the output file: never let it be a path
            raise CohortError(
                f"`{args.join}` is not a join code: codes are 6 letters and digits, as shown by the facilitator"
            )
        if args.source:
            run, team = _from_save(Path(args.source)), args.team
        else:
            run, found_team = _from_outbox(saves_dir(args.saves), code, name)
            team = args.team or found_team
        data = build(code, name, team, run)
        run.close()
    except (CohortError, SaveError, EngineError) as exc:
        return fail(str(exc))
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "player"
    out = Path(args.output or f"{code}-{slug}.result.json")
    try:
        atomic_write(out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        return fail(f"the result file was not written ({os_problem(exc)})")
    state = "finished" if run.ended else f"{len(run.history)} decision(s), not finished"
    print(f"wrote {out} ({state}); give it to your facilitator", file=sys.stderr)
    return 0
