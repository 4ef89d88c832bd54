"""`simgame play` (and `simgame` alone): open the game in the terminal."""

from __future__ import annotations

import argparse

from simgame.cli.common import CliError, fail, load
from simgame.settings import LANGS, THEMES, load_settings

EXAMPLE = """examples:
  simgame                                  the scenario library
  simgame play pilot-to-production         one scenario directly
  simgame play my.yaml --seed 4 --saves /tmp/saves
  simgame play tiny --lang de              the game in German (and the scenario's German text, if it has some)
  simgame play my.yaml --watch             authors: reload on every save, replaying your choices
  simgame play my.yaml --from drift-alarm  start at a scene (replays the shortest way there)
  simgame play my.yaml --fixture mid-scale start from a named fixture state
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "play",
        help="open the game (the default command)",
        description="Open the game in the terminal.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="a bundled scenario id or a .yaml file (default: the library)")
    p.add_argument("--seed", type=int, default=None, help="seed for chance events (default: a new one each run)")
    p.add_argument("--saves", help="saves folder (default: $SIMGAME_SAVES, the config file's, or ./saves)")
    p.add_argument(
        "--theme", choices=THEMES, default=None, help="colour theme (default: $SIMGAME_THEME or the config file's)"
    )
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="the game's language; a scenario's NAME.LANG.yaml translation is used when there is one "
        "(default: $SIMGAME_LANG or the config file's, else en)",
    )
    author = p.add_argument_group("for scenario authors")
    author.add_argument(
        "--watch", action="store_true", help="reload the file when it changes and replay your choices so far"
    )
    author.add_argument(
        "--from",
        dest="from_scene",
        metavar="SCENE",
        help="start at this scene (replays the shortest path of choices to it)",
    )
    author.add_argument("--fixture", help="start from a named fixture state in the scenario")
    # Joining a cohort is part of `play` itself: the hub starts `python -m simgame play --join …`, and
    # a command line loads only its own subcommand's module.
    group = p.add_argument_group("joining a facilitated session")
    group.add_argument("--join", metavar="CODE", help="join the session with this code (from the facilitator)")
    group.add_argument("--name", help="your name in the session (asked in the game if missing)")
    group.add_argument("--team", help="your team, if the facilitator uses teams")
    group.add_argument(
        "--hub",
        metavar="URL",
        help="the facilitator's hub, e.g. http://192.168.1.20:8765 (default: this machine's session store)",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if (args.watch or args.from_scene or args.fixture) and not args.scenario:
        return fail("--watch, --from and --fixture need a scenario: simgame play FILE --watch")
    if args.from_scene and args.fixture:
        return fail("use either --from or --fixture, not both")
    # Flags win over the environment, which wins over the config file: the game reads the result.
    settings = load_settings(
        saves=args.saves, theme=args.theme, hub=getattr(args, "hub", None), lang=getattr(args, "lang", None)
    )
    args.saves, args.theme, args.lang = str(settings.saves_dir), settings.theme, settings.lang
    if getattr(args, "join", None):
        args.hub = settings.hub
    args.scenarios_dir = settings.scenarios_dir
    if args.scenario and not args.watch and not getattr(args, "join", None):
        # A broken file fails here, compiler-style, before the game takes over the terminal.
        try:
            args.preloaded = load(args.scenario)
        except CliError as exc:
            return fail(str(exc))
    try:
        from simgame.tui.launch import launch  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return fail("the terminal game is not installed in this build; use `simgame run` to play headlessly")
    return int(launch(args))
