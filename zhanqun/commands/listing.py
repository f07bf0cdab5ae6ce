"""The ``sites`` and ``columns`` commands: what the cluster holds, without rendering anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..config.sites import load_cluster
from ..errors import BuildFailed, Problems
from ..pipeline import BuildOptions, prepare, site_ids_named


def list_sites(root: Path, target: str, problems: Problems) -> list[dict[str, Any]]:
    """One row per site: id, name, kind, parent, language, the site it is an edition of, address
    for ``target``, pages it publishes."""
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
                "lang": site.lang,
                "edition_of": site.edition_of,
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
    site_id = site_ids_named(cluster, [site_id])[0]  # ulanhot, or 乌兰浩特市
    rows = []
    for column in cluster[site_id].columns:
        folder = root / "content" / site_id / column.id
        items = sum(1 for p in folder.rglob("*.md") if p.is_file()) if folder.is_dir() else 0
        rows.append({"id": column.id, "name": column.name, "type": column.type, "items": items})
    return rows


def site_ids_given(root: Path, names: Sequence[str]) -> list[str]:
    """The ids of the sites ``names`` name (ids, Chinese names or short names), for the commands
    that read the site files themselves (``new``, ``stats``, ``shots --no-build``): the same names
    and the same did-you-mean as ``build --site``; a usage error for a name no site has.

    When the site files have errors, the names are handed on as they are: the command reports those errors.
    """
    if not names:
        return []
    problems = Problems()
    cluster = load_cluster(root, problems)
    if problems.has_errors():
        return list(names)
    site_ids_named(cluster, list(names))  # a usage error when one names no site
    return list(dict.fromkeys(cluster.named(name) or name for name in names))
