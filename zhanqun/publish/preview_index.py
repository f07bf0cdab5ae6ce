"""The preview host's own front page: ``output/preview/index.html`` lists every site.

Only the preview target has one host for the whole cluster; without this page,
``python -m http.server -d output/preview`` opens on a bare directory listing.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..config.sites import Cluster
from ..paths import write_text

_GROUPS = (("portal", "盟本级"), ("county", "旗县市"), ("department", "盟直部门"))


def render_preview_index(cluster: Cluster) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        "<title>站群预览</title>",
        "<style>body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;"
        "max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f1f1f}"
        "a{color:#0b4f8a}h2{border-bottom:2px solid #b31b1b;padding-bottom:.25rem}"
        "ul{columns:2}</style>",
        "</head><body><main>",
        "<h1>站群预览</h1>",
        "<p>本页仅在预览目标中生成，列出站群内全部网站。</p>",
    ]
    for kind, label in _GROUPS:
        sites = cluster.of_kind(kind)
        if not sites:
            continue
        parts.append(f"<h2>{label}</h2><ul>")
        for site in sites:
            parts.append(f'<li><a href="/{site.id}/">{html.escape(site.name)}</a></li>')
        parts.append("</ul>")
    if cluster.editions:  # 蒙古文版 and other languages: sites of their own, listed apart
        parts.append("<h2>民族文字版</h2><ul>")
        for site in cluster.editions:
            parts.append(f'<li><a href="/{site.id}/" lang="{site.lang}">{html.escape(site.name)}</a></li>')
        parts.append("</ul>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_preview_index(output: Path, cluster: Cluster) -> None:
    """Write the page atomically (a reader never sees half of it)."""
    write_text(output, "index.html", render_preview_index(cluster))
