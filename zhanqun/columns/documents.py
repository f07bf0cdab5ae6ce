"""Documents (文件) and disclosure items: 索引号 checks and the rows of the 法定主动公开内容 directory.

A 索引号 identifies a document in national monitoring and in citizens' requests, so it must fit
the publishing body's pattern and be unique in the whole cluster — a document syndicated to
seven sites, or translated in the 蒙古文版, is still one document with one number. Both checks run on the content index, before
anything renders, for every target alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..config.index_numbers import IndexPattern, compile_pattern, pattern_problem
from ..config.sites import Cluster, Site
from ..content.index import ContentIndex, Item
from ..content.metadata import TOPICS
from ..errors import Problems
from ..i18n import _
from ..links.addresses import AddressMap

#: Column types whose items are documents carrying the full metadata block.
DOCUMENT_TYPES = ("document", "disclosure")


def is_document(item: Item, cluster: Cluster) -> bool:
    column = cluster[item.site].column(item.column)
    return column is not None and column.type in DOCUMENT_TYPES


def site_patterns(cluster: Cluster, problems: Problems) -> dict[str, IndexPattern]:
    """Each site's compiled pattern; a site with documents but no usable pattern is an error."""
    patterns: dict[str, IndexPattern] = {}
    for site in cluster.sites:
        pattern = site.disclosure.index_pattern
        if pattern_problem(pattern):
            continue  # reported by the site-file stage
        documents = [c.id for c in site.columns if c.type in DOCUMENT_TYPES]
        if "{credit_code}" in pattern.replace(" ", "") and not site.disclosure.credit_code:
            if documents:
                problems.add(
                    site.source,
                    None,
                    "missing-key",
                    _(
                        "disclosure.credit_code: columns {columns} publish documents, whose 索引号 "
                        "start with the 统一社会信用代码; add it under [disclosure]"
                    ).format(columns=", ".join(documents)),
                )
            continue
        patterns[site.id] = compile_pattern(pattern, site.disclosure.credit_code)
    return patterns


def check_index_numbers(cluster: Cluster, index: ContentIndex, problems: Problems) -> None:
    """Every Index-No fits its site's pattern and appears once in the cluster."""
    patterns = site_patterns(cluster, problems)
    taken = [item.meta["Index-No"] for item in index.items if item.meta.get("Index-No")]
    first: dict[str, Item] = {}
    for item in sorted(index.items, key=lambda i: i.source):
        value = item.meta.get("Index-No", "").strip()
        if not value:
            continue
        line = item.line_of("Index-No")
        pattern = patterns.get(item.site)
        dated = "Date" in item.meta  # no hint from a date that is missing or was refused
        if pattern and not pattern.match(value):
            year = item.date.year
            example = _("; the next free number for {year} is {number}").format(year=year, number=pattern.next_free(taken, year, item.date.month)) if dated else ""
            problems.add(
                item.source,
                line,
                "bad-index-no",
                _("Index-No: {value!r} does not fit this site's pattern {pattern} ({site_file}){example}").format(
                    value=value, pattern=pattern.pattern, site_file=cluster[item.site].source, example=example
                ),
            )
        other = first.get(value)
        if other is None:
            first[value] = item
            continue
        if _translates(item, other) or _translates(other, item):
            continue  # an edition's translation of a document is the same document, with its number
        hint = ""
        if pattern and dated:
            hint = _("; the next free number for {year} is {number}").format(year=item.date.year, number=pattern.next_free(taken, item.date.year, item.date.month))
        problems.add(
            item.source,
            line,
            "duplicate-index-no",
            _("Index-No: {value} is already used by {other}:{line}; 索引号 must be unique across the cluster{hint}").format(
                value=value, other=other.source, line=other.line_of("Index-No"), hint=hint
            ),
        )


def _translates(item: Item, other: Item) -> bool:
    """Whether ``item``'s ``Translation-Of`` names ``other`` (checked in ``translations.py``)."""
    from .translations import translated_source

    return translated_source(item) == (other.site, other.rel)


def validity_label(meta: dict[str, str]) -> str:
    """有效 | 失效 | 废止 as written, 有效 when absent."""
    return meta.get("Validity", "有效")


def directory_rows(site: Site, addresses: AddressMap) -> list[dict[str, Any]]:
    """The site's own listed documents, as rows of the 法定主动公开内容 table.

    Syndicated copies belong to the directory of the body that issued them, so only the site's
    own items are rows here; hidden items are not listed anywhere, so not here either.
    """
    cluster = addresses.cluster
    rows = []
    for item in addresses.items_of(site.id):
        if item.status == "hidden" or not is_document(item, cluster):
            continue
        written = _day(item.meta.get("Written", "")) or item.date
        rows.append(
            {
                "title": item.title,
                "url": addresses.item_url(item),
                "doc_no": item.meta.get("Doc-No", ""),
                "index_no": item.meta.get("Index-No", ""),
                "issuer": item.meta.get("Issuer", ""),
                "written": written.strftime("%Y-%m-%d"),
                "date": item.date.strftime("%Y-%m-%d"),
                # the sitemap's lastmod of the directory: Modified (its first ten characters: a day) else Date
                "lastmod": max(item.date.strftime("%Y-%m-%d"), (_day(item.meta.get("Modified", "")[:10]) or item.date).strftime("%Y-%m-%d")),
                "year": written.year,
                "topic": item.meta.get("Topic", "其他"),
                "validity": validity_label(item.meta),
                "validity_date": item.meta.get("Validity-Date", ""),
                "source": item.source,
            }
        )
    return rows


def group_directory(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows grouped by 主题分类 (national order) and then by year, newest first."""
    order = {topic: n for n, topic in enumerate(TOPICS)}
    groups: list[dict[str, Any]] = []
    for topic in sorted({r["topic"] for r in rows}, key=lambda t: (order.get(t, len(order)), t)):
        in_topic = [r for r in rows if r["topic"] == topic]
        years = []
        for year in sorted({r["year"] for r in in_topic}, reverse=True):
            members = sorted(
                (r for r in in_topic if r["year"] == year),
                key=lambda r: (r["written"], r["date"], r["source"]),
                reverse=True,
            )
            years.append({"year": year, "rows": members})
        groups.append(
            {"topic": topic, "anchor": f"topic-{order.get(topic, len(order)) + 1}", "count": len(in_topic), "years": years}
        )
    return groups


def _day(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
