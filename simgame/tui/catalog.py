"""The scenario library: every scenario file in a folder, playable or not, with the player's results.

Runs off the UI thread (loading a scenario parses and checks YAML). An invalid file is
listed with a short reason instead of stopping the library from opening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simgame.engine.saves import SaveEntry, SaveFile, list_saves
from simgame.engine.scoring import Outcome, score
from simgame.engine.state import PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import GLOSSARY_FILE, Glossary, check_file, check_text, load_glossary, scenario_files
from simgame.format.yamlsource import read_text


@dataclass
class BestResult:
    score: float
    band_label: str
    ending_title: str


@dataclass
class CatalogEntry:
    path: Path
    scenario: Scenario | None
    problem: str = ""  # why an invalid file cannot be played, in one line
    problem_count: int = 0
    best: BestResult | None = None
    finished_runs: int = 0
    in_progress: list[SaveFile] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario else self.path.name


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    saves: list[SaveEntry]
    glossary: Glossary | None
    glossary_problem: str = ""

    def by_id(self, scenario_id: str) -> CatalogEntry | None:
        return next((e for e in self.entries if e.scenario and e.scenario.id == scenario_id), None)

    @property
    def in_progress(self) -> list[tuple[CatalogEntry, SaveFile]]:
        """Unfinished runs of playable scenarios, newest first."""
        found = [(e, s) for e in self.entries for s in e.in_progress]
        return sorted(found, key=lambda pair: pair[1].updated, reverse=True)


def score_save(save: SaveFile, scenario: Scenario) -> Outcome | None:
    """Score a finished save from its snapshot; None if it does not fit the current scenario."""
    if save.content_hash != scenario.content_hash or not save.ended:
        return None
    try:
        state = PlayState.from_json(save.snapshot)
        if set(state.metrics) != set(scenario.doc.metrics):
            return None
        result: Outcome = score(scenario, state, state.metrics)
    except (KeyError, TypeError, ValueError, expr.ExprError):
        return None
    return result


def _first_line(exc_text: str) -> str:
    line = exc_text.strip().splitlines()[0] if exc_text.strip() else "unknown problem"
    return line if len(line) <= 160 else line[:157] + "..."


_LOADED: dict[tuple[str, int, int, object], CatalogEntry] = {}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return st.st_mtime_ns, st.st_size


def load_entry(path: Path, glossary: Glossary | None, glossary_ok: bool) -> CatalogEntry:
    """A catalog entry, reusing the last load while the file (and glossary) are unchanged."""
    key = (str(path.resolve()), *_stamp(path), (glossary.path, _stamp(Path(glossary.path))) if glossary else None)
    cached = _LOADED.get(key)
    if cached is None:
        cached = _LOADED[key] = _load_entry(path, glossary, glossary_ok)
    return CatalogEntry(cached.path, cached.scenario, cached.problem, cached.problem_count)


def _load_entry(path: Path, glossary: Glossary | None, glossary_ok: bool) -> CatalogEntry:
    if glossary_ok:
        result = check_file(path, glossary)
    else:
        try:
            result = check_text(read_text(path, str(path)), str(path), None)
        except LoadError as exc:
            return CatalogEntry(path, None, _first_line(exc.diagnostics[0].message), len(exc.diagnostics))
    errors = [d for d in result.diagnostics if d.is_error]
    if result.scenario is None or errors:
        first = errors[0] if errors else None
        where = f"line {first.line}: " if first and first.line else ""
        message = f"{where}{first.message}" if first else "could not be loaded"
        return CatalogEntry(path, None, _first_line(message), len(errors) or 1)
    result.scenario.warnings = [d for d in result.diagnostics if not d.is_error]
    return CatalogEntry(path, result.scenario)


_GLOSSARIES: dict[tuple[str, int, int], Glossary] = {}


def _glossary(path: Path) -> Glossary:
    key = (str(path.resolve()), *_stamp(path))
    if key not in _GLOSSARIES:
        _GLOSSARIES[key] = load_glossary(path)
    return _GLOSSARIES[key]


def load_catalog(folder: Path, saves_dir: Path) -> Catalog:
    glossary: Glossary | None = None
    glossary_problem = ""
    glossary_path = folder / GLOSSARY_FILE
    glossary_ok = True
    if glossary_path.is_file():
        try:
            glossary = _glossary(glossary_path)
        except LoadError as exc:
            glossary_ok = False
            glossary_problem = _first_line(exc.diagnostics[0].render())
    entries = [load_entry(p, glossary, glossary_ok) for p in scenario_files(folder)] if folder.is_dir() else []
    saves = list_saves(saves_dir)
    catalog = Catalog(entries, saves, glossary, glossary_problem)
    attach_results(catalog)
    return catalog


def attach_results(catalog: Catalog) -> None:
    """Best finished result and unfinished runs for every playable scenario."""
    for save_entry in catalog.saves:
        save = save_entry.save
        if save is None:
            continue
        entry = catalog.by_id(save.scenario_id)
        if entry is None or entry.scenario is None:
            continue
        if not save.ended:
            entry.in_progress.append(save)
            continue
        outcome = score_save(save, entry.scenario)
        if outcome is None:
            continue
        entry.finished_runs += 1
        if entry.best is None or outcome.overall > entry.best.score:
            ending = entry.scenario.doc.endings.get(save.ending or "")
            entry.best = BestResult(outcome.overall, outcome.band_label, ending.title if ending else "")
