"""The command palette: only what applies on the current screen, in the game's words.

It lists the game's own keys that are enabled there (`simgame.tui.keys`, never Textual's
"Down", "Focus Next" or "Copy"), what the screen offers beyond its keys (the real choices of
this scene, the scenarios to open, the decisions to go back to), and the game's curated
themes. Textual's system commands (its theme picker, "Keys", "Screenshot") are not offered:
`SimgameApp.COMMANDS` holds only this provider.

Names are plain text: a scenario's title or a choice's label with "[brackets]" is shown as
written (Textual's own highlighter would read it as markup).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from simgame.i18n import LANGUAGE_NAMES, LANGUAGES, _, language
from simgame.tui.keys import Command, game_keys
from simgame.tui.themes import THEME_NAMES


def screen_commands(provider: Provider) -> list[Command]:
    """Every command the palette offers on the screen it was opened on."""
    screen, app = provider.screen, provider.app
    skip: set[str] = set(getattr(screen, "PALETTE_SKIP", ()))
    names: dict[str, str] = dict(getattr(screen, "PALETTE_NAMES", {}))
    found: dict[str, Command] = {}
    for k in game_keys(screen):
        action = k.binding.action
        if not k.enabled or action.split("(")[0] in skip or action in ("next_theme", "command_palette", "quit"):
            continue
        name = _(names[action]) if action in names else k.description
        what = _(k.binding.tooltip) if k.binding.tooltip else k.description
        found.setdefault(
            name,
            Command(
                name, _("{what} (key: {key})").format(what=what, key=k.key), partial(app.run_action, action, k.node)
            ),
        )
    extra = getattr(screen, "palette_commands", None)
    for command in extra() if callable(extra) else []:
        found.setdefault(command.name, command)
    for theme in THEME_NAMES:
        if theme != app.theme:
            name = _("Theme: {theme}").format(theme=theme.removeprefix("simgame-").replace("-", " "))
            switch = partial(app.run_action, f"app.use_theme({theme!r})")
            found.setdefault(name, Command(name, _("Switch to this theme (F2 cycles)"), switch))
    for code in LANGUAGES:
        if code != language():
            name = _("Language: {language}").format(language=LANGUAGE_NAMES[code])
            choose = partial(app.run_action, f"app.use_language({code!r})")
            found.setdefault(
                name, Command(name, _("Play in this language from the next start (kept in the config file)"), choose)
            )
    return list(found.values())


class ScreenActionsProvider(Provider):
    """Offers the actions of whatever screen the palette was opened on (with their descriptions)."""

    async def discover(self) -> Hits:
        for command in screen_commands(self):
            yield DiscoveryHit(Content(command.name), command.run, text=command.name, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in screen_commands(self):
            score, offsets = matcher.fuzzy_search.match(query, command.name)
            if score > 0:
                shown = Content(command.name)
                for offset in offsets:
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, command.run, text=command.name, help=command.help)
