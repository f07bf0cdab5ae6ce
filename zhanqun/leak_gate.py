"""The leak gate (涉密不上网): after a public build, no trace of an internal or draft item.

The stage already leaves internal and draft items, and the attachments only they use, out of
public targets. This output check is the second lock: it reads every text file of every site
just rendered (pages, feeds, sitemaps, JSON, text) and looks for the distinctive traces of every
item that the target must not publish — its title, its slug, the names of attachments only such
items use, a passage of its text — and fails the build, naming the page and the item, on any hit.

Only distinctive traces count, so that common words do not fail builds: titles of at least
:data:`MIN_TITLE` characters, slugs of at least :data:`MIN_SLUG`, passages of
:data:`PASSAGE` characters; and a trace that is part of a published item's title or slug, a site
or column name, or (for passages) a published item's text is not a leak.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from urllib.parse import quote

from .attachments import attachment_use
from .index import Item

if TYPE_CHECKING:
    from .pipeline import BuildContext

MIN_TITLE = 4
MIN_SLUG = 6
MIN_FILE_NAME = 5
PASSAGE = 24
#: Output files read as text; everything a visitor or a crawler can read.
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".json", ".txt", ".atom", ".rss", ".csv", ".js", ".md", ".vtt", ".webmanifest"})
MAX_SCAN_BYTES = 50 * 1024 * 1024

_PLAIN_RUN_RE = re.compile(r"[^\s*_\[\]()<>#`|!{}~&\"'\\]+(?: [^\s*_\[\]()<>#`|!{}~&\"'\\]+)*")
_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Trace:
    """A distinctive string that would show an unpublished item (or its attachment) in the output."""

    text: str  # as it appears in the output (raw, HTML-escaped, JSON-escaped or URL-quoted)
    item: str  # the item's source path, or the attachment's path
    what: str  # "title", "slug", "attachment", "text"
    shown: str  # the trace as the author wrote it, for the message
    bounded: bool = False  # must not be part of a longer ASCII word (slugs, file names)


def _spellings(value: str) -> set[str]:
    """The ways a string can be written into HTML, XML, JSON and URLs."""
    return {
        value,
        html.escape(value, quote=False),
        html.escape(value, quote=True),
        html.escape(value, quote=True).replace("&#x27;", "&#39;"),
        json.dumps(value)[1:-1],
        quote(value, safe="/"),
    }


def passage(body: str) -> str | None:
    """A run of plain text from the body, long enough to be unique, as it will read in HTML."""
    runs = sorted(_PLAIN_RUN_RE.findall(body), key=len, reverse=True)
    if not runs or len(runs[0]) < PASSAGE:
        return None
    run = runs[0]
    start = (len(run) - PASSAGE) // 2
    return run[start : start + PASSAGE]


class LeakScanner:
    """Every trace of the unpublished items of a cluster, for one public target.

    With few traces each is searched for in each page (``str.find``, at C speed: about 0.5 ms for
    a 30 KB page and 100 traces). With many, a page's set of 4-character substrings is
    intersected with the traces' first 4 characters, and only the candidates left are searched
    for (3–5 ms a page whatever the number of traces). A C Aho-Corasick automaton
    (pyahocorasick) was measured slower than both on CJK pages (5 ms a page).
    """

    PREFIX = 4  # no trace is shorter (MIN_TITLE)
    CHUNK = 1 << 20  # characters per substring set, so a large JSON file does not need gigabytes
    FEW = 512  # up to this many traces, search each one directly (the measured break-even)

    def __init__(self, traces: Iterable[Trace], mode: str = "auto"):
        self.traces: dict[str, list[Trace]] = {}
        for trace in traces:
            if len(trace.text) >= self.PREFIX:
                self.traces.setdefault(trace.text, []).append(trace)
        self.direct = mode == "find" or (mode == "auto" and len(self.traces) <= self.FEW)
        self.by_prefix: dict[str, list[str]] = {}
        for text in sorted(self.traces):
            self.by_prefix.setdefault(text[: self.PREFIX], []).append(text)

    def _candidates(self, text: str) -> list[str]:
        if self.direct:
            return sorted(self.traces)
        found: set[str] = set()
        width = self.PREFIX
        for begin in range(0, max(1, len(text)), self.CHUNK):
            chunk = text[begin : begin + self.CHUNK + width - 1]
            grams = {chunk[i : i + width] for i in range(len(chunk) - width + 1)}
            for prefix in grams & self.by_prefix.keys():
                found.update(self.by_prefix[prefix])
        return sorted(found)

    def scan(self, text: str) -> list[tuple[int, Trace]]:
        """(line, trace) for every item and kind of trace found in ``text``, at its first line."""
        first: dict[tuple[str, str], tuple[int, Trace]] = {}  # (item, what) → (offset, trace)
        for token in self._candidates(text):
            waiting = list(self.traces[token])
            start = text.find(token)
            while start != -1 and waiting:
                for trace in list(waiting):
                    if trace.bounded and not _bounded(text, start, start + len(token)):
                        continue
                    waiting.remove(trace)
                    key = (trace.item, trace.what)
                    if key not in first or first[key][0] > start:
                        first[key] = (start, trace)
                start = text.find(token, start + 1)
        hits = [(text.count("\n", 0, offset) + 1, trace) for offset, trace in first.values()]
        return sorted(hits, key=lambda pair: (pair[0], pair[1].item, pair[1].what))


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before and _WORD.match(before)) and not (after and _WORD.match(after))


def collect_traces(context: "BuildContext") -> list[Trace]:
    """The traces of every item the target does not publish, minus those that are not distinctive."""
    addresses = context.addresses
    assert addresses is not None
    index, cluster = context.index, context.cluster
    published = [item for item in index.items if addresses.renders(item)]
    hidden = [item for item in index.items if not addresses.renders(item)]
    public_names: set[str] = set()
    for item in published:
        public_names |= {item.title, item.slug, *(f"{r}-{item.slug}" for r in item.syndicate)}
    for site in cluster.sites:
        public_names |= {site.id, site.name, site.label, *(c.name for c in site.columns), *(c.id for c in site.columns)}
    public_blob = "\n".join(sorted(public_names))
    public_text = "\n".join(item.body for item in published)

    traces: list[Trace] = []

    def add(value: str, item: Item | str, what: str, minimum: int, bounded: bool = False, also_text: bool = False) -> None:
        source = item if isinstance(item, str) else item.source
        if len(value) < minimum or value in public_blob or (also_text and value in public_text):
            return
        traces.extend(Trace(spelling, source, what, value, bounded) for spelling in _spellings(value))

    for item in hidden:
        add(item.title, item, "title", MIN_TITLE, also_text=False)
        add(item.slug, item, "slug", MIN_SLUG, bounded=True)
        for receiver in item.syndicate:
            add(f"{receiver}-{item.slug}", item, "slug", MIN_SLUG, bounded=True)
        text = passage(item.body)
        if text:
            add(text, item, "text", PASSAGE, also_text=True)
    public_files: set[str] = set()
    withheld: list[tuple[str, str]] = []
    for site in cluster.sites:
        use = attachment_use(context.root, site.id, index, addresses.target.include_internal)
        public_files |= {path.rsplit("/", 1)[-1] for path in use.publishable}
        withheld += [(site.id, path) for path in sorted(use.withheld)]
    for site_id, path in withheld:
        name = path.rsplit("/", 1)[-1]
        if name not in public_files:
            add(name, f"content/{site_id}/{path}", "attachment", MIN_FILE_NAME, bounded=True)
    return traces


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_leaks(context: "BuildContext") -> None:
    """Output check: fail a public build whose output shows any trace of an unpublished item."""
    if context.target.include_internal or context.output_dir is None or context.addresses is None:
        return
    scanner = LeakScanner(collect_traces(context))
    withheld_paths = {
        (site_id, path)
        for site_id in context.site_ids
        for path in attachment_use(context.root, site_id, context.index, False).withheld
    }
    for site_id in context.site_ids:
        built = context.output_dir / site_id
        final = context.options.output / site_id
        for path in sorted(p for p in built.rglob("*") if p.is_file()):
            rel = path.relative_to(built).as_posix()
            shown = _display(final / rel, context.root)
            if (site_id, rel) in withheld_paths:
                context.problems.add(shown, None, "leak", f"attachment content/{site_id}/{rel} is used only by unpublished items but was copied into public output")
                continue
            if path.suffix.lower() not in TEXT_SUFFIXES or path.stat().st_size > MAX_SCAN_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for line, trace in scanner.scan(text):
                context.problems.add(
                    shown,
                    line,
                    "leak",
                    f"shows the {trace.what} '{trace.shown}' of {trace.item}, which the {context.target.name} target must not publish (internal or draft)",
                )
