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
are about its name, which ``read_item`` neither reads nor repeats). The body is stored as read; the
date is parsed again from the stored ``Date`` value (``parse_date`` is pure), as ``read_item`` does.

One JSON file, ``.zhanqun-cache/items.json`` (items do not depend on the target), written
atomically when it gained or lost entries, holding only what this build read (every source is
read by every build). A damaged file is a warning and is ignored; ``RenderCache``'s rules apply.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..config.sites import Column, Site
from ..errors import Problem, Problems
from ..i18n import N_, current_language
from ..parallel import fork_map, forget_in_child
from .index import UNKNOWN_DATE, ContentFile, Item, read_item
from .markdown_render import MarkdownRenderer
from .metadata import parse_date
from .render_cache import CACHE_FOLDER, DamagedMessages, code_fingerprint, entry_key, read_cache_file, write_cache_file

FILE = "items.json"
ITEMS_DAMAGED: DamagedMessages = (
    N_("the cache of read items cannot be read ({problem}); it is ignored and rebuilt"),
    N_("the cache of read items is not in the form this version writes; it is ignored and rebuilt"),
    N_("the cache of read items holds values of the wrong kind; it is ignored and rebuilt"),
)


class ItemCache:
    """Items and their problems by content key. ``ItemCache(None)`` reads every file (``--no-cache``)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.key = hashlib.sha256(f"{code_fingerprint()}\0{current_language()}".encode("utf-8")).hexdigest()
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.added = 0
        self.hits = 0

    @property
    def path(self) -> Path | None:
        return self.root / CACHE_FOLDER / FILE if self.root else None

    def load(self, problems: Problems) -> None:
        """Read the cache file, if any; a damaged one is a warning (and every file is read)."""
        if self.root is not None:
            self.entries = read_cache_file(self.root, FILE, self.key, _is_entry, ITEMS_DAMAGED, problems) or {}

    @staticmethod
    def entry_key(raw: bytes, site: Site, column: Column, rel: str, source: str) -> str:
        return entry_key("item", hashlib.sha256(raw).hexdigest(), source, rel, site.id, site.vertical, list(site.publishing.iframe_hosts), column.id, column.type, column.name)

    def prefill(self, files: list[ContentFile], renderer: MarkdownRenderer) -> None:
        """Read every file of ``files`` this cache lacks in forked processes, one per CPU
        (``parallel.py``): a cold build reads ten thousand. :meth:`read` then finds them here, and
        reports their problems in order. Also without a cache folder (``--no-cache``): the
        entries then live for this build only."""
        missing = {}
        for site, column, rel, source, raw in files:
            key = self.entry_key(raw, site, column, rel, source)
            if key not in self.entries:
                missing[key] = (raw, site, column, rel, source)
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

    def read(self, raw: bytes, site: Site, column: Column, rel: str, source: str, problems: Problems, renderer: MarkdownRenderer | None = None) -> Item | None:
        """``read_item(raw, site, column, rel, source, problems, renderer)``, from the cache when it has it."""
        key = self.entry_key(raw, site, column, rel, source)
        if self.root is None and key not in self.entries:
            return read_item(raw, site, column, rel, source, problems, renderer)
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            problems.extend(Problem(p[0], p[1], p[2], p[3], p[4]) for p in entry["problems"])
            return _item(entry["item"], site, column, rel, source) if entry["item"] is not None else None
        item, self.entries[key] = _read(raw, site, column, rel, source, renderer)
        problems.extend(Problem(p[0], p[1], p[2], p[3], p[4]) for p in self.entries[key]["problems"])
        self.added += 1
        return item

    def save(self) -> None:
        """Write the file if it changed, keeping only what this build read."""
        if self.root is None:
            return
        stale = [key for key in self.entries if key not in self.used]
        if not self.added and not stale and self.path and self.path.is_file():
            return
        for key in stale:
            del self.entries[key]
        write_cache_file(self.root, FILE, self.key, self.entries)
        self.added = 0


def _read(raw: bytes, site: Site, column: Column, rel: str, source: str, renderer: MarkdownRenderer | None) -> tuple[Item | None, dict[str, Any]]:
    """``read_item`` into a collector of its own: the item, and the entry to keep."""
    own = Problems()
    item = read_item(raw, site, column, rel, source, own, renderer)
    return item, {"problems": [[p.path, p.line, p.code, p.message, p.severity] for p in own.items], "item": _encoded(item) if item else None}


#: The renderer forked readers use (set only while :meth:`ItemCache.prefill` runs).
_RENDERER: MarkdownRenderer | None = None


def _read_in_child(file: ContentFile) -> dict[str, Any] | None:
    """In a forked worker: the cache entry of one file; ``None`` where reading fails (the build
    reads it again in order, and reports what it must)."""
    try:
        return _read(*file, _RENDERER)[1]
    except Exception:
        return None
    finally:
        if _RENDERER is not None:
            forget_in_child(_RENDERER.cache)


def _encoded(item: Item) -> dict[str, Any]:
    """What of an item the key does not already say (key order of the header kept: lists of pairs)."""
    return {
        "meta": list(item.meta.items()),
        "lines": list(item.lines.items()),
        "body": item.body,
        "body_line": item.body_line,
        "title": item.title,
        "slug": item.slug,
        "status": item.status,
        "visibility": item.visibility,
        "aliases": list(item.aliases),
        "tags": list(item.tags),
        "broken": item.broken,
        "refused": sorted(item.refused_keys),
    }


def _item(data: dict[str, Any], site: Site, column: Column, rel: str, source: str) -> Item:
    meta = {str(k): str(v) for k, v in data["meta"]}
    return Item(
        site=site.id,
        column=column.id,
        rel=rel,
        source=source,
        meta=meta,
        lines={str(k): int(v) for k, v in data["lines"]},
        body=str(data["body"]),
        body_line=int(data["body_line"]),
        title=str(data["title"]),
        date=parse_date(meta.get("Date", "")) or UNKNOWN_DATE,  # as read_item: a refused Date is not in meta
        slug=str(data["slug"]),
        status=str(data["status"]),
        visibility=str(data["visibility"]),
        aliases=tuple(str(a) for a in data["aliases"]),
        tags=tuple(str(t) for t in data["tags"]),
        broken=bool(data["broken"]),
        refused_keys=frozenset(str(k) for k in data["refused"]),
    )


_ITEM_KEYS = {"meta", "lines", "body", "body_line", "title", "slug", "status", "visibility", "aliases", "tags", "broken", "refused"}


def _is_entry(value: object) -> bool:
    """Whether a stored entry has the shape :func:`ItemCache.save` writes (never trusted blindly)."""
    if not isinstance(value, dict) or not isinstance(value.get("problems"), list):
        return False
    for p in value["problems"]:
        if not (isinstance(p, list) and len(p) == 5 and isinstance(p[0], str) and (p[1] is None or isinstance(p[1], int)) and all(isinstance(x, str) for x in p[2:4]) and p[4] in ("error", "warning")):
            return False
    item = value.get("item")
    if item is None:
        return True
    if not isinstance(item, dict) or set(item) != _ITEM_KEYS:
        return False
    pairs = all(isinstance(item[k], list) and all(isinstance(p, list) and len(p) == 2 for p in item[k]) for k in ("meta", "lines"))
    return pairs and all(isinstance(v, int) for _k, v in item["lines"]) and isinstance(item["body_line"], int) and isinstance(item["broken"], bool) and all(isinstance(item[k], list) for k in ("aliases", "tags", "refused"))
