"""The atomic release installer shared by ``deploy`` (from a build's output) and ``apply`` (from a
bundle): the deploy layout of README "Deploying to a folder".

``DEST/<id>/releases/<NNNNNN>/`` is one release of a site (its web root), ``DEST/<id>/current`` a
relative symbolic link to ``releases/<NNNNNN>``, ``DEST/<id>/releases/<NNNNNN>.json`` the record of
the release (commit, target, bundle sequence, the site manifest), outside the web root.

A new release is prepared under a hidden name (``releases/.partial-<NNNNNN>``): files unchanged
since the current release (same sha256 in both manifests, and the current file still hashes to it)
are hard-linked, the others written, each one's hash checked after writing, a ``.gz`` put beside
every text file (gzip level 9, mtime 0, no name: the same bytes every time), the record written,
the folder renamed to its final name; only then is ``current`` switched, with one ``rename(2)``.
Files of a release are read-only (0444): a file shared by hard links is never edited in place.
A visitor sees the old release or the new one, never a mix; an interrupted or failed preparation
leaves ``current`` as it was, and the next deploy removes whatever it left.

Release names are sequence numbers (``000001``, ``000002``…): they sort in the order they were
made and do not depend on the clock.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, ContextManager, Iterator

from ..i18n import _
from ..paths import Locked, exclusive_lock, hard_link, make_folder, marker_target, move, remove, replace_symlink, set_mtime, write_new_file, write_text
from .manifest import FileEntry, SiteManifest, hash_file
from .output import interrupt_guard

RELEASES = "releases"
CURRENT = "current"
PARTIAL_PREFIX = ".partial-"
_NAME = re.compile(r"[0-9]{6,}")
#: Files that get a ``.gz`` beside them for nginx ``gzip_static``.
TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
RECORD_FORMAT = 1
FILE_MODE = 0o444


class ReleaseError(Exception):
    """A deploy, apply or rollback that cannot go on; the message says why and what to do."""


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzipped as the releases hold it: level 9, mtime 0, no file name (reproducible)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def gzip_holds(gz: Path, original: FileEntry) -> bool:
    """Whether the regular file ``gz`` decompresses to exactly ``original`` — what nginx's
    ``gzip_static`` sends in place of it. Read no further than the original's size (a gzip bomb
    costs nothing); a link, a missing or damaged file holds nothing."""
    digest, size = hashlib.sha256(), 0
    try:
        descriptor = os.open(gz, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            while chunk := stream.read(min(1 << 20, original.size - size + 1)):
                digest.update(chunk)
                size += len(chunk)
                if size > original.size:
                    return False
    except (OSError, EOFError, zlib.error):
        return False
    return (digest.hexdigest(), size) == (original.sha256, original.size)


def needs_gzip(path: str, listed: dict[str, FileEntry] | set[str]) -> bool:
    """Whether a release puts ``path.gz`` beside ``path`` (a text file whose ``.gz`` the site does
    not have as a file of its own)."""
    return path.lower().endswith(TEXT_SUFFIXES) and path + ".gz" not in listed


@dataclass(frozen=True)
class ReleaseRecord:
    """``releases/<name>.json``: what a release holds and where it came from."""

    release: str
    manifest: SiteManifest
    sequence: int | None = None  # the bundle's, for a release made by ``apply``
    via: str = "deploy"  # deploy | apply
    previous: str | None = None  # the release it replaced (``rollback`` goes back to it)

    def text(self) -> str:
        data = {
            "format": RECORD_FORMAT,
            "release": self.release,
            "site": self.manifest.site,
            "target": self.manifest.target,
            "commit": self.manifest.commit,
            "sequence": self.sequence,
            "via": self.via,
            "previous": self.previous,
            "manifest": self.manifest.as_json(),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    @classmethod
    def read(cls, path: Path) -> ReleaseRecord | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = SiteManifest.from_json(data["manifest"])
            sequence, previous = data.get("sequence"), data.get("previous")
            return cls(str(data["release"]), manifest, sequence if isinstance(sequence, int) else None, str(data.get("via", "deploy")),
                       previous if isinstance(previous, str) and _NAME.fullmatch(previous) else None)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None


class SiteReleases:
    """``DEST/<id>/``: a site's releases and its ``current`` link."""

    def __init__(self, dest: Path, site_id: str):
        self.dest = dest
        self.site_id = site_id
        self.folder = dest / site_id
        self.releases_folder = self.folder / RELEASES

    def check(self) -> None:
        """Refuse a layout zhanqun did not make: a site folder, ``releases`` or a release that is a
        link, a ``current`` that is not a link into ``releases/``."""
        for path in (self.folder, self.releases_folder):
            if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
                raise ReleaseError(_("{path} is not a real folder (a link or a file); zhanqun deploys only into folders it made").format(path=path))
        link = self.folder / CURRENT
        if os.path.lexists(link):
            if not link.is_symlink():
                raise ReleaseError(_("{path} is not a symbolic link; move it away (zhanqun points it at a release)").format(path=link))
            if self.current() is None:
                raise ReleaseError(_("{path} points to {target}, not to a release in releases/; fix or remove the link").format(path=link, target=os.readlink(link)))
        if self.releases_folder.is_dir():
            for child in self.releases_folder.iterdir():
                if child.is_symlink():
                    raise ReleaseError(_("{path} is a symbolic link; a release is a real folder (remove the link)").format(path=child))

    def current(self) -> str | None:
        """The release ``current`` points to (``000003``), or ``None``."""
        try:
            target = os.readlink(self.folder / CURRENT)
        except OSError:
            return None
        parts = target.split("/")
        if len(parts) == 2 and parts[0] == RELEASES and _NAME.fullmatch(parts[1]) and (self.releases_folder / parts[1]).is_dir():
            return parts[1]
        return None

    def releases(self) -> list[str]:
        """The complete releases (a folder with its record), oldest first."""
        if not self.releases_folder.is_dir():
            return []
        return sorted(
            (p.name for p in self.releases_folder.iterdir() if _NAME.fullmatch(p.name) and p.is_dir() and not p.is_symlink() and (self.releases_folder / f"{p.name}.json").is_file()),
            key=lambda name: (len(name), name),
        )

    def record(self, name: str) -> ReleaseRecord | None:
        return ReleaseRecord.read(self.releases_folder / f"{name}.json")

    def replaced(self, name: str | None = None) -> str | None:
        """The release ``name`` (default: the current one) replaced when it was switched in, as its
        record says: what ``rollback`` goes back to (``None``: it was the first)."""
        name = name or self.current()
        record = self.record(name) if name else None
        return record.previous if record else None

    def previous(self, name: str | None = None) -> str | None:
        """The release ``name`` replaced, if it is still kept."""
        replaced = self.replaced(name)
        return replaced if replaced in self.releases() else None

    def next_name(self) -> str:
        """One more than every release name used so far (complete, partial or left over)."""
        used = [0]
        if self.releases_folder.is_dir():
            for child in self.releases_folder.iterdir():
                stem = child.name.removeprefix(PARTIAL_PREFIX).removesuffix(".json")
                if _NAME.fullmatch(stem):
                    used.append(int(stem))
        return f"{max(used) + 1:06d}"

    def clean_leftovers(self) -> list[str]:
        """Remove what an interrupted deploy left (called with the lock held): partial folders, a
        release folder without its record, a record without its folder. Returns what went."""
        if not self.releases_folder.is_dir():
            return []
        current = self.current()
        removed = []
        for child in sorted(self.releases_folder.iterdir()):
            name = child.name
            if name.startswith(PARTIAL_PREFIX) or name.startswith("."):
                gone = True
            elif name.endswith(".json"):
                gone = _NAME.fullmatch(name[:-5]) is not None and not (self.releases_folder / name[:-5]).is_dir()
            else:
                gone = _NAME.fullmatch(name) is not None and name != current and not (self.releases_folder / f"{name}.json").is_file()
            if gone:
                remove(self.releases_folder, name)
                removed.append(name)
        return removed

    def switch(self, name: str) -> None:
        """Point ``current`` at ``releases/<name>`` in one ``rename(2)``."""
        replace_symlink(self.folder, CURRENT, f"{RELEASES}/{name}")

    def prune(self, keep: int) -> list[str]:
        """Remove the oldest releases beyond ``keep``, never the current one or the one it replaced."""
        releases = self.releases()
        current = self.current()
        spared = {current, self.previous(current)} | set(releases[-keep:] if keep > 0 else [])
        removed = []
        for name in releases:
            if name not in spared:
                remove(self.releases_folder, name)
                remove(self.releases_folder, f"{name}.json")
                removed.append(name)
        return removed


