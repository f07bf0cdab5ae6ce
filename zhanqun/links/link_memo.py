"""What resolving an item's links found — its problems and the attachments it links — kept between
builds, so that a build after one edit resolves the links of the edited item, not of ten thousand.

Resolving an item's links (``resolve.LinkResolver.rewritten``) is a function of the item and of
the *world* it links into: every item's address and standing (site, column, file, slug, title,
date, status, visibility, syndication, aliases, header values), the files that could not be
read, every attachment name with its identity and why one is refused, the site files, the target
and the preview's base address — and of zhanqun's code and the language of its messages. So an entry is keyed by two digests:

- :func:`world_digest`, once per build and target: every item without its body and line
  numbers (a text cannot change what another item's link resolves to), the attachments, the bytes
  of every site file, the target, the language of messages;
- :func:`item_digest`, per item: all of it, body and line numbers included (they are in its
  messages).

Editing one item's body changes its own digest only: the other items' entries are used as they
are. A new title, slug, status or site file changes the world, and every item is resolved again
(correct, and as fast as a build without this memo). Over-broad on purpose: a key that changes
too often costs time, one that changes too rarely would publish a stale link.

Entries live in the render cache (``content/render_cache.py``): one file per target, tied to the
code fingerprint, pruned to what a full build used, a damaged file ignored with a warning. An
entry that does not have the shape written here is not trusted: the item is resolved again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..content.attachments import Attachments, FileId
from ..content.index import Item
from ..content.item_digest import standing_digest, text_digest
from ..content.render_cache import RenderCache, json_bytes
from ..errors import Problem
from ..i18n import current_language

if TYPE_CHECKING:
    from .addresses import AddressMap

KIND = "links"


def world_digest(root: Path, addresses: "AddressMap", attachments: Attachments) -> tuple[str, dict[str, str]]:
    """SHA-256 of everything an item's links may resolve against, besides the item itself; and
    the digest of each item's standing (``content/item_digest.py``), which its own digest starts from."""
    digest = hashlib.sha256()

    def add(value: object) -> bytes:
        text = json_bytes(value)
        digest.update(text)
        digest.update(b"\0")
        return text

    add([addresses.target.name, addresses.target.include_internal, addresses.preview_base, current_language()])  # problems are text
    sites = root / "sites"
    for path in sorted(sites.glob("*.toml")) if sites.is_dir() else []:
        add([path.name, hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None])
    ordered = [(item.source, standing_digest(item)) for item in addresses.index.items]
    add(ordered)
    standings = dict(ordered)
    add(sorted(addresses.index.unreadable))
    add(sorted([name.site, name.path, identity.site, identity.path] for name, identity in attachments.names.items()))
    add(sorted([name.site, name.path, refused.code, refused.reason] for name, refused in attachments.refused.items()))
    return digest.hexdigest(), standings


def item_digest(item: Item, standing: str | None = None) -> str:
    """SHA-256 of ``item`` as read: its standing (``standing``: its digest, if made already), its
    text and the line of each part of it."""
    return hashlib.sha256(f"{standing or standing_digest(item)}\0{text_digest(item)}".encode("ascii")).hexdigest()


class LinkMemo:
    """The memo of one build and target: problems and linked files by (world, item) digest."""

    def __init__(self, cache: RenderCache, world: str, standings: dict[str, str] | None = None) -> None:
        self.cache = cache
        self.world = world
        self._standings = standings or {}
        self._digests: dict[str, str] = {}
        self._decoded: dict[str, tuple[tuple[Problem, ...], frozenset[FileId]]] = {}  # entry text → what it says

    def key_of(self, item: Item) -> str:
        """The item's digest in this world (computed once per build)."""
        found = self._digests.get(item.source)
        if found is None:
            own = item_digest(item, self._standings.get(item.source))
            found = self._digests[item.source] = hashlib.sha256(f"{self.world}\0{own}".encode("ascii")).hexdigest()
        return found

    def get(self, item: Item) -> tuple[list[Problem], set[FileId]] | None:
        """What resolving ``item``'s links found in an earlier build of the same world, if kept."""
        value = self.cache.find(KIND, (self.key_of(item),))
        if value is None:
            return None
        if not isinstance(value, str):
            self.cache.wrong += 1  # resolved again, and replaced (a warning: RenderCache.report_wrong)
            return None
        decoded = self._decoded.get(value)
        if decoded is None:  # most items' entries are the same few texts (no problem, no file): read once
            try:
                decoded = self._decoded[value] = _decode(value)
            except (ValueError, TypeError, KeyError, IndexError):
                self.cache.wrong += 1
                return None
        return list(decoded[0]), set(decoded[1])

    def put(self, item: Item, problems: list[Problem], files: set[FileId]) -> None:
        data = {
            "problems": [[p.path, p.line, p.code, p.message, p.severity] for p in problems],
            "files": sorted([f.site, f.path] for f in files),
        }
        self.cache.store(KIND, (self.key_of(item),), json_bytes(data).decode("utf-8", "surrogatepass"))


def _decode(value: str) -> tuple[tuple[Problem, ...], frozenset[FileId]]:
    """What an entry :meth:`LinkMemo.put` wrote says; ``ValueError`` (or another lookup error)
    if it is not such an entry."""
    data = orjson.loads(value)
    problems = tuple(Problem(p[0], p[1], p[2], p[3], p[4]) for p in data["problems"] if _is_problem(p))
    files = frozenset(FileId(f[0], f[1]) for f in data["files"] if _is_pair(f))
    if len(problems) != len(data["problems"]) or len(files) != len({tuple(f) for f in data["files"]}):
        raise ValueError("not what this module writes")
    return problems, files


def _is_problem(value: object) -> bool:
    return (
        isinstance(value, list) and len(value) == 5 and all(isinstance(v, str) for v in (value[0], value[2], value[3]))
        and (value[1] is None or (isinstance(value[1], int) and not isinstance(value[1], bool))) and value[4] in ("error", "warning")
    )  # fmt: skip


def _is_pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
