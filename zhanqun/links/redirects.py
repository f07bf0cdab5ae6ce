"""Redirect pages for ``Aliases:`` — old addresses keep working after a page moved.

Government pages are cited by address in documents, letters and other sites for years; when an
item moves (new column, new slug, a migrated CMS), its ``Aliases:`` list the old addresses, and
each becomes a small static page in the item's own site: a meta refresh, a canonical link and a
visible link to the new address, ``noindex``. Aliases are paths on the item's site
(``/old/page.html``; ``/older/`` and ``/older`` become ``older/index.html``).

Planning happens with the address map (so ``check`` reports collisions too): an alias that is the
address of a real page, a column or a file the build writes, or another alias, is a located error
naming both. Writing happens after the render, into the scratch output; an alias that would
replace a file Pelican wrote (a later list page, say) is an error there.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from ..content.index import Item
from ..errors import Problems
from ..i18n import _
from ..paths import ZHANQUN_FOLDER, UnsafePath, confine, normalise, write_text
from .addresses import AddressMap

#: Extensions a static host serves as HTML; another (``.jsp``, ``.php``) needs a server redirect.
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
#: Folders of a site's output that belong to the build, never to an alias.
RESERVED_PREFIXES = ("theme/", "files/", "feeds/", "pagefind/", f"{ZHANQUN_FOLDER}/")  # .zhanqun/: the site manifest
FIXED_PAGES = ("index.html", "404.html", "sitemap.xml", "search.html")
#: Pages a column folder may hold besides its items: later list pages, the 政府信息公开 area.
GENERATED_IN_COLUMN = ("page/", "fdzdgknr/", "ndbg/")
#: Longest name of one folder or file, in bytes (file systems allow 255; the write adds a suffix).
MAX_SEGMENT_BYTES = 200


@dataclass(frozen=True)
class Redirect:
    """One alias of one item: the file it becomes in the item's site and where it points."""

    site: str
    path: str  # output path in the site: "old/path.html", "older/index.html"
    alias: str  # as written: "/older/"
    item: Item
    url: str  # the item's address for the target


def alias_path(alias: str) -> str | None:
    """The output file of an alias (``/older/`` → ``older/index.html``); None if no HTML file can serve it.

    The alias is read the way a browser and a web server read an address (``paths.normalise``:
    ``%2e%2e``, ``\\`` and ``//`` included); one that leaves the site raises :class:`UnsafePath`.
    """
    folder = alias.rstrip().endswith(("/", "\\")) or alias.strip() in ("", "/")
    path = "" if alias.strip("/\\ ") == "" else normalise(alias)
    if folder or path == "":
        return f"{path}/index.html" if path else "index.html"
    last = path.rsplit("/", 1)[-1]
    if "." not in last:
        return path + "/index.html"  # servers redirect /older to /older/
    if last.lower().endswith(PAGE_SUFFIXES):
        return path
    return None


