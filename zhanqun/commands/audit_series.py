"""The time series of the audit report: what ``audit`` measures, counted per week, month and column.

``build.py audit`` gives one verdict per inspection item; its HTML report (``audit_report.py``)
also shows how a site got there, as plots (``audit_plots.py``) and tables of the same numbers.
The numbers come from here, from the same items the audit measures (``audit.audit_site``: the
production target's published items and the copies syndicated into the site, hidden items left
out, nothing dated after "today"; the letters of the site's letter columns):

* **updates per column per week** over the last quarter: 13 weeks, the last one ending on today.
  An item counts in the week of its ``Date`` and in the week of its ``Modified`` date when that is
  later (and not after today), once per week;
* **letters per month** over the last 12 months (by 受理日期 ``Received``, as the letter pages'
  own statistics count them): received, answered by today (``Replied`` not after today), and the
  reply rate of those letters;
* **days since the last update per column** against the limit the audit applies to it (the first
  news column is the 要闻/动态 column), for every column the ``stale-columns`` check measures.

Nothing here draws or writes: it only counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..config.sites import Column, Site
from ..content.index import Item
from ..content.metadata import parse_date
from ..pipeline import BuildContext
from .audit import DATED_TYPES, _updated

#: The report's quarter: this many weeks, the last one ending on today.
WEEKS = 13
#: Letters are counted over this many months, the last one today's month.
MONTHS = 12


@dataclass(frozen=True)
class Week:
    """Seven days, ``start`` to ``end`` inclusive."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class ColumnUpdates:
    """How many items of one column were published or updated in each week of the quarter."""

    column: str
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class LetterMonth:
    """The letters received in one month, and how many of them were answered by today."""

    month: str  # "2026-10"
    received: int = 0
    answered: int = 0

    @property
    def rate(self) -> float | None:
        """The reply rate in per cent, ``None`` in a month without letters."""
        return 100 * self.answered / self.received if self.received else None


@dataclass
class ColumnAge:
    """Days since a column's newest item (``None``: an empty column) and the limit it is held to."""

    column: str
    name: str
    days: int | None
    limit: int

    @property
    def over(self) -> bool:
        return self.days is not None and self.days > self.limit


@dataclass
class SiteSeries:
    """Everything the report plots for one site."""

    site: str
    name: str
    weeks: list[Week]
    updates: list[ColumnUpdates]
    letters: list[LetterMonth] = field(default_factory=list)  # empty when the site has no letter column
    has_letters: bool = False
    ages: list[ColumnAge] = field(default_factory=list)

    def weekly_totals(self) -> list[int]:
        """Updates of all columns together, per week."""
        return [sum(column.counts[n] for column in self.updates) for n in range(len(self.weeks))]


def quarter(today: date, weeks: int = WEEKS) -> list[Week]:
    """``weeks`` weeks of seven days, oldest first, the last one ending on ``today``.

    Counted in day numbers and clamped at the calendar's first day (``--today 0001-03-01`` is a
    typo, but one the report must survive): weeks before 1 January of the year 1 are left out, and
    the first one left may be shorter.
    """
    last = today.toordinal()
    ends = [last - 7 * (weeks - 1 - n) for n in range(weeks)]
    return [Week(date.fromordinal(max(end - 6, 1)), date.fromordinal(end)) for end in ends if end >= 1]


def months(today: date, count: int = MONTHS) -> list[str]:
    """The ``count`` months up to today's, oldest first, as ``YYYY-MM`` (none before the year 1)."""
    index = today.year * 12 + today.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(max(index - count + 1, 12), index + 1)]


def listed_items(context: BuildContext, site: Site, today: date) -> dict[str, list[Item]]:
    """By column: the items readers see listed on ``site`` (as ``audit_site`` counts them)."""
    assert context.addresses is not None
    addresses = context.addresses
    shown = [item for item in addresses.items_of(site.id) if addresses.renders(item) and item.status != "hidden"]
    shown += [item for item in context.index.received_by(site.id) if addresses.renders(item) and item.status != "hidden"]
    by_column: dict[str, list[Item]] = {}
    for item in shown:
        if item.date.date() <= today:
            by_column.setdefault(item.column, []).append(item)
    return by_column


def update_days(item: Item, today: date) -> list[date]:
    """The days an item changed for readers: its ``Date``, and its ``Modified`` date when later (not after today)."""
    days = [item.date.date()]
    modified = parse_date(item.meta.get("Modified", ""))
    if modified and item.date.date() < modified.date() <= today:
        days.append(modified.date())
    return days


def measured_columns(site: Site) -> list[Column]:
    """The list columns the audit measures (``empty-columns``), in the site file's order."""
    return [column for column in site.columns if column.type in DATED_TYPES]


def weekly_updates(by_column: dict[str, list[Item]], site: Site, weeks: list[Week], today: date) -> list[ColumnUpdates]:
    """Per measured column: the items published or updated in each week (an item once per week)."""
    rows = []
    for column in measured_columns(site):
        counts = [0] * len(weeks)
        for item in by_column.get(column.id, []):
            for n, week in enumerate(weeks):
                if any(day in week for day in update_days(item, today)):
                    counts[n] += 1
        rows.append(ColumnUpdates(column.id, column.name, counts))
    return rows


def monthly_letters(context: BuildContext, site: Site, today: date) -> tuple[bool, list[LetterMonth]]:
    """Whether the site has letter columns, and per month: letters received, and of them answered by today."""
    ids = {column.id for column in site.columns if column.type == "letter"}
    if not ids:
        return False, []
    assert context.features is not None and context.addresses is not None
    rows = {month: LetterMonth(month) for month in months(today)}
    for letter in context.features.letters.values():
        item = letter.item
        if item.site != site.id or item.column not in ids or not context.addresses.renders(item) or item.status == "hidden":
            continue
        received = letter.received or item.date.date()
        row = rows.get(f"{received.year:04d}-{received.month:02d}")
        if row is None or received > today:
            continue
        row.received += 1
        if letter.replied is not None and letter.replied <= today:
            row.answered += 1
    return True, list(rows.values())


def column_ages(by_column: dict[str, list[Item]], site: Site, today: date) -> list[ColumnAge]:
    """Per column the ``stale-columns`` check measures: days since its newest item, and its limit."""
    limits = site.audit_limits
    news = [column for column in site.columns if column.type == "news"]
    rows = []
    for column in measured_columns(site):
        key = "news_days" if news and column is news[0] else DATED_TYPES[column.type]
        if key is None:
            continue
        items = by_column.get(column.id, [])
        days = min((today - _updated(item, today)).days for item in items) if items else None
        rows.append(ColumnAge(column.id, column.name, days, limits[key]))
    return rows


def site_series(context: BuildContext, site: Site, today: date) -> SiteSeries:
    """The three series of one site's report."""
    by_column = listed_items(context, site, today)
    weeks = quarter(today)
    has_letters, letters = monthly_letters(context, site, today)
    return SiteSeries(
        site.id, site.name, weeks, weekly_updates(by_column, site, weeks, today),
        letters, has_letters, column_ages(by_column, site, today),
    )


def cluster_letters(series: list[SiteSeries]) -> list[LetterMonth]:
    """The letters of every site together, per month."""
    total: dict[str, LetterMonth] = {}
    for site in series:
        for row in site.letters:
            month = total.setdefault(row.month, LetterMonth(row.month))
            month.received += row.received
            month.answered += row.answered
    return [total[month] for month in sorted(total)]
