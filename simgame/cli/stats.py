"""`simgame stats`: scenes, choices, words, and reading minutes per playthrough."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from rich.console import Console
from rich.table import Table

from simgame.authoring.lint import WORDS_PER_MINUTE
from simgame.authoring.stats import stats
from simgame.cli.common import CliError, fail, load

EXAMPLE = f"""examples:
  simgame stats pilot-to-production
  simgame stats my.yaml --plays 5000 --format json

Reading minutes assume {WORDS_PER_MINUTE} words a minute and count what one playthrough
shows: briefing, scenes, the choices offered, feedback, events, the ending and its debrief.
Playthroughs are seeded random plays (`simgame run FILE --policy random --seed N`).
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "stats",
        help="scenes, choices, words and reading minutes per playthrough",
        description="Size of a scenario and the reading time of a playthrough (min, median, max).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="a bundled scenario id or a .yaml file")
    p.add_argument("--plays", type=int, default=2_000, help="random playthroughs to measure (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.plays < 1:
        print("simgame stats: --plays must be at least 1")
        return 2
    try:
        scenario = load(args.scenario)
    except CliError as exc:
        return fail(str(exc))
    s = stats(scenario, args.plays, args.seed)
    if args.format == "json":
        print(json.dumps(asdict(s), indent=2))
        return 0
    console = Console(highlight=False)
    console.print(
        f"{s.scenario}: {s.scenes} scenes, {s.choices} choices, {s.endings} endings, {s.events} events, "
        f"{s.words:,} words in all"
    )
    t = Table(title=f"Per playthrough ({s.plays:,} seeded random plays from seed {args.seed})")
    for col in ("", "min", "median", "max"):
        t.add_column(col)
    t.add_row("decisions", f"{s.decisions.min:g}", f"{s.decisions.median:g}", f"{s.decisions.max:g}")
    t.add_row("words read", f"{s.words_read.min:g}", f"{s.words_read.median:g}", f"{s.words_read.max:g}")
    t.add_row("reading minutes", f"{s.minutes.min:g}", f"{s.minutes.median:g}", f"{s.minutes.max:g}")
    console.print(t)
    return 0