def plan_redirects(addresses: AddressMap, problems: Problems) -> dict[str, list[Redirect]]:
    """The redirect pages of every site for the target, each alias checked against the site's pages."""
    planned: dict[str, list[Redirect]] = {}
    for site in addresses.cluster.sites:
        pages = addresses.pages_of(site.id)
        columns = {c.id for c in site.columns if c.type != "link"}
        taken: dict[str, Redirect] = {}
        for item in addresses.items_of(site.id):
            line = item.line_of("Aliases")
            for alias in item.aliases:
                where = f"Aliases: {alias}"
                if "?" in alias or "#" in alias:
                    message = _("{where}: a static site cannot redirect a query or fragment; ask the webmaster for a server redirect").format(where=where)
                    problems.add(item.source, line, "bad-alias", message)
                    continue
                try:
                    path = alias_path(alias)
                except UnsafePath:
                    message = _(
                        "{where}: leaves the site (after decoding %-escapes and resolving '..'); an alias is a path on this site, such as /old/page.html"
                    ).format(where=where)
                    problems.add(item.source, line, "bad-alias", message)
                    continue
                if path is None:
                    problems.add(
                        item.source,
                        line,
                        "bad-alias",
                        _(
                            "{where}: a static host does not serve this file type as a page; aliases end in "
                            "{suffixes} or '/' (others need a server redirect)"
                        ).format(where=where, suffixes=", ".join(PAGE_SUFFIXES)),
                    )
                    continue
                too_long = next((part for part in path.split("/") if len(part.encode("utf-8")) > MAX_SEGMENT_BYTES), None)
                if too_long:
                    message = _("{where}: the name {name!r}… is longer than a file system allows; an alias is a real old address, short").format(
                        where=where, name=too_long[:20]
                    )
                    problems.add(item.source, line, "bad-alias", message)
                    continue
                clash = _clash(path, pages, columns)
                if clash:
                    message = _("{where}: is {site}/{path}, {clash}; an alias cannot replace it").format(where=where, site=site.id, path=path, clash=clash)
                    problems.add(item.source, line, "alias-collision", message)
                    continue
                other = taken.get(path)
                if other:
                    at = f"{other.item.source}:{other.item.line_of('Aliases')}"
                    message = _("{where}: {site}/{path} is already an alias ({alias}) of {at}").format(where=where, site=site.id, path=path, alias=other.alias, at=at)
                    problems.add(item.source, line, "alias-collision", message)
                    continue
                taken[path] = Redirect(site.id, path, alias, item, addresses.item_url(item))
        if taken:
            planned[site.id] = sorted(taken.values(), key=lambda r: r.path)
    return planned


def _clash(path: str, pages: dict[str, Item], columns: set[str]) -> str | None:
    """What the build already writes at ``path`` in a site, described for a message."""
    if path in pages:
        return _("the address of {source}").format(source=pages[path].source)
    if path in FIXED_PAGES:
        return _("a page every site has")
    if path.startswith(RESERVED_PREFIXES):
        return _("inside a folder the build writes")
    head, _sep, rest = path.partition("/")
    if head in columns and (rest == "index.html" or rest.startswith("page/")):
        return _("a list page of the column '{column}'").format(column=head)
    if head in columns and rest.startswith(GENERATED_IN_COLUMN):
        return _("a page of the 政府信息公开 area the build writes in the column '{column}'").format(column=head)
    parts = path.split("/")
    for n in range(1, len(parts)):
        above = "/".join(parts[:n])
        if above in pages or above in FIXED_PAGES:
            return _("below {above}, which is a page, not a folder").format(above=above)
    return None


def redirect_page(url: str, title: str, site_name: str) -> str:
    """A redirect page: works without JavaScript, tells search engines where the page is now."""
    u, t = html.escape(url, quote=True), html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{t} - {html.escape(site_name)}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{u}">\n'
        f'<meta http-equiv="refresh" content="0; url={u}">\n'
        "</head>\n<body>\n"
        f'<p>本页面已迁移至：<a href="{u}">{t}</a></p>\n'
        "</body>\n</html>\n"
    )


def write_redirects(redirects: list[Redirect], folder: Path, site_name: str, problems: Problems) -> int:
    """Write one site's redirect pages into its rendered ``folder``; returns how many were written."""
    written = 0
    for redirect in redirects:
        where = f"Aliases: {redirect.alias}"
        try:
            path = confine(folder, redirect.path)
        except UnsafePath as exc:  # planned paths are checked already; this is the last lock
            problems.add(redirect.item.source, redirect.item.line_of("Aliases"), "bad-alias", _("{where}: {reason}").format(where=where, reason=exc))
            continue
        if path.exists() or path.is_symlink():
            problems.add(
                redirect.item.source,
                redirect.item.line_of("Aliases"),
                "alias-collision",
                _("{where}: is {site}/{path}, a page the build writes; an alias cannot replace it").format(where=where, site=redirect.site, path=redirect.path),
            )
            continue
        write_text(folder, redirect.path, redirect_page(redirect.url, redirect.item.title, site_name))
        written += 1
    return written


@dataclass
class RedirectPages:
    """A site's alias pages (``links/redirects.py``), written before its search bundle and the
    output checks, which then cover them."""

    redirects: list[Redirect]
    site_name: str
    name: str = "redirects"

    def run(self, site_folder: Path, problems: Problems) -> None:
        write_redirects(self.redirects, site_folder, self.site_name, problems)