@dataclass
class NewRelease:
    """One site's next release, prepared beside the current one until :meth:`switch`."""

    site: SiteReleases
    manifest: SiteManifest
    sequence: int | None = None
    via: str = "deploy"
    name: str = ""
    to_write: list[str] = field(default_factory=list)  # paths still to be written (uploaded)
    linked: list[str] = field(default_factory=list)  # hard-linked from the current release
    deleted: list[str] = field(default_factory=list)  # in the current release, not in this one
    unchanged: bool = False  # same files as the current release, all intact: nothing to do
    finished: bool = False
    switched_from: str | None = None
    _written: set[str] = field(default_factory=set)
    _listed: dict[str, FileEntry] = field(default_factory=dict)

    def plan(self) -> None:
        """Decide what is linked and what written, hashing the current release's files (a file
        edited in the live release is written afresh, never linked)."""
        current = self.site.current()
        record = self.site.record(current) if current else None
        old = record.manifest.by_path() if record else {}
        new = self._listed = self.manifest.by_path()
        self.deleted = sorted(set(old) - set(new))
        self.linked, self.to_write = [], []
        for path, entry in new.items():
            live = self.site.releases_folder / current / path if current else None
            if live and old.get(path) == entry and self._intact(live, entry) and (not needs_gzip(path, new) or gzip_holds(Path(f"{live}.gz"), entry)):
                self.linked.append(path)
            else:
                self.to_write.append(path)
        self.unchanged = bool(current) and not self.to_write and not self.deleted

    @staticmethod
    def _intact(path: Path, entry: FileEntry) -> bool:
        try:
            return hash_file(path) == (entry.sha256, entry.size)
        except OSError:
            return False

    @property
    def staging(self) -> Path:
        return self.site.releases_folder / f"{PARTIAL_PREFIX}{self.name}"

    def begin(self) -> None:
        """Create the partial release and hard-link the unchanged files (and their ``.gz``)."""
        self.name = self.site.next_name()
        make_folder(self.site.releases_folder)
        make_folder(self.site.releases_folder, self.staging.name)
        current = self.site.releases_folder / (self.site.current() or "")
        for path in self.linked:
            hard_link(self.staging, path, current / path)
            if needs_gzip(path, self._listed):
                old_gz = current / f"{path}.gz"
                if old_gz.is_file() and not old_gz.is_symlink():
                    hard_link(self.staging, f"{path}.gz", old_gz)
                else:
                    self._write_gzip(path)

    def write(self, path: str, source: BinaryIO) -> None:
        """Write one file of the release from ``source`` and check its hash against the manifest."""
        entry = self._listed[path]
        written = write_new_file(self.staging, path, source, FILE_MODE)
        try:
            found = hash_file(written)
        except OSError:
            found = ("", -1)
        if found != (entry.sha256, entry.size):
            raise ReleaseError(_("{site}/{path}: what was written does not match the manifest (sha256 {found}, expected {expected}); nothing was switched").format(
                site=self.site.site_id, path=path, found=found[0][:12], expected=entry.sha256[:12]))
        self._written.add(path)
        if needs_gzip(path, self._listed):
            self._write_gzip(path)

    def _write_gzip(self, path: str) -> None:
        original = self.staging / path
        data = original.read_bytes()
        gz = write_new_file(self.staging, f"{path}.gz", io.BytesIO(gzip_bytes(data)), FILE_MODE)
        set_mtime(self.staging, gz.relative_to(self.staging).as_posix(), os.lstat(original).st_mtime_ns)

    def finish(self) -> None:
        """Every file there and verified: write the record, give the release its final name."""
        missing = [p for p in self.to_write if p not in self._written]
        if missing:
            raise ReleaseError(_("{site}: {count} file(s) of the manifest were not delivered, e.g. {path}; nothing was switched").format(
                site=self.site.site_id, count=len(missing), path=missing[0]))
        for path in sorted(self._listed):
            if path.endswith(".gz") and path[:-3] in self._listed and not gzip_holds(self.staging / path, self._listed[path[:-3]]):
                raise ReleaseError(_("{site}/{path}: nginx would serve it in place of {original} (gzip_static), and it is not {original} compressed; remove one of the two from the site; nothing was switched").format(
                    site=self.site.site_id, path=path, original=path[:-3]))
        record = ReleaseRecord(self.name, self.manifest, self.sequence, self.via, self.site.current())
        write_text(self.site.releases_folder, f"{self.name}.json", record.text())
        move(self.site.releases_folder, self.staging.name, self.site.releases_folder, self.name)
        self.finished = True

    def switch(self) -> None:
        self.switched_from = self.site.current()
        self.site.switch(self.name)

    def switch_back(self) -> None:
        """Undo :meth:`switch` (another site's switch failed): ``current`` as it was."""
        if self.switched_from:
            self.site.switch(self.switched_from)
        else:
            remove(self.site.folder, CURRENT)

    def discard(self) -> None:
        """Remove what this release left, unless ``current`` points to it."""
        if not self.name:
            return
        remove(self.site.releases_folder, self.staging.name)
        if self.site.current() != self.name:
            remove(self.site.releases_folder, self.name)
            remove(self.site.releases_folder, f"{self.name}.json")


