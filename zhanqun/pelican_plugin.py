"""The Pelican plugin every site loads: fills in what Pelican's blog model lacks for columns.

Runs inside the per-site render process only (``PLUGINS`` in ``pelican_settings.py``).
"""

from __future__ import annotations

import html
import re
from typing import Any

from pelican import signals
from pelican.urlwrappers import Category

from .pelican_pages import ExtraPagesGenerator


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


def insert_letter_text(content: Any) -> None:
    """A letter's body is the escaped HTML built by ``letters.py``, never Markdown output.

    The staged Markdown of a letter holds only a placeholder; the text written by the public
    is put in here, already escaped, so no reader, extension or plugin ever interprets it.
    """
    letters = content.settings.get("ZQ_LETTERS") or {}
    source = content.metadata.get("zq_source")
    if source in letters:
        content._content = letters[source]
        if "summary" not in content.metadata:
            # never a summary cut from the public's text: templates unescape summaries (striptags)
            replied = content.metadata.get("replied")
            status = f"已答复，答复部门：{content.metadata.get('replier', '')}" if replied else "正在办理"
            summary = html.escape(f"受理日期：{content.metadata.get('received', '')}；{status}")
            content.metadata["summary"] = content._summary = summary


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
    signals.article_generator_finalized.connect(add_empty_columns)
    signals.content_object_init.connect(insert_letter_text)
    signals.get_generators.connect(extra_pages)
    signals.generator_init.connect(add_filters)
