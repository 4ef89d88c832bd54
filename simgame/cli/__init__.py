"""The `simgame` command: one small module per subcommand, registered here."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from simgame import __version__
from simgame.cli.common import RERAISE_ENV, crash_message
from simgame.settings import SettingsError, load_settings

Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]
# Each subcommand's module, in the order `simgame --help` lists them. A command line imports only
# its own subcommand's module: a game started by the hub (`python -m simgame play`) never loads
# numpy, the explorer or the cohort store, so each browser player's process stays small.
COMMAND_MODULES: dict[str, str] = {
    "play": "simgame.cli.play",
    "run": "simgame.cli.run",
    "validate": "simgame.cli.validate",
    "cohort": "simgame.cli.cohort",
    "serve": "simgame.cli.serve",
    "export": "simgame.cli.export",
    "explore": "simgame.cli.explore",
    "graph": "simgame.cli.graph",
    "new": "simgame.cli.new",
    "test": "simgame.cli.test_cmd",
    "stats": "simgame.cli.stats",
    "notes": "simgame.cli.notes",
    "lsp": "simgame.cli.lsp",
}


def _register(name: str) -> Register:
    register: Register = importlib.import_module(COMMAND_MODULES[name]).register
    return register


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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command's parser: every subcommand, or only ``only`` (the one a command line names)."""
    parser = _Parser(
        prog="simgame",
        description="Leadership AI-fluency simulation game.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"simgame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [only] if only in COMMAND_MODULES else COMMAND_MODULES:
        _register(str(name))(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("--") and args_list[0] not in ("--help", "--version")):
        args_list = ["play", *args_list]
    parser = build_parser(args_list[0] if args_list[0] in COMMAND_MODULES else None)
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
