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

Every input is hashed by content, read in full on every build; the parts that cost most to
compute — Markdown, sanitising, summaries — come from the render cache (``content/render_cache.py``).

The fingerprint is kept *inside the site's output*, ``<out>/<id>/.zhanqun/inputs.json``, beside
the site manifest: it is swapped in with the files it describes, so it can never describe other
files than the ones beside it (another ``--out``, a failed build, a deploy copy), and it needs no
clean-up. A site is skipped only if that record matches and its files are the manifest's: the
same set of paths, each with the size, modification and change time and inode the :class:`StatCache` noted
after the swap (a stat), or else hashed and compared (see :func:`unchanged`) — a file edited,
added or deleted by hand in the output is repaired. The record also names the leak traces the
output last passed.

Everything is hashed by content or verified by stat as git does; the input side never trusts a
modification time (sources are read in full by the content stage anyway).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..content.render_cache import CACHE_FOLDER, DamagedMessages, code_fingerprint, json_bytes, read_cache_file, write_cache_file
from ..errors import Problems
from ..i18n import N_
from ..links.redirects import Redirect
from ..paths import ZHANQUN_FOLDER, UnsafePath, confine, make_folder, replace_with_hard_link, walk_tree, write_text
from ..render.page_reuse import UNSHOWN_SETTINGS, PreviousPages, base_key, read_page_keys
from ..render.stage import StagedSite
from .record_seals import RecordSeals
from .manifest import SiteManifest, read_manifest

FORMAT = 1
INPUTS = f"{ZHANQUN_FOLDER}/inputs.json"
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



