"""Stage 3: targets and the address map — where every site and item lives for one target.

Every address a build writes (links, canonical links, feeds, sitemaps, cluster navigation) comes
from here, so a preview page never points at production and vice versa.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config.sites import Cluster, Site
from ..content.index import ContentIndex, Item
from ..errors import Problems
from ..i18n import _


@dataclass(frozen=True)
class Target:
    """A build target (SPEC §6)."""

    name: str
    include_internal: bool
    description: str

    def base_url(self, site: Site) -> str:
        """The address of a site's home for this target, always ending in ``/``."""
        if self.name == "preview":
            return f"/{site.id}/"
        if self.name == "intranet" and site.intranet_url:
            return site.intranet_url
        return site.url


TARGETS: dict[str, Target] = {
    "preview": Target("preview", False, "one host, each site under /<id>/, public content"),
    "production": Target("production", False, "each site at its own url, public content"),
    "intranet": Target("intranet", True, "intranet_url where set, public and internal content"),
}


#: Where the preview is served when no ``build --base-url`` says otherwise: the README's
#: ``python -m http.server -d output/preview 8000``. Feeds, sitemaps and ``robots.txt`` need absolute
#: addresses (Atom ids, the sitemap protocol), and a preview page has no host of its own.
DEFAULT_PREVIEW_BASE = "http://localhost:8000"


@dataclass(frozen=True)
class AddressMap:
    """Addresses of every site and every rendered item for one target."""

    cluster: Cluster
    index: ContentIndex
    target: Target
    preview_base: str = DEFAULT_PREVIEW_BASE  # scheme and host of the preview server, no trailing slash

    def site_url(self, site_id: str) -> str:
        return self.target.base_url(self.cluster[site_id])

    def absolute_site_url(self, site_id: str) -> str:
        """The site's home as an absolute address, for feeds, sitemaps and ``robots.txt``: the
        target's own address, or in preview the root-relative one behind :attr:`preview_base`."""
        url = self.site_url(site_id)
        return url if "://" in url else self.preview_base.rstrip("/") + url

    def siteurl_setting(self, site_id: str) -> str:
        """Pelican's SITEURL: the base without its trailing slash."""
        return self.site_url(site_id).rstrip("/")

    def item_url(self, item: Item) -> str:
        return self.site_url(item.site) + item.path

    def syndicated_path(self, item: Item) -> str:
        """Where a copy of ``item`` lives in a receiving site: prefixed by the origin site id."""
        return f"{item.column}/{item.site}-{item.slug}.html"

    def renders(self, item: Item) -> bool:
        """Whether this target renders the item at all."""
        return item.published_in(self.target.include_internal)

    def items_of(self, site_id: str) -> list[Item]:
        return [item for item in self.index.of_site(site_id) if self.renders(item)]

    def received_by(self, site_id: str) -> list[Item]:
        """Items of other sites this target renders as copies in ``site_id`` (it has the column)."""
        site = self.cluster[site_id]
        return [i for i in self.index.received_by(site_id) if self.renders(i) and site.column(i.column) is not None]

    def pages_of(self, site_id: str) -> dict[str, Item]:
        """Every item page ``site_id`` publishes for the target, by output path: its own items and
        the copies it receives. Output checks use it to point from a page back to its source file."""
        pages = {item.path: item for item in self.items_of(site_id)}
        for item in self.received_by(site_id):
            pages.setdefault(self.syndicated_path(item), item)
        return pages


def check_syndication(addresses: AddressMap, problems: Problems) -> None:
    """A receiver without the column an item is syndicated into is a located error; so is a copy
    whose address (``<column>/<origin>-<slug>.html``) is already a page of the receiver, or the
    address of another copy (origin ``a`` with slug ``b-x`` and origin ``a-b`` with slug ``x``)."""
    own = {(item.site, item.path): item for item in addresses.index.items if addresses.renders(item)}
    copies: dict[tuple[str, str], Item] = {}
    for item in addresses.index.items:
        for receiver in item.syndicate:
            site = addresses.cluster[receiver]
            if site.column(item.column) is None:
                problems.add(
                    item.source,
                    item.line_of("Syndicate"),
                    "syndicate-no-column",
                    _("Syndicate: site '{receiver}' has no column '{column}' to receive this item; add it to {source} or leave the site out").format(
                        receiver=receiver, column=item.column, source=site.source
                    ),
                )
                continue
            key = (receiver, addresses.syndicated_path(item))
            other = own.get(key) or copies.get(key)
            if addresses.renders(item):
                copies.setdefault(key, item)
            if other is not None and other is not item and addresses.renders(item):
                problems.add(
                    item.source,
                    item.line_of("Syndicate"),
                    "duplicate-slug",
                    _("Syndicate: the copy in '{receiver}' would be {receiver}/{path}, which is already {other}; give one of them another 'Slug:'").format(
                        receiver=receiver, path=addresses.syndicated_path(item), other=other.source
                    ),
                )
