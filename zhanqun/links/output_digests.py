"""The SHA-256 of the files of a build's output, read once for all the output checks.

The link check keys what it read out of a page by the digest of the page's bytes
(``links/link_extracts.py``), and the leak gate needs not search a file again whose digest is the
one the current output's manifest lists for a file that already passed it (``publish/leak_gate.py``).
Both run in the same build over the same files, so each file is read and hashed once.

A digest is only handed out again while the file's ``lstat`` — size, inode, modification and change
time — is the one taken before it was read: a file written meanwhile (a hard link of the current
output's file, edited there in place) is read again. The change time cannot be set back by anyone
but the clock's owner. Kept in memory for one build only; nothing is written.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

#: Bytes kept of each file's beginning: enough for the magic numbers that say it is compressed.
HEAD = 16


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int
    head: bytes  # the first :data:`HEAD` bytes


def _signature(found: os.stat_result) -> tuple[int, int, int, int, int]:
    return (found.st_size, found.st_ino, found.st_dev, found.st_mtime_ns, found.st_ctime_ns)


class FileDigests:
    """Digests of output files by path, each valid while the file's ``lstat`` is unchanged."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int, int, int, int], FileDigest]] = {}

    def read(self, path: str) -> tuple[bytes, FileDigest]:
        """The bytes of the regular file ``path`` and their digest, remembered for :meth:`known`."""
        before = os.lstat(path)  # before reading: a write while it is read changes the change time
        with open(path, "rb") as handle:
            data = handle.read()
        digest = FileDigest(hashlib.sha256(data).hexdigest(), len(data), data[:HEAD])
        if stat.S_ISREG(before.st_mode) and len(data) == before.st_size:  # not a symbolic link's target
            self._known[path] = (_signature(before), digest)
        return data, digest

    def known(self, path: str) -> FileDigest | None:
        """The digest of ``path`` read earlier in this build, if the file has not changed since."""
        found = self._known.get(path)
        if found is None:
            return None
        try:
            now = os.lstat(path)
        except OSError:
            return None
        return found[1] if _signature(now) == found[0] else None
