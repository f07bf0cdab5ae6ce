"""``build.py stats``: visit figures of every site from the servers' access logs, no tracker needed.

Government sites may not send their visitors' data to third-party trackers, but every web server
keeps an access log. This reads them (plain or gzip, in any order, several servers and sites
mixed; the formats are in :mod:`.access_log`), maps each request to a site by the addresses of a
target (production: each site's ``url`` host, and the same host with or without ``www.``;
intranet: ``intranet_url`` where a site sets one; preview: one host, each site under ``/<id>/``),
and reports per site and day:

* **page views**: ``GET`` requests answered ``200`` for an HTML page (a path ending in ``/``,
  ``.html``/``.htm`` or without a suffix), robots excluded: by user agent
  (:data:`~.access_log.BOT_PATTERNS`, or none at all) and every client (address and user agent)
  that asked for ``robots.txt`` that day;
* **visitors**: distinct clients among those views — a salted hash of address, user agent and day,
  the salt drawn afresh for every run and never written; no address is stored, printed or written
  (nor one a client typed: a ``Host:`` that is an address is only counted, and every path, search,
  referrer and host shown has addresses masked, :func:`~.access_log.shown`);
* **top pages**, **top searches** (the words of the search page's ``?q=``/``?keywords=``), and
  **404s with their referrers** (broken inbound links; robots' requests included, since a crawler
  following an old link finds them too).

Memory does not grow with the size of the logs: lines are read one at a time and only counters are
kept per site and day (pages, searches, 404s, and the visitors' 8-byte keys). The logs are read
twice: first only the lines naming ``robots.txt`` (a substring test, fast), so a robot that asks for
it after its first pages is excluded from all of them, whatever order the files come in. A line no
format foresaw — whatever it makes fail — is one malformed line; reading goes on.
"""

from __future__ import annotations

import gzip
import html
import os
import secrets
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config.sites import Cluster, Site, load_cluster
from ..errors import Problems, did_you_mean
from ..i18n import _, current_language
from ..links.addresses import TARGETS
from ..paths import OUTPUT_MARKER, make_folder, write_text
from ..pipeline import PROTECTED_FOLDERS, UsageError
from .access_log import (
    COMBINED,
    FORMATS,
    Request,
    has_address,
    is_bot,
    is_page,
    is_robots,
    open_log,
    page_key,
    parse_line,
    printable,
    read_lines,
    search_words,
    shown,
    visitor_key,
)

#: How many malformed lines of a file are named by number.
MALFORMED_SHOWN = 5
#: How many unknown hosts are kept by name (a scanner may send any Host header).
MAX_UNKNOWN_HOSTS = 1000
#: The report's top lists are this long unless told otherwise.
DEFAULT_TOP = 10


@dataclass
class DayStats:
    """What one site served on one day."""

    requests: int = 0
    views: int = 0
    bot_views: int = 0
    visitors: set[int] = field(default_factory=set)
    pages: Counter[str] = field(default_factory=Counter)
    searches: Counter[str] = field(default_factory=Counter)
    not_found: Counter[tuple[str, str]] = field(default_factory=Counter)  # (path, referrer or "")


@dataclass
class FileReport:
    """What reading one log gave."""

    path: str
    lines: int = 0
    requests: int = 0
    malformed: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    error: str | None = None

    def bad_line(self, number: int) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < MALFORMED_SHOWN:
            self.malformed_lines.append(number)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "lines": self.lines,
            "requests": self.requests,
            "malformed": self.malformed,
            "malformed_lines": self.malformed_lines,
            "formats": {name: self.formats[name] for name in FORMATS if self.formats[name]},
            "error": self.error,
        }