def site_inputs(
    root: Path, site_id: str, plugins: bool, staged: StagedSite, settings: dict[str, Any], redirects: list[Redirect], indexer: str = "",
    folders: dict[Path, dict[str, str]] | None = None,
) -> SiteInputs:
    """The fingerprint of everything ``site_id``'s output depends on (see the module docstring);
    ``indexer`` names the search indexer's version, whose bundle is part of the output;
    ``folders``: the digests of theme folders made for other sites of this build (the shared
    theme is read once, not once per site)."""
    theme_folders = [root / "themes" / "gov", root / "themes" / site_id]
    if plugins:
        theme_folders.append(root / "plugins")
    folders = {} if folders is None else folders
    files: dict[str, str] = {}
    for folder in theme_folders:
        if folder not in folders:
            folders[folder] = tree_digest(root, [folder])
        files.update(folders[folder])
    parts = {
        "code": code_fingerprint(),
        "theme": _sha(json.dumps(files, sort_keys=True)),
        "settings": _sha(canonical_settings(settings, root, staged.folder)),
        "items": _sha(json.dumps({rel: _sha(text) for rel, text in staged.texts.items()}, sort_keys=True)),
        "attachments": _sha(json.dumps({rel: _file_sha(path) for rel, path in staged.attachments.items()}, sort_keys=True)),
        "redirects": _sha(json.dumps(sorted([r.path, r.alias, r.url] for r in redirects), ensure_ascii=False)),
        "indexer": _sha(indexer),
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


#: How far back from the stat record's own time a file's modification time is too recent to vouch
#: for it (git's "racy clean" rule): a file changed within the same tick as the record could keep
#: its recorded time and size; such files are hashed again instead. Generous for coarse clocks.
RACY_NS = 2_000_000_000


def _record(site_folder: Path) -> dict[str, Any] | None:
    """The inputs record of a built site, if it can be read."""
    try:
        data = json.loads((site_folder / INPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def recorded_inputs(site_folder: Path) -> str | None:
    """The fingerprint recorded in a built site's output, if any."""
    record = _record(site_folder)
    value = record.get("fingerprint") if record else None
    return value if isinstance(value, str) else None


#: Ties the record of output files to the shape of its entries (it does not depend on zhanqun's code).
STATS_KEY = "output-stats-1"
#: Ties the record of whole site listings to the shape of its entries.
SUMMARIES_KEY = "output-listings-1"
STATS_DAMAGED: DamagedMessages = (
    N_("the record of output files cannot be read ({problem}); it is ignored and the output's files are hashed"),
    N_("the record of output files is not in the form this version writes; it is ignored and the output's files are hashed"),
    N_("the record of output files holds values of the wrong kind; it is ignored and the output's files are hashed"),
)


class StatCache:
    """Size, modification time, inode and change time of each file of each site built into an output folder,
    so that verifying an unchanged site is a stat per file, not a read.

    Machine-local and not reproducible by nature, so it lives in the repository's cache folder
    (``.zhanqun-cache/stat-<target>.json``), never in the output (whose bytes a commit decides).
    Keyed by a hash of the site folder's real path. Only ever a shortcut: a file it does not vouch
    for is hashed and compared with the site manifest. ``StatCache(None)`` vouches for nothing.
    """

    def __init__(self, root: Path | None, target: str = "preview", problems: Problems | None = None) -> None:
        """``problems``: where a damaged record is a warning (it is ignored: every file is hashed).

        The record (some 20,000 files' numbers) is read when first asked, not here: a build after
        one edit asks only once the edited site is rendering, while this process plans the others."""
        self.root = root
        self.file = f"stat-{target}.json"
        self.summary_file = f"stat-sites-{target}.json"
        self.written = 0
        self.changed = False
        self._sites: dict[str, dict[str, list[int]]] | None = None if root is not None else {}
        self._summaries: dict[str, list[Any]] | None = None if root is not None else {}  # key → [seal, listing digest, newest time]
        self.summaries_written = 0
        self.summaries_changed = False
        self._problems = problems if problems is not None else Problems()
        self._keys: dict[Path, str] = {}
        self.seals = RecordSeals(root, target, problems)  # the output's records are believed only as sealed

    @property
    def sites(self) -> dict[str, dict[str, list[int]]]:
        """The recorded files by site folder (:meth:`key`), read on first use."""
        if self._sites is None:
            self._sites, self.written = self._read(self.file, STATS_KEY, lambda value: isinstance(value, dict))
        return self._sites

    @property
    def summaries(self) -> dict[str, list[Any]]:
        """Each site folder's whole listing as last verified (:func:`files_intact`), read on first use."""
        if self._summaries is None:
            self._summaries, self.summaries_written = self._read(self.summary_file, SUMMARIES_KEY, _is_summary)
        return self._summaries

    def _read(self, file: str, key: str, valid: Callable[[object], bool]) -> tuple[dict[str, Any], int]:
        """A record's entries and when it was written (nothing, written never, when it is missing or damaged)."""
        assert self.root is not None
        try:
            written = (self.root / CACHE_FOLDER / file).stat().st_mtime_ns  # before reading: a record written meanwhile is only younger
        except OSError:
            return {}, 0
        found = read_cache_file(self.root, file, key, valid, STATS_DAMAGED, self._problems)
        return (found, written) if found is not None else ({}, 0)

    def vouches_for_site(self, site_folder: Path, seal: str, listing: str, newest: int) -> bool:
        """Whether the site's whole listing (every file's path and stat numbers) is the one last
        verified against the manifest sealed as ``seal``, and was recorded long enough after its
        newest file changed."""
        return self.summaries.get(self.key(site_folder)) == [seal, listing, newest] and newest < self.summaries_written - RACY_NS

    def note_site(self, site_folder: Path, seal: str, listing: str, newest: int) -> None:
        """Note a site whose files were just verified, one by one, against its sealed manifest."""
        key = self.key(site_folder)
        if self.summaries.get(key) != [seal, listing, newest]:
            self.summaries[key] = [seal, listing, newest]
            self.summaries_changed = True

    def seal(self, site_folder: Path, files_kept: bool) -> None:
        """Seal the site's records as this build leaves them (``record_seals.py``). ``files_kept``:
        the build left the site's files as they were and rewrote only its records (the manifest's
        commit, the leak traces it passed), so a listing verified against the records sealed
        before is verified against these: it follows the new seal, and the next build, after a
        new commit, still verifies the site by its listing."""
        before = self.seals.sealed(site_folder)
        self.seals.seal(site_folder)
        after = self.seals.sealed(site_folder)
        if not files_kept or before is None or after is None or after == before:
            return
        key = self.key(site_folder)
        summary = self.summaries.get(key)
        if summary is not None and summary[0] == before:
            self.summaries[key] = [after, summary[1], summary[2]]
            self.summaries_changed = True

    def key(self, site_folder: Path) -> str:
        """The site folder's entry: a hash of its real path (resolved once per folder and build)."""
        found = self._keys.get(site_folder)
        if found is None:
            found = self._keys[site_folder] = _sha(os.path.realpath(site_folder))[:32]
        return found

    def vouches(self, site_folder: Path, rel: str, now: os.stat_result) -> bool:
        """Whether the file is as recorded, and was recorded long enough after it last changed."""
        recorded = self.sites.get(self.key(site_folder), {}).get(rel)
        return recorded == [now.st_size, now.st_mtime_ns, now.st_ino, now.st_ctime_ns] and max(now.st_mtime_ns, now.st_ctime_ns) < self.written - RACY_NS

    def record(self, site_folder: Path, manifest: SiteManifest) -> None:
        """Note the files of a site just swapped into ``site_folder`` (a rename keeps all three)."""
        files = {}
        for entry in manifest.files:
            stat = os.lstat(site_folder / entry.path)
            files[entry.path] = [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]
        self.sites[self.key(site_folder)] = files
        self.changed = True

    def note(self, site_folder: Path, rel: str, now: os.stat_result) -> None:
        """Note one file just hashed and found as its manifest says."""
        self.sites.setdefault(self.key(site_folder), {})[rel] = [now.st_size, now.st_mtime_ns, now.st_ino, now.st_ctime_ns]
        self.changed = True

    def save(self) -> None:
        """Write the cache, leaving out ("smudging", as git does) every file changed so recently
        that a change within the same clock tick would not show: it is hashed next time instead;
        and the records' seals (``record_seals.py``)."""
        self.seals.save()
        if self.root is None:
            return
        recent = time.time_ns() - RACY_NS
        if self.summaries_changed:  # a listing with a file changed within the racy window is verified again next time
            kept = {key: value for key, value in self.summaries.items() if value[2] < recent}
            write_cache_file(self.root, self.summary_file, SUMMARIES_KEY, kept)
            self.summaries_changed = False
        if not self.changed:
            return
        for files in self.sites.values():
            for rel in [rel for rel, value in files.items() if not (isinstance(value, list) and len(value) == 4 and max(value[1], value[3]) < recent)]:
                del files[rel]
        write_cache_file(self.root, self.file, STATS_KEY, self.sites)
        self.changed = False


def unchanged(site_folder: Path, inputs: SiteInputs, stats: StatCache) -> bool:
    """Whether the site's current output was built from ``inputs`` and is still intact.

    Intact: exactly the files of its manifest, each either vouched for by the stat cache or hashed
    and found equal to the manifest's.
    """
    return recorded_inputs(site_folder) == inputs.fingerprint and files_intact(site_folder, inputs.site, stats)


def files_intact(site_folder: Path, site_id: str, stats: StatCache) -> bool:
    """Whether the site's output holds exactly the files of its manifest, as the manifest says
    (a stat the cache vouches for, else a hash), and its records are those the last successful
    build sealed (``record_seals.py``: a manifest made to match a changed page is no manifest);
    shared with the cluster-wide shortcut (``publish/build_record.py``).

    The listing of the site — every file's path and stat numbers, as one digest — is compared
    first with the one last verified against the same sealed manifest: where it is the same
    (and not racy), the site is intact without reading its manifest or looking up a record per
    file (a build after one edit verifies sixteen unchanged sites' 20,000 files this way).
    Otherwise each file is verified, and the listing noted for the next build."""
    seal = stats.seals.trusted(site_folder)
    if seal is None:
        return False
    listing = site_listing(site_folder)
    digest, newest = listing_digest(site_id, listing)
    if stats.vouches_for_site(site_folder, seal, digest, newest):
        return True
    manifest = read_manifest(site_folder)
    if manifest is None or manifest.site != site_id:
        return False
    if listing.keys() != {entry.path for entry in manifest.files}:
        return False  # a file added or removed by hand
    base = os.path.join(site_folder, "")  # plain strings: ten thousand Path objects cost more than the stats
    for entry in manifest.files:
        now = listing[entry.path]
        if now.st_size != entry.size:
            return False
        if not stats.vouches(site_folder, entry.path, now):
            if _file_sha(Path(base + entry.path)) != entry.sha256:
                return False
            stats.note(site_folder, entry.path, now)
    stats.note_site(site_folder, seal, digest, newest)
    return True


def site_listing(site_folder: Path) -> dict[str, os.stat_result]:
    """Every file of the site's output (``.zhanqun/`` left out; a symbolic link as itself) with its ``lstat``."""
    listing = {}
    for rel, entry in walk_tree(site_folder, leave_out=ZHANQUN_FOLDER):
        try:
            listing[rel] = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone since it was listed: not in the listing, so not intact
    return listing


def listing_digest(site_id: str, listing: dict[str, os.stat_result]) -> tuple[str, int]:
    """SHA-256 of the site's id and every file's path, size, times, inode and mode, in path
    order; and the newest modification or change time among them."""
    rows = sorted([rel, now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino, now.st_mode] for rel, now in listing.items())
    newest = max((max(now.st_mtime_ns, now.st_ctime_ns) for now in listing.values()), default=0)
    return hashlib.sha256(json_bytes([site_id, rows])).hexdigest(), newest


def _is_summary(value: object) -> bool:
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[1], str) and type(value[2]) is int


def leak_checked(site_folder: Path, traces: str) -> bool:
    """Whether the site's current output was checked by the leak gate against the same traces."""
    record = _record(site_folder)
    return record is not None and record.get("leak_traces") == traces


def record_inputs(site_folder: Path, inputs: SiteInputs, traces: str) -> None:
    """Write the inputs record beside the site's files: the fingerprint and the leak traces its
    output was checked against (nothing of this machine or this moment: the output stays the
    same bytes for the same commit)."""
    data = {"format": FORMAT, "site": inputs.site, "fingerprint": inputs.fingerprint, "parts": inputs.parts, "leak_traces": traces}
    make_folder(site_folder, ZHANQUN_FOLDER)
    write_text(site_folder, INPUTS, json.dumps(data, sort_keys=True, indent=1) + "\n")


def note_leak_check(site_folder: Path, traces: str) -> None:
    """Record that an unchanged site's output passed the leak gate with ``traces`` (after the
    build succeeded): only the record in ``.zhanqun/`` is replaced, never a published file."""
    record = _record(site_folder)
    if record is None or record.get("leak_traces") == traces:
        return
    write_text(site_folder, INPUTS, json.dumps({**record, "leak_traces": traces}, sort_keys=True, indent=1) + "\n")


def traces_digest(traces: Iterable[Any]) -> str:
    """A hash of the leak gate's traces (``publish/leak_gate.Trace``), in any order."""
    rows = sorted([t.text, t.item, t.what, t.shown, t.bounded, str(t.why)] for t in traces)
    return _sha(json.dumps(rows, ensure_ascii=False))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def page_base(inputs: SiteInputs, settings: dict[str, Any], root: Path, staged_folder: Path) -> str:
    """The part of the site's item page keys that the whole site shares (``render/page_reuse.py``):
    code, theme and the settings that pages show."""
    shown = {key: value for key, value in settings.items() if key not in UNSHOWN_SETTINGS}
    return base_key(inputs.parts["code"], inputs.parts["theme"], canonical_settings(shown, root, staged_folder))


def previous_pages(site_folder: Path, site_id: str, seals: RecordSeals) -> PreviousPages | None:
    """What the current output of a site offers for reuse: its item pages' keys and its manifest
    (``None`` when either is missing, the output is another site's, or its records are not those
    ``seals`` holds: a page changed by hand with its manifest entry to match is never taken over)."""
    if not seals.trusts(site_folder):
        return None
    manifest = read_manifest(site_folder)
    keys = read_page_keys(site_folder)
    if manifest is None or manifest.site != site_id or not keys:
        return None
    return PreviousPages(str(site_folder), keys, {entry.path: (entry.sha256, entry.size) for entry in manifest.files})


def previous_files(site_folder: Path, site_id: str, prefix: str, seals: RecordSeals) -> PreviousPages | None:
    """The files under ``prefix`` the current output of a site lists in its manifest, which a
    rebuilt site may link when it makes the same bytes (``None`` without a manifest of that site,
    or one ``seals`` does not vouch for)."""
    if not seals.trusts(site_folder):
        return None
    manifest = read_manifest(site_folder)
    if manifest is None or manifest.site != site_id:
        return None
    return PreviousPages(str(site_folder), files={entry.path: (entry.sha256, entry.size) for entry in manifest.files if entry.path.startswith(prefix)})


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
        try:  # inside the current output: no folder on the way a link (it could lead anywhere)
            existing = confine(current_site, entry.path)
            if os.path.samefile(existing, new_site / entry.path):  # linked already (``render/page_reuse.py``)
                kept += 1
                continue
            same = existing.stat().st_size == entry.size and existing.read_bytes() == (new_site / entry.path).read_bytes()
        except (OSError, UnsafePath):
            continue
        if same and replace_with_hard_link(new_site, entry.path, existing):
            kept += 1
    return kept
