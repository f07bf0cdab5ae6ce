"""``bundle`` and ``apply``: the built sites of a target as one signed file, for a one-way transfer
(a gateway, 网闸/光闸, or removable media) into a network nothing can be pushed to.

A bundle is a tar file (``.tar``, or ``.tar.gz``/``.tgz`` gzipped with mtime 0), members in this
order: ``zhanqun-bundle.json`` (the bundle manifest: format, cluster, target, commit, sequence,
key id, and each site's manifest with the sha256 and size of every file), ``zhanqun-bundle.sig``
(the Ed25519 signature of exactly those manifest bytes), then ``sites/<id>/<path>`` for every file,
sites and paths sorted. Same build, same sequence, same key: the same bytes.

``apply`` reads the file twice. The first pass writes nothing: the signature against the trusted
public key, the manifest (cluster and target as in DEST, a sequence greater than the last one
applied there), then every member — a name that is clean and in the signed manifest, a regular
file (links, devices and the like are refused; ``tarfile``'s ``data`` filter has its say too), the
size the manifest says, the hash — and the limits on members and bytes. Only a bundle that passes
everything is installed, in the second pass, by the release installer ``deploy`` uses (each file
hashed again as it is written), and the sequence is recorded in ``DEST/.zhanqun-applied.json``.
A refused bundle leaves DEST byte for byte as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from ..i18n import _
from ..paths import UnsafePath, ZHANQUN_FOLDER, atomic_writer, normalise, write_text
from .git_head import DIRTY_SUFFIX
from .manifest import FileEntry, SiteManifest, hash_file, hash_stream
from .releases import DeployReport, ReleaseError, SiteReleases, dest_target, gzip_holds, install, needs_gzip
from .signing import SIGNATURE_SIZE, key_id, last_sequence, load_public_key, load_secret_key, record_sequence, sign, verifies

FORMAT = 1
MANIFEST_NAME = "zhanqun-bundle.json"
SIGNATURE_NAME = "zhanqun-bundle.sig"
SITES_PREFIX = "sites/"
#: What DEST records of the last bundle applied (outside every site's folder).
APPLIED_NAME = ".zhanqun-applied.json"
#: Limits ``apply`` holds any bundle to, signed or not (a gateway may corrupt; a key may leak).
MAX_MEMBERS = 500_000
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_FILE_BYTES = 8 * 1024**3
MAX_MANIFEST_BYTES = 256 * 1024**2
#: The largest pax or GNU long-name header member: tarfile reads one whole before anything else
#: sees it, so without a bound a few MiB of gzipped zeros claimed as one header take GiBs of memory.
MAX_HEADER_BYTES = 1024 * 1024
_HEADER_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
_SITE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_COMPRESSED = (".tar.gz", ".tgz")
#: the names a bundle file may have (the command line checks ``--to`` against them before anything is read)
BUNDLE_SUFFIXES = (".tar", *_COMPRESSED)


@dataclass(frozen=True)
class BundleManifest:
    cluster: dict[str, str]  # {"id": the portal's id, "name": its name}
    target: str
    commit: str | None
    sequence: int
    key: str  # id of the signing key
    sites: dict[str, SiteManifest] = field(default_factory=dict)
    base: int | None = None  # a delta bundle: the sequence of the bundle whose files it leaves out

    def data(self) -> bytes:
        value = {
            "format": FORMAT, "cluster": self.cluster, "target": self.target, "commit": self.commit,
            "sequence": self.sequence, "key": self.key, "base": self.base, "sites": {site: m.as_json() for site, m in sorted(self.sites.items())},
        }
        return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_data(cls, data: bytes) -> BundleManifest:
        """The manifest from its bytes; :class:`ValueError` saying what is wrong with it."""
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(_("it is not JSON")) from None
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise ValueError(_("it is not a format {format} bundle manifest").format(format=FORMAT))
        cluster, target, commit, sequence, key, sites, base = (value.get(k) for k in ("cluster", "target", "commit", "sequence", "key", "sites", "base"))
        if not (isinstance(cluster, dict) and all(isinstance(v, str) for v in cluster.values()) and isinstance(target, str)
                and (commit is None or isinstance(commit, str)) and isinstance(sequence, int) and sequence > 0 and isinstance(key, str) and isinstance(sites, dict)):
            raise ValueError(_("it lacks cluster, target, commit, sequence, key or sites"))
        if base is not None and not (isinstance(base, int) and 0 < base < sequence):
            raise ValueError(_("its base {base!r} is not an earlier sequence").format(base=base))
        manifests = {}
        for site_id, site_value in sites.items():
            manifest = SiteManifest.from_json(site_value)
            if not _SITE_ID.fullmatch(site_id) or manifest.site != site_id or manifest.target != target:
                raise ValueError(_("its site {site!r} is not a site id of the {target} target").format(site=site_id, target=target))
            for entry in manifest.files:
                if not _clean(entry.path) or entry.path.split("/", 1)[0] == ZHANQUN_FOLDER or entry.size < 0:
                    raise ValueError(_("it lists the file {path!r}, which is no clean path inside a site").format(path=entry.path))
            manifests[site_id] = manifest
        return cls(cluster, target, commit, sequence, key, manifests, base)

    def members(self) -> dict[str, Any]:
        """Every file member's name (``sites/<id>/<path>``) and its manifest entry, in bundle order."""
        return {f"{SITES_PREFIX}{site}/{entry.path}": entry for site, manifest in sorted(self.sites.items()) for entry in manifest.files}

    def describe(self) -> str:
        text = _("bundle {sequence} of {cluster} ({target}, commit {commit}, key {key})").format(
            sequence=self.sequence, cluster=self.cluster.get("name", ""), target=self.target, commit=_short(self.commit), key=self.key)
        return text + (_(", a delta on bundle {base}").format(base=self.base) if self.base else "")


