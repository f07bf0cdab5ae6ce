"""Traditional Mongolian text: what the pipeline must keep, and what the linter refuses or flags.

Mongolian in Unicode (U+1800–U+18AF) depends on three invisible characters: U+202F NARROW NO-BREAK
SPACE before a detached suffix (ᠮᠣᠩᠭᠣᠯ + U+202F + ᠤᠨ), U+180E MONGOLIAN VOWEL SEPARATOR before a
detached final a/e (ᠰᠠᠷ᠎ᠠ) and the variation selectors U+180B–U+180F. Python's ``str.split()``,
``str.strip()`` and regex ``\\s`` treat U+202F as a space, so a whitespace clean-up written for
Chinese silently turns a suffix into a new word and the browser shapes it wrongly. Code that trims
or squeezes the text of an item uses :func:`strip_text` and :func:`split_words` instead.

Texts typed with older Inner Mongolian input methods (Menksoft 蒙科立 and others) store glyph
forms in the Private Use Area (U+E234–U+E34F for the Mongolian letters, up to U+E497 with Todo,
Sibe and Manchu): such a page shows boxes or the wrong letters on every computer without that
company's font, and no search finds it. It is refused with the way to convert it.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..config.private_use import PRIVATE_USE_RE, private_use_message
from ..errors import Problems
from ..i18n import _

NNBSP = "\u202f"
MVS = "\u180e"
#: The characters that carry Mongolian shaping; nothing in the pipeline may change or drop them.
SHAPING_CHARACTERS = (NNBSP, MVS, "\u180b", "\u180c", "\u180d", "\u180f")

#: Whitespace other than U+202F, for trimming and squeezing text that may be Mongolian.
_SPACE = r"[^\S\u202f]"
_EDGES_RE = re.compile(rf"^{_SPACE}+|{_SPACE}+$")
_SPACES_RE = re.compile(rf"{_SPACE}+")


def strip_text(text: str) -> str:
    """``text.strip()`` that keeps U+202F (a suffix's space is part of the word, not padding)."""
    return _EDGES_RE.sub("", text)


def split_words(text: str) -> list[str]:
    """``text.split()`` that keeps U+202F inside the words it joins."""
    return [word for word in _SPACES_RE.split(text) if word]


def squeeze(text: str) -> str:
    """``" ".join(text.split())`` that keeps U+202F: runs of other whitespace become one space."""
    return " ".join(split_words(text))


# --- legacy private-use encodings ---------------------------------------------------------------

#: Refused in every site: see :mod:`zhanqun.config.private_use` (site files are held to it too).
_PUA_RE = PRIVATE_USE_RE
#: Letters of the Mongolian block (the traditional script's letters and its Todo/Sibe/Manchu extensions).
_LETTER = "\u1820-\u1878\u1880-\u18aa"

#: Detached case suffixes written after U+202F. Kept narrow on purpose: only suffixes that are never
#: words of their own, so that a warning always means a U+0020 where U+202F belongs.
SUFFIXES = (
    "ᠤᠨ", "ᠦᠨ", "ᠶᠢᠨ", "ᠤ", "ᠦ",  # genitive
    "ᠢ", "ᠶᠢ",  # accusative
    "ᠳᠤ", "ᠲᠤ", "ᠳᠦ", "ᠲᠦ",  # dative-locative
    "ᠠᠴᠠ", "ᠡᠴᠡ",  # ablative
    "ᠪᠠᠷ", "ᠪᠡᠷ", "ᠢᠶᠠᠷ", "ᠢᠶᠡᠷ",  # instrumental
    "ᠲᠠᠢ", "ᠲᠡᠢ",  # comitative
    "ᠤᠳ", "ᠦᠳ",  # plural
)
_SUFFIX_RE = re.compile(rf"(?<=[{_LETTER}\u180b-\u180f]) (?P<suffix>{'|'.join(sorted(SUFFIXES, key=len, reverse=True))})(?![{_LETTER}\u180b-\u180f\u200c\u200d])")


def _lines(meta: dict[str, str], lines: dict[str, int], body: str, body_line: int) -> Iterator[tuple[int | None, str, str | None]]:
    """(line, text, header key or None) of every header value and every line of the text."""
    for key, value in meta.items():
        yield lines.get(key), value, key
    for offset, text in enumerate(body.split("\n")):
        yield body_line + offset, text, None


def check_mongolian(meta: dict[str, str], lines: dict[str, int], body: str, body_line: int, source: str, vertical: bool, problems: Problems) -> None:
    """Legacy glyph codes are errors in every site; a suffix after a plain space is a warning in
    a Mongolian site (in a Chinese site Mongolian is a quoted name, rarely with suffixes)."""
    for line, text, key in _lines(meta, lines, body, body_line):
        where = f"{key}: " if key else ""
        pua = _PUA_RE.search(text)
        if pua:
            problems.add(source, line, "private-use-text", where + private_use_message(pua.group(0)))
        if not vertical:
            continue
        suffix = _SUFFIX_RE.search(text)
        if suffix:
            problems.warn(
                source, line, "suffix-space",
                _("{where}the suffix {suffix} follows a plain space (U+0020); write U+202F (narrow no-break space) before a suffix, "
                  "or the browser shapes it as a word of its own and may break the line before it").format(where=where, suffix=suffix.group("suffix")),
            )


def fix_suffix_spaces(text: str) -> str:
    """``text`` with U+202F before every suffix :func:`check_mongolian` would warn about."""
    return _SUFFIX_RE.sub(lambda m: NNBSP + m.group("suffix"), text)
