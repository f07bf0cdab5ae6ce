"""Stage 4: the sources Pelican reads for one site and one target, written to a scratch folder.

Pelican is given exactly what the target publishes: no drafts, no internal items outside the
intranet target, syndicated copies from other sites, headers already checked and rewritten in
canonical form, every link already resolved for the target (``links.py``). Review names
(Reviewed-By, Approved-By) are dropped here, so they cannot reach any output. The scratch folder
mirrors ``content/<site>/`` so Pelican's messages name the same relative paths authors use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .addresses import AddressMap
from .errors import Problems
from .index import Item
from .links import LinkResolver

#: Header keys never handed to Pelican: they must not appear in any output.
PRIVATE_KEYS = ("Reviewed-By", "Approved-By", "Status", "Visibility", "Syndicate", "Slug")


@dataclass
class StagedSite:
    """What was staged for one site: the folder, and staged path → repository source path."""

    site: str
    folder: Path
    sources: dict[str, str] = field(default_factory=dict)  # "zwdt/a.md" → "content/x/zwdt/a.md"
    article_paths: list[str] = field(default_factory=list)
    static_paths: list[str] = field(default_factory=list)


def pelican_key(key: str) -> str:
    """``Index-No`` → ``index_no``: template-friendly attribute names."""
    return key.lower().replace("-", "_")


def _header(meta: dict[str, str], extra: dict[str, str]) -> str:
    lines = [f"{pelican_key(k)}: {v}" for k, v in meta.items() if k not in PRIVATE_KEYS and v != ""]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stage_site(
    root: Path,
    site_id: str,
    addresses: AddressMap,
    resolver: LinkResolver,
    folder: Path,
    problems: Problems,
) -> StagedSite:
    """Write the Pelican sources of ``site_id`` for the address map's target into ``folder``."""
    staged = StagedSite(site_id, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for item in addresses.items_of(site_id):
        body, meta = resolver.rewritten(item, problems)
        extra = {
            "category": item.column,  # the column is the top folder, also for items in sub-folders
            "slug": item.slug,
            "status": "hidden" if item.status == "hidden" else "published",
            "zq_source": item.source,
            "zq_visibility": item.visibility,
        }
        _write(folder / item.rel, _header(meta, extra) + "\n\n" + body + "\n")
        staged.sources[item.rel] = item.source
        staged.article_paths.append(item.rel)
    for item in addresses.received_by(site_id):  # a receiver lacking the column: check_syndication_columns
        body, meta = resolver.rewritten(item, problems)  # the same text as the original's
        rel = f"{item.column}/_from-{item.site}-{item.rel.replace('/', '-')}"
        extra = {
            "category": item.column,
            "slug": f"{item.site}-{item.slug}",
            "status": "hidden" if item.status == "hidden" else "published",
            "zq_source": item.source,
            "zq_visibility": item.visibility,
            "zq_origin_site": item.site,
            "zq_canonical": addresses.item_url(item),
        }
        _write(folder / rel, _header(meta, extra) + "\n\n" + body + "\n")
        staged.sources[rel] = item.source
        staged.article_paths.append(rel)
    files = root / "content" / site_id / "files"
    if files.is_dir():
        link = folder / "files"
        if not link.exists():
            link.symlink_to(files.resolve(), target_is_directory=True)
        staged.static_paths.append("files")
    return staged


def check_syndication_columns(addresses: AddressMap, problems: Problems) -> None:
    """A receiver without the column an item is syndicated into is a located error; so is a copy
    whose address (``<column>/<origin>-<slug>.html``) is already a page of the receiver."""
    own = {(item.site, item.path): item for item in addresses.index.items if addresses.renders(item)}
    for item in addresses.index.items:
        for receiver in item.syndicate:
            site = addresses.cluster[receiver]
            if site.column(item.column) is None:
                problems.add(
                    item.source,
                    item.line_of("Syndicate"),
                    "syndicate-no-column",
                    f"Syndicate: site '{receiver}' has no column '{item.column}' to receive this item; add it to {site.source} or leave the site out",
                )
                continue
            other = own.get((receiver, addresses.syndicated_path(item)))
            if other is not None and addresses.renders(item):
                problems.add(
                    item.source,
                    item.line_of("Syndicate"),
                    "duplicate-slug",
                    f"Syndicate: the copy in '{receiver}' would be {receiver}/{addresses.syndicated_path(item)}, "
                    f"which is already {other.source}; give one of them another 'Slug:'",
                )
