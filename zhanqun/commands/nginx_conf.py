"""``nginx-conf``: the nginx configuration that serves what ``deploy`` wrote to a folder.

The deploy layout is ``DEST/<id>/current -> releases/<release>`` (a relative link switched by one
rename), so each site's ``root`` is ``DEST/<id>/current``: nginx resolves the link on every open,
and a switch is seen by the next request. ``open_file_cache`` stays off (its default) — with it,
nginx would keep serving files of the previous release for up to a minute after a switch.

What the configuration does, per site host of the target (``url``; ``intranet_url`` where a site
sets one, for the intranet), in site order by id, so the same cluster always gives the same text:

* ``try_files``, the site's own ``404.html`` (the theme writes it at each site's root), and
  ``gzip_static`` (``deploy`` writes a ``.gz`` beside every text file);
* ``Cache-Control`` from :mod:`zhanqun.publish.cache_policy`, the policy the bucket deploy uses;
* one snippet of security headers (:func:`security_headers`), each with ``always`` so 404s carry
  them too, included in every ``location`` that sets a header of its own — nginx drops inherited
  ``add_header`` lines as soon as a block has one;
* CORS on ``/pagefind/`` for the portal's origin(s): the portal's cluster search merges every
  site's index in the browser;
* nginx's own redirect of a folder named without its slash (``/zwdt`` → ``/zwdt/``) relative
  (``absolute_redirect off``): an absolute one names the scheme and port nginx listens on, which
  behind a TLS terminator is ``http://`` and the wrong port;
* the alias host (``www.`` ↔ bare host) as a real 301 to the canonical address;
* ``/.zhanqun/`` (the build's manifest) denied; a Host no site has refused (444).

Transport security (``listen 443 ssl``, certificates, HSTS) is the operator's: certificate paths
and, for 密评, SM2 builds of nginx differ from one server to the next.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..config.sites import Cluster, load_cluster
from ..errors import BuildFailed, Problems
from ..i18n import _
from ..links.addresses import TARGETS
from ..paths import make_folder, write_text
from ..pipeline import UsageError
from ..publish.cache_policy import CACHE_RULES, MODERATE
from ..publish.releases import dest_target
from .access_log import NGINX_LOG_FORMAT, NGINX_LOG_FORMAT_NAME

#: The files ``--out DIR`` writes: the sites (for inside ``http {}``) and the shared header snippet.
SITES_FILE = "zhanqun-sites.conf"
HEADERS_FILE = "zhanqun-security-headers.conf"
#: Where the printed configuration expects the snippet when no ``--out`` wrote it (Debian's folder).
DEFAULT_HEADERS_PATH = f"/etc/nginx/snippets/{HEADERS_FILE}"
DEFAULT_ACCESS_LOG = "/var/log/nginx/zhanqun.log"
#: The variable the CORS map sets: the request's Origin when it is a portal's, else empty (no header).
CORS_VARIABLE = "$zhanqun_search_origin"
#: Characters a path may hold in the configuration: no quote, ``$`` (a variable), ``;``, braces, space.
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@%=,~-]*$")
_LISTEN = re.compile(r"^(?:(?:[0-9.]+|\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?([0-9]{1,5})$")


@dataclass(frozen=True)
class SiteHost:
    """One site as nginx serves it: its canonical address, its aliases, its web root."""

    site_id: str
    name: str
    scheme: str
    host: str  # with ``:port`` when the address has one
    aliases: tuple[str, ...]
    root: str

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def server_name(self) -> str:
        return self.host.rsplit(":", 1)[0] if not self.host.endswith("]") else self.host


def site_hosts(cluster: Cluster, target: str, docroot: str) -> list[SiteHost]:
    """Every site of ``cluster`` for ``target``, sorted by id, with aliases no other site claims."""
    hosts = []
    for site in sorted(cluster.sites, key=lambda s: s.id):
        parts = urlsplit(TARGETS[target].base_url(site))
        hosts.append((site, parts.scheme, parts.netloc.lower()))
    taken = {netloc.rsplit(":", 1)[0] for _site, _scheme, netloc in hosts}
    result = []
    claimed: set[str] = set()
    for site, scheme, netloc in hosts:
        host = netloc.rsplit(":", 1)[0]
        aliases = tuple(a for a in _alias_hosts(host) if a not in taken and a not in claimed)
        claimed.update(aliases)
        result.append(SiteHost(site.id, site.name, scheme, netloc, aliases, f"{docroot}/{site.id}/current"))
    return result


def _alias_hosts(host: str) -> list[str]:
    """``www.x`` ↔ ``x``: the other spelling readers type. None for an IP address or a one-label host."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return []
    except ValueError:
        pass
    if host.startswith("www."):
        bare = host[len("www.") :]
        return [bare] if "." in bare else []
    return [f"www.{host}"] if "." in host else []


