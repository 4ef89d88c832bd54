"""Helpers every subcommand shares: loading with friendly errors, save folders, printing."""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario, resolve
from simgame.settings import load_settings


class CliError(Exception):
    """An expected failure: printed as one plain message, exit code 1."""


def load(name_or_path: str) -> Scenario:
    """Load a scenario by id or path, printing located diagnostics on failure."""
    try:
        return load_scenario(resolve(name_or_path, load_settings().scenarios_dir))
    except LoadError as exc:
        print(exc.render(), file=sys.stderr)
        raise CliError(f"{name_or_path} could not be loaded ({len(exc.diagnostics)} problem(s) above)") from None


def saves_dir(option: str | None) -> Path:
    """--saves DIR, else the saves setting ($SIMGAME_SAVES or the config file), else the default folder."""
    return load_settings(saves=option or None).saves_dir


def fail(message: str) -> int:
    print(f"simgame: {message}", file=sys.stderr)
    return 1


RERAISE_ENV = "SIMGAME_RERAISE"  # set by the test suite: an unexpected exception fails the test, not a log line
_OS_WORDS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk or folder is read-only",
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", -1): "the disk quota is used up",
    errno.ENOENT: "it does not exist",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "part of the path is not a folder",
}


def os_problem(exc: OSError) -> str:
    """An operating-system error in plain words, naming the file: "saves/x.json: the disk is full"."""
    reason = _OS_WORDS.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__).lower()
    return f"{exc.filename}: {reason}" if exc.filename else reason


def log_dir() -> Path:
    """Where crash logs go: the user's log folder (``platformdirs.user_log_dir("simgame")``)."""
    return Path(platformdirs.user_log_dir("simgame"))


SECRET_FLAGS = ("--key",)  # never written to a log: the facilitator key


def _redacted(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in SECRET_FLAGS:
            out.append("***")
        elif arg.startswith(tuple(f"{flag}=" for flag in SECRET_FLAGS)):
            out.append(arg.split("=", 1)[0] + "=***")
        else:
            out.append(arg)
    return out


def write_crash_log(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Write ``exc``'s traceback (and the command) to a new file in :func:`log_dir`; None if that fails too."""
    from simgame import __version__

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        text = "".join(traceback.format_exception(exc))
        head = f"simgame {__version__}, Python {sys.version.split()[0]}, {sys.platform}"
        path.write_text(f"{head}\ncommand: simgame {' '.join(_redacted(argv))}\n\n{text}", encoding="utf-8")
    except Exception:  # a full disk may refuse the log too: the message says so
        return None
    return path


def crash_message(exc: BaseException, argv: Sequence[str]) -> str:
    """One plain sentence for an unexpected failure, and where its details were written."""
    log = write_crash_log(exc, argv)
    where = f"the details are in {log}" if log else "the details could not be written to a log file"
    if isinstance(exc, OSError):
        return f"simgame: the command stopped because of a file problem ({os_problem(exc)}); {where}"
    return (
        f"simgame: something unexpected went wrong ({type(exc).__name__}) and the command stopped; "
        f"{where} (please send it to whoever looks after simgame)"
    )
