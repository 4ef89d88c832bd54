"""`simgame play` (and `simgame` alone): open the game in the terminal."""

from __future__ import annotations

import argparse

from simgame.cli.common import fail

EXAMPLE = """examples:
  simgame                                  the scenario library
  simgame play pilot-to-production         one scenario directly
  simgame play my.yaml --seed 4 --saves /tmp/saves
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("play", help="open the game (the default command)",
                       description="Open the game in the terminal.", epilog=EXAMPLE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", help="a bundled scenario id or a .yaml file (default: the library)")
    p.add_argument("--seed", type=int, default=None, help="seed for chance events")
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES or ./saves)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        from simgame.tui.launch import launch  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return fail("the terminal game is not installed in this build; use `simgame run` to play headlessly")
    return int(launch(args))
