"""Saved runs: small JSON files written atomically, verified by replay, never overwritten on error.

A save is the run's recipe (scenario id, content hash, seed, start, choice log) plus a
snapshot of the state. Loading replays the recipe and checks the snapshot, so a
hand-edited or damaged file is caught, and a scenario that changed since the save is
reported with a safe way on: replay up to where it diverges.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simgame.engine.run import EngineError, Run
from simgame.format.compiled import Scenario
from simgame.format.inert import inert
from simgame.format.safefile import SafeReadError, read_capped, special_kind
from simgame.format.safejson import JSONLimitError, loads_limited
from simgame.i18n import _

SAVE_FORMAT = "simgame-save/1"
MAX_SAVE_BYTES = 2 * 1024 * 1024
SAVE_MAX_DEPTH = 16  # a save is a few levels deep; the snapshot is the deepest part
RUN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")


class SaveError(Exception):
    """A save that cannot be used as it is; ``kind`` says why, the message says it plainly."""

    def __init__(self, message: str, kind: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # unreadable | corrupted | future | unknown-scenario | changed | mismatch
        self.path = path


class SaveFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    format: str
    run_id: str
    scenario_id: str
    scenario_title: str = ""
    scenario_version: str = ""
    content_hash: str
    seed: int
    fixture: str | None = None
    choices: list[str]
    snapshot: dict[str, Any]
    ended: bool = False
    ending: str | None = None
    created: str
    updated: str
    player: str = ""
    extra: dict[str, Any] = Field(default_factory=dict)


def default_dir(configured: Path | None = None) -> Path:
    """``configured`` (callers pass ``simgame.settings``' value), else the project's saves/ folder
    beside a source checkout, else ~/.simgame/saves. Reads no environment: settings does."""
    if configured is not None:
        return configured
    checkout = Path(__file__).resolve().parents[2] / "saves"
    if checkout.is_dir():
        return checkout
    return Path.home() / ".simgame" / "saves"


def new_run_id(scenario_id: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{scenario_id}-{stamp}-{secrets.token_hex(2)}"


def save_path(directory: Path, run_id: str) -> Path:
    """The file for ``run_id`` inside ``directory``; refuses ids that could escape the folder."""
    if not RUN_ID.fullmatch(run_id):
        shown = inert(run_id, keep_lines=False)
        raise SaveError(
            _("`{name}` is not a valid save name (use a-z, 0-9 and hyphens)").format(name=shown), "unreadable"
        )
    return directory / f"{run_id}.json"


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write via a temporary file, fsync, then rename: a crash leaves the old file or the new, never half.

    The temporary file is ``.NAME.XXXXXXXX.tmp`` beside ``path`` (:data:`TEMP_NAME`); one a crash
    left behind is removed by :func:`clean_temp_files`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_save(run: Run, directory: Path, run_id: str, created: str | None = None, player: str = "") -> Path:
    path = save_path(directory, run_id)
    atomic_write(path, render_save(run, run_id, created, player))
    return path


# -- never overwrite by accident ------------------------------------------------
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # what atomic_write's mkstemp names: .NAME.XXXXXXXX.tmp
TEMP_MAX_AGE = 60.0  # seconds: an atomic write takes milliseconds, so an older temporary file is left over
BACKUPS = "backups"  # beside the saves; not *.json at the top level, so never listed as a save


def clean_temp_files(directory: Path, older_than: float = TEMP_MAX_AGE) -> list[Path]:
    """Remove the temporary files interrupted atomic writes left in ``directory``; returns those removed.

    Only names of :func:`atomic_write`'s own pattern, only regular files (a link is never followed),
    only older than ``older_than`` seconds, so a write in progress in another process is left alone.
    """
    cutoff = time.time() - older_than
    removed: list[Path] = []
    try:
        with os.scandir(directory) as scan:
            found = [entry for entry in scan if TEMP_NAME.fullmatch(entry.name)]
    except OSError:
        return removed
    for entry in found:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime > cutoff:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def check_overwrite(path: Path, run_id: str, choices: Sequence[str], content_hash: str) -> None:
    """Raise SaveError unless ``path`` may be replaced by a save of run ``run_id`` at ``choices``.

    It may when it does not exist, or holds this same run (by ``run_id``) and not a later point of
    it: a save of another run, a later copy of this one, or anything simgame cannot read as a save
    is left exactly as it is.
    """
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there to keep (writing says so if the folder itself is the problem)
    except OSError:
        pass  # reading it says why
    try:
        raw = read_capped(path, MAX_SAVE_BYTES, path.name)
    except SafeReadError as exc:
        if exc.kind == "missing":
            return
        raise SaveError(_("{problem}; it was left as it is").format(problem=exc.message), "unreadable", path) from None
    try:
        data = loads_limited(raw)
    except JSONLimitError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("run_id"), str):
        raise SaveError(
            _("{name} is not a save of this run; it was left as it is").format(name=path.name), "mismatch", path
        )
    if data["run_id"] != run_id:
        raise SaveError(
            _("{name} now holds another run (`{run_id}`); it was left as it is").format(
                name=path.name, run_id=inert(data["run_id"], keep_lines=False)
            ),
            "mismatch",
            path,
        )
    theirs = data.get("choices")
    if (
        data.get("content_hash") == content_hash
        and isinstance(theirs, list)
        and len(theirs) > len(choices)
        and theirs[: len(choices)] == list(choices)
    ):
        raise SaveError(
            _("{name} holds a later point of this run ({theirs} choices, not {ours}); it was kept as it is").format(
                name=path.name, theirs=len(theirs), ours=len(choices)
            ),
            "mismatch",
            path,
        )


def write_checked(path: Path, text: str, run_id: str, choices: Sequence[str], content_hash: str) -> None:
    """:func:`atomic_write` ``text`` to ``path`` after :func:`check_overwrite` allows it (SaveError if not)."""
    check_overwrite(path, run_id, choices, content_hash)
    atomic_write(path, text)


def backup_save(path: Path) -> Path:
    """Copy ``path`` byte for byte into ``backups/`` beside it, on disk and checked, before anything
    replaces it; returns the copy. Raises SaveError (the file cannot be read) or OSError."""
    try:
        raw = read_capped(path, MAX_SAVE_BYTES, path.name)
    except SafeReadError as exc:
        raise SaveError(exc.message, "unreadable", path) from None
    folder = path.parent / BACKUPS
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.{stamp}.json"
    count = 1
    while target.exists():
        count += 1
        target = folder / f"{path.stem}.{stamp}-{count}.json"
    atomic_write(target, raw)
    if target.read_bytes() != raw:
        raise SaveError(_("the backup {target} did not read back the same").format(target=target), "unreadable", path)
    return target


def render_save(run: Run, run_id: str, created: str | None = None, player: str = "") -> str:
    """The text :func:`write_save` writes: a UI builds it on its own thread and writes it on another."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    doc = run.scenario.doc
    payload = SaveFile(
        format=SAVE_FORMAT,
        run_id=run_id,
        scenario_id=doc.id,
        scenario_title=doc.title,
        scenario_version=doc.version,
        content_hash=run.scenario.content_hash,
        seed=run.seed,
        fixture=run.fixture,
        choices=run.choice_log,
        snapshot=run.snapshot().to_json(),
        ended=run.ended,
        ending=run.ending,
        created=created or now,
        updated=now,
        player=player,
        extra=order_record(run),
    )
    return json.dumps(payload.model_dump(), indent=2, ensure_ascii=False) + "\n"


def order_record(run: Run) -> dict[str, Any]:
    """What the player saw, for readers of the file: the options' order at each decision (and whose
    order it was). A load re-derives the order from the seed, so an old save without it still loads."""
    record: dict[str, Any] = {"shown": [list(d.shown) for d in run.history]}
    if run.order_key:
        record["order_key"] = run.order_key
    return record


def _order_key(save: SaveFile) -> str:
    key = save.extra.get("order_key", "")
    return key if isinstance(key, str) else ""


def read_save(path: Path) -> SaveFile:
    """Parse and shape-check a save file; never modifies it, never blocks on a pipe, reads at most 2 MB."""
    try:
        raw = read_capped(path, MAX_SAVE_BYTES, path.name)
    except SafeReadError as exc:
        kind = "corrupted" if exc.kind == "too-large" else "unreadable"
        raise SaveError(exc.message, kind, path) from None
    try:
        data = loads_limited(raw, max_depth=SAVE_MAX_DEPTH)
    except JSONLimitError as exc:
        damaged = _("{name} is damaged ({problem}); it has been left as it is").format(name=path.name, problem=exc)
        raise SaveError(damaged, "corrupted", path) from None
    if not isinstance(data, dict):
        raise SaveError(_("{name} is not a simgame save").format(name=path.name), "corrupted", path)
    fmt = data.get("format")
    if isinstance(fmt, str) and fmt.startswith("simgame-save/") and fmt != SAVE_FORMAT:
        raise SaveError(
            _("{name} was written by a newer simgame ({format}); update simgame to open it").format(
                name=path.name, format=fmt
            ),
            "future",
            path,
        )
    if fmt != SAVE_FORMAT:
        raise SaveError(_("{name} is not a simgame save").format(name=path.name), "corrupted", path)
    try:
        return SaveFile.model_validate(data)
    except ValidationError as exc:
        field_name = ".".join(str(x) for x in exc.errors()[0]["loc"])
        raise SaveError(
            _("{name} is damaged (field `{field}`); it has been left as it is").format(
                name=path.name, field=field_name
            ),
            "corrupted",
            path,
        ) from None


def restore(save: SaveFile, scenario: Scenario, path: Path | None = None) -> Run:
    """Rebuild the run by replay and verify it against the saved snapshot."""
    if save.scenario_id != scenario.id:
        belongs = _("this save belongs to `{saved}`, not `{scenario}`").format(
            saved=save.scenario_id, scenario=scenario.id
        )
        raise SaveError(belongs, "unknown-scenario", path)
    if save.content_hash != scenario.content_hash:
        raise SaveError(
            _(
                "the scenario `{title}` has changed since this run was saved; "
                "you can replay your choices up to where the new version differs"
            ).format(title=scenario.title),
            "changed",
            path,
        )
    try:
        run = Run.replay(scenario, save.seed, save.choices, save.fixture, _order_key(save))
    except EngineError:
        raise SaveError(_("the saved choices no longer replay; the save is damaged"), "mismatch", path) from None
    if run.snapshot().to_json() != save.snapshot:
        run.close()
        mismatch = _("the saved state does not match a replay of its choices; the save is damaged")
        raise SaveError(mismatch, "mismatch", path)
    return run


def replay_prefix(save: SaveFile, scenario: Scenario) -> tuple[Run, int]:
    """The longest prefix of the saved choices the current scenario accepts: the safe way on."""
    fixture = save.fixture if save.fixture in scenario.doc.fixtures else None
    run = Run.start(scenario, save.seed, fixture, _order_key(save))
    for count, choice in enumerate(save.choices):
        if choice not in run.available():
            return run, count
        run.choose(choice)
    return run, len(save.choices)


@dataclass
class SaveEntry:
    path: Path
    save: SaveFile | None
    error: SaveError | None


def list_saves(directory: Path) -> list[SaveEntry]:
    """Every save in ``directory``, newest first; damaged ones are listed with their error."""
    if not directory.is_dir():
        return []
    entries = []
    for path in directory.glob("*.json"):
        what = special_kind(path)
        if what is not None:  # a pipe or a device named *.json is listed, never opened
            not_a_save = _("{name} is {what}, not a save").format(name=path.name, what=what)
            entries.append(SaveEntry(path, None, SaveError(not_a_save, "unreadable", path)))
            continue
        try:
            entries.append(SaveEntry(path, read_save(path), None))
        except SaveError as exc:
            entries.append(SaveEntry(path, None, exc))
    entries.sort(key=lambda e: (e.save.updated if e.save else "", e.path.name), reverse=True)
    return entries
