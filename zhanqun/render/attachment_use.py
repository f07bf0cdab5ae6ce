"""Which attachments a target publishes: the names its rendered items link, and only those.

Every attachment has one identity (:class:`~zhanqun.content.attachments.FileId`, read in stage 2).
Here, once links are resolved for a target (stage 3), each item's references are collected the way
the link resolver reads them (``{static}``/``{attach}``, ``site:<id>/files/…``, media headers), and
the rule fails closed: a file is published only where an item this target renders links it; a file
that only internal or draft items link is withheld under every name it has; a file nothing links is
not published (a warning says so). Stage 4 copies :meth:`AttachmentUse.publishable`; the leak gate
reads :attr:`AttachmentUse.withheld`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..content.attachments import Attachments, FileId
from ..content.index import ContentIndex, Item
from ..errors import Problems
from ..i18n import _

if TYPE_CHECKING:
    from ..links.resolve import LinkResolver


@dataclass
class AttachmentUse:
    """For one target: the attachment names its rendered items link, and the files kept out."""

    published: set[FileId] = field(default_factory=set)  # names linked by items the target renders
    withheld: set[FileId] = field(default_factory=set)  # identities linked only by items it does not render

    def publishable(self, site: str) -> list[str]:
        """The ``files/…`` paths to copy into a site's output, in a stable order."""
        return sorted(name.path for name in self.published if name.site == site)


def references(item: Item, resolver: "LinkResolver") -> set[FileId]:
    """The attachment names ``item`` links, as the resolver reads its text and headers."""
    from ..columns.media import resolve_media

    throwaway = Problems()  # mistakes are reported where the item is checked, not here
    resolver.checked(item, throwaway)
    resolve_media(item, resolver, throwaway)
    return resolver.linked_files(item)


def attachment_use(attachments: Attachments, index: ContentIndex, resolver: "LinkResolver", problems: Problems) -> AttachmentUse:
    """Sort the cluster's attachments by who links them, for the resolver's target."""
    addresses = resolver.addresses
    use = AttachmentUse()
    hidden: set[FileId] = set()
    linked: set[FileId] = set()
    for item in index.items:
        names = references(item, resolver)
        linked |= names
        names &= attachments.names.keys()  # a refused name is an error where it is linked, never published
        if addresses.renders(item):
            use.published |= names
        else:
            hidden |= names
    identity_of = attachments.names
    public_identities = {identity_of[name] for name in use.published}
    hidden_identities = {identity_of[name] for name in hidden}
    for site, column, name in resolver.site_file_links():
        if name not in identity_of:
            continue
        if identity_of[name] in hidden_identities - public_identities:
            message = _("column {column} ({name}) links {file}, which only internal or draft items link; a site file cannot publish it").format(column=column.id, name=column.name, file=name.source)
            problems.add(site.source, None, "link-to-internal", message)
            continue
        use.published.add(name)
        public_identities.add(identity_of[name])
    use.withheld = hidden_identities - public_identities
    linked_identities = {identity_of[name] for name in linked if name in identity_of}
    for name, identity in sorted(identity_of.items()):
        if identity not in linked_identities:
            message = _("no item links this file, so it is not published; link it with {link} or remove it").format(link="{static}/" + name.path)
            problems.warn(name.source, None, "unused-file", message)
    for name, refused in sorted(attachments.refused.items()):
        if name not in linked and refused.code == "active-content":
            problems.warn(name.source, None, "unused-file", _("not published: {reason}; no item links it").format(reason=refused.reason))
    return use
