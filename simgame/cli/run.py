"""`simgame run`: headless play for tests, transcripts, benchmarks and automation."""

from __future__ import annotations

import argparse
import json
import random
import sys

from simgame.analysis.outcomes.reference import RunReference
from simgame.authoring.reference_text import decision_json, reference_json, reference_lines
from simgame.authoring.run_report import debrief_text, run_json, transcript_text
from simgame.cli.cohort import play_in_cohort
from simgame.cli.common import CliError, fail, load, os_problem, saves_dir
from simgame.cli.headless import MAX_STEPS, POLICIES, passage, pick
from simgame.cli.headless import option_lines as _options
from simgame.engine.run import MAX_READ_ON, EngineError, Run
from simgame.engine.saves import new_run_id, write_save
from simgame.engine.scoring import debrief
from simgame.engine.state import Decision
from simgame.format.inert import inert

EXAMPLE = """examples:
  simgame run pilot-to-production --seed 7 --choose scale-now,measure
  simgame run scenarios/tiny.yaml --policy random --seed 3 --format json
  simgame run pilot-to-production --policy longest     (does the wordiest answer always win?)
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
        "--policy",
        choices=POLICIES,
        help="after the given choices, keep choosing this way until an ending: at random, the first or last "
        "option as the player sees them (options are shuffled per seed), the longest or shortest label, or "
        "the most cautious or the most aggressive option (what the risk-averse or the ship-fast persona takes)",
    )
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="leave out the reference points (best and worst reachable, what each decision gave up), which "
        "need the scenario's outcome map (built once per version of the scenario, in another process)",
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


def _reference(run: Run) -> RunReference | str:
    """The run against the scenario's outcome map, or why there is none (in words)."""
    from simgame.analysis.outcomes.cache import ensure_map
    from simgame.analysis.outcomes.mapfile import OutcomeMap
    from simgame.analysis.outcomes.reference import review
    from simgame.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        found = ensure_map(settings.maps_dir, run.scenario, settings.map_memory_mb)
    except SettingsError as exc:
        return str(exc)
    if not isinstance(found, OutcomeMap):
        return found.reason
    return review(found, run.scenario, run.seed, list(run.choice_log), run.fixture)


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
        try:
            # Pass-through scenes need no id in --choose: read on until the choice's scene.
            read = 0
            while not run.ended and choice not in run.available() and passage(run) is not None:
                read += 1
                if read > MAX_READ_ON:
                    circle = " → ".join(dict.fromkeys(step[0] for step in steps[-20:]))
                    raise EngineError(f"play goes round pass-through scenes ({circle}) without a decision to make")
                steps.append((run.scene_id, _options(run), run.choose(passage(run) or "")))
            scene, opts = run.scene_id, _options(run)
            steps.append((scene, opts, run.choose(choice)))
        except EngineError as exc:
            if args.format == "text":
                print(transcript_text(run, steps))
            return fail(f"step {len(steps) + 1} (scene `{run.scene_id}`): {exc}")
    # With --policy, the policy reads on through pass-through scenes itself, as `balance.play` and
    # `analysis.play.random_play` do (`random` draws for a lone Continue too), so that
    # `--policy P --seed N` is the very play the balance checks and `simgame explore` report.
    while not args.policy and not run.ended and passage(run) is not None and len(steps) < MAX_STEPS:
        steps.append((run.scene_id, _options(run), run.choose(passage(run) or "")))
    while args.policy and not run.ended and len(steps) < MAX_STEPS:
        choice = pick(run, args.policy, rng)
        if choice is None:
            return fail(f"no choice is available in scene `{run.scene_id}`: the scenario has a dead end")
        steps.append((run.scene_id, _options(run), run.choose(choice)))
    if not run.ended:
        steps.append((run.scene_id, _options(run), None))
    if args.save:
        try:
            path = write_save(run, saves_dir(args.saves), new_run_id(scenario.id))
        except OSError as exc:  # a full disk or a read-only folder: say so plainly, the run itself is fine
            return fail(f"the run was not saved ({os_problem(exc)})")
        print(f"saved to {path}", file=sys.stderr)
    reference = None if args.no_reference else _reference(run)
    if args.format == "json":
        data = run_json(run, steps)
        if reference is not None:
            data["reference"] = reference_json(reference)
            if not isinstance(reference, str):
                by_index = {d.index: d for d in reference.decisions}
                for step, (_scene, _opts, dec) in zip(data["steps"], steps, strict=True):
                    cost = by_index.get(dec.index) if dec is not None else None
                    step["quality"] = decision_json(cost) if cost is not None else None
        print(json.dumps(data, indent=2))
        return 0
    print(transcript_text(run, steps))
    if run.ended:
        d = debrief(run)
        print(debrief_text(d, scenario))
        if reference is not None:
            numbers = {r.decision.index: r.number for r in d.decisions}
            print(inert("\n".join(reference_lines(reference, d.outcome.overall, scenario, numbers, run))))
    else:
        print(f"Stopped before the end at scene `{run.scene_id}`. Choices here: {', '.join(run.available())}")
    return 0
