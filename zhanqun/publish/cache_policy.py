"""How long a browser or a cache may keep each published file, and the media type it is sent as.

One policy for every way a site is hosted: ``nginx-conf`` turns :data:`CACHE_RULES` into
``location`` blocks (``commands/nginx_conf.py``) and the bucket deploy sets the same
``Cache-Control`` and ``Content-Type`` on each object (``publish/deploy_s3.py``), so a site behaves
alike on a server and in a bucket.

Why these three classes: the theme's assets (``theme/css/gov.css``, ``theme/js/a11y.js``) and the
attachments (``files/…``) keep their names from one build to the next — they are *not*
fingerprinted — so they may be kept only for a moderate while (:data:`MODERATE`), or a changed
stylesheet would meet the new pages a year late. Pagefind names the chunks of its index after
their contents (``pagefind/index/zh_…pf_index``, ``fragment/``, ``filter/``): a new index has new
names, so those are kept for good (:data:`IMMUTABLE`). Pages, feeds, sitemaps, ``robots.txt`` and
Pagefind's entry file are revalidated on every visit (:data:`REVALIDATE`, answered by a 304 when
nothing changed): a correction must reach readers at once.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass

#: Content named after its bytes: never changes under the same name.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Pages and whatever lists them: always asked again (a 304 when unchanged).
REVALIDATE = "no-cache"
#: Files that keep their name when their bytes change (the theme's assets, attachments): one hour.
MODERATE = "public, max-age=3600"


@dataclass(frozen=True)
class CacheRule:
    """Files whose URL path (``/theme/css/gov.css``) matches ``pattern`` are sent with ``cache_control``.

    ``pattern`` is written so that Python's :mod:`re` and nginx's PCRE read it alike.
    """

    name: str
    pattern: str
    cache_control: str

    def matches(self, url_path: str) -> bool:
        return re.search(self.pattern, url_path) is not None


#: The rules, first match wins; a path none of them matches is :data:`MODERATE`.
CACHE_RULES: tuple[CacheRule, ...] = (
    CacheRule("search-chunks", r"^/pagefind/(?:index|fragment|filter)/", IMMUTABLE),
    CacheRule("search-entry", r"^/pagefind/", REVALIDATE),
    CacheRule("pages", r"\.(?:html|xml|json|txt)$", REVALIDATE),
)

#: Text types sent with ``charset=utf-8`` (every text file zhanqun writes is UTF-8).
_TEXT_TYPES = {"application/javascript", "application/json", "application/xml", "application/atom+xml", "image/svg+xml", "application/manifest+json"}
#: Types Python's table may lack or name differently on some systems; zhanqun's files need these.
_KNOWN_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".xml": "text/xml",  # as nginx (Debian's mime.types) sends it
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".wasm": "application/wasm",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff2": "font/woff2",
    ".pagefind": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


def cache_control(url_path: str) -> str:
    """The ``Cache-Control`` value for the file at ``url_path`` (``/zwdt/index.html``)."""
    for rule in CACHE_RULES:
        if rule.matches(url_path):
            return rule.cache_control
    return MODERATE


def content_type(path: str) -> str:
    """The ``Content-Type`` of ``path``, with ``charset=utf-8`` for text; nginx's table agrees."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    kind = _KNOWN_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}", strict=False)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind
