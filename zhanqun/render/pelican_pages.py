"""A Pelican generator for pages that are not articles: the 政府信息公开 area's directory and
annual reports (``columns/disclosure.py`` computes them; this only writes them with the theme).

Runs inside the per-site render process; registered by ``pelican_plugin.py``.
"""

from __future__ import annotations

from typing import Any

from pelican.generators import Generator


class ExtraPagesGenerator(Generator):
    """Writes each page listed in ``ZQ_DISCLOSURE["pages"]`` with its own template."""

    def generate_output(self, writer: Any) -> None:
        area = self.settings.get("ZQ_DISCLOSURE")
        if not area:
            return
        for page in area["pages"]:
            writer.write_file(
                page["save_as"],
                self.get_template(page["template"]),
                self.context,
                relative_urls=False,
                url=page["url"],
                zq_page=page,
                page_name=page["save_as"].removesuffix(".html").removesuffix("/index"),
            )
