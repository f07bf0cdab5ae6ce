"""The cache of read items: what :func:`.index.read_item` made of a content file — its
:class:`~.index.Item` and its problems — kept between builds, so that a build after one edit
parses and checks one file, not ten thousand.

``read_item`` is a pure function of the file's bytes, the file's path (messages and the item name
it), the column (id, type, name), two facts of the site (``vertical``, its iframe hosts) and
zhanqun's code; the messages are text in the language of the build. An entry's key is the SHA-256
of all of them but the last two, which key the whole file (with
:func:`~.render_cache.code_fingerprint`): a cache of another version or language is never used.
Everything that looks across files — syndication, duplicate slugs and 索引号, links, review —
runs over all items every time, after this.

A hit gives a new :class:`~.index.Item` equal to what ``read_item`` returns, and adds the same
problems, in the same order, as reading the file would (a miss runs ``read_item`` into a collector
of its own, which is what is stored: the only problems of the file that exist before it is read
are about its name, which ``read_item`` neither reads nor repeats). The body is stored as read, the
date as the value it is (``_encoded``), so a hit parses nothing; and the item's two digests as read
(``item_digest.py``), so a hit hashes nothing either.

One JSON file, ``.zhanqun-cache/items.json`` (items do not depend on the target), written
atomically when it gained or lost entries, holding only what this build read (every source is
read by every build). A damaged file is a warning and is ignored; ``RenderCache``'s rules apply.
Beside it, the record of sources by stat (``source_stats.py``, ``.zhanqun-cache/sources.json``):
a source it vouches for, whose entry is here, is neither read nor hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config.sites import Column, Site
from ..errors import Problem, Problems
from ..i18n import N_, current_language
from ..parallel import fork_map, forget_in_child
from .index import ContentFile, Item, read_file_item
from .item_digest import read_digests
from .markdown_render import MarkdownRenderer
from .metadata import SHANGHAI
from .render_cache import CACHE_FOLDER, DamagedMessages, code_fingerprint, read_cache_file, write_cache_file
from .source_stats import SourceStats

FILE = "items.json"
ITEMS_DAMAGED: DamagedMessages = (
    N_("the cache of read items cannot be read ({problem}); it is ignored and rebuilt"),
    N_("the cache of read items is not in the form this version writes; it is ignored and rebuilt"),
    N_("the cache of read items holds values of the wrong kind; it is ignored and rebuilt"),
)


class ItemCache:
    """Items and their problems by content key. ``ItemCache(None)`` reads every file (``--no-cache``).

    Also what spares the walk reading a file (``index.KnownSources``): a source whose stat the
    record of sources (``source_stats.py``) vouches for, and whose item this cache holds, is not
    read; its recorded SHA-256 stands for its bytes."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.key = hashlib.sha256(f"{code_fingerprint()}\0{current_language()}".encode("utf-8")).hexdigest()
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.added = 0
        self.hits = 0
        self.sources = SourceStats(root)
        self._columns: dict[tuple[str, str], str] = {}  # (site, column) → what of them keys an entry
        self._known: dict[str, tuple[str, str]] = {}  # source → (digest, entry key) :meth:`known` just made

    @property
    def path(self) -> Path | None:
        return self.root / CACHE_FOLDER / FILE if self.root else None

    def load(self, problems: Problems) -> None:
        """Read the cache file and the record of sources, if any; a damaged one is a warning (and
        every file is read)."""
        if self.root is not None:
            self.entries = read_cache_file(self.root, FILE, self.key, _is_entry, ITEMS_DAMAGED, problems) or {}
            self.sources.load(problems)

    def entry_key(self, digest: str, site: Site, column: Column, rel: str, source: str) -> str:
        """The key of what ``read_item`` makes of bytes whose SHA-256 is ``digest`` at ``source``:
        the facts of the site and column are the same for all of its files, put in JSON once."""
        facts = self._columns.get((site.id, column.id))
        if facts is None:
            facts = self._columns[(site.id, column.id)] = json.dumps(
                ["item", site.id, site.vertical, list(site.publishing.iframe_hosts), column.id, column.type, column.name], ensure_ascii=False
            )
        return hashlib.sha256(f"{facts}\0{source}\0{rel}\0{digest}".encode("utf-8")).hexdigest()

    # --- index.KnownSources: reading only what changed

    def begin(self) -> None:
        self.sources.begin()

    def known(self, site: Site, column: Column, rel: str, source: str, stat: os.stat_result) -> str | None:
        digest = self.sources.digest(source, stat)
        if digest is None:
            return None
        key = self.entry_key(digest, site, column, rel, source)
        if key not in self.entries:
            return None
        self._known[source] = (digest, key)  # :meth:`read` asks for the same key next
        return digest

    def note(self, source: str, stat: os.stat_result, digest: str) -> None:
        self.sources.note(source, stat, digest)

    # --- reading

    def prefill(self, files: list[ContentFile], renderer: MarkdownRenderer) -> None:
        """Read every file of ``files`` this cache lacks in forked processes, one per CPU
        (``parallel.py``): a cold build reads ten thousand. :meth:`read` then finds them here, and
        reports their problems in order. Also without a cache folder (``--no-cache``): the
        entries then live for this build only."""
        missing = {}
        for file in files:
            if file.raw is not None:
                key = self.entry_key(file.digest, file.site, file.column, file.rel, file.source)
                if key not in self.entries:
                    missing[key] = file
        global _RENDERER
        _RENDERER = renderer
        try:
            entries = fork_map(_read_in_child, list(missing.values()), os.cpu_count() or 1)
        finally:
            _RENDERER = None
        for key, entry in zip(missing, entries or ()):
            if entry is not None:
                self.entries[key] = entry
                self.added += 1

    def read(self, file: ContentFile, problems: Problems, renderer: MarkdownRenderer | None = None) -> Item | None:
        """``read_item`` of the file, from the cache when it has it (always, for a file not read)."""
        site, column, rel, source = file.site, file.column, file.rel, file.source
        known = self._known.pop(source, None)
        key = known[1] if known is not None and known[0] == file.digest else self.entry_key(file.digest, site, column, rel, source)
        if self.root is None and key not in self.entries:
            self.added += 1  # read anew (nothing is kept: no cache folder)
            return read_file_item(file, problems, renderer)
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            if entry["problems"]:
                problems.extend(Problem(p[0], p[1], p[2], p[3], p[4]) for p in entry["problems"])
            return _item(entry["item"], site, column, rel, source) if entry["item"] is not None else None
        item, self.entries[key] = _read(file, renderer)
        problems.extend(Problem(p[0], p[1], p[2], p[3], p[4]) for p in self.entries[key]["problems"])
        self.added += 1
        return item

    def save(self) -> None:
        """Write the file if it changed, keeping only what this build read; then the record of sources."""
        if self.root is None:
            return
        stale = [key for key in self.entries if key not in self.used]
        if self.added or stale or not (self.path and self.path.is_file()):
            for key in stale:
                del self.entries[key]
            write_cache_file(self.root, FILE, self.key, self.entries)
            self.added = 0
        self.sources.save()  # after the items: a record never vouches for bytes whose item was not kept


