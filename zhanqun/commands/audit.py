"""The webmaster's morning view: each site measured against the national inspection's rules.

The State Council's website inspection (国办秘函〔2019〕19号, 全国政府网站抽查评分细则) fails a
government site outright — a *single veto* (单项否决) — when its home page has not been updated
for two weeks, when five or more columns are empty, or when letters wait more than three months
for an answer; it deducts points for stale columns. zhanqun knows every column, date and letter,
so it can say so first, every day: ``build.py audit`` (text, or JSON with ``--format json``), exit
status 1 when a single-veto item fails, so CI can hold a deploy.

The items about the pages themselves — the last production build's broken links, footer elements,
meta tags, alt text and 废止/失效 labels — are measured in :mod:`.audit_output`.

Deadlines live here and not in ``build``: a build of yesterday's commit must not fail because a day
passed. Every limit has a default from the national rules and may be set per site in its site file
(``[audit]``, :data:`~zhanqun.config.sites.AUDIT_LIMITS`, :attr:`Site.audit_limits`); "today" is ``--today``, else ``SOURCE_DATE_EPOCH``, else the date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Callable, Literal

from ..columns.annual_report import AnnualReport
from ..config.sites import Site
from ..content.index import Item
from ..content.metadata import parse_date
from ..errors import BuildFailed, Problems
from ..i18n import N_, _
from ..pipeline import BuildContext, BuildOptions, prepare

Status = Literal["pass", "warn", "fail"]

#: Where the rules of the checks come from (translated where it is shown, like each rule).
SOURCE = N_("国办秘函〔2019〕19号（全国政府网站抽查评分细则）")
#: Where the annual report's deadline comes from.
REPORT_SOURCE = N_("《中华人民共和国政府信息公开条例》第五十条")
#: Column types that list dated items, and which limit applies to them.
#: (A 政府信息公开 column holds the 指南 and 制度 pages, which change when they must: its documents live
#: in document columns, which are measured; so it is listed, and may be empty, but never "stale".)
DATED_TYPES = {"news": "notice_days", "document": "notice_days", "disclosure": None, "appointment": "appointment_days", "letter": None, "topic": None}
#: Annual reports (政府信息公开工作年度报告) of the previous year are due by this day of the year.
REPORT_DEADLINES = {"department": (1, 31), "county": (3, 31), "portal": (3, 31)}


@dataclass
class Finding:
    """One inspection item of one site: what was measured against which limit, and the verdict."""

    site: str
    check: str
    status: Status
    value: int | str | None
    limit: int | str | None
    rule: str  # shown to the webmaster: made with ``_()`` when the finding is made (it holds the site's limits)
    veto: bool = False
    source: str = SOURCE
    items: list[dict[str, str | int]] = field(default_factory=list)  # the columns, letters or pages involved
    # what the value was measured on when it is not the content (the last build's pages or link
    # report, or the site file when there is no build): made with ``_()`` like the rule
    basis: str = ""

    def as_json(self) -> dict[str, Any]:
        """The finding for ``--format json``: its texts as the text output shows them (``check``/``status`` stay ASCII)."""
        data = asdict(self)
        # as build.py's text output: ``_(finding.rule)`` (the rule was made with ``_()``), the source marked with ``N_``
        data["rule"], data["source"] = _(self.rule), _(self.source)
        return data


def _updated(item: Item, today: date) -> date:
    """The day an item last changed for readers: its ``Modified`` date when later than ``Date`` —
    but never a day after today (a typo there would hide a stale page for years)."""
    modified = parse_date(item.meta.get("Modified", ""))
    if modified and item.date.date() < modified.date() <= today:
        return modified.date()
    return item.date.date()


def _future(item: Item, today: date) -> bool:
    modified = parse_date(item.meta.get("Modified", ""))
    return item.date.date() > today or bool(modified and modified.date() > today)


def _newest(items: list[Item], today: date) -> Item | None:
    return max(items, key=lambda item: _updated(item, today)) if items else None


def home_column_ids(site: Site) -> list[str]:
    """The columns the home page lists (:meth:`Site.home_layout`, which the theme draws too)."""
    headline, blocks = site.home_layout()
    return ([headline] if headline else []) + blocks


def audit_site(context: BuildContext, site: Site, today: date) -> list[Finding]:
    """Every inspection item of one site, for the production target's published items."""
    assert context.addresses is not None
    addresses, limits = context.addresses, site.audit_limits
    # what readers see listed: hidden items are published but in no list, so they update nothing
    published = [item for item in addresses.items_of(site.id) if addresses.renders(item) and item.status != "hidden"]
    received = [item for item in context.index.received_by(site.id) if addresses.renders(item) and item.status != "hidden"]
    # an item dated after today is a mistake, not an update: it would hide a stale page for years
    future = [item for item in published if _future(item, today)]
    by_column: dict[str, list[Item]] = {}
    for item in published + received:
        if item.date.date() <= today:
            by_column.setdefault(item.column, []).append(item)
    listed = [c for c in site.columns if c.type in DATED_TYPES]
    findings: list[Finding] = []

    def days_since(item: Item | None) -> int | None:
        return (today - _updated(item, today)).days if item else None

    # 首页更新：the newest item of the columns the home page lists
    newest = _newest([item for column in home_column_ids(site) for item in by_column.get(column, [])], today)
    age = days_since(newest)
    findings.append(Finding(
        site.id, "home-updated", "fail" if age is None or age > limits["home_days"] else "pass", age, limits["home_days"],
        _("首页栏目信息超过{days}天未更新为不合格（单项否决）").format(days=limits["home_days"]), veto=True,
        items=[{"path": newest.source, "title": newest.title, "date": _updated(newest, today).isoformat()}] if newest else [],
    ))
    if future:
        findings.append(Finding(
            site.id, "future-dated", "warn", len(future), today.isoformat(), _("发布日期或更新日期晚于今天的信息不计入更新；有则提醒，请检查日期"),
            items=[{"path": item.source, "title": item.title, "date": item.date.date().isoformat(), "modified": item.meta.get("Modified", "")} for item in future],
        ))
    # 空白栏目
    empty = [c for c in listed if not by_column.get(c.id)]
    findings.append(Finding(
        site.id, "empty-columns", "fail" if len(empty) >= limits["empty_columns"] else ("warn" if empty else "pass"),
        len(empty), limits["empty_columns"], _("空白栏目有则提醒，达到{count}个为不合格（单项否决）").format(count=limits["empty_columns"]), veto=True,
        items=[{"column": c.id, "name": c.name} for c in empty],
    ))
    # 栏目更新：by column type; the first news column is the 要闻/动态 column
    news = [c for c in site.columns if c.type == "news"]
    stale: list[dict[str, str]] = []
    for column in listed:
        key = "news_days" if news and column is news[0] else DATED_TYPES[column.type]
        if key is None or not by_column.get(column.id):
            continue
        column_age = days_since(_newest(by_column[column.id], today))
        if column_age is not None and column_age > limits[key]:
            stale.append({"column": column.id, "name": column.name, "days": column_age, "limit": limits[key]})
    findings.append(Finding(
        site.id, "stale-columns", "warn" if stale else "pass", len(stale), None,
        _("动态、要闻类栏目超过{news_days}天、通知公告和文件类超过{notice_days}天、人事任免类超过{appointment_days}天未更新，抽查时扣分；有则提醒").format(
            news_days=limits["news_days"], notice_days=limits["notice_days"], appointment_days=limits["appointment_days"]
        ),
        items=stale,
    ))
    findings += _letters(context, site, today, limits)
    findings.append(_annual_report(context, site, today))
    return findings  # 失效/废止 documents without their date are a content error: an audit never sees one


