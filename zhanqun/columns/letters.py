"""Letters (盟长信箱, ``letter`` columns): untrusted text, reply deadlines and reply statistics.

A letter is written by a member of the public. Its text must never be read as Markdown or HTML
(a ``<script>`` or an ``onerror=`` in a letter would otherwise run on a government site), so the
raw body is split here, before Python-Markdown sees anything, into the ``## 来信`` and ``## 答复``
sections, and each is turned into escaped paragraphs, which the stage hands Pelican as the
letter's finished HTML (``render/stage.py``; the link resolver never reads a letter's text either).

The national inspection fails a site with a letter unanswered for over three months. The build
only warns (from 60 days, counted to a "today" from ``--today`` or ``SOURCE_DATE_EPOCH``): a build
must not fail because a day passed, nor hold back another site's urgent notice. The deadline
itself is ``build.py audit``'s (``commands/audit.py``), which CI runs as its own gate. The reply
statistics the pages show are computed here.
"""

from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from ..config.sites import AUDIT_LIMITS
from ..content.index import Item
from ..content.sanitize import clean
from ..errors import Problems
from ..i18n import _
from ..links.addresses import AddressMap

LETTER_SECTION = "来信"
REPLY_SECTION = "答复"
OVERDUE_WARNING_DAYS = AUDIT_LIMITS["letter_warn_days"][0]  # national defaults; a site's [audit] may be stricter
OVERDUE_ERROR_DAYS = AUDIT_LIMITS["letter_fail_days"][0]


_HEADING = re.compile(rf"^##[ \t]*(?P<name>{LETTER_SECTION}|{REPLY_SECTION})[ \t#]*$")


@dataclass
class Letter:
    """One letter item with its two sections as raw (unescaped) text."""

    item: Item
    letter: str
    reply: str
    received: date | None
    replied: date | None

    @property
    def days_to_reply(self) -> int | None:
        if self.received and self.replied:
            return (self.replied - self.received).days
        return None

    def html(self) -> str:
        """The page body: both sections as escaped paragraphs under fixed headings."""
        reply = plain_text_html(self.reply) if self.replied else '<p class="letter-pending">正在办理中，答复后将在此公开。</p>'
        return (
            '<section class="letter-part letter-text" aria-labelledby="letter-text-title">\n'
            f'<h2 id="letter-text-title">来信内容</h2>\n{plain_text_html(self.letter)}\n</section>\n'
            '<section class="letter-part letter-reply" aria-labelledby="letter-reply-title">\n'
            f'<h2 id="letter-reply-title">答复内容</h2>\n{reply}\n</section>'
        )


def plain_text_html(text: str) -> Markup:
    """Text as HTML paragraphs: blank lines separate paragraphs, line breaks are kept, all escaped.

    Returned as ``Markup``: the templates autoescape every value, and this one is already safe.
    It still passes the sanitiser, like every piece of HTML made from content.
    """
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = [html.escape(line.strip(" \t"), quote=True) for line in paragraph.split("\n")]
        out.append("<p>" + "<br>\n".join(lines) + "</p>")
    return Markup(clean("\n".join(out)))


def split_sections(item: Item, problems: Problems) -> tuple[str, str] | None:
    """``(letter, reply)`` from the raw body; ``None`` after reporting a body without ``## 来信``.

    The first ``## 来信`` starts the letter and the first ``## 答复`` after it starts the reply;
    everything else is text, whatever it looks like (a letter may well contain ``## 答复``).
    """
    lines = item.body.split("\n")
    letter_at = reply_at = None
    for n, line in enumerate(lines):
        found = _HEADING.match(line.strip())
        if not found:
            continue
        if letter_at is None and found.group("name") == LETTER_SECTION:
            letter_at = n
        elif letter_at is not None and found.group("name") == REPLY_SECTION:
            reply_at = n
            break
    if letter_at is None:
        problems.add(
            item.source,
            item.body_line,
            "letter-sections",
            _("a letter's text starts with a '## {letter}' line, and the reply with '## {reply}'").format(letter=LETTER_SECTION, reply=REPLY_SECTION),
        )
        return None
    before = "\n".join(lines[:letter_at]).strip()
    if before:
        problems.add(item.source, item.body_line, "letter-sections", _("text before '## {letter}' would not be published; move it into a section").format(letter=LETTER_SECTION))
    end = reply_at if reply_at is not None else len(lines)
    letter = "\n".join(lines[letter_at + 1 : end]).strip("\n")
    reply = "\n".join(lines[reply_at + 1 :]).strip("\n") if reply_at is not None else ""
    if not letter.strip():
        problems.add(item.source, item.body_line + letter_at, "letter-sections", _("the '## {letter}' section is empty").format(letter=LETTER_SECTION))
    return letter, reply


