"""What the link check read out of each page, kept between builds by the digest of the page's bytes.

Parsing every page of a rebuilt site is most of the link check's time, yet after one edit most of
those pages are byte for byte the ones of the last build (``render/page_reuse.py``). What the parser
finds in a page — its link attributes and the link syntax left in its text
(:class:`~zhanqun.links.link_check.PageLinks`) — depends on its bytes alone, so it is kept by
their SHA-256; the verdicts on those links depend on every site's files and are made again in
every build (``LinkChecker.judge``), so a link whose target disappeared in another site is found
on an unchanged page too.

One JSON file per target and site, ``.zhanqun-cache/links-<target>-<site>.json``, through the
cache folder's one reader and writer (``content/render_cache.py``): tied to
:func:`~zhanqun.content.render_cache.code_fingerprint` (another version of the parser or of this
code never reuses an entry), written only when it changed, and holding only the pages of the
site's last check. A file that cannot be read, or holds values of the wrong kind, is a
``cache-damaged`` warning and every page is parsed. ``build --no-cache`` makes no such object:
nothing is read or written.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..content.render_cache import CACHE_FOLDER, DamagedMessages, code_fingerprint, read_cache_file, write_cache_file
from ..errors import Problems
from ..i18n import N_
from ..paths import remove_file
from .link_check import LINK_ATTRIBUTES, SYNTAX_ATTRIBUTES, PageLinks

#: Ties the files to the shape of their entries, with the code fingerprint.
FORMAT = "link-extracts-1"
DAMAGED: DamagedMessages = (
    N_("the cache of the links found in pages cannot be read ({problem}); it is ignored and rebuilt"),
    N_("the cache of the links found in pages is not in the form this version writes; it is ignored and rebuilt"),
    N_("the cache of the links found in pages holds values of the wrong kind; it is ignored and rebuilt"),
)
_ATTRIBUTES = frozenset(LINK_ATTRIBUTES + SYNTAX_ATTRIBUTES)
_STR = frozenset({str})


def cache_file(target: str, site_id: str) -> str:
    """The file of one site's entries inside the cache folder."""
    return f"links-{target}-{site_id}.json"


def _key() -> str:
    return hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}".encode("utf-8")).hexdigest()


def _encode(page: PageLinks) -> list[list[str]]:
    """An entry: ``[[attribute, value, attribute, value, …], [text syntax, …]]`` (flat: small and quick to read)."""
    return [[part for pair in page.attributes for part in pair], list(page.text)]


def _decode(entry: list[list[str]]) -> PageLinks:
    flat = entry[0]
    return PageLinks(tuple(zip(flat[0::2], flat[1::2])), tuple(entry[1]))


def _is_entry(value: object) -> bool:
    """An entry as :func:`_encode` writes it; anything else is damage, never trusted."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list) and isinstance(value[1], list)):
        return False
    flat, text = value
    return len(flat) % 2 == 0 and set(map(type, flat)) <= _STR and set(flat[0::2]) <= _ATTRIBUTES and set(map(type, text)) <= _STR


class LinkExtracts:
    """The kept :class:`PageLinks` of the pages of each site checked, by the digest of their bytes."""

    def __init__(self, root: Path, target: str, problems: Problems) -> None:
        self.root = root
        self.target = target
        self.problems = problems  # where a damaged file is a warning
        self.key = _key()
        self._sites: dict[str, dict[str, list[list[str]]]] = {}  # site → its file's entries, as read
        self._used: dict[str, dict[str, list[list[str]]]] = {}  # site → the entries of the pages checked now
        self.parsed = 0  # pages read by the parser in this build

    def _entries(self, site_id: str) -> dict[str, list[list[str]]]:
        if site_id not in self._sites:
            found = read_cache_file(self.root, cache_file(self.target, site_id), self.key, _is_entry, DAMAGED, self.problems)
            self._sites[site_id] = found or {}
            self._used[site_id] = {}
        return self._sites[site_id]

    def find(self, site_id: str, sha256: str) -> PageLinks | None:
        """The kept links of the page of ``site_id`` whose bytes have the digest ``sha256``, if any:
        kept by an earlier build, or read in this one (``link_check.read_ahead``)."""
        entries = self._entries(site_id)
        entry = self._used[site_id].get(sha256) or entries.get(sha256)
        if entry is None:
            return None
        self._used[site_id][sha256] = entry
        return _decode(entry)

    def keep(self, site_id: str, sha256: str, page: PageLinks) -> None:
        """Keep the links just read out of a page for the next build."""
        self._entries(site_id)
        self._used[site_id][sha256] = _encode(page)
        self.parsed += 1

    def forget_other_sites(self, site_ids: list[str]) -> None:
        """Remove the files of sites the cluster no longer has (after a build of every site)."""
        prefix, folder = f"links-{self.target}-", self.root / CACHE_FOLDER
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(prefix) and entry.name.endswith(".json")]
        except OSError:
            return
        for name in sorted(names):
            if name[len(prefix) : -len(".json")] not in site_ids:
                remove_file(folder, name)

    def save(self) -> None:
        """Write the file of each site checked whose pages changed: its entries are exactly the
        pages of this check (pages no longer there are dropped)."""
        for site_id, used in sorted(self._used.items()):
            if used.keys() != self._sites[site_id].keys():
                write_cache_file(self.root, cache_file(self.target, site_id), self.key, used)