def switch_all(releases: list[NewRelease]) -> None:
    """Switch every prepared release; if one switch fails, the ones before it are switched back."""
    done: list[NewRelease] = []
    try:
        for release in releases:
            release.switch()
            done.append(release)
    except BaseException:
        for release in reversed(done):
            release.switch_back()
        raise



# --- the destination folder --------------------------------------------------------------------

#: The file that marks a folder as a deploy destination of zhanqun, with the target it serves.
DEST_MARKER = ".zhanqun-deploy"
DEST_MARKER_TEXT = "This folder holds sites deployed by zhanqun: <site id>/current -> releases/<release>/.\ntarget: {target}\n"
#: ``flock(2)`` on this file keeps two deploys (or applies, or rollbacks) from racing.
LOCK_NAME = ".zhanqun-deploy.lock"


def dest_target(dest: Path) -> str | None:
    """The target a destination's marker names (``None``: no marker)."""
    return marker_target(dest, DEST_MARKER)


def destination_problem(dest: Path, target: str | None) -> str | None:
    """Why ``dest`` may not receive (or roll back) a deploy of ``target``, or ``None``: a link
    (give the folder it points to), a file, a folder of someone else's files, another target's
    sites. The repository and the build's output are checked by the caller, who knows them."""
    if dest.is_symlink():
        return _("it is a symbolic link; give the folder it points to ({real})").format(real=os.path.realpath(dest))
    if dest.exists() and not dest.is_dir():
        return _("it is a file")
    if dest.is_dir() and any(dest.iterdir()):
        if not (dest / DEST_MARKER).is_file():
            return _("it is a folder that is not empty and was not made by zhanqun deploy (there is no {marker} file in it)").format(marker=DEST_MARKER)
        made_for = dest_target(dest)
        if target is not None and made_for not in (None, target):
            return _("it holds the {made_for} sites; deploy the {target} sites to their own folder").format(made_for=made_for, target=target)
    return None


