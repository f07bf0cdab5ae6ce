"""Reading web-server access logs: the line formats, the files, and what a request is.

``build.py stats`` reads the logs the cluster's servers keep (government sites may not send
visitors' data to third-party trackers, but every server keeps a log). Three line formats are read,
told apart on every line, so logs of several servers can be mixed in one run:

* Apache's ``vhost_combined``: ``%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"``
  (the virtual host and port before the combined fields);
* zhanqun's nginx format :data:`NGINX_LOG_FORMAT` (``$host`` before the combined fields; the
  ``nginx-conf`` command sets it);
* plain ``combined`` (no host at all): the operator names the site with ``--site``.

Anything after the user agent (nginx's ``"$http_x_forwarded_for"``, a request time) is ignored.
A line that fits none of them is malformed: counted, never fatal. The remote address is read
only to be hashed with the user agent and the day (:func:`visitor_key`); nothing here keeps it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, unquote_to_bytes

#: zhanqun's nginx access-log format: the combined format with the host in front, so one log of a
#: server that hosts several sites tells them apart. ``nginx-conf`` writes it into ``http {}`` as
#: ``log_format zhanqun '…';`` with ``access_log /var/log/nginx/access.log zhanqun;``.
NGINX_LOG_FORMAT = '$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
#: The name ``log_format`` gives it.
NGINX_LOG_FORMAT_NAME = "zhanqun"

#: The three formats, by the name reports use.
VHOST_COMBINED = "vhost_combined"
ZHANQUN_NGINX = "zhanqun"
COMBINED = "combined"
FORMATS = (VHOST_COMBINED, ZHANQUN_NGINX, COMBINED)

_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
#: what every format shares from the time on; group 1 is what stands before the time; a request
#: line ``METHOD TARGET PROTOCOL`` is read in parts (groups 3–4), any other request whole (group 5)
_LINE = re.compile(rf'([^\[]*) \[([^\]]*)\] "(?:([A-Z]+) ([^ "\\]*(?:\\.[^ "\\]*)*)(?: HTTP/[0-9.]+)?|([^"\\]*(?:\\.[^"\\]*)*))" (\d{{3}}) \S+ {_QUOTED} {_QUOTED}')
_PORT = re.compile(r":\d{1,5}$")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
#: nginx and Apache write bytes they will not print as ``\xHH``; read them as the percent-encoding they were
_ESCAPED_BYTE = re.compile(r"\\x([0-9A-Fa-f]{2})")

#: Longest line read whole; a longer one (a binary file, an attack) is malformed and skipped piecewise.
MAX_LINE = 64 * 1024
#: Longest page path or search kept as a key (scanners send very long ones).
MAX_KEY = 300


@dataclass(slots=True)
class Request:
    """One log line, read. ``client`` is the remote address: hash it, never keep it."""

    format: str
    host: str | None  # lower case, without port or final dot; None in a combined line
    client: str
    day: str  # YYYY-MM-DD as the server's clock wrote it
    method: str  # "" when the request line was not METHOD TARGET [PROTOCOL]
    path: str  # as requested, without the query (``\\xHH`` read as ``%HH``; an absolute-form target's path)
    query: str
    status: int
    referrer: str | None  # None for "-"
    agent: str


_day_cache: dict[str, str | None] = {}


def _day(stamp: str) -> str | None:
    """``01/Mar/2026:10:00:00 +0800`` → ``2026-03-01`` (the server's local day), or None."""
    key = stamp[:11]
    found = _day_cache.get(key, "")
    if found != "":
        return found
    day = None
    if len(key) == 11 and key[2] == "/" and key[6] == "/" and stamp[11:12] == ":":
        month = _MONTHS.get(key[3:6])
        if month and key[:2].isdigit() and key[7:].isdigit():
            number = int(key[:2])
            if 1 <= number <= 31:
                day = f"{key[7:]}-{month:02d}-{number:02d}"
    if len(_day_cache) > 4096:
        _day_cache.clear()
    _day_cache[key] = day
    return day


def parse_line(line: str) -> Request | None:
    """The request a log line records, or None when the line fits no format (malformed)."""
    match = _LINE.match(line)
    if match is None:
        return None
    before, stamp, method, target, _other, status, referrer, agent = match.groups()
    fields = before.split(" ")
    if len(fields) == 3:
        kind, host = COMBINED, None
        client = fields[0]
    elif len(fields) == 4:
        host = fields[0]
        client = fields[1]
        if _PORT.search(host):
            kind, host = VHOST_COMBINED, host.rsplit(":", 1)[0]
        else:
            kind = ZHANQUN_NGINX
        host = host.lower().rstrip(".")
        if not host or host == "-":
            return None
    else:
        return None
    if not client:
        return None
    day = _day(stamp)
    if day is None:
        return None
    path = query = ""
    if method:
        if "\\x" in target:
            target = _ESCAPED_BYTE.sub(r"%\1", target)
        path, _, query = target.partition("?")
        if "#" in path:
            path = path.split("#", 1)[0]
        if path.startswith(("http://", "https://")):  # absolute form: the path of the address
            rest = path.split("://", 1)[1]
            slash = rest.find("/")
            path = rest[slash:] if slash >= 0 else "/"
    else:
        method = ""
    return Request(kind, host, client, day, method, path, query, int(status), None if referrer in ("-", "") else referrer, agent)


# --- what a request is ---------------------------------------------------------------------------

#: User agents of robots, crawlers, monitors and scripts (matched anywhere, in any case). A request
#: without a user agent counts as a robot too.
BOT_PATTERNS = (
    "bot", "spider", "crawl", "slurp", "baiduspider", "sogou", "360spider", "yisouspider", "bytespider",
    "bingpreview", "mediapartners", "facebookexternalhit", "feedfetcher", "archiver", "scrapy",
    "curl", "wget", "python-requests", "python-urllib", "aiohttp", "httpx", "go-http-client", "java/",
    "okhttp", "apache-httpclient", "libwww", "httpclient", "node-fetch", "axios", "headless", "phantomjs",
    "selenium", "puppeteer", "playwright", "lighthouse", "pingdom", "uptime", "monitor", "check_http",
    "zgrab", "masscan", "nmap", "nikto", "sqlmap",
)
_BOT = re.compile("|".join(re.escape(p) for p in BOT_PATTERNS), re.IGNORECASE)
_bot_cache: dict[str, bool] = {}


def is_bot(agent: str) -> bool:
    """Whether a user agent is a robot's (or missing)."""
    found = _bot_cache.get(agent)
    if found is None:
        found = agent in ("", "-") or _BOT.search(agent) is not None
        if len(_bot_cache) > 20_000:
            _bot_cache.clear()
        _bot_cache[agent] = found
    return found


def is_page(path: str) -> bool:
    """An HTML page: a path ending in ``/``, ``.html``/``.htm``, or whose last part has no suffix."""
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


#: Characters a report never prints as they are: control characters (a terminal would obey an
#: escape sequence decoded from ``%1b``) and the bidirectional overrides (text reading otherwise)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character and direction override shown as ``�``."""
    return _UNPRINTABLE.sub("\ufffd", text)


def page_key(path: str) -> str:
    """A page's path as reports show it: percent-decoded, ``…/index.html`` as ``…/``, ``//`` once."""
    shown = printable(unquote(path, errors="replace")) if "%" in path else path
    while "//" in shown:
        shown = shown.replace("//", "/")
    if shown.endswith("/index.html"):
        shown = shown[: -len("index.html")]
    return shown[:MAX_KEY] or "/"


def is_robots(path: str) -> bool:
    return path.endswith("/robots.txt")


#: Query keys that carry a search's words on a search page.
SEARCH_KEYS = ("q", "keywords", "keyword", "wd", "query", "searchword")


def search_words(path: str, query: str) -> str | None:
    """The words searched for, when ``path`` is a search page (``/search.html``, ``/search/``)
    and its query carries them (``q=``, ``keywords=``…): percent-decoded, UTF-8 or GB18030."""
    if not query or "search" not in path.lower():
        return None
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key.lower() in SEARCH_KEYS and value:
            words = " ".join(printable(_decode_query(value)).split())
            if words:
                return words[:MAX_KEY]
    return None


def _decode_query(value: str) -> str:
    raw = unquote_to_bytes(value.replace("+", " "))
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def visitor_key(salt: bytes, client: str, agent: str, day: str) -> int:
    """A visitor of a day: a salted hash of the address, the user agent and the day (64 bits).

    Python's keyed SipHash of the tuple: its key is drawn at every start of the interpreter, and
    ``salt`` is drawn afresh for every run; neither is written, so the number cannot be traced back
    to an address, nor matched across runs. It lives in memory for the run only.
    """
    return hash((salt, client, agent, day))


# --- the files -----------------------------------------------------------------------------------


def open_log(path: Path) -> IO[str]:
    """A log file for reading as text, gzip-compressed or not (told by its first bytes, not its name)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="\n")
    return path.open("r", encoding="utf-8", errors="replace", newline="\n")


def read_lines(handle: IO[str]) -> Iterator[tuple[int, str | None]]:
    """``(line number, line)`` for each line, without its line end; ``None`` for a line over
    :data:`MAX_LINE` characters, which is skipped without being held whole."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE)
        if not line:
            return
        number += 1
        if line.endswith("\n"):
            yield number, line[:-1].rstrip("\r")
            continue
        if len(line) < MAX_LINE:  # the last line, without a line end
            yield number, line.rstrip("\r")
            return
        while line and not line.endswith("\n"):
            line = handle.readline(MAX_LINE)
        yield number, None
