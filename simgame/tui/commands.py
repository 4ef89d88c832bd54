"""The command palette's context: every described binding of the current screen, as a command."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType


class ScreenActionsProvider(Provider):
    """Offers the actions of whatever screen the palette was opened on (with their descriptions)."""

    def _commands(self) -> list[tuple[str, str, IgnoreReturnCallbackType]]:
        found: dict[str, tuple[str, str, IgnoreReturnCallbackType]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.system:
                continue
            if binding.action in ("command_palette", "quit"):
                continue
            name = binding.description
            help_text = binding.tooltip or binding.description
            callback = partial(self.app.run_action, binding.action, active.node)
            found.setdefault(name, (name, f"{help_text} (key: {binding.key_display or binding.key})", callback))
        return sorted(found.values(), key=lambda c: c[0])

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (match := matcher.match(name)) > 0:
                yield Hit(match, matcher.highlight(name), callback, help=help_text)
