"""Stage 3b: links written by authors, resolved for the target being built (SPEC §4).

Every reference an author writes — ``site:<id>``, ``site:<id>/<column>/<file>.md``,
``{filename}``, ``{static}``, ``{category}``, ``{index}`` — is resolved here, before any site
renders, into the address it has in the target being built; what cannot be resolved is a located
error (``file:line``), never Pelican's "Unable to find … skipping" warning followed by a literal
``{filename}`` in the page. Pelican therefore never sees a reference (it does not resolve
``srcset`` anyway), and an item and its syndicated copies carry the same resolved links.

References are found in Markdown links and images, reference definitions, the ``href``, ``src``,
``poster``, ``data``, ``cite`` and ``srcset`` attributes of raw HTML, and in header values that
are a single reference (``Poster: {static}/files/p.jpg``, ``Interprets: site:portal/zfwj/a.md``),
and in the ``Summary`` header, which is Markdown too.
Code spans and fenced code blocks are left alone: they show link syntax, they do not link.
"""

from __future__ import annotations

import bisect
import difflib
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..config.sites import RESERVED_FOLDERS, Column, Site
from ..content.attachments import Attachments, FileId, read_attachments
from ..content.index import Item
from ..content.markdown_render import MarkdownRenderer, MarkdownTooDeep
from ..content.render_cache import RenderCache
from ..errors import Problem, Problems
from ..i18n import _
from ..paths import url_segments
from .addresses import AddressMap
from .link_memo import LinkMemo, world_digest

#: The start of a reference: ``site:`` or a Pelican indicator, ``{filename}`` or ``|filename|``.
REF_START = r"(?:site:|[{|][A-Za-z]+[|}])"

#: ``srcset="a.png 1x, {static}/files/b.png 2x"``: each candidate may be a reference.
SRCSET_RE = re.compile(r"\b(?i:srcset)\s*=\s*(?P<q>[\"'])(?P<value>[^\"']*)(?P=q)")

#: A path to a Markdown file: it would be published as a dead ``.md`` address.
_MD_FILE_RE = re.compile(r"\.(?:md|markdown)$", re.IGNORECASE)

#: Whatever stands in a link position: link syntax, or a URL or path (see ``LinkResolver.address``).
ADDRESS_RE = re.compile(
    r"(?P<pre>\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|(?<![\w-])(?i:href|src|poster|data|cite)\s*=\s*[\"']?|<(?=https?://))"
    r"(?P<ref>[^\s)\"'<>]+)",
    re.MULTILINE,
)
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: ASCII characters an address cannot hold as they are (a space, quotes, brackets); Chinese file
#: names stay readable (browsers send them encoded).
_URL_UNSAFE_RE = re.compile(r"[\x00-\x20\"<>\\^`{|}\x7f]")
_WHATWG_STRIP_RE = re.compile(r"[\t\n\r]")
#: Pages every site has, that no item writes.
GENERATED_PAGES = ("404.html", "sitemap.xml", "robots.txt", "feeds/all.atom.xml", "search.html")
#: Pages a column's folder may hold besides its list: later list pages, the 政府信息公开 area.
_GENERATED_IN_COLUMN_RE = re.compile(r"page/\d+(?:/index\.html)?|fdzdgknr(?:/index\.html)?|ndbg(?:/index\.html|/\d{4}\.html)?")

_INDICATOR_RE = re.compile(r"^[{|](?P<what>[A-Za-z]+)[|}]")

#: Hosts of the preview server on the author's own computer: the manual says
#: ``http://localhost:8000/``, ``python -m http.server`` prints ``http://[::]:8000/`` or
#: ``http://0.0.0.0:8000/``. An address on them is the preview's ``/<site id>/…``, never an
#: address a visitor can open.
PREVIEW_HOSTS = ("localhost", "::1", "::", "0.0.0.0")

#: A link typed with Chinese (full-width) brackets, or a mix of both kinds: Markdown does not link
#: ``[上一篇]（{filename}a.md）`` or ``【上一篇】(…)``, it shows them as text, link syntax and all.
_WIDE_LINK_RE = re.compile(
    r"(?P<bang>!?)(?P<open>[\[【])(?P<text>[^\[\]【】\n]*)(?P<close>[\]】])[ \t]*(?P<lp>[(（])[ \t]*"
    r"(?P<target>[^\s()（）<>\"'\[\]【】]+)[ \t]*(?P<rp>[)）])"
)
#: What a target in such brackets must look like to be taken for a link (``【通知】（2026年）`` is text).
_LINK_LIKE_RE = re.compile(
    r"^(?:site:|[{|][A-Za-z]+[|}]|https?:|mailto:|www\.|/|\.\.?/|files/)"
    r"|\.(?:md|markdown|s?html?|pdf|docx?|xlsx?|wps|et|zip|rar|jpe?g|png|gif|svg|webp|mp4)(?:[#?].*)?$",
    re.IGNORECASE,
)
#: Link syntax that must never reach a reader as text (``site:`` is ordinary text in a sentence).
LEFTOVER_TEXT_RE = re.compile(r"\{(?:filename|static|attach|category|index|tag|author)\}[^\s<>()（）\[\]【】\"'，。；、]*")
#: Elements whose text shows syntax on purpose, or is no text at all.
_NOT_TEXT = "pre, code, kbd, samp, script, style, textarea, template"


def is_preview_host(host: str) -> bool:
    """Whether ``host`` (lower case, no port) is the author's own computer, where the preview runs."""
    return host in PREVIEW_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def _closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word`` (as :func:`errors.did_you_mean` finds it), or ``None``."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in choices}
    return lowered.get(word.lower())


