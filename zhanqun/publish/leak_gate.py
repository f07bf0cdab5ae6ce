"""The leak gate (涉密不上网): no trace of an internal or draft item in a public target.

The stage already leaves internal and draft items, and the attachments only they link, out of
public targets. The gate is the second lock, and it looks twice:

* **before rendering** (:func:`check_source_leaks`, part of ``check`` as well as ``build``): the
  text of every item the target publishes — title, header values, body — is searched for the
  traces of every item it must not publish, and a hit is an error at the author's file and line;
* **after rendering** (:func:`check_output_leaks`): every file of every site built, whatever its
  suffix, is searched the same way, so a trace that a template, a plugin or a faulty stage put
  there fails the build too; an attachment that only unpublished items link, found in the
  output, fails it by its path.

Traces are an item's title, its slug, a passage of its text, and the names of attachments only
such items link. A quote is found however it is dressed: with ``**emphasis**`` or a tag inside,
wrapped over two lines, with a character written as ``&#37325;`` or ``\\u91cd``, in a feed where
the HTML is escaped once more — the text is compared as a reader sees it (:func:`reading_views`:
tags dropped but their attribute values kept, entities decoded, full-width forms folded,
whitespace, emphasis marks and invisible characters removed), next to the text as written.

Only distinctive traces count, so that common words do not fail builds: titles of at least
:data:`MIN_TITLE` characters (a draft's: :data:`MIN_DRAFT_TITLE`), not made of digits alone, and
not a short phrase published texts use freely; slugs of at least :data:`MIN_SLUG`, passages of
:data:`PASSAGE` characters; a trace that is part of a published item's title or slug, a site or
column name, or (for passages) a published item's text is not a leak.
"""

from __future__ import annotations

import bisect
import html
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, unquote

from ..config.sites import Cluster
from ..config.themes import VENDORED_FOLDER, VERTICAL_STATIC
from ..content.attachments import Attachments
from ..content.index import ContentIndex, Item
from ..errors import Problems, shown_path
from ..i18n import N_, _
from ..links.addresses import AddressMap
from ..links.output_digests import FileDigests
from ..paths import walk_tree
from ..render.attachment_use import AttachmentUse
from .archive_text import MAX_BYTES, is_compressed, unpack
from .pagefind import readable_text

MIN_TITLE = 4
#: A draft's title counts only from this length: a draft is work in progress whose title is often
#: a plain phrase (机构职能, 春耕生产) that published pages use too; its text passages still count.
MIN_DRAFT_TITLE = 10
#: A title shorter than this that published texts use :data:`BOILERPLATE` times is a common phrase.
SHORT_TITLE = 8
MIN_SLUG = 6
MIN_FILE_NAME = 5
PASSAGE = 24
#: Passages taken from each unpublished item's text (from its longest plain runs).
PASSAGES = 3
#: Passages that this many published items share are boilerplate (a salutation, a closing line),
#: not a leak; a passage that fewer published items hold is the unpublished item's own text.
BOILERPLATE = 3
#: Header values a page shows, searched with the body.
SHOWN_HEADER_KEYS = ("Title", "Summary", "Source", "Author", "Tags", "Issuer", "Doc-No", "Replier", "Position", "Leaders", "Slug")

