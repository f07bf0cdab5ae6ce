"""The two digests of an item as read, by which the memo of resolved links keys it
(``links/link_memo.py``): what other items' links can see of it (its *standing*: everything but
its text and line numbers), and its text with the line of each part.

Both are functions of the file's bytes, its place and zhanqun's code alone, so the cache of read
items (``item_cache.py``) stores them with the item, made once when the file is read: a build
after one edit then hashes one item, not ten thousand (each digest costs a JSON encoding and a
SHA-256 of the item, about a tenth of a second for the cluster). The receiving sites of a
syndicated item are settled across files after reading, so they are not in the stored standing
digest but added to it in every build (:func:`standing_digest`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from .render_cache import json_bytes

if TYPE_CHECKING:
    from .index import Item


def read_digests(item: "Item") -> tuple[str, str]:
    """(standing without the receiving sites, text) SHA-256 of ``item`` as read: what the cache
    of read items keeps (:attr:`Item.digests`), made here when it has none."""
    if item.digests is not None:
        return item.digests
    standing = [
        item.source, item.site, item.column, item.rel, item.meta, item.title, item.date.isoformat(), item.slug, item.status,
        item.visibility, list(item.aliases), list(item.tags), item.broken, sorted(item.refused_keys),
    ]  # fmt: skip
    text = hashlib.sha256(repr((item.body_line, sorted(item.lines.items()))).encode("utf-8") + b"\0")  # str keys, int values: repr is exact
    text.update(item.body.encode("utf-8", "surrogatepass"))
    return hashlib.sha256(json_bytes(standing)).hexdigest(), text.hexdigest()


def standing_digest(item: "Item") -> str:
    """SHA-256 of what other items' links can see of ``item``: all of it but its text and line
    numbers, its receiving sites included."""
    return hashlib.sha256(f"{read_digests(item)[0]}\0{','.join(item.syndicate)}".encode("utf-8")).hexdigest()


def text_digest(item: "Item") -> str:
    """SHA-256 of ``item``'s text and the line of each part of it (they are in its messages)."""
    return read_digests(item)[1]
