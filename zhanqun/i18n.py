"""The language zhanqun speaks: Chinese by default, English on request.

The people who read zhanqun's messages are office staff, so every message, summary and help text
is written in English in the code (the msgid, which keeps the code readable and the tests stable)
and shown through a gettext catalog, ``zhanqun/locale/zh_CN/LC_MESSAGES/zhanqun.po``, in Chinese
unless English was asked for: ``--lang en``, ``ZHANQUN_LANG=en`` or an English locale
(``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` starting with ``en``). Problem codes
(``wide-colon``) are never translated, so CI can match them in either language.

Messages are written ``_("unknown column {column!r}{hint}").format(column=..., hint=...)``: named
fields, so a translation may put them in another order. Text that is defined before the language is
known (help texts, rule texts in tables) is marked with :func:`N_` and translated where it is shown.
``python -m zhanqun.commands.catalog`` extracts the messages with Babel and compiles the catalog; a test fails
when a message has no translation.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path
from typing import Mapping

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "zhanqun"
#: what ``--lang`` takes; the first is the default
LANGUAGES = ("zh", "en")
#: the catalog folder of each language (English is the msgids themselves)
_CATALOG_LOCALE = {"zh": "zh_CN", "en": "en"}

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``ZHANQUN_LANG``, else the first locale variable set; English only when it asks for English.

    ``C``/``POSIX`` and unset locales (a CI runner, a bare container) are no request for English: the
    office worker's language is the default.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("ZHANQUN_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            first = value.split(":")[0].lower()
            return "en" if first.startswith("en") else LANGUAGES[0]
    return LANGUAGES[0]


def use_language(language: str) -> None:
    """Speak ``language`` (``zh`` or ``en``) from now on, in this process."""
    global _current, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    _language = language
    _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_CATALOG_LOCALE[language]], fallback=True)


def current_language() -> str:
    """The language messages are shown in (handed to the render processes, which start fresh)."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (it is shown later, through ``_``)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural of a message in the current language (click's own messages use it)."""
    return _current.ngettext(singular, plural, count)


use_language(language_from_environment())
