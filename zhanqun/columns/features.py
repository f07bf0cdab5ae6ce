"""Stage 3c: the column types' checks and cross-site data, computed from the whole cluster.

What a government site shows beyond a blog — a document's 索引号 and interpretations, letter
deadlines and reply statistics, annual reports, a leader's recent activities, a topic gathered
from every site, video news — needs the content index of the whole cluster and the address
map of the target, and its mistakes must be found by ``check`` as well as ``build``. So it is
computed here, once per target, before anything renders; each site's Pelican run receives its
share as plain data (``ZQ_*`` settings) and only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..content.index import Item
from ..content.metadata import split_list
from ..errors import Problems, did_you_mean
from ..i18n import _
from ..links.addresses import AddressMap
from ..links.resolve import LinkResolver
from .annual_report import AnnualReport, read_reports
from .disclosure import area, check_areas
from .documents import check_index_numbers
from .interprets import Interpretations, link_interpretations
from .letters import Letter, letter_stats, read_letters
from .media import resolve_all_media
from .translations import Translations, item_alternates, link_translations, site_alternates

#: Most recent activities shown on a leader's page.
LEADER_ACTIVITIES = 10


@dataclass
class Features:
    """The cluster-wide results of this stage, for one target."""

    addresses: AddressMap
    interpretations: Interpretations = field(default_factory=Interpretations)
    letters: dict[str, Letter] = field(default_factory=dict)
    reports: dict[str, list[AnnualReport]] = field(default_factory=dict)
    media: dict[str, dict[str, str]] = field(default_factory=dict)
    translations: Translations = field(default_factory=Translations)

    def settings_for(self, site_id: str) -> dict[str, Any]:
        """The ``ZQ_*`` template data of one site (plain, picklable)."""
        return site_data(self, site_id)

    def generated_pages(self, site_id: str) -> list[str]:
        """The output paths of the pages the column types add to a site (the 政府信息公开 area's),
        for the link check to predict the files of a site it has no output of."""
        data = area(self.addresses.cluster[site_id], self.addresses, self.reports.get(site_id, []))
        return [page["save_as"] for page in data["pages"]] if data else []


def analyse(root: Path, addresses: AddressMap, resolver: LinkResolver, today: date, problems: Problems) -> Features:
    """Run every check of the column types and keep what the templates need."""
    cluster, index = addresses.cluster, addresses.index
    check_index_numbers(cluster, index, problems)
    check_mailboxes(addresses, problems)
    check_leaders(addresses, problems)
    reports = read_reports(root, cluster.ids, problems)
    check_areas(cluster, addresses, reports, problems)
    return Features(
        addresses=addresses,
        interpretations=link_interpretations(addresses, resolver, problems),
        letters=read_letters(addresses, today, problems),
        reports=reports,
        media=resolve_all_media(addresses, resolver, problems),
        translations=link_translations(addresses, resolver, problems),
    )


def entry(item: Item, addresses: AddressMap) -> dict[str, Any]:
    """An item as a template-ready link: title, address for the target, date, site, validity."""
    return {
        "title": item.title,
        "url": addresses.item_url(item),
        "date": item.date.strftime("%Y-%m-%d"),
        "site": item.site,
        "site_name": addresses.cluster[item.site].label,
        "doc_no": item.meta.get("Doc-No", ""),
        "validity": item.meta.get("Validity", ""),
        "validity_date": item.meta.get("Validity-Date", ""),
    }


def _newest_first(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (-i.date.timestamp(), i.source))


def _listed(item: Item, addresses: AddressMap) -> bool:
    return addresses.renders(item) and item.status != "hidden"


def _column_type(item: Item, addresses: AddressMap) -> str | None:
    column = addresses.cluster[item.site].column(item.column)
    return column.type if column else None


def check_mailboxes(addresses: AddressMap, problems: Problems) -> None:
    """A letter column must say where letters go: a form endpoint, or the office's address and phone."""
    for site in addresses.cluster.sites:
        columns = [c.id for c in site.columns if c.type == "letter"]
        mailbox = site.mailbox
        if columns and not mailbox.endpoint and not (mailbox.address and mailbox.phone):
            problems.add(
                site.source,
                None,
                "mailbox-unreachable",
                _(
                    "column {columns} takes letters, but [mailbox] has neither an endpoint for the form nor "
                    'an address and phone; add [mailbox] endpoint = "https://…" or address = "…" and phone = "…"'
                ).format(columns=", ".join(columns)),
            )


def check_leaders(addresses: AddressMap, problems: Problems) -> None:
    """Leader pages need a 职务; ``Leaders:`` must name leader pages of the same site."""
    cluster = addresses.cluster
    names: dict[str, set[str]] = {}
    for item in addresses.index.items:
        if _column_type(item, addresses) != "leader" or item.is_draft:
            continue
        names.setdefault(item.site, set()).add(item.title)
        if not item.meta.get("Position", "").strip():
            problems.add(item.source, 1, "missing-key", _("a leader page needs 'Position:' (职务)"))
        if not item.meta.get("Photo", "").strip():
            problems.warn(item.source, 1, "missing-photo", _("a leader page shows a photo: add 'Photo: files/leaders/<name>.jpg'"))
    for item in addresses.index.items:
        value = item.meta.get("Leaders")
        if not value or item.is_draft:
            continue
        site = cluster[item.site]
        leader_columns = [c for c in site.columns if c.type == "leader"]
        if not leader_columns:
            problems.add(item.source, item.line_of("Leaders"), "unknown-leader", _("Leaders: {site_file} has no leader column (领导之窗) whose pages could list this item").format(site_file=site.source))
            continue
        known = names.get(item.site, set())
        for name in split_list(value):
            if name not in known:
                problems.add(
                    item.source,
                    item.line_of("Leaders"),
                    "unknown-leader",
                    _("Leaders: no page titled {name!r} in {column} ({column_id}){hint}").format(
                        name=name, column=leader_columns[0].name, column_id=leader_columns[0].id, hint=did_you_mean(name, sorted(known))
                    ),
                )


def site_data(features: Features, site_id: str) -> dict[str, Any]:
    """Everything the templates of ``site_id`` show beyond the site's own articles."""
    addresses = features.addresses
    site = addresses.cluster[site_id]
    own = addresses.items_of(site_id)
    here = own + addresses.received_by(site_id)
    sources = {item.source for item in here}
    interpretations = features.interpretations
    data: dict[str, Any] = {
        "ZQ_DISCLOSURE": area(site, addresses, features.reports.get(site_id, [])),
        "ZQ_INTERPRETATIONS": {
            source: [entry(i, addresses) for i in items]
            for source, items in interpretations.of_document.items()
            if source in sources
        },
        "ZQ_INTERPRETS": {
            source: entry(document, addresses)
            for source, document in interpretations.document_of.items()
            if source in sources
        },
        "ZQ_MEDIA": {source: media for source, media in features.media.items() if source in sources},
        # 中文 / ᠮᠣᠩᠭᠣᠯ: the generated pages' switch, and each item's (its translation where there is one)
        "ZQ_ALTERNATES": site_alternates(site_id, addresses),
        "ZQ_ITEM_ALTERNATES": item_alternates(features.translations, site_id, addresses),
    }
    data["ZQ_LETTER_STATS"] = {
        column.id: letter_stats([l for s, l in features.letters.items() if s in sources and l.item.column == column.id])
        for column in site.columns
        if column.type == "letter"
    }
    data["ZQ_TOPICS"] = {
        column.id: [
            entry(item, addresses)
            for item in _newest_first(addresses.index.items)
            if column.name in item.tags and _listed(item, addresses) and not (item.site == site_id and item.column == column.id)
        ]
        for column in site.columns
        if column.type == "topic"
    }
    leaders = [i for i in own if _column_type(i, addresses) == "leader"]
    data["ZQ_LEADER_PAGES"] = {leader.title: addresses.item_url(leader) for leader in leaders}
    data["ZQ_LEADERS"] = {
        leader.source: [
            entry(item, addresses)
            for item in _newest_first(own)
            if _listed(item, addresses) and leader.title in split_list(item.meta.get("Leaders", ""))
        ][:LEADER_ACTIVITIES]
        for leader in leaders
    }
    return data
