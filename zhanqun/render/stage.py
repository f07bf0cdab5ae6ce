"""Stage 4: what Pelican lays out for one site and one target, in memory and a scratch folder.

Pelican is given exactly what the target publishes — no drafts, no internal items outside the
intranet target, syndicated copies from other sites, only the attachments published items link —
and each item already finished: its links resolved for the target (``links/resolve.py``), its Markdown
rendered (``content/markdown_render.py``) and the result sanitised (``content/sanitize.py``). Each item is one
staged text (JSON: header values and HTML) under a ``.zq`` path of the scratch folder, handed to
the rendering process in memory, which ``pelican_plugin.StagedItemReader`` reads as it is, so
Pelican never parses Markdown, never resolves or copies a ``{static}`` link, and never sees a
review name (Reviewed-By, Approved-By are dropped here). The scratch folder holds the published
attachments (links made through ``paths.py``) and mirrors ``content/<site>/``, so Pelican's
messages name the paths authors use.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.index import Item
from ..content.markdown_render import MarkdownRenderer, MarkdownTooDeep
from ..content.render_cache import entry_key
from ..content.metadata import split_list
from ..content.sanitize import Policy, clean
from ..errors import Problems
from ..links.addresses import AddressMap
from ..links.resolve import LinkResolver
from ..parallel import fork_map, forget_in_child
from ..paths import make_folder, symlink, write_text
from .attachment_use import AttachmentUse
from .pelican_utils import pelican_utils

#: Header keys never handed to Pelican: they must not appear in any output.
PRIVATE_KEYS = ("Reviewed-By", "Approved-By", "Status", "Visibility", "Syndicate", "Slug", "Translation-Of")
#: The suffix of staged items; the only files Pelican reads as content.
STAGED_SUFFIX = ".zq"
#: Words of an item's own text kept as its summary when it has no ``Summary:`` (Pelican's rule).
SUMMARY_WORDS = 60
SUMMARY_END = "…"


@dataclass
class StagedSite:
    """What was staged for one site: the folder, and staged path → repository source path."""

    site: str
    folder: Path
    sources: dict[str, str] = field(default_factory=dict)  # "zwdt/a.md.zq" → "content/x/zwdt/a.md"
    article_paths: list[str] = field(default_factory=list)
    static_paths: list[str] = field(default_factory=list)  # attachments to publish, one file each
    texts: dict[str, str] = field(default_factory=dict)  # staged path → the staged file's text
    attachments: dict[str, Path] = field(default_factory=dict)  # "files/a.pdf" → the published file


def pelican_key(key: str) -> str:
    """``Index-No`` → ``index_no``: template-friendly attribute names."""
    return key.lower().replace("-", "_")


@dataclass
class Stager:
    """Turns items into staged files for one target: one renderer, one sanitiser, one resolver."""

    addresses: AddressMap
    resolver: LinkResolver
    renderer: MarkdownRenderer
    letters: dict[str, str]  # letter item source → its escaped HTML (letters.py)
    problems: Problems
    #: Staged files :meth:`prefill` found kept, by item and added header values (``_planned_key``).
    _found: dict[tuple[str, tuple[tuple[str, str], ...]], str] = field(default_factory=dict)
    made: int = 0  # staged files made in this build (not taken from the render cache)

    def _inputs(self, item: Item) -> tuple[str, str | None, str | None, list[str], int, str]:
        """What the finished HTML of ``item`` is a function of (body and summary with their links
        resolved, a letter's HTML, the iframe hosts, the summary rule): the render cache's key."""
        body, meta = self.resolver.rewritten(item, self.problems)
        hosts = self.addresses.cluster[item.site].publishing.iframe_hosts
        settings = self.addresses.cluster[item.site].pelican.settings
        words, end = settings.get("SUMMARY_MAX_LENGTH", SUMMARY_WORDS), settings.get("SUMMARY_END_SUFFIX", SUMMARY_END)
        return body, meta.get("Summary"), self.letters.get(item.source), sorted(hosts), words, end

    def finished(self, inputs: tuple[str, str | None, str | None, list[str], int, str], key: str | None = None) -> list[str]:
        """The sanitised HTML and summary for ``inputs`` (:meth:`_inputs`; ``key``: their cache key,
        if known), computed when not cached."""
        body, summary, letter, hosts, words, end = inputs
        compute = lambda: list(self._finished(body, summary, letter, Policy.of(hosts), words, end))  # noqa: E731
        return self.renderer.cache.get_keyed(key or entry_key(FINISHED, *inputs), compute, _is_finished)  # type: ignore[return-value]

    def _file_inputs(self, item: Item, extra: dict[str, str]) -> tuple[object, ...] | None:
        """What a staged file is a function of, as a key of the render cache: the item in its world
        (``links/link_memo.py``: its text, every address it may link, the site files with their
        summary rule and iframe hosts, the target), the values ``extra`` adds, a letter's HTML.
        ``None`` where no cache is kept between builds."""
        memo = self.resolver.memo
        if memo is None:
            return None
        letter = self.letters.get(item.source)
        added = "\0".join(f"{key}\0{value}" for key, value in sorted(extra.items()))  # str → str: exact
        return (memo.key_of(item), hashlib.sha256(added.encode("utf-8", "surrogatepass")).hexdigest(), letter)

    def _kept_file(self, inputs: tuple[object, ...] | None) -> str | None:
        """A staged file kept by an earlier build for ``inputs``; its finished HTML is kept with it
        (a later build whose world changed finds the text there instead of converting it again)."""
        if inputs is None:
            return None
        value = self.renderer.cache.find(STAGED_FILE, inputs)
        if value is None:
            return None
        if not _is_finished(value):  # [text, key of the finished HTML]: the same shape
            self.renderer.cache.wrong += 1  # staged again, and replaced (a warning: RenderCache.report_wrong)
            return None
        text, finished_key = value
        self.renderer.cache.keep(finished_key)
        return text

    def prefill(self, planned: list[tuple[Item, dict[str, str]]], workers: int) -> None:
        """Compute the finished HTML of every planned staged file (``planned_files``) that the
        render cache lacks, in ``workers`` processes at once (a cold build converts thousands of
        texts: Markdown, sanitiser and summary are pure functions of their inputs, so forked
        copies of this stager compute exactly what :meth:`item_file` would, one after another).
        """
        missing: dict[str, tuple[str, str | None, str | None, list[str], int, str]] = {}
        for item, extra in planned:
            kept = self._kept_file(self._file_inputs(item, extra))
            if kept is not None:  # item_file takes it from here, not looking it up twice
                self._found[_planned_key(item, extra)] = kept
                continue
            inputs = self._inputs(item)
            key = entry_key(FINISHED, *inputs)
            if key not in self.renderer.cache.entries:
                missing[key] = inputs
        global _PREFILLING
        _PREFILLING = self
        try:
            values = fork_map(_finish_in_child, list(missing.values()), workers, PARALLEL_AT_LEAST)
        finally:
            _PREFILLING = None
        if values is None:
            return  # not worth a process, or a worker died: item_file computes them
        for key, value in zip(missing, values):
            if value is not None:
                self.renderer.cache.entries[key] = value
                self.renderer.cache.added += 1

    def item_file(self, item: Item, extra: dict[str, str]) -> str:
        """The staged file of ``item`` (its own page or a syndicated copy): JSON, header and HTML.

        Kept in the render cache when making it found no problem, so that a build after one edit
        stages the edited item only (the key covers everything the file is made of)."""
        kept = self._found.get(_planned_key(item, extra))
        if kept is not None:
            return kept
        inputs = self._file_inputs(item, extra)
        kept = self._kept_file(inputs)
        if kept is not None:
            return kept
        found = Problems()
        self.made += 1
        text, finished_key = self._item_file(item, extra, found)
        self.problems.extend(found)
        if inputs is not None and not len(found):
            self.renderer.cache.store(STAGED_FILE, inputs, [text, finished_key])
        return text

    def _item_file(self, item: Item, extra: dict[str, str], problems: Problems) -> tuple[str, str]:
        """The staged file of ``item``, and the cache key of its finished HTML."""
        body, meta = self.resolver.rewritten(item, problems)
        metadata: dict[str, Any] = {pelican_key(k): v for k, v in meta.items() if k not in PRIVATE_KEYS and v != ""}
        if "Tags" in meta:
            metadata["tags"] = split_list(meta["Tags"])
        letter = self.letters.get(item.source)
        inputs = self._inputs(item)
        finished_key = entry_key(FINISHED, *inputs)
        try:
            # everything below is a function of these inputs alone: kept in the render cache, so
            # an unchanged (or syndicated) text is converted, sanitised and cut once
            content, summary = self.finished(inputs, finished_key)
            metadata["summary"] = summary if letter is None or "Summary" in meta else _letter_summary(item)
        except MarkdownTooDeep as exc:  # found by the content check already; never a traceback here
            problems.add(item.source, item.body_line, "too-deep", str(exc))
            content = ""
        metadata.update(extra)
        return json.dumps({"metadata": metadata, "content": content}, ensure_ascii=False, sort_keys=True, indent=0), finished_key

    def _finished(self, body: str, summary: str | None, letter: str | None, policy: Policy, words: int, end: str) -> tuple[str, str]:
        """The sanitised HTML of an item and of its summary (the ``Summary:`` given, else its opening words)."""
        content = clean(letter, policy) if letter is not None else clean(self.renderer.html(body), policy)
        if summary is not None:
            return content, clean(self.renderer.html(summary), policy)
        if letter is not None:
            return content, ""  # a letter's summary is its dates and status (_letter_summary)
        return content, clean(summary_of(content, words, end), policy)


#: Kinds of render cache entries: an item's finished HTML and summary, and a whole staged file.
FINISHED = "staged"
STAGED_FILE = "staged-file"
#: Below this many texts to convert, forking workers costs more than it saves (``parallel.py``).
PARALLEL_AT_LEAST = 200
#: The stager whose texts forked workers finish (set only while :meth:`Stager.prefill` runs).
_PREFILLING: Stager | None = None


def _planned_key(item: Item, extra: dict[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A planned staged file within one build: its item and the values added to its header (the
    same pair is the same staged file)."""
    return item.source, tuple(sorted(extra.items()))


def _is_finished(value: object) -> bool:
    """The shape of a finished text: its HTML and its summary's."""
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _finish_in_child(inputs: tuple[str, str | None, str | None, list[str], int, str]) -> list[str] | None:
    """In a forked worker: the finished HTML for ``inputs``; ``None`` where it fails (the build
    computes it again in order, and reports the problem where it belongs)."""
    assert _PREFILLING is not None
    try:
        return _PREFILLING.finished(inputs)
    except Exception:
        return None
    finally:
        forget_in_child(_PREFILLING.renderer.cache)


def summary_of(content: str, words: int = SUMMARY_WORDS, end: str = SUMMARY_END) -> str:
    """The opening words of an item's HTML, as Pelican would cut them (tags kept balanced)."""
    utils = pelican_utils()  # Pelican's, without importing Pelican (``pelican_utils.py``)
    return utils.strip_toc_elements_from_html(utils.truncate_html_words(content, words, end))


def _letter_summary(item: Item) -> str:
    """A letter's summary is its dates and status, never the public's own words."""
    received = item.meta.get("Received", "")
    status = f"已答复，答复部门：{item.meta.get('Replier', '')}" if item.meta.get("Replied") else "正在办理"
    return html.escape(f"受理日期：{received}；{status}")


def planned_files(site_id: str, addresses: AddressMap) -> list[tuple[str, Item, dict[str, str]]]:
    """The staged files of ``site_id``: (staged path, item, the values added to its header) for
    each item it renders, then for each copy it receives."""
    planned = []
    for item in addresses.items_of(site_id):
        extra = {
            "category": item.column,  # the column is the top folder, also for items in sub-folders
            "slug": item.slug,
            "status": "hidden" if item.status == "hidden" else "published",
            "zq_source": item.source,
            "zq_visibility": item.visibility,
        }
        planned.append((item.rel + STAGED_SUFFIX, item, extra))
    for item in addresses.received_by(site_id):  # a receiver lacking the column: addresses.check_syndication
        extra = {
            "category": item.column,
            "slug": f"{item.site}-{item.slug}",
            "status": "hidden" if item.status == "hidden" else "published",
            "zq_source": item.source,
            "zq_visibility": item.visibility,
            "zq_origin_site": item.site,
            "zq_canonical": addresses.item_url(item),
        }
        planned.append((f"{item.column}/_from-{item.site}-{item.rel.replace('/', '-')}{STAGED_SUFFIX}", item, extra))
    return planned


def stage_site(site_id: str, stager: Stager, use: AttachmentUse, root: Path, folder: Path, planned: list[tuple[str, Item, dict[str, str]]] | None = None) -> StagedSite:
    """What ``site_id`` gives Pelican for the stager's target, not yet written (:func:`write_staged`).

    Planned in memory first (``planned``: :func:`planned_files`, made here when not given), so
    that a site whose staged files are the same as at its last build (``publish/incremental.py``)
    costs no writes at all.
    """
    staged = StagedSite(site_id, folder)
    for rel, item, extra in planned if planned is not None else planned_files(site_id, stager.addresses):
        staged.texts[rel] = stager.item_file(item, extra)  # a copy has the same text as the original's
        staged.sources[rel] = item.source
        staged.article_paths.append(rel)
    _stage_attachments(root, site_id, use, folder, staged)
    return staged


def _stage_attachments(root: Path, site_id: str, use: AttachmentUse, folder: Path, staged: StagedSite) -> None:
    """List each published attachment: only the names that items of this target link (``attachment_use.py``)."""
    source = root / "content" / site_id
    for rel in use.publishable(site_id):
        staged.attachments[rel] = (source / rel).resolve()
        staged.static_paths.append(rel)


def write_staged(staged: StagedSite, texts: bool = True) -> None:
    """Write the staged items (``texts``; the rendering process hands them to Pelican in memory
    instead) and link each published attachment into the staged folder.

    Only the attachments that items of this target link are linked (see ``attachment_use.py``), so
    neither ``STATIC_PATHS`` nor anything else can publish another file.
    """
    make_folder(staged.folder)
    for rel, text in staged.texts.items() if texts else ():
        write_text(staged.folder, rel, text)
    for rel, target in staged.attachments.items():
        symlink(staged.folder, rel, target)
