"""`simgame explore`: play every reachable state (or many seeded random plays) and report what an author must fix."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from simgame.analysis.batch.explorer import MAX_STATES
from simgame.analysis.distributions import Dist
from simgame.analysis.outcomes.cache import open_map
from simgame.analysis.outcomes.mapfile import OutcomeMap
from simgame.analysis.personas import PERSONAS
from simgame.analysis.report import Phase, Report, explore
from simgame.analysis.search import EXHAUSTIVE_BUDGET
from simgame.cli.common import CliError, fail, load
from simgame.settings import load_settings

EXAMPLE = (
    """examples:
  simgame explore pilot-to-production              exhaustive when it fits, else seeded random play
  simgame explore my.yaml --format json > report.json
  simgame explore my.yaml --random --plays 20000 --seed 7
  simgame explore my.yaml --strict                 exit 1 on warnings too (for CI)

Every failure prints a `simgame run ... --seed N` command that replays it exactly.
Personas: """
    + ", ".join(f"{p.id} ({p.description})" for p in PERSONAS)
    + """

exit codes: 0 no failures, 1 failures (or warnings with --strict), 2 usage
"""
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "explore",
        help="explore every reachable state: coverage, endings, score balance",
        description="Explore a scenario exhaustively (every reachable scene and state, chance "
        "events both ways), or by seeded random play when the state space is too "
        "large, and play persona strategies.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="a bundled scenario id or a .yaml file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--seed", type=int, default=0, help="first seed of random and persona plays (default 0)")
    p.add_argument("--plays", type=int, default=10_000, help="random plays when not exhaustive (default 10000)")
    p.add_argument("--persona-plays", type=int, default=100, help="plays per persona (default 100)")
    p.add_argument(
        "--max-states",
        type=int,
        default=MAX_STATES,
        help=f"give up exhaustive exploration past this many states (default {MAX_STATES})",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=EXHAUSTIVE_BUDGET,
        help=f"give up exhaustive exploration after this many seconds (default {EXHAUSTIVE_BUDGET:g})",
    )
    p.add_argument("--random", action="store_true", help="skip exhaustive exploration; play randomly")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings as well as failures")
    p.add_argument("--hits", action="store_true", help="also list the hit count of every scene and choice")
    p.set_defaults(handler=handle)


@contextmanager
def _progress(enabled: bool) -> Iterator[Phase | None]:
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = bar.add_task(f"exploring {what}", total=max(total, 1))
        bar.update(tasks[what], completed=done, total=max(total, 1))

    with bar:
        yield update


def handle(args: argparse.Namespace) -> int:
    if args.plays < 1 or args.persona_plays < 0 or args.max_states < 1:
        print("simgame explore: --plays, --max-states must be positive", file=sys.stderr)
        return 2
    try:
        scenario = load(args.scenario)
    except CliError as exc:
        return fail(str(exc))
    with _progress(args.format == "text" and sys.stderr.isatty()) as progress:
        report = explore(
            scenario,
            seed=args.seed,
            plays=args.plays,
            max_states=args.max_states,
            budget=args.budget,
            persona_plays=args.persona_plays,
            mode="random" if args.random else "auto",
            progress=progress,
            maps=load_settings().maps_dir,
            name=args.scenario,
        )
    outcomes = open_map(load_settings().maps_dir, scenario)
    if args.format == "json":
        data = report.to_json()
        if outcomes is not None:
            data["outcome_map"] = {
                "start": asdict(outcomes.start),
                "endings_best_play": outcomes.endings_best,
                "endings_random_play": outcomes.endings_random,
                "states": outcomes.states,
            }
        print(json.dumps(data, indent=2))
    else:
        # Piped output keeps wide tables on one line each (rich would wrap at 80 columns).
        console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
        render(report, console, show_hits=args.hits)
        if outcomes is not None:
            render_odds(outcomes, console)
    if report.failures or (args.strict and report.findings):
        return 1
    return 0


def render_odds(outcomes: OutcomeMap, console: Console) -> None:
    """What the outcome map says: expected scores of best and random play, and each ending's odds."""
    s = outcomes.start
    if s.expected_best_play is not None and s.expected_random_play is not None:
        console.print(
            f"Expected final score: best play {s.expected_best_play:.1f}, random play {s.expected_random_play:.1f} "
            "(chance events weighted by their odds)"
        )
    t = Table(title="Each ending's probability (chance weighted)")
    for col in ("ending", "random play", "best play"):
        t.add_column(col)
    for eid in sorted(set(outcomes.endings_random) | set(outcomes.endings_best)):
        t.add_row(eid, f"{outcomes.endings_random.get(eid, 0.0):.1%}", f"{outcomes.endings_best.get(eid, 0.0):.1%}")
    console.print(t)


