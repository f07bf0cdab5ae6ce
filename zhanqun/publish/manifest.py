"""The site manifest: every file of a built site with its SHA-256 and size, in ``<site>/.zhanqun/``.

Written for each site a build renders, as the last thing before the swap, so it is swapped in
with the site and always describes the files beside it. Deploys compare releases with it; an
incremental build (``incremental.py``) trusts a site it skips only if its files still match it.

Format 1 (JSON, sorted keys, ``ensure_ascii=False``, indent 1, trailing newline)::

    {"format": 1, "site": id, "target": t, "commit": "<git HEAD or null>",
     "files": [{"path": "posix/relative/path", "sha256": hex, "size": int}, ...]}  # sorted by path

``.zhanqun/`` itself is never listed (nor published).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import make_folder, write_text

FORMAT = 1
#: The folder of a site's own records, beside its files; never published.
RECORDS = ".zhanqun"
MANIFEST = f"{RECORDS}/manifest.json"


@dataclass(frozen=True)
class ManifestFile:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class SiteManifest:
    site: str
    target: str
    commit: str | None
    files: tuple[ManifestFile, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "site": self.site,
            "target": self.target,
            "commit": self.commit,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def site_files(site_folder: Path) -> list[str]:
    """Every file of the site (links included, as the web server would serve them), ``.zhanqun/`` left out."""
    found = []
    for folder, subfolders, files in os.walk(site_folder):
        here = Path(folder)
        if here == site_folder:
            subfolders[:] = [name for name in subfolders if name != RECORDS]
        subfolders.sort()
        found.extend((here / name).relative_to(site_folder).as_posix() for name in files)
    return sorted(found)


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def build_manifest(site_folder: Path, site_id: str, target: str, commit: str | None) -> SiteManifest:
    """The manifest of the files now in ``site_folder``."""
    files = []
    for rel in site_files(site_folder):
        sha, size = _digest(site_folder / rel)
        files.append(ManifestFile(rel, sha, size))
    return SiteManifest(site_id, target, commit, tuple(files))


def write_manifest(site_folder: Path, manifest: SiteManifest) -> None:
    make_folder(site_folder, RECORDS)
    write_text(site_folder, MANIFEST, manifest.to_json())


def read_manifest(site_folder: Path) -> SiteManifest | None:
    """The manifest in ``site_folder``; ``None`` when there is none or it cannot be read."""
    try:
        data = json.loads((site_folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        files = tuple(ManifestFile(str(f["path"]), str(f["sha256"]), int(f["size"])) for f in data["files"])
        commit = data.get("commit")
        return SiteManifest(str(data["site"]), str(data["target"]), commit if isinstance(commit, str) else None, files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def verify_files(site_folder: Path, manifest: SiteManifest) -> list[str]:
    """The paths whose files differ from ``manifest`` (changed, missing or not listed); empty: intact.

    Sizes are compared first, so a changed file is usually found without reading it.
    """
    listed = {f.path: f for f in manifest.files}
    present = set(site_files(site_folder))
    differ = sorted(present - set(listed)) + sorted(set(listed) - present)
    for rel in sorted(present & set(listed)):
        path = site_folder / rel
        expected = listed[rel]
        try:
            if path.stat().st_size != expected.size or _digest(path) != (expected.sha256, expected.size):
                differ.append(rel)
        except OSError:
            differ.append(rel)
    return sorted(differ)
