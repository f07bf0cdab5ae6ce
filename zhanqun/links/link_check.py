"""Output check: every link of every generated page that points into the cluster leads to a file.

The national inspection counts each broken link against a site, and the templates, site files,
syndication and redirects all write links that the author-side resolution (``links/resolve.py``) never
sees. So after the render, every HTML page of every built site is parsed (lexbor, through
selectolax: a real parser, about 50 µs a page) and each ``href``, ``src``, ``srcset`` and
``poster`` is resolved against the page's own address for the target:

- *into the cluster* means a root-relative or relative path on the preview host, or an address
  whose host is one of the cluster's site addresses for the target (production, intranet);
- the file must exist in that site's output: the scratch output for sites built in this run, the
  current output folder for the others (``build --site``); ``…/`` means ``…/index.html``;
  %-encoding, queries and fragments are handled the way a web server does;
- ``{filename}``, ``{static}`` or ``site:`` text left in an attribute is an error wherever it
  points, and so is ``{filename}``, ``{static}``… in a page's text outside code;
- an address on the author's own computer (``http://localhost:8000/…``, the preview server) is
  an error in every target: no visitor can open it.

External addresses are not fetched (the build runs offline; see :mod:`zhanqun.links.external`). Each
broken link is reported at the output page, pointing back to the author's file when the page is an
item, a copy or a redirect, or to the templates when the link is on pages of many sources.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..errors import Problems, shown_path
from ..i18n import _
from ..paths import ZHANQUN_FOLDER, walk_tree
from .addresses import AddressMap
from .output_digests import FileDigests
from .resolve import LEFTOVER_TEXT_RE, is_preview_host

if TYPE_CHECKING:
    from .link_extracts import LinkExtracts

#: Attributes whose addresses must lead somewhere.
LINK_ATTRIBUTES = ("href", "src", "srcset", "poster")
#: Attributes checked for unresolved link syntax only.
SYNTAX_ATTRIBUTES = ("data", "cite", "action", "formaction")
_SELECTOR = ",".join(f"[{a}]" for a in LINK_ATTRIBUTES + SYNTAX_ATTRIBUTES)
LEFTOVER_RE = re.compile(r"^\s*site:|[{|](?:filename|static|attach|category|tag|author|index)[|}]")
#: Top-level folders of a site's output that hold copied files, not generated pages.
NOT_PAGES = ("theme", "files", "pagefind")
#: Link syntax in a page's text, looked for in its bytes before the page is read for it.
_LEFTOVER_BYTES_RE = re.compile(rb"\{(?:filename|static|attach|category|index|tag|author)\}")
#: Elements whose text may show link syntax (an example in a code block), or is no text.
_NOT_TEXT = ("pre", "code", "kbd", "samp", "script", "style", "textarea", "template")
#: Pages reported per broken link; the rest are counted.
MAX_PAGES_PER_LINK = 5
_ABSOLUTE = ("http://", "https://")


@dataclass(frozen=True, order=True)
class BrokenLink:
    """One broken link as the report file keeps it: the page, the address as written, why, and
    where it comes from (the author's file, or ``templates`` when pages of many sources show it)."""

    page: str  # output path inside the site
    attribute: str
    href: str
    reason: str
    code: str
    origin: str


@dataclass
class SiteLinks:
    """What the link check found in one built site: kept in the report file (``links/link_report.py``),
    which the audit reads, so a broken link is named the day after a build too."""

    pages: int = 0
    links: int = 0
    broken: list[BrokenLink] = field(default_factory=list)


@dataclass
class LinkReport:
    """The link report of a build: the one line it prints, and per built site what it found."""

    pages: int = 0
    links: int = 0
    broken: int = 0
    seconds: float = 0.0
    sites: dict[str, SiteLinks] = field(default_factory=dict)

    def line(self) -> str:
        return _("links: {pages} pages, {links} links into the cluster checked, {broken} broken").format(
            pages=self.pages, links=self.links, broken=self.broken
        )


@dataclass(frozen=True)
class Broken:
    site: str
    page: str  # output path inside the site
    attribute: str
    value: str  # as written in the page
    reason: str
    code: str = "dead-link"


@dataclass
class SiteFiles:
    """The files and folders of one site's output, read once."""

    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)  # the folders that hold a file (a link to a folder/ needs its index.html)

    @classmethod
    def read(cls, folder: Path) -> SiteFiles | None:
        """The files under ``folder`` as ``os.walk`` sees them (a linked folder is not entered, and
        is no file either) and the folders that hold them, zhanqun's own ``.zhanqun/`` left out
        (``paths.walk_tree``: the link check reads every site's listing in every build)."""
        if not folder.is_dir():
            return None
        found = cls()
        for rel, entry in walk_tree(folder, leave_out=ZHANQUN_FOLDER):  # zhanqun's own files (the site manifest): no web server serves them
            try:
                if entry.is_symlink() and entry.is_dir():
                    continue  # a linked folder is not entered, and is no file either
            except OSError:
                pass
            found.files.add(rel)
            parent = rel.rpartition("/")[0]
            while parent and parent not in found.folders:
                found.folders.add(parent)
                parent = parent.rpartition("/")[0]
        return found

    @classmethod
    def planned(cls, addresses: AddressMap, site_id: str, root: Path, extra: Iterable[str] = ()) -> SiteFiles:
        """The files a site will have, predicted from the content index and the themes: for a site
        with no output yet (``build --site`` in a fresh clone). List pages beyond the first are not
        predicted."""
        found = cls(set(extra))
        found.files.update(("index.html", "404.html", "sitemap.xml", "robots.txt", "feeds/all.atom.xml", "search.html"))
        found.files.update(addresses.pages_of(site_id))
        site = addresses.cluster[site_id]
        found.files.update(f"{c.id}/index.html" for c in site.columns if c.type != "link")
        found.files.update(f"feeds/{c.id}.atom.xml" for c in site.columns if c.type != "link")
        sources = [(root / "content" / site_id / "files", "files/")]
        sources += [(root / "themes" / t / "static", "theme/") for t in ("gov", site_id)]
        for folder, prefix in sources:
            if folder.is_dir():
                found.files.update(prefix + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        for path in list(found.files):
            parts = path.split("/")[:-1]
            found.folders.update("/".join(parts[: n + 1]) for n in range(len(parts)))
        return found

    def html_pages(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(".html") and f.split("/", 1)[0] not in NOT_PAGES)


class LinkChecker:
    """Resolves the links of generated pages against the output folders of the cluster's sites."""

    def __init__(
        self,
        addresses: AddressMap,
        folders: dict[str, Path],
        fallback: Callable[[str], SiteFiles | None] = lambda site_id: None,
    ):
        self.addresses = addresses
        self.folders = folders  # site id → its output folder for this check
        self.fallback = fallback  # the files of a site whose folder does not exist
        self.preview = addresses.target.name == "preview"
        bases = []
        for site in addresses.cluster.sites:
            parts = urlsplit(addresses.site_url(site.id))
            bases.append((parts.netloc.lower(), parts.path or "/", site.id))
        self.bases = sorted(bases, key=lambda b: len(b[1]), reverse=True)
        self.hosts = {netloc for netloc, _path, _site in bases}
        self._files: dict[str, SiteFiles | None] = {}
        self._verdicts: dict[tuple[str, str], str | None | bool] = {}
        self._judged: dict[tuple[str, str, str], tuple[int, tuple[tuple[str, str, str], ...]]] = {}

    def files_of(self, site_id: str) -> SiteFiles | None:
        if site_id not in self._files:
            folder = self.folders.get(site_id)
            found = SiteFiles.read(folder) if folder else None
            self._files[site_id] = found if found is not None else self.fallback(site_id)
        return self._files[site_id]

    def page_url(self, site_id: str, rel: str) -> str:
        return self.addresses.site_url(site_id) + rel

    def check_page(self, site_id: str, rel: str, text: str | bytes) -> tuple[int, list[Broken]]:
        """(links into the cluster checked, broken links) of one page at ``<site>/<rel>``."""
        return self.judge(site_id, rel, extract_links(text))

    def judge(self, site_id: str, rel: str, page: PageLinks) -> tuple[int, list[Broken]]:
        """:meth:`check_page` of a page whose links were read already (:func:`extract_links`): the
        verdicts, which depend on the files of every site and so are made in every check."""
        base = self.page_url(site_id, rel)
        directory = base.rsplit("/", 1)[0] + "/"
        checked = 0
        broken: list[Broken] = []
        judged = self._judged
        for attribute, value in page.attributes:
            # the same attribute value in the same folder (navigation, footer) is judged once
            found = judged.get((directory, attribute, value))
            if found is None:
                found = judged[(directory, attribute, value)] = self._judge_value(base, directory, attribute, value)
            count, faults = found
            checked += count
            broken += [Broken(site_id, rel, attribute, shown, reason, code) for shown, reason, code in faults]
        broken += [Broken(site_id, rel, "#text", shown, _("unresolved link syntax left in the page"), "unresolved-link") for shown in page.text]
        return checked, broken

    def _judge_value(self, base: str, directory: str, attribute: str, value: str) -> tuple[int, tuple[tuple[str, str, str], ...]]:
        """(links into the cluster checked, (address, reason, code) of each broken one) of one
        attribute value on a page at ``base``."""
        if _shows_syntax(value):
            return 0, ((value, _("unresolved link syntax left in the page"), "unresolved-link"),)
        if attribute in SYNTAX_ATTRIBUTES:
            return 0, ()
        checked = 0
        faults: list[tuple[str, str, str]] = []
        for url in srcset_urls(value) if attribute == "srcset" else (value.strip(),):
            # Absolute addresses (and root-relative ones on the one preview host) mean the
            # same on every page: most links (navigation, footer) are resolved once per build.
            page_independent = url.startswith(_ABSOLUTE) or (self.preview and url.startswith("/") and not url.startswith("//"))
            key = ("", url) if page_independent else (directory, url)
            verdict = self._verdicts.get(key, False)
            if verdict is False:
                verdict = self.verdict(url if page_independent else urljoin(base, url))
                self._verdicts[key] = verdict
            if verdict is None:
                continue  # outside the cluster, or not a web address
            checked += 1
            if verdict:
                faults.append((url, verdict, "dead-link"))
        return checked, tuple(faults)

    def verdict(self, url: str) -> str | None:
        """``''`` for a link that leads to a file, a reason when it does not, None when not ours."""
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https"):
            return None
        netloc = parts.netloc.lower()
        if netloc not in self.hosts:
            try:
                local = parts.netloc and is_preview_host((parts.hostname or "").rstrip("."))
            except ValueError:
                local = False
            return _("an address of the preview on the author's computer, which no visitor can open") if local else None
        path = parts.path or "/"
        if "/." in path:  # dot segments, resolved as a browser does before it asks the server
            path = posixpath.normpath(path) + ("/" if path.endswith("/") and path.strip("/.") else "")
        for host, prefix, site_id in self.bases:
            if host == netloc and (path.startswith(prefix) or path + "/" == prefix):
                return self._find(site_id, path[len(prefix) :])
        first = path.strip("/").split("/", 1)[0]
        return _("no site at /{first}/").format(first=first) if first else _("no site at / (each site is a folder of the host)")

    def _find(self, site_id: str, rel: str) -> str:
        rel = unquote(rel)
        folder = rel == "" or rel.endswith("/")
        if rel:
            rel = posixpath.normpath(rel)
            if rel.startswith("..") or rel.startswith("/"):
                return _("leaves the site")
            rel = "" if rel == "." else rel
        files = self.files_of(site_id)
        if files is None:
            return _("site '{site}' has no output; build it too").format(site=site_id)
        if folder or rel == "":
            target = f"{rel}/index.html" if rel else "index.html"
        else:
            target = rel
        if target in files.files:
            return ""
        if not folder and rel in files.folders and f"{rel}/index.html" in files.files:
            return ""  # /zwdt → /zwdt/: every web server redirects a folder
        return _("no such page") if target.endswith(".html") else _("no such file")


@dataclass(frozen=True)
class PageLinks:
    """What the link check reads out of a page: it depends on the page's bytes alone, so it is
    kept by their digest (``links/link_extracts.py``) and a page that did not change is not parsed
    again. The verdicts on these links depend on the other sites' files: :meth:`LinkChecker.judge`."""

    #: (attribute, value) of every link attribute, and of every other attribute that shows link
    #: syntax, in the order of the page
    attributes: tuple[tuple[str, str], ...]
    #: link syntax a reader sees in the page's text (:func:`text_syntax`)
    text: tuple[str, ...] = ()


def extract_links(text: str | bytes) -> PageLinks:
    """The links of a page as :class:`PageLinks`: the one place a page is parsed for its links."""
    tree = LexborHTMLParser(text)
    found: list[tuple[str, str]] = []
    for node in tree.css(_SELECTOR):
        for attribute, value in node.attributes.items():
            if value is None:
                continue
            if attribute in LINK_ATTRIBUTES or (attribute in SYNTAX_ATTRIBUTES and _shows_syntax(value)):
                found.append((attribute, value))
    shown: tuple[str, ...] = ()
    if _LEFTOVER_BYTES_RE.search(text if isinstance(text, bytes) else text.encode("utf-8")):
        shown = tuple(text_syntax(tree))
    return PageLinks(tuple(found), shown)


def _shows_syntax(value: str) -> bool:
    """Whether an attribute value holds link syntax that was never resolved."""
    return ("{" in value or "|" in value or "site:" in value) and LEFTOVER_RE.search(value) is not None


def text_syntax(tree: LexborHTMLParser) -> list[str]:
    """Each ``{filename}…``, ``{static}…`` a reader sees in the page's text (outside code), once.
    Reads a copy: ``tree`` keeps its code for the other checks."""
    body = tree.body
    if body is None:
        return []
    copy = LexborHTMLParser(body.html or "")
    copy.strip_tags(list(_NOT_TEXT))
    return list(dict.fromkeys(LEFTOVER_TEXT_RE.findall(copy.body.text(separator=" ") if copy.body else "")))


def srcset_urls(value: str) -> Iterator[str]:
    if value.lstrip().startswith("data:"):
        return
    for candidate in value.split(","):
        words = candidate.split()
        if words:
            yield words[0]


# --- the output check of a build --------------------------------------------------------------


def read_ahead(site_id: str, folder: Path, extracts: LinkExtracts, digests: FileDigests) -> None:
    """Read the links of a rendered site's pages into ``extracts`` (by each page's digest, kept in
    ``digests``) before :func:`check_output` runs: called as each site's rendering process
    finishes, while the others still render, so the check after the last one finds every page
    read and judges its links only. The same files :func:`check_output` reads, the same way."""
    files = SiteFiles.read(folder)
    for rel in files.html_pages() if files else []:
        data, digest = digests.read(os.path.join(str(folder), rel))
        if extracts.find(site_id, digest.sha256) is None:
            extracts.keep(site_id, digest.sha256, extract_links(data))


def check_output(
    addresses: AddressMap,
    built: dict[str, Path],
    existing: Path,
    sources: dict[tuple[str, str], str],
    root: Path,
    final: Path,
    problems: Problems,
    redirects: dict[str, list[str]] | None = None,
    predicted: Iterable[str] = (),
    extracts: LinkExtracts | None = None,
    digests: FileDigests | None = None,
) -> LinkReport:
    """Check every page of the ``built`` sites (site id → rendered folder); other sites' pages are
    looked up in ``existing/<id>``, or predicted when that folder does not exist or the site is one
    of ``predicted`` (``redirects``: their alias pages). ``sources`` maps (site, output path) to the
    author's file; problems are reported at ``final/<id>/<path>``, where the page will be once
    swapped in. ``extracts``: the links found in pages by earlier builds, by the digest of the
    page (``links/link_extracts.py``; none: every page is parsed); ``digests``: where those
    digests are kept for the other output checks of the build."""
    started = time.perf_counter()
    skipped = set(predicted)
    folders = {site.id: existing / site.id for site in addresses.cluster.sites if site.id not in skipped}
    folders.update(built)
    aliases = redirects or {}
    checker = LinkChecker(addresses, folders, lambda s: SiteFiles.planned(addresses, s, root, aliases.get(s, ())))
    report = LinkReport(sites={site_id: SiteLinks() for site_id in built})
    groups: dict[tuple[str, str, str], list[Broken]] = {}
    digests = digests if digests is not None else FileDigests()
    for site_id in sorted(built):
        files = checker.files_of(site_id)
        folder = str(built[site_id])
        for rel in files.html_pages() if files else []:
            path = os.path.join(folder, rel)
            if extracts is None:
                with open(path, "rb") as handle:
                    page = extract_links(handle.read())
            else:
                data, digest = digests.read(path)
                kept_links = extracts.find(site_id, digest.sha256)
                page = kept_links if kept_links is not None else extract_links(data)
                if kept_links is None:
                    extracts.keep(site_id, digest.sha256, page)
            checked, broken = checker.judge(site_id, rel, page)
            report.pages += 1
            report.links += checked
            report.sites[site_id].pages += 1
            report.sites[site_id].links += checked
            for b in broken:
                key = (b.code, b.reason, urljoin(checker.page_url(site_id, rel), b.value))
                groups.setdefault(key, []).append(b)
    for (code, reason, _url), found in sorted(groups.items()):
        report.broken += len(found)
        origin = _origin(found, sources, root)
        kept = _origin_file(found, sources) or "templates"
        for b in found:
            report.sites[b.site].broken.append(BrokenLink(b.page, b.attribute, b.value, reason, code, kept))
        shown = found[:MAX_PAGES_PER_LINK]
        for n, b in enumerate(shown):
            more = len(found) - len(shown)
            tail = _("; the same link is on {count} more page(s)").format(count=more) if more and n == len(shown) - 1 else ""
            problems.add(
                shown_path(final / b.site / b.page, root),
                None,
                code,
                _('{attribute} "{value}": {reason} ({origin}){tail}').format(
                    attribute=b.attribute, value=b.value, reason=reason, origin=origin, tail=tail
                ),
            )
    report.seconds = time.perf_counter() - started
    return report


def _origin(found: list[Broken], sources: dict[tuple[str, str], str], root: Path) -> str:
    """Where a broken link comes from: the author's file when every page showing it has the
    same source, else the templates of the sites involved."""
    single = _origin_file(found, sources)
    if single:
        return _("from {source}").format(source=single)
    sites = sorted({b.site for b in found})
    folders = [f"themes/{s}/templates/" for s in sites if (root / "themes" / s / "templates").is_dir()]
    return _("from a template: {folders}").format(folders=_(" or ").join(folders + ["themes/gov/templates/"]))


def _origin_file(found: list[Broken], sources: dict[tuple[str, str], str]) -> str | None:
    """The author's file of every page showing a broken link, when it is one file for all of them."""
    origins = {sources.get((b.site, b.page)) for b in found}
    return origins.pop() if len(origins) == 1 and None not in origins else None