def _day(value: str | None) -> date | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d").date()


def read_letter(item: Item, today: date, problems: Problems, warn_days: int = OVERDUE_WARNING_DAYS, fail_days: int = OVERDUE_ERROR_DAYS) -> Letter | None:
    """Split and check one letter item; every mistake is located in its file."""
    sections = split_sections(item, problems)
    received = _day(item.meta.get("Received"))
    replied = _day(item.meta.get("Replied"))
    if received is None and not item.written("Received"):
        problems.add(item.source, 1, "missing-key", _("a letter needs 'Received:' (受理日期, YYYY-MM-DD)"))
    if sections is None:
        return None
    letter, reply = sections
    if replied:
        if not item.meta.get("Replier", "").strip():
            problems.add(item.source, item.line_of("Replied"), "missing-key", _("a replied letter needs 'Replier:' (答复部门)"))
        if not reply.strip():
            problems.add(item.source, item.line_of("Replied"), "letter-sections", _("Replied is set but the '## {reply}' section is missing or empty").format(reply=REPLY_SECTION))
        if received and replied < received:
            problems.add(item.source, item.line_of("Replied"), "bad-value", _("Replied: {replied} is before Received: {received}").format(replied=replied, received=received))
    elif reply.strip() and not item.written("Replied"):
        problems.add(item.source, item.line_of("Received") or 1, "missing-key", _("the letter has a '## {reply}' but no 'Replied:' date (答复日期)").format(reply=REPLY_SECTION))
    elif received:
        waiting = (today - received).days
        if waiting > warn_days:
            message = _(
                "no reply {waiting} days after Received: {received} (today {today}); letters unanswered for "
                "over {fail_days} days fail the inspection (build.py audit): add the '## {reply}' and 'Replied:'"
            ).format(waiting=waiting, received=received, today=today, fail_days=fail_days, reply=REPLY_SECTION)
            problems.warn(item.source, item.line_of("Received"), "letter-overdue", message)  # audit's deadline, not the build's
    return Letter(item, letter, reply, received, replied)


def read_letters(addresses: AddressMap, today: date, problems: Problems) -> dict[str, Letter]:
    """Every rendered letter of the cluster, by source path."""
    letters: dict[str, Letter] = {}
    for item in addresses.index.items:
        column = addresses.cluster[item.site].column(item.column)
        if column is None or column.type != "letter" or not addresses.renders(item):
            continue
        limits = addresses.cluster[item.site].audit_limits
        letter = read_letter(item, today, problems, limits["letter_warn_days"], limits["letter_fail_days"])
        if letter:
            letters[item.source] = letter
    return letters


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def letter_stats(letters: list[Letter]) -> dict[str, Any]:
    """答复率, replied count, median days to reply and letters per month (by 受理日期)."""
    total = len(letters)
    replied = [letter for letter in letters if letter.replied]
    days = [d for d in (letter.days_to_reply for letter in replied) if d is not None]
    months: dict[str, dict[str, Any]] = {}
    for letter in letters:
        when = letter.received or letter.item.date.date()
        key = f"{when.year:04d}-{when.month:02d}"
        row = months.setdefault(key, {"month": key, "label": f"{when.year}年{when.month}月", "received": 0, "replied": 0})
        row["received"] += 1
        row["replied"] += 1 if letter.replied else 0
    return {
        "total": total,
        "replied": len(replied),
        "pending": total - len(replied),
        "rate": f"{_number(100 * len(replied) / total)}%" if total else "—",
        "median_days": _number(statistics.median(days)) if days else "—",
        "months": [months[key] for key in sorted(months, reverse=True)],
    }
