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
from typing import Iterable, Iterator, Literal

from .i18n import _

Severity = Literal["error", "warning"]
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


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
        # one problem, one line: what an author wrote (a value with a line break or a control
        # character in it) is shown escaped, so a message never splits or hides in the output
        if _UNPRINTABLE.search(self.message):
            object.__setattr__(self, "message", _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), self.message))

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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one of the choices is close to ``word``, else ``''``."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return _(" (did you mean '{word}'?)").format(word=close[0]) if close else ""


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
