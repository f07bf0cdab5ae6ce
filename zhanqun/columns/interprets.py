"""解读 ↔ 文件: an interpretation names the document it explains; both pages link to each other.

Only the interpretation says so (``Interprets: site:portal/zfwj/x.md``); the reverse links — a
document listing its interpretations, possibly written by other sites — are computed here from
the whole cluster, for the target being built, so neither page can go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.index import Item
from ..errors import Problems
from ..i18n import _
from ..links.addresses import AddressMap
from ..links.resolve import LinkResolver
from .documents import is_document


@dataclass
class Interpretations:
    """Which document each interpretation explains, and the reverse."""

    document_of: dict[str, Item] = field(default_factory=dict)  # 解读 source → document
    of_document: dict[str, list[Item]] = field(default_factory=dict)  # document source → 解读s


def link_interpretations(addresses: AddressMap, resolver: LinkResolver, problems: Problems) -> Interpretations:
    """Resolve every ``Interprets:`` of a rendered item; a wrong one is an error on that line."""
    found = Interpretations()
    for item in sorted(addresses.index.items, key=lambda i: i.source):
        ref = item.meta.get("Interprets", "").strip()
        if not ref or not addresses.renders(item):
            continue
        line = item.line_of("Interprets")
        if not ref.startswith(("site:", "{filename}")):
            problems.add(
                item.source,
                line,
                "bad-interprets",
                _("Interprets: {ref!r} must name the document as site:<id>/<column>/<file>.md or {{filename}}<path>.md").format(ref=ref),
            )
            continue
        resolution = resolver.resolve(ref, item)
        if resolution.error:
            problems.add(item.source, line, resolution.code, _("Interprets: {error}").format(error=resolution.error))
            continue
        target = resolution.target
        if target is None and resolution.url is None:
            continue  # a file whose header cannot be read: its own errors are reported
        if target is None:
            problems.add(item.source, line, "bad-interprets", _("Interprets: {ref} is a site, not a document").format(ref=ref))
            continue
        if not is_document(target, addresses.cluster):
            column = addresses.cluster[target.site].column(target.column)
            problems.add(
                item.source,
                line,
                "bad-interprets",
                _("Interprets: {source} is in {column} ({type}), not a document or disclosure column").format(
                    source=target.source, column=column.name if column else target.column, type=column.type if column else "?"
                ),
            )
            continue
        if target is item:
            problems.add(item.source, line, "bad-interprets", _("Interprets: an item cannot interpret itself"))
            continue
        found.document_of[item.source] = target
        found.of_document.setdefault(target.source, []).append(item)
    for items in found.of_document.values():
        items.sort(key=lambda i: (-i.date.timestamp(), i.source))
    return found

