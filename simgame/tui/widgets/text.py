"""Text helpers: reflow author prose, draw bars that carry their number, describe changes and times in words."""

from __future__ import annotations

from rich.text import Text

from simgame.i18n import _


def paragraphs(text: str) -> str:
    """Reflow YAML block text: single newlines join, blank lines stay paragraph breaks."""
    paras = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paras if p)


def bar(share: float, width: int, style: str = "") -> Text:
    """A bar of ``width`` cells; the filled part is also a different glyph, so no colour is needed."""
    share = max(0.0, min(1.0, share))
    filled = round(share * width)
    out = Text()
    out.append("█" * filled, style or "bold")
    out.append("░" * (width - filled), "dim")
    return out


def change_words(change: float, good: bool | None) -> tuple[str, str]:
    """(text, style) for a metric change: the sign and a word say it; colour only repeats it."""
    if not change:
        return _("no change"), "dim"
    arrow = "▲" if change > 0 else "▼"
    word = _("better") if good else _("worse")
    return f"{arrow}{change:+g} {word}", "green" if good else "red"


def short_time(stamp: str) -> str:
    """An ISO time as '25 Nov 08:10' (no seconds, no zone: enough to recognise a run)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).strftime("%d %b %H:%M")
    except ValueError:
        return stamp
