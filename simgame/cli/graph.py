"""`simgame graph`: the story map (or the lifecycle state machine) as Mermaid or Graphviz DOT."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from simgame.authoring import graph
from simgame.cli.common import fail
from simgame.format.diagnostics import LoadError
from simgame.format.loader import check_file, resolve
from simgame.format.model import ScenarioDoc
from simgame.settings import load_settings

EXAMPLE = """examples:
  simgame graph pilot-to-production                      Mermaid flowchart on stdout
  simgame graph my.yaml --format dot | dot -Tsvg > map.svg
  simgame graph my.yaml --lifecycle                      the phases as a state machine
  simgame graph my.yaml -o docs/map.md                   a Markdown file GitHub renders

Scenes are grouped by phase; endings are rounded and coloured by tone; 🎲 marks a
scene with chance events; dashed arrows are chance or `next: end` routes. Scenes
no path reaches are drawn dashed grey, dead ends (no way to any ending) orange.
A scenario with errors is still drawn, as long as its fields have the right shape.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "graph",
        help="draw the story map or the lifecycle as Mermaid or DOT",
        description="Draw a scenario's scenes, choices, chance events and endings, "
        "clustered by phase, with unreachable scenes and dead ends highlighted.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="a bundled scenario id or a .yaml file")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    p.add_argument("--lifecycle", action="store_true", help="draw the phases as a state machine instead")
    p.add_argument("-o", "--output", help="write to this file (.md wraps Mermaid in a fenced block)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        path = resolve(args.scenario, load_settings().scenarios_dir)
    except LoadError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    result = check_file(path)
    if result.data is None:
        print("\n\n".join(d.render() for d in result.diagnostics), file=sys.stderr)
        return fail(f"{path} cannot be drawn: fix the problems above first")
    try:
        doc = ScenarioDoc.model_validate(result.data)
    except ValidationError:
        print("\n\n".join(d.render() for d in result.diagnostics if d.is_error), file=sys.stderr)
        return fail(f"{path} cannot be drawn until its fields have the right shape (problems above)")
    g = graph.build(doc)
    if args.lifecycle:
        text = graph.lifecycle_dot(g) if args.format == "dot" else graph.lifecycle_mermaid(g)
    else:
        text = graph.dot(g) if args.format == "dot" else graph.mermaid(g)
    if args.output:
        out = Path(args.output)
        if out.suffix == ".md" and args.format == "mermaid":
            text = f"# {doc.title}\n\n```mermaid\n{text}```\n"
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
