"""Which files passed the leak gate, kept between builds so that a page taken over from the last
build (``render/page_reuse.py``) is not searched again — kept in the machine-local cache folder,
never read from the output.

A file's verdict is a function of its path (an address is read too), its bytes, what must not be
published (the traces: ``incremental.traces_digest``) and the gate's own code. So the record,
``.zhanqun-cache/leaks-<target>.json``, is keyed by the code fingerprint and the traces digest
(another version of zhanqun, or one internal item more, and it is not used at all), and holds,
per site, the SHA-256 and size of each file that passed at each path. The gate hashes every file
of this build all the same and skips only one whose digest is recorded at its path: a page edited
in the output after it passed, or a record in the output folder edited to match (``manifest.json``,
``inputs.json``: whoever can write the output can write those), is searched like any other.

Written only after a build passed the gate and was swapped in, from the manifests of what it
checked. Like every cache a damaged file is a warning and then ignored; a well-formed but forged
entry is trusted, as the cache folder is trusted like the code (README, "The cache").
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..content.render_cache import DamagedMessages, code_fingerprint, read_cache_file, write_cache_file
from ..errors import Problems
from ..i18n import N_
from .manifest import SiteManifest

LEAKS_DAMAGED: DamagedMessages = (
    N_("the record of files that passed the leak gate cannot be read ({problem}); it is ignored and every file is searched"),
    N_("the record of files that passed the leak gate is not in the form this version writes; it is ignored and every file is searched"),
    N_("the record of files that passed the leak gate holds values of the wrong kind; it is ignored and every file is searched"),
)


def record_file(target: str) -> str:
    return f"leaks-{target}.json"


class LeakPasses:
    """The files that passed the gate against one set of traces, with this code, per site."""

    def __init__(self, root: Path | None, target: str, traces: str, problems: Problems) -> None:
        """``root``: the repository (``None``: nothing is read or kept, ``build --no-cache``)."""
        self.root = root
        self.file = record_file(target)
        self.key = hashlib.sha256(f"{code_fingerprint()}\0{traces}".encode("ascii")).hexdigest()
        self.sites: dict[str, dict[str, list[str | int]]] = {}
        self.changed = False
        if root is not None:
            self.sites = read_cache_file(root, self.file, self.key, _is_site, LEAKS_DAMAGED, problems) or {}

    def of(self, site_id: str) -> dict[str, tuple[str, int]]:
        """Path → (SHA-256, size) of each file of ``site_id`` that passed."""
        return {path: (str(value[0]), int(value[1])) for path, value in self.sites.get(site_id, {}).items()}

    def passed(self, site_id: str, manifest: SiteManifest) -> None:
        """Note every file of a site whose output just passed the gate (``manifest``: its files)."""
        self.sites[site_id] = {entry.path: [entry.sha256, entry.size] for entry in manifest.files}
        self.changed = True

    def keep_only(self, site_ids: list[str]) -> None:
        """Forget the sites the cluster no longer has."""
        for site_id in [s for s in self.sites if s not in site_ids]:
            del self.sites[site_id]
            self.changed = True

    def save(self) -> None:
        if self.root is not None and self.changed:
            write_cache_file(self.root, self.file, self.key, self.sites)
            self.changed = False


def _is_site(value: object) -> bool:
    if type(value) is not dict:
        return False
    for entry in value.values():
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str or len(entry[0]) != 64 or type(entry[1]) is not int:
            return False
    return True
