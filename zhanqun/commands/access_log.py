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

A line is read from its ``[time]`` field, whose shape the server writes: what stands before it is
host, client, ident and the remote user, and the remote user is whatever a client sent in its
``Authorization: Basic`` header — spaces included — so it is never counted as fields. Every value
a report shows (:func:`shown`) goes through the control-character filter and has address-shaped
text (IPv4, IPv6) masked: a client may type an address into a path, a search or a ``Host:``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
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
#: what every format shares from the time on. Group 1 is what stands before the time (host, client,
#: ident, remote user — the user may hold spaces and brackets, so the line is anchored on the first
#: ``[dd/Mon/yyyy:hh:mm:ss +zzzz]`` the rest of the line fits; the servers escape ``"`` in the user,
#: so no user can forge that rest); groups 2–4 day, month, year (ASCII digits only: ``re.ASCII``);
#: a request line ``METHOD TARGET PROTOCOL`` is read in parts (groups 5–6), any other whole (group 7)
_FROM_TIME = (
    r' \[([0-9]{2})/([A-Z][a-z]{2})/([0-9]{4}):[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\] '
    rf'"(?:([A-Z]+) ([^ "\\]*(?:\\.[^ "\\]*)*)(?: HTTP/[0-9.]+)?|([^"\\]*(?:\\.[^"\\]*)*))" ([0-9]{{3}}) \S+ {_QUOTED} {_QUOTED}'
)
_LINE = re.compile(r"(.*?)" + _FROM_TIME, re.ASCII)
#: the same, for the common line with no ``[`` before its time: twice as fast, and the same match
#: (the lazy pattern tries no later ``[`` before this one)
_LINE_FAST = re.compile(r"([^\[]*)" + _FROM_TIME, re.ASCII)
_PORT = re.compile(r":[0-9]{1,5}$")
#: The years a log line may carry: a server clock reset to 1970, or a corrupt line, is no visit day
#: (and one such line would stretch the report's chart over decades).
YEARS = range(2000, 2100)
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


_day_cache: dict[tuple[str, str, str], str | None] = {}


def _day(day: str, month_name: str, year: str) -> str | None:
    """``01``, ``Mar``, ``2026`` → ``2026-03-01`` (the server's local day), or None when that is no
    real date of :data:`YEARS` (``31/Feb``, year ``0000``)."""
    key = (day, month_name, year)
    found = _day_cache.get(key, "")
    if found != "":
        return found
    month = _MONTHS.get(month_name)
    found = None
    if month is not None and int(year) in YEARS:
        try:
            found = date(int(year), month, int(day)).isoformat()
        except ValueError:
            found = None
    if len(_day_cache) > 4096:
        _day_cache.clear()
    _day_cache[key] = found
    return found


#: An IPv4 address, also written with full-width digits or dots (a terminal shows it as one); no
#: bounds, so ``9203.0.113.77`` is masked too (it holds one)
_IPV4 = re.compile(r"\d{1,3}(?:[.\uff0e\u3002\uff61]\d{1,3}){3}")
#: A whole run of hexadecimal digits and colons (the look-behind starts it at its first character, so
#: a long run is read once): an IPv6 address when :func:`_ipv6_shaped` says so
_HEX_RUN = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f:]+")
#: What an address in a shown value becomes
ADDRESS_MASK = "[IP]"


def _ipv6_shaped(run: str) -> bool:
    """Whether a run of hex digits and colons holds an IPv6 address — also one with a port
    (``2001:db8::1:443``), cut short, or glued to more hex digits (``beef2001:db8::1``) — and not a
    time (``10:00:00``) or a word (``a::``).

    The run is cut at every group of more than four digits (no group of an address); each piece,
    with the long groups at its ends (which may end or start with an address's group), is an
    address when it has two filled groups and a ``::`` or five groups.
    """
    if run.count(":") < 2:
        return False
    groups = run.split(":")
    breaks = [i for i, g in enumerate(groups) if len(g) > 4]
    for start, end in zip([0, *breaks], [*breaks, len(groups) - 1]):
        window = groups[start : end + 1]
        if len(window) >= 3 and sum(1 for g in window if g) >= 2 and ("" in window[1:-1] or len(window) >= 5):
            return True
    return False


