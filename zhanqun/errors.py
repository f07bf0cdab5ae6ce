"""The one error type of zhanqun, and the collector that gathers them across stages.

Authors fix mistakes from a list, not one run at a time: every stage records every problem it
finds in a :class:`Problems` collector instead of raising on the first, and the front end prints
them all, grouped per file, as ``path:line: code: message``.
"""

from __future__ import annotations

import errno
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

from .i18n import _

Severity = Literal["error", "warning"]
#: What a problem line never shows as it is: control characters (a terminal obeys ESC sequences),
#: line and paragraph separators (a line break forges another problem line) and the bidirectional
#: controls (U+202E turns ``gpj.exe`` into ``exe.jpg`` on screen): shown escaped, as ``\x1b``.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_unprintable(text: str) -> str:
    """``text`` with every character of :data:`_UNPRINTABLE` written as its Python escape (``\\u202e``)."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class Message(str):
    """A message shown in the current language that can be said again in another.

    Most messages are shown once, where they are made (``_("…").format(…)``). A few are kept and
    shown twice: the audit's findings go to the terminal in the reader's language, and into the HTML
    report, which is Chinese whatever ``--lang`` said (and the same bytes for the same findings).
    Such a message is made as ``Message(N_("measured on {what}"), what=…)``: it *is* the text in the
    current language (a ``str`` for JSON, the text output, comparisons) and keeps its msgid and
    fields for :meth:`say`; a field that is a message itself is said in the same language.
    """

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, **fields: Any) -> Message:
        self = super().__new__(cls, _(msgid).format(**fields))
        self.msgid, self.fields = msgid, fields
        return self

    def say(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of ``gettext`` (a catalog's ``gettext``)."""
        fields = {name: value.say(gettext) if isinstance(value, Message) else value for name, value in self.fields.items()}
        try:
            return gettext(self.msgid).format(**fields)
        except (KeyError, IndexError, ValueError):  # a translation with other fields: the English text
            return self.msgid.format(**fields)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.msgid, self.fields, str(self)))

    def __copy__(self) -> Message:
        return self  # a str: immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Message:
        return self


def _message(msgid: str, fields: dict[str, Any], text: str) -> Message:
    """A :class:`Message` as it was pickled: its text in the language it was made in."""
    message = str.__new__(Message, text)
    message.msgid, message.fields = msgid, fields
    return message


@dataclass(frozen=True, order=True)
class Problem:
    """A mistake located in a file of the repository (or in the output).

    ``path`` is relative to the repository root where possible (``content/ulanhot/zwdt/a.md``),
    ``line`` is 1-based or ``None`` when the problem concerns the file as a whole, ``code`` is a
    short stable identifier (``unknown-key``) that CI annotations and tests can rely on.
    """

    path: str
    line: int | None
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        # one problem, one line: what an author wrote — a value, or a file name — with a line break,
        # a control or a bidirectional character in it is shown escaped, so a problem never splits,
        # forges another line, reorders itself or sends the terminal a command
        object.__setattr__(self, "path", escape_unprintable(str(self.path)))
        object.__setattr__(self, "message", escape_unprintable(self.message))

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = _("warning: ") if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.code}: {self.message}"

    def to_json(self) -> dict[str, object]:
        """``file``, ``line``, ``code``, ``message`` (what CI annotations take), plus ``path``, ``severity``."""
        return {"file": self.path, **asdict(self)}


@dataclass
class Problems:
    """Collects problems from every stage; passed around in the build context, never global."""

    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def _append(self, problem: Problem) -> None:
        """Record a problem once: a stage run per target may find the same one again."""
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def add(
        self,
        path: str,
        line: int | None,
        code: str,
        message: str,
        severity: Severity = "error",
    ) -> None:
        self._append(Problem(str(path), line, code, message, severity))

    def warn(self, path: str, line: int | None, code: str, message: str) -> None:
        self.add(path, line, code, message, "warning")

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self._append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        """Problems grouped per file, in line order, each reported once."""
        return sorted(self.items, key=lambda p: (p.path, p.line or 0, p.code, p.message))


class BuildFailed(Exception):
    """Raised by a stage after which the build cannot go on; carries everything found so far."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems


def format_text(problems: Iterable[Problem]) -> str:
    """Render problems grouped per file, the way a compiler does."""
    return "\n".join(p.format() for p in problems)


def format_json(problems: Iterable[Problem]) -> str:
    """Render problems as a JSON list for CI annotations (file, line, code, message)."""
    return json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` that ``word`` most likely misspells, if any is close enough."""
    import difflib

    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in choices}
    return lowered.get(word.lower())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one of the choices is close to ``word``, else ``''``."""
    close = closest(word, choices)
    return _(" (did you mean '{word}'?)").format(word=close) if close else ""


def shown_path(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the repository when it lies inside, else absolute."""
    for inside, base in ((path, root), (path.resolve(), root.resolve())):
        try:
            return inside.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def describe_os_error(exc: OSError, root: Path | None = None) -> str:
    """A sentence for a failed write: what could not be written and why, a full disk named as such."""
    name = exc.filename or ""
    if root and name:
        try:
            name = Path(name).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        if name:
            return _("the disk is full: could not write {name} (free some space and build again)").format(name=name)
        return _("the disk is full: could not write (free some space and build again)")
    return f"{exc.strerror or exc}: {name}" if name else f"{exc.strerror or exc}"