_PLAIN_RUN_RE = re.compile(r"[^\s*_\[\]()<>#`|!{}~&\"'\\]+(?: [^\s*_\[\]()<>#`|!{}~&\"'\\]+)*")
_WORD = re.compile(r"[A-Za-z0-9]")
_TAG_RE = re.compile(r"<[^<>]*>")
_ATTRIBUTE_VALUE_RE = re.compile(r"""<[^<>]*?=\s*(?:"([^"]*)"|'([^']*)')""")
_QUOTED_RE = re.compile(r"""=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
_JSON_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
#: What a reader does not see as part of a quote: white space, Markdown's emphasis and code marks,
#: control characters and invisible format characters (Unicode category Cf: zero-width spaces,
#: joiners, direction marks, the byte-order mark…).
_UNSEEN_RE = re.compile(
    "[\\s*_~`\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]+"
)


@dataclass(frozen=True)
class Trace:
    """A distinctive string that would show an unpublished item (or its attachment) in the output."""

    text: str  # as it appears in the output (raw, HTML-escaped, JSON-escaped, URL-quoted or read)
    item: str  # the item's source path, or the attachment's path
    what: str  # "title", "slug", "attachment", "text"
    shown: str  # the trace as the author wrote it, for the message
    bounded: bool = False  # must not be part of a longer ASCII word (slugs, file names)
    why: str = N_("which this target must not publish")  # what keeps the item (or file) in; translated where shown


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


def reading(text: str) -> str:
    """``text`` as a reader sees it, with nothing between its characters: see the module docstring."""
    text = _JSON_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text) if "\\u" in text else text
    return _UNSEEN_RE.sub("", unicodedata.normalize("NFKC", text))


def _strip_tags(text: str) -> str:
    """The text between tags, then the quoted attribute values (titles, alt texts, addresses),
    each set apart by ``|`` so that no quote runs from one into the next."""
    if "<" not in text:
        return text
    values = "|".join(a or b for a, b in _QUOTED_RE.findall(text))
    return _TAG_RE.sub("", text) + "|" + values


def reading_views(text: str) -> list[str]:
    """The readings of a text: of its markup once (a page), and once more (a feed holds escaped
    HTML), each also with %-escapes decoded (addresses); duplicates dropped."""
    views: list[str] = []
    current = text
    for _reading in range(2):
        current = html.unescape(_strip_tags(current))
        for view in (reading(current), reading(unquote(current)) if "%" in current else ""):
            if view and view not in views:
                views.append(view)
        if "<" not in current and "&" not in current:
            break  # nothing was escaped twice: a second reading would be the same
    return views


def passage(body: str) -> str | None:
    """A run of plain text from the body, long enough to be unique, as it will read in HTML."""
    found = passages(body, 1)
    return found[0] if found else None


def passages(body: str, most: int = PASSAGES) -> list[str]:
    """The middles of the longest plain runs of the body, :data:`PASSAGE` characters each."""
    runs = sorted(set(_PLAIN_RUN_RE.findall(body)), key=lambda run: (-len(run), run))
    found = []
    for run in runs[:most]:
        if len(run) < PASSAGE:
            break
        start = (len(run) - PASSAGE) // 2
        found.append(run[start : start + PASSAGE])
    return found


class LeakScanner:
    """Every trace of the unpublished items of a cluster, for one public target.

    With few traces each is searched for in each text (``str.find``, at C speed: about 0.5 ms for
    a 30 KB page and 100 traces). With many, a text's set of 4-character substrings is
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

    def __bool__(self) -> bool:
        return bool(self.traces)

    def all(self) -> list[Trace]:
        """Every trace searched for (what a record of this scan must name)."""
        return [trace for traces in self.traces.values() for trace in traces]

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

    def find(self, text: str) -> list[tuple[int, Trace]]:
        """(offset, trace) of the first place each item and kind of trace shows in ``text``."""
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
        return sorted(first.values(), key=lambda pair: (pair[0], pair[1].item, pair[1].what))

    def scan(self, text: str) -> list[tuple[int, Trace]]:
        """(line, trace) for every item and kind of trace found in ``text`` as written, at its first line."""
        hits = [(text.count("\n", 0, offset) + 1, trace) for offset, trace in self.find(text)]
        return sorted(hits, key=lambda pair: (pair[0], pair[1].item, pair[1].what))

    def locate(self, text: str) -> list[tuple[int | None, Trace]]:
        """Every line where a trace shows in ``text``, as written or as read; a quote that runs over
        several lines is placed at the line where it starts. ``None``: found, but not placed."""
        whole = self.scan_reading(text)
        if not whole:
            return []
        lines = text.split("\n")
        found: dict[tuple[int | None, str, str], Trace] = {}
        for number, line in enumerate(lines, 1):
            if line.strip():
                for _line, trace in self.scan_reading(line):
                    found.setdefault((number, trace.item, trace.what), trace)
        placed = {(item, what) for (_line, item, what) in found}
        readings = [reading(html.unescape(_strip_tags(line))) for line in lines]
        starts, total = [], 0
        for line_reading in readings:
            starts.append(total)
            total += len(line_reading)
        joined = "".join(readings)
        for line, trace in whole:
            if (trace.item, trace.what) in placed:
                continue
            offset = joined.find(trace.text)
            number = bisect.bisect_right(starts, offset) if offset >= 0 else line
            found.setdefault((number, trace.item, trace.what), trace)
        return sorted(((line, trace) for (line, _item, _what), trace in found.items()), key=lambda pair: (pair[0] or 0, pair[1].item, pair[1].what))

    def scan_reading(self, text: str) -> list[tuple[int | None, Trace]]:
        """Like :meth:`scan`, and also in the readings of ``text`` (:func:`reading_views`).

        A trace found only in a reading is placed at the first line whose own reading holds it,
        or at no line when it spans lines.
        """
        found: dict[tuple[str, str], tuple[int | None, Trace]] = {(t.item, t.what): (line, t) for line, t in self.scan(text)}
        lines: list[str] | None = None
        for view in reading_views(text):
            for _offset, trace in self.find(view):
                key = (trace.item, trace.what)
                if key in found:
                    continue
                if lines is None:
                    lines = [reading(html.unescape(_strip_tags(line))) for line in text.split("\n")]
                line = next((n for n, seen in enumerate(lines, 1) if trace.text in seen), None)
                found[key] = (line, trace)
        return sorted(found.values(), key=lambda pair: (pair[0] or 0, pair[1].item, pair[1].what))


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before and _WORD.match(before)) and not (after and _WORD.match(after))