def _letters(context: BuildContext, site: Site, today: date, limits: dict[str, int]) -> list[Finding]:
    columns = [c for c in site.columns if c.type == "letter"]
    if not columns:
        return []
    assert context.features is not None and context.addresses is not None
    ids = {c.id for c in columns}
    letters = [
        letter for letter in context.features.letters.values()
        if letter.item.site == site.id and letter.item.column in ids and context.addresses.renders(letter.item)
        and letter.item.status != "hidden" and (letter.received is None or letter.received <= today)
    ]
    waiting = []
    worst = 0
    warn_days = limits["letter_warn_days"]
    for letter in letters:
        if letter.replied is None and letter.received is not None:
            days = (today - letter.received).days
            worst = max(worst, days)
            if days > warn_days:
                waiting.append({"path": letter.item.source, "title": letter.item.title, "received": letter.received.isoformat(), "days": days})
    status: Status = "fail" if worst > limits["letter_fail_days"] else ("warn" if waiting else "pass")
    findings = [Finding(
        site.id, "letters-unanswered", status, worst, limits["letter_fail_days"],
        _("留言超过{warn_days}天未答复则提醒，超过{fail_days}天为不合格（单项否决）").format(warn_days=warn_days, fail_days=limits["letter_fail_days"]),
        veto=True, items=waiting,
    )]
    newest = max((letter.received for letter in letters if letter.received), default=None)
    quiet = (today - newest).days if newest else None
    findings.append(Finding(
        site.id, "letters-received", "warn" if quiet is None or quiet > limits["no_letter_days"] else "pass", quiet, limits["no_letter_days"],
        _("超过{days}天无留言则提醒，应检查互动渠道是否可用").format(days=limits["no_letter_days"]),
    ))
    return findings


def _annual_report(context: BuildContext, site: Site, today: date) -> Finding:
    """Last year's 政府信息公开工作年度报告, once its deadline has passed (政府信息公开条例 第五十条)."""
    month, day = REPORT_DEADLINES[site.kind]
    deadline = date(today.year, month, day)
    year = today.year - 1
    reports: list[AnnualReport] = context.features.reports.get(site.id, []) if context.features else []
    # a report from _data/annual-report-<year>.toml, or one written as an item with that slug
    written = context.addresses is not None and any(
        item.slug == f"annual-report-{year}" and context.addresses.renders(item) for item in context.index.of_site(site.id)
    )
    has = any(report.year == year for report in reports) or written
    due = today > deadline
    rule = _("上一年度政府信息公开工作年度报告应于{month}月{day}日前公布，逾期未公布为不合格").format(month=month, day=day)
    status: Status = "pass" if has or not due else "fail"
    return Finding(site.id, "annual-report", status, str(year) if has else None, deadline.isoformat(), rule, source=REPORT_SOURCE)


def run_audit(options: BuildOptions, problems: Problems, report: Callable[[BuildContext, list[Finding]], None] | None = None) -> list[Finding]:
    """Audit the selected sites (default all) as the production target publishes them.

    ``report``, when given, receives the context and the findings (the HTML report, ``audit_report.py``)."""
    try:
        context = prepare(options, problems)
    except BuildFailed:
        return []
    from .audit_output import LinkEvidence, output_findings  # measured on the last production build (it uses Finding)

    today = options.resolved_today()
    links = LinkEvidence.read(options)
    findings: list[Finding] = []
    for site_id in context.site_ids:
        site = context.cluster[site_id]
        findings += audit_site(context, site, today) + output_findings(context, site, links)
    if report is not None:
        report(context, findings)
    return findings


def vetoed(findings: list[Finding]) -> list[Finding]:
    """The single-veto items that fail: any of them fails the audit (exit status 1)."""
    return [f for f in findings if f.veto and f.status == "fail"]
