"""`simgame test`: replay committed expected transcripts and show differences as a diff."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simgame.authoring.transcripts import TranscriptError, check, find, read, record, split_transcripts
from simgame.engine.run import EngineError
from simgame.format.diagnostics import LoadError
from simgame.settings import load_settings

EXAMPLE = """examples:
  simgame test                                   every transcript under tests/transcripts/
  simgame test tests/transcripts/tiny/           one scenario's transcripts
  simgame test --format json                     for CI
  simgame test --record tests/transcripts/tiny/owner.yaml --scenario tests/data/tiny.yaml \\
               --seed 0 --choose name-owner,measure      record what those choices do now

A transcript is choices + seed -> ending, band, score and final metrics (see docs/authoring.md).
exit codes: 0 all pass, 1 a difference or an unreadable transcript, 2 usage
"""

DEFAULT = Path("tests/transcripts")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "test",
        help="replay expected transcripts (choices + seed -> ending, metrics, band)",
        description="Replay committed expected transcripts with the engine and report any "
        "difference as a readable diff; or record a new one.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "path", nargs="?", default=str(DEFAULT), help="a transcript file or folder (default tests/transcripts)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--record", metavar="FILE", help="play --choose with --seed on --scenario and write FILE")
    p.add_argument("--scenario", help="with --record: a bundled scenario id or a .yaml file")
    p.add_argument("--seed", type=int, default=0, help="with --record: the seed (default 0)")
    p.add_argument("--choose", default="", help="with --record: comma-separated choice ids")
    p.add_argument("--fixture", help="with --record: start from this fixture")
    p.add_argument(
        "--unfinished", action="store_true", help="with --record: record a run that has not reached an ending"
    )
    p.set_defaults(handler=handle)


def _record(args: argparse.Namespace) -> int:
    if not args.scenario or not args.choose:
        print("simgame test: --record needs --scenario and --choose", file=sys.stderr)
        return 2
    choices = [c.strip() for c in args.choose.split(",") if c.strip()]
    try:
        scenarios = load_settings().scenarios_dir
        path = record(Path(args.record), args.scenario, args.seed, choices, args.fixture, scenarios, args.unfinished)
    except LoadError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except (EngineError, TranscriptError) as exc:
        print(f"simgame test: cannot record: {exc}", file=sys.stderr)
        return 1
    print(f"recorded {path}", file=sys.stderr)
    return 0


def handle(args: argparse.Namespace) -> int:
    if args.record:
        return _record(args)
    root = Path(args.path)
    if not root.exists():
        print(f"simgame test: {root} does not exist", file=sys.stderr)
        return 2
    files, skipped = split_transcripts(find(root))
    if skipped and args.format == "text":
        print(f"skipped {len(skipped)} scenario or glossary file(s) under {root}")
    if not files:
        print(f"simgame test: no transcripts (.yaml) under {root}", file=sys.stderr)
        return 1
    rows: list[dict[str, object]] = []
    failed = 0
    for f in files:
        try:
            result = check(read(f), load_settings().scenarios_dir)
        except TranscriptError as exc:
            failed += 1
            rows.append({"file": str(f), "passed": False, "error": str(exc)})
            if args.format == "text":
                print(f"ERROR {f}\n  {exc}")
            continue
        failed += not result.passed
        rows.append({"file": str(f), "passed": result.passed, "diff": result.diff, "actual": result.actual})
        if args.format == "text":
            print(f"{'ok  ' if result.passed else 'FAIL'} {result.transcript.name}")
            if not result.passed:
                print(result.diff)
    if args.format == "json":
        print(json.dumps({"passed": len(files) - failed, "failed": failed, "results": rows}, indent=2))
    else:
        print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0
