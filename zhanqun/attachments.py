"""Attachments (附件): which files under ``content/<site>/files/`` each item uses.

An attachment that only internal or draft items link (a draft budget table, an internal
circular's scan) must not be copied into public output: the stage gives Pelican only the files a
target may publish, and the leak gate looks for the names of the others. An item uses a file when
its body or a header value names ``files/<path>`` — through ``{static}``, ``{attach}``, a
relative or a root path; files that no item names are published as before (the theme or a
hand-written page may link them).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .index import ContentIndex, Item

FILES = "files"

#: ``files/<path>`` as written in Markdown, HTML or a header value, up to a delimiter.
_FILES_REF_RE = re.compile(r"(?<![\w.-])files/(?P<path>[^\s)\"'<>\]#?]+)")


def referenced_files(item: Item) -> set[str]:
    """Paths (``files/…``, relative to ``content/<site>/``) that ``item`` names."""
    found: set[str] = set()
    for text in (item.body, *item.meta.values()):
        if "files/" not in text:
            continue
        for match in _FILES_REF_RE.finditer(text):
            path = posixpath.normpath(unquote(match.group("path")).rstrip(".,;:，。；"))
            found.add(f"{FILES}/{path}")
    return found


def site_files(root: Path, site_id: str) -> list[str]:
    """Every attachment of a site, as sorted ``files/…`` paths (hidden files left out)."""
    folder = root / "content" / site_id / FILES
    if not folder.is_dir():
        return []
    return sorted(
        f"{FILES}/{path.relative_to(folder).as_posix()}"
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


@dataclass
class AttachmentUse:
    """For one site: which of its attachments are linked by published items, and which only by others."""

    site: str
    files: list[str] = field(default_factory=list)
    published: set[str] = field(default_factory=set)  # linked by an item the target renders
    withheld: set[str] = field(default_factory=set)  # linked only by items the target does not render

    @property
    def publishable(self) -> list[str]:
        """The files to copy into the output: all but the withheld ones, in a stable order."""
        return [path for path in self.files if path not in self.withheld]


def attachment_use(root: Path, site_id: str, index: ContentIndex, include_internal: bool) -> AttachmentUse:
    """Sort a site's attachments by who links them, for a target that does (not) include internal content."""
    use = AttachmentUse(site_id, site_files(root, site_id))
    existing = set(use.files)
    hidden: set[str] = set()
    for item in index.of_site(site_id):
        names = referenced_files(item) & existing
        if item.published_in(include_internal):
            use.published |= names
        else:
            hidden |= names
    use.withheld = hidden - use.published
    return use
