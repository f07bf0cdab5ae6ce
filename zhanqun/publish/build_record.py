"""The cluster-wide shortcut: a build whose inputs did not change since the last successful one
stops before it reads a single source, leaving the output exactly as it is.

The per-site skipping of ``publish/incremental.py`` decides only after the content index, the
addresses, the column types and the staging have run over every source — most of a no-op
build's time. This module decides before any of that, from a record of the last successful build
into the same output folder (``.zhanqun-cache/build-<target>.json``, one record per output folder,
keyed by its real path; machine-local like every cache, never in the output):

- **the tree**: one SHA-256 over the listing of ``content/``, ``sites/``, ``themes/`` and
  ``plugins/`` (every file and folder, hidden ones included, ``__pycache__`` left out) with each
  entry's kind, size, modification and change time (ns), inode and mode; a symbolic link's own
  entry, its target text and the stat of what it leads to; and the same of zhanqun's message
  catalogs and of the search indexer's binary. A file added, removed, renamed, edited (even to
  the same size with its old modification time put back: the change time moves, and no user can
  set that), retargeted or made unreadable changes it;
- **the key**: :func:`..content.render_cache.code_fingerprint` (zhanqun's code, the versions of
  Markdown, nh3, Pelican, Jinja), Python's version, the options that shape the output (target,
  ``--site``, ``--shard``, ``--base-url``, the resolved ``--today`` — letters' overdue marks
  depend on it, so a new day misses — and the output folder), the language of messages (the
  warnings shown again are text), the environment variables zhanqun reads (``ZHANQUN_*``,
  ``PAGEFIND_*``, ``SOURCE_DATE_EPOCH``, ``PATH`` where the indexer is looked up) and where the
  search indexer was found, with the version its check reported (so a hit skips running it);
- **the output**: for every site the build selected, the bytes of its ``.zhanqun/inputs.json``
  and ``.zhanqun/manifest.json`` (by hash), and its files as the manifest says (``incremental.
  files_intact``: a stat the :class:`~.incremental.StatCache` vouches for, else a hash); the
  output folder's marker naming the target; the preview's ``index.html`` (by hash).

All three must match. Git's racy rule, as in the stat cache: the tree is read at the start of the
build, and if any entry changed (modification or change time) within :data:`~.incremental.RACY_NS`
of that moment — or after it, a clock that went back — no record is written: a second edit in the
same clock tick could otherwise keep every number the record holds. The next build after that
takes the full path and records then. A failed build never records (the output it left is the
previous one, which the old record still describes, or another, which the hashes of ``.zhanqun/``
tell apart). ``build --no-cache`` neither reads nor writes a record.

``.git`` counts only as the commit HEAD names (the caller puts it in ``shaping``): every site
manifest names the commit of the build that last wrote or verified the site (an unchanged site's
manifest is given the new commit after the swap, as a clean build of that commit would write it,
and ``check --out`` requires one commit across shards), so a new commit is a miss — the build then
renders only what changed and notes the commit in the other sites' manifests. The number of
parallel jobs does not change a byte. A plugin (``plugins/``) that reads some other
environment variable or file is outside what zhanqun can see; it is code, reviewed like the theme.
A symbolic link to a folder anywhere in the tree makes the tree unrecordable (no shortcut).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.render_cache import CACHE_FOLDER, code_fingerprint, json_bytes
from ..errors import Problem, Problems
from ..i18n import LOCALE_DIR, _, current_language
from ..links.link_report import report_file
from ..paths import make_folder, marked_target, write_bytes
from .incremental import INPUTS, RACY_NS, StatCache, files_intact
from .manifest import MANIFEST_PATH
from .pagefind import PagefindUnusable, locate

FORMAT = 1
#: The folders of the repository a build reads.
INPUT_FOLDERS = ("content", "sites", "themes", "plugins")
#: Environment variables a build reads besides these prefixes (``SOURCE_DATE_EPOCH`` also shapes
#: ``today``, which the key holds resolved).
ENVIRONMENT = ("PATH", "SOURCE_DATE_EPOCH")
ENVIRONMENT_PREFIXES = ("ZHANQUN_", "PAGEFIND_")
#: Warnings about this machine's caches: true of the build that said them, not of the tree.
MACHINE_WARNINGS = ("cache-damaged", "cache-not-saved")
#: Records kept per target (output folders built into); the oldest goes first.
MAX_RECORDS = 8


def record_file(target: str) -> str:
    """The record file of ``target``, inside :data:`CACHE_FOLDER`."""
    return f"build-{target}.json"


@dataclass
class Snapshot:
    """What a build is about to read, taken before it reads anything."""

    taken_ns: int
    tree: str | None  # SHA-256 of the listing; None: something in it cannot be vouched for
    newest_ns: int  # the latest modification or change time in it
    key: str
    indexer: tuple[str, str] | None  # (where it was found, its path) when it could be located

    @property
    def racy(self) -> bool:
        """Whether something changed too near the snapshot (or after it) to trust equal numbers."""
        return self.newest_ns >= self.taken_ns - RACY_NS


@dataclass
class Previous:
    """The answer of :func:`check`: ``hit`` when nothing changed; the snapshot to record after a build."""

    snapshot: Snapshot | None
    hit: bool = False
    site_ids: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0  # how long the check took (shown with -v)


class _Tree:
    """A running hash of a listing with stat numbers, and the newest time seen."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.newest = 0
        self.usable = True

    def add(self, name: str, kind: str, *stats: os.stat_result, text: str = "") -> None:
        numbers = []
        for value in stats:
            numbers += [value.st_size, value.st_mtime_ns, value.st_ctime_ns, value.st_ino, value.st_mode]
            self.newest = max(self.newest, value.st_mtime_ns, value.st_ctime_ns)
        self.digest.update(json_bytes([name, kind, text, numbers]) + b"\n")

    def walk(self, folder: Path, shown: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            self.add(shown, "none")
            return
        except OSError:
            self.usable = False
            return
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            name = f"{shown}/{entry.name}"
            try:
                own = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(own.st_mode):
                    text = os.readlink(entry.path)
                    try:
                        target = os.stat(entry.path)
                    except OSError:  # dangling: the build reports it; the link's own entry is enough
                        self.add(name, "link", own, text=text)
                        continue
                    if stat.S_ISDIR(target.st_mode):
                        self.usable = False  # a folder behind a link: not walked, so not vouched for
                        return
                    self.add(name, "link", own, target, text=text)
                elif stat.S_ISDIR(own.st_mode):
                    self.add(name, "folder")
                    self.walk(Path(entry.path), name)
                else:
                    self.add(name, "file", own)
            except OSError:
                self.usable = False
                return


def take_snapshot(root: Path, shaping: dict[str, Any]) -> Snapshot:
    """The tree, the key and the indexer's location, now (``shaping``: the options that shape the output)."""
    taken = time.time_ns()
    tree = _Tree()
    for folder in INPUT_FOLDERS:
        tree.walk(root / folder, folder)
    tree.walk(LOCALE_DIR, "<zhanqun>/locale")
    indexer: tuple[str, str] | None = None
    try:
        path, named_by = locate()
        tree.add("<indexer>", str(path), os.stat(path))
        indexer = (named_by, str(path))
    except (PagefindUnusable, OSError):
        tree.usable = False  # the build will say what is wrong; nothing to vouch for
    environment = {name: value for name, value in os.environ.items() if name in ENVIRONMENT or name.startswith(ENVIRONMENT_PREFIXES)}
    key = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "python": sys.version,
        "language": current_language(),
        "environment": dict(sorted(environment.items())),
        **shaping,
    }
    return Snapshot(
        taken_ns=taken,
        tree=tree.digest.hexdigest() if tree.usable else None,
        newest_ns=tree.newest,
        key=_sha(json.dumps(key, sort_keys=True, ensure_ascii=False, default=str)),
        indexer=indexer,
    )


