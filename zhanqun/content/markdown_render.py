"""Markdown to HTML, once, in zhanqun's own hands: the text Pelican lays out is already rendered.

Pelican would render each staged Markdown file itself (and resolve ``{static}`` links, and copy
the files they name) inside each site's process. zhanqun renders instead, with the settings
below, so that what was rendered can be sanitised before anything else sees it (``sanitize.py``),
so that ``check`` renders exactly what ``build`` renders, and so that a text shown on seven sites
is converted once. Pelican then only reads the finished HTML (``pelican_plugin.StagedItemReader``).
"""

from __future__ import annotations

from typing import Any

import markdown
from markdown.extensions.toc import slugify_unicode

from ..i18n import _
from .render_cache import RenderCache

#: The Markdown dialect of every item: Python-Markdown's "extra" (tables, footnotes, fenced code,
#: attribute lists, abbreviations, definition lists, Markdown inside HTML blocks), lists that keep
#: their type, and ids on headings for in-page links.
EXTENSIONS = ("markdown.extensions.extra", "markdown.extensions.sane_lists", "markdown.extensions.toc")
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {"markdown.extensions.toc": {"slugify": slugify_unicode, "toc_depth": "2-4"}}


class MarkdownTooDeep(ValueError):
    """A text nested so deeply (lists in lists in quotes…) that it cannot be rendered."""


class MarkdownRenderer:
    """One Python-Markdown instance, reset between texts; remembers what it rendered (``cache``).

    An item is rendered as written by the content check and again, with its links resolved, when
    it is staged; a text without links is the same both times, and a syndicated item is the same
    text for every receiving site, so each distinct text is converted once — once per build, or
    once for as long as it stays unchanged when the cache is kept between builds.
    """

    def __init__(self, cache: RenderCache | None = None) -> None:
        self._markdown = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS, output_format="html")
        #: Kept between builds (``render_cache.py``); this build's own when none is given.
        self.cache = cache or RenderCache(None)

    def html(self, text: str) -> str:
        """The HTML of a Markdown ``text``; raises :class:`MarkdownTooDeep` when it nests too deeply."""
        value = self.cache.get("markdown", (text,), lambda: self._convert(text), _is_text)
        assert isinstance(value, str)
        return value

    def _convert(self, text: str) -> str:
        self._markdown.reset()  # one instance for every text: reset, never rebuilt
        try:
            return self._markdown.convert(text)
        except RecursionError:
            self._markdown = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS, output_format="html")
            raise MarkdownTooDeep(_("the text nests lists, quotes or HTML too deeply to be shown; flatten it")) from None


def _is_text(value: object) -> bool:
    return isinstance(value, str)
