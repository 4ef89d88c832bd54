"""The game's own keys, in the game's words: what the key bar, Help and the command palette list.

Textual's widgets bring keys of their own (an option list's "Select", "First", "Page Down"; a
scroll view's "Scroll Left"; the screen's "Focus Next" and "Copy"). Those are not the game's
vocabulary, and on the library the option list's Enter even hides the screen's "Open". So the
three lists read only the bindings simgame declares (each has an ``id``), on the screen and on
the app, and ask the screen whether each applies now (``check_action``): a key whose action is
disabled there is not listed at all.

A screen may also say more than its bindings can:

- ``key_words(binding) -> tuple[str, str] | None``: the key and description to show now
  (e.g. "1-3" and "Choose" on a three-option scene); None hides the binding;
- ``extra_keys() -> list[tuple[str, str, str]]``: keys that are not bindings of its own,
  as (key, short description, what it does), e.g. scrolling the scene text;
- ``palette_commands() -> list[Command]``: commands that are not keys (each real choice of
  this scene, each scenario to open, each decision to go back to);
- ``PALETTE_SKIP``: actions its palette leaves out (the palette lists ``palette_commands`` instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from simgame.i18n import _

KEY_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "space": "Space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "tab": "Tab",
}


def key_name(binding: Binding) -> str:
    """How a key reads for the player: "Enter", "Esc", "F1", "Ctrl+P", "t"."""
    if binding.key_display:
        return binding.key_display
    key = binding.key.split(",")[0]
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return key


@dataclass(frozen=True)
class GameKey:
    """One of the game's keys as it stands on the current screen."""

    binding: Binding
    node: DOMNode  # where its action runs (the screen or the app)
    key: str  # as the player reads it
    description: str  # short, for the key bar
    enabled: bool


@dataclass(frozen=True)
class Command:
    """A command of the palette: its name (plain text, never markup), what it does, how to run it."""

    name: str
    help: str
    run: Callable[[], Any]


def game_keys(screen: Screen[Any]) -> list[GameKey]:
    """The screen's own keys, then the app's, each once per action, in the order declared.

    Disabled actions (``check_action`` False) are left out; ``None`` (shown, but not now) keeps them dimmed.
    """
    app = screen.app
    found: list[GameKey] = []
    seen: set[str] = set()
    words = getattr(screen, "key_words", None)
    for node in (screen, app):
        for _key, binding in node._bindings:
            if not binding.id or not binding.description or binding.action in seen:
                continue
            state = app._check_action_state(binding.action, node)
            if state is False:
                continue
            said = words(binding) if callable(words) else (key_name(binding), _(binding.description))
            if said is None:
                continue
            seen.add(binding.action)
            found.append(GameKey(binding, node, said[0], said[1], bool(state)))
    return found


def extra_keys(screen: Screen[Any]) -> list[tuple[str, str, str]]:
    extra = getattr(screen, "extra_keys", None)
    return list(extra()) if callable(extra) else []
