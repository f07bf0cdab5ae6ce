"""Stage 3b: links in author Markdown, resolved for the target being built (SPEC §4).

``site:<id>`` and ``site:<id>/<column>/<file>.md`` are rewritten here to the address of the other
site or page for the target; ``{filename}`` and ``{static}`` links are checked here (so a broken
one is a located error, not Pelican's warning) and left for Pelican to resolve, except in
syndicated copies, where they are rewritten to the origin site's addresses.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .addresses import AddressMap
from .errors import Problems, did_you_mean
from .index import Item

#: A link reference inside Markdown or raw HTML: after ``](``, ``]:`` or an URL attribute.
LINK_RE = re.compile(
    r"(?P<pre>\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?|\b(?:href|src|poster|srcset|data)\s*=\s*[\"']?)"
    r"(?P<ref>(?:site:|\{filename\}|\{static\}|\{attach\})[^\s)\"'<>]*)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Resolution:
    url: str | None
    target: Item | None = None
    error: str | None = None
    code: str = "broken-link"


class LinkResolver:
    """Resolves references for one target, knowing every site and item of the cluster."""

    def __init__(self, root: Path, addresses: AddressMap):
        self.root = root
        self.addresses = addresses
        self.cluster = addresses.cluster
        self.index = addresses.index

    def resolve(self, ref: str, item: Item) -> Resolution:
        """The address ``ref`` (written in ``item``) points to for this target."""
        ref, fragment = _split_fragment(ref)
        if ref.startswith("site:"):
            return self._site(ref[5:], item, fragment)
        if ref.startswith("{filename}"):
            return self._filename(ref[len("{filename}") :], item, fragment)
        if ref.startswith("{static}") or ref.startswith("{attach}"):
            return self._static(ref[ref.index("}") + 1 :], item, fragment)
        return Resolution(ref + fragment)

    def _site(self, spec: str, item: Item, fragment: str) -> Resolution:
        site_id, _, rel = spec.partition("/")
        if site_id not in self.cluster:
            return Resolution(
                None,
                error=f"site:{site_id}: no such site{did_you_mean(site_id, self.cluster.ids)}; sites are {', '.join(self.cluster.ids)}",
            )
        if not rel:
            return Resolution(self.addresses.site_url(site_id) + fragment)
        return self._page(site_id, rel, item, fragment, f"site:{spec}")

    def _page(self, site_id: str, rel: str, item: Item, fragment: str, written: str) -> Resolution:
        target = self.index.get(site_id, rel)
        if target is None:
            candidates = [i.rel for i in self.index.of_site(site_id)]
            return Resolution(None, error=f"{written}: no such page in content/{site_id}/{did_you_mean(rel, candidates)}")
        if target.is_draft:
            return Resolution(None, target, f"{written}: links a draft, which is never published", "link-to-draft")
        if target.is_internal and not item.is_internal:
            return Resolution(None, target, f"{written}: a public page links an internal page", "link-to-internal")
        if not self.addresses.renders(target):
            return Resolution(None, target, f"{written}: not published in the {self.addresses.target.name} target")
        return Resolution(self.addresses.item_url(target) + fragment, target)

    def _filename(self, path: str, item: Item, fragment: str) -> Resolution:
        rel = self._relative(path, item)
        if rel is None:
            return Resolution(None, error=f"{{filename}}{path}: leaves content/{item.site}/", code="link-outside")
        return self._page(item.site, rel, item, fragment, f"{{filename}}{path}")

    def _static(self, path: str, item: Item, fragment: str) -> Resolution:
        rel = self._relative(path, item)
        if rel is None:
            return Resolution(None, error=f"{{static}}{path}: leaves content/{item.site}/", code="link-outside")
        if not _is_file(self.root / "content" / item.site / rel):
            return Resolution(None, error=f"{{static}}{path}: no such file content/{item.site}/{rel}")
        return Resolution(self.addresses.site_url(item.site) + rel + fragment)

    @staticmethod
    def _relative(path: str, item: Item) -> str | None:
        """``path`` as written in ``item``, relative to the site's content root; None if it leaves it."""
        base = "" if path.startswith("/") else posixpath.dirname(item.rel)
        joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if joined.startswith("..") or joined.startswith("/") or joined == ".":
            return None
        return joined


def _is_file(path: Path) -> bool:
    """``Path.is_file`` that answers False for names the OS refuses (too long, NUL bytes)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _split_fragment(ref: str) -> tuple[str, str]:
    for mark in ("#", "?"):
        if mark in ref:
            head, _, tail = ref.partition(mark)
            return head, mark + tail
    return ref, ""


def rewrite_body(
    item: Item,
    resolver: LinkResolver,
    problems: Problems,
    *,
    rewrite_local: bool,
) -> str:
    """The item's body with ``site:`` links (and, in a copy, local links) replaced by addresses.

    Every unresolvable reference is reported with its line; the reference is left as written so
    the output link check can point at it too.
    """

    def replace(match: re.Match[str]) -> str:
        ref = match.group("ref")
        resolution = resolver.resolve(ref, item)
        if resolution.error:
            line = item.body_line + item.body.count("\n", 0, match.start("ref"))
            problems.add(item.source, line, resolution.code, resolution.error)
            return match.group(0)
        if ref.startswith("site:") or rewrite_local:
            return match.group("pre") + (resolution.url or ref)
        return match.group(0)

    return LINK_RE.sub(replace, item.body)