@dataclass
class SiteResult:
    """What a deploy did to one site: counts of site files (a ``.gz`` is not one)."""

    site: str
    release: str | None  # the new release, or None when nothing changed
    current: str | None  # the release serving now
    uploaded: int
    deleted: int
    unchanged: int
    pruned: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.release is None:
            return _("{site}: unchanged, release {current} stays ({unchanged} files)").format(site=self.site, current=self.current, unchanged=self.unchanged)
        return _("{site}: release {release}: uploaded {uploaded}, deleted {deleted}, unchanged {unchanged}").format(
            site=self.site, release=self.release, uploaded=self.uploaded, deleted=self.deleted, unchanged=self.unchanged)


@dataclass
class DeployReport:
    sites: list[SiteResult] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Per-site lines, then the summary line ``deployed: uploaded N, deleted M, unchanged K``."""
        total = [sum(getattr(s, name) for s in self.sites) for name in ("uploaded", "deleted", "unchanged")]
        return [s.line() for s in self.sites] + [_("deployed: uploaded {uploaded}, deleted {deleted}, unchanged {unchanged}").format(
            uploaded=total[0], deleted=total[1], unchanged=total[2])]


#: Where a release's files come from: a site's manifest and a function opening one of its files.
Opener = Callable[[str], ContextManager[BinaryIO]]


def install(dest: Path, target: str, sources: list[tuple[SiteManifest, Opener]], keep: int, sequence: int | None = None, via: str = "deploy",
            before: Callable[[], None] | None = None, after_switch: Callable[[], None] | None = None,
            before_switch: Callable[[], None] | None = None) -> DeployReport:
    """Install one release per site into ``dest`` and switch them together (the lock held).

    Every site's release is prepared and verified first; only then are the ``current`` links
    switched (SIGINT and SIGTERM held off meanwhile), so an error or an interruption before that
    leaves every site as it was. ``before`` checks, with the lock held, what another process
    may have changed meanwhile (the applied sequence); ``before_switch`` records, once every release
    is ready, what must hold should the switch happen (a pending applied sequence: an error there
    switches nothing); ``after_switch`` records what must be recorded with the switch (the applied
    bundle's sequence, completed)."""
    make_folder(dest)
    with exclusive_lock_or_fail(dest), interrupt_guard() as guard:
        if before:
            before()
        if dest_target(dest) != target:
            write_text(dest, DEST_MARKER, DEST_MARKER_TEXT.format(target=target))
        prepared: list[NewRelease] = []
        report = DeployReport()
        try:
            for manifest, opener in sources:
                site = SiteReleases(dest, manifest.site)
                site.check()
                site.clean_leftovers()
                release = NewRelease(site, manifest, sequence, via)
                release.plan()
                if release.unchanged:
                    report.sites.append(SiteResult(manifest.site, None, site.current(), 0, 0, len(release.linked)))
                    continue
                prepared.append(release)
                release.begin()
                for path in release.to_write:
                    with opener(path) as source:
                        release.write(path, source)
                release.finish()
            with guard.critical():
                if before_switch:
                    before_switch()
                switch_all(prepared)
                if after_switch:
                    after_switch()
        except BaseException:
            for release in prepared:
                release.discard()
            raise
        results = {r.site.site_id: r for r in prepared}
        for manifest, _opener in sources:
            release = results.get(manifest.site)
            if release is None:
                continue
            pruned = release.site.prune(keep)
            report.sites.append(SiteResult(manifest.site, release.name, release.name, len(release.to_write), len(release.deleted), len(release.linked), pruned))
        order = {manifest.site: n for n, (manifest, _opener) in enumerate(sources)}
        report.sites.sort(key=lambda s: order[s.site])
        return report


@contextmanager
def exclusive_lock_or_fail(dest: Path) -> Iterator[None]:
    """The destination's lock, or :class:`ReleaseError` at once when another process holds it."""
    try:
        with exclusive_lock(dest, LOCK_NAME):
            yield
    except Locked:
        raise ReleaseError(_("another deploy, apply or rollback into {dest} is running (it holds {lock}); wait for it to finish, then try again").format(
            dest=dest, lock=LOCK_NAME)) from None


@dataclass
class RolledBack:
    site: str
    left: str
    now: str

    def line(self) -> str:
        return _("{site}: release {left} → {now}").format(site=self.site, left=self.left, now=self.now)


def rollback(dest: Path, site_ids: list[str]) -> list[RolledBack]:
    """Switch each site (default: every site in ``dest``) back to the release before its current
    one. All or none: a site with no earlier release stops the rollback before any switch."""
    reason = destination_problem(dest, None)
    if reason is None and not (dest / DEST_MARKER).is_file():
        reason = _("it holds no deployed sites")
    if reason:
        raise ReleaseError(_("--to {dest}: {reason}").format(dest=dest, reason=reason))
    with exclusive_lock_or_fail(dest), interrupt_guard() as guard:
        names = site_ids or sorted(p.name for p in dest.iterdir() if (p / CURRENT).is_symlink())
        plan, refusals = [], []
        for site_id in names:
            site = SiteReleases(dest, site_id)
            site.check()
            current = site.current()
            previous, replaced = site.previous(), site.replaced()
            if current is None:
                refusals.append(_("{site}: nothing is deployed in {folder}").format(site=site_id, folder=site.folder))
            elif replaced is None:
                refusals.append(_("{site}: release {current} is the first one deployed; there is no release before it to roll back to").format(site=site_id, current=current))
            elif previous is None:
                refusals.append(_("{site}: release {replaced}, which {current} replaced, is no longer kept").format(site=site_id, replaced=replaced, current=current))
            else:
                plan.append((site, current, previous))
        if refusals:
            raise ReleaseError("\n".join(refusals) + "\n" + _("nothing was switched"))
        if not plan:
            raise ReleaseError(_("{dest} holds no deployed sites").format(dest=dest))
        done = []
        with guard.critical():
            try:
                for site, current, previous in plan:
                    site.switch(previous)
                    done.append((site, current))
            except BaseException:
                for site, current in reversed(done):
                    site.switch(current)
                raise
        return [RolledBack(site.site_id, current, previous) for site, current, previous in plan]