def _short(commit: str | None) -> str:
    """A commit as people read it: 12 hex digits, and ``+dirty`` when the bundle says so."""
    if commit is None:
        return "-"
    dirty = commit.endswith(DIRTY_SUFFIX)
    return commit[:12] + (DIRTY_SUFFIX if dirty else "")


def _clean(path: str) -> bool:
    try:
        return normalise(path) == path
    except UnsafePath:
        return False


# --- writing ------------------------------------------------------------------------------------


def _member(name: str, size: int) -> tarfile.TarInfo:
    """A member header that holds nothing of the machine or the clock."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = size, 0, 0o644, 0, 0, "", ""
    return info


class _HashingReader(io.RawIOBase):
    """Reads a file while hashing it, so what went into the bundle is what the manifest says."""

    def __init__(self, handle: BinaryIO):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def write_bundle(manifest_sites: dict[str, SiteManifest], folders: dict[str, Path], cluster: dict[str, str], target: str, commit: str | None,
                 key: Path, sequence: int | None, to: Path, since: Path | None = None) -> tuple[BundleManifest, int]:
    """Write the bundle of these sites (their manifests checked against their folders by the caller)
    to ``to``, signed with the secret key ``key``; the sequence (default: one more than the last
    issued with this key) is recorded beside the key once the file is written. ``since``: an
    earlier bundle signed with the same key; the files it holds unchanged are left out (a delta
    bundle, which applies only where that bundle's files are served). Returns the manifest and the
    number of files written into the bundle."""
    if not to.name.endswith(BUNDLE_SUFFIXES):
        raise ReleaseError(_("--to {path}: a bundle is a .tar, .tar.gz or .tgz file").format(path=to))
    secret = load_secret_key(key)
    last = last_sequence(key)
    if sequence is None:
        sequence = last + 1
    elif sequence <= last:
        raise ReleaseError(_("sequence {sequence} is not greater than {last}, the last one issued with {key}; a bundle the intranet has seen would be refused there (leave out --sequence for {next})").format(
            sequence=sequence, last=last, key=key, next=last + 1))
    base = read_signed_manifest(since, secret.public_key()) if since else None
    if base is not None and (base.sequence >= sequence or base.target != target or base.cluster != cluster):
        raise ReleaseError(_("--since {path}: {bundle} is not an earlier bundle of this cluster and target").format(path=since, bundle=base.describe()))
    bundle = BundleManifest(cluster, target, commit, sequence, key_id(secret.public_key()), dict(manifest_sites), base.sequence if base else None)
    left_out = set(base.members().items()) if base else set()
    data = bundle.data()
    signature = sign(secret, data)
    with atomic_writer(to.parent, to.name) as handle:
        packed = gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=6) if to.name.endswith(_COMPRESSED) else None
        with tarfile.open(fileobj=packed or handle, mode="w", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_member(MANIFEST_NAME, len(data)), io.BytesIO(data))
            tar.addfile(_member(SIGNATURE_NAME, len(signature)), io.BytesIO(signature))
            written = 0
            for name, entry in bundle.members().items():
                if (name, entry) in left_out:
                    continue
                written += 1
                site, path = name[len(SITES_PREFIX) :].split("/", 1)
                descriptor = os.open(folders[site] / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with os.fdopen(descriptor, "rb") as source:
                    reader = _HashingReader(source)
                    tar.addfile(_member(name, entry.size), reader)  # type: ignore[arg-type]
                    if (reader.digest.hexdigest(), reader.size) != (entry.sha256, entry.size) or source.read(1):
                        raise ReleaseError(_("{site}/{path} changed while the bundle was written; build again, then bundle").format(site=site, path=path))
        if packed is not None:
            packed.close()
    record_sequence(key, sequence)
    return bundle, written


def read_signed_manifest(path: Path, public: Any) -> BundleManifest:
    """The manifest of the bundle ``path`` if its signature verifies with ``public``."""
    with _open_tar(path) as tar:
        data, signature = _read_head(tar, path)
    if not verifies(public, signature, data):
        raise ReleaseError(_("--since {path}: its signature does not verify with this key").format(path=path))
    try:
        return BundleManifest.from_data(data)
    except ValueError as exc:
        raise ReleaseError(_("--since {path}: its manifest is unusable: {problem}").format(path=path, problem=exc)) from None


# --- reading and applying ------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """``DEST/.zhanqun-applied.json``: the last bundle applied there.

    ``apply`` writes it twice, each time atomically: ``pending`` just BEFORE the sites are
    switched, final just after. Written only after the switch, a failure in between (a full disk)
    would leave the new sites served and the old sequence recorded, and an older bundle could then
    be applied over them. With the pending record first, every moment of an apply has DEST refusing
    every bundle older than the one being applied: the record's write failing switches nothing; the
    switch failing leaves the old sites served and the newer sequence recorded (a bundle in between
    is refused: the one that was attempted supersedes it); the final write failing leaves the
    record pending. A pending record lets exactly that bundle (same sequence, same manifest bytes)
    be applied again, which completes it; anything else is judged by its sequence as usual."""

    cluster: dict[str, str]
    target: str
    sequence: int
    digest: str  # sha256 of the bundle manifest's bytes
    key: str
    commit: str | None
    pending: bool = False  # written before the switch; the switch or the final record may not have followed

    def text(self) -> str:
        value = vars(self).copy()
        if not self.pending:
            del value["pending"]  # a completed apply's record is as it always was
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    @classmethod
    def read(cls, dest: Path) -> Applied | None:
        path = dest / APPLIED_NAME
        if not os.path.lexists(path):
            return None
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
            pending = value.get("pending", False)
            if not isinstance(pending, bool):
                raise TypeError(pending)
            return cls(dict(value["cluster"]), str(value["target"]), int(value["sequence"]), str(value["digest"]), str(value["key"]), value.get("commit"), pending)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise ReleaseError(_("{path} is unreadable; it records the last bundle applied, and without it an older bundle could not be told from a newer one. Restore it from a backup").format(path=path)) from None


def _refuse(bundle: Path, reason: str) -> ReleaseError:
    return ReleaseError(_("{bundle}: {reason}; nothing was changed").format(bundle=bundle, reason=reason))


class _BoundedTarInfo(tarfile.TarInfo):
    """A member header that refuses a header member (pax, GNU long name) over
    :data:`MAX_HEADER_BYTES` before tarfile reads it into memory."""

    def _proc_member(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in _HEADER_TYPES and self.size > MAX_HEADER_BYTES:
            raise tarfile.ReadError(_("a header member of {size} bytes (at most {limit} are read)").format(size=self.size, limit=MAX_HEADER_BYTES))
        return super()._proc_member(tarfile_)  # type: ignore[misc]


@contextmanager
def _open_tar(bundle: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(bundle, mode="r:*", tarinfo=_BoundedTarInfo) as tar:
            yield tar
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _refuse(bundle, _("it is damaged or not a zhanqun bundle ({problem})").format(problem=exc or type(exc).__name__)) from None


def _next(tar: tarfile.TarFile, bundle: Path) -> tarfile.TarInfo | None:
    try:
        return tar.next()
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _refuse(bundle, _("it is damaged ({problem})").format(problem=exc or type(exc).__name__)) from None


def _read_head(tar: tarfile.TarFile, bundle: Path) -> tuple[bytes, bytes]:
    """The manifest's bytes and the signature: the bundle's first two members."""
    found = []
    for name, limit in ((MANIFEST_NAME, MAX_MANIFEST_BYTES), (SIGNATURE_NAME, SIGNATURE_SIZE)):
        member = _next(tar, bundle)
        if member is None or member.name != name or not member.isreg() or member.size > limit:
            raise _refuse(bundle, _("it does not begin with {name}: not a zhanqun bundle").format(name=name))
        handle = tar.extractfile(member)
        assert handle is not None
        found.append(handle.read())
    return found[0], found[1]


def _check_member(member: tarfile.TarInfo, expected: dict[str, Any], seen: set[str], dest: Path, bundle: Path) -> None:
    """Refuse a member that is not a clean, signed, regular file inside DEST."""
    name = member.name
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise _refuse(bundle, _("member {name!r} has an absolute path").format(name=name))
    if ".." in name.replace("\\", "/").split("/"):
        raise _refuse(bundle, _("member {name!r} leads out of its folder (..)").format(name=name))
    if member.issym() or member.islnk():
        raise _refuse(bundle, _("member {name!r} is a link (to {target!r}); a bundle holds only files").format(name=name, target=member.linkname))
    if not (member.isreg() or member.isdir()):
        raise _refuse(bundle, _("member {name!r} is not a regular file (a device, a pipe or the like)").format(name=name))
    data_filter = getattr(tarfile, "data_filter", None)  # Python 3.11.4 and later; our own checks above hold without it
    try:
        if data_filter is not None:
            data_filter(member, str(dest))
    except tarfile.FilterError as exc:
        raise _refuse(bundle, _("member {name!r} is refused by the data filter: {problem}").format(name=name, problem=exc)) from None
    if member.isdir():
        return
    if name not in expected:
        raise _refuse(bundle, _("member {name!r} is not in the signed manifest").format(name=name))
    if name in seen:
        raise _refuse(bundle, _("member {name!r} is there twice").format(name=name))
    if member.size != expected[name].size or member.size > MAX_FILE_BYTES:
        raise _refuse(bundle, _("member {name!r} has {size} bytes; the signed manifest says {expected}").format(name=name, size=member.size, expected=expected[name].size))


def verify_bundle(bundle: Path, trust: Path, dest: Path) -> tuple[BundleManifest, bytes]:
    """The first pass of ``apply``: everything checked, nothing written. Returns the manifest and
    its bytes; :class:`ReleaseError` (the reason, "nothing was changed") otherwise."""
    public = load_public_key(trust)
    if not bundle.is_file():
        raise _refuse(bundle, _("no such file"))
    with _open_tar(bundle) as tar:
        data, signature = _read_head(tar, bundle)
        if not verifies(public, signature, data):
            raise _refuse(bundle, _("its signature does not verify with the trusted key {trust} (key {key}): the bundle was altered on the way, or signed with another key").format(
                trust=trust, key=key_id(public)))
        try:
            manifest = BundleManifest.from_data(data)
        except ValueError as exc:
            raise _refuse(bundle, _("its manifest is signed but unusable: {problem}").format(problem=exc)) from None
        check_sequence(manifest, data, dest, bundle)
        expected = manifest.members()
        if len(expected) > MAX_MEMBERS or sum(entry.size for entry in expected.values()) > MAX_TOTAL_BYTES:
            raise _refuse(bundle, _("it holds more than {members} files or {gib} GiB, the limits of apply").format(members=MAX_MEMBERS, gib=MAX_TOTAL_BYTES // 1024**3))
        seen: set[str] = set()
        count = 0
        while (member := _next(tar, bundle)) is not None:
            count += 1
            if count > len(expected) + 10_000:
                raise _refuse(bundle, _("it holds more members than its manifest lists"))
            _check_member(member, expected, seen, dest, bundle)
            if member.isdir():
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            try:
                found = hash_stream(handle)
            except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise _refuse(bundle, _("it is damaged ({problem})").format(problem=exc or type(exc).__name__)) from None
            if found != (expected[member.name].sha256, expected[member.name].size):
                raise _refuse(bundle, _("member {name!r} does not match its sha256 in the signed manifest (altered on the way)").format(name=member.name))
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing and manifest.base is None:
            raise _refuse(bundle, _("{count} file(s) of the signed manifest are missing from it, e.g. {name} (cut short on the way?)").format(count=len(missing), name=missing[0]))
        checkers: dict[str, Callable[[str, FileEntry], bool]] = {}
        for name in missing:  # a delta bundle: what it leaves out must be served in DEST as its base had it
            site_id, path = name[len(SITES_PREFIX) :].split("/", 1)
            if site_id not in checkers:
                checkers[site_id] = _served(dest, site_id)
            if not checkers[site_id](path, expected[name]):
                raise _refuse(bundle, _("it is a delta on bundle {base}, and {dest} does not serve {name} as that bundle had it; apply bundle {base}, or a full bundle, first").format(
                    base=manifest.base, dest=dest, name=name))
    return manifest, data


def _served(dest: Path, site_id: str) -> Callable[[str, FileEntry], bool]:
    """Whether the current release of ``site_id`` in DEST holds a path as an entry says (its record and its bytes)."""
    site = SiteReleases(dest, site_id)
    current = site.current()
    record = site.record(current) if current else None
    listed = record.manifest.by_path() if record else {}

    def served(path: str, entry: FileEntry) -> bool:
        if current is None or listed.get(path) != entry:
            return False
        try:
            live = site.releases_folder / current / path
            # its .gz too: gzip_static sends it in place of the file, and a stale one is never linked
            return hash_file(live) == (entry.sha256, entry.size) and (not needs_gzip(path, listed) or gzip_holds(Path(f"{live}.gz"), entry))
        except OSError:
            return False

    return served


def check_sequence(manifest: BundleManifest, data: bytes, dest: Path, bundle: Path) -> None:
    """The bundle is for this DEST (cluster, target) and newer than the last one applied there."""
    made_for = dest_target(dest)
    if made_for not in (None, manifest.target):
        raise _refuse(bundle, _("it holds the {theirs} sites, and {dest} the {ours} sites").format(theirs=manifest.target, dest=dest, ours=made_for))
    applied = Applied.read(dest)
    if applied is None:
        return
    if applied.cluster != manifest.cluster:
        raise _refuse(bundle, _("it is for the cluster {theirs}, and {dest} holds {ours}").format(theirs=manifest.cluster.get("name"), dest=dest, ours=applied.cluster.get("name")))
    if applied.target != manifest.target:
        raise _refuse(bundle, _("it holds the {theirs} sites, and {dest} the {ours} sites").format(theirs=manifest.target, dest=dest, ours=applied.target))
    if manifest.sequence == applied.sequence and hashlib.sha256(data).hexdigest() == applied.digest:
        if applied.pending:
            return  # this very bundle's apply did not complete: applying it again completes it
        raise _refuse(bundle, _("bundle {sequence} is already applied in {dest} (a replay)").format(sequence=manifest.sequence, dest=dest))
    if manifest.sequence <= applied.sequence:
        raise _refuse(bundle, _("its sequence {sequence} is not greater than {applied}, the last one applied in {dest}: an older or replayed bundle").format(
            sequence=manifest.sequence, applied=applied.sequence, dest=dest))


class _Cursor:
    """The members of a tar read forward only (a gzipped tar is never rewound): ``open(name)``
    skips to ``name``, which must come later than the last one opened."""

    def __init__(self, tar: tarfile.TarFile, bundle: Path):
        self.tar, self.bundle = tar, bundle

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        while (member := _next(self.tar, self.bundle)) is not None:
            if member.name == name and member.isreg():
                handle = self.tar.extractfile(member)
                assert handle is not None
                yield handle  # type: ignore[misc]
                return
        raise ReleaseError(_("{bundle}: {name} is not where the first pass found it (the file changed while it was applied?)").format(bundle=self.bundle, name=name))


def apply_bundle(bundle: Path, trust: Path, dest: Path, keep: int) -> tuple[BundleManifest, DeployReport]:
    """``apply``: verify (writing nothing), then install every site as a release and record the sequence."""
    manifest, data = verify_bundle(bundle, trust, dest)
    with _open_tar(bundle) as tar:
        again, _signature = _read_head(tar, bundle)
        if again != data:
            raise _refuse(bundle, _("it changed while it was applied"))
        cursor = _Cursor(tar, bundle)
        sources = [(manifest.sites[site], (lambda site: lambda path: cursor.open(f"{SITES_PREFIX}{site}/{path}"))(site)) for site in sorted(manifest.sites)]
        applied = Applied(manifest.cluster, manifest.target, manifest.sequence, hashlib.sha256(data).hexdigest(), manifest.key, manifest.commit)

        def record_applied() -> None:
            try:
                write_text(dest, APPLIED_NAME, applied.text())
            except OSError as exc:  # the sites are switched: say so, not "nothing was switched"
                raise ReleaseError(_("the sites of bundle {sequence} are served, but {path} could not be completed ({reason}); it records bundle {sequence} as pending, so older bundles stay refused. Free the space, then apply this bundle again to complete the record").format(
                    sequence=manifest.sequence, path=dest / APPLIED_NAME, reason=exc.strerror or exc)) from None

        report = install(
            dest, manifest.target, sources, keep, manifest.sequence, "apply",  # type: ignore[arg-type]
            before=lambda: check_sequence(manifest, data, dest, bundle),  # again, with the lock held
            before_switch=lambda: write_text(dest, APPLIED_NAME, replace(applied, pending=True).text()),  # see Applied
            after_switch=record_applied,
        )
    return manifest, report
