"""The 政府信息公开 area of a site: the same four entries, names and addresses on every site.

国办公开办函〔2019〕61号 makes the disclosure area a column of each site with four first-level
entries. On every site that has a ``disclosure`` column they are:

* 政府信息公开指南 — the column's item with ``Slug: guide``;
* 政府信息公开制度 — the column's item with ``Slug: rules``;
* 法定主动公开内容 — the directory of the site's documents, ``<column>/fdzdgknr/``;
* 政府信息公开年报 — the annual reports, ``<column>/ndbg/`` and ``<column>/ndbg/<year>.html``.

This module computes what those pages show (plain data for the templates); the plugin writes
them inside the site's Pelican run (``render/pelican_pages.py``).
"""

from __future__ import annotations

import re
from typing import Any

from ..config.sites import Cluster, Column, Site
from ..content.index import Item
from ..errors import Problems
from ..i18n import _
from ..links.addresses import AddressMap
from .annual_report import AnnualReport
from .documents import directory_rows, group_directory

DIRECTORY = "fdzdgknr"
REPORTS = "ndbg"
ENTRIES = (
    ("guide", "政府信息公开指南"),
    ("rules", "政府信息公开制度"),
    ("directory", "法定主动公开内容"),
    ("reports", "政府信息公开年报"),
)
_MARKDOWN_REPORT = re.compile(r"^annual-report-(?P<year>\d{4})$")


def disclosure_column(site: Site) -> Column | None:
    """The column that hosts the area: the site's first ``disclosure`` column."""
    return next((c for c in site.columns if c.type == "disclosure"), None)


def check_areas(cluster: Cluster, addresses: AddressMap, reports: dict[str, list[AnnualReport]], problems: Problems) -> None:
    """A report needs a disclosure column to be published in; an area without 指南/制度 is flagged."""
    for site in cluster.sites:
        column = disclosure_column(site)
        if column is None:
            for report in reports.get(site.id, []):
                problems.add(report.source, None, "no-disclosure-column", _('{site_file} has no disclosure column to publish this report in; add a [[columns]] entry with type = "disclosure"').format(site_file=site.source))
            continue
        for slug, label in ENTRIES[:2]:
            if _entry_item(site, column, addresses, slug) is None:
                problems.warn(
                    site.source,
                    None,
                    "disclosure-entry-missing",
                    _("the 政府信息公开 area has no {label}: add content/{site}/{column}/{slug}.md with 'Slug: {slug}'").format(
                        label=label, site=site.id, column=column.id, slug=slug
                    ),
                )


def _entry_item(site: Site, column: Column, addresses: AddressMap, slug: str) -> Item | None:
    return next(
        (i for i in addresses.items_of(site.id) if i.column == column.id and i.slug == slug),
        None,
    )


def area(site: Site, addresses: AddressMap, reports: list[AnnualReport]) -> dict[str, Any] | None:
    """Everything the area's pages and navigation show on ``site``, or ``None`` without one."""
    column = disclosure_column(site)
    if column is None:
        return None
    base = addresses.site_url(site.id) + column.id + "/"
    urls: dict[str, str | None] = {}
    for slug, _label in ENTRIES[:2]:
        item = _entry_item(site, column, addresses, slug)
        urls[slug] = addresses.item_url(item) if item else None
    urls["directory"] = f"{base}{DIRECTORY}/"
    urls["reports"] = f"{base}{REPORTS}/"
    entries = [{"key": key, "label": label, "url": urls[key]} for key, label in ENTRIES]
    column_data = {"id": column.id, "name": column.name, "url": base}
    report_links = _report_links(site, column, addresses, reports, base)
    directory = group_directory(directory_rows(site, addresses))
    pages: list[dict[str, Any]] = [
        {
            "template": "disclosure/directory",
            "save_as": f"{column.id}/{DIRECTORY}/index.html",
            "url": urls["directory"],
            "title": "法定主动公开内容",
            "groups": directory,
            "count": sum(group["count"] for group in directory),
            # sitemap.xml's lastmod: the newest change among what the page lists (None: lists nothing)
            "lastmod": max((row["lastmod"] for group in directory for year in group["years"] for row in year["rows"]), default=None),
        },
        {
            "template": "disclosure/reports",
            "save_as": f"{column.id}/{REPORTS}/index.html",
            "url": urls["reports"],
            "title": "政府信息公开年报",
            "reports": report_links,
            "lastmod": max((str(link["date"]) for link in report_links if link.get("date")), default=None),
        },
    ]
    for report in reports:
        data = dict(report.data)
        data["title"] = data["title"] or f"{site.name}{report.year}年政府信息公开工作年度报告"
        pages.append(
            {
                "template": "disclosure/annual-report",
                "save_as": f"{column.id}/{REPORTS}/{report.year}.html",
                "url": f"{base}{REPORTS}/{report.year}.html",
                "title": data["title"],
                "report": data,
                "source": report.source,
                "lastmod": str(data.get("date") or "") or None,
            }
        )
    return {"column": column_data, "entries": entries, "pages": pages, "reports": report_links}


def _report_links(site: Site, column: Column, addresses: AddressMap, reports: list[AnnualReport], base: str) -> list[dict[str, Any]]:
    """Reports from data, plus Markdown reports (``Slug: annual-report-<year>``) for other years."""
    links = [
        {
            "year": r.year,
            "title": r.data["title"] or f"{site.name}{r.year}年政府信息公开工作年度报告",
            "url": f"{base}{REPORTS}/{r.year}.html",
            "date": r.data["date"],
        }
        for r in reports
    ]
    years = {r.year for r in reports}
    for item in addresses.items_of(site.id):
        found = _MARKDOWN_REPORT.match(item.slug)
        if item.column == column.id and found and int(found.group("year")) not in years:
            links.append({"year": int(found.group("year")), "title": item.title, "url": addresses.item_url(item), "date": item.date.strftime("%Y-%m-%d")})
    return sorted(links, key=lambda link: link["year"], reverse=True)