def _read(file: ContentFile, renderer: MarkdownRenderer | None) -> tuple[Item | None, dict[str, Any]]:
    """``read_item`` into a collector of its own: the item, and the entry to keep."""
    own = Problems()
    item = read_file_item(file, own, renderer)
    return item, {"problems": [[p.path, p.line, p.code, p.message, p.severity] for p in own.items], "item": _encoded(item) if item else None}


#: The renderer forked readers use (set only while :meth:`ItemCache.prefill` runs).
_RENDERER: MarkdownRenderer | None = None


def _read_in_child(file: ContentFile) -> dict[str, Any] | None:
    """In a forked worker: the cache entry of one file; ``None`` where reading fails (the build
    reads it again in order, and reports what it must)."""
    try:
        return _read(file, _RENDERER)[1]
    except Exception:
        return None
    finally:
        if _RENDERER is not None:
            forget_in_child(_RENDERER.cache)


def _encoded(item: Item) -> dict[str, Any]:
    """What of an item the key does not already say (key order of the header kept: lists of pairs).

    The date is stored as it is (naive ISO text, and whether it is in Asia/Shanghai, the only zone
    ``parse_date`` gives), not parsed again from ``Date``: ``fromisoformat`` gives back exactly the
    value ``read_item`` made, and costs a hundredth of ``strptime``."""
    assert item.date.tzinfo in (None, SHANGHAI), item.date
    return {
        "meta": list(item.meta.items()),
        "lines": list(item.lines.items()),
        "body": item.body,
        "body_line": item.body_line,
        "title": item.title,
        "date": [item.date.replace(tzinfo=None).isoformat(), item.date.tzinfo is not None],
        "slug": item.slug,
        "status": item.status,
        "visibility": item.visibility,
        "aliases": list(item.aliases),
        "tags": list(item.tags),
        "broken": item.broken,
        "refused": sorted(item.refused_keys),
        "digests": list(read_digests(item)),
    }


