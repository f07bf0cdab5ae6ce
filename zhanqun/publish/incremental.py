"""Incremental builds: a site whose inputs did not change since its last build is not rendered.

Before any Pelican process starts, each selected site gets a fingerprint of everything its output
depends on, computed from what the build has in hand anyway:

- ``code``: zhanqun's own code and the versions of Markdown, nh3, Pelican and Jinja
  (``content/render_cache.code_fingerprint``);
- ``theme``: every file of the shared theme and of the site's overrides (templates, static files,
  everything: a file the templates do not use costs a needless rebuild, never a stale page), and
  of ``plugins/`` when the site loads a plugin;
- ``settings``: the Pelican settings of the site (``render/pelican_settings.py``), with the
  scratch folders of this build replaced by placeholders — they carry the normalised site file,
  the target and its addresses, the cluster navigation (other sites' names and addresses), the
  column types' cross-site data, and the staged path → source path map;
- ``items``: every staged item by the SHA-256 of its staged file — the finished, sanitised HTML
  and header values, syndicated copies included, so an edit anywhere that changes what this site
  shows (a linked item's new address, a syndicated text, a letter's overdue mark) changes it;
- ``attachments``: every attachment the site publishes, by content;
- ``redirects``: the alias pages of its items and where they point.

Everything is hashed by content, read in full on every build (no modification times are trusted,
so git's "racy" timestamp problem cannot arise); the parts that cost most to compute — Markdown,
sanitising, summaries — come from the render cache (``content/render_cache.py``).

The fingerprint is kept *inside the site's output*, ``<out>/<id>/.zhanqun/inputs.json``, beside
the site manifest: it is swapped in with the files it describes, so it can never describe other
files than the ones beside it (another ``--out``, a failed build, a deploy copy), and it needs no
clean-up. A site is skipped only if that record matches and the manifest verifies (every file
present with its recorded hash): a file edited or deleted by hand in the output is repaired.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.render_cache import code_fingerprint
from ..links.redirects import Redirect
from ..paths import hard_link, make_folder, write_text
from ..render.stage import StagedSite
from .manifest import RECORDS, SiteManifest, read_manifest, verify_files

FORMAT = 1
INPUTS = f"{RECORDS}/inputs.json"
#: Placeholders for this build's scratch folders in the settings (they differ on every build).
STAGED_PLACEHOLDER = "<staged>"
OUTPUT_PLACEHOLDER = "<output>"
ROOT_PLACEHOLDER = "<root>"


@dataclass(frozen=True)
class SiteInputs:
    """The fingerprint of one site's inputs, and of each part (to say what changed)."""

    site: str
    parts: dict[str, str]

    @property
    def fingerprint(self) -> str:
        return _sha(json.dumps(self.parts, sort_keys=True))

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "site": self.site, "fingerprint": self.fingerprint, "parts": self.parts}, sort_keys=True, indent=1) + "\n"


def site_inputs(root: Path, site_id: str, plugins: bool, staged: StagedSite, settings: dict[str, Any], redirects: list[Redirect]) -> SiteInputs:
    """The fingerprint of everything ``site_id``'s output depends on (see the module docstring)."""
    theme_folders = [root / "themes" / "gov", root / "themes" / site_id]
    if plugins:
        theme_folders.append(root / "plugins")
    parts = {
        "code": code_fingerprint(),
        "theme": _sha(json.dumps(tree_digest(root, theme_folders), sort_keys=True)),
        "settings": _sha(canonical_settings(settings, root, staged.folder)),
        "items": _sha(json.dumps({rel: _sha(text) for rel, text in staged.texts.items()}, sort_keys=True)),
        "attachments": _sha(json.dumps({rel: _file_sha(path) for rel, path in staged.attachments.items()}, sort_keys=True)),
        "redirects": _sha(json.dumps(sorted([r.path, r.alias, r.url] for r in redirects), ensure_ascii=False)),
    }
    return SiteInputs(site_id, parts)


def tree_digest(root: Path, folders: list[Path]) -> dict[str, str]:
    """``repository-relative path → SHA-256`` of every file under ``folders`` (missing ones: none)."""
    found: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(root).as_posix()] = _file_sha(path)
    return found


def canonical_settings(settings: dict[str, Any], root: Path, staged_folder: Path) -> str:
    """The settings as canonical JSON: sorted keys, functions and classes by name, and no path of
    this build (scratch folders, the repository's location) — the same site gives the same text
    in every build and every checkout."""
    settings = dict(settings)
    settings["PATH"] = STAGED_PLACEHOLDER
    settings["OUTPUT_PATH"] = OUTPUT_PLACEHOLDER
    prefix = str(root)

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, (set, frozenset)):
            return sorted(plain(v) for v in value)
        if isinstance(value, Path):
            value = str(value)
        if isinstance(value, str):
            return value.replace(str(staged_folder), STAGED_PLACEHOLDER).replace(prefix, ROOT_PLACEHOLDER)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        name = getattr(value, "__qualname__", None) or type(value).__qualname__
        return f"{getattr(value, '__module__', '')}.{name}"

    return json.dumps(plain(settings), sort_keys=True, ensure_ascii=False)


def recorded_inputs(site_folder: Path) -> str | None:
    """The fingerprint recorded in a built site's output, if any."""
    try:
        data = json.loads((site_folder / INPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("fingerprint") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return value if isinstance(value, str) else None


def unchanged(site_folder: Path, inputs: SiteInputs) -> bool:
    """Whether the site's current output was built from ``inputs`` and is still intact."""
    if recorded_inputs(site_folder) != inputs.fingerprint:
        return False
    manifest = read_manifest(site_folder)
    return manifest is not None and manifest.site == inputs.site and not verify_files(site_folder, manifest)


def record_inputs(site_folder: Path, inputs: SiteInputs) -> None:
    make_folder(site_folder, RECORDS)
    write_text(site_folder, INPUTS, inputs.to_json())


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def keep_unchanged_files(new_site: Path, current_site: Path, new: SiteManifest) -> int:
    """Make each file of a rebuilt site that has the same bytes as the current output's the very
    same file (a hard link), so its modification time survives the swap; returns how many.

    The all-or-nothing swap is kept: nothing in the current output is touched (a link only adds a
    name to its file), the rebuilt folder is still swapped in whole, and nothing writes into a file
    in place afterwards (every write is a new file and a rename, ``paths.write_bytes``), so the
    previous output moved aside can always be put back as it was. The current manifest says which
    files are candidates (same path, size and hash); the bytes are compared before linking.
    """
    current = read_manifest(current_site)
    if current is None:
        return 0
    before = {f.path: f for f in current.files}
    kept = 0
    for entry in new.files:
        old = before.get(entry.path)
        if old is None or (old.sha256, old.size) != (entry.sha256, entry.size):
            continue
        existing = current_site / entry.path
        try:
            same = existing.stat().st_size == entry.size and existing.read_bytes() == (new_site / entry.path).read_bytes()
        except OSError:
            continue
        if same and hard_link(new_site, entry.path, existing):
            kept += 1
    return kept
