"""Every path zhanqun writes is decided here: decoded, normalised and confined to its folder.

Paths that end up on disk come from authors (``Aliases:``, file names), webmasters (site ids,
column ids, theme files) and operators (``--out``). Each of them could spell a way out of the
output folder: ``/%2e%2e/`` is ``/../`` to a browser and to a web server, ``a\\b`` is ``a/b`` to a
browser, a folder may be a symbolic link to somewhere else. Rather than check each caller, every
write goes through this module: :func:`url_segments` reads a path the way a browser and a web
server do, :func:`confine` refuses anything that would leave its base folder (also through an
existing symbolic link), :func:`report_folder` is the one way to the folders of reports beside the
sites (no symbolic link from the repository on), and the write functions below are the only ones in the engine that create,
replace or remove files (a test reads the engine's source to keep it that way).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import unquote

from .i18n import _

#: What WHATWG URL parsing removes anywhere in an address before reading it.
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
#: Characters no written path may hold once decoded: control characters and separators.
_FORBIDDEN_IN_SEGMENT = re.compile(r"[\x00-\x1f\x7f/\\]")
_SINGLE_DOT = {".", "%2e"}
_DOUBLE_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


class UnsafePath(ValueError):
    """A path that would leave its folder, or cannot be written safely; the message says why."""


def url_segments(path: str) -> list[str] | None:
    """The segments of a URL path as a browser requests them and a web server serves them.

    Tabs and newlines are dropped and backslashes read as slashes (WHATWG URL parsing); ``.`` and
    ``..`` (also written ``%2e``) are resolved; empty segments are merged (nginx and Python's
    ``http.server`` both do); every segment is percent-decoded once, as a server decodes it.
    Returns ``None`` when the path climbs above its start, or when a decoded segment holds a
    separator or a control character (``%2f``, ``%00``), which servers disagree about.
    """
    path = _TAB_OR_NEWLINE.sub("", path).replace("\\", "/")
    segments: list[str] = []
    for raw in path.split("/"):
        lowered = raw.lower()
        if raw == "" or lowered in _SINGLE_DOT:
            continue
        if lowered in _DOUBLE_DOT:
            if not segments:
                return None
            segments.pop()
            continue
        try:
            decoded = unquote(raw, errors="strict") if "%" in raw else raw
        except UnicodeDecodeError:
            return None
        if decoded in (".", "..") or _FORBIDDEN_IN_SEGMENT.search(decoded):
            return None
        segments.append(decoded)
    return segments


def normalise(path: str) -> str:
    """``path`` as a clean relative path (``a/b.html``); raises :class:`UnsafePath` if it leaves."""
    if path.startswith(("/", "\\")) and path.lstrip("/\\") == "":
        raise UnsafePath(_("{path!r} names no file").format(path=path))
    segments = url_segments(path.lstrip("/\\"))
    if segments is None:
        raise UnsafePath(_("{path!r} leaves its folder (or holds an encoded separator or control character)").format(path=path))
    if not segments:
        raise UnsafePath(_("{path!r} names no file").format(path=path))
    return "/".join(segments)


def confine(base: Path, rel: str) -> Path:
    """``base / rel``, only if it stays inside ``base``, also after following symbolic links.

    ``rel`` is read by :func:`normalise`; then every folder on the way that already exists is
    resolved, and must still lie inside ``base``; a final component that is a symbolic link is
    refused (a write would go wherever it points).
    """
    clean = normalise(rel)
    candidate = base / clean
    if _folders_hold_a_link(base, clean):  # only then can a folder on the way lead elsewhere
        real_base = Path(os.path.realpath(base))
        real_parent = Path(os.path.realpath(candidate.parent))
        if real_parent != real_base and real_base not in real_parent.parents:
            raise UnsafePath(_("{path!r} leads outside {base} (through a symbolic link)").format(path=rel, base=base))
    if candidate.is_symlink():
        raise UnsafePath(_("{path!r} is a symbolic link; zhanqun never writes through one").format(path=rel))
    return candidate


def _folders_hold_a_link(base: Path, clean: str) -> bool:
    """Whether a folder of ``clean`` (a normalised path) below ``base`` is a symbolic link.

    Where none is, ``base/clean`` lies inside ``base`` by construction, and :func:`confine` needs
    no ``realpath`` (which reads every folder from ``/`` down, twice per file: most of the cost of
    writing a site's many small pages). One ``lstat`` per folder below ``base``, up to the first
    that does not exist yet (nothing below it can exist, hence nothing to follow).
    """
    folder = os.fspath(base)
    for part in clean.split("/")[:-1]:
        folder = os.path.join(folder, part)
        try:
            mode = os.lstat(folder).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return False
        if stat.S_ISLNK(mode):
            return True
    return False


def _make_parent(base: Path, rel: str, path: Path) -> None:
    """Create the folder of ``path`` (``confine(base, rel)``, just checked) if it is not there;
    then check again: a folder created meanwhile through a link would show up. A folder that was
    there already was checked with the path (a site writes thousands of files into a few folders)."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        confine(base, rel)


def walk_tree(folder: str | Path, leave_out: str | None = None, strict: bool = False) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``(posix path below folder, entry)`` of everything in ``folder`` and its subfolders that is
    not a folder: files, symbolic links (also to folders, never followed), anything else; one
    ``scandir`` per folder, no path object per file (outputs of 20,000 files are listed several
    times a build). ``leave_out``: a folder at the top not entered (``.zhanqun/``). A folder that
    cannot be listed is passed over, as ``os.walk`` does, unless ``strict`` (the error is raised).
    In no particular order."""
    waiting = [("", os.fspath(folder))]
    while waiting:
        prefix, current = waiting.pop()
        try:
            entries = os.scandir(current)
        except OSError:
            if strict:
                raise
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name != leave_out:
                        waiting.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    yield prefix + entry.name, entry


def make_folder(base: Path, rel: str | None = None) -> Path:
    """Create ``base`` (and ``base/rel``) with its parents; returns the folder."""
    folder = confine(base, rel) if rel else base
    folder.mkdir(parents=True, exist_ok=True)
    if rel:
        confine(base, rel)  # a folder created meanwhile through a link would show up here
    return folder


def write_bytes(base: Path, rel: str, data: bytes) -> Path:
    """Write ``data`` to ``base/rel`` atomically (a temporary file, then one rename)."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    scratch = path.with_name(f".{path.name}.zq-tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(scratch, flags, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(scratch, path)
    except BaseException:
        with _quietly():
            os.unlink(scratch)
        raise
    return path


def write_text(base: Path, rel: str, text: str) -> Path:
    """Write ``text`` as UTF-8 (LF line ends, as given) to ``base/rel``; see :func:`write_bytes`."""
    return write_bytes(base, rel, text.encode("utf-8"))


def symlink(base: Path, rel: str, target: Path) -> Path:
    """A symbolic link at ``base/rel`` to ``target`` (staged attachments: no copy until Pelican's)."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    path.symlink_to(target)
    return path


def replace_with_hard_link(base: Path, rel: str, existing: Path) -> bool:
    """Replace the file ``base/rel`` by a hard link to ``existing`` (a file with the same bytes),
    in one rename; ``False`` (nothing changed) where the file system cannot link them.

    The incremental build's way of keeping an unchanged page's file — and its modification time —
    across the swap, so that deploys and ``rsync`` see only real changes.
    """
    path = confine(base, rel)
    if existing.is_symlink() or not existing.is_file():
        return False
    scratch = path.with_name(f".{path.name}.zq-link")
    try:
        os.link(existing, scratch, follow_symlinks=False)
    except OSError:
        return False
    _rename_over(scratch, path)
    return True


def _rename_over(scratch: Path, path: Path) -> None:
    """Put ``scratch`` in the place of ``path`` with one ``rename(2)``; on failure ``scratch`` goes
    and ``path`` is as it was."""
    try:
        os.replace(scratch, path)
    except BaseException:
        with _quietly():
            os.unlink(scratch)
        raise


def move(base: Path, rel: str, to_base: Path, to_rel: str) -> None:
    """Rename ``base/rel`` to ``to_base/to_rel`` in one step (the output swap)."""
    os.replace(confine(base, rel), confine(to_base, to_rel))


def remove(base: Path, rel: str | None = None) -> None:
    """Remove ``base/rel`` (or ``base`` itself), file or folder, if it exists; never follows a link."""
    path = confine(base, rel) if rel else base
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with _quietly():
            os.unlink(path)


def remove_file(base: Path, rel: str) -> None:
    """Remove the file (or link) ``base/rel`` if there is one, so that a write that opens the
    name in place makes a new file; a folder is left for the write to fail on."""
    path = confine(base, rel)
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass


def write_new_file(base: Path, rel: str, source: BinaryIO, mode: int = 0o644) -> Path:
    """Copy what ``source`` holds into a NEW file ``base/rel`` (streamed; an existing file or a
    link there is refused), with ``mode``. For folders nobody reads yet (a release being prepared)."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            shutil.copyfileobj(source, handle, 1 << 20)
            os.fchmod(handle.fileno(), mode)
    except BaseException:
        with _quietly():
            os.unlink(path)
        raise
    return path


@contextmanager
def atomic_writer(base: Path, rel: str, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A file handle whose bytes replace ``base/rel`` in one rename when the block ends without an
    error (a bundle, written in a stream); on an error the temporary file is removed."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    scratch = path.with_name(f".{path.name}.zq-tmp-{os.getpid()}")
    with _quietly():
        os.unlink(scratch)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(scratch, flags, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch, path)
    except BaseException:
        with _quietly():
            os.unlink(scratch)
        raise


def create_exclusive(base: Path, rel: str, data: bytes, mode: int) -> Path:
    """Write ``data`` to ``base/rel`` with ``mode`` only if nothing is there yet (a key file): the
    bytes go to a temporary file first and are linked in with ``link(2)``, which refuses an
    existing name (:class:`FileExistsError`), so nothing is ever overwritten or half written."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    scratch = path.with_name(f".{path.name}.zq-tmp-{os.getpid()}")
    with _quietly():
        os.unlink(scratch)
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.link(scratch, path, follow_symlinks=False)
    finally:
        with _quietly():
            os.unlink(scratch)
    return path


def hard_link(base: Path, rel: str, source: Path) -> Path:
    """A hard link at ``base/rel`` to the file ``source`` (an unchanged file of the previous
    release: same inode, no copy). ``source`` must be a regular file, never a link."""
    path = confine(base, rel)
    _make_parent(base, rel, path)
    if not stat.S_ISREG(os.lstat(source).st_mode):
        raise UnsafePath(_("{path} is not a regular file; zhanqun links only files").format(path=source))
    os.link(source, path, follow_symlinks=False)
    return path


def write_bytes_or_link(base: Path, rel: str, data: bytes, same: Path | None) -> Path:
    """Write ``data`` to ``base/rel`` (:func:`write_bytes`), or, when the file ``same`` holds exactly
    these bytes (compared here), make ``base/rel`` a hard link to it (:func:`hard_link`): no new
    file, and ``same``'s time is kept. ``same`` is a confined path of the current output; nothing
    ever writes into a file in place, so the link cannot change it."""
    if same is not None:
        try:
            if os.lstat(same).st_size == len(data) and same.read_bytes() == data:
                return hard_link(base, rel, same)
        except (OSError, UnsafePath):
            pass  # gone, not a regular file, or no hard links on this file system: written
    return write_bytes(base, rel, data)


def set_mtime(base: Path, rel: str, nanoseconds: int) -> None:
    """Give ``base/rel`` this modification time (a ``.gz`` the same as its file, as nginx's
    ``gzip_static`` recommends)."""
    os.utime(confine(base, rel), ns=(nanoseconds, nanoseconds), follow_symlinks=False)


def replace_symlink(base: Path, rel: str, target: str) -> Path:
    """Point the symbolic link ``base/rel`` at the relative ``target`` in ONE step: a new link is
    made under a temporary name and renamed over the old one (``rename(2)``; ``ln -sfn`` removes
    the old link first, and for a moment there is none). ``target`` stays inside ``base``; what is
    at ``base/rel`` must be a link or nothing (a real folder there is refused)."""
    clean = normalise(rel)
    if normalise(target) != target or target.startswith("/"):
        raise UnsafePath(_("{target!r} must be a clean relative path").format(target=target))
    path = base / clean
    real_base = Path(os.path.realpath(base))
    if Path(os.path.realpath(path.parent)) != real_base and real_base not in Path(os.path.realpath(path.parent)).parents:
        raise UnsafePath(_("{path!r} leads outside {base} (through a symbolic link)").format(path=rel, base=base))
    if os.path.lexists(path) and not path.is_symlink():
        raise UnsafePath(_("{path} is not a symbolic link; zhanqun replaces only its own links").format(path=path))
    scratch = path.with_name(f".{path.name}.zq-tmp-{os.getpid()}")
    with _quietly():
        os.unlink(scratch)
    os.symlink(target, scratch)
    _rename_over(scratch, path)
    return path


class Locked(Exception):
    """Another process holds the lock (:func:`exclusive_lock`)."""


@contextmanager
def exclusive_lock(base: Path, rel: str) -> Iterator[None]:
    """Hold ``flock(2)`` on ``base/rel`` (created if missing) for the block; :class:`Locked` at
    once when another process holds it. The kernel releases it when the process dies, so a killed
    deploy leaves no stale lock."""
    path = confine(base, rel)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(str(path)) from None
        yield
    finally:
        os.close(descriptor)


class _quietly:
    """Ignore a missing file while cleaning up."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        return kind is not None and issubclass(kind, (FileNotFoundError, NotADirectoryError))  # type: ignore[arg-type]


# --- the output folder -------------------------------------------------------------------------

#: The repository's folder of built sites and of the reports beside them.
OUTPUT_FOLDER = "output"


def report_folder(root: Path, *names: str) -> Path:
    """``<root>/output/<names…>``, each folder created if missing; :class:`UnsafePath` when one of
    them is a symbolic link or not a folder.

    The reports zhanqun writes beside the sites — ``output/reports/`` (the link report, which names
    internal pages) and ``output/audit/`` — belong to the repository, never to a web root. :func:`confine`
    keeps a write below its base, but trusts the base: ``output/reports -> production/tjj`` or
    ``output -> /var/www`` would carry every report along. So the way from the repository root is
    walked step by step: a step that is a symbolic link is refused wherever it points (nothing is
    written), a missing one is created as a real folder and looked at again (a link made meanwhile).
    ``names`` are single folder names.
    """
    folder = root
    for name in (OUTPUT_FOLDER, *names):
        clean = normalise(name)
        if "/" in clean:
            raise UnsafePath(_("{path!r} names no file").format(path=name))
        folder = folder / clean
        shown = folder.relative_to(root).as_posix()
        if not _is_real_folder(folder, shown):
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass  # made meanwhile: looked at below like any other
            _is_real_folder(folder, shown)
    return folder


def _is_real_folder(folder: Path, shown: str) -> bool:
    """Whether ``folder`` exists (``False``: not yet); :class:`UnsafePath` when it is a link or a file."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        raise UnsafePath(_("{folder} is a symbolic link; zhanqun writes its reports only into real folders of the repository, never through a link (remove the link)").format(folder=shown))
    if not stat.S_ISDIR(mode):
        raise UnsafePath(_("{folder} is a file, not a folder (move it away)").format(folder=shown))
    return True


#: The folder of zhanqun's own files inside a site's output (the site manifest): never published as
#: a site file, never served, never counted as a page or a link target.
ZHANQUN_FOLDER = ".zhanqun"

#: The file that marks a folder as zhanqun's output; ``--out`` may replace what is in such a folder.
OUTPUT_MARKER = ".zhanqun-output"
MARKER_TEXT = "This folder holds sites built by zhanqun; each build replaces its <site id>/ folders.\ntarget: {target}\n"


def marked_target(out: Path) -> str | None:
    """The target an output folder's marker names (``None``: no marker, or an older one)."""
    return marker_target(out, OUTPUT_MARKER)


def marker_target(folder: Path, marker: str) -> str | None:
    """The ``target:`` line of the marker file ``folder/marker`` — the output folder's, a deploy
    destination's — or ``None`` when there is no readable marker."""
    try:
        text = (folder / marker).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        if line.startswith("target: "):
            return line[len("target: ") :].strip()
    return None


def check_output_folder(out: Path, root: Path, protected: tuple[str, ...], target: str) -> str | None:
    """Why ``out`` may not receive a build of ``target``, or ``None``.

    The swap replaces ``<out>/<site id>/`` wholesale, so ``out`` must not be the repository, lie
    above it (``--out ..`` from a checkout named like a site), lie inside one of its protected
    folders (sources, code, ``.git``), or be reached through a symbolic link inside the repository
    (``output -> .``). An existing folder that is not empty must carry the marker zhanqun leaves in
    every output folder, naming the same target: a folder of someone else's files, or the
    production build, is never replaced by accident.
    """
    reason = repository_problem(out, root, protected)
    if reason:
        return reason
    out_real = Path(os.path.realpath(out))
    if out_real.exists() and not out_real.is_dir():
        return _("it is a file")
    if out_real.is_dir() and any(out_real.iterdir()):
        if not (out_real / OUTPUT_MARKER).is_file():
            return _(
                "it is a folder that is not empty and was not made by zhanqun (there is no {marker} file in it; "
                "if it holds an earlier zhanqun build, create that file to adopt it)"
            ).format(marker=OUTPUT_MARKER)
        made_for = marked_target(out_real)
        if made_for not in (None, target):
            return _("it holds the {made_for} build; write the {target} build to its own folder").format(made_for=made_for, target=target)
        links = sorted(child.name for child in out_real.iterdir() if child.is_symlink())
        if links:
            message = (
                _("{links} in it is a symbolic link; a build replaces its site folders and never writes through a link (remove the link)")
                if len(links) == 1
                else _("{links} in it are symbolic links; a build replaces its site folders and never writes through a link (remove the link)")
            )
            return message.format(links=", ".join(links))
    return None


def repository_problem(out: Path, root: Path, protected: tuple[str, ...]) -> str | None:
    """Why zhanqun may not write a folder ``out`` of its own (build output, deploy destination)
    there, seen from the repository at ``root``, or ``None``: it is the repository, lies above it,
    lies inside one of its ``protected`` folders (sources, code, ``.git``), or is reached through a
    symbolic link inside the repository (``output -> .``)."""
    out_real = Path(os.path.realpath(out))
    root_real = Path(os.path.realpath(root))
    if out_real == root_real:
        return _("it is the repository itself (its sources would be replaced)")
    if out_real in root_real.parents:
        return _("it contains the repository (a site folder written there could replace it)")
    for name in protected:
        folder = root_real / name
        if out_real == folder or folder in out_real.parents:
            return _("it is inside the repository's sources, code or history ({name}/)").format(name=name)
    absolute = Path(os.path.abspath(out))
    root_abs = Path(os.path.abspath(root))
    if root_abs in absolute.parents:
        step = root_abs
        for part in absolute.relative_to(root_abs).parts:
            step = step / part
            if step.is_symlink():
                return _("it leads through the symbolic link {link} inside the repository").format(link=step.relative_to(root_abs).as_posix())
    return None


def mark_output_folder(out: Path, target: str) -> None:
    """Leave the marker (with the target) in an output folder, so later builds may replace it."""
    if marked_target(out) != target:
        write_text(out, OUTPUT_MARKER, MARKER_TEXT.format(target=target))