def _closest_path(path: str, candidates: Iterable[str]) -> str | None:
    """The candidate path ``path`` most likely meant: a close name in the same folder
    (``zwdt/rivr.md`` → ``zwdt/river.md``), the same name in another folder, or a path that is
    nearly the same as a whole. Two paths that merely share their column are not close
    (``zwdt/nonexist.html`` suggests nothing rather than some other page of ``zwdt/``)."""
    folder, name = posixpath.split(path)
    candidates = list(candidates)
    same_folder = {posixpath.basename(c): c for c in candidates if posixpath.dirname(c) == folder}
    close = _closest(name, same_folder, cutoff=0.75)  # short names: x.html is not nonexist.html
    if close is not None:
        return same_folder[close]
    same_name = [c for c in candidates if posixpath.basename(c) == name]
    if len(same_name) == 1:
        return same_name[0]
    whole = difflib.get_close_matches(path, candidates, n=1, cutoff=0.85)
    return whole[0] if whole else None


def _hint(suggestion: str | None) -> str:
    """`` (did you mean '…'?)`` for a suggestion that has been tried, else ``''``."""
    return _(" (did you mean '{word}'?)").format(word=suggestion) if suggestion else ""


def _url_path(path: str) -> str:
    """A file's path written into an address: ``a b.pdf`` → ``a%20b.pdf``."""
    return _URL_UNSAFE_RE.sub(lambda m: f"%{ord(m.group(0)):02X}", path)

_FENCE_RE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN_RE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.S)

#: Header keys that hold text, never a reference.
TEXT_KEYS = ("Title", "Summary", "Tags", "Source", "Author")

#: Header keys whose reference the column types check and report, with their own codes
#: (``columns/interprets.py``: bad-interprets; ``columns/translations.py``: bad-translation; ``columns/media.py``: missing-file, bad-media): resolved here
#: too, so the staged header holds an address, but never reported a second time.
CHECKED_BY_FEATURES = ("Interprets", "Video", "Poster", "Captions", "Photo", "Translation-Of")

#: Pelican indicators zhanqun resolves, and what each means.
KINDS = ("filename", "static", "attach", "category", "index")


@dataclass(frozen=True)
class Resolution:
    """Where a reference points for the target: an address, or an error message and code."""

    url: str | None
    target: Item | None = None
    error: str | None = None
    code: str = "broken-link"
    file: FileId | None = None  # the attachment name it links, if it links one


@dataclass
class _Rewritten:
    body: str
    meta: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


