"""`simgame validate`: check scenario files and report every problem, located, with a hint."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simgame.authoring.lint import lint, terms_used, unused_glossary_terms
from simgame.authoring.sizecheck import minutes_mismatch
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic, LoadError, make, sort_key, summary
from simgame.format.loader import (
    GLOSSARY_FILE,
    CheckResult,
    Glossary,
    check_file,
    find_glossary,
    is_translation,
    load_glossary,
)

EXAMPLE = """examples:
  simgame validate scenarios/                 every scenario in a folder
  simgame validate my-scenario.yaml --strict  fail on warnings too
  simgame validate scenarios/ --format json   for CI and editors
  simgame validate my.yaml --no-lint          only the engine's checks (no SG6xx/SG7xx warnings)

Quality warnings (SG6xx) run after a clean engine check. With --strict, balance checks
(SG7xx: can a habit such as "always the longest option" win?) run too; they read the
scenario's outcome map, built once per version of the scenario. Every code is explained,
with a failing example and the fix, in docs/diagnostics.md.

exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="check scenario files and report problems with file:line:col",
        description="Check scenario files: YAML, format, references, expressions, "
        "reachability. Every problem is reported with its place and a hint.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", help="scenario files or folders")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--strict", action="store_true", help="treat warnings as failures, and run the balance checks (SG7xx)"
    )
    p.add_argument("--no-lint", action="store_true", help="skip the quality and balance warnings (SG6xx, SG7xx)")
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


def _glossary_for(path: Path, cache: dict[Path, Glossary | None]) -> Glossary | None:
    gpath = find_glossary(path)
    if gpath is None:
        return None
    if gpath not in cache:
        try:
            cache[gpath] = load_glossary(gpath)
        except LoadError:
            cache[gpath] = None  # its own errors are reported when the glossary file is checked
    return cache[gpath]


def check_paths(paths: list[str], quality: bool = True, balanced: bool = False) -> list[CheckResult]:
    """Engine checks for every file, then (if clean) the quality warnings of simgame.authoring.lint,
    and with ``balanced`` the balance checks of simgame.analysis.balance."""
    files, problems = expand(paths)
    results = [CheckResult(d.file, None, [d]) for d in problems]
    glossaries: dict[Path, Glossary | None] = {}
    for f in files:
        if f.name == GLOSSARY_FILE:
            try:
                load_glossary(f)
                results.append(CheckResult(str(f), None, []))
            except LoadError as exc:
                results.append(CheckResult(str(f), None, exc.diagnostics))
            continue
        if is_translation(f):
            results.append(CheckResult(str(f), None, _translation_problems(f)))
            continue
        glossary = _glossary_for(f, glossaries) if quality else None
        broken = find_glossary(f) in glossaries and glossary is None  # reported once, on the glossary's file
        result = check_file(f, glossary, find_glossary_file=not broken)
        if quality and result.scenario is not None:
            result.diagnostics += lint(result.scenario, glossary)
        if balanced and result.scenario is not None and not any(d.is_error for d in result.diagnostics):
            result.diagnostics += _balance(result.scenario, str(f))
            result.diagnostics += minutes_mismatch(result.scenario)
        results.append(result)
    if quality:
        results += _unused_terms(paths, results)
    return results


def _translation_problems(path: Path) -> list[Diagnostic]:
    """SG220/SG221 for a ``NAME.LANG.yaml``: checked against ``NAME.yaml`` beside it (ids, tags, terms)."""
    from simgame.i18n.overlay import check_file as check_translation
    from simgame.i18n.overlay import original_of

    original = original_of(path)
    if not original.is_file():
        return [
            make(
                "SG220",
                f"{path.name} is a translation, but there is no {original.name} beside it to translate",
                file=str(path),
                hint="keep a translation in the same folder as its scenario, named NAME.LANG.yaml",
            )
        ]
    found = check_translation(original, path)
    if not any(p.severity == "error" for p in found):  # the text fits by id: does the game accept it?
        from simgame.format.diagnostics import LoadError
        from simgame.format.loader import load_scenario
        from simgame.i18n.overlay import localise

        try:
            _, played = localise(load_scenario(original), Path(path.stem).suffix[1:])
        except LoadError:
            played = []  # the original's own errors are reported on the original
        seen = {(p.line, p.message) for p in found}
        found += [p for p in played if p.severity == "error" and (p.line, p.message) not in seen]
    return [
        make("SG220" if p.severity == "error" else "SG221", p.message, file=p.file, line=p.line, col=p.col)
        for p in found
    ]


def _balance(scenario: Scenario, name: str) -> list[Diagnostic]:
    """SG7xx for one scenario, reading its outcome map (built in another process the first time)."""
    from simgame.analysis import balance
    from simgame.analysis.outcomes.cache import ensure_map
    from simgame.analysis.outcomes.mapfile import OutcomeMap
    from simgame.settings import load_settings

    settings = load_settings()
    found = ensure_map(settings.maps_dir, scenario, settings.map_memory_mb)
    if not isinstance(found, OutcomeMap):
        print(f"{name}: balance checks without the outcome map ({found.reason})", file=sys.stderr)
    return balance.findings(scenario, found if isinstance(found, OutcomeMap) else None, name=name)


def _unused_terms(paths: list[str], results: list[CheckResult]) -> list[CheckResult]:
    """SG604 for each folder given that holds glossary.yaml: terms no scenario there uses."""
    out = []
    for raw in paths:
        folder = Path(raw)
        gpath = folder / GLOSSARY_FILE
        if not folder.is_dir() or not gpath.is_file():
            continue
        try:
            glossary = load_glossary(gpath)
        except LoadError:
            continue
        used: set[str] = set()
        for r in results:
            if Path(r.path).parent.resolve() == folder.resolve():
                used |= terms_used(r.data)
        diags = unused_glossary_terms(glossary, used)
        if diags:
            out.append(CheckResult(str(gpath), None, diags))
    return out


def handle(args: argparse.Namespace) -> int:
    results = check_paths(args.paths, quality=not args.no_lint, balanced=args.strict and not args.no_lint)
    diags = sorted((d for r in results for d in r.diagnostics), key=sort_key)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "files": [r.path for r in results],
                    "errors": sum(d.is_error for d in diags),
                    "warnings": sum(not d.is_error for d in diags),
                    "diagnostics": [d.to_json() for d in diags],
                },
                indent=2,
            )
        )
    else:
        for d in diags:
            print(d.render() + "\n")
        status = "ok" if not diags else summary(diags)
        print(f"{len(results)} file{'s' * (len(results) != 1)} checked: {status}", file=sys.stderr)
    errors = any(d.is_error for d in diags)
    return 1 if errors or (args.strict and diags) else 0
