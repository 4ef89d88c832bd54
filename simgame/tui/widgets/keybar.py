"""A one-line key bar: the current screen's keys, each with its description, clickable.

Textual's Footer rebuilds a widget per key whenever focus or bindings change, which cost
more than everything else in a choice. This renders the same information as one line of text.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


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

    def _changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.show_keys()

    def show_keys(self) -> None:
        parts: list[Content] = []
        seen: set[str] = set()
        palette = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action == "command_palette":
                palette = binding
                continue
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            dim = "" if active.enabled else " dim"
            item = Content.assemble((key, "bold $footer-key-foreground" + dim), " ", (binding.description, dim.strip()))
            parts.append(item.stylize_before(f"@click=app.simulate_key({binding.key!r})"))
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            key = self.app.get_key_display(palette)
            parts.append(Content.assemble((key, "bold $footer-key-foreground"), " Commands"))
        self.update(Content("  ").join(parts))
