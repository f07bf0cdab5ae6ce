"""Seals on the records a build leaves in each site's output, kept in the cache folder.

Each built site's output holds zhanqun's records beside its pages, in ``.zhanqun/``: the manifest
(every file's hash), the inputs record (the fingerprint that lets the next build leave the site
unchanged, and the leak traces its files passed) and the item pages' keys (which pages a rebuild
may take over). Whoever can write the output can write those too: a page changed after the
build, with its hash changed in the manifest to match, would be "intact", would never be read by
the leak gate again and would be taken over by every rebuild. So the output's records are never
believed on their own word: after each successful build the digest of every site's ``.zhanqun/``
folder, as the build left it, is kept in ``.zhanqun-cache/records-<target>.json`` (trusted like
the code, as the whole cache folder is), and a site whose records no longer hash the same is
treated as having no records at all: rendered again, nothing in it taken over.

A missing or damaged seal file trusts nothing (a warning when damaged): the next build renders
every site, as a cold build does. Keyed by the site folder's path inside the repository (or its
real path when the output is elsewhere), so a CI cache restored into a checkout of the same
layout keeps its seals.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..content.render_cache import read_cache_file, write_cache_file
from ..errors import Problems
from ..i18n import N_
from ..paths import ZHANQUN_FOLDER

FORMAT_KEY = "records-1"
DAMAGED = (
    N_("the seals on the sites' output records cannot be read ({problem}); every site is rendered again"),
    N_("the seals on the sites' output records are not in the form this version writes; every site is rendered again"),
    N_("the seals on the sites' output records hold values of the wrong kind; every site is rendered again"),
)


def records_digest(site_folder: Path) -> str | None:
    """SHA-256 of the site's ``.zhanqun/`` folder: each entry's name and bytes, in name order (an
    entry that is no plain file — a link, a folder — gives a digest no build seals). ``None``
    when the folder cannot be read."""
    folder = os.path.join(site_folder, ZHANQUN_FOLDER)
    digest = hashlib.sha256()
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            digest.update(entry.name.encode("utf-8", "surrogateescape") + b"\0")
            if entry.is_symlink() or not entry.is_file():
                digest.update(b"not a file\0")
                continue
            with open(entry.path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    except OSError:
        return None
    return digest.hexdigest()


class RecordSeals:
    """The sealed digest of each site folder's records (``RecordSeals(None)`` trusts nothing)."""

    def __init__(self, root: Path | None, target: str = "preview", problems: Problems | None = None) -> None:
        self.root = root
        self.file = f"records-{target}.json"
        self.seals: dict[str, str] = {}
        self.changed = False
        if root is not None:
            found = read_cache_file(root, self.file, FORMAT_KEY, lambda value: isinstance(value, str), DAMAGED, problems if problems is not None else Problems())
            self.seals = found or {}

    def key(self, site_folder: Path) -> str:
        """The site folder as the record names it: its path in the repository, else its real path."""
        real = os.path.realpath(site_folder)
        if self.root is not None:
            inside = os.path.relpath(real, os.path.realpath(self.root))
            if not inside.startswith(os.pardir):
                return inside
        return real

    def trusts(self, site_folder: Path) -> bool:
        """Whether the site's records are those a successful build left (and sealed)."""
        return self.trusted(site_folder) is not None

    def trusted(self, site_folder: Path) -> str | None:
        """The seal of the site's records, if they are those a successful build left; else ``None``."""
        sealed = self.sealed(site_folder)
        return sealed if sealed is not None and sealed == records_digest(site_folder) else None

    def sealed(self, site_folder: Path) -> str | None:
        """The seal kept for the site's records (whether or not they still match it)."""
        return self.seals.get(self.key(site_folder))

    def seal(self, site_folder: Path) -> None:
        """Seal the site's records as they are now (after a successful build wrote them)."""
        digest = records_digest(site_folder)
        key = self.key(site_folder)
        if digest is None:
            self.changed = self.seals.pop(key, None) is not None or self.changed
        elif self.seals.get(key) != digest:
            self.seals[key] = digest
            self.changed = True

    def save(self) -> None:
        if self.root is not None and self.changed:
            write_cache_file(self.root, self.file, FORMAT_KEY, dict(sorted(self.seals.items())))
            self.changed = False
