"""The site manifest: what a build wrote for one site, file by file (path, sha256, size).

Every build writes ``<out>/<id>/.zhanqun/manifest.json`` for each site it built, as the last
thing before the swap, so the manifest is swapped in with the site it describes. ``deploy`` and
``bundle`` publish exactly the files it lists and refuse an output folder that no longer matches it
(someone edited the output after the build); the release records keep it. The format is a
contract (README, "Deploying to a folder"):
``{"format": 1, "site", "target", "commit", "files": [{"path", "sha256", "size"}, ...]}``, files
sorted by path, ``.zhanqun/`` itself left out, keys sorted, indent 1, UTF-8, a final newline. It
holds nothing that depends on the wall clock or the checkout path: same commit, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import orjson

from ..i18n import _
from ..links.output_digests import FileDigests
from ..paths import ZHANQUN_FOLDER, walk_tree, write_text

MANIFEST_PATH = f"{ZHANQUN_FOLDER}/manifest.json"
FORMAT = 1
_CHUNK = 1 << 20


class FileEntry(NamedTuple):
    """One file of a manifest (a tuple: a build reads 20,000 of them)."""

    path: str  # posix, relative to the site folder
    sha256: str
    size: int

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class SiteManifest:
    site: str
    target: str
    commit: str | None
    files: tuple[FileEntry, ...] = field(default_factory=tuple)

    def by_path(self) -> dict[str, FileEntry]:
        return {entry.path: entry for entry in self.files}

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "site": self.site, "target": self.target, "commit": self.commit, "files": [f.as_json() for f in self.files]}

    def text(self) -> str:
        """The manifest as written: sorted keys, indent 1, non-ASCII kept, a final newline."""
        return json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    @classmethod
    def from_json(cls, data: object) -> SiteManifest:
        """A manifest from its JSON form; :class:`ValueError` saying what is wrong with it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(_("not a format {format} site manifest").format(format=FORMAT))
        site, target, commit, files = data.get("site"), data.get("target"), data.get("commit"), data.get("files")
        if not isinstance(site, str) or not isinstance(target, str) or not (commit is None or isinstance(commit, str)) or not isinstance(files, list):
            raise ValueError(_("a site manifest needs site, target, commit and files"))
        entries = []
        for entry in files:
            path, sha256, size = (entry.get("path"), entry.get("sha256"), entry.get("size")) if type(entry) is dict else (None, None, None)
            if type(path) is not str or type(sha256) is not str or type(size) is not int:
                raise ValueError(_("a file of a site manifest needs path, sha256 and size"))
            entries.append(FileEntry(path, sha256, size))
        paths = [e.path for e in entries]
        if paths != sorted(set(paths)):
            raise ValueError(_("the files of a site manifest must be sorted by path, each once"))
        return cls(site, target, commit, tuple(entries))


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """The sha256 (hex) and the size of what ``stream`` holds, read in chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def hash_file(path: Path) -> tuple[str, int]:
    """The sha256 and size of the regular file ``path``; a symbolic link is refused (``OSError``)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise IsADirectoryError(path)
        return hash_stream(handle)


def site_files(site_folder: Path) -> list[str]:
    """Every file of a site's output (posix paths, sorted), ``.zhanqun/`` left out.

    Symbolic links are listed too (as files, a link to a folder not followed), so
    :func:`verify_files` names one; a build never writes one into a site's output. One
    ``scandir`` per folder (a build lists 17 sites' 20,000 files); a folder that cannot be read
    is passed over, as ``os.walk`` does."""
    return sorted(rel for rel, _entry in walk_tree(site_folder, leave_out=ZHANQUN_FOLDER))


def build_manifest(site_folder: Path, site_id: str, target: str, commit: str | None, digests: FileDigests | None = None) -> SiteManifest:
    """The manifest of what ``site_folder`` holds now. ``digests``: the files the output checks of
    this build read and hashed already (``links/output_digests.py``), taken as they are while
    each file's ``lstat`` is the one taken before it was read — the rest are hashed here."""
    entries = []
    base = str(site_folder)
    for rel in site_files(site_folder):
        known = digests.known(os.path.join(base, rel)) if digests is not None else None
        sha256, size = (known.sha256, known.size) if known is not None else hash_file(site_folder / rel)
        entries.append(FileEntry(rel, sha256, size))
    return SiteManifest(site_id, target, commit, tuple(entries))


def write_manifest(site_folder: Path, manifest: SiteManifest) -> Path:
    """Write ``.zhanqun/manifest.json`` into the site's folder (through ``paths.py``)."""
    return write_text(site_folder, MANIFEST_PATH, manifest.text())


def note_commit(site_folder: Path, commit: str | None) -> bool:
    """Give an unchanged site's manifest the commit this build was made from (after the swap; only
    ``.zhanqun/manifest.json`` is replaced, never a published file), as a clean build of that
    commit would write it; ``True`` if it changed."""
    manifest = read_manifest(site_folder)
    if manifest is None or manifest.commit == commit:
        return False
    write_manifest(site_folder, replace(manifest, commit=commit))
    return True


def read_manifest(site_folder: Path) -> SiteManifest | None:
    """The site's manifest, or ``None`` when it is missing or unreadable.

    A build reads an unchanged site's manifest twice (is the output intact; then its commit) and
    17 sites' manifests list some 20,000 files: the file read is remembered by its identity
    (device, inode, size, modification and change times), so the second read costs a ``stat``.
    Not a file changed in the last two seconds: the file system's clock is too coarse to tell
    two writes apart so soon (git's "racy" rule)."""
    path = os.path.join(site_folder, MANIFEST_PATH)
    try:
        now = os.stat(path)
        if time.time_ns() - max(now.st_mtime_ns, now.st_ctime_ns) < _RACY_NS:
            return _read_manifest.__wrapped__(path, None)
        return _read_manifest(path, (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns, now.st_ctime_ns))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


_RACY_NS = 2_000_000_000


@lru_cache(maxsize=64)
def _read_manifest(path: str, identity: tuple[int, int, int, int, int] | None) -> SiteManifest:
    """The manifest at ``path`` as it is while its ``os.stat`` gives ``identity``."""
    with open(path, "rb") as handle:
        return SiteManifest.from_json(orjson.loads(handle.read()))


def file_differences(site_folder: Path, manifest: SiteManifest) -> list[tuple[str, str]]:
    """What differs between ``site_folder`` and ``manifest``: (path, what) per file added, missing
    or changed, sorted by path (empty when they match)."""
    listed = manifest.by_path()
    present = site_files(site_folder)
    differences = []
    for rel in present:
        entry = listed.get(rel)
        if entry is None:
            differences.append((rel, _("not in the manifest (added after the build)")))
            continue
        try:
            sha256, size = hash_file(site_folder / rel)
        except OSError:
            differences.append((rel, _("not a regular file")))
            continue
        if (sha256, size) != (entry.sha256, entry.size):
            differences.append((rel, _("changed since the build")))
    gone = set(listed) - set(present)
    differences.extend((rel, _("missing (removed after the build)")) for rel in sorted(gone))
    return sorted(differences)


def verify_files(site_folder: Path, manifest: SiteManifest) -> list[str]:
    """:func:`file_differences` as lines, ``path: what``."""
    return [_("{path}: {what}").format(path=path, what=what) for path, what in file_differences(site_folder, manifest)]
