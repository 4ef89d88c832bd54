"""The app's themes, registered with Textual: dark, light, and a high-contrast one.

Colours only ever repeat what the text already says (labels, signs, words such as
"better" and "locked"), so any theme, or none, keeps every piece of information.
"""

from __future__ import annotations

from textual.theme import Theme

THEMES: tuple[Theme, ...] = (
    Theme(
        name="simgame-dark",
        primary="#4FA3E0",
        secondary="#8FB8DE",
        accent="#F2B134",
        warning="#F2B134",
        error="#E5534B",
        success="#57AB5A",
        foreground="#E6EDF3",
        background="#11151C",
        surface="#171C25",
        panel="#1F2632",
        dark=True,
    ),
    Theme(
        name="simgame-light",
        primary="#1F5F99",
        secondary="#3B6E9E",
        accent="#9A5B00",
        warning="#9A5B00",
        error="#B3261E",
        success="#1E7A34",
        foreground="#1B1F24",
        background="#F7F7F4",
        surface="#FFFFFF",
        panel="#E8E8E3",
        dark=False,
    ),
    Theme(
        name="simgame-high-contrast",
        primary="#FFFF00",
        secondary="#00FFFF",
        accent="#FFFF00",
        warning="#FFFF00",
        error="#FF6E6E",
        success="#7CFF7C",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1A1A1A",
        boost="#333333",
        dark=True,
        luminosity_spread=0.3,
        text_alpha=1.0,
        # WCAG AA on what is drawn (tests/tui/test_contrast.py): disabled text (headings in the
        # library, placeholders) 4.5:1 and more, muted borders and tracks 3:1 and more.
        variables={"text-disabled": "#B3B3B3", "text-muted": "#D9D9D9", "secondary-muted": "#00B3B3"},
    ),
)

THEME_NAMES = tuple(t.name for t in THEMES)