def collect_traces(index: ContentIndex, cluster: Cluster, addresses: AddressMap, attachments: Attachments, use: AttachmentUse) -> list[Trace]:
    """The traces of every item the target does not publish, minus those that are not distinctive.

    A trace is left out only when it is not the unpublished item's own: a title or slug *equal* to
    a published item's (an internal version of a public notice may share its title), a passage that
    :data:`BOILERPLATE` published items hold, or part of a site's or column's name (shown on every
    page by the theme). A published page that merely contains an internal title — in a longer
    title, in a quote — is exactly what the gate is for.
    """
    published = [item for item in index.items if addresses.renders(item)]
    hidden = [item for item in index.items if not addresses.renders(item)]
    public_titles = {item.title for item in published}
    # slugs are pinyin of titles: items on one subject share their beginnings, so a slug that is
    # part of a published one is no trace (a title is, even inside a longer one)
    public_slugs = "\n".join(sorted({item.slug for item in published} | {f"{r}-{item.slug}" for item in published for r in item.syndicate}))
    structure: set[str] = set()
    for site in cluster.sites:
        structure |= {site.id, site.name, site.label, *(c.name for c in site.columns), *(c.id for c in site.columns)}
    structure_blob = "\n".join(sorted(structure))
    structure_reading = "\n".join(sorted(reading(name) for name in structure))
    public_text = "\n".join(item.body for item in published)
    public_words = public_text + "\n" + "\n".join(item.title for item in published)

    def common_title(title: str) -> bool:
        """A title made of digits and marks (2026), or a short one published texts use freely."""
        if not any(unicodedata.category(ch)[0] == "L" for ch in title):
            return True
        return len(title) < SHORT_TITLE and _shared(title, public_words, BOILERPLATE)

    traces: list[Trace] = []

    def add(value: str, source: str, what: str, why: str, minimum: int, bounded: bool = False, exempt: set[str] | str = "") -> None:
        if len(value) < minimum or value in exempt or value in structure_blob:
            return
        traces.extend(Trace(spelling, source, what, value, bounded, why) for spelling in _spellings(value))
        if bounded:
            return
        read = reading(value)
        if len(read) >= minimum and read not in structure_reading:
            traces.append(Trace(read, source, what, value, False, why))
            if what == "title":  # written backwards behind a direction override, it still reads as the title
                traces.append(Trace(read[::-1], source, what, value, False, why))

    for item in hidden:
        why = N_("a draft, which no target publishes") if item.is_draft else N_("an internal item, which only the intranet may show")
        if not common_title(item.title) and item.title not in public_slugs:  # a slug is shown in addresses
            add(item.title, item.source, "title", why, MIN_DRAFT_TITLE if item.is_draft else MIN_TITLE, exempt=public_titles)
        add(item.slug, item.source, "slug", why, MIN_SLUG, bounded=True, exempt=public_slugs)
        for receiver in item.syndicate:
            add(f"{receiver}-{item.slug}", item.source, "slug", why, MIN_SLUG, bounded=True, exempt=public_slugs)
        for text in passages(item.body):
            if not _shared(text, public_text, BOILERPLATE):
                add(text, item.source, "text", why, PASSAGE)
    public_files = {name.path.rsplit("/", 1)[-1] for name in use.published}
    for name in attachments.names_of(use.withheld):
        file_name = name.path.rsplit("/", 1)[-1]
        if file_name not in public_files:
            add(file_name, attachments.names[name].source, "attachment", N_("a file only unpublished items link"), MIN_FILE_NAME, bounded=True)
    return traces


def _shared(text: str, corpus: str, times: int) -> bool:
    """Whether ``text`` occurs at least ``times`` times in ``corpus``."""
    start = 0
    for _time in range(times):
        start = corpus.find(text, start)
        if start < 0:
            return False
        start += 1
    return True


