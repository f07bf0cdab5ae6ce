"""The ``sites`` command: what the cluster holds, without rendering anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BuildFailed, Problems
from ..pipeline import BuildOptions, prepare


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
