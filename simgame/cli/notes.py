"""`simgame notes`: a scenario's teaching note, for the facilitator preparing a session."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markdown import Markdown

from simgame.authoring.teaching import NOTES_FOLDER, find_note, note_path, note_problems
from simgame.cli.common import CliError, fail, load

EXAMPLE = f"""examples:
  simgame notes pilot-to-production              read it in the terminal
  simgame notes pilot-to-production --markdown > note.md
  simgame notes my.yaml --check                  check a note you are writing

A teaching note is Markdown in a `{NOTES_FOLDER}/` folder beside the scenario, named after the
scenario's id: learning objectives, the decisions that divide rooms, discussion questions, hot-wash
prompts, the facts behind the story, and 60- and 90-minute run sheets. The room debrief
(`simgame cohort report`) carries it as an appendix.
exit codes: 0 shown (or --check found nothing), 1 no note or --check found problems, 2 usage
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "notes",
        help="a scenario's teaching note: objectives, discussion questions, run sheets",
        description="Show a scenario's teaching note (the facilitator's guide), or check one you are writing.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="a bundled scenario id or a .yaml file")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--markdown", action="store_true", help="print the Markdown as written")
    shape.add_argument("--check", action="store_true", help="check the note's sections and decision ids")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        scenario = load(args.scenario)
    except CliError as exc:
        return fail(str(exc))
    note = find_note(scenario)
    if note is None:
        where = note_path(scenario.smap.file, scenario.id)
        return fail(f"{scenario.id} has no teaching note: expected a readable Markdown file at {where}")
    if args.check:
        problems = note_problems(scenario, note)
        for problem in problems:
            print(f"{note.path}: {problem}")
        if not problems:
            print(f"{note.path}: ok")
        return 1 if problems else 0
    if args.markdown:
        print(note.text, end="" if note.text.endswith("\n") else "\n")
        return 0
    Console(highlight=False).print(Markdown(note.text))
    return 0
