"""The one safe way to read a file simgame did not write itself: regular files only, never blocking, capped.

Every reader of outside input (scenarios, glossaries, saves, result files, the outbox) calls
:func:`read_capped`. It refuses folders, named pipes (FIFOs), devices and sockets before reading
a byte: it opens with ``O_NONBLOCK`` (so a FIFO with no writer cannot hang it), checks with
``fstat`` that what it opened is a regular file, and reads at most ``limit + 1`` bytes, never
trusting the size the file system reports (``ln -s /dev/zero save.json`` is refused at once, and
a file that grows while it is read stops at the cap). Folder scans call :func:`special_kind` to
skip or report such entries without opening them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CHUNK = 1024 * 1024


class SafeReadError(Exception):
    """A file that was not read; ``kind`` says why and the message says it plainly, naming the file.

    ``kind`` is one of ``missing``, ``folder``, ``special`` (a pipe, device or socket), ``too-large``
    and ``unreadable`` (permissions and other operating-system errors).
    """

    def __init__(self, message: str, kind: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.path = path


def describe_mode(mode: int) -> str | None:
    """What a non-regular file is, in words ("a folder", "a named pipe (FIFO)", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def special_kind(path: Path | str) -> str | None:
    """Without opening it: what ``path`` is if it is not a regular file (following links), else None.

    A missing file or a broken link is None here: reading it reports that plainly.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return describe_mode(mode)


def _refuse(name: str, what: str) -> SafeReadError:
    kind = "folder" if what == "a folder" else "special"
    return SafeReadError(f"{name} is {what}, not a file simgame can read", kind, name)


def _os_error(name: str, exc: OSError) -> SafeReadError:
    if isinstance(exc, FileNotFoundError):
        return SafeReadError(f"{name} does not exist", "missing", name)
    if isinstance(exc, IsADirectoryError):
        return _refuse(name, "a folder")
    return SafeReadError(f"cannot read {name}: {exc.strerror or exc}", "unreadable", name)


def read_capped(path: Path | str, limit: int, display: str | None = None) -> bytes:
    """The bytes of regular file ``path``, at most ``limit`` of them; raises SafeReadError otherwise.

    ``display`` is how messages name the file (default: the path as given). A file larger than
    ``limit`` is refused with kind ``too-large`` after reading only ``limit + 1`` bytes.
    """
    name = display or str(path)
    what = special_kind(path)  # refuse what we can see without opening it (a device is never opened)
    if what is not None:
        raise _refuse(name, what)
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC | _BINARY)
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError):  # a NUL byte in the path
            raise SafeReadError(f"cannot read {name}: the path is not valid", "unreadable", name) from None
        raise _os_error(name, exc) from None
    try:
        what = describe_mode(os.fstat(fd).st_mode)  # what was opened, not what the name pointed at before
        if what is not None:
            raise _refuse(name, what)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        os.close(fd)
    if got > limit:
        raise SafeReadError(f"{name} is larger than {_size(limit)}, too large to be read", "too-large", name)
    return b"".join(chunks)


def _size(limit: int) -> str:
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MB"
    if limit >= 2**10 and limit % 2**10 == 0:
        return f"{limit // 2**10} KB"
    return f"{limit} bytes"
