"""The Pelican plugin every site loads: reads the staged items, confines every write, and fills
in what Pelican's blog model lacks for columns.

Runs inside the per-site render process only (``PLUGINS`` in ``pelican_settings.py``).
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Category
from pelican.writers import Writer

from ..paths import confine
from .pelican_pages import ExtraPagesGenerator


class StagedItemReader(BaseReader):
    """Reads a staged item (``stage.py``): header values and finished, sanitised HTML, as they are.

    Pelican's own readers are switched off (``READERS``), so no Markdown is parsed here and the
    HTML that reaches templates and feeds is exactly what the sanitiser let through.
    """

    enabled = True
    file_extensions = ["zq"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with open(source_path, encoding="utf-8") as handle:
            staged = json.load(handle)
        metadata = {name: self.process_metadata(name, value) for name, value in staged["metadata"].items()}
        return staged["content"], metadata


class ConfinedWriter(Writer):
    """Pelican's writer, with every file it opens confined to the site's output (``paths.confine``)."""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename != os.devnull:
            output = Path(self.output_path)
            confine(output, os.path.relpath(filename, output))
        return super()._open_w(filename, encoding, override)

    def write_file(self, name: str, template: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        """A column's list pages hold its own ``per_page`` items (Pelican knows one number per template)."""
        category = kwargs.get("category")
        if kwargs.get("template_name") != "category" or category is None:
            return super().write_file(name, template, context, *args, **kwargs)
        per_page = {c["id"]: c.get("per_page") for c in self.settings["ZQ_SITE"]["columns"]}.get(category.slug)
        templates = self.settings["PAGINATED_TEMPLATES"]
        self.settings["PAGINATED_TEMPLATES"] = {**templates, "category": per_page or templates.get("category")}
        try:
            return super().write_file(name, template, context, *args, **kwargs)
        finally:
            self.settings["PAGINATED_TEMPLATES"] = templates


def use_staged_reader(readers: Any) -> None:
    readers.reader_classes["zq"] = StagedItemReader


def confined_writer(pelican: Any) -> type[Writer]:
    return ConfinedWriter


def add_empty_columns(generator: Any) -> None:
    """Every column gets its list page, even with no items yet: navigation never links nothing."""
    site = generator.settings["ZQ_SITE"]
    present = {category.slug for category, _ in generator.categories}
    for column in site["columns"]:
        if column["type"] == "link" or column["id"] in present:
            continue
        generator.categories.append((Category(column["id"], generator.settings), []))
    order = {column["id"]: n for n, column in enumerate(site["columns"])}
    generator.categories.sort(key=lambda pair: order.get(pair[0].slug, len(order)))
    generator.context["categories"] = generator.categories


def extra_pages(pelican: Any) -> type[ExtraPagesGenerator]:
    return ExtraPagesGenerator


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def first_image(rendered: str | None) -> dict[str, str] | None:
    """The first ``<img>`` of rendered HTML as ``{"src", "alt"}``: the picture of a 要闻 on the home page.

    The values are returned as text (entities decoded): the templates autoescape what they print,
    so ``alt="A &amp; B"`` must come back as ``A & B``, not be escaped a second time.
    A Jinja filter (``zq_first_image``) rather than an attribute set at generation time: an
    item's ``content`` must not be read before every ``{static}`` link can be resolved.
    """
    match = _IMG.search(rendered or "")
    if not match:
        return None
    attrs = {
        m.group(1).lower(): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
        for m in _ATTR.finditer(match.group(0))
    }
    return {"src": attrs["src"], "alt": attrs.get("alt", "")} if attrs.get("src") else None


def add_filters(generator: Any) -> None:
    """Template filters of the shared theme, in every generator's Jinja environment."""
    env = getattr(generator, "env", None)
    if env is not None:
        env.filters.setdefault("zq_first_image", first_image)


def register() -> None:
    signals.readers_init.connect(use_staged_reader)
    signals.get_writer.connect(confined_writer)
    signals.article_generator_finalized.connect(add_empty_columns)
    signals.get_generators.connect(extra_pages)
    signals.generator_init.connect(add_filters)
