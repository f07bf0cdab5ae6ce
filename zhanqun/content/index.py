"""Stage 2: the content index — the metadata of every item of every site, read before rendering.

Cross-site links, syndication, unique 索引号 and the leak gate all need to know every item of
the cluster before any site renders; this module reads every Markdown file once, checks its
header, and records an :class:`Item` per file. Nothing here depends on the target.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, NamedTuple, Protocol

from ..config.sites import RESERVED_FOLDERS, Cluster, Column, Site
from ..errors import Problems, did_you_mean
from ..i18n import _
from .alt_text import check_alt_text
from .html_policy import check_item_html, check_rendered_html
from .item_digest import read_digests
from .markdown_render import MarkdownRenderer
from .mongolian import check_mongolian, strip_text
from .metadata import (
    DOCUMENT_KEYS,
    KNOWN_KEYS,
    SYNDICATE_GROUPS,
    VALUE_PLACEHOLDERS,
    parse_date,
    placeholder_in,
    split_list,
)
from .slugs import slug_from_title
from .source import MAX_BYTES, read_source

class ContentFile(NamedTuple):
    """One content file as :func:`content_files` finds it, in index order."""

    site: Site
    column: Column
    rel: str  # path in the site
    source: str  # repository-relative path
    raw: bytes | None  # its bytes; None: not read, ``KnownSources.known`` vouched for them by stat
    digest: str  # SHA-256 of the bytes


class KnownSources(Protocol):
    """What may spare the walk reading a file: a record of sources by stat together with a cache
    of read items that holds the item of those bytes (``item_cache.ItemCache``)."""

    def begin(self) -> None:
        """The walk begins (the moment git's racy rule measures from)."""

    def known(self, site: Site, column: Column, rel: str, source: str, stat: os.stat_result) -> str | None:
        """The SHA-256 of the file's bytes when a stat vouches for them and their item is at hand."""

    def note(self, source: str, stat: os.stat_result, digest: str) -> None:
        """The file was read: its stat (taken before reading) and the SHA-256 of what was read."""


#: What turns one content file into an item: :func:`read_file_item`, unless a cache answers.
ItemReader = Callable[[ContentFile, Problems, "MarkdownRenderer | None"], "Item | None"]
#: What may read many files at once before the index reads them in order (``ItemCache.prefill``).
Prefill = Callable[[list[ContentFile], "MarkdownRenderer"], None]

#: Stands in for a date that could not be read, in a broken item (never rendered, only checked).
UNKNOWN_DATE = datetime(1970, 1, 1)


@dataclass
class Item:
    """One content file of one site: its metadata, checked, and its Markdown body."""

    site: str
    column: str
    rel: str  # path under content/<site>/, e.g. "zwdt/2025-spring.md"
    source: str  # repository-relative path, e.g. "content/ulanhot/zwdt/2025-spring.md"
    meta: dict[str, str]
    lines: dict[str, int]
    body: str
    body_line: int
    title: str
    date: datetime
    slug: str
    status: str = "published"
    visibility: str = "public"
    syndicate: tuple[str, ...] = ()  # resolved receiving site ids
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    broken: bool = False  # the file has errors: checked with the others, never rendered
    refused_keys: frozenset[str] = frozenset()  # keys written with a value that was refused (reported)
    # (standing without receivers, text) SHA-256 as read, kept by the cache of read items (item_digest.py)
    digests: tuple[str, str] | None = field(default=None, compare=False, repr=False)

    def written(self, key: str) -> bool:
        """Whether the author wrote ``key`` (its value may have been refused): not to report it missing."""
        return key in self.meta or key in self.refused_keys

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_internal(self) -> bool:
        return self.visibility == "internal"

    def published_in(self, include_internal: bool) -> bool:
        """Whether a build that does (not) include internal content renders this item."""
        return not self.is_draft and (include_internal or not self.is_internal)

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    @property
    def path(self) -> str:
        """Output path of the item inside its site: ``<column>/<slug>.html``."""
        return f"{self.column}/{self.slug}.html"


@dataclass
class ContentIndex:
    """Every item of the cluster, addressable by site and source path."""

    items: list[Item] = field(default_factory=list)
    by_source: dict[tuple[str, str], Item] = field(default_factory=dict)  # (site, rel) → item
    # files whose title or date could not be read (their errors are reported): a link to one is
    # not "no such page", it is checked again once the file is fixed
    unreadable: set[tuple[str, str]] = field(default_factory=set)

    # items by site and by receiving site, in index order: made on first use and dropped whenever
    # an item is added or a receiver changes (asking per site used to scan every item: sites × items)
    _of_site: dict[str, list[Item]] | None = field(default=None, repr=False, compare=False)
    _received: dict[str, list[Item]] | None = field(default=None, repr=False, compare=False)

    def add(self, item: Item) -> None:
        self.items.append(item)
        self.by_source[(item.site, item.rel)] = item
        self.regroup()

    def regroup(self) -> None:
        """Forget the groups by site (after an item was added or its ``syndicate`` changed)."""
        self._of_site = self._received = None

    def get(self, site: str, rel: str) -> Item | None:
        return self.by_source.get((site, rel))

    def of_site(self, site: str) -> list[Item]:
        if self._of_site is None:
            self._of_site = {}
            for item in self.items:
                self._of_site.setdefault(item.site, []).append(item)
        return list(self._of_site.get(site, ()))

    def received_by(self, site: str) -> list[Item]:
        """Items of other sites syndicated into ``site``."""
        if self._received is None:
            self._received = {}
            for item in self.items:
                for receiver in dict.fromkeys(item.syndicate):
                    self._received.setdefault(receiver, []).append(item)
        return list(self._received.get(site, ()))


def index_content(
    root: Path,
    cluster: Cluster,
    problems: Problems,
    renderer: MarkdownRenderer | None = None,
    read: ItemReader | None = None,
    prefill: Prefill | None = None,
    known: KnownSources | None = None,
) -> ContentIndex:
    """Read every content file of every site (all of them: links cross sites) into the index.

    ``read``: what turns a file into an item, :func:`read_file_item` unless a cache of read items
    (``content/item_cache.py``) answers for the files that did not change; ``prefill``: given
    every file first, so that such a cache can read the ones it lacks in parallel (the files are
    then read in order, their problems reported in order, as without it); ``known``: what spares
    the walk reading a file whose bytes a stat vouches for (only with a ``read`` that answers for
    them without the bytes)."""
    index = ContentIndex()
    renderer = renderer or MarkdownRenderer()
    reader = read or read_file_item
    walked = Problems()  # the walk's own problems, each reported just before the file it found next
    files: list[ContentFile] = []
    found_before: list[int] = []
    for file in content_files(root, cluster, walked, known):
        files.append(file)
        found_before.append(len(walked.items))
    if prefill is not None:
        prefill(files, renderer)
    reported = 0
    for file, found in zip(files, found_before):
        problems.extend(walked.items[reported:found])  # the same order as a walk that reads as it goes
        reported = found
        item = reader(file, problems, renderer)
        if item:
            index.add(item)
        else:
            index.unreadable.add((file.site.id, file.rel))
    problems.extend(walked.items[reported:])
    _resolve_syndication(index, cluster, problems)
    _check_unique_paths(index, problems)
    return index


def read_file_item(file: ContentFile, problems: Problems, renderer: MarkdownRenderer | None = None) -> Item | None:
    """:func:`read_item` of a file that was read (the reader of the index without a cache)."""
    assert file.raw is not None, "a file whose bytes were not read needs the cache that vouched for them"
    return read_item(file.raw, file.site, file.column, file.rel, file.source, problems, renderer)


def content_files(root: Path, cluster: Cluster, problems: Problems, known: KnownSources | None = None) -> Iterator[ContentFile]:
    """Every Markdown file of every site's columns, with its bytes and their SHA-256, in index order;
    what is not one (a file outside a column, a device, an unknown column, a file that cannot be
    read) is a problem here and is skipped. ``known``: a file it vouches for is not read (its
    ``raw`` is ``None``); every file read is noted to it.

    One ``scandir`` per folder: whether an entry is a folder, a file or a symbolic link comes with
    the listing, so a file costs one ``stat`` (and a read only when it changed)."""
    real_content = Path(os.path.realpath(root)) / "content"
    _check_site_folders(root, cluster, problems)
    if known is not None:
        known.begin()
    for site in cluster.sites:
        folder = root / "content" / site.id
        if not folder.is_dir():
            continue
        if Path(os.path.realpath(folder)) != real_content / site.id:
            problems.add(
                f"content/{site.id}", None, "link-outside",
                _("content/{site} is a symbolic link to {target}; a site's content must be a real folder of the repository, reviewed and versioned with it").format(
                    site=site.id, target=os.path.realpath(folder)
                ),
            )
            continue
        columns = {c.id: c for c in reversed(site.columns)}  # the first of an id, as Site.column
        for rel, entry in _walk(str(folder), ""):
            if _ignored(rel) or (entry.is_symlink() and not _symlink_ok(Path(entry.path), root, f"content/{site.id}/{rel}", problems)) or entry.is_dir():
                continue
            if not entry.is_file():
                problems.add(f"content/{site.id}/{rel}", None, "not-a-file", _("a named pipe, socket or device, not a file; remove it (content is Markdown files)"))
                continue
            source = f"content/{site.id}/{rel}"
            top, slash, inner = rel.partition("/")
            column = columns.get(top) if slash else None
            # a column folder that is no column is reported once, as unknown-column, with where to move
            # the file; renaming it (政务动态/ → zheng-wu-dong-tai/) would not help
            _check_file_name(rel if column is not None or not slash else inner, source, problems)
            if not entry.name.lower().endswith((".md", ".markdown")):  # the suffix (a hidden name is skipped above)
                problems.add(source, None, "not-markdown", _("content folders hold Markdown (.md) files; put images and attachments under files/"))
                continue
            if not slash:
                problems.add(
                    source, None, "outside-column",
                    _("a Markdown file must be inside a column folder, e.g. {example}").format(example=f"content/{site.id}/{site.columns[0].id}/{entry.name}"),
                )
                continue
            if column is None:
                problems.add(source, None, "unknown-column", _unknown_column(site, top))
                continue
            file = _read_file(entry, site, column, rel, source, problems, known)
            if file is not None:
                yield file


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(path in the site, entry)`` of everything under ``folder``, in the order of
    ``sorted(Path(folder).rglob("*"))`` (each folder's entries by name, a folder followed by its
    contents): not into a symbolic link to a folder, nor into what is never read — attachments
    and data (``RESERVED_FOLDERS``, at the top) and hidden folders, all of whose files
    :func:`_ignored` skips. A folder that cannot be listed is passed over, as ``rglob`` does."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except PermissionError:
        return
    for entry in entries:
        if not prefix and entry.name in RESERVED_FOLDERS:
            continue  # attachments and data: attachments.py, annual_report.py
        rel = prefix + entry.name
        yield rel, entry
        if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, rel + "/")


