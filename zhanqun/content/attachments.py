"""Attachments (附件): every file under ``content/<site>/files/``, under one identity, and who links it.

A file can be named many ways: ``{static}/files//plan.pdf``, ``{static}../files/./plan.pdf``,
``site:ulanhot/files/plan.pdf`` from another site, a symbolic link ``files/notice.doc`` that
leads to it. Deciding what to publish by how a reference is spelt is how an internal item's
attachment slips out. So here every file has one identity (:class:`FileId`): the real file behind
the name, as ``content/<site>/files/<path>``, and every reference is resolved to a name by the one
link resolver (``links/resolve.py``), which normalises it the way a web server would.

Who links what, and so what a target publishes, is decided in stage 3 by
:mod:`zhanqun.render.attachment_use`. The rule there is simple and fails closed: **a file is published only where an item this target
renders links it** — through ``{static}``/``{attach}``, ``site:<id>/files/…`` or a media header
(``Photo``, ``Video``, ``Poster``, ``Captions``). A file that only internal or draft items link is
withheld, and so is every other name of the same file; a file that nothing links is not published
at all (a warning says so). A public page that links a file some other way finds it missing, and
the output link check reports that page.

Names are checked when they are read (stage 2): a symbolic link must lead to another attachment
inside the repository, never to an item's Markdown, a site file or outside; an attachment that
could run in the site's origin is refused (``attachment_safety.py``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.private_use import PRIVATE_USE_RE, private_use_message
from ..errors import Problems
from ..i18n import _
from .attachment_safety import check_attachment

if TYPE_CHECKING:
    from ..config.sites import Cluster

FILES = "files"


@dataclass(frozen=True, order=True)
class FileId:
    """A name of an attachment: its site and its path under ``content/<site>/``, ``files/…``."""

    site: str
    path: str

    @property
    def source(self) -> str:
        return f"content/{self.site}/{self.path}"


@dataclass(frozen=True)
class Refused:
    """Why a name under ``files/`` is never published, and the code its links are reported with."""

    code: str  # "active-content", "bad-file-name", "link-outside"
    reason: str


@dataclass
class Attachments:
    """Every attachment name of the cluster and the file behind it; read once, before any target."""

    names: dict[FileId, FileId] = field(default_factory=dict)  # name → identity (the real file)
    refused: dict[FileId, Refused] = field(default_factory=dict)  # names that are never published, and why

    def identify(self, site: str, path: str) -> FileId | None:
        """The identity behind ``content/<site>/<path>``, or ``None`` when it is no attachment."""
        return self.names.get(FileId(site, path))

    def of_site(self, site: str) -> list[FileId]:
        return sorted(name for name in self.names if name.site == site)

    def names_of(self, identities: set[FileId]) -> list[FileId]:
        """Every name that leads to one of ``identities``."""
        return sorted(name for name, identity in self.names.items() if identity in identities)

    def paths_of(self, site: str) -> list[str]:
        """The ``files/…`` paths of a site's attachments (for suggestions in messages)."""
        return [name.path for name in self.of_site(site)]