class LinkResolver:
    """Resolves references for one target, knowing every site and item of the cluster.

    One resolver lives in one build context; it remembers each item's rewritten text, so an item
    syndicated to six sites is resolved once, and which attachments each item links
    (``render/attachment_use.py`` publishes exactly those).
    """

    def __init__(self, root: Path, addresses: AddressMap, attachments: Attachments | None = None, cache: RenderCache | None = None):
        """``cache``: the build's render cache, kept between builds, where :meth:`checked` remembers
        what each item's links found (``link_memo.py``); without one, every item is resolved."""
        self.root = root
        self.addresses = addresses
        # read from the repository when not handed over (a build reads them once, in stage 2)
        self.attachments = attachments if attachments is not None else read_attachments(root, addresses.cluster, Problems())
        self.cluster = addresses.cluster
        self.index = addresses.index
        self._rewritten: dict[str, _Rewritten] = {}
        self._linked_files: dict[str, set[FileId]] = {}
        self._link_columns: dict[tuple[str, str], Resolution] = {}
        self._host_map: dict[str, tuple[str, str]] | None = None
        self._output_map: dict[tuple[str, str], tuple[Item, str | None]] | None = None
        self._trying = 0  # > 0 while a suggestion is tried: its own mistakes suggest nothing
        self._renderer: MarkdownRenderer | None = None
        self._cache = cache if cache is not None and cache.root is not None else None
        self._memo: LinkMemo | None = None
        self._remembered: dict[str, tuple[list[Problem], set[FileId]]] = {}  # taken from the memo in this build

    # --- one reference ------------------------------------------------------------------------

    def resolve(self, ref: str, item: Item) -> Resolution:
        """The address ``ref`` (written in ``item``) points to for this target."""
        resolution = self._resolve(ref, item)
        if resolution.file is not None:  # also a refused one: the file is linked, if not published
            self._linked_files.setdefault(item.source, set()).add(resolution.file)
        return resolution

    def linked_files(self, item: Item) -> set[FileId]:
        """The attachment names ``item`` linked in what was resolved of it so far."""
        return set(self._linked_files.get(item.source, ()))

    def _resolve(self, ref: str, item: Item) -> Resolution:
        ref, suffix = _split_suffix(ref)
        if ref.startswith("site:"):
            return self._site(ref[5:], item, suffix)
        match = _INDICATOR_RE.match(ref)
        if not match:
            return Resolution(ref + suffix)
        what, path = match.group("what"), ref[match.end() :]
        written = ref
        if what == "filename":
            return self._filename(path, item, suffix, written)
        if what in ("static", "attach"):
            rel = self._relative(path, item)
            if rel is None:
                return self._outside(written, item)
            return self._file(item.site, rel, suffix, written, item)
        if what == "category":
            return self._column(item.site, path.strip("/"), suffix, written, item)
        if what == "index":
            return Resolution(self.addresses.site_url(item.site) + suffix)
        if what in ("tag", "author", "tags", "authors", "categories", "archives"):
            return Resolution(
                None,
                error=_(
                    "{written}: zhanqun writes no tag, author or archive pages; link a column with "
                    "{{category}}<column id>, a page with {{filename}}<file>.md or another site with site:<id>"
                ).format(written=written),
                code="no-such-page-kind",
            )
        kind = _closest(what, KINDS)
        # the whole reference when it links as corrected, else the kind alone, in place of the one quoted
        fixed = (self._tried(f"{{{kind}}}{path}", item, written) or f"{{{kind}}}") if kind else None
        return Resolution(
            None,
            error=_(
                "{written}: unknown link kind {{{what}}}{hint}; write {{filename}}, {{static}}, {{category}}, {{index}} or site:"
            ).format(written=written, what=what, hint=_hint(fixed)),
            code="broken-link",
        )

    def _site(self, spec: str, item: Item | None, suffix: str) -> Resolution:
        written = f"site:{spec}"
        site_id, _sep, rel = spec.partition("/")
        if site_id not in self.cluster:
            close = _closest(site_id, self.cluster.ids)
            fixed = self._tried("site:" + close + spec[len(site_id) :], item, written) if close else None
            hint = _hint(fixed).strip()[1:-1]  # "did you mean 'x'?"
            return Resolution(
                None,
                error=_("{written}: no such site ({hint}sites are {sites})").format(
                    written=written, hint=hint + " " if hint else "", sites=", ".join(self.cluster.ids)
                ),
                code="unknown-site",
            )
        rel = unquote(rel)
        if not rel:
            return Resolution(self.addresses.site_url(site_id) + suffix)
        normal = posixpath.normpath(rel)
        if normal.startswith("..") or normal.startswith("/"):
            return Resolution(None, error=_("{written}: leaves content/{site}/").format(written=written, site=site_id), code="link-outside")
        if normal.split("/", 1)[0] in RESERVED_FOLDERS:
            return self._file(site_id, normal, suffix, written, item)
        if rel.endswith("/") or "/" not in normal:
            return self._column(site_id, normal, suffix, written, item)
        return self._page(site_id, normal, item, suffix, written)

    def _filename(self, path: str, item: Item, suffix: str, written: str) -> Resolution:
        rel = self._relative(path, item)
        if rel is None:
            return self._outside(written, item)
        if rel.split("/", 1)[0] in RESERVED_FOLDERS:
            return self._file(item.site, rel, suffix, written, item)  # Pelican allows {filename} for files too
        site = self.cluster[item.site]
        if site.column(rel) is not None:
            return Resolution(None, error=_("{written}: is a column, not a page; link it with {{category}}{rel}").format(written=written, rel=rel))
        # "{filename}zwdt/a.md" written in zwdt/ means zwdt/zwdt/a.md; the author meant the content root
        from_root = posixpath.normpath(unquote(path).lstrip("/"))
        return self._page(item.site, rel, item, suffix, written, also=from_root)

    def _page(self, site_id: str, rel: str, item: Item | None, suffix: str, written: str, also: str | None = None) -> Resolution:
        """The item at ``content/<site_id>/<rel>``; ``also``: where the author may have meant, tried
        first for the suggestion."""
        target = self.index.get(site_id, rel)
        if target is None and (site_id, rel) in self.index.unreadable:
            return Resolution(None)  # the file's own errors are reported; nothing renders until they are fixed
        if target is None:
            fixed = None
            if also and also != rel and self.index.get(site_id, also) is not None:
                fixed = self._tried(self._write_item(site_id, also, item, written), item, written)
            if fixed is None:
                close = _closest_path(rel, [i.rel for i in self.index.of_site(site_id) if i is not item and self._linkable(i, item)])
                fixed = self._tried(self._write_item(site_id, close, item, written), item, written) if close else None
            return Resolution(
                None,
                error=_("{written}: no such page content/{site}/{rel}{hint}").format(
                    written=written, site=site_id, rel=rel, hint=_hint(fixed)
                ),
            )
        return self._item(target, item, suffix, written)

    def _item(self, target: Item, item: Item | None, suffix: str, written: str, url: str | None = None) -> Resolution:
        """A link to ``target`` from ``item`` (``None``: a site file): refused if the target is a
        draft, internal (from a public page) or not published in this target; else its address."""
        if target.is_draft:
            return Resolution(
                None,
                target,
                _("{written}: links a draft ({source}, Status: draft), which is never published").format(written=written, source=target.source),
                "link-to-draft",
            )
        if target.is_internal and not (item is not None and item.is_internal):
            return Resolution(
                None,
                target,
                _("{written}: a public page links an internal page ({source}, Visibility: internal)").format(written=written, source=target.source),
                "link-to-internal",
            )
        if not self.addresses.renders(target):
            return Resolution(
                None, target, _("{written}: not published in the {target} target").format(written=written, target=self.addresses.target.name)
            )
        return Resolution((url or self.addresses.item_url(target)) + suffix, target)

    def _column(self, site_id: str, column_id: str, suffix: str, written: str, item: Item | None = None) -> Resolution:
        site = self.cluster[site_id]
        column = site.column(column_id)
        if column is None:
            ids = [c.id for c in site.columns]
            close = _closest(column_id, ids)
            fixed = self._tried(self._write_column(site_id, close, item, written), item, written) if close else None
            return Resolution(
                None,
                error=_("{written}: site '{site}' has no column '{column}'{hint}; columns are {columns}").format(
                    written=written, site=site_id, column=column_id, hint=_hint(fixed), columns=", ".join(ids)
                ),
            )
        if column.type == "link":
            resolution = self.link_column(site, column)  # a link column's navigation address
            return replace(resolution, url=resolution.url + suffix) if resolution.url is not None else resolution
        return Resolution(f"{self.addresses.site_url(site_id)}{column.id}/{suffix}")

    # --- addresses written as addresses ---------------------------------------------------------

    def resolve_address(self, ref: str, item: Item) -> Resolution | None:
        """:meth:`address` for an address written in ``item``, recording the attachment it links."""
        resolution = self.address(ref, item, item.site)
        if resolution is not None and resolution.file is not None:
            self._linked_files.setdefault(item.source, set()).add(resolution.file)
        return resolution

    def address(self, ref: str, item: Item | None, site_id: str) -> Resolution | None:
        """What a plain address points to, if it points into the cluster; ``None`` if it does not.

        Authors paste addresses from the browser: the preview's ``/ulanhot/zwdt/x.html`` (or the
        whole ``http://localhost:8000/ulanhot/zwdt/x.html`` of the preview server the manual starts),
        the production ``https://www.wlht.gov.cn/zwdt/x.html`` (with or without its ``www.``), a
        path from the site's root (``/zwdt/x.html``), or a path relative to the page
        (``../files/map.png``). Each is read the way a browser reads it on the item's own page, and
        becomes the page, column or file it names — checked like a ``site:`` link, written with the
        address of the target being built, so it works on every page that shows the item and in
        every target. ``site_id`` is the site the address is written on (the item's, or a site file's).
        """
        path, suffix = _split_suffix(ref)
        scheme = _SCHEME_RE.match(path)
        if scheme or path.startswith("//"):
            if scheme and scheme.group(1).lower() not in ("http", "https"):
                return None
            try:
                parts = urlsplit(_WHATWG_STRIP_RE.sub("", path).replace("\\", "/"))
                port = parts.port
            except ValueError:
                return None
            hostname = (parts.hostname or "").lower().rstrip(".")
            if is_preview_host(hostname):
                return self._preview_address(parts.path or "/", item, suffix, ref)
            host = self._hosts().get(hostname + (f":{port}" if port else ""))
            if host is None:
                return None
            site, base = host
            where = parts.path or "/"
            if not where.startswith(base) and where + "/" != base:
                return None
            return self._site_path(site, where[len(base) :], item, suffix, ref)
        if not path:
            return None  # "#part" or "?query": this page
        if path.startswith(("/", "\\")):
            # /ulanhot/zwdt/x.html (the preview's form) or /zwdt/x.html (a path on this site)
            stripped = path.lstrip("/\\")
            first, _sep, rest = stripped.partition("/")
            if first in self.cluster and (self._site_path_exists(first, rest) or not self._site_path_exists(site_id, stripped)):
                return self._site_path(first, rest, item, suffix, ref)
            return self._site_path(site_id, stripped, item, suffix, ref)
        base = f"{item.column}/" if item is not None else ""  # an item's page is <column>/<slug>.html
        # "files/map.png" on zwdt/x.html is zwdt/files/map.png; the author meant the site's files/
        return self._site_path(site_id, base + path, item, suffix, ref, also=path)

    def _preview_address(self, path: str, item: Item | None, suffix: str, written: str) -> Resolution:
        """An address of the preview server (``http://localhost:8000/<site id>/…``): the preview's
        path of a page of the cluster, resolved like ``/<site id>/…``. It never stays as written:
        on any other computer it leads nowhere."""
        first, _sep, rest = path.lstrip("/").partition("/")
        if first in self.cluster:
            return self._site_path(first, rest, item, suffix, written)
        if not first:
            return Resolution(
                None,
                error=_("{written}: the preview's list of sites on this computer, which visitors cannot open; link a site's home page with site:<id>").format(written=written),
            )
        close = _closest(first, self.cluster.ids)
        at = written.find("/", written.find("//") + 2)  # the path, after the host
        fixed = self._tried(written[:at] + written[at:].replace(f"/{first}", f"/{close}", 1), item, written) if close and at > 0 else None
        return Resolution(
            None,
            error=_(
                "{written}: an address of the preview on this computer, and '{first}' is not a site{hint}; sites are {sites}"
            ).format(written=written, first=first, hint=_hint(fixed), sites=", ".join(self.cluster.ids)),
            code="unknown-site",
        )

    def _hosts(self) -> dict[str, tuple[str, str]]:
        """Every address a site of the cluster has (production and intranet): host → (site, base
        path). A host answers with and without ``www.`` (``tq.gov.cn`` is ``www.tq.gov.cn``), as
        government sites do; an address written in the site file wins over such a variant."""
        if self._host_map is None:
            exact: dict[str, tuple[str, str]] = {}
            variants: dict[str, tuple[str, str]] = {}
            for site in self.cluster.sites:
                for url in (site.url, site.intranet_url):
                    if url:
                        parts = urlsplit(url)
                        where = (site.id, parts.path or "/")
                        exact.setdefault(parts.netloc.lower(), where)
                        name = (parts.hostname or "").lower()
                        other = name[4:] if name.startswith("www.") else "www." + name
                        variants.setdefault(other + (f":{parts.port}" if parts.port else ""), where)
            self._host_map = {**variants, **exact}
        return self._host_map

    def _outputs(self) -> dict[tuple[str, str], tuple[Item, str | None]]:
        """(site, output path) → (item, the copy's address or None) for every item of every site,
        syndicated copies and old addresses (aliases) included."""
        if self._output_map is None:
            from .redirects import alias_path

            found: dict[tuple[str, str], tuple[Item, str | None]] = {}
            for target in self.index.items:
                found.setdefault((target.site, target.path), (target, None))
                for receiver in target.syndicate:
                    if self.cluster[receiver].column(target.column) is not None:
                        copy = self.addresses.syndicated_path(target)
                        found.setdefault((receiver, copy), (target, self.addresses.site_url(receiver) + copy))
            for target in self.index.items:
                for alias in target.aliases:
                    try:
                        old = alias_path(alias)
                    except ValueError:
                        continue
                    if old:
                        found.setdefault((target.site, old), (target, None))
            self._output_map = found
        return self._output_map

    def _site_path_exists(self, site_id: str, path: str) -> bool:
        segments = url_segments(path)
        return segments is not None and self._kind_of(site_id, "/".join(segments), path.endswith("/")) is not None

    def _kind_of(self, site_id: str, path: str, folder: bool) -> str | None:
        """What ``path`` is on ``site_id``: "home", "file", "column", "page", "generated", or None."""
        site = self.cluster[site_id]
        if path in ("", "index.html"):
            return "home"
        head, _sep, rest = path.partition("/")
        if head == "files":
            return "file"
        column = site.column(head)
        if column is not None and rest in ("", "index.html"):
            return "column"
        if (site_id, path) in self._outputs():
            return "page"
        if path in GENERATED_PAGES or (column is not None and _GENERATED_IN_COLUMN_RE.fullmatch(rest)):
            return "generated"
        return None

    def _site_path(self, site_id: str, path: str, item: Item | None, suffix: str, written: str, also: str | None = None) -> Resolution:
        """The page, column or file at ``path`` (an address's path, %-encoded) on ``site_id``;
        ``also``: the path the author may have meant, tried first for the suggestion."""
        folder = path.endswith("/") or path == ""
        segments = url_segments(path)
        if segments is None:
            return Resolution(None, error=_("{written}: leaves the site").format(written=written), code="link-outside")
        clean = "/".join(segments)
        kind = self._kind_of(site_id, clean, folder)
        if kind == "home":
            return Resolution(self.addresses.site_url(site_id) + suffix)
        if kind == "file":
            return self._file(site_id, clean, suffix, written, item)
        if kind == "column":
            return self._column(site_id, clean.split("/", 1)[0], suffix, written, item)
        if kind == "page":
            target, copy = self._outputs()[(site_id, clean)]
            return self._item(target, item, suffix, written, copy)
        if kind == "generated":
            return Resolution(self.addresses.site_url(site_id) + clean + ("/" if folder and clean else "") + suffix)
        fixed = None
        meant = url_segments(also) if also else None
        if meant:
            fixed = self._tried(self._write_path(site_id, "/".join(meant), item, written, suffix), item, written)
        if fixed is None:
            pages = [p for (s, p), (target, _copy) in self._outputs().items() if s == site_id and target is not item and self._linkable(target, item)]
            close = _closest_path(clean, pages + self.attachments.paths_of(site_id))
            fixed = self._tried(self._write_path(site_id, close, item, written, suffix), item, written) if close else None
        return Resolution(
            None,
            error=_(
                "{written}: there is no page or file {path} on {site}{hint}; link an item with {{filename}}…md "
                "or site:{site}/<column>/<file>.md, a file with {{static}}/files/…"
            ).format(written=written, path=clean or "/", site=site_id, hint=_hint(fixed)),
        )

    def link_column(self, site: Site, column: Column) -> Resolution:
        """Where a ``link`` column leads for this target: its ``url`` from the site file, resolved.

        ``site:`` links resolve like an author's (as a public page: a site file is public); a path
        (``/bsfw/``) is on the column's own site; http(s) addresses stay as written. The site-file
        check allows nothing else (``sites._link_column_url``).
        """
        key = (site.id, column.id)
        if key not in self._link_columns:
            value = column.url or ""
            if value.startswith("site:"):
                ref, suffix = _split_suffix(value)
                resolution = self._site(ref[5:], None, suffix)
                if resolution.url is not None and resolution.url.startswith("site:"):
                    resolution = Resolution(None, error=_("{value}: leads to another link column; link the address itself").format(value=value))
            elif value.startswith("/"):
                resolution = self.address(value, None, site.id) or Resolution(
                    None, error=_("{value}: not an address on this site").format(value=value)
                )
            else:
                resolution = Resolution(value)
            self._link_columns[key] = resolution
        return self._link_columns[key]

    def link_column_url(self, site: Site, column: Column) -> str:
        """:meth:`link_column`'s address, or ``''`` when it has an error (reported by :func:`check_link_columns`)."""
        return self.link_column(site, column).url or ""

    def site_file_links(self) -> list[tuple[Site, Column, FileId]]:
        """Attachments linked from site files (link columns): (site, column, name)."""
        found = []
        for (site_id, column_id), resolution in sorted(self._link_columns.items()):
            if resolution.file is not None:
                site = self.cluster[site_id]
                column = site.column(column_id)
                if column is not None:
                    found.append((site, column, resolution.file))
        return found

    def _file(self, site_id: str, rel: str, suffix: str, written: str, item: Item | None = None) -> Resolution:
        if rel.split("/", 1)[0] != "files":
            return self._not_in_files(site_id, rel, written, item)
        name = FileId(site_id, rel)
        if self.attachments.identify(site_id, rel) is None:
            refused = self.attachments.refused.get(name)
            if refused:
                error = _("{written}: content/{site}/{rel} is not published: {reason}").format(written=written, site=site_id, rel=rel, reason=refused.reason)
                return Resolution(None, error=error, code=refused.code, file=name)
            close = _closest_path(rel, self.attachments.paths_of(site_id))
            fixed = self._tried(self._write_file(site_id, close, item, written), item, written) if close else None
            return Resolution(None, error=_("{written}: no such file content/{site}/{rel}{hint}").format(written=written, site=site_id, rel=rel, hint=_hint(fixed)))
        return Resolution(self.addresses.site_url(site_id) + _url_path(rel) + suffix, file=name)

    def _not_in_files(self, site_id: str, rel: str, written: str, item: Item | None) -> Resolution:
        """``{static}`` naming a path outside ``files/``: often a file that is there, written
        without the leading ``/`` (``{static}files/a.png`` in ``zwdt/`` reads ``zwdt/files/a.png``),
        or a page: then the message says exactly what to write."""
        if item is not None and item.site == site_id and self.index.get(site_id, rel) is not None:
            fixed = self._tried(self._write_item(site_id, rel, item, "{filename}"), item, written)
            if fixed:
                return Resolution(
                    None, error=_("{written}: content/{site}/{rel} is a page, not an attachment; write '{fixed}'").format(written=written, site=site_id, rel=rel, fixed=fixed)
                )
        start = rel.find("files/")
        tail = rel[start:] if start > 0 and rel[start - 1] == "/" else None
        if tail is None or self.attachments.identify(site_id, tail) is None:
            same_name = [p for p in self.attachments.paths_of(site_id) if posixpath.basename(p) == posixpath.basename(rel)]
            tail = same_name[0] if len(same_name) == 1 else None
        fixed = self._tried(self._write_file(site_id, tail, item, written), item, written) if tail else None
        if fixed:
            return Resolution(
                None,
                error=_(
                    "{written}: reads as content/{site}/{rel}, outside content/{site}/files/ (a path without a leading / starts "
                    "in this file's folder); write '{fixed}'"
                ).format(written=written, site=site_id, rel=rel, fixed=fixed),
            )
        return Resolution(
            None,
            error=_("{written}: only files under content/{site}/files/ are published; put the file there").format(written=written, site=site_id),
        )

    # --- suggestions: the exact text to write, tried before it is offered -------------------------

    def _linkable(self, target: Item, item: Item | None) -> bool:
        """Whether ``item`` (``None``: a site file) may link ``target`` in this target."""
        internal_ok = item is not None and item.is_internal
        return not target.is_draft and (internal_ok or not target.is_internal) and self.addresses.renders(target)

    @staticmethod
    def _same_site_style(site_id: str, item: Item | None, written: str) -> bool:
        """Whether a suggestion may use ``{filename}``/``{static}``/``{category}``: the target is on the
        item's own site and the author did not write ``site:``."""
        return item is not None and item.site == site_id and not written.startswith("site:")

    def _write_item(self, site_id: str, rel: str, item: Item | None, written: str) -> str:
        """How ``item`` links the item at ``content/<site_id>/<rel>``, in the author's style."""
        if not self._same_site_style(site_id, item, written):
            return f"site:{site_id}/{rel}"
        assert item is not None
        match = _INDICATOR_RE.match(written)
        if match and written[match.end() :].startswith("/"):
            return "{filename}/" + rel
        return "{filename}" + posixpath.relpath(rel, posixpath.dirname(item.rel) or ".")

    def _write_file(self, site_id: str, rel: str, item: Item | None, written: str) -> str:
        """How ``item`` links the attachment ``files/…`` of ``site_id``: from the content root,
        which reads the same in every folder."""
        return "{static}/" + rel if self._same_site_style(site_id, item, written) else f"site:{site_id}/{rel}"

    def _write_column(self, site_id: str, column_id: str, item: Item | None, written: str) -> str:
        return "{category}" + column_id if self._same_site_style(site_id, item, written) else f"site:{site_id}/{column_id}/"

    def _write_path(self, site_id: str, path: str, item: Item | None, written: str, suffix: str) -> str | None:
        """How ``item`` links what the output path ``path`` of ``site_id`` is (a page, a syndicated
        copy, a column, a file); ``None`` if it is none of them. Keeps the ``#part`` written."""
        kind = self._kind_of(site_id, path, path.endswith("/"))
        tail = suffix if suffix and written.endswith(suffix) else ""
        if kind == "file" and self.attachments.identify(site_id, path) is not None:
            return self._write_file(site_id, path, item, written) + tail
        if kind == "column":
            return self._write_column(site_id, path.split("/", 1)[0], item, written) + tail
        if kind == "page":
            target, copy = self._outputs()[(site_id, path)]
            if copy is not None:  # a copy has no file of its own: its preview path reads on every site
                return f"/{site_id}/{path}{tail}"
            return self._write_item(target.site, target.rel, item, written) + tail
        return None

    def _tried(self, suggestion: str | None, item: Item | None, written: str) -> str | None:
        """``suggestion`` if writing it instead of ``written`` links without a mistake, else ``None``:
        advice that fails again when followed is worse than none."""
        if not suggestion or suggestion == written or self._trying:
            return None
        self._trying += 1
        try:
            if suggestion.startswith("site:"):
                resolution: Resolution | None = self._site(_split_suffix(suggestion[5:])[0], item, "")
            elif item is None:  # a site file: site: links, and addresses from the host or its root
                resolution = self.address(suggestion, None, "") if suggestion.startswith(("/", "http")) else None
            elif _INDICATOR_RE.match(suggestion):
                resolution = self._resolve(suggestion, item)
            else:
                resolution = self.address(suggestion, item, item.site)
        finally:
            self._trying -= 1
        return suggestion if resolution is not None and resolution.url is not None and not resolution.error else None

    def _outside(self, written: str, item: Item) -> Resolution:
        return Resolution(
            None,
            error=_(
                "{written}: leaves content/{site}/; a link stays inside its site's content folder "
                "(another site's page: site:<id>/<column>/<file>.md)"
            ).format(written=written, site=item.site),
            code="link-outside",
        )

    @staticmethod
    def _relative(path: str, item: Item) -> str | None:
        """``path`` as written in ``item``, relative to the site's content root; None if it leaves it."""
        path = unquote(path)
        base = "" if path.startswith("/") else posixpath.dirname(item.rel)
        joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if joined.startswith("..") or joined.startswith("/") or joined == ".":
            return None
        return joined

    # --- one item -----------------------------------------------------------------------------

    def rewritten(self, item: Item, problems: Problems) -> tuple[str, dict[str, str]]:
        """The item's body and header with every reference resolved, for this target.

        The work is done once per item (its syndicated copies reuse it); its problems are added
        to ``problems`` on every call, where the collector keeps each one once, at the author's
        file. A letter's text is the public's and is never read for links: only its header is.
        """
        done = self._rewritten.get(item.source)
        if done is None:
            found = Problems()
            body = item.body if self.is_letter(item) else rewrite_body(item, self, found)
            done = _Rewritten(body, rewrite_meta(item, self, found), found.items)
            self._rewritten[item.source] = done
        problems.extend(done.problems)
        return done.body, done.meta

    def checked(self, item: Item, problems: Problems) -> None:
        """Resolve the item's links for their problems and the files they link (:meth:`linked_files`),
        not for the text: taken from the memo of earlier builds when the same item was resolved in
        the same world (``link_memo.py``), so that an edit resolves the links of the edited item only."""
        found = self._remembered.get(item.source)
        memo = self.memo if found is None and item.source not in self._rewritten else None
        if memo is not None and (found := memo.get(item)) is not None:
            self._remembered[item.source] = found
            self._linked_files.setdefault(item.source, set()).update(found[1])
        if found is not None:
            problems.extend(found[0])
            return
        found_now = Problems()
        self.rewritten(item, found_now)
        problems.extend(found_now)
        if memo is not None:
            memo.put(item, list(found_now), self.linked_files(item))

    @property
    def resolved(self) -> int:
        """How many items' links were resolved in this build (not taken from the memo)."""
        return len(self._rewritten)

    def resolved_anew(self) -> set[str]:
        """The sources of the items whose links were resolved in this build (not taken from the
        memo): after one edit, the edited item; after a change of the world, every item."""
        return set(self._rewritten)

    @property
    def memo(self) -> LinkMemo | None:
        """The memo of what items' links found (``None`` without a cache kept between builds).
        Made on first use: by then syndication is settled, and the world is what it will stay."""
        if self._memo is None and self._cache is not None:
            self._memo = LinkMemo(self._cache, *world_digest(self.root, self.addresses, self.attachments))
        return self._memo

    def text_syntax(self, text: str) -> list[str]:
        """The link syntax (``{filename}a.md``…) a reader would see in Markdown ``text`` once
        rendered: outside code, which shows syntax on purpose (rendering tells an indented code
        block or a ``<pre>`` from text, which the Markdown source does not)."""
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        try:
            html = self._renderer.html(text)
        except MarkdownTooDeep:
            return []  # the content check reports it; nothing renders
        tree = LexborHTMLParser(html)
        tree.strip_tags([tag.strip() for tag in _NOT_TEXT.split(",")])
        return LEFTOVER_TEXT_RE.findall(tree.body.text(separator=" ") if tree.body else "")

    def is_letter(self, item: Item) -> bool:
        column = self.cluster[item.site].column(item.column)
        return column is not None and column.type == "letter"