def _read_file(entry: os.DirEntry[str], site: Site, column: Column, rel: str, source: str, problems: Problems, known: KnownSources | None) -> ContentFile | None:
    """The file as :func:`content_files` yields it: not read when ``known`` vouches for it; an
    unreadable file is a located error, not a traceback."""
    try:
        stat = entry.stat()  # before reading (a change after it gives numbers that never match again); follows a link
        if stat.st_size > MAX_BYTES:  # do not read a 2 GB video into memory to say so
            problems.add(source, None, "file-too-large", _("{size} KiB is over the 5 MB limit for a content file; put large material in files/ and link it").format(size=stat.st_size // 1024))
            return None
        digest = known.known(site, column, rel, source, stat) if known is not None else None
        if digest is not None:
            return ContentFile(site, column, rel, source, None, digest)
        raw = Path(entry.path).read_bytes()
    except OSError as exc:
        problems.add(source, None, "unreadable", _("cannot read the file: {reason}").format(reason=exc.strerror or exc))
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if known is not None:
        known.note(source, stat, digest)
    return ContentFile(site, column, rel, source, raw, digest)


def _check_site_folders(root: Path, cluster: Cluster, problems: Problems) -> None:
    """A folder under ``content/`` that no site file names is an error at the folder."""
    content = root / "content"
    if not content.is_dir():
        return
    for folder in sorted(p for p in content.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name not in cluster and not (root / "sites" / f"{folder.name}.toml").exists():
            problems.add(
                f"content/{folder.name}", None, "unknown-site",
                _("no site file sites/{folder}.toml for this folder{hint}").format(folder=folder.name, hint=did_you_mean(folder.name, cluster.ids)),
            )


def _unknown_column(site: Site, folder: str) -> str:
    """Where an item in a folder that is no column of its site should go: the columns, by name too."""
    columns = ", ".join(f"{c.id} ({c.name})" for c in site.columns)
    named = [c for c in site.columns if c.name == folder]
    if named:
        return _(
            "the folder {folder}/ is named after the column {name}: folders use the column's id, so move the file to content/{site}/{column}/ (columns: {columns})"
        ).format(folder=folder, name=named[0].name, site=site.id, column=named[0].id, columns=columns)
    return _(
        "{site_name} has no column {folder!r}{hint}: "
        "move the file into one of its columns ({columns}), or ask the webmaster to add the column to {site_file}"
    ).format(site_name=site.name, folder=folder, hint=did_you_mean(folder, [c.id for c in site.columns]), columns=columns, site_file=site.source)


#: A content file's name and the folders inside a column: the name is part of addresses and of
#: messages, so plain ASCII, as the README asks.
_FILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _check_file_name(rel: str, source: str, problems: Problems) -> None:
    """A located error for a file or folder name that is not plain ASCII, with the name to use.

    ``春耕 通知.md``, ``a%2fb.md`` or ``%2e%2e.md`` would make addresses nobody can type, or names
    tools read differently (a percent sign, a backslash, a leading dot).
    """
    for part in rel.split("/"):
        if _FILE_NAME_RE.fullmatch(part) and ".." not in part:
            continue
        stem, dot, suffix = part.rpartition(".") if "." in part.lstrip(".") else (part, "", "")
        suggestion = slug_from_title(stem, fallback="item") + (dot + suffix.lower() if suffix.isascii() and suffix.isalnum() else "")
        if part == rel.rsplit("/", 1)[-1]:
            message = _("the file name {name!r} is not plain ASCII (letters, digits, '-', '_' and '.'); rename it, e.g. to {suggestion!r}")
        else:
            message = _("the folder name {name!r} is not plain ASCII (letters, digits, '-', '_' and '.'); rename it, e.g. to {suggestion!r}")
        problems.add(source, None, "bad-file-name", message.format(name=part, suggestion=suggestion))
        return


def _symlink_ok(path: Path, root: Path, source: str, problems: Problems) -> bool:
    """A symbolic link must lead to something inside the repository.

    A dangling link would make its page vanish without a word, and one that leaves the
    repository would publish a file nobody reviewed (``files/x.pdf -> /home/…``); both are
    located errors. Links inside the repository are read like the files they point to.
    """
    if not path.is_symlink():
        return True
    target = os.readlink(path)
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target or a loop
        problems.add(source, None, "broken-symlink", _("a symbolic link to {target}, which does not exist; remove it or copy the file itself here").format(target=target))
        return False
    content = root.resolve() / "content"
    if content not in resolved.parents:
        if root.resolve() not in resolved.parents:
            message = _(
                "a symbolic link to {target}, outside the repository; copy the file into the repository's content instead, so it is reviewed and versioned with the site"
            ).format(target=target)
        else:
            message = _(
                "a symbolic link to {target}, to {resolved}, outside content/; copy the file into the repository's content instead, so it is reviewed and versioned with the site"
            ).format(target=target, resolved=resolved.relative_to(root.resolve()).as_posix())
        problems.add(source, None, "link-outside", message)
        return False
    if resolved.is_dir():
        problems.add(source, None, "link-outside", _("a symbolic link to the folder {target}; put the items themselves in the column folder").format(target=target))
        return False
    return True


def _ignored(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(part.startswith(".") for part in rel.split("/")) or name.endswith("~") or name.startswith("#")


def read_item(raw: bytes, site: Site, column: Column, rel: str, source: str, problems: Problems, renderer: MarkdownRenderer | None = None) -> Item | None:
    """Lint one content file and turn it into an :class:`Item`.

    Every check of a single file lives here (header, values, required keys, body, raw HTML), so
    one call reports everything wrong with the file at once. A file with errors is still indexed,
    marked :attr:`Item.broken`: the cross-file checks (duplicate slugs and 索引号, links to it,
    syndication) then see it in the same run instead of after the author fixed it. Values that
    failed their check are left out of its metadata and named in :attr:`Item.refused_keys` (so no
    later stage reads them, nor reports them missing); a title or date that cannot be read is
    stood in for by the file's name and :data:`UNKNOWN_DATE`, which only checks ever see: a broken
    item is never rendered. ``None`` only when the file has no header at all.
    """
    before = len(problems.errors)
    parsed = read_source(raw, source, problems)
    if parsed is None:
        return None
    meta, lines = dict(parsed.meta), parsed.lines
    for key, value in parsed.meta.items():
        check = KNOWN_KEYS[key].check
        message = check(value) if check else None
        if message:
            problems.add(source, lines[key], "bad-value", _("{key}: {message}").format(key=key, message=message))
            del meta[key]
    for key in ("Title", "Date"):
        if key not in parsed.meta and key not in parsed.mistyped:
            problems.add(source, 1, "missing-key", _("missing '{key}:' header line (every item needs Title and Date)").format(key=key))
    if column.type in ("document", "disclosure"):
        missing = [key for key in DOCUMENT_KEYS if key not in parsed.meta and key not in parsed.mistyped]
        if missing:
            problems.add(source, 1, "missing-key", _("a {type} item needs {keys} ({column} 栏目)").format(type=column.type, keys=", ".join(missing), column=column.name))
        if meta.get("Validity") in ("失效", "废止") and "Validity-Date" not in parsed.meta:
            problems.add(source, lines.get("Validity"), "missing-key", _("Validity: {validity} needs a Validity-Date").format(validity=meta["Validity"]))
        _check_document_dates(meta, lines, source, problems)
    if not parsed.body.strip():
        line = min(parsed.body_line, parsed.last_line) if meta else 1
        problems.add(source, line, "empty-body", _("the item has no text after its header (an empty line, then the text)"))
    if meta.get("Status", "published") != "draft":
        _check_placeholders(parsed.body, parsed.body_line, meta, lines, source, problems)
    # A letter's body is the public's own text, shown escaped and never as HTML: nothing in it
    # can run, and it must be published as written, so only its header is held to the policy.
    policed_body = "" if column.type == "letter" else parsed.body
    check_mongolian(parsed.meta, lines, parsed.body, parsed.body_line, source, site.vertical, problems)
    check_item_html(meta, lines, policed_body, parsed.body_line, source, site.publishing.iframe_hosts, problems)
    # what the sanitiser would still take out, as rendered (lines the policy reported are skipped)
    check_rendered_html(meta, lines, policed_body, parsed.body_line, source, site.publishing.iframe_hosts, renderer or MarkdownRenderer(), problems)
    broken = len(problems.errors) > before
    title, date = meta.get("Title", ""), parse_date(meta.get("Date", ""))
    if not strip_text(title) or date is None:
        assert broken  # a missing or refused Title or Date is reported above
        title, date = strip_text(title) or PurePosixPath(rel).stem, date or UNKNOWN_DATE
    check_alt_text(source, policed_body, parsed.body_line, problems)
    slug = meta.get("Slug") or _slug(title, rel, site, meta, lines, source, problems)
    item = Item(
        site=site.id,
        column=column.id,
        rel=rel,
        source=source,
        meta=meta,
        lines=lines,
        body=parsed.body,
        body_line=parsed.body_line,
        title=title,
        date=date,
        slug=slug,
        status=meta.get("Status", "published"),
        visibility=meta.get("Visibility", "public"),
        aliases=tuple(split_list(meta.get("Aliases", ""))),
        tags=tuple(split_list(meta.get("Tags", ""))),
        broken=broken,
        refused_keys=frozenset(set(parsed.meta) - set(meta)),
    )
    item.digests = read_digests(item)  # made once, here, and kept with the item by the cache of read items
    return item


def _slug(title: str, rel: str, site: Site, meta: dict[str, str], lines: dict[str, int], source: str, problems: Problems) -> str:
    """The slug of an item without ``Slug:``: the pinyin of its title, else its file name.

    A Mongolian title has no pinyin, and no transliteration of traditional Mongolian is agreed
    (the same word is romanised three ways on Inner Mongolian sites), so an item of a Mongolian
    edition takes its address from ``Slug:`` and, without one, from its file name (the date prefix
    kept out); a file name that is no slug either is a located error asking for ``Slug:``.
    """
    if not site.vertical and re.search(r"[\u3400-\u9fffA-Za-z0-9]", title):
        return slug_from_title(title, fallback=PurePosixPath(rel).stem)
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", PurePosixPath(rel).stem).lower()
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", stem) and stem != "index":
        return stem
    problems.add(
        source, lines.get("Title", 1), "missing-slug",
        _("a Mongolian title gives no address: add 'Slug:' with lowercase ASCII letters, digits and hyphens, e.g. the Chinese page's slug"),
    )
    return PurePosixPath(rel).stem.lower() or "item"


def _check_placeholders(body: str, body_line: int, meta: dict[str, str], lines: dict[str, int], source: str, problems: Problems) -> None:
    """What ``build.py new`` wrote for the author to replace is never published (text and header values)."""
    for key, value in meta.items():
        found = placeholder_in(value, VALUE_PLACEHOLDERS) if value.strip() == "（职务）" else placeholder_in(value)
        if found:
            problems.add(
                source, lines.get(key), "placeholder-text",
                _("{key}: still reads '{found}' (written by build.py new): write the real value before the item is published").format(key=key, found=found),
            )
    for number, text in enumerate(body.split("\n")):
        found = placeholder_in(text)
        if found:
            problems.add(
                source, body_line + number, "placeholder-text",
                _("the text still reads '{found}' (written by build.py new): write the item's text in its place before it is published").format(found=found),
            )


def _check_document_dates(meta: dict[str, str], lines: dict[str, int], source: str, problems: Problems) -> None:
    """A document is written (成文) before it is published, and stops being valid after that."""
    written, published, ended = (parse_date(meta.get(key, "")) for key in ("Written", "Date", "Validity-Date"))
    if written and published and written.date() > published.date():
        problems.add(
            source, lines.get("Written"), "bad-date-order",
            _("Written: 成文日期 {written} is after the 发布日期 (Date: {published}); a document is written before it is published").format(
                written=written.date(), published=published.date()
            ),
        )
    if written and ended and ended.date() < written.date():
        problems.add(
            source, lines.get("Validity-Date"), "bad-date-order",
            _("Validity-Date: {ended} is before the 成文日期 (Written: {written})").format(ended=ended.date(), written=written.date()),
        )


#: What office staff write for the groups (各旗县市, 各部门, 全部): read as the group.
SYNDICATE_GROUP_WORDS = {
    "counties": ("各旗县市", "各旗县", "旗县市", "旗县", "各旗县（市）", "旗县（市）", "各县市", "县市"),
    "departments": ("各部门", "盟直各部门", "各盟直部门", "盟直部门", "部门"),
    "all": ("全部", "全部网站", "所有网站", "所有", "全站群", "站群"),
}


def _syndicate_group(word: str) -> str | None:
    """The group ``word`` names (``counties``, ``各旗县`` → counties), or ``None``."""
    for group, words in SYNDICATE_GROUP_WORDS.items():
        if word.lower() == group or word in words:
            return group
    return None


def _resolve_syndication(index: ContentIndex, cluster: Cluster, problems: Problems) -> None:
    """Turn ``Syndicate:`` values into receiving site ids: site ids or names (乌兰浩特市), groups
    in English or Chinese (``counties``, 各旗县市); anything else is a located error that lists
    what may be written."""
    kinds = {"counties": "county", "departments": "department"}
    for item in index.items:
        value = item.meta.get("Syndicate")
        if not value:
            continue
        receivers: list[str] = []
        lang = cluster[item.site].lang  # syndication stays among the sites of one language
        for word in split_list(value):
            group = _syndicate_group(word)
            site = cluster.named(word)
            if group == "all":
                receivers += [s.id for s in cluster.sites if s.lang == lang]
            elif group is not None:
                receivers += [s.id for s in cluster.of_kind(kinds[group], lang)]
            elif site is not None and cluster[site].lang != lang:
                problems.add(
                    item.source, item.line_of("Syndicate"), "syndicate-language",
                    _("Syndicate: {site} is written in {other}, this item in {lang}; a copy would show one language in the other's pages. Translate the item in {site} and name this page with Translation-Of").format(
                        site=site, other=cluster[site].lang, lang=lang
                    ),
                )
            elif site is not None:
                receivers.append(site)
            else:
                names = [n for s in cluster.sites for n in (s.name, s.label)]
                hint = did_you_mean(word, list(SYNDICATE_GROUPS) + cluster.ids + names)
                accepted = "" if hint else _("; write site ids or names ({sites}) or a group: {groups}").format(
                    sites=cluster.listing(), groups=", ".join(f"{g} ({words[0]})" for g, words in SYNDICATE_GROUP_WORDS.items())
                )
                problems.add(item.source, item.line_of("Syndicate"), "unknown-site", _("Syndicate: no site '{site}'{hint}").format(site=word, hint=hint) + accepted)
        item.syndicate = tuple(dict.fromkeys(r for r in receivers if r != item.site))
    index.regroup()


def _check_unique_paths(index: ContentIndex, problems: Problems) -> None:
    """Two items of a site writing the same page is one error naming both files.

    A syndicated copy landing on a receiver's own page is checked with the address map
    (``addresses.check_syndication``), where the receivers are known.
    """
    seen: dict[tuple[str, str], Item] = {}
    writes = [(item.site, item.path, item) for item in index.items if not item.is_draft]
    for site_id, path, item in writes:
        key = (site_id, path)
        other = seen.get(key)
        if other is item:
            continue
        if other:
            problems.add(
                item.source,
                item.line_of("Slug") or item.line_of("Title"),
                "duplicate-slug",
                _("writes {site}/{path}, as does {other}; give one of them another 'Slug:'").format(site=site_id, path=path, other=other.source),
            )
        else:
            seen[key] = item