def read_attachments(root: Path, cluster: "Cluster", problems: Problems) -> Attachments:
    """Every file under every site's ``files/`` folder, checked and given its identity.

    The identity of a file is the file itself: two names of one file (a symbolic link, a hard link)
    have one identity, the first name found. A file that may not be published (it could run in
    the site's address, or its name leads out of ``files/``) is kept in :attr:`Attachments.refused`
    with the reason, reported where an item links it (``links/resolve.py``) or as unused.
    """
    found = Attachments()
    real_root = Path(os.path.realpath(root))
    by_inode: dict[tuple[int, int], FileId] = {}
    checked: dict[FileId, str | None] = {}
    for site in cluster.sites:
        folder = root / "content" / site.id / FILES
        if not folder.is_dir():
            continue
        if Path(os.path.realpath(folder)) != real_root / "content" / site.id / FILES:
            problems.add(f"content/{site.id}/{FILES}", None, "link-outside", _("{folder} is a symbolic link to {target}; attachments must be real files of the repository, reviewed with the site").format(folder=f"content/{site.id}/{FILES}", target=os.path.realpath(folder)))
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            base = Path(dirpath)
            for name in sorted(dirnames):
                if (base / name).is_symlink():
                    rel = (base / name).relative_to(root).as_posix()
                    problems.add(rel, None, "link-outside", _("{path} is a symbolic link to a folder; copy the files themselves under files/").format(path=rel))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (base / d).is_symlink())
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith("~"):
                    continue
                path = base / name
                rel = path.relative_to(root / "content" / site.id).as_posix()
                source = f"content/{site.id}/{rel}"
                name_id = FileId(site.id, rel)
                unsafe = _unsafe_name(name)
                if unsafe:
                    problems.add(source, None, "bad-file-name", unsafe)
                    found.refused[name_id] = Refused("bad-file-name", _("its name cannot be an address (see the error reported for the file)"))
                    continue
                private = PRIVATE_USE_RE.search(rel)
                if private:  # typed with a legacy input method: boxes in every link and address
                    problems.add(source, None, "private-use-text", _("its name: {message}").format(message=private_use_message(private.group(0))))
                    found.refused[name_id] = Refused("bad-file-name", _("its name cannot be an address (see the error reported for the file)"))
                    continue
                if not path.is_symlink() and not path.is_file():
                    problems.add(source, None, "not-a-file", _("a named pipe, socket or device, not a file; remove it"))
                    found.refused[name_id] = Refused("not-a-file", _("it is not a file"))
                    continue
                identity = _identity(path, real_root, cluster, source, problems)
                if identity is None:
                    found.refused[name_id] = Refused("link-outside", _("it is no attachment (see the error reported for the file)"))
                    continue
                stat = path.stat()
                identity = by_inode.setdefault((stat.st_dev, stat.st_ino), identity)
                if identity not in checked:
                    refusal = check_attachment(path, rel, cluster[identity.site].publishing.attachment_types)
                    checked[identity] = None if refusal is None else (
                        _("{reason} (line {line} of {source})").format(reason=refusal.reason, line=refusal.line, source=identity.source) if refusal.line else refusal.reason
                    )
                if checked[identity]:
                    found.refused[name_id] = Refused("active-content", str(checked[identity]))
                    continue
                found.names[name_id] = identity
    return found


def _identity(path: Path, real_root: Path, cluster: "Cluster", source: str, problems: Problems) -> FileId | None:
    """The attachment a name leads to (itself, or a symbolic link's target); a located error else."""
    real = Path(os.path.realpath(path))
    if path.is_symlink():
        target = os.readlink(path)
        if not real.exists():
            problems.add(source, None, "broken-symlink", _("a symbolic link to {target}, which does not exist; remove it or copy the file itself here").format(target=target))
            return None
        if real_root not in real.parents:
            problems.add(source, None, "link-outside", _("a symbolic link to {target}, outside the repository; copy the file into the repository instead, so it is reviewed and versioned with the site").format(target=target))
            return None
    parts = real.relative_to(real_root).parts if real_root in real.parents else ()
    if len(parts) < 4 or parts[0] != "content" or parts[2] != FILES or parts[1] not in cluster or not real.is_file():
        shown = real.relative_to(real_root).as_posix() if parts else str(real)
        problems.add(source, None, "link-outside", _("leads to {shown}, which is not an attachment; a name under files/ must be a file there (or a link to another file under some site's files/)").format(shown=shown))
        return None
    return FileId(parts[1], "/".join(parts[2:]))


#: Characters an attachment's name may not hold: they change what an address means.
_UNSAFE_NAME_RE = re.compile(r"[%\\#?\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _unsafe_name(name: str) -> str | None:
    if _UNSAFE_NAME_RE.search(name):
        return _("the name {name!r} holds a character that changes what an address means (%, \\, #, ?, control or direction marks); rename the file").format(name=name)
    return None
