"""`simgame lsp`: the language server editors start to check and navigate scenario files."""

from __future__ import annotations

import argparse

EXAMPLE = """examples:
  simgame lsp          started by your editor, never by hand: it talks the Language Server Protocol on stdin/stdout

What it gives an editor: the problems `simgame validate` finds, as you type; hover on fields and
ids; go to definition and find references; completion of ids in next/goto/start/when/chance/terms;
rename of scene, choice, metric and flag ids; outcome figures above each scene once
`simgame explore FILE` has mapped that version. Set-ups for VS Code, Neovim and Helix are in
docs/editors.md.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "lsp",
        help="the language server for editors (stdio)",
        description="Run the scenario language server on stdin and stdout, for an editor to start.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--stdio", action="store_true", help="talk on stdin/stdout (the default; accepted for editors that pass it)"
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from simgame.lsp.server import serve

    serve()
    return 0