def output_key(output: Path) -> str:
    """Which record belongs to an output folder: a hash of its real path."""
    return _sha(os.path.realpath(output))[:32]


def _load(root: Path, target: str, problems: Problems | None) -> dict[str, Any]:
    path = root / CACHE_FOLDER / record_file(target)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        if problems is not None:
            problems.warn(f"{CACHE_FOLDER}/{record_file(target)}", None, "cache-damaged", _("the record of the last build cannot be read ({problem}); it is ignored and the build runs in full").format(problem=type(exc).__name__))
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("outputs"), dict):
        if problems is not None:
            problems.warn(f"{CACHE_FOLDER}/{record_file(target)}", None, "cache-damaged", _("the record of the last build is not in the form this version writes; it is ignored and the build runs in full"))
        return {}
    return data["outputs"]


def _file_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _output_state(root: Path, output: Path, target: str, site_ids: list[str]) -> dict[str, Any] | None:
    """The hashes of what describes the output (each site's ``.zhanqun/`` records, the preview's
    list), or ``None`` when one is missing, or the link report the build writes beside it is."""
    sites: dict[str, list[str]] = {}
    for site_id in site_ids:
        hashes = [_file_sha(output / site_id / INPUTS), _file_sha(output / site_id / MANIFEST_PATH)]
        if None in hashes:
            return None
        sites[site_id] = [h for h in hashes if h]
    index = _file_sha(output / "index.html") if target == "preview" else ""
    if index is None or not report_file(root, target).is_file():  # the audit reads the link report: a build writes one
        return None
    return {"sites": sites, "index": index}