#: What a leak message says, by the kind of trace: one whole sentence each (a translation may order it).
_SHOWS = {
    "title": N_("shows the title '{shown}' of {item}, {why}"),
    "slug": N_("shows the slug '{shown}' of {item}, {why}"),
    "attachment": N_("shows the attachment '{shown}' of {item}, {why}"),
    "text": N_("shows the text '{shown}' of {item}, {why}"),
}


def _message(trace: Trace) -> str:
    return _(_SHOWS[trace.what]).format(shown=trace.shown, item=trace.item, why=_(trace.why))


def check_source_leaks(
    index: ContentIndex,
    addresses: AddressMap,
    scanner: LeakScanner,
    site_ids: list[str],
    problems: Problems,
    rendered: Callable[[Item], str | None] = lambda item: None,
    more: Iterable[tuple[str, int | None, str]] = (),
) -> None:
    """Before rendering: nothing the target publishes quotes an unpublished item (at the author's line).

    Each published item's header values and text are searched as written and, where its text holds
    markup, as the sanitised page will show it (``rendered``: a hidden ``<rp>`` taken out, say);
    ``more`` adds other published text, as (file, first line, text): annual reports, site files.
    Every line with a quote is an error of its own, so the author fixes them all in one go.
    """
    if not scanner:
        return
    for item in index.items:
        if not addresses.renders(item) or not (item.site in site_ids or set(item.syndicate) & set(site_ids)):
            continue
        texts = [(item.meta[key], item.line_of(key)) for key in SHOWN_HEADER_KEYS if item.meta.get(key)]
        texts += [(unquote(alias), item.line_of("Aliases")) for alias in item.aliases]
        texts.append((item.body, item.body_line))
        seen: set[tuple[str, str]] = set()
        for text, first in texts:
            for line, trace in scanner.locate(text):
                if trace.item != item.source:
                    seen.add((trace.item, trace.what))
                    problems.add(item.source, (first or 1) + (line - 1 if line else 0), "leak", _("{leak}; reword it").format(leak=_message(trace)))
        page = rendered(item)
        if page:
            for _line, trace in scanner.scan_reading(page):
                if trace.item != item.source and (trace.item, trace.what) not in seen:
                    problems.add(item.source, item.body_line, "leak", _("{leak} (as the page shows the text); reword it").format(leak=_message(trace)))
    for source, first, text in more:
        for line, trace in scanner.locate(text):
            problems.add(source, (first or 1) + (line - 1 if line else 0) if first else None, "leak", _("{leak}; reword it").format(leak=_message(trace)))


def check_output_leaks(
    built: dict[str, Path],
    final: Path,
    root: Path,
    scanner: LeakScanner,
    use: AttachmentUse,
    target: str,
    problems: Problems,
    passed: dict[str, dict[str, tuple[str, int]]] | None = None,
    digests: FileDigests | None = None,
) -> None:
    """After rendering: every file of every site built, whatever its suffix, shows no trace, and
    ``files/`` holds only the attachments published items link. The search bundle (``pagefind/``)
    is read decompressed: its fragments hold each page's text and metadata, its index the words.

    ``passed``: per site, the files (path → SHA-256 and size) that already passed the gate with
    the same traces and code at the same path (``leak_passes.py``, the cache folder's record): a
    file with those very bytes now is not searched again — an unchanged page taken over from the
    last build (``render/page_reuse.py``).
    Its bytes are hashed all the same (or their digest taken from ``digests``, while the file is
    unchanged since it was hashed), so a file edited after it was checked is searched; and the
    ``files/`` rule, which depends on what this build's items link, applies to every file."""
    digests = digests if digests is not None else FileDigests()  # for this call only, without a cache
    for site_id, folder in sorted(built.items()):
        published = set(use.publishable(site_id))
        before = (passed or {}).get(site_id, {})
        base = str(folder)
        for rel, is_link in _files_of(base):
            if rel.startswith("files/") and rel not in published:
                message = _("content/{site}/{path} is not linked by any item the {target} target publishes, but was copied into its output").format(site=site_id, path=rel, target=target)
                problems.add(_shown(final, site_id, rel, root), None, "leak", message)
                continue
            path = os.path.join(base, rel)
            if not scanner or is_link or _vendored_copy(root, rel, Path(path)):
                continue
            data = None
            if rel in before and not rel.startswith(_VENDORED_PREFIX):
                data, passed_before = _passed_before(path, before[rel], digests)
                if passed_before:
                    continue
            shown = _shown(final, site_id, rel, root)
            for _line, trace in scanner.scan_reading(rel):  # an address is read by everyone who sees it
                problems.add(shown, None, "leak", _("its address {leak}").format(leak=_message(trace)))
            if data is None:
                data, _digest = digests.read(path)  # remembered: the manifest lists this file's digest next
            # the search bundle's fragments, index, meta and filter files are compressed: read
            # what they hold (the pages' text, words, metadata and filter values) as a reader would
            text = readable_text(rel, data) if rel.startswith("pagefind/") else None
            if text is None:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            if text is None or "\x00" in text:
                hits = [(None, trace) for trace in _binary_hits(data, scanner)]
            else:
                hits = scanner.scan_reading(text)
            for line, trace in hits:
                problems.add(shown, line, "leak", _message(trace))
            if not rel.startswith("pagefind/") and is_compressed(data):
                _check_compressed(rel, data, shown, scanner, problems)


