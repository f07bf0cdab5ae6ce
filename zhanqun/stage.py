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
from .attachments import attachment_use
from .errors import Problems
from .index import Item
from .letters import PLACEHOLDER_BODY, is_letter_item
from .links import LinkResolver, rewrite_meta

#: Header keys never handed to Pelican: they must not appear in any output.
PRIVATE_KEYS = ("Reviewed-By", "Approved-By", "Status", "Visibility", "Syndicate", "Slug")


@dataclass
class StagedSite:
    """What was staged for one site: the folder, and staged path → repository source path."""

    site: str
    folder: Path
    sources: dict[str, str] = field(default_factory=dict)  # "zwdt/a.md" → "content/x/zwdt/a.md"
    article_paths: list[str] = field(default_factory=list)
    static_paths: list[str] = field(default_factory=list)  # attachments to publish, one file each
    withheld_files: list[str] = field(default_factory=list)  # attachments only unpublished items use


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
        body, meta = _resolved(item, addresses, resolver, problems)
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
    for item in addresses.received_by(site_id):  # a receiver lacking the column: addresses.check_syndication
        body, meta = _resolved(item, addresses, resolver, problems)  # the same text as the original's
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
    _stage_attachments(root, site_id, addresses, folder, staged)
    return staged


def _resolved(item: Item, addresses: AddressMap, resolver: LinkResolver, problems: Problems) -> tuple[str, dict[str, str]]:
    """Body and header with links resolved; a letter's text is the public's and never reaches
    Markdown or the link resolver (letters.py renders it escaped, pelican_plugin.py puts it in)."""
    if is_letter_item(item, addresses):
        return PLACEHOLDER_BODY, rewrite_meta(item, resolver, problems)
    return resolver.rewritten(item, problems)


def _stage_attachments(root: Path, site_id: str, addresses: AddressMap, folder: Path, staged: StagedSite) -> None:
    """Link each publishable attachment into the staged folder and list it for Pelican.

    Files linked only by items this target does not render are left out — not linked, not
    listed — so neither ``STATIC_PATHS`` nor Pelican's copying of ``{static}`` targets can
    publish them (see ``attachments.py``).
    """
    use = attachment_use(root, site_id, addresses.index, addresses.target.include_internal)
    source = root / "content" / site_id
    for rel in use.publishable:
        link = folder / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to((source / rel).resolve())
        staged.static_paths.append(rel)
    staged.withheld_files = sorted(use.withheld)
