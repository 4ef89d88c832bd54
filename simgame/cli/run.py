"""`simgame run`: headless play for tests, transcripts, benchmarks and automation."""

from __future__ import annotations

import argparse
import json
import random
import sys

from simgame.authoring.run_report import debrief_text, run_json, transcript_text
from simgame.cli.cohort import play_in_cohort
from simgame.cli.common import CliError, fail, load, saves_dir
from simgame.cli.headless import MAX_STEPS, passage
from simgame.cli.headless import option_lines as _options
from simgame.engine.run import EngineError, Run
from simgame.engine.saves import new_run_id, write_save
from simgame.engine.scoring import debrief
from simgame.engine.state import Decision

EXAMPLE = """examples:
  simgame run pilot-to-production --seed 7 --choose scale-now,measure
  simgame run scenarios/tiny.yaml --policy random --seed 3 --format json
  simgame run my.yaml --fixture mid-scale --choose keep-running
  simgame run --join K7QF3M --name bot-01 --policy random     (a simulated player in a cohort)
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "run",
        help="play a scenario without the TUI and print the transcript and debrief",
        description="Play a scenario headlessly: apply the given choices in order, then "
        "(with --policy) keep choosing until an ending.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="a bundled scenario id or a path to a .yaml file")
    p.add_argument("--seed", type=int, default=0, help="seed for chance events (default 0)")
    p.add_argument("--choose", default="", help="comma-separated choice ids to make in order")
    p.add_argument(
        "--policy", choices=["random", "first"], help="after the given choices, keep choosing this way until an ending"
    )
    p.add_argument("--fixture", help="start from a named fixture state")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--save", action="store_true", help="write the run to the saves folder")
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")
    p.add_argument("--join", metavar="CODE", help="play as a player in this cohort (scenario and seed come from it)")
    p.add_argument("--name", help="the player's name in the cohort (with --join)")
    p.add_argument("--team", help="the player's team in the cohort (with --join)")
    p.add_argument("--hub", metavar="URL", help="send events to the cohort hub at URL instead of the local store")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.join:
        return play_in_cohort(args)
    if not args.scenario:
        return fail("give a scenario id or file (or --join CODE to play in a cohort)")
    try:
        scenario = load(args.scenario)
        run = Run.start(scenario, args.seed, args.fixture)
    except (CliError, EngineError) as exc:
        return fail(str(exc))
    steps: list[tuple[str, list[str], Decision | None]] = []
    wanted = [c.strip() for c in args.choose.split(",") if c.strip()]
    rng = random.Random(args.seed)
    for choice in wanted:
        # Pass-through scenes need no id in --choose: read on until the choice's scene.
        while not run.ended and choice not in run.available() and passage(run) is not None:
            steps.append((run.scene_id, _options(run), run.choose(passage(run) or "")))
        scene, opts = run.scene_id, _options(run)
        try:
            steps.append((scene, opts, run.choose(choice)))
        except EngineError as exc:
            if args.format == "text":
                print(transcript_text(run, steps))
            return fail(f"step {len(steps) + 1} (scene `{run.scene_id}`): {exc}")
    while not run.ended and passage(run) is not None and len(steps) < MAX_STEPS:
        steps.append((run.scene_id, _options(run), run.choose(passage(run) or "")))
    while args.policy and not run.ended and len(steps) < MAX_STEPS:
        available = run.available()
        if not available:
            return fail(f"no choice is available in scene `{run.scene_id}`: the scenario has a dead end")
        pick = available[0] if args.policy == "first" else rng.choice(available)
        steps.append((run.scene_id, _options(run), run.choose(pick)))
    if not run.ended:
        steps.append((run.scene_id, _options(run), None))
    if args.save:
        path = write_save(run, saves_dir(args.saves), new_run_id(scenario.id))
        print(f"saved to {path}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(run_json(run, steps), indent=2))
        return 0
    print(transcript_text(run, steps))
    if run.ended:
        print(debrief_text(debrief(run), scenario))
    else:
        print(f"Stopped before the end at scene `{run.scene_id}`. Choices here: {', '.join(run.available())}")
    return 0
