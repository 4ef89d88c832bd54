"""The game's words in the player's language: gettext, with the catalogues in ``locale/``.

Every string the game's UI shows goes through :func:`_` (or :func:`ngettext`). Strings that must
exist before a language is chosen (a binding's description, a table of words) are marked with
:func:`N_` where they are written and translated with :func:`_` where they are shown.

English is the source language (the msgids); German is the first translation
(``locale/de/LC_MESSAGES/simgame.po``). The catalogue is extracted with Babel (``babel.cfg``)::

    pybabel extract -F babel.cfg -o simgame/i18n/locale/simgame.pot --no-location --omit-header .
    pybabel update -i simgame/i18n/locale/simgame.pot -d simgame/i18n/locale -D simgame --no-location --omit-header
    pybabel compile -d simgame/i18n/locale -D simgame

``tests/tui/test_i18n.py`` fails when a UI string is missing from a catalogue, a catalogue has a
string the code no longer uses, a translation is empty, or a compiled ``.mo`` is older than its ``.po``.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

DOMAIN = "simgame"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "de")  # the first is the source language
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_lang = "en"


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


def _(message: str) -> str:
    """``message`` (an English msgid) in the language in use ("" stays "", never the catalogue's header)."""
    return _current.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate it where it is shown)."""
    return message
