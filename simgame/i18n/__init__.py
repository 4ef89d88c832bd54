"""The game's words in the player's language: gettext, with the catalogues in ``locale/``.

Every string the game's UI shows goes through :func:`_` (or :func:`ngettext`). Strings that must
exist before a language is chosen (a binding's description, a table of words) are marked with
:func:`N_` where they are written and translated with :func:`_` where they are shown.

English is the source language (the msgids); German is the first translation
(``locale/de/LC_MESSAGES/simgame.po``). The catalogue is extracted with Babel (``babel.cfg``)::

    pybabel extract -F babel.cfg -o simgame/i18n/locale/simgame.pot --no-location --omit-header --sort-output .
    pybabel update -i simgame/i18n/locale/simgame.pot -d simgame/i18n/locale -D simgame -N --ignore-obsolete -w 100
    pybabel compile -d simgame/i18n/locale -D simgame

(then translate the new entries ``update`` left empty, and compile again; these commands reproduce the
committed files byte for byte).

The engine's sentences for the player (lock causes, "Based on …", why an objective was missed) are
translated where they are built, always for display: saves, events, hashes and outcome maps hold ids and
numbers, never words. Text that is compared byte for byte (`simgame run`'s transcripts, `simgame test`)
is built inside :func:`in_english`, whatever language the game is in.

``tests/tui/test_i18n.py`` fails when a UI string is missing from a catalogue, a catalogue has a
string the code no longer uses, a translation is empty, or a compiled ``.mo`` is older than its ``.po``.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "simgame"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "de")  # the first is the source language
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_lang = "en"
_ENGLISH = _gettext.NullTranslations()
# Set by in_english() for the code it wraps only (per thread and per asyncio task): never seen elsewhere.
_forced: ContextVar[_gettext.NullTranslations | None] = ContextVar("simgame_i18n_forced", default=None)


def set_language(lang: str | None) -> str:
    """Use ``lang`` ("en", "de"; a region such as "de_AT" or "de-CH" falls back to "de") from now on.

    An unknown language is English. Returns the language now in use.
    """
    global _current, _lang
    code = (lang or "en").replace("-", "_").split("_")[0].lower()
    if code not in LANGUAGES or code == "en":
        _current, _lang = _gettext.NullTranslations(), "en"
        return _lang
    _current = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    _lang = code if isinstance(_current, _gettext.GNUTranslations) else "en"
    return _lang


def language() -> str:
    """The language in use ("en" unless :func:`set_language` chose another)."""
    return _lang


@contextmanager
def in_english() -> Iterator[None]:
    """Build text in the source language inside this block, whatever the player's language.

    For text compared byte for byte (a recorded transcript): only this thread or task is affected.
    """
    token = _forced.set(_ENGLISH)
    try:
        yield
    finally:
        _forced.reset(token)


def _(message: str) -> str:
    """``message`` (an English msgid) in the language in use ("" stays "", never the catalogue's header)."""
    return (_forced.get() or _current).gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    return (_forced.get() or _current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate it where it is shown)."""
    return message
