"""Load scenarios and the glossary: strict YAML, then shape, then semantics; all problems at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simgame.format.compile import compile_scenario
from simgame.format.compiled import Scenario, content_hash
from simgame.format.diagnostics import Diagnostic, LoadError, make
from simgame.format.errors import describe
from simgame.format.model import GlossaryDoc, ScenarioDoc
from simgame.format.partial import semantic_rest
from simgame.format.yamlsource import SourceMap, load_yaml_file, parse_yaml, read_text

GLOSSARY_FILE = "glossary.yaml"
TRANSLATION_SUFFIX = re.compile(r"\.[a-z]{2}(_[A-Z]{2})?")  # the language of NAME.LANG.yaml


@dataclass
class Glossary:
    """The terms a scenario may list: its folder's glossary, plus the shared one unless it stands alone."""

    doc: GlossaryDoc
    smap: SourceMap
    path: str
    own: frozenset[str] = frozenset()  # the terms defined in `path` itself (all, for the shared file)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.doc.terms)


@dataclass
class CheckResult:
    """Everything `simgame validate` needs about one file."""

    path: str
    scenario: Scenario | None
    diagnostics: list[Diagnostic]
    data: Any = None
    smap: SourceMap | None = None

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def bundled_dir(configured: Path | None = None) -> Path:
    """The scenario library: ``configured`` (callers pass ``simgame.settings``' value), else
    ./scenarios, or the source checkout's folder. Reads no environment: settings does."""
    if configured is not None:
        return configured
    here = Path(__file__).resolve().parents[2] / "scenarios"
    cwd = Path.cwd() / "scenarios"
    if cwd.is_dir() and any(cwd.glob("*.yaml")):
        return cwd
    return here


def _validate_model(model: type[ScenarioDoc] | type[GlossaryDoc], data: Any, smap: SourceMap, kind: str) -> Any:
    if not isinstance(data, dict):
        raise LoadError(
            [
                smap.diag(
                    "SG108",
                    f"a {kind} file must be a mapping of fields",
                    (),
                    hint="start with `format:`, `id:`, `title:` ...",
                )
            ]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LoadError(describe(exc, data, smap)) from None


def load_glossary(path: Path | str) -> Glossary:
    """A glossary file, with the shared glossary's terms added unless it says `standalone: true`.

    An author's glossary.yaml beside a scenario adds their domain terms to the organisation's
    shared language instead of replacing it; a term defined in both is refused (SG307) with both
    files named, so nobody's definition silently wins.
    """
    data, smap = load_yaml_file(path)
    doc = _validate_model(GlossaryDoc, data, smap, "glossary")
    shared_path = bundled_dir() / GLOSSARY_FILE
    shared: Glossary | None = None
    if not doc.standalone and shared_path.is_file() and not _same_file(Path(path), shared_path):
        shared = load_glossary(shared_path)
    known = set(doc.terms) | (set(shared.doc.terms) if shared else set())
    diags = []
    for tid, term in doc.terms.items():
        if shared is not None and tid in shared.doc.terms and shared.doc.terms[tid] != term:  # a copy is no clash
            diags.append(
                smap.diag(
                    "SG307",
                    f"`{tid}` is already defined in the shared glossary ({shared.path})",
                    ("terms", tid),
                    key=True,
                    hint="use the shared definition (remove this one), or give yours its own id",
                )
            )
        for i, other in enumerate(term.see_also):
            if other not in known:
                diags.append(smap.diag("SG305", f"`{other}` is not a glossary term", ("terms", tid, "see_also", i)))
    if diags:
        raise LoadError(diags)
    own = frozenset(doc.terms)
    if shared is not None:
        merged = {**shared.doc.terms, **doc.terms}
        doc = doc.model_copy(update={"terms": merged, "as_of": doc.as_of or shared.doc.as_of})
    return Glossary(doc, smap, str(path), own)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


def find_glossary(scenario_path: Path) -> Path | None:
    candidate = scenario_path.parent / GLOSSARY_FILE
    if candidate.is_file():
        return candidate
    bundled = bundled_dir() / GLOSSARY_FILE
    return bundled if bundled.is_file() else None


def check_text(text: str, name: str, glossary: Glossary | None) -> CheckResult:
    try:
        data, smap = parse_yaml(text, name)
    except LoadError as exc:
        return CheckResult(name, None, exc.diagnostics)
    try:
        doc = _validate_model(ScenarioDoc, data, smap, "scenario")
    except LoadError as exc:
        rest = semantic_rest(data, smap, name, glossary.ids if glossary else None)
        return CheckResult(name, None, exc.diagnostics + rest, data, smap)
    scenario, diags = compile_scenario(doc, smap, content_hash(data), name, glossary.ids if glossary else None)
    return CheckResult(name, scenario, diags, data, smap)


def check_file(path: Path | str, glossary: Glossary | None = None, find_glossary_file: bool = True) -> CheckResult:
    """Load and check one scenario file, collecting diagnostics instead of raising.

    Without ``glossary``, the one beside the file (or the shared one) is loaded, unless
    ``find_glossary_file`` is False (a caller that reports a broken glossary once, on its own file).
    """
    p = Path(path)
    name = str(path)
    if glossary is None and find_glossary_file:
        gpath = find_glossary(p)
        if gpath is not None:
            try:
                glossary = load_glossary(gpath)
            except LoadError as exc:
                return CheckResult(name, None, exc.diagnostics)
    try:
        text = read_text(p, name)
    except LoadError as exc:
        return CheckResult(name, None, exc.diagnostics)
    return check_text(text, name, glossary)


def load_scenario(path: Path | str, glossary: Glossary | None = None) -> Scenario:
    """Load a playable scenario or raise LoadError with every error found."""
    result = check_file(path, glossary)
    if result.scenario is None:
        errors = [d for d in result.diagnostics if d.is_error] or [
            make("SG100", f"{path} could not be loaded", file=str(path))
        ]
        raise LoadError(errors)
    result.scenario.warnings = [d for d in result.diagnostics if not d.is_error]
    return result.scenario


def scenario_files(folder: Path) -> list[Path]:
    """The scenarios in ``folder``: not its glossary, and not translations (``NAME.de.yaml`` overlays NAME)."""
    return sorted(p for p in folder.glob("*.yaml") if p.name != GLOSSARY_FILE and not is_translation(p))


def is_translation(path: Path) -> bool:
    """``NAME.LANG.yaml`` (``de``, ``pt_BR``): a translation, never a scenario of its own (an id has no dot)."""
    return path.suffix == ".yaml" and TRANSLATION_SUFFIX.fullmatch(Path(path.stem).suffix) is not None


def resolve(name_or_path: str, folder: Path | None = None) -> Path:
    """A scenario given as a file path or as the id of a bundled scenario."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    folder = folder or bundled_dir()
    candidate = folder / f"{name_or_path}.yaml"
    if candidate.is_file():
        return candidate
    known = [f.stem for f in scenario_files(folder)] if folder.is_dir() else []
    raise LoadError(
        [
            make(
                "SG100",
                f"no scenario called `{name_or_path}`",
                file=name_or_path,
                hint=("available: " + ", ".join(known)) if known else f"no scenarios found in {folder}",
            )
        ]
    )
