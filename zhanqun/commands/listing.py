"""The ``sites`` and ``columns`` commands: what the cluster holds, without rendering anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config.sites import load_cluster
from ..errors import BuildFailed, Problems, did_you_mean
from ..i18n import _
from ..pipeline import BuildOptions, UsageError, prepare


def list_sites(root: Path, target: str, problems: Problems) -> list[dict[str, Any]]:
    """One row per site: id, name, kind, parent, address for ``target``, pages it publishes."""
    try:
        context = prepare(BuildOptions(root, target), problems)
    except BuildFailed:
        return []
    assert context.addresses
    rows = []
    for site in context.cluster.sites:
        own = context.addresses.items_of(site.id)
        received = [i for i in context.index.received_by(site.id) if context.addresses.renders(i)]
        rows.append(
            {
                "id": site.id,
                "name": site.name,
                "kind": site.kind,
                "parent": site.parent,
                "url": context.addresses.site_url(site.id),
                "columns": len(site.columns),
                "pages": len(own) + len(received),
            }
        )
    return rows


def list_columns(root: Path, site_id: str, problems: Problems) -> list[dict[str, Any]]:
    """One row per column of ``site_id``: id, name, type, and how many Markdown files it holds.

    Reads only the site files (fast, and it works while content has errors): what an author needs
    to pick the COLUMN of ``build.py new``, which takes the id or the Chinese name.
    """
    cluster = load_cluster(root, problems)
    if problems.has_errors():
        return []
    found = cluster.named(site_id)  # ulanhot, or 乌兰浩特市
    if found is None:
        raise UsageError(_("no site '{site}'{hint} (sites: {sites})").format(site=site_id, hint=did_you_mean(site_id, cluster.ids), sites=cluster.listing()))
    site_id = found
    rows = []
    for column in cluster[site_id].columns:
        folder = root / "content" / site_id / column.id
        items = sum(1 for p in folder.rglob("*.md") if p.is_file()) if folder.is_dir() else 0
        rows.append({"id": column.id, "name": column.name, "type": column.type, "items": items})
    return rows