@dataclass
class StatsReport:
    """Every site's days, and how the reading went."""

    target: str
    site: str | None
    names: dict[str, str]
    files: list[FileReport]
    days: dict[str, dict[str, DayStats]] = field(default_factory=dict)  # site → day → figures
    unknown_hosts: Counter[str] = field(default_factory=Counter)  # names only, never an address
    unknown_requests: int = 0  # requests to no site of the target (also beyond MAX_UNKNOWN_HOSTS)
    address_requests: int = 0  # of those, requests whose Host was an IP address (counted, never shown)
    other_sites: int = 0  # requests to sites other than --site

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def requests(self) -> int:
        return sum(f.requests for f in self.files)

    @property
    def malformed(self) -> int:
        return sum(f.malformed for f in self.files)

    @property
    def nothing_read(self) -> bool:
        """No line could be read as a request, though there was something to read (exit status 1)."""
        return self.requests == 0 and (self.malformed > 0 or any(f.error for f in self.files))

    def span(self) -> list[str]:
        """Every day from the first to the last any site was visited, gaps included."""
        seen = sorted({day for site in self.days.values() for day in site})
        if not seen:
            return []
        first, last = date.fromisoformat(seen[0]), date.fromisoformat(seen[-1])
        return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]

    def sites_json(self, top: int) -> list[dict[str, Any]]:
        rows = []
        for site_id in sorted(self.days):
            days = self.days[site_id]
            total = DayStats()
            listed = []
            for day in sorted(days):
                figures = days[day]
                total.requests += figures.requests
                total.views += figures.views
                total.bot_views += figures.bot_views
                total.pages.update(figures.pages)
                total.searches.update(figures.searches)
                total.not_found.update(figures.not_found)
                listed.append({"day": day, **_figures(figures, top, len(figures.visitors))})
            rows.append(
                {
                    "site": site_id,
                    "name": self.names.get(site_id, site_id),
                    **_figures(total, top, sum(len(f.visitors) for f in days.values()), "visitor_days"),
                    "days": listed,
                }
            )
        return rows

    def as_json(self, top: int = DEFAULT_TOP) -> dict[str, Any]:
        return {
            "target": self.target,
            "site": self.site,
            "lines": self.lines,
            "requests": self.requests,
            "malformed": self.malformed,
            "files": [f.as_json() for f in self.files],
            "unknown_hosts": {
                "requests": self.unknown_requests,
                "ip_address_requests": self.address_requests,
                "top": [{"host": h, "requests": n} for h, n in _top(self.unknown_hosts, top)],
            },
            "other_sites": self.other_sites,
            "sites": self.sites_json(top),
        }


