"""What a screen may read from the app it runs in, without importing the app.

Screens need a little shared state (the launch options, the scenario library, the hot-reload
diagnostics). Importing ``SimgameApp`` for its type would make every screen depend on the app
that imports them; this protocol names just that state, and the app satisfies it (mypy checks
that in ``simgame.tui.app``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from simgame.format.diagnostics import Diagnostic
    from simgame.tui.catalog import Catalog
    from simgame.tui.options import LaunchOptions


@runtime_checkable
class GameHost(Protocol):
    """Read-only state the app shares with its screens."""

    @property
    def options(self) -> LaunchOptions: ...

    @property
    def catalog(self) -> Catalog | None: ...

    @property
    def watch_diagnostics(self) -> Sequence[Diagnostic]: ...


def host(node: MessagePump) -> GameHost:
    """The app ``node`` runs in, as the state it shares (a clear error if it is some other app)."""
    app = node.app
    if not isinstance(app, GameHost):
        raise TypeError(f"{type(node).__name__} must run inside the simgame app, not {type(app).__name__}")
    return app
