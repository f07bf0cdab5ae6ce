"""Inside a site that must be rendered again, an item's page whose inputs did not change since
the site's last build is not rendered again: the file of the current output is linked in (a
hard link: the same file, no copy).

A site is rendered again when anything it shows changed (``publish/incremental.py``), but one
edited item changes few of its pages: its own page, the column lists and feeds that show it.
Each item page gets a key, the SHA-256 of everything that page shows:

- the site's **base**: zhanqun's code and versions, every file of the theme, and the site's
  Pelican settings (the site file, the target and its addresses, the cluster navigation, the
  column types' data) — the settings' list of staged files left out, since a page does not show it;
- the item's own **staged file** (its header values and finished HTML: ``render/stage.py``);
- for each item listed on the page under 相关信息 (``article.zq_related``), its staged header
  values without its summary and body, which an item page never shows of another item.

Every other page (home page, column lists, feeds, sitemap, search page, 政府信息公开 pages) is
always rendered: they show many items and are few.

The keys of the pages written are kept in the site's output, ``.zhanqun/pages.json``: content
hashes only, so the output stays the same bytes for the same inputs, whether it was built from
scratch or from a previous output. A page is taken from the previous output only if its key
there is the same *and* its bytes are the ones that output's manifest lists (a page edited by
hand in the output is rendered again). Only for sites without their own templates or plugins:
the base covers the shared theme exactly, but a webmaster's template may show anything of any
item, so such a site renders every page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..paths import ZHANQUN_FOLDER, UnsafePath, confine, hard_link, make_folder, write_bytes, write_text

FORMAT = 1
PAGES = f"{ZHANQUN_FOLDER}/pages.json"
#: Settings that list the site's staged files: no page shows them (an added item changes the
#: pages that list it through their own keys).
UNSHOWN_SETTINGS = ("ZQ_SOURCES", "ARTICLE_PATHS", "STATIC_PATHS")
#: Staged header values an item page never shows of another item.
UNSHOWN_OF_OTHERS = ("summary",)


def base_key(code: str, theme: str, settings_text: str) -> str:
    """The part of every item page's key that is the same for the whole site."""
    return _sha(json.dumps([FORMAT, code, theme, settings_text]))


def staged_digests(text: str) -> tuple[str, str]:
    """(the digest of a staged file as a whole, the digest of what another item's page shows of it)."""
    staged = json.loads(text)
    metadata = {k: v for k, v in staged.get("metadata", {}).items() if k not in UNSHOWN_OF_OTHERS}
    return _sha(text), _sha(json.dumps(metadata, sort_keys=True, ensure_ascii=False))


@dataclass
class PreviousPages:
    """What the site's current output says of its item pages: their keys (``pages.json``) and
    the hash and size its manifest lists for each file. Read by the build, handed to the
    rendering process with the job."""

    folder: str
    keys: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, int]] = field(default_factory=dict)

    def same_file(self, rel: str, data: bytes) -> Path | None:
        """The current output's file at ``rel`` if its manifest lists these very bytes (hash and
        size; the file's own bytes are compared again before it is linked,
        ``paths.write_bytes_or_link``), inside the output and no link on the way."""
        if self.files.get(rel) != (hashlib.sha256(data).hexdigest(), len(data)):
            return None
        try:
            return confine(Path(self.folder), rel)
        except UnsafePath:
            return None


def read_page_keys(site_folder: Path) -> dict[str, str]:
    """The page keys kept in a built site's output (none when missing or unreadable)."""
    try:
        data = json.loads((site_folder / PAGES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("pages"), dict):
        return {}
    return {k: v for k, v in data["pages"].items() if isinstance(k, str) and isinstance(v, str)}


class PageReuse:
    """The item pages of one site's render: keys computed, previous files reused where allowed.

    ``previous`` is what the site's current output holds (``None``: reuse nothing, as with
    ``--no-cache`` or a site with its own templates); keys are recorded either way.
    """

    def __init__(self, base: str, previous: PreviousPages | None) -> None:
        self.base = base
        self.previous = previous
        self.keys: dict[str, str] = {}
        self.reused = 0

    def key(self, article: Any) -> str:
        """The key of ``article``'s page (see the module docstring)."""
        related = [getattr(other, "zq_shown_digest", "") for other in getattr(article, "zq_related", None) or ()]
        return _sha(json.dumps([self.base, getattr(article, "zq_staged_digest", ""), article.save_as, related]))

    def reuse(self, output: Path, name: str, key: str) -> bool:
        """Put the previous output's file for ``name`` into ``output`` if its key and bytes allow."""
        self.keys[name] = key
        previous = self.previous
        if previous is None or previous.keys.get(name) != key or name not in previous.files:
            return False
        try:  # inside the previous output, no folder on the way and not the file a symbolic link
            old = confine(Path(previous.folder), name)
            if not old.is_file():
                return False
            data = old.read_bytes()
        except (OSError, UnsafePath):
            return False
        sha256, size = previous.files[name]
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            return False  # edited by hand since its build: rendered again
        # the very file just checked, linked: no copy, and its time survives the swap. Safe because
        # nothing writes into a file in place — ``paths.write_bytes`` writes a new file and renames
        # it, and the site's writer removes a name before Pelican opens it
        # (``pelican_plugin.ConfinedWriter._open_w``) — so the current output never changes
        try:
            hard_link(output, name, old)
        except OSError:  # a file system without hard links: the checked bytes, as a new file
            write_bytes(output, name, data)
        self.reused += 1
        return True

    def save(self, output: Path) -> None:
        """Write the keys of this render's item pages beside its files (``.zhanqun/`` is not published)."""
        make_folder(output, ZHANQUN_FOLDER)
        text = json.dumps({"format": FORMAT, "pages": dict(sorted(self.keys.items()))}, ensure_ascii=False, indent=0, sort_keys=True)
        write_text(output, PAGES, text + "\n")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
