"""Text for the terminal: values from files shown as they are, but never as commands to the terminal.

A value printed by a command may come from a file anyone could have written (a link report's
``href``, a page title, a log line): an escape sequence (ESC, ``\\x1b[2J``), a bell, a line break
or a direction override in it would clear the screen, forge a line of the report or make it read
backwards. :func:`printable` shows each such character as its escape (``\\x1b``, ``\\u202e``), so the
webmaster sees that it is there and the output stays one line per value.
"""

from __future__ import annotations

import unicodedata

from ..errors import escape_unprintable

def printable(value: object) -> str:
    """``value`` as text that prints as what it is: every control character escaped, as problem
    lines are (:func:`~zhanqun.errors.escape_unprintable`, the one list of what a terminal obeys)."""
    return escape_unprintable(str(value))


def width(text: str) -> int:
    """How many terminal columns ``text`` takes: a Chinese character (or a full-width one) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns`` terminal columns (never cut)."""
    return text + " " * max(columns - width(text), 0)
