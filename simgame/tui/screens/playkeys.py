"""The play screen's keys: choose by number or Enter, continue, scroll the text, terms, glossary, numbers.

Descriptions are marked with ``N_`` and translated where they are shown (`simgame.tui.keys`).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from simgame.i18n import N_

PLAY_BINDINGS: list[BindingType] = [
    Binding(
        "1",
        "choose(1)",
        N_("Choose"),
        key_display="1-9",
        id="play.choose",
        tooltip=N_("Choose an option by its number (or arrows and Enter, or click)"),
    ),
    *[
        Binding(
            str(n),
            f"choose({n})",
            N_("Choose"),  # never shown: "1-3" on the bar and in Help says it for every number
            show=False,
            id=f"play.choose{n}",
            tooltip=N_("Choose an option by its number (or arrows and Enter, or click)"),
        )
        for n in range(2, 10)
    ],
    # Enter and Space act on the screen first, whatever has focus: choose the highlighted option,
    # or continue after a consequence (never the option list's own "Select").
    Binding("enter", "next", N_("Continue"), id="play.next", tooltip=N_("On to the next scene"), priority=True),
    Binding(
        "enter",
        "pick",
        N_("Choose"),
        id="play.pick",
        show=False,
        tooltip=N_("Choose the highlighted option"),
        priority=True,
    ),
    Binding("space", "next", N_("Continue"), id="play.next_space", show=False, tooltip=N_("On to the next scene")),
    Binding("escape", "leave", N_("Library"), id="play.leave", tooltip=N_("Back to the library (progress is saved)")),
    Binding("m", "metrics", N_("Numbers"), id="play.metrics", tooltip=N_("Show or hide the full dashboard of numbers")),
    Binding("t", "terms", N_("Terms"), id="play.terms", tooltip=N_("Explain the highlighted terms in this scene")),
    Binding("g", "glossary", N_("Glossary"), id="play.glossary", tooltip=N_("The whole glossary, searchable")),
    Binding(
        "d",
        "diagnostics",
        N_("Problems"),
        id="play.diagnostics",
        tooltip=N_("Show the problems found in the scenario file"),
    ),
    *[
        Binding(key, f"scroll({where!r})", words, id=f"play.scroll_{key}", show=False, tooltip=words, priority=True)
        for key, where, words in (
            ("pagedown", "page_down", N_("Scroll the text down a page")),
            ("pageup", "page_up", N_("Scroll the text up a page")),
            ("home", "home", N_("Back to the top of the text")),
            ("end", "end", N_("To the end of the text")),
        )
    ],
]
