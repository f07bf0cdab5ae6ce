"""索引号 (Index-No): a site's ``[disclosure] index_pattern`` as a regular expression and a formatter.

The pattern is written the way webmasters read it, ``{credit_code}/{year}-{serial:05d}``; the
build needs it the other way round too: to check that a written number fits the site (a regular
expression), to find the numbers already taken in a year, and to write the next free one for
``build.py new``. Published numbers are cited in letters and documents for years, so a number is
assigned once and never recomputed.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _

#: Fields a pattern may use, and what each stands for.
FIELDS = {
    "credit_code": "统一社会信用代码 of the site ([disclosure] credit_code)",
    "year": "four-digit year",
    "month": "two-digit month",
    "serial": "serial number within the year (or month), e.g. {serial:05d}",
}
_SERIAL_SPEC = re.compile(r"^(?:0?(?P<width>[1-9]\d?))?d?$")


@dataclass(frozen=True)
class IndexPattern:
    """One site's 索引号 pattern, compiled against its credit code."""

    pattern: str
    credit_code: str
    regex: re.Pattern[str]
    uses_month: bool
    serial_width: int  # 0: no fixed width

    def match(self, value: str) -> re.Match[str] | None:
        return self.regex.fullmatch(value)

    def format(self, year: int, month: int, serial: int) -> str:
        """The number for ``serial`` in ``year`` (and ``month``), written as the pattern says."""
        out = []
        for literal, field, _spec, _conv in string.Formatter().parse(self.pattern):
            out.append(literal)
            if field == "credit_code":
                out.append(self.credit_code)
            elif field == "year":
                out.append(f"{year:04d}")
            elif field == "month":
                out.append(f"{month:02d}")
            elif field == "serial":
                out.append(f"{serial:0{self.serial_width}d}" if self.serial_width else str(serial))
        return "".join(out)

    def next_free(self, taken: list[str], year: int, month: int) -> str:
        """The number after the highest serial already taken in this year (and month)."""
        highest = 0
        for value in taken:
            found = self.match(value)
            if not found or int(found.group("year")) != year:
                continue
            if self.uses_month and int(found.group("month")) != month:
                continue
            highest = max(highest, int(found.group("serial")))
        return self.format(year, month, highest + 1)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used as an index pattern, or ``None`` (a site-file check)."""
    try:
        pieces = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        return _("{pattern!r} is not a valid pattern ({error}); write e.g. '{{credit_code}}/{{year}}-{{serial:05d}}'").format(pattern=pattern, error=exc)
    seen: set[str] = set()
    for _literal, field, spec, conversion in pieces:
        if field is None:
            continue
        if field not in FIELDS:
            return _("unknown field {{{field}}} in {pattern!r}; fields are {fields}").format(field=field, pattern=pattern, fields=", ".join("{" + f + "}" for f in FIELDS))
        if field in seen:
            return _("{{{field}}} appears twice in {pattern!r}").format(field=field, pattern=pattern)
        seen.add(field)
        if conversion:
            return _("{{{field}!{conversion}}}: conversions are not allowed in an index pattern").format(field=field, conversion=conversion)
        if field == "serial" and not _SERIAL_SPEC.match(spec or ""):
            return _("{{serial:{spec}}}: write {{serial}} or a zero-padded width such as {{serial:05d}}").format(spec=spec)
        if field != "serial" and spec not in ("", "d", "02d", "04d"):
            return _("{{{field}:{spec}}}: only {{serial}} takes a format").format(field=field, spec=spec)
    if "serial" not in seen:
        return _("{pattern!r} has no {{serial}} field, so two documents would get the same number").format(pattern=pattern)
    if "year" not in seen:
        return _("{pattern!r} has no {{year}} field; 索引号 are numbered per year").format(pattern=pattern)
    return None


def compile_pattern(pattern: str, credit_code: str) -> IndexPattern:
    """Compile a pattern that :func:`pattern_problem` accepted."""
    parts: list[str] = []
    width = 0
    uses_month = False
    for literal, field, spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field == "credit_code":
            parts.append(re.escape(credit_code))
        elif field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "month":
            uses_month = True
            parts.append(r"(?P<month>0[1-9]|1[0-2])")
        elif field == "serial":
            found = _SERIAL_SPEC.match(spec or "")
            width = int(found.group("width")) if found and found.group("width") else 0
            parts.append(rf"(?P<serial>\d{{{width}}})" if width else r"(?P<serial>\d+)")
    return IndexPattern(pattern, credit_code, re.compile("".join(parts)), uses_month, width)


_INDEX_LINE = re.compile(r"^index-no[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*$", re.IGNORECASE)


def taken_numbers(root: Path) -> list[str]:
    """Every ``Index-No:`` written in any content file, drafts and broken files included.

    Read straight from the header lines rather than from the content index, so a file with an
    unrelated mistake still keeps its number from being handed out again.
    """
    numbers: list[str] = []
    content = root / "content"
    if not content.is_dir():
        return numbers
    for path in sorted(content.rglob("*.md")):
        try:
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError:
            continue
        for line in text.replace("\r\n", "\n").split("\n"):
            if not line.strip():
                break  # the header ends at the first empty line
            found = _INDEX_LINE.match(line)
            if found:
                numbers.append(found.group("value"))
    return numbers