def _mask_ipv6(match: re.Match[str]) -> str:
    run = match.group(0)
    return ADDRESS_MASK if _ipv6_shaped(run) else run


def mask_addresses(text: str) -> str:
    """``text`` with every address-shaped part (IPv4, IPv6, bracketed or with a port) as ``[IP]``.

    A report shows paths, searches, referrers and hosts as the log has them; a client may put any
    address into those (its own, another's), and no address may reach a report.
    """
    if ":" not in text and not any(c in text for c in ".\uff0e\u3002\uff61"):
        return text
    text = _IPV4.sub(ADDRESS_MASK, text)
    if text.count(":") >= 2:
        text = _HEX_RUN.sub(_mask_ipv6, text)
    return text


def has_address(host: str) -> bool:
    """Whether a host name is (or holds) an IP address: counted, never shown."""
    return mask_addresses(host) != host


def _kind_of(fields: list[str]) -> str | None:
    """The format of a line by what stands before its time, or None (malformed).

    ``combined`` is ``client ident user…``, the host formats ``host client ident user…``; the user
    may hold spaces, so the number of fields says nothing: the ident (``-`` nearly always, and
    always in zhanqun's nginx format) does. A ``-`` second says ``combined`` (no address is ``-``),
    a ``-`` third a host format; with an ident set, three fields are ``combined`` and a second field
    that is an address says a host format.
    """
    if len(fields) < 3 or not fields[0] or not fields[1]:
        return None
    if fields[1] == "-":
        return COMBINED
    if fields[2] == "-" and len(fields) >= 4:
        return ZHANQUN_NGINX
    if len(fields) == 3:
        return COMBINED
    if has_address(fields[1]):
        return ZHANQUN_NGINX
    return None


def parse_line(line: str) -> Request | None:
    """The request a log line records, or None when the line fits no format (malformed)."""
    match = _LINE_FAST.match(line) or _LINE.match(line)
    if match is None:
        return None
    before, day_text, month_name, year, method, target, _other, status, referrer, agent = match.groups()
    fields = before.split(" ")
    kind = _kind_of(fields)
    if kind is None:
        return None
    if kind == COMBINED:
        host, client = None, fields[0]
    else:
        host, client = fields[0], fields[1]
        if _PORT.search(host):
            kind, host = VHOST_COMBINED, host.rsplit(":", 1)[0]
        host = host.lower().rstrip(".")
        if not host or host == "-":
            return None
    day = _day(day_text, month_name, year)
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
#: escape sequence, raw or decoded from ``%1b``), the bidirectional marks and overrides (text reading
#: otherwise), zero-width characters and the soft hyphen (an address split unseen), line separators
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with every control character and direction override shown as ``�``."""
    return _UNPRINTABLE.sub("\ufffd", text)


def shown(text: str, limit: int = MAX_KEY) -> str:
    """A value of a log as a report may show it: control characters as ``�``, addresses masked,
    at most ``limit`` characters (masked before it is cut, so no address is left half-shown)."""
    return mask_addresses(printable(text))[:limit]


@lru_cache(maxsize=65536)  # a log asks for the same pages over and over
def page_key(path: str) -> str:
    """A page's path as reports show it: percent-decoded, ``…/index.html`` as ``…/``, ``//`` once,
    through :func:`shown` (a raw ``ESC`` or an address in a path never reaches a report)."""
    decoded = unquote(path, errors="replace") if "%" in path else path
    text = mask_addresses(printable(decoded))
    while "//" in text:
        text = text.replace("//", "/")
    if text.endswith("/index.html"):
        text = text[: -len("index.html")]
    return text[:MAX_KEY] or "/"


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
            words = " ".join(mask_addresses(printable(_decode_query(value))).split())
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