def _dist(d: Dist | None) -> str:
    if d is None:
        return "-"
    return f"{d.min:g} / {d.median:g} / {d.max:g}"


def _bars(d: Dist) -> str:
    top = max(d.histogram) or 1
    return "".join(" ▁▂▃▄▅▆▇█"[round(h / top * 8)] for h in d.histogram)


def render(r: Report, console: Console, show_hits: bool = False) -> None:
    """The report as tables (plain text when piped: rich drops colour for non-terminals)."""
    if r.mode == "exhaustive":
        console.print(
            f"[bold]{r.scenario}[/]: exhaustive exploration, {r.states:,} states (hits count "
            "distinct states at a scene, and ways of finishing at an ending)"
        )
    else:
        console.print(
            f"[bold]{r.scenario}[/]: {r.plays:,} random plays from seed {r.seed} (not exhaustive: {r.why_random})"
        )
    for title, hits in (("Scenes", r.scenes), ("Choices", r.choices), ("Endings", r.endings), ("Bands", r.bands)):
        hit = sum(1 for v in hits.values() if v)
        missed = [k for k, v in hits.items() if not v]
        line = f"{title}: {hit}/{len(hits)} reached"
        if missed:
            line += " - never: " + ", ".join(missed)
        console.print(line)
    if show_hits:
        unit = "states" if r.mode == "exhaustive" else "plays"
        for title, counts in (("Scene", r.scenes), ("Choice", r.choices)):
            coverage = Table(title=f"{title} hits ({unit})")
            coverage.add_column(title.lower())
            coverage.add_column("hits", justify="right")
            for name, count in counts.items():
                coverage.add_row(name, f"{count:,}")
            console.print(coverage)
    t = Table(title="Endings: shortest path and final score (min / median / max)")
    for col in ("ending", "hits", "shortest path", "score", "spread"):
        t.add_column(col)
    for eid, count in r.endings.items():
        path = r.shortest.get(eid)
        table = r.per_ending.get(eid, {})
        score = table.get("score")
        t.add_row(
            eid, f"{count:,}", " > ".join(path.choices) if path else "-", _dist(score), _bars(score) if score else ""
        )
    console.print(t)
    metrics = Table(title="Metrics at each ending (min / median / max)")
    metrics.add_column("ending")
    names = [m for e in r.per_ending.values() for m in e if m != "score"]
    for m in dict.fromkeys(names):
        metrics.add_column(m)
    for eid, table in r.per_ending.items():
        metrics.add_row(eid, *(_dist(table.get(m)) for m in dict.fromkeys(names)))
    console.print(metrics)
    if r.best is not None:
        console.print(f"Overall score range: worst {r.worst:g}, best {r.best:g}")
    personas = Table(title="Personas")
    for col in ("persona", "plays", "endings", "score", "replay the first"):
        personas.add_column(col)
    for p in r.personas:
        endings = ", ".join(f"{k} {v}" for k, v in sorted(p.endings.items(), key=lambda kv: -kv[1]))
        personas.add_row(p.label, str(p.plays), endings or "-", _dist(p.score), p.example)
    console.print(personas)
    for eid, path in r.shortest.items():
        if path.rolls:
            seed = f"seed {path.seed}" if path.seed is not None else "no seed found in 500"
            odds = (
                f"those choices end here with probability {path.probability:.3g}"
                if path.whole
                else f"this path, roll for roll, has probability {path.probability:.3g}"
            )
            console.print(
                f"{eid}: along its shortest path, needs {', '.join(path.rolls)} ({odds}; {seed}): {path.rerun}"
            )
    if not r.findings:
        console.print("No findings.")
    for f in r.findings:
        label = "[red]failure[/]" if f.severity == "failure" else "[yellow]warning[/]"
        console.print(f"{label} {escape(f.kind)}: {escape(f.message)}")
        if f.rerun:
            console.print(f"  re-run: {f.rerun}", markup=False)
    failures = len(r.failures)
    console.print(
        f"{failures} failure{'s' * (failures != 1)}, {len(r.findings) - failures} warning"
        f"{'s' * (len(r.findings) - failures != 1)}"
    )
