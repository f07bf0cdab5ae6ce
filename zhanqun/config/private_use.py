"""Private-use characters: text typed in a legacy encoding, refused wherever text enters.

Older Inner Mongolian input methods (Menksoft 蒙科立 and others) store glyph forms in the Private
Use Area (U+E234–U+E34F for the Mongolian letters, up to U+E497 with Todo, Sibe and Manchu): such
text shows boxes or the wrong letters on every computer without that company's font, and no search
finds it. The Private Use Area is three ranges — U+E000–U+F8FF and the whole of planes 15 and 16 —
and a legacy encoding may use any of them. Content files (``content/mongolian.py``) and site files
(``config/sites.py``: a site's or column's name is printed on every page) are held to this one rule.
"""

from __future__ import annotations

import re

from ..i18n import _

#: Every private-use code point: the BMP's area and Supplementary Private Use Areas A and B.
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
#: Menksoft's glyph codes (Mongolian letters and punctuation; Todo, Sibe and Manchu up to E497).
MENKSOFT_RANGE = (0xE234, 0xE497)


def private_use_message(char: str) -> str:
    """What to say about the private-use ``char``: how to convert the text it belongs to."""
    code = ord(char)
    if MENKSOFT_RANGE[0] <= code <= MENKSOFT_RANGE[1]:
        message = _(
            "{where}U+{code:04X} is a Menksoft (蒙科立) glyph code, not Unicode Mongolian: browsers without that font show "
            "boxes and search cannot find the text. Convert the text to Unicode (GB/T 25914) with the 蒙科立 converter or "
            "mongol_code's convertMenksoftToUnicode, or retype it with a Unicode input method"
        )
    else:
        message = _(
            "{where}U+{code:04X} is a private-use character, which no standard font shows: text typed in a legacy encoding "
            "is not Unicode. Convert it to Unicode (for Mongolian: GB/T 25914, e.g. with the 蒙科立 converter) or retype it"
        )
    return message.format(where="", code=code)
