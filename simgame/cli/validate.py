"""`simgame validate`: check scenario files and report every problem, located, with a hint."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simgame.diagnostics import Diagnostic, LoadError, make, sort_key, summary
from simgame.loader import GLOSSARY_FILE, CheckResult, check_file, load_glossary

EXAMPLE = """examples:
  simgame validate scenarios/                 every scenario in a folder
  simgame validate my-scenario.yaml --strict  fail on warnings too
  simgame validate scenarios/ --format json   for CI and editors

exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="check scenario files and report problems with file:line:col",
                       description="Check scenario files: YAML, format, references, expressions, "
                                   "reachability. Every problem is reported with its place and a hint.",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", help="scenario files or folders")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="treat warnings as failures")
    p.set_defaults(handler=handle)


def expand(paths: list[str]) -> tuple[list[Path], list[Diagnostic]]:
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml"))
            if not found:
                problems.append(make("SG100", f"no .yaml files in folder {raw}", file=raw))
            files += found
        elif p.exists():
            files.append(p)
        else:
            problems.append(make("SG100", f"{raw} does not exist", file=raw, hint="check the path"))
    return files, problems


def check_paths(paths: list[str]) -> list[CheckResult]:
    files, problems = expand(paths)
    results = [CheckResult(d.file, None, [d]) for d in problems]
    for f in files:
        if f.name == GLOSSARY_FILE:
            try:
                load_glossary(f)
                results.append(CheckResult(str(f), None, []))
            except LoadError as exc:
                results.append(CheckResult(str(f), None, exc.diagnostics))
            continue
        results.append(check_file(f))
    return results


def handle(args: argparse.Namespace) -> int:
    results = check_paths(args.paths)
    diags = sorted((d for r in results for d in r.diagnostics), key=sort_key)
    if args.format == "json":
        print(json.dumps({
            "files": [r.path for r in results],
            "errors": sum(d.is_error for d in diags),
            "warnings": sum(not d.is_error for d in diags),
            "diagnostics": [d.to_json() for d in diags],
        }, indent=2))
    else:
        for d in diags:
            print(d.render() + "\n")
        status = "ok" if not diags else summary(diags)
        print(f"{len(results)} file{'s' * (len(results) != 1)} checked: {status}", file=sys.stderr)
    errors = any(d.is_error for d in diags)
    return 1 if errors or (args.strict and diags) else 0