def _item(data: dict[str, Any], site: Site, column: Column, rel: str, source: str) -> Item:
    """The item an entry stores; its values are of the kinds :func:`_is_entry` checked on loading."""
    date, zoned = data["date"]
    return Item(
        site=site.id,
        column=column.id,
        rel=rel,
        source=source,
        meta=dict(data["meta"]),
        lines=dict(data["lines"]),
        body=data["body"],
        body_line=data["body_line"],
        title=data["title"],
        date=_date(date, zoned),
        slug=data["slug"],
        status=data["status"],
        visibility=data["visibility"],
        aliases=tuple(data["aliases"]),
        tags=tuple(data["tags"]),
        broken=data["broken"],
        refused_keys=frozenset(data["refused"]),
        digests=(data["digests"][0], data["digests"][1]),
    )


def _date(text: str, zoned: bool) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=SHANGHAI) if zoned else value


_ITEM_KEYS = {"meta", "lines", "body", "body_line", "title", "date", "slug", "status", "visibility", "aliases", "tags", "broken", "refused", "digests"}
_STRINGS = ("body", "title", "slug", "status", "visibility")
_STRING_LISTS = ("aliases", "tags", "refused")


def _is_entry(value: object) -> bool:
    """Whether a stored entry has the shape :func:`ItemCache.save` writes, every value of the kind
    :func:`_item` uses as it is (never trusted blindly). Plain loops: it runs for every entry of
    every build."""
    if type(value) is not dict or len(value) != 2 or type(value.get("problems")) is not list or "item" not in value:
        return False
    for p in value["problems"]:
        if type(p) is not list or len(p) != 5 or type(p[0]) is not str or not (p[1] is None or type(p[1]) is int) or type(p[2]) is not str or type(p[3]) is not str or p[4] not in ("error", "warning"):
            return False
    item = value["item"]
    if item is None:
        return True
    if type(item) is not dict or item.keys() != _ITEM_KEYS or not (_pairs(item["meta"], str) and _pairs(item["lines"], int)):
        return False
    for key in _STRINGS:
        if type(item[key]) is not str:
            return False
    for key in _STRING_LISTS:
        values = item[key]
        if type(values) is not list:
            return False
        for text in values:
            if type(text) is not str:
                return False
    digests = item["digests"]
    if not (type(digests) is list and len(digests) == 2 and type(digests[0]) is str and type(digests[1]) is str):
        return False
    return type(item["body_line"]) is int and type(item["broken"]) is bool and _is_date(item["date"])


def _pairs(value: object, kind: type) -> bool:
    """A list of ``[str, kind]`` pairs (a dict in its order)."""
    if type(value) is not list:
        return False
    for pair in value:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str or type(pair[1]) is not kind:
            return False
    return True


def _is_date(value: object) -> bool:
    if not (type(value) is list and len(value) == 2 and type(value[0]) is str and type(value[1]) is bool):
        return False
    try:
        return datetime.fromisoformat(value[0]).tzinfo is None
    except ValueError:
        return False
