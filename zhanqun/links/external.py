"""``check --external``: try the links that leave the cluster, with short timeouts.

The build itself runs offline and never fetches anything; external links rot all the same, and the
national inspection counts them. On request, this reads the pages of the last build (the output
folder), collects every ``http(s)`` address outside the cluster, and asks each host once — a
``HEAD``, then a ``GET`` where the server refuses ``HEAD`` — a few at a time, each with a short
timeout. A failure is reported at the first page that shows the link, with how many more do.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..errors import Problems, shown_path
from ..i18n import _
from .addresses import AddressMap
from .link_check import LINK_ATTRIBUTES, SiteFiles, srcset_urls

USER_AGENT = "zhanqun-link-check/1 (+https://www.xam.gov.cn/)"


def collect(addresses: AddressMap, folders: dict[str, Path]) -> dict[str, list[tuple[str, str]]]:
    """Every external ``http(s)`` address in the pages of ``folders`` → the (site, page)s showing it."""
    cluster_hosts = {urlsplit(addresses.site_url(s.id)).netloc.lower() for s in addresses.cluster.sites}
    found: dict[str, list[tuple[str, str]]] = {}
    for site_id, folder in sorted(folders.items()):
        files = SiteFiles.read(folder)
        for rel in files.html_pages() if files else []:
            tree = LexborHTMLParser((folder / rel).read_bytes())
            for node in tree.css(",".join(f"[{a}]" for a in LINK_ATTRIBUTES)):
                for attribute in LINK_ATTRIBUTES:
                    value = node.attributes.get(attribute)
                    if not value:
                        continue
                    for url in srcset_urls(value) if attribute == "srcset" else (value.strip(),):
                        parts = urlsplit(url)
                        if parts.scheme in ("http", "https") and parts.netloc.lower() not in cluster_hosts:
                            found.setdefault(url.split("#", 1)[0], []).append((site_id, rel))
    return found


def probe(url: str, timeout: float) -> str | None:
    """None when ``url`` answers with a success (after redirects), else what went wrong."""
    status = _("no answer")
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only)
                if response.status < 400:
                    return None
                status = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            status = f"HTTP {exc.code}"
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD: ask again with GET
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return _("unreachable ({reason})").format(reason=reason)
        return status
    return status


def check_external(
    addresses: AddressMap,
    folders: dict[str, Path],
    root: Path,
    problems: Problems,
    timeout: float = 5.0,
    workers: int = 8,
) -> tuple[int, int]:
    """Probe every external link of the pages in ``folders``; returns (addresses tried, failed)."""
    found = collect(addresses, folders)
    urls = sorted(found)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        verdicts = list(pool.map(lambda u: probe(u, timeout), urls))
    failed = 0
    for url, verdict in zip(urls, verdicts):
        if verdict is None:
            continue
        failed += 1
        pages = sorted(set(found[url]))
        site_id, rel = pages[0]
        more = _(" (also on {count} more page(s))").format(count=len(pages) - 1) if len(pages) > 1 else ""
        message = _('"{url}": {verdict}{more}').format(url=url, verdict=verdict, more=more)
        problems.add(shown_path(folders[site_id] / rel, root), None, "external-link", message)
    return len(urls), failed