def _top(counter: Counter[Any], top: int) -> list[tuple[Any, int]]:
    """The ``top`` most frequent keys, most first, ties by key (deterministic)."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def _figures(figures: DayStats, top: int, visitors: int, visitors_name: str = "visitors") -> dict[str, Any]:
    return {
        "views": figures.views,
        visitors_name: visitors,
        "bot_views": figures.bot_views,
        "requests": figures.requests,
        "top_pages": [{"path": p, "views": n} for p, n in _top(figures.pages, top)],
        "top_searches": [{"query": q, "count": n} for q, n in _top(figures.searches, top)],
        "not_found": [{"path": p, "referrer": r or None, "count": n} for (p, r), n in _top(figures.not_found, top)],
    }


# --- which site a request is for -----------------------------------------------------------------


def site_hosts(site: Site, target: str) -> list[str]:
    """The host names ``site`` answers to for ``target``: its address's host, with and without
    ``www.`` (``xam.gov.cn`` is typed as often as ``www.xam.gov.cn``), and its IDNA spelling."""
    url = site.intranet_url if target == "intranet" and site.intranet_url else site.url
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    twins = (host, host.removeprefix("www.") if host.startswith("www.") else f"www.{host}")
    names = set(twins)
    for name in twins:
        try:
            names.add(name.encode("idna").decode("ascii"))
        except UnicodeError:
            pass
    return sorted(n for n in names if n)


@dataclass
class SiteMap:
    """Request → (site id, the path within the site) for one target."""

    target: str
    hosts: dict[str, str]
    ids: frozenset[str]

    @classmethod
    def of(cls, cluster: Cluster, target: str) -> SiteMap:
        hosts: dict[str, str] = {}
        if target != "preview":
            for site in cluster.sites:
                for host in site_hosts(site, target):
                    hosts.setdefault(host, site.id)  # the first in cluster order wins a shared bare host
            for site in cluster.sites:  # a site's own address always beats another's www twin
                url = site.intranet_url if target == "intranet" and site.intranet_url else site.url
                hosts[(urlsplit(url).hostname or "").lower().rstrip(".")] = site.id
        return cls(target, hosts, frozenset(cluster.ids))

    @property
    def by_path(self) -> bool:
        """Preview serves every site from one host, under ``/<id>/``: the path says the site."""
        return self.target == "preview"

    def site_of(self, host: str | None, path: str) -> tuple[str | None, str]:
        if self.by_path:
            first, _, rest = path.lstrip("/").partition("/")
            if first in self.ids:
                return first, "/" + rest
            return None, path
        return (self.hosts.get(host) if host else None), path


# --- reading -------------------------------------------------------------------------------------


@dataclass
class StatsOptions:
    root: Path
    logs: list[Path]
    site: str | None = None
    target: str = "production"
    out: Path | None = None


def prepare_stats(options: StatsOptions, problems: Problems) -> tuple[Cluster, str | None] | None:
    """The cluster and the ``--site`` id, or a usage error (unknown site, no such log, bad ``--out``)."""
    if options.target not in TARGETS:
        raise UsageError(_("unknown target {target!r} (targets: {targets})").format(target=options.target, targets=", ".join(TARGETS)))
    for log in options.logs:
        if not log.is_file():
            raise UsageError(_("no log file {path}").format(path=log))
    if options.out is not None:
        reason = public_folder(options.out, options.root)
        if reason:
            raise UsageError(_("--out {out}: {reason}; write the report elsewhere, such as output/stats/").format(out=options.out, reason=reason))
    cluster = load_cluster(options.root, problems)
    if problems.has_errors():
        return None
    site = None
    if options.site is not None:
        site = cluster.named(options.site)
        if site is None:
            raise UsageError(_("no site '{site}'{hint} (sites: {sites})").format(site=options.site, hint=did_you_mean(options.site, cluster.ids), sites=cluster.listing()))
    return cluster, site


def public_folder(out: Path, root: Path) -> str | None:
    """Why ``out`` is a folder the public could be served from (a build's output), or None."""
    real = Path(os.path.realpath(out))
    for folder in (real, *real.parents):
        if (folder / OUTPUT_MARKER).is_file():
            return _("it is inside a build's output ({folder}), which is uploaded as the sites' web roots").format(folder=folder)
    real_root = Path(os.path.realpath(root))
    for target in TARGETS:
        built = real_root / "output" / target
        if real == built or built in real.parents:
            return _("it is inside output/{target}/, which is uploaded as the sites' web roots").format(target=target)
    if real == real_root:
        return _("it is the repository itself")
    for name in PROTECTED_FOLDERS:  # themes/*/static/ is copied into every site, content/ may be published
        folder = real_root / name
        if real == folder or folder in real.parents:
            return _("it is inside the repository's {folder}/ folder, whose files may be published or are sources").format(folder=name)
    return None


def run_stats(options: StatsOptions, problems: Problems, salt: bytes | None = None) -> StatsReport | None:
    """Read every log and count; None when the site files have errors (in ``problems``)."""
    prepared = prepare_stats(options, problems)
    if prepared is None:
        return None
    cluster, only = prepared
    sites = SiteMap.of(cluster, options.target)
    salt = salt if salt is not None else secrets.token_bytes(16)
    report = StatsReport(options.target, only, {s.id: s.name for s in cluster.sites}, [FileReport(str(p)) for p in options.logs])
    robots: set[int] = set()
    for log, file_report in zip(options.logs, report.files):
        _robots_clients(log, file_report, salt, robots)
    for log, file_report in zip(options.logs, report.files):
        _count(log, file_report, report, sites, only, salt, robots)
    return report


def _combined_without_site(path: Path, number: int) -> UsageError:
    return UsageError(
        _("{path}:{line}: a line in the combined format names no host, so its site is unknown; name the site with --site ID (or log the host: see the README's visit statistics)").format(path=path, line=number)
    )


#: What ends the reading of a file (a read error, a ``.gz`` cut short or damaged); anything else a
#: line makes fail makes only that line malformed.
READ_ERRORS = (OSError, EOFError, ValueError, zlib.error)


def _parse(line: str) -> Request | None:
    """:func:`parse_line`, with any failure of a line no format foresaw read as malformed (None)."""
    try:
        return parse_line(line)
    except Exception:  # noqa: BLE001 — one odd line is malformed, never the end of its file
        return None


def _robots_clients(path: Path, file_report: FileReport, salt: bytes, robots: set[int]) -> None:
    """First pass: the clients that asked for ``robots.txt``, per day (only lines naming it are parsed)."""
    try:
        with open_log(path) as handle:
            for _number, line in read_lines(handle):
                if line is None or "robots.txt" not in line:
                    continue
                request = _parse(line)
                if request is not None and is_robots(request.path):
                    robots.add(visitor_key(salt, request.client, request.agent, request.day))
    except READ_ERRORS as exc:  # reported by the second pass, which meets it too
        file_report.error = _describe(exc)


def _describe(exc: BaseException) -> str:
    """Why a file could not be read to its end, as a sentence in the user's language (the system's
    own words, in English, only inside it)."""
    if isinstance(exc, EOFError):
        return _("the compressed file ends early (it may be being rotated)")
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return _("the compressed data is damaged ({detail})").format(detail=printable(str(exc) or type(exc).__name__))
    if isinstance(exc, OSError) and exc.strerror:
        return _("the system could not read it ({detail})").format(detail=printable(exc.strerror))
    return _("it could not be read ({detail})").format(detail=printable(str(exc) or type(exc).__name__))


def _count(path: Path, file_report: FileReport, report: StatsReport, sites: SiteMap, only: str | None, salt: bytes, robots: set[int]) -> None:
    """Second pass: every line counted into its site's day."""
    file_report.error = None
    number = 0
    try:
        with open_log(path) as handle:
            for number, line in read_lines(handle):
                if line is None:
                    file_report.bad_line(number)
                    continue
                try:
                    _count_line(line, path, number, file_report, report, sites, only, salt, robots)
                except UsageError:
                    raise
                except Exception:  # noqa: BLE001 — a line no format foresaw is malformed; the file goes on
                    file_report.bad_line(number)
    except READ_ERRORS as exc:  # a truncated .gz (a log being rotated), a read error
        file_report.error = _("read error after line {line}: {reason}").format(line=number, reason=_describe(exc))
    finally:
        file_report.lines = number


def _count_line(line: str, path: Path, number: int, file_report: FileReport, report: StatsReport, sites: SiteMap, only: str | None, salt: bytes, robots: set[int]) -> None:
    """One line counted. Whatever may fail (reading the line, its keys) comes before any count
    changes, so a line that fails is only malformed, never half counted."""
    request = parse_line(line)
    if request is None:
        if line.strip():
            file_report.bad_line(number)
        return
    if request.format == COMBINED and not sites.by_path:
        if only is None:
            raise _combined_without_site(path, number)
        site_id, in_site = only, request.path
    else:
        site_id, in_site = sites.site_of(request.host, request.path)
    if site_id is None:
        host = None if request.host is None or has_address(request.host) else shown(request.host)
        file_report.requests += 1
        file_report.formats[request.format] += 1
        _unknown_host(report, host, request.host is not None)
        return
    if only is not None and site_id != only:
        file_report.requests += 1
        file_report.formats[request.format] += 1
        report.other_sites += 1
        return
    counts = _tally(request, in_site, salt, robots)
    file_report.requests += 1
    file_report.formats[request.format] += 1
    site_days = report.days.get(site_id)
    if site_days is None:
        site_days = report.days[site_id] = {}
    figures = site_days.get(request.day)
    if figures is None:
        figures = site_days[request.day] = DayStats()
    figures.requests += 1
    counts(figures)


def _unknown_host(report: StatsReport, host: str | None, named: bool) -> None:
    """A request to no site: its host counted by name, or — an IP address — only counted."""
    report.unknown_requests += 1
    if named and host is None:
        report.address_requests += 1
        return
    key = host or "-"
    if key in report.unknown_hosts or len(report.unknown_hosts) < MAX_UNKNOWN_HOSTS:
        report.unknown_hosts[key] += 1


def _tally(request: Request, path: str, salt: bytes, robots: set[int]) -> Callable[[DayStats], None]:
    """What a request adds to its day, as a function to apply: every key is worked out first."""
    status = request.status
    if status == 404:
        key404 = (page_key(path), shown(request.referrer or ""))

        def not_found(figures: DayStats) -> None:
            figures.not_found[key404] += 1

        return not_found
    if status != 200 or request.method != "GET" or not is_page(path):
        return _nothing
    if is_bot(request.agent):
        return _robot
    key = visitor_key(salt, request.client, request.agent, request.day)
    if key in robots:
        return _robot
    page = sys.intern(page_key(path))  # one copy of a path for all the days
    words = search_words(path, request.query)

    def view(figures: DayStats) -> None:
        figures.views += 1
        figures.visitors.add(key)
        figures.pages[page] += 1
        if words:
            figures.searches[words] += 1

    return view


def _nothing(figures: DayStats) -> None:
    """A request that is no view (not GET, not 200, no page): counted as a request only."""


def _robot(figures: DayStats) -> None:
    figures.bot_views += 1


# --- the text report -----------------------------------------------------------------------------


def format_text(report: StatsReport, top: int = DEFAULT_TOP) -> str:
    """The report as the terminal shows it: per site its days, then its top lists for the period."""
    out: list[str] = []
    for row in report.sites_json(top):
        out.append(
            _("{site} {name}: {views} page views, {visitors} daily visitors added up, {days} day(s)").format(
                site=row["site"], name=row["name"], views=row["views"], visitors=row["visitor_days"], days=len(row["days"])
            )
        )
        heads = (_("day"), _("views"), _("visitors"), _("robots"), _("requests"))
        out.append("  " + _pad(heads[0], 12, left=True) + "".join(" " + _pad(h, w) for h, w in zip(heads[1:], (8, 9, 8, 9))))
        for day in row["days"]:
            out.append(f"  {day['day']:<12} {day['views']:>8} {day['visitors']:>9} {day['bot_views']:>8} {day['requests']:>9}")
        if row["top_pages"]:
            out.append("  " + _("top pages:"))
            out += [f"    {p['views']:>7}  {p['path']}" for p in row["top_pages"]]
        if row["top_searches"]:
            out.append("  " + _("top searches:"))
            out += [f"    {s['count']:>7}  {s['query']}" for s in row["top_searches"]]
        if row["not_found"]:
            out.append("  " + _("not found (404), with the page that linked there:"))
            nowhere = _("(no referrer)")
            out += [f"    {n['count']:>7}  {n['path']}  ← {n['referrer'] or nowhere}" for n in row["not_found"]]
    line = unknown_hosts_line(report)
    if line:
        out.append(line)
    return "\n".join(out)


def unknown_hosts_line(report: StatsReport, top: int = 5) -> str | None:
    """The requests to no site of the target, with the host names most asked for; requests by IP
    address only counted (a ``Host:`` is whatever the client sent, its own address too)."""
    if not report.unknown_requests:
        return None
    hosts = [f"{h} {n}" for h, n in _top(report.unknown_hosts, top)]
    if report.address_requests:
        hosts.append(_("{count} by IP address instead of host name").format(count=report.address_requests))
    return _("{count} request(s) to hosts of no site of the {target} target: {hosts}").format(count=report.unknown_requests, target=report.target, hosts=", ".join(hosts))


def _pad(text: str, width: int, left: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    room = " " * max(width - shown, 0)
    return text + room if left else room + text


def file_notes(report: StatsReport) -> list[str]:
    """A line per log that had malformed lines or could not be read to its end."""
    notes = []
    for f in report.files:
        if f.malformed:
            numbers = ", ".join(str(n) for n in f.malformed_lines) + (", …" if f.malformed > len(f.malformed_lines) else "")
            notes.append(_("{path}: {count} malformed line(s) skipped (line {lines})").format(path=printable(f.path), count=f.malformed, lines=numbers))
        if f.error:
            notes.append(_("{path}: {reason}").format(path=printable(f.path), reason=f.error))
    return notes


def summary(report: StatsReport) -> str:
    return _("stats: {files} log(s), {lines} line(s), {requests} request(s), {malformed} malformed, target {target}").format(
        files=len(report.files), lines=report.lines, requests=report.requests, malformed=report.malformed, target=report.target
    )


# --- the HTML report -----------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:18px;line-height:1.6;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1000px;padding:1em}
h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:2px solid #1f4e8c;margin-top:2em}h3{font-size:1.1em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #767676;padding:.2em .6em;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td{word-break:break-all}
svg{max-width:100%;height:auto}.note{color:#444}
"""


def html_name(report: StatsReport) -> str:
    """The report's file name: the days it covers (and the site), so a daily run keeps its history."""
    span = report.span()
    stem = "stats" + (f"-{report.site}" if report.site else "")
    if not span:
        return f"{stem}.html"
    return f"{stem}-{span[0]}.html" if len(span) == 1 else f"{stem}-{span[0]}_{span[-1]}.html"


def write_html(report: StatsReport, out: Path, top: int = DEFAULT_TOP) -> Path:
    """Write the HTML report into ``out`` (through :mod:`zhanqun.paths`); returns its path."""
    make_folder(out)
    return write_text(out, html_name(report), render_html(report, top))


def render_html(report: StatsReport, top: int = DEFAULT_TOP) -> str:
    """One page: per site a chart of daily views (static SVG, no script), the days as a table, the top lists."""
    e = html.escape
    span = report.span()
    rows = report.sites_json(top)
    lang = "zh-CN" if current_language() == "zh" else "en"
    title = _("Visit statistics") + (f" {span[0]} – {span[-1]}" if span else "")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="note">{e(summary(report))}</p>',
    ]
    notes = file_notes(report)
    unknown = unknown_hosts_line(report, top)
    if unknown:
        notes.append(unknown)
    if notes:
        parts.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    if not rows:
        nothing = _("No page views in these logs.")
        parts.append(f"<p>{e(nothing)}</p>")
    for number, row in enumerate(rows):
        by_day = {d["day"]: d for d in row["days"]}
        parts.append(f'<section><h2 id="{e(row["site"])}">{e(row["name"])} <small>({e(row["site"])})</small></h2>')
        totals = _("{views} page views, {visitors} daily visitors added up").format(views=row["views"], visitors=row["visitor_days"])
        parts.append(f"<p>{e(totals)}</p>")
        parts.append(bar_chart([(day, by_day[day]["views"] if day in by_day else 0) for day in span], f"chart-{number}", _("Daily page views of {name}").format(name=row["name"])))
        parts.append(
            _table(
                _("Per day"),
                (_("day"), _("views"), _("visitors"), _("robots"), _("requests")),
                [(d["day"], d["views"], d["visitors"], d["bot_views"], d["requests"]) for d in row["days"]],
            )
        )
        parts.append(_table(_("Top pages"), (_("page"), _("views")), [(p["path"], p["views"]) for p in row["top_pages"]]))
        parts.append(_table(_("Top searches"), (_("search"), _("count")), [(s["query"], s["count"]) for s in row["top_searches"]]))
        parts.append(
            _table(
                _("Not found (404), with the page that linked there"),
                (_("page"), _("linked from"), _("count")),
                [(n["path"], n["referrer"] or _("(no referrer)"), n["count"]) for n in row["not_found"]],
            )
        )
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _table(caption: str, heads: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> str:
    """A table of ``rows`` (numbers right-aligned), or nothing when there are none."""
    e = html.escape
    rows_list = list(rows)
    body = "".join("<tr>" + "".join(f'<td class="n">{v}</td>' if isinstance(v, int) else f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in rows_list)
    if not body:
        return ""
    first = next(iter(rows_list), ())
    head = "".join(f'<th class="n">{e(h)}</th>' if i < len(first) and isinstance(first[i], int) else f"<th>{e(h)}</th>" for i, h in enumerate(heads))
    return f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def axis_steps(largest: int) -> list[int]:
    """The ticks of a value axis from 0 to at least ``largest``: at most 6, a step of 1, 2 or 5 × 10ⁿ."""
    step = 1
    while step * 5 < largest:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 …
            step = int(step * factor)
            if step * 5 >= largest:
                break
    top = max(-(-largest // step), 1) * step
    return list(range(0, top + 1, step))


def bar_chart(points: list[tuple[str, int]], chart_id: str, title: str) -> str:
    """A bar per day as static SVG: dark bars on white, 14 px text, a title and a description for
    screen readers, each bar's value in its ``<title>`` (shown on hover, no script)."""
    e = html.escape
    width, height = 760, 260
    left, right, top_margin, bottom = 64, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    count = max(len(points), 1)
    ticks = axis_steps(max((v for _d, v in points), default=0))
    ceiling = ticks[-1]
    slot = plot_w / count
    bar = max(slot * 0.75, 1.0)
    described = "; ".join(f"{d}: {v}" for d, v in points)
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{e(title)}</title><desc id="{chart_id}-d">{e(described)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for value in ticks:
        y = top_margin + plot_h - plot_h * value / ceiling
        svg.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d0d0" stroke-width="1"/>')
        svg.append(f'<text x="{left - 8}" y="{y + 5:.1f}" font-size="14" text-anchor="end" fill="#1a1a1a">{value}</text>')
    label_every = max(1, -(-count // 12))  # at most 12 day labels
    for index, (day, value) in enumerate(points):
        x = left + slot * index + (slot - bar) / 2
        h = plot_h * value / ceiling
        y = top_margin + plot_h - h
        svg.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#1f4e8c"><title>{e(day)}: {value}</title></rect>')
        if count <= 31 and value:
            svg.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" font-size="12" text-anchor="middle" fill="#1a1a1a">{value}</text>')
        if index % label_every == 0:
            svg.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 20}" font-size="14" text-anchor="middle" fill="#1a1a1a">{e(day[5:])}</text>')
    svg.append(f'<line x1="{left}" y1="{top_margin + plot_h}" x2="{width - right}" y2="{top_margin + plot_h}" stroke="#1a1a1a" stroke-width="1.5"/>')
    svg.append("</svg>")
    return "\n".join(svg)