def _shown(final: Path, site_id: str, rel: str, root: Path) -> str:
    """Where a problem of a site's file is reported (only made for a problem: it resolves the path)."""
    return shown_path(final / site_id / rel, root)


def _files_of(folder: str) -> list[tuple[str, bool]]:
    """(path, whether it is a symbolic link) of every regular file and symbolic link in ``folder``
    and its subfolders (not followed into a linked folder), in the order of their paths' parts."""
    if not os.path.isdir(folder):
        return []
    found = [(rel, entry.is_symlink()) for rel, entry in walk_tree(folder, strict=True) if entry.is_symlink() or entry.is_file(follow_symlinks=False)]
    return sorted(found, key=lambda pair: pair[0].split("/"))


def _passed_before(path: str, recorded: tuple[str, int], digests: FileDigests) -> tuple[bytes | None, bool]:
    """(the file's bytes if they had to be read, whether they are the ``recorded`` (SHA-256, size)
    of a file that passed the gate) — never for a compressed file, whose check may warn."""
    sha256, size = recorded
    known = digests.known(path)
    data = None
    if known is None:
        data, known = digests.read(path)  # remembered: the manifest lists this file's digest next
    return data, (known.sha256, known.size) == (sha256, size) and not is_compressed(known.head)


def _check_compressed(rel: str, data: bytes, shown: str, scanner: LeakScanner, problems: Problems) -> None:
    """A zip (an office document, an archive) or gzip file read decompressed, member by member: its
    text as a reader sees it (a Word document's runs and tags dropped), its binary members by bytes."""
    unpacked = unpack(rel, data)
    for member, content in unpacked.members:
        try:
            text: str | None = content.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        found = [trace for _line, trace in scanner.scan_reading(text)] if text is not None and "\x00" not in text else _binary_hits(content, scanner)
        seen: set[tuple[str, str]] = set()
        for trace in found:
            if (trace.item, trace.what) not in seen:
                seen.add((trace.item, trace.what))
                problems.add(shown, None, "leak", _("{member}: {leak}").format(member=member, leak=_message(trace)))
    if unpacked.unread:
        problems.warn(shown, None, "leak-unread", _("{member} was not searched for internal text (encrypted, damaged, or beyond {mib} MiB decompressed); check it by hand before it is published").format(
            member=unpacked.unread[0] if len(unpacked.unread) == 1 else _("{first} and {count} more").format(first=unpacked.unread[0], count=len(unpacked.unread) - 1), mib=MAX_BYTES // 1024**2))


#: Where the shared theme's third-party files are published (:func:`_vendored_copy`).
_VENDORED_PREFIX = f"theme/{VENDORED_FOLDER}/"


def _vendored_copy(root: Path, rel: str, path: Path) -> bool:
    """Whether ``rel`` is a third-party file of the shared theme published byte for byte (the Mongolian
    font and its licence, ``themes/gov/static-vertical/fonts/``). A licence is English legal text:
    an internal item's slug such as ``notice`` or ``software`` is in it, and no content can reach a
    file that is still identical to the vendored one. Any other file, or a changed copy, is scanned."""
    if not rel.startswith(_VENDORED_PREFIX):
        return False
    vendored = root / "themes" / "gov" / VERTICAL_STATIC / VENDORED_FOLDER / rel[len(_VENDORED_PREFIX) :]
    try:
        return vendored.is_file() and not vendored.is_symlink() and vendored.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _binary_hits(data: bytes, scanner: LeakScanner) -> list[Trace]:
    """Traces whose UTF-8, GB18030 or UTF-16 bytes occur in a binary file (a document, an archive)."""
    found: dict[tuple[str, str], Trace] = {}
    for text, traces in scanner.traces.items():
        for encoding in ("utf-8", "gb18030", "utf-16-le", "utf-16-be"):
            try:
                needle = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            if needle in data:
                for trace in traces:
                    found.setdefault((trace.item, trace.what), trace)
                break
    return sorted(found.values(), key=lambda t: (t.item, t.what))
