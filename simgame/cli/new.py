"""`simgame new`: scaffold a valid, playable scenario that teaches the format in its comments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simgame.authoring.scaffold import render, slug
from simgame.cli.common import fail
from simgame.engine.saves import atomic_write

EXAMPLE = """examples:
  simgame new "Claims triage at scale"          writes claims-triage-at-scale.yaml here
  simgame new vendor-lock-in --dir scenarios/   into a folder
  simgame new draft -o /tmp/draft.yaml --force  overwrite an existing file

The file validates cleanly and plays at once: run `simgame validate FILE`, then
`simgame explore FILE`, then edit. The first line links the JSON Schema so editors
with the YAML language server complete and check fields as you type.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "new",
        help="scaffold a new scenario file that validates and plays",
        description="Write a small, valid, playable scenario with comments that teach the format.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", help="the scenario's name or id (becomes its id and file name)")
    p.add_argument("--dir", default=".", help="folder to write into (default: here)")
    p.add_argument("-o", "--output", help="exact file path to write (overrides --dir)")
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    target = Path(args.output) if args.output else Path(args.dir) / f"{slug(args.name)}.yaml"
    if target.exists() and not args.force:
        return fail(f"{target} already exists; choose another name or add --force")
    if not target.parent.is_dir():
        return fail(f"folder {target.parent} does not exist")
    atomic_write(target, render(args.name, target))
    print(f"wrote {target}", file=sys.stderr)
    print(f"next: simgame validate {target} && simgame explore {target}", file=sys.stderr)
    return 0
