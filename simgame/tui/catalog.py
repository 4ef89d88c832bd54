"""The scenario library: every scenario file in a folder, playable or not, with the player's results.

Runs off the UI thread (loading a scenario parses and checks YAML). One bad file never stops the
library: an invalid scenario or a damaged save is listed with a short reason, a pipe or a device is
refused without being opened, and the files are read on a daemon thread with a time limit per file,
so a file that is slow to check is listed as such, and the app can always quit (``cancelled`` is
asked every 50 ms while files are read; a daemon thread never keeps the process alive).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from simgame.engine.saves import BACKUPS, SaveEntry, SaveError, SaveFile, clean_temp_files, read_save
from simgame.engine.scoring import Outcome, score
from simgame.engine.state import PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import GLOSSARY_FILE, Glossary, check_file, check_text, scenario_files
from simgame.format.safefile import SafeReadError
from simgame.format.yamlsource import read_text
from simgame.i18n import _
from simgame.i18n.overlay import is_translation_file
from simgame.tui.loaded import file_stamp as _stamp
from simgame.tui.loaded import shared_glossary, unlocated
from simgame.tui.localised import localised
from simgame.tui.reading import Cancelled, never, not_a_file, read_each

SCENARIO_TIME_LIMIT = 30.0  # seconds to check one scenario file before it is listed as too slow
SAVE_TIME_LIMIT = 5.0  # seconds to read one save


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

    def path_of(self, save: SaveFile) -> Path | None:
        """The file ``save`` was read from (two files may hold the same run: this one's)."""
        return next((e.path for e in self.saves if e.save is save), None)

    @property
    def problem_saves(self) -> list[tuple[SaveEntry, str]]:
        """Saves that cannot be opened, each with a short reason: damaged, or for a scenario not playable here."""
        found = []
        for entry in self.saves:
            reason = save_status(entry, self)
            if reason and entry_blocked(entry, self):
                found.append((entry, reason))
        return found


def save_status(entry: SaveEntry, catalog: Catalog | None) -> str:
    """A save's problem in a few words ("" if none): damaged, its scenario missing, or changed since."""
    save = entry.save
    if save is None:
        kind = entry.error.kind if entry.error else "unreadable"
        return {"future": _("from a newer simgame"), "unreadable": _("cannot be read")}.get(kind, "damaged")
    if catalog is None:
        return ""
    scenario_entry = catalog.by_id(save.scenario_id)
    if scenario_entry is None:
        if any(e.scenario is None and e.path.stem == save.scenario_id for e in catalog.entries):
            return _("its scenario cannot be played right now")
        return _("its scenario is not in the library")
    if scenario_entry.scenario is not None and save.content_hash != scenario_entry.scenario.content_hash:
        return _("the scenario has changed since")
    return ""


def entry_blocked(entry: SaveEntry, catalog: Catalog) -> bool:
    """Whether opening the save can only explain why not (a changed scenario can still be continued)."""
    return entry.save is None or catalog.by_id(entry.save.scenario_id) is None


def save_problem_text(entry: SaveEntry, catalog: Catalog | None) -> str:
    """Why a save cannot be opened, in full, for the player."""
    if entry.save is None:
        reason = str(entry.error) if entry.error else _("{name} cannot be read").format(name=entry.path.name)
        return _(
            "{reason}\n\nThe file is {path}. simgame never changes or deletes a damaged save; "
            "move it away if you no longer need it."
        ).format(reason=reason, path=entry.path)
    return _(
        "This save is for the scenario `{scenario_id}`, which is not in the library (or "
        "cannot be loaded right now).\n\nThe file is {path}; it is kept as it is."
    ).format(scenario_id=entry.save.scenario_id, path=entry.path)


def score_save(save: SaveFile, scenario: Scenario) -> Outcome | None:
    """Score a finished save from its snapshot; None if it does not fit the current scenario."""
    if save.content_hash != scenario.content_hash or not save.ended:
        return None
    try:
        state = PlayState.from_json(save.snapshot)
        if set(state.metrics) != set(scenario.doc.metrics):
            return None
        result: Outcome = score(scenario, state, state.metrics)
    except (KeyError, TypeError, ValueError, RecursionError, expr.ExprError):
        return None
    return result


def _first_line(exc_text: str) -> str:
    line = exc_text.strip().splitlines()[0] if exc_text.strip() else _("unknown problem")
    return line if len(line) <= 160 else line[:157] + "..."


# -- scenarios ----------------------------------------------------------------
_LOADED: dict[tuple[str, int, int, object], CatalogEntry] = {}
_LOADING: dict[tuple[str, int, int, object], threading.Event] = {}
_LOCK = threading.Lock()


def _key(path: Path, glossary: Glossary | None) -> tuple[str, int, int, object]:
    try:
        name = str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        name = str(path.absolute())
    return (name, *_stamp(path), (glossary.path, _stamp(Path(glossary.path))) if glossary else None)


def load_entry(path: Path, glossary: Glossary | None, glossary_ok: bool) -> CatalogEntry:
    """A catalog entry, reusing the last load while the file (and glossary) are unchanged; never raises.

    A file another thread is checking right now (a slow one left behind) is waited for, not checked twice.
    """
    key = _key(path, glossary)
    with _LOCK:
        cached = _LOADED.get(key)
        busy = _LOADING.get(key) if cached is None else None
        mine = cached is None and busy is None
        if mine:
            busy = _LOADING[key] = threading.Event()
    if cached is None and busy is not None:
        if mine:
            try:
                cached = _LOADED[key] = _load_entry_safely(path, glossary, glossary_ok)
            finally:
                busy.set()
                with _LOCK:
                    _LOADING.pop(key, None)
        else:
            busy.wait()
            cached = _LOADED.get(key) or _load_entry_safely(path, glossary, glossary_ok)
    assert cached is not None
    scenario = localised(cached.scenario) if cached.scenario is not None else None  # the player's language
    return CatalogEntry(cached.path, scenario, cached.problem, cached.problem_count)


def _load_entry_safely(path: Path, glossary: Glossary | None, glossary_ok: bool) -> CatalogEntry:
    """:func:`_load_entry`, with any failure listed as the file's problem instead of raised."""
    refused = not_a_file(path)
    if refused:
        return CatalogEntry(path, None, refused, 1)
    try:
        return _load_entry(path, glossary, glossary_ok)
    except LoadError as exc:
        return CatalogEntry(path, None, _first_line(exc.diagnostics[0].message), len(exc.diagnostics))
    except SafeReadError as exc:
        return CatalogEntry(path, None, _first_line(exc.message), 1)
    except OSError as exc:
        return CatalogEntry(path, None, _("cannot be read: {value}").format(value=exc.strerror or exc), 1)
    except RecursionError:
        return CatalogEntry(path, None, _("it is nested too deeply to be checked"), 1)
    except MemoryError:
        return CatalogEntry(path, None, _("it is too large to be checked"), 1)
    except ValueError as exc:
        return CatalogEntry(path, None, _first_line(_("it cannot be checked: {exc}").format(exc=exc)), 1)
    except Exception as exc:  # one file never stops the library: say what happened, plainly
        return CatalogEntry(
            path,
            None,
            _first_line(
                _("simgame could not check it ({error_type}: {exc})").format(error_type=type(exc).__name__, exc=exc)
            ),
            1,
        )


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
        where = _("line {line}: ").format(line=first.line) if first and first.line else ""
        message = f"{where}{first.message}" if first else _("could not be loaded")
        return CatalogEntry(path, None, _first_line(message), len(errors) or 1)
    result.scenario.warnings = [d for d in result.diagnostics if not d.is_error]
    result.scenario.smap = unlocated(result.scenario.smap)  # kept all session: simgame.tui.loaded says why
    return CatalogEntry(path, result.scenario)


def _slow_scenario(path: Path) -> CatalogEntry:
    return CatalogEntry(
        path,
        None,
        _("it took over {seconds:.0f} seconds to check, so it was skipped for now").format(seconds=SCENARIO_TIME_LIMIT),
        1,
    )


def _read_glossary(path: Path) -> tuple[Glossary | None, str]:
    """The folder's glossary, or why it cannot be used (never raises)."""
    refused = not_a_file(path)
    if refused:
        return None, f"{path.name}: {refused}"
    try:
        return shared_glossary(path), ""
    except LoadError as exc:
        return None, _first_line(exc.diagnostics[0].render())
    except Exception as exc:  # as for a scenario: one bad file never stops the library
        return None, _first_line(
            _("{name} cannot be read ({error_type}: {exc})").format(
                name=path.name, error_type=type(exc).__name__, exc=exc
            )
        )


# -- saves --------------------------------------------------------------------
def read_save_entry(path: Path) -> SaveEntry:
    """One save, or why it cannot be read; never raises and never changes the file."""
    refused = not_a_file(path)
    if refused:
        return SaveEntry(
            path,
            None,
            SaveError(
                _("{name} cannot be read: {refused}").format(name=path.name, refused=refused), "unreadable", path
            ),
        )
    try:
        return SaveEntry(path, read_save(path), None)
    except SaveError as exc:
        return SaveEntry(path, None, exc)
    except SafeReadError as exc:
        return SaveEntry(path, None, SaveError(exc.message, "unreadable", path))
    except OSError as exc:
        return SaveEntry(
            path,
            None,
            SaveError(
                _("cannot read {name}: {value}").format(name=path.name, value=exc.strerror or exc), "unreadable", path
            ),
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        why = _("it is nested too deeply") if isinstance(exc, RecursionError) else _("it holds a value out of range")
        message = _("{name} is damaged ({why}); it has been left as it is").format(name=path.name, why=why)
        return SaveEntry(path, None, SaveError(message, "corrupted", path))
    except Exception as exc:
        message = _("{name} could not be read ({error_type}); it has been left as it is").format(
            name=path.name, error_type=type(exc).__name__
        )
        return SaveEntry(path, None, SaveError(message, "corrupted", path))


def _slow_save(path: Path) -> SaveEntry:
    message = _("{name} took over {seconds:.0f} seconds to read, so it was skipped").format(
        name=path.name, seconds=SAVE_TIME_LIMIT
    )
    return SaveEntry(path, None, SaveError(message, "unreadable", path))


def scan_saves(directory: Path, cancelled: Cancelled = never) -> list[SaveEntry]:
    """Every save in ``directory``, newest first; one that cannot be read is listed with why."""
    try:
        if not directory.is_dir():
            return []
        paths = sorted(directory.glob("*.json"))
    except OSError:
        return []
    entries = read_each(paths, read_save_entry, _slow_save, SAVE_TIME_LIMIT, cancelled)
    entries.sort(key=lambda e: (e.save.updated if e.save else "", e.path.name), reverse=True)
    return entries


_CLEANED: set[str] = set()


def clean_saves_folder(directory: Path) -> None:
    """Once per process: remove the temporary files interrupted saves left (saves, debriefs, backups)."""
    if str(directory) in _CLEANED:
        return
    _CLEANED.add(str(directory))
    for folder in (directory, directory / "debriefs", directory / BACKUPS):
        clean_temp_files(folder)


# -- the catalog --------------------------------------------------------------
def load_catalog(folder: Path, saves_dir: Path, cancelled: Cancelled = never) -> Catalog:
    """Every scenario in ``folder`` and every save in ``saves_dir``; raises only LoadCancelled."""
    clean_saves_folder(saves_dir)
    glossary: Glossary | None = None
    glossary_problem = ""
    glossary_path = folder / GLOSSARY_FILE
    if glossary_path.exists():
        [(glossary, glossary_problem)] = read_each(
            [glossary_path],
            _read_glossary,
            lambda p: (None, _("{name} took too long to read").format(name=p.name)),
            SCENARIO_TIME_LIMIT,
            cancelled,
        )
    glossary_ok = not glossary_problem
    try:
        paths = [p for p in scenario_files(folder) if not is_translation_file(p)] if folder.is_dir() else []
    except OSError:
        paths = []
    entries = read_each(
        paths,
        lambda p: load_entry(p, glossary, glossary_ok),
        _slow_scenario,
        SCENARIO_TIME_LIMIT,
        cancelled,
    )
    saves = scan_saves(saves_dir, cancelled)
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
