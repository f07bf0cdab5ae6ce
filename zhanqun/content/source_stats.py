"""The stat record of content sources: each source's size, modification and change time (ns) and
inode, with the SHA-256 of the bytes it had then, kept between builds so that a build after one
edit reads and hashes one file, not ten thousand.

Only ever a shortcut to a content hash, trusted the way git trusts its index:

- all four numbers must be equal. An edit changes the change time even when the size stays and
  the modification time is put back (``touch -d``, ``os.utime``: nobody can set the change time);
  an editor that saves by rename gives a new inode too;
- git's "racy clean" rule: a source is noted only when its modification and change times are at
  least :data:`RACY_NS` older than the moment the walk began, *before* it was statted; a second
  edit within the same clock tick as the noted one could otherwise keep every number. A file
  changed that recently — or later than now, a clock that went back — is read again next time,
  and noted then. The stat is taken before the bytes are read, so a change between the two leaves
  numbers that can never match again;
- the record vouches for a digest only; the cache of read items (``item_cache.py``) still has to
  hold the item of that digest, or the file is read.

Machine-local (inodes and change times mean nothing elsewhere): ``.zhanqun-cache/sources.json``,
read and written through ``render_cache.read_cache_file``/``write_cache_file`` (JSON, atomic); a
damaged record is a warning and is ignored (every source is read). ``SourceStats(None)``
vouches for nothing and notes nothing (``build --no-cache``, ``check``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import Problems
from ..i18n import N_
from .render_cache import CACHE_FOLDER, DamagedMessages, read_cache_file, write_cache_file

FILE = "sources.json"
#: Ties the record to the shape of its entries (it does not depend on zhanqun's code otherwise).
KEY = "source-stats-1"
#: How much older than the walk a source's times must be to be noted (git's racy rule; generous
#: for coarse file-system clocks, as ``publish/incremental.RACY_NS``).
RACY_NS = 2_000_000_000
SOURCES_DAMAGED: DamagedMessages = (
    N_("the record of content files cannot be read ({problem}); it is ignored and every file is read"),
    N_("the record of content files is not in the form this version writes; it is ignored and every file is read"),
    N_("the record of content files holds values of the wrong kind; it is ignored and every file is read"),
)

def _numbers(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


class SourceStats:
    """Content hashes of sources by stat (see the module docstring)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.entries: dict[str, list] = {}
        self.seen: dict[str, list] = {}  # what this build vouched for or noted: the next record
        self.changed = False
        self.started_ns = time.time_ns()

    def load(self, problems: Problems) -> None:
        """Read the record, if any; a damaged one is a warning (and every source is read)."""
        if self.root is not None:
            self.entries = read_cache_file(self.root, FILE, KEY, _is_entry, SOURCES_DAMAGED, problems) or {}

    def begin(self) -> None:
        """Mark the moment the walk begins: sources changed after (or just before) it are not noted."""
        self.started_ns = time.time_ns()

    def digest(self, source: str, stat: os.stat_result) -> str | None:
        """The SHA-256 the record holds for ``source`` if the file is exactly as noted, else ``None``."""
        entry = self.entries.get(source)
        if entry is None or tuple(entry[:4]) != _numbers(stat):
            return None
        self.seen[source] = entry
        return entry[4]

    def note(self, source: str, stat: os.stat_result, digest: str) -> None:
        """Note the bytes just read of ``source`` (``stat`` taken before reading), unless too recent."""
        if self.root is None:
            return
        if max(stat.st_mtime_ns, stat.st_ctime_ns) >= self.started_ns - RACY_NS:
            self.changed = self.changed or source in self.entries
            return
        entry = [*_numbers(stat), digest]
        self.seen[source] = entry
        self.changed = self.changed or self.entries.get(source) != entry

    def save(self) -> None:
        """Write the record if it changed: exactly the sources of this build."""
        if self.root is None:
            return
        if not self.changed and len(self.seen) == len(self.entries) and (self.root / CACHE_FOLDER / FILE).is_file():
            return
        write_cache_file(self.root, FILE, KEY, self.seen)
        self.entries, self.seen, self.changed = self.seen, {}, False


def _is_entry(value: object) -> bool:
    """The shape :meth:`SourceStats.save` writes (never trusted blindly)."""
    return (
        isinstance(value, list)
        and len(value) == 5
        and all(type(n) is int for n in value[:4])
        and isinstance(value[4], str)
        and len(value[4]) == 64
    )