def check(root: Path, output: Path, target: str, shaping: dict[str, Any], problems: Problems) -> Previous:
    """Whether the last successful build into ``output`` read exactly what this one would and its
    output is intact; the snapshot to record if not. A damaged record is a warning (in ``problems``)."""
    snapshot = take_snapshot(root, shaping)
    record = _load(root, target, problems).get(output_key(output))
    if not isinstance(record, dict) or snapshot.tree is None or snapshot.racy:
        return Previous(snapshot)
    if record.get("key") != snapshot.key or record.get("tree") != snapshot.tree:
        return Previous(snapshot)
    site_ids, warnings, state = record.get("sites"), record.get("warnings"), record.get("output")
    if not (isinstance(site_ids, list) and all(isinstance(s, str) for s in site_ids) and isinstance(warnings, list)):
        return Previous(snapshot)
    if marked_target(output) != target or _output_state(root, output, target, site_ids) != state:
        return Previous(snapshot)
    stats = StatCache(root, target, problems)
    if not all(files_intact(output / site_id, site_id, stats) for site_id in site_ids):
        return Previous(snapshot)
    try:
        shown = [Problem(str(w[0]), w[1] if isinstance(w[1], int) else None, str(w[2]), str(w[3]), "warning") for w in warnings]
    except (IndexError, TypeError, KeyError):
        return Previous(snapshot)
    try:
        stats.save()  # files hashed and found intact are stats next time
    except OSError:
        pass
    return Previous(snapshot, hit=True, site_ids=site_ids, warnings=shown)


def record(root: Path, output: Path, target: str, snapshot: Snapshot, site_ids: list[str], indexer: str | None, problems: Problems) -> None:
    """After a successful build: note what it read (``snapshot``, taken before it read anything),
    the sites it selected, its warnings and the state of its output, for :func:`check`.

    ``indexer``: the path of the search indexer the build checked; when it is not the one the
    snapshot located, or the snapshot is racy or cannot vouch for the tree, the output folder's
    old record is dropped instead (it describes neither this tree nor this output any more).
    """
    records = _load(root, target, None)
    key = output_key(output)
    state = _output_state(root, output, target, site_ids)
    usable = snapshot.tree is not None and not snapshot.racy and state is not None and snapshot.indexer is not None and snapshot.indexer[1] == indexer
    records.pop(key, None)
    if usable:
        warnings = [[p.path, p.line, p.code, p.message] for p in problems.warnings if p.code not in MACHINE_WARNINGS]
        records[key] = {"key": snapshot.key, "tree": snapshot.tree, "sites": site_ids, "warnings": warnings, "output": state, "taken": snapshot.taken_ns}
    elif not records and not (root / CACHE_FOLDER / record_file(target)).is_file():
        return
    kept = dict(sorted(records.items(), key=lambda kv: kv[1].get("taken", 0) if isinstance(kv[1], dict) else 0)[-MAX_RECORDS:])
    make_folder(root, CACHE_FOLDER)
    write_bytes(root, f"{CACHE_FOLDER}/{record_file(target)}", json.dumps({"format": FORMAT, "outputs": kept}, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
