"""A one-line key bar: the game's keys on this screen (`simgame.tui.keys`), each clickable.

Textual's Footer rebuilds a widget per key whenever focus or bindings change, which cost
more than everything else in a choice. This renders the same information as one line of text.

It never cuts a key in half: when the terminal is too narrow for all of them, the least
needed go first (every key stays in Help, F1, and the command palette), and the bar is
redrawn on every resize.
"""

from __future__ import annotations

from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from simgame.i18n import _
from simgame.tui.keys import extra_keys, game_keys

GAP = Content("  ")


def _short(key: str) -> str:
    return key.replace("Enter", "⏎")


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.call_after_refresh(self.show_keys)

    def on_resize(self, event: Resize) -> None:
        self.show_keys()

    def _changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.show_keys()

    def items(self) -> list[tuple[int, Content]]:
        """(priority, item) in the order shown; lower priority numbers are kept first when space is short."""
        screen = self.screen
        out: list[tuple[int, Content]] = []
        keys = game_keys(screen)
        own = [k for k in keys if k.node is screen and k.binding.show]
        app_keys = [k for k in keys if k.node is not screen and k.binding.show]
        for n, k in enumerate(own):
            dim = "" if k.enabled else " dim"
            item = Content.assemble(
                (_short(k.key), "bold $footer-key-foreground" + dim), " ", (k.description, dim.strip())
            )
            out.append((0 if n == 0 else 10 + n, item.stylize_before(f"@click=app.simulate_key({k.binding.key!r})")))
        for key, words, _what in extra_keys(screen):
            if not words:
                continue  # for Help only
            out.append((1, Content.assemble((_short(key), "bold $footer-key-foreground"), " ", words)))
        for k in app_keys:
            priority = 2 if k.binding.action == "help" else 50
            item = Content.assemble((_short(k.key), "bold $footer-key-foreground"), " ", k.description)
            out.append((priority, item.stylize_before(f"@click=app.simulate_key({k.binding.key!r})")))
        if self.app.ENABLE_COMMAND_PALETTE:
            out.append((90, Content.assemble(("^P", "bold $footer-key-foreground"), _(" Commands"))))
        return out

    def show_keys(self) -> None:
        if not self.is_attached:
            return
        items = self.items()
        room = self.size.width or 78
        kept: set[int] = set()
        used = 0
        for index in sorted(range(len(items)), key=lambda i: (items[i][0], i)):
            need = items[index][1].cell_length + (2 if kept else 0)
            if used + need <= room:
                kept.add(index)
                used += need
        self.update(GAP.join(item for i, (_p, item) in enumerate(items) if i in kept))
