"""Media named in headers (``Video``, ``Poster``, ``Captions``, ``Photo``): local files, checked.

Video news plays in the browser's own ``<video controls>`` from the site's files — no external
player, no third-party host (those track visitors and break on the intranet). A header names a
file as ``{static}/files/video/x.mp4`` or simply ``files/video/x.mp4`` (from the site's content
root); a missing file, an external address or a wrong kind of file is a located error.
"""

from __future__ import annotations

import posixpath

from ..content.index import Item
from ..errors import Problems
from ..i18n import N_, _
from ..links.addresses import AddressMap
from ..links.resolve import LinkResolver, Resolution

IMAGE = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg")
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Video": (N_("a video"), (".mp4", ".webm", ".ogv")),
    "Poster": (N_("an image"), IMAGE),
    "Captions": (N_("WebVTT captions"), (".vtt",)),
    "Photo": (N_("an image"), IMAGE),
}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}


def resolve_media(item: Item, resolver: LinkResolver, problems: Problems) -> dict[str, str]:
    """Addresses of the item's media for the target (``video``, ``poster``, ``captions``, ``photo``)."""
    found: dict[str, str] = {}
    for key, (what, extensions) in KINDS.items():
        value = item.meta.get(key, "").strip()
        if not value:
            continue
        line = item.line_of(key)
        extension = posixpath.splitext(value.split("#", 1)[0].split("?", 1)[0])[1].lower()
        if extension not in extensions:
            problems.add(item.source, line, "bad-media", _("{key}: {value!r} is not {what} ({extensions})").format(key=key, value=value, what=_(what), extensions=", ".join(extensions)))
            continue
        if value.startswith(("{static}", "{attach}", "site:")):
            resolution: Resolution | None = resolver.resolve(value, item)
        elif value.startswith("files/"):  # from the site's content folder, as documented
            resolution = resolver.resolve("{static}/" + value, item)
        else:  # an address: relative to the item's page, from the site's root, or the cluster's own
            resolution = resolver.resolve_address(value, item)
        if resolution is None:
            problems.add(item.source, line, "external-media", _("{key}: {value!r} is on another host; put the file under content/{site}/files/ and name it here (no external players)").format(key=key, value=value, site=item.site))
            continue
        if resolution.error or not resolution.url:
            error = (resolution.error or _("not a file")).replace("{static}/" + value, value)
            problems.add(item.source, line, "missing-file", _("{key}: {error}").format(key=key, error=error))
            continue
        if resolution.file is None:
            problems.add(item.source, line, "bad-media", _("{key}: {value!r} is a page, not {what} under files/").format(key=key, value=value, what=_(what)))
            continue
        found[key.lower()] = resolution.url
        if key == "Video":
            found["video_type"] = VIDEO_TYPES[extension]
    for key in ("Poster", "Captions"):
        if key in item.meta and "Video" not in item.meta:
            problems.add(item.source, item.line_of(key), "bad-media", _("{key}: only used with 'Video:'").format(key=key))
    return found


def resolve_all_media(addresses: AddressMap, resolver: LinkResolver, problems: Problems) -> dict[str, dict[str, str]]:
    """Media addresses of every rendered item that names any, by source path."""
    media: dict[str, dict[str, str]] = {}
    for item in addresses.index.items:
        if addresses.renders(item) and any(key in item.meta for key in KINDS):
            found = resolve_media(item, resolver, problems)
            if found:
                media[item.source] = found
    return media
