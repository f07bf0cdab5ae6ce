"""Each site's search bundle: Pagefind run on what the target publishes, after rendering.

The bundle is ``<site>/pagefind/``, made from the site's rendered folder (so it holds exactly
the pages this target publishes: internal and draft items were never rendered) and written file
by file through ``paths.py``. Only pages that mark their searchable part with
``data-pagefind-body`` are indexed (items, column pages, the 政府信息公开 pages; not redirects or
lists), with the metadata the theme's search page shows (``data-pagefind-meta``: column, date, 文号,
索引号) and the 栏目 filter. The portal's search page merges the other sites' bundles in the
browser (``themes/gov/static/js/search.js``; README *Search*).

Pagefind 1.6 writes the same bytes for the same pages (1.5 wrote its filter files in a different
order on each run, its issue #638); ``tests/test_search.py`` builds twice and compares.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problems
from ..i18n import _
from ..paths import write_bytes_or_link
from ..render.page_reuse import PreviousPages
from .pagefind import Pagefind, PagefindError, PagefindService

#: The bundle's folder in every site.
BUNDLE = "pagefind"
#: The bundle's entry file, which counts the pages indexed.
ENTRY = "pagefind-entry.json"
#: What Pagefind reads of each page: ``<main>``, where the theme puts the searchable part
#: (``data-pagefind-body``), its ``<h1>`` (the result's title) and the page's search metadata
#: (``<data hidden data-pagefind-meta=…>``, base.html's ``search_meta`` block). The header,
#: navigation and footer it would otherwise parse for nothing are about half of each page's bytes
#: and a quarter to a half of Pagefind's time (0.6 → 0.45 s of CPU for the 789 pages of a county of
#: the bench corpus, with the same bundle). A site with a page that keeps any Pagefind mark outside
#: ``<main>`` (a webmaster's template written for whole pages: ``<meta data-pagefind-meta>`` in the
#: head), or a marked page without ``<main>`` or without an ``<h1>`` in it, is read whole, as before.
ROOT = "main"
MARK = b"data-pagefind-"
BODY_MARK = b"data-pagefind-body"
#: Pagefind's ready-made interfaces, which the theme does not use (its own search.js talks to
#: pagefind.js): left out, about 400 KB a site.
UNUSED = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)


def index_site(binary: Pagefind, site_folder: Path, shown: str, problems: Problems, previous: PreviousPages | None = None) -> int:
    """Write ``site_folder/pagefind/`` for the pages in ``site_folder``; returns the pages indexed.

    ``shown`` is the site's output folder as messages name it. A failure is a problem (the build
    then stops before the swap), never a site without search. ``previous``: the site's current
    output, whose bundle files with the same bytes are linked, not written again — most of them
    after an edit: Pagefind names each page's fragment and each index chunk by what it holds.
    """
    if (site_folder / BUNDLE).exists() or (site_folder / BUNDLE).is_symlink():
        message = _("the site already has a {bundle}/ folder (a column, an alias or a theme file of that name); the search bundle needs it").format(bundle=BUNDLE)
        problems.add(f"{shown}/{BUNDLE}", None, "search-failed", message)
        return 0
    try:
        with PagefindService(binary) as service:
            index = service.new_index({"root_selector": ROOT} if main_holds_the_marks(site_folder) else {})
            service.add_directory(index, site_folder)
            files = service.files(index)
    except (PagefindError, OSError) as exc:
        problems.add(f"{shown}/{BUNDLE}", None, "search-failed", _("Pagefind {version} could not index the site: {error}").format(version=binary.version, error=exc))
        return 0
    for path, data in sorted(files.items()):
        if path not in UNUSED:
            rel = f"{BUNDLE}/{path}"
            write_bytes_or_link(site_folder, rel, data, previous.same_file(rel, data) if previous else None)
    return indexed_pages(files.get(ENTRY, b"{}"))


def main_holds_the_marks(site_folder: Path) -> bool:
    """Whether Pagefind may read ``<main>`` alone of every page of ``site_folder`` and index the
    same: some page is marked ``data-pagefind-body`` (else Pagefind reads every page whole), and
    each page that has a Pagefind mark has exactly one ``<main>``, keeps every mark inside it and,
    when marked as a body, has its first ``<h1>`` (the result's title) there too. Read from the
    bytes, lower-cased as HTML's names are; anything unusual means whole pages."""
    any_body = False
    for folder, subfolders, names in os.walk(site_folder):
        subfolders.sort()
        for name in sorted(names):
            if name.endswith(".html"):
                with open(os.path.join(folder, name), "rb") as handle:
                    page = handle.read().lower()
                if not _marks_inside_main(page):
                    return False
                any_body = any_body or BODY_MARK in page
    return any_body


_MAIN_OPEN = re.compile(rb"<main[\s>]")
_MAIN_CLOSE = re.compile(rb"</main[\s>]")


def _marks_inside_main(page: bytes) -> bool:
    if MARK not in page:
        return True
    opening, closing = _MAIN_OPEN.findall(page), _MAIN_CLOSE.findall(page)
    if len(opening) != 1 or len(closing) != 1:
        return False  # none, or a second one (in a comment, a script's text): whole pages
    start, end = _MAIN_OPEN.search(page).start(), _MAIN_CLOSE.search(page).start()  # type: ignore[union-attr]
    if end < start or MARK in page[:start] or MARK in page[end:]:
        return False
    return BODY_MARK not in page or (b"<h1" in page[start:end] and b"<h1" not in page[:start])


def indexed_pages(entry: bytes) -> int:
    """The pages a bundle holds, from its entry file (Pagefind counts per language)."""
    try:
        languages = json.loads(entry).get("languages") or {}
        return sum(int(language.get("page_count", 0)) for language in languages.values())
    except (ValueError, AttributeError, TypeError):
        return 0


@dataclass
class SearchBundle:
    """A site's search bundle (``publish/search.py``); a site left unchanged keeps the one it has."""

    pagefind: Pagefind
    shown: str  # the site's output folder as messages name it
    previous: PreviousPages | None = None  # the site's current output (its bundle's unchanged files are linked)
    name: str = "search"

    def run(self, site_folder: Path, problems: Problems) -> None:
        index_site(self.pagefind, site_folder, self.shown, problems, self.previous)
