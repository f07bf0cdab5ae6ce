"""The Pelican plugin every site loads: fills in what Pelican's blog model lacks for columns.

Runs inside the per-site render process only (``PLUGINS`` in ``pelican_settings.py``).
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.urlwrappers import Category


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


def register() -> None:
    signals.article_generator_finalized.connect(add_empty_columns)