def portal_origins(cluster: Cluster, hosts: list[SiteHost]) -> list[str]:
    """The origins whose pages run the cluster search: the portal and its editions."""
    portals = {site.id for site in cluster.sites if site.kind == "portal" or getattr(site, "edition_of", None) in _portal_ids(cluster)}
    return sorted(h.origin for h in hosts if h.site_id in portals)


def _portal_ids(cluster: Cluster) -> set[str]:
    return {site.id for site in cluster.sites if site.kind == "portal"}


def content_security_policy(cluster: Cluster, hosts: list[SiteHost]) -> str:
    """The one policy every site is sent with.

    The theme has no inline script and no ``on…=`` attribute (a test reads every built page), so
    scripts come from ``'self'`` only; ``'wasm-unsafe-eval'`` lets Pagefind compile its
    WebAssembly. The cluster's origins may be fetched (the portal's search merges every site's
    index) and shown as images (search results). ``style-src`` keeps ``'unsafe-inline'``: the
    theme writes each site's colours as one ``<style>`` block in ``<head>`` (``theme_vars``); a
    hash of it would have to change with every colour a webmaster picks, and a configuration
    left behind would unstyle the site. Frames: the hosts sites allow in ``[publishing]
    iframe_hosts``.
    """
    origins = " ".join(sorted({h.origin for h in hosts}))
    frames = sorted({host for site in cluster.sites for host in site.publishing.iframe_hosts})
    directives = [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {origins}".rstrip(),
        f"connect-src 'self' {origins}".rstrip(),
        "frame-src " + " ".join(["'self'", *frames]),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(directives)


def security_headers(cluster: Cluster, hosts: list[SiteHost]) -> str:
    """The snippet every location includes (each header with ``always``: 404s carry them too)."""
    lines = [
        "# zhanqun: security headers of every site (python build.py nginx-conf writes this file)",
        f'add_header Content-Security-Policy "{content_security_policy(cluster, hosts)}" always;',
        'add_header X-Content-Type-Options "nosniff" always;',
        'add_header Referrer-Policy "strict-origin-when-cross-origin" always;',
        'add_header X-Frame-Options "SAMEORIGIN" always;',
        'add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;',
    ]
    return "\n".join(lines) + "\n"


def check_docroot(docroot: Path) -> str:
    """``docroot`` as nginx reads it: absolute, and holding nothing nginx would read as syntax."""
    text = str(docroot.absolute()).rstrip("/") or "/"
    if not _SAFE_PATH.match(text):
        raise UsageError(_("--docroot {path}: nginx would misread this path; use one of letters, digits and . _ - / only").format(path=text))
    return text


def check_listen(listen: str) -> str:
    """``ADDR:PORT``, ``[::1]:PORT`` or ``PORT`` (a port from 1 to 65535)."""
    match = _LISTEN.match(listen)
    if not match or not 1 <= int(match.group(1)) <= 65535:
        raise UsageError(_("--listen {listen!r}: write ADDR:PORT or PORT, e.g. 0.0.0.0:80, [::]:80 or 8080").format(listen=listen))
    return listen


def sites_conf(cluster: Cluster, target: str, docroot: str, listen: str, headers_path: str, access_log: str) -> str:
    """The configuration for inside ``http {}``: log format, CORS map, default server, the sites."""
    hosts = site_hosts(cluster, target, docroot)
    include = f"include {headers_path};"
    portals = portal_origins(cluster, hosts)
    out: list[str] = [
        f"# zhanqun: the {target} sites of the cluster, served from {docroot}/<id>/current",
        "# (python build.py nginx-conf writes this file; put it inside http {}, next to mime.types)",
        "",
        f"log_format {NGINX_LOG_FORMAT_NAME} '{NGINX_LOG_FORMAT}';",
        "",
        "# the portal's cluster search reads every site's /pagefind/ from the portal's pages",
        f"map $http_origin {CORS_VARIABLE} {{",
        '    default "";',
        *(f'    "{origin}" $http_origin;' for origin in portals),
        "}",
        "",
        "# a Host no site has: closed without an answer",
        "server {",
        f"    listen {listen} default_server;",
        "    server_name _;",
        f"    access_log {access_log} {NGINX_LOG_FORMAT_NAME};",
        "    return 444;",
        "}",
    ]
    for host in hosts:
        out += ["", *_site_server(host, listen, include, access_log)]
        if host.aliases:
            out += ["", *_alias_server(host, listen, include, access_log)]
    return "\n".join(out) + "\n"


def _site_server(host: SiteHost, listen: str, include: str, access_log: str) -> list[str]:
    revalidated = [rule for rule in CACHE_RULES if not rule.pattern.startswith("^/pagefind/")]
    chunks = [rule for rule in CACHE_RULES if rule.pattern.startswith("^/pagefind/") and rule.pattern != "^/pagefind/"]
    search = next(rule for rule in CACHE_RULES if rule.pattern == "^/pagefind/")
    cors = [
        f"add_header Access-Control-Allow-Origin {CORS_VARIABLE} always;",
        'add_header Vary "Origin" always;',
    ]
    lines = [
        f"# {host.site_id}: {host.name}",
        "server {",
        f"    listen {listen};",
        f"    server_name {host.server_name};",
        f"    root {host.root};",
        "    index index.html;",
        f"    access_log {access_log} {NGINX_LOG_FORMAT_NAME};",
        "    server_tokens off;",
        "    absolute_redirect off;",
        "    charset utf-8;",
        "    charset_types text/css text/plain text/xml application/javascript application/json application/xml application/atom+xml image/svg+xml;",
        "    gzip_static on;",
        "    gzip_vary on;",
        "    error_page 404 /404.html;",
        f"    {include}",
        "",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        f'        add_header Cache-Control "{MODERATE}" always;',
        f"        {include}",
        "    }",
    ]
    for rule in revalidated:
        lines += [
            f"    location ~* {rule.pattern} {{",
            f'        add_header Cache-Control "{rule.cache_control}" always;',
            f"        {include}",
            "    }",
        ]
    lines += [
        "    location = /404.html {",
        "        internal;",
        '        add_header Cache-Control "no-cache" always;',
        f"        {include}",
        "    }",
        "    location ^~ /pagefind/ {",
        *(f"        {line}" for line in cors),
        f'        add_header Cache-Control "{search.cache_control}" always;',
        f"        {include}",
    ]
    for rule in chunks:
        lines += [
            f"        location ~ {rule.pattern} {{",
            *(f"            {line}" for line in cors),
            f'            add_header Cache-Control "{rule.cache_control}" always;',
            f"            {include}",
            "        }",
        ]
    lines += [
        "    }",
        "    location ^~ /.zhanqun/ {",
        "        deny all;",
        "    }",
        "}",
    ]
    return lines


def _alias_server(host: SiteHost, listen: str, include: str, access_log: str) -> list[str]:
    return [
        f"# {host.site_id}: {', '.join(host.aliases)} → {host.origin}",
        "server {",
        f"    listen {listen};",
        f"    server_name {' '.join(host.aliases)};",
        f"    access_log {access_log} {NGINX_LOG_FORMAT_NAME};",
        "    server_tokens off;",
        f"    {include}",
        f"    return 301 {host.origin}$request_uri;",
        "}",
    ]


@dataclass
class NginxConf:
    """What ``nginx-conf`` produced: the sites' configuration and the header snippet."""

    sites: str
    headers: str


def nginx_conf(root: Path, target: str, docroot: Path, listen: str, problems: Problems, out: Path | None = None, access_log: str = DEFAULT_ACCESS_LOG) -> NginxConf | None:
    """The configuration of ``target``'s sites; ``None`` when the site files have errors.

    With ``out``, the snippet is included from there (the caller writes both with
    :func:`write_conf`); otherwise from :data:`DEFAULT_HEADERS_PATH`.
    """
    if target not in ("production", "intranet"):
        raise UsageError(_("nginx-conf serves the production or intranet target; the preview is for `serve` or any static server"))
    docroot_text = check_docroot(docroot)
    deployed = dest_target(docroot)
    if deployed is not None and deployed != target:
        raise UsageError(_("--docroot {path}: deploy put the {deployed} sites there, not the {target} ones; give the folder the {target} target is deployed to").format(
            path=docroot, deployed=deployed, target=target))
    check_listen(listen)
    if not access_log.startswith("/") or not _SAFE_PATH.match(access_log):
        raise UsageError(_("--access-log {path}: an absolute path of letters, digits and . _ - / only").format(path=access_log))
    try:
        cluster = load_cluster(root, problems)
    except BuildFailed:
        return None
    if problems.has_errors():
        return None
    headers_path = f"{check_docroot(out)}/{HEADERS_FILE}" if out is not None else DEFAULT_HEADERS_PATH
    hosts = site_hosts(cluster, target, docroot_text)
    return NginxConf(sites_conf(cluster, target, docroot_text, listen, headers_path, access_log), security_headers(cluster, hosts))


def write_conf(conf: NginxConf, out: Path) -> list[Path]:
    """Write both files into ``out`` (each replaced in one rename); returns their paths."""
    make_folder(out)
    return [write_text(out, SITES_FILE, conf.sites), write_text(out, HEADERS_FILE, conf.headers)]
