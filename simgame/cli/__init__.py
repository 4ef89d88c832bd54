"""The `simgame` command: one small module per subcommand, registered here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from simgame import __version__
from simgame.cli import cohort, export, play, run, serve, test_cmd, validate
from simgame.cli import explore as explore_cmd
from simgame.cli import graph as graph_cmd
from simgame.cli import new as new_cmd
from simgame.cli import stats as stats_cmd
from simgame.cli.common import RERAISE_ENV, crash_message
from simgame.settings import SettingsError, load_settings

Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]
COMMANDS: list[Register] = [
    play.register,
    run.register,
    validate.register,
    cohort.register,
    serve.register,
    export.register,
    explore_cmd.register,
    graph_cmd.register,
    new_cmd.register,
    test_cmd.register,
    stats_cmd.register,
]

EPILOG = """examples:
  simgame                                   open the game on the bundled scenarios
  simgame play pilot-to-production          open one scenario directly
  simgame run tiny --seed 3 --choose scale-now,measure
  simgame validate scenarios/
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"simgame: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="simgame",
        description="Leadership AI-fluency simulation game.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"simgame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0].startswith("--") and args_list[0] not in ("--help", "--version")):
        args_list = ["play", *args_list]
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        load_settings()  # a bad config file or variable: one plain message before any work starts
        return int(handler(args))
    except SettingsError as exc:
        print(f"simgame: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug or the machine (full disk, read-only folder): one sentence and a log file
        if os.environ.get(RERAISE_ENV):
            raise  # the test suite sets it, so any such exception fails the test that caused it
        print(crash_message(exc, args_list), file=sys.stderr)
        return 1