# --- text -------------------------------------------------------------------------------------


def _split_suffix(ref: str) -> tuple[str, str]:
    """``site:x/a.md#part`` → (``site:x/a.md``, ``#part``): query and fragment are kept as written."""
    cut = min((i for i in (ref.find("#"), ref.find("?")) if i >= 0), default=-1)
    return (ref, "") if cut < 0 else (ref[:cut], ref[cut:])


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Start/end offsets of fenced code blocks and code spans, sorted: no links are read there."""
    ranges = [(m.start(), m.end()) for m in _FENCE_RE.finditer(text)]
    masked = list(text)
    for start, end in ranges:
        masked[start:end] = " " * (end - start)
    ranges += [(m.start(), m.end()) for m in _CODE_SPAN_RE.finditer("".join(masked))]
    return sorted(ranges)


def _in_ranges(ranges: list[tuple[int, int]], position: int) -> bool:
    n = bisect.bisect_right(ranges, (position, float("inf"))) - 1
    return n >= 0 and ranges[n][0] <= position < ranges[n][1]


def rewrite_body(item: Item, resolver: LinkResolver, problems: Problems) -> str:
    """The item's body with every reference replaced by its address for the target.

    Every unresolvable reference is reported with its line and left as written (the output link
    check would report it again if it ever reached a page). Pelican never sees a ``{filename}``,
    ``{static}`` or ``site:`` reference: the same resolved text serves the item and its copies.
    """
    return rewrite_text(item.body, item.body_line, item, resolver, problems)


def rewrite_text(
    body: str,
    first_line: int,
    item: Item,
    resolver: LinkResolver,
    problems: Problems,
) -> str:
    """Markdown ``body`` written in ``item`` (starting at ``first_line``) with its references resolved.

    Link syntax (``site:``, ``{filename}``…) and plain addresses that point into the cluster
    (``LinkResolver.address``) both become the target's address; a Markdown file linked by its path
    is an error with the syntax to write, and so is a link typed with Chinese brackets
    (:func:`_wide_links`). Whatever link syntax would still reach a reader as text is an error too
    (:func:`_leftover_syntax`): it is never published.
    """
    code = code_ranges(body)
    reported: set[int] = set()

    def line_of(offset: int) -> int:
        return first_line + body.count("\n", 0, offset)

    def report(line: int, code_: str, message: str) -> None:
        reported.add(line)
        problems.add(item.source, line, code_, message)

    def resolve(ref: str, offset: int) -> str | None:
        """The address for the target; ``None`` to leave ``ref`` as written (an error, or not ours)."""
        if re.match(REF_START, ref):
            resolution: Resolution | None = resolver.resolve(ref, item)
        elif _MD_FILE_RE.search(_split_suffix(ref)[0]) and not _SCHEME_RE.match(ref) and not ref.startswith("//"):
            report(
                line_of(offset), "md-link",
                _("{ref}: links a Markdown file as an address; write {{filename}}{ref} (this site) or site:<id>/<column>/<file>.md").format(ref=ref),
            )
            return None
        else:
            resolution = resolver.resolve_address(ref, item)
        if resolution is None:
            return None
        if resolution.error:
            report(line_of(offset), resolution.code, resolution.error)
            return None
        return resolution.url

    def replace(match: re.Match[str]) -> str:
        if _in_ranges(code, match.start()) or _in_ranges(wide, match.start()):
            return match.group(0)
        url = resolve(match.group("ref"), match.start("ref"))
        return match.group(0) if url is None else match.group("pre") + url

    def replace_srcset(match: re.Match[str]) -> str:
        if _in_ranges(code, match.start()):
            return match.group(0)
        candidates = []
        offset = match.start("value")
        for candidate in match.group("value").split(","):
            words = candidate.split()
            if words and not words[0].startswith("data:"):
                url = resolve(words[0], offset + candidate.find(words[0]))
                if url is not None:
                    candidate = candidate.replace(words[0], url, 1)
            candidates.append(candidate)
            offset += len(candidate) + 1
        q = match.group("q")
        return match.group(0)[: match.start("value") - match.start()] + ",".join(candidates) + q

    if "srcset" in body.lower():  # first: its candidates are addresses the pattern below would misread
        body = SRCSET_RE.sub(replace_srcset, body)
        code = code_ranges(body)
    wide = _wide_links(body, code, line_of, report, resolve)  # left as written, reported
    rewritten = ADDRESS_RE.sub(replace, body)
    if LEFTOVER_TEXT_RE.search(rewritten):
        _leftover_syntax(rewritten, first_line, resolver, reported, report)
    return rewritten


def _wide_links(
    body: str,
    code: list[tuple[int, int]],
    line_of: Callable[[int], int],
    report: Callable[[int, str, str], None],
    resolve: Callable[[str, int], str | None],
) -> list[tuple[int, int]]:
    """Links typed with Chinese brackets — ``[上一篇]（{filename}a.md）``, ``[上一篇]({filename}a.md）``,
    ``【上一篇】({filename}a.md)`` — which Markdown shows as text: each is a ``wide-bracket`` error
    with the link to write instead, and its target is checked as if it were written so (one round
    of fixes). Only targets that look like a link count (``【通知】（2026年）`` is text). Returns the
    spans, which are left as written."""
    spans: list[tuple[int, int]] = []
    if not any(mark in body for mark in "（）【】"):
        return spans
    for match in _WIDE_LINK_RE.finditer(body):
        brackets = match.group("open", "close", "lp", "rp")
        target = match.group("target")
        if brackets == ("[", "]", "(", ")") or _in_ranges(code, match.start()) or not _LINK_LIKE_RE.search(target):
            continue
        if brackets == ("【", "】", "（", "）") and not (re.match(REF_START, target) or _MD_FILE_RE.search(_split_suffix(target)[0])):
            continue  # 【新华网】（http://www.news.cn/）: a source named in Chinese typography, shown as text
        spans.append((match.start(), match.end()))
        fixed = f"{match.group('bang')}[{match.group('text')}]({target})"
        report(
            line_of(match.start()),
            "wide-bracket",
            _("{written}: a link written with Chinese (full-width) brackets is shown as text, not as a link; write it with ASCII brackets: '{fixed}'").format(
                written=match.group(0), fixed=fixed
            ),
        )
        resolve(target, match.start("target"))  # its own mistakes, in the same round
    return spans


def _leftover_syntax(
    text: str, first_line: int, resolver: LinkResolver, reported: set[int], report: Callable[[int, str, str], None]
) -> None:
    """``{filename}``, ``{static}``… that the rendered ``text`` would show a reader (outside code):
    an ``unresolved-link`` error at its line, unless a mistake on that line was reported already
    (a link in Chinese brackets, an unresolvable one). Whatever the checks above missed, such a
    text is never published."""
    code = code_ranges(text)
    for shown in dict.fromkeys(resolver.text_syntax(text)):
        # where the source has it; the rendering may have split what follows the indicator (a_b_c)
        indicator = shown[: shown.index("}") + 1]
        offsets = [m.start() for needle in (shown, indicator) for m in re.finditer(re.escape(needle), text) if not _in_ranges(code, m.start())]
        lines = [first_line + text.count("\n", 0, offset) for offset in offsets] or [first_line]
        unreported = [line for line in lines if line not in reported]
        if not unreported:
            continue  # on a line whose mistake was reported: fixing it fixes this
        line = unreported[0]
        report(
            line,
            "unresolved-link",
            _("{syntax}: link syntax in the text would be published as it is; write it as a link, '[链接文字]({syntax})', or show it in a code span (`…`)").format(
                syntax=shown
            ),
        )


def rewrite_meta(item: Item, resolver: LinkResolver, problems: Problems) -> dict[str, str]:
    """The item's header with values that are one reference (``Poster: {static}/files/p.jpg``) resolved.

    A value that cannot be resolved is left as written and reported at its line, except for the
    keys in :data:`CHECKED_BY_FEATURES`, whose mistakes ``columns/features.py`` reports.
    """
    meta = dict(item.meta)
    if "Summary" in meta:  # Markdown, like the body
        meta["Summary"] = rewrite_text(meta["Summary"], item.line_of("Summary") or 1, item, resolver, problems)
    for key, value in item.meta.items():
        if key in TEXT_KEYS or not re.match(REF_START, value):
            continue
        resolution = resolver.resolve(value, item)
        if resolution.error:
            if key not in CHECKED_BY_FEATURES:
                problems.add(item.source, item.line_of(key), resolution.code, _("{key}: {error}").format(key=key, error=resolution.error))
        else:
            meta[key] = resolution.url or value
    return meta


def check_link_columns(resolver: LinkResolver, problems: Problems) -> None:
    """Every ``link`` column's address resolves for the target; a mistake is located in the site file."""
    for site in resolver.cluster.sites:
        for n, column in enumerate(site.columns):
            if column.type != "link":
                continue
            resolution = resolver.link_column(site, column)
            if resolution.error:
                problems.add(site.source, None, resolution.code, _("columns[{n}].url: {error}").format(n=n, error=resolution.error))
