"""The build, stage by stage: site files → content index → address map and links → staged sources
→ per-site Pelican runs → output checks → output swap.

Each stage reads the :class:`BuildContext` and adds to it; problems are collected across stages
and the build stops before the output swap if any stage found an error. ``check`` runs the same
stages up to (not including) rendering, for every target.
"""

from __future__ import annotations

import os
import re
import time
from functools import partial
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .columns.features import Features, analyse
from .config.shards import parse_shard, shard_of, site_weight
from .config.sites import Cluster, check_theme_assets, key_line, load_cluster, site_file_ids
from .config.themes import check_themes
from .content.attachments import Attachments, read_attachments
from .content.html_policy import holds_markup
from .content.index import ContentIndex, Item, index_content
from .content.item_cache import ItemCache
from .content.markdown_render import MarkdownRenderer, MarkdownTooDeep
from .content.render_cache import CACHE_FOLDER, RenderCache
from .content.review import check_review
from .content.sanitize import Policy, clean
from .errors import BuildFailed, Problems, describe_os_error, did_you_mean, shown_path
from . import gc_pause
from .i18n import N_, _
from .links.addresses import DEFAULT_PREVIEW_BASE, TARGETS, AddressMap, Target, check_syndication
from .links.link_check import LinkReport, check_output, read_ahead
from .links.link_extracts import LinkExtracts
from .links.output_digests import FileDigests
from .links.link_report import save_link_report
from .links.redirects import Redirect, RedirectPages, plan_redirects
from .links.resolve import LinkResolver, check_link_columns
from .paths import OUTPUT_MARKER, UnsafePath, check_output_folder, mark_output_folder
from .progress import Progress
from .publish.build_record import Previous, Snapshot
from .publish.build_record import check as check_previous_build
from .publish.build_record import record as record_build
from .publish.git_head import head_commit
from .publish.incremental import (
    SiteInputs,
    StatCache,
    keep_unchanged_files,
    leak_checked,
    note_leak_check,
    page_base,
    previous_files,
    previous_pages,
    record_inputs,
    site_inputs,
    traces_digest,
    unchanged,
)
from .publish.combined_output import NotAnOutput, check_site_outputs
from .publish.combined_output import check_output_folder as check_combined_folder
from .publish.manifest import SiteManifest, build_manifest, note_commit, read_manifest, write_manifest
from .publish.leak_passes import LeakPasses
from .publish.leak_gate import (
    LeakScanner,
    check_output_leaks,
    check_source_leaks,
    collect_traces,
)
from .publish.output import Interrupted, OutputSwap, interrupt_guard
from .publish.pagefind import Pagefind, PagefindUnusable
from .publish.pagefind import find as find_pagefind
from .publish.search import BUNDLE, SearchBundle
from .publish.preview_index import write_preview_index
from .render.attachment_use import AttachmentUse, attachment_use
from .render.pelican_settings import (
    check_site_settings,
    pelican_settings,
)
from .render.page_reuse import PreviousPages
from .render.processes import RenderJob, RenderPool, RenderResult, SiteStep, warm_up
from .render.stage import StagedSite, Stager, planned_files, stage_site


@dataclass
class BuildOptions:
    root: Path
    target: str = "preview"
    sites: list[str] = field(default_factory=list)  # empty: all
    out: Path | None = None
    jobs: int = 0  # 0: one per CPU
    today: date | None = None  # letters' overdue check; from SOURCE_DATE_EPOCH when unset
    base_url: str | None = None  # preview only: scheme and host feeds and sitemaps name (default DEFAULT_PREVIEW_BASE)
    cache: bool = True  # False (``--no-cache``): no render cache read or written, every selected site rendered
    shard: str | None = None  # "I/N": build only share I of N of the selected sites (config/shards.py)

    @property
    def output(self) -> Path:
        return self.out if self.out else self.root / "output" / self.target

    def resolved_today(self) -> date:
        if self.today:
            return self.today
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch and not epoch.isdigit():  # set but unreadable: a reproducible build must not fall back to the clock
            raise UsageError(_("SOURCE_DATE_EPOCH={epoch} is not a number of seconds since 1970 (e.g. 1767225600)").format(epoch=epoch))
        if epoch:
            try:
                return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
            except (OverflowError, OSError, ValueError):
                raise UsageError(_("SOURCE_DATE_EPOCH={epoch} is not a time a calendar has (seconds since 1970, e.g. 1767225600)").format(epoch=epoch)) from None
        return date.today()


@dataclass
class BuildContext:
    """Everything a stage may read; stages add their results here (no module-global state)."""

    options: BuildOptions
    problems: Problems
    target: Target
    cluster: Cluster = Cluster(())
    index: ContentIndex = field(default_factory=ContentIndex)
    attachments: Attachments = field(default_factory=Attachments)
    renderer: MarkdownRenderer = field(default_factory=MarkdownRenderer)
    addresses: AddressMap | None = None
    resolver: LinkResolver | None = None
    attachment_use: AttachmentUse | None = None  # which attachments the target publishes
    leak_scanner: LeakScanner | None = None  # traces of what the target must not publish
    features: Features | None = None  # column types' checks and cross-site data (features.py)
    site_ids: list[str] = field(default_factory=list)
    staged: dict[str, StagedSite] = field(default_factory=dict)
    results: list[RenderResult] = field(default_factory=list)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # site id → its Pelican settings
    inputs: dict[str, SiteInputs] = field(default_factory=dict)  # site id → the fingerprint of its inputs
    rebuilt: list[str] = field(default_factory=list)  # the selected sites rendered in this build
    unchanged: list[str] = field(default_factory=list)  # the selected sites whose output stays as it is
    manifests: dict[str, SiteManifest] = field(default_factory=dict)  # site id → the manifest of its new output
    link_extracts: LinkExtracts | None = None  # links found in pages by earlier builds (none: --no-cache, check)
    output_digests: FileDigests | None = None  # the output checks' digests of the files they read
    caches_saved: bool = False  # the caches of rendered text and read items (save_caches)
    leak_passes: LeakPasses | None = None  # the files that passed the leak gate in earlier builds (leak_passes.py)
    leak_searched: list[str] = field(default_factory=list)  # the sites whose output the gate searched in this build
    stats: StatCache = field(default_factory=lambda: StatCache(None))  # what verifies an unchanged output by stat
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # what was done anew, not taken from a cache (BuildReport.counts)
    output_dir: Path | None = None  # where the rendered sites are, before the swap
    redirects: dict[str, list[Redirect]] = field(default_factory=dict)  # site id → its alias pages
    link_report: LinkReport | None = None
    pagefind: Pagefind | None = None  # the checked search indexer (find_search_indexer)
    items: ItemCache | None = None  # read items of unchanged sources (build only; content/item_cache.py)

    @property
    def root(self) -> Path:
        return self.options.root


Stage = Callable[[BuildContext], None]


@dataclass
class BuildReport:
    problems: Problems
    target: str
    site_ids: list[str]
    pages: int = 0
    reused: int = 0  # item pages of rebuilt sites taken from the previous output (render/page_reuse.py)
    nothing_changed: bool = False  # stopped by the cluster-wide shortcut (publish/build_record.py)
    unchanged: list[str] = field(default_factory=list)  # sites left as they were (publish/incremental.py)
    timings: dict[str, float] = field(default_factory=dict)
    output: Path | None = None
    notes: list[str] = field(default_factory=list)  # one-line reports (links) for the summary
    counts: dict[str, int] = field(default_factory=dict)  # what was done anew, not taken from a cache (-v)

    @property
    def ok(self) -> bool:
        return not self.problems.has_errors()


class UsageError(Exception):
    """A command-line mistake (unknown site, unknown target): exit status 2."""


def _timed(context: BuildContext, name: str, stage: Stage) -> None:
    started = time.perf_counter()
    stage(context)
    context.timings[name] = context.timings.get(name, 0.0) + time.perf_counter() - started


def _stop_on_errors(context: BuildContext) -> None:
    if context.problems.has_errors():
        raise BuildFailed(context.problems)


# --- stages ---------------------------------------------------------------------------------


def read_sites(context: BuildContext) -> None:
    context.cluster = load_cluster(context.root, context.problems)
    for site in context.cluster.sites:
        check_site_settings(context.root, site, context.problems)
    _stop_on_errors(context)  # columns, addresses and settings come from the site files
    # nothing before rendering reads the themes: their mistakes are listed with the content's
    check_themes(context.root, context.cluster, context.problems)
    for site in context.cluster.sites:
        theme = {"logo": site.theme.logo, "banner": site.theme.banner}
        check_theme_assets(theme, context.root, site.id, site.source, partial(key_line, context.root, site, "theme"), context.problems)
    context.site_ids = site_ids_named(context.cluster, context.options.sites)
    if context.options.shard:
        try:
            shard, shards = parse_shard(context.options.shard)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        weights = {site_id: site_weight(context.root, site_id) for site_id in context.site_ids}
        context.site_ids = shard_of(context.site_ids, weights, shard, shards)


def site_ids_named(cluster: Cluster, names: list[str]) -> list[str]:
    """The ids of the sites ``--site`` names, in cluster order (all when none is named).

    A site is named by its id or its Chinese name or short name (突泉县), as ``new`` and
    ``columns`` take it; a name no site has is a usage error with the nearest one and the list.
    """
    unknown = [name for name in names if cluster.named(name) is None]
    if unknown:
        raise UsageError("; ".join(cluster.unknown_site(name) for name in unknown) + _(" (sites: {sites})").format(sites=cluster.listing()))
    wanted = {cluster.named(name) for name in names}
    return [site_id for site_id in cluster.ids if not names or site_id in wanted]


def read_content(context: BuildContext) -> None:
    items = context.items
    reader, prefill = (items.read, items.prefill) if items else (None, None)
    context.index = index_content(context.root, context.cluster, context.problems, context.renderer, reader, prefill, known=items)
    context.counts["files"] = len(context.index.items) + len(context.index.unreadable)
    context.counts["read"] = items.added if items else context.counts["files"]
    context.attachments = read_attachments(context.root, context.cluster, context.problems)
    check_review(context.index, context.cluster, context.problems)


def map_addresses(context: BuildContext) -> None:
    base = (context.options.base_url or DEFAULT_PREVIEW_BASE).rstrip("/")
    context.addresses = AddressMap(context.cluster, context.index, context.target, base)
    context.resolver = LinkResolver(context.root, context.addresses, context.attachments, context.renderer.cache)
    check_syndication(context.addresses, context.problems)
    context.redirects = plan_redirects(context.addresses, context.problems)
    check_link_columns(context.resolver, context.problems)
    context.attachment_use = attachment_use(context.attachments, context.index, context.resolver, context.problems)
    context.leak_scanner = LeakScanner(collect_traces(context.index, context.cluster, context.addresses, context.attachments, context.attachment_use))


def analyse_features(context: BuildContext) -> None:
    assert context.addresses and context.resolver
    context.features = analyse(
        context.root, context.addresses, context.resolver, context.options.resolved_today(), context.problems
    )


def _stager(context: BuildContext) -> tuple[Stager, dict[str, list[tuple[str, Item, dict[str, str]]]]]:
    """The stager of this build, and the staged files each selected site plans (``render/stage.py``)."""
    assert context.addresses and context.resolver and context.attachment_use
    if any(item.broken for item in context.index.items):  # a file with errors is never rendered
        raise BuildFailed(context.problems)
    letters = {source: letter.html() for source, letter in context.features.letters.items()} if context.features else {}
    stager = Stager(context.addresses, context.resolver, context.renderer, letters, context.problems)
    return stager, {site_id: planned_files(site_id, context.addresses) for site_id in context.site_ids}


def plan_site(context: BuildContext, site_id: str, site_folder: Path, theme_folders: dict[Path, dict[str, str]]) -> bool:
    """Whether a staged site must be rendered: its inputs changed since the output's last build,
    or its output is missing or was altered (``publish/incremental.py``). A site left unchanged
    is not rendered, not swapped. ``theme_folders``: each theme folder hashed once per build."""
    assert context.addresses and context.resolver
    site = context.cluster[site_id]
    staged = context.staged[site_id]
    settings = pelican_settings(context.root, site, context.addresses, staged, site_folder, context.resolver.link_column_url)
    if context.features:
        settings.update(context.features.settings_for(site_id))
    context.settings[site_id] = settings
    indexer = context.pagefind.version if context.pagefind else ""
    inputs = site_inputs(context.root, site_id, bool(site.pelican.plugins), staged, settings, context.redirects.get(site_id, []), indexer, theme_folders)
    context.inputs[site_id] = inputs
    return not (context.options.cache and unchanged(context.options.output / site_id, inputs, context.stats))


def stage_and_render(
    context: BuildContext, workdir: Callable[[str], Path], site_folder: Callable[[str], Path], progress: Progress | None, meanwhile: Callable[[], None] = lambda: None
) -> None:
    """Stage, plan and render the selected sites, site by site: a site goes to a rendering process
    as soon as it is staged and known to need rendering, while this process stages and plans the
    next. The sites that hold or receive an item resolved anew in this build (after one edit, the
    edited item's) go first, each group longest first, so after one edit that site renders while
    the others are found unchanged. A problem while staging any site stops the build before
    anything is swapped, with every site's problems listed. Timed as ``stage``, ``plan``,
    ``caches`` (``meanwhile``) and ``render`` (the wait for the rendering processes after that)."""
    assert context.resolver
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        context.timings[name] = context.timings.get(name, 0.0) + now - clock
        clock = now

    stager, planned = _stager(context)
    groups = _changed_first(context, planned)
    theme_folders: dict[Path, dict[str, str]] = {}
    pool = RenderPool(context.options.jobs or os.cpu_count() or 1)
    submitted = 0
    try:
        for group in groups:
            stager.prefill([(item, extra) for site_id in group for _rel, item, extra in planned[site_id]], context.options.jobs or os.cpu_count() or 1)
            lap("stage")
            for site_id in group:
                context.staged[site_id] = stage_site(site_id, stager, context.attachment_use, context.root, workdir(site_id), planned[site_id])  # type: ignore[arg-type]
                lap("stage")
                rebuild = plan_site(context, site_id, site_folder(site_id), theme_folders)
                (context.rebuilt if rebuild else context.unchanged).append(site_id)
                if rebuild and not context.problems.has_errors():
                    pool.submit(render_job(context, site_id))
                    submitted += 1
                lap("plan")
        context.counts["resolved"] = context.resolver.resolved
        context.counts["staged"] = stager.made
        order = {site_id: n for n, site_id in enumerate(context.cluster.ids)}
        context.rebuilt.sort(key=order.__getitem__)
        context.unchanged.sort(key=order.__getitem__)
        _stop_on_errors(context)
        meanwhile()
        lap("caches")
        done = 0
        ahead = 0.0

        def on_done(result: RenderResult) -> None:
            nonlocal done, ahead
            done += 1
            if progress:
                progress(_("rendered {site} ({pages} pages, {seconds:.1f}s)").format(site=result.site, pages=result.pages, seconds=result.seconds) + _reused_note(result), done, submitted)
            if done < submitted and not result.problems and context.link_extracts is not None and context.output_digests is not None:
                started = time.perf_counter()  # this process only waits for the others: the link check's reading, ahead
                read_ahead(result.site, site_folder(result.site), context.link_extracts, context.output_digests)
                ahead += time.perf_counter() - started

        context.results = pool.results(on_done)
    except BaseException:
        pool.stop()
        raise
    lap("render")
    context.timings["render"] -= ahead  # timed as the link check's, which it is
    context.timings["check:links"] = context.timings.get("check:links", 0.0) + ahead
    for result in context.results:
        context.problems.extend(result.problems)
        for name, seconds in result.timings.items():  # CPU time in the rendering processes, summed
            context.timings[name] = context.timings.get(name, 0.0) + seconds
    if context.options.cache and any(p.code == "pelican-error" for result in context.results for p in result.problems):
        context.problems.warn(CACHE_FOLDER, None, "cache-suspect", _(CACHE_SUSPECT))


#: Pelican could not process a staged item: zhanqun made it, from the cache when its text was seen
#: before, and an entry of the right form is used as it is (README: Security model).
CACHE_SUSPECT = N_("Pelican could not process items zhanqun staged; if `build --no-cache` passes, the cache folder is damaged: remove it (rm -rf .zhanqun-cache) and build again")


def _changed_first(context: BuildContext, planned: dict[str, list[tuple[str, Item, dict[str, str]]]]) -> list[list[str]]:
    """The selected sites in the order :func:`stage_and_render` takes them: those that hold or
    receive an item resolved anew, then the others; each group longest first (by staged files)."""
    assert context.resolver
    anew = context.resolver.resolved_anew()
    first = [site_id for site_id in context.site_ids if any(item.source in anew for _rel, item, _extra in planned[site_id])]
    rest = [site_id for site_id in context.site_ids if site_id not in first]
    longest_first = lambda ids: sorted(ids, key=lambda site_id: -len(planned[site_id]))  # noqa: E731 (a stable sort: cluster order among equals)
    return [longest_first(group) for group in (first, rest) if group]


def render_job(context: BuildContext, site_id: str) -> RenderJob:
    """What a rendering process needs to render one staged, planned site."""
    staged = context.staged[site_id]
    size = sum(len(text) for text in staged.texts.values())
    base = page_base(context.inputs[site_id], context.settings[site_id], context.root, staged.folder)
    after = [step for make in AFTER_RENDER_STEPS if (step := make(context, site_id)) is not None]
    return RenderJob(site_id, context.settings[site_id], staged.sources, str(staged.folder), size, base, reusable_pages(context, site_id), after, staged)


def reusable_pages(context: BuildContext, site_id: str) -> PreviousPages | None:
    """The current output's item pages a rebuilt site may take again (``render/page_reuse.py``):
    none with ``--no-cache``, and none for a site with its own templates or plugins, whose pages
    may show anything of any item."""
    settings = context.settings[site_id]
    if not context.options.cache or settings.get("THEME_TEMPLATES_OVERRIDES") or context.cluster[site_id].pelican.plugins:
        return None
    return previous_pages(context.options.output / site_id, site_id, context.stats.seals)


def _reused_note(result: RenderResult) -> str:
    return _("; {count} unchanged item pages taken from the last build").format(count=result.reused) if result.reused else ""


# --- per-site steps: each ``(context, site_id, site_folder)``, run for the sites rendered in this
# build only (a site left unchanged keeps what they made last time) --------------------------


def redirect_pages(context: BuildContext, site_id: str) -> SiteStep | None:
    redirects = context.redirects.get(site_id, [])
    return RedirectPages(redirects, context.cluster[site_id].name) if redirects else None


def search_bundle(context: BuildContext, site_id: str) -> SiteStep | None:
    assert context.pagefind is not None
    current = context.options.output / site_id
    previous = previous_files(current, site_id, f"{BUNDLE}/", context.stats.seals) if context.options.cache else None
    return SearchBundle(context.pagefind, shown_path(current, context.root), previous)


def write_site_manifest(context: BuildContext, site_id: str, site_folder: Path) -> None:
    """The site manifest (``publish/manifest.py``). Files whose bytes did not change become links
    to the current output's, keeping their times; then the inputs record, for the next build to
    compare (both in ``.zhanqun/``, which the manifest does not list)."""
    assert context.leak_scanner is not None
    manifest = build_manifest(site_folder, site_id, context.target.name, head_commit(context.root), context.output_digests)
    write_manifest(site_folder, manifest)
    keep_unchanged_files(site_folder, context.options.output / site_id, manifest)
    record_inputs(site_folder, context.inputs[site_id], traces_digest(context.leak_scanner.all()))
    context.manifests[site_id] = manifest


def run_site_steps(context: BuildContext, steps: list[tuple[str, Callable[[BuildContext, str, Path], None]]]) -> None:
    """Run ``steps`` for every site rendered in this build (never for one left unchanged)."""
    assert context.output_dir
    for name, step in steps:
        started = time.perf_counter()
        for site_id in context.rebuilt:
            step(context, site_id, context.output_dir / site_id)
        context.timings[name] = context.timings.get(name, 0.0) + time.perf_counter() - started


def find_search_indexer(context: BuildContext) -> None:
    """Pagefind's extended build 1.6+, found and checked before anything renders (``publish/pagefind.py``):
    a build never publishes sites whose search cannot find Chinese words."""
    try:
        context.pagefind = find_pagefind()
    except PagefindUnusable as exc:
        context.problems.add(exc.where, None, "search-unavailable", str(exc))


#: Per-site steps after rendering, before the output checks (which then cover what they wrote): each
#: makes the :class:`SiteStep` a site's rendering process runs once Pelican is done (or none).
AFTER_RENDER_STEPS: list[Callable[[BuildContext, str], SiteStep | None]] = [redirect_pages, search_bundle]
#: Per-site steps after the output checks, just before the swap; the manifest comes last.
BEFORE_SWAP_STEPS: list[tuple[str, Callable[[BuildContext, str, Path], None]]] = [("manifest", write_site_manifest)]


def check_links(context: BuildContext) -> None:
    """Every link of every page built in this run leads to a file (``links/link_check.py``)."""
    assert context.addresses and context.output_dir
    sources: dict[tuple[str, str], str] = {}
    for site_id in context.rebuilt:  # the pages of a site left unchanged were checked when it was built
        for path, item in context.addresses.pages_of(site_id).items():
            sources[(site_id, path)] = item.source
        for redirect in context.redirects.get(site_id, []):
            sources[(site_id, redirect.path)] = redirect.item.source
    built = {site_id: context.output_dir / site_id for site_id in context.rebuilt}
    aliases = {site_id: [r.path for r in context.redirects.get(site_id, [])] for site_id in context.cluster.ids}
    for site_id in context.cluster.ids:  # the pages a site whose files are predicted has beyond its items
        if site_id not in context.rebuilt and context.features:
            aliases[site_id] += context.features.generated_pages(site_id)
    # a shard's runner has at best an old output of the other shards' sites (a restored cache):
    # their pages are predicted from this tree; ``check --out`` checks them for real once combined
    predicted = [s for s in context.cluster.ids if s not in context.site_ids] if context.options.shard else []
    context.link_report = check_output(
        context.addresses, built, context.options.output, sources, context.root, context.options.output, context.problems, aliases, predicted,
        context.link_extracts, context.output_digests,
    )


def check_published_text(context: BuildContext) -> None:
    """The leak gate's first look: what the target publishes, before anything renders (``publish/leak_gate.py``)."""
    assert context.addresses and context.leak_scanner is not None
    renderer, policy_of = context.renderer, lambda item: Policy.of(context.cluster[item.site].publishing.iframe_hosts)

    def rendered(item: Item) -> str | None:
        if not holds_markup(item.body) or context.resolver is None or context.resolver.is_letter(item):
            return None
        try:
            return clean(renderer.html(item.body), policy_of(item))
        except MarkdownTooDeep:
            return None  # reported by the content check

    more: list[tuple[str, int | None, str]] = []
    for site in context.cluster.sites:
        values = [site.name, *vars(site.footer).values(), *(f"{c.name} {c.description}" for c in site.columns)]
        more.append((site.source, None, "\n".join(str(v) for v in values if v)))
    for reports in (context.features.reports.values() if context.features else ()):
        for report in reports:
            texts = [str(report.data.get(key) or "") for key in ("title", "summary")] + [str(t) for t in report.data.get("texts", {}).values()]
            more.append((report.source, None, "\n".join(texts)))
    check_source_leaks(context.index, context.addresses, context.leak_scanner, context.site_ids, context.problems, rendered, more)


def check_leaks(context: BuildContext) -> None:
    """The leak gate's second look: the rendered files of every site built (``publish/leak_gate.py``),
    and of every site left unchanged whose output was checked against other traces than this
    build's — what this target must not publish may have changed since it was built."""
    assert context.output_dir and context.leak_scanner is not None and context.attachment_use is not None
    built = {site_id: context.output_dir / site_id for site_id in context.rebuilt}
    traces = traces_digest(context.leak_scanner.all())
    for site_id in context.unchanged:  # read again only if what must not be published changed since
        if not leak_checked(context.options.output / site_id, traces):
            built[site_id] = context.options.output / site_id
    # a file with the bytes that passed at its path with these traces and this code (a page taken
    # over from the last build) is not searched again: the record is the cache folder's, not the output's
    passes = context.leak_passes = LeakPasses(context.root if context.options.cache else None, context.target.name, traces, context.problems)
    context.leak_searched = sorted(built)
    passed = {site_id: passes.of(site_id) for site_id in context.rebuilt} if context.leak_scanner else {}
    check_output_leaks(built, context.options.output, context.root, context.leak_scanner, context.attachment_use, context.target.name, context.problems, passed, context.output_digests)


def note_leak_passes(context: BuildContext) -> None:
    """After the swap: the files of every site the gate searched in this build passed it."""
    passes = context.leak_passes
    if passes is None or passes.root is None:
        return
    for site_id in context.leak_searched:
        manifest = context.manifests.get(site_id) or read_manifest(context.options.output / site_id)
        if manifest is not None:
            passes.passed(site_id, manifest)
    passes.keep_only(context.cluster.ids)
    passes.save()


#: Checks of the rendered output, run in order before the swap (link check, leak gate, …).
OUTPUT_CHECKS: list[tuple[str, Stage]] = [("links", check_links), ("leaks", check_leaks)]


def run_output_checks(context: BuildContext) -> None:
    for name, check in OUTPUT_CHECKS:
        _timed(context, f"check:{name}", check)


# --- commands -------------------------------------------------------------------------------


_BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?")


def check_base_url(options: BuildOptions) -> None:
    """``--base-url``: only for the preview (the other targets' addresses are the site files'), and
    only a scheme and host (a path would move every site away from where ``/<id>/`` serves it)."""
    if options.base_url is None:
        return
    if options.target != "preview":
        raise UsageError(_("--base-url is for the preview target only; {target} uses the addresses of the site files").format(target=options.target))
    if not _BASE_URL.fullmatch(options.base_url.rstrip("/")):
        raise UsageError(_("--base-url {url!r} must be a scheme and host, e.g. http://localhost:8000").format(url=options.base_url))


def read(options: BuildOptions, problems: Problems, cache: RenderCache | None = None, items: ItemCache | None = None) -> BuildContext:
    """Stages 1–2, which do not depend on the target: site files and the content index."""
    if options.target not in TARGETS:
        raise UsageError(
            _("unknown target '{target}'{hint}; targets are {targets}").format(
                target=options.target, hint=did_you_mean(options.target, TARGETS), targets=", ".join(TARGETS)
            )
        )
    check_base_url(options)
    context = BuildContext(options, problems, TARGETS[options.target], renderer=MarkdownRenderer(cache), items=items)
    _timed(context, "sites", read_sites)
    _timed(context, "content", read_content)
    return context


def analyse_target(context: BuildContext) -> None:
    """Stage 3 for ``context.target``: addresses, column types, every link of the selected sites.

    ``build`` and ``check`` run exactly this, so ``check`` finds every mistake ``build`` would
    find before rendering, and ``build`` lists all of them before it stops.
    """
    name = context.target.name
    _timed(context, f"addresses:{name}", map_addresses)
    _timed(context, f"features:{name}", analyse_features)
    _timed(context, f"links:{name}", resolve_all_links)
    _timed(context, f"leaks:{name}", check_published_text)


def prepare(options: BuildOptions, problems: Problems, cache: RenderCache | None = None, items: ItemCache | None = None) -> BuildContext:
    """Stages 1–3 for ``options.target``, shared by ``build``, ``sites`` and ``check --external``.

    Content errors do not stop stage 3: files with errors are in the index (``Item.broken``), so
    the cross-file checks, links and column types list their mistakes in the same run; then it
    stops (``BuildFailed``). Stage 3's own errors are for the caller to act on (``build`` stops).
    """
    context = read(options, problems, cache, items)
    unfinished = problems.has_errors()  # files with errors: listed with stage 3's, then the stop
    analyse_target(context)
    if unfinished:
        raise BuildFailed(problems)
    return context


def build(options: BuildOptions, progress: Progress | None = None, kept: list[object] | None = None) -> BuildReport:
    """Build the selected sites for one target; the output changes only if everything passed.

    Nothing is lost: an error in any stage, a write that fails (a full disk) or SIGINT/SIGTERM
    ends the build with a located problem, the scratch folder removed and the previous output
    as it was (see ``publish/output.py``).

    ``kept``: where a caller that ends the process right after (the command line) keeps what the
    build held in memory — millions of objects that would otherwise be freed one by one as this
    function returns (about 0.08 s after one edit), only for the process's end to free the lot;
    what the build froze (``gc_pause.py``) then stays frozen. Without it, everything is unfrozen
    and collected once the build is over (``gc_pause.thawed``), as a process that goes on needs.
    """
    try:
        return _build(options, progress, kept)
    finally:
        if kept is None:
            gc_pause.thawed()


def _build(options: BuildOptions, progress: Progress | None, kept: list[object] | None) -> BuildReport:
    _refuse_unsafe_output(options)
    problems = Problems()
    previous = _previous_build(options, problems)
    if previous.hit:  # before the fork server: a build that renders nothing needs none
        return _nothing_changed(options, previous, problems)
    warm_up(options.root / "themes" / "gov" / "templates")  # the rendering processes' imports and templates overlap the stages before rendering
    cache = RenderCache(options.root if options.cache else None, options.target)
    items = ItemCache(options.root if options.cache else None)
    with gc_pause.paused():  # millions of objects, all kept: no collection walks them (gc_pause.py)
        cache.load(problems)
        items.load(problems)
        gc_pause.settled()  # before the collector is on again: its first collection would walk them all
    context: BuildContext | None = None
    swap: OutputSwap | None = None
    swapped = False
    interrupted = False  # stopped by a signal: the pages it checked may never have been swapped in
    with interrupt_guard() as guard:
        try:
            context = prepare(options, problems, cache, items)
            gc_pause.settled()  # the content index, the address map and the memos stay to the end
            context.stats = StatCache(options.root if options.cache else None, options.target, problems)
            if options.cache:
                context.link_extracts, context.output_digests = LinkExtracts(options.root, options.target, problems), FileDigests()
            _timed(context, "search:indexer", find_search_indexer)
            _stop_on_errors(context)
            swap = OutputSwap(options.output, options.target)
            context.output_dir = swap.scratch / "sites"
            saving = lambda: save_caches(options, cache, items, context, problems)  # noqa: E731
            stage_and_render(context, swap.work_folder, swap.site_folder, progress, saving)
            _stop_on_errors(context)
            run_output_checks(context)
            _stop_on_errors(context)
            run_site_steps(context, BEFORE_SWAP_STEPS)
            with guard.critical():
                _timed(context, "swap", lambda c: swap.commit(c.rebuilt, sites_taken_out(c)))
                swapped = True
            swap = None
            for site_id in context.rebuilt:  # their files, where they are now: the next no-op stats them
                context.stats.record(options.output / site_id, context.manifests[site_id])
            try:
                note_leak_passes(context)
            except (OSError, UnsafePath) as exc:
                problems.warn(CACHE_FOLDER, None, "cache-not-saved", _("the record of files that passed the leak gate could not be saved: {problem}").format(problem=describe_os_error(exc, options.root) if isinstance(exc, OSError) else exc))
            if context.unchanged and context.leak_scanner is not None:
                traces = traces_digest(context.leak_scanner.all())
                commit = head_commit(options.root)
                for site_id in context.unchanged:  # their output passed this build's leak gate, and is this commit's
                    note_leak_check(options.output / site_id, traces)
                    note_commit(options.output / site_id, commit)
            for site_id in [*context.rebuilt, *context.unchanged]:  # their records as this build leaves them: the next believes no other
                context.stats.seal(options.output / site_id, files_kept=site_id in context.unchanged)
            context.stats.save()
            if context.target.name == "preview":
                write_preview_index(options.output, context.cluster)
        except BuildFailed:
            pass
        except Interrupted as exc:
            interrupted = not swapped
            if swapped:
                message = _("build interrupted by {signal}; the new output had already been swapped in").format(signal=exc.signal_name)
            else:
                message = _("build interrupted by {signal}; the previous output was left as it was").format(signal=exc.signal_name)
            problems.add(shown_path(options.output, options.root), None, "interrupted", message)
        except UnsafePath as exc:  # the output changed under the build (a site folder became a link)
            problems.add(shown_path(options.output, options.root), None, "unsafe-path", _("{problem}; the previous output was left as it was").format(problem=exc))
        except OSError as exc:
            problems.add(shown_path(options.output, options.root), None, "write-failed", _("{problem}; the previous output was left as it was").format(problem=describe_os_error(exc, options.root)))
        finally:
            if swap is not None:
                swap.discard()
    if context is None or not context.caches_saved:
        save_caches(options, cache, items, context, problems)
    try:  # the links found in the pages checked, whether or not the build passed
        if context is not None and context.link_extracts is not None:
            context.link_extracts.save()
            if not options.sites and not options.shard and context.link_report is not None:  # every site checked
                context.link_extracts.forget_other_sites(context.cluster.ids)
    except (OSError, UnsafePath) as exc:
        problems.warn(CACHE_FOLDER, None, "cache-not-saved", _("the cache of the links found in pages could not be saved: {problem}").format(problem=describe_os_error(exc, options.root) if isinstance(exc, OSError) else exc))
    if context is not None and context.link_report is not None and not interrupted:  # a build that failed on its links too: then most of all
        save_link_report(options.root, options.output, options.target, context.link_report, swapped, context.cluster.ids, problems)
    if previous.snapshot is not None and context is not None and swapped and not problems.has_errors():
        _record_build(options, previous.snapshot, context)
    if kept is not None:
        kept += [context, cache, items]
    return BuildReport(
        problems=problems,
        target=options.target,
        site_ids=context.site_ids if context else [],
        pages=sum(r.pages for r in context.results) if context else 0,
        reused=sum(r.reused for r in context.results) if context else 0,
        unchanged=list(context.unchanged) if context else [],
        counts={**context.counts, "reused": sum(r.reused for r in context.results)} if context else {},
        timings=context.timings if context else {},
        output=options.output,
        notes=([context.link_report.line()] if context and context.link_report else []) + (_unchanged_note(context) if context else []),
    )


def sites_taken_out(context: BuildContext) -> list[str]:
    """The site folders the output must no longer hold, taken out in the swap.

    A shard's output folder: every other site of the cluster (a CI job uploads its whole output
    folder, and one restored from a cache, or left by a run under an earlier split, may hold sites
    of other shares, which the combined check would find as old copies). A build of every site:
    the folders zhanqun built for sites the cluster no longer has (a site file removed: its old
    pages would otherwise stay published by whatever serves or syncs the folder, and no leak gate
    would read them again) — only a folder whose manifest names it as that site, never another
    folder someone keeps there. A build of named sites keeps the others."""
    if context.options.shard:
        return [site_id for site_id in context.cluster.ids if site_id not in context.site_ids]
    if context.options.sites:
        return []
    gone = []
    try:
        folders = sorted(entry.name for entry in os.scandir(context.options.output) if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []
    for name in folders:
        if name not in context.cluster.ids and not name.startswith("."):
            manifest = read_manifest(context.options.output / name)
            if manifest is not None and manifest.site == name and manifest.target == context.target.name:
                gone.append(name)
    return gone


def save_caches(options: BuildOptions, cache: RenderCache, items: ItemCache, context: BuildContext | None, problems: Problems) -> None:
    """Save the cache of rendered text and of read items. Nothing adds to them once every site is
    staged, so a build saves them while its sites render (:func:`stage_and_render`), on the core the
    rendering processes leave; one that stopped earlier, at its end."""
    try:  # what was rendered is worth keeping whether or not the build passed; entries this build
        # did not use are dropped only after it staged every site (a build that stopped early used few)
        everything = not options.sites and not options.shard and context is not None and len(context.staged) == len(context.cluster.ids) > 0
        cache.report_wrong(problems)
        cache.save(prune=everything)
    except (OSError, UnsafePath) as exc:
        problems.warn(CACHE_FOLDER, None, "cache-not-saved", _("the cache of rendered text could not be saved: {problem}").format(problem=describe_os_error(exc, options.root) if isinstance(exc, OSError) else exc))
    try:  # only after the content stage read every source: it keeps what this build read
        if context is not None and "content" in context.timings:
            items.save()
    except (OSError, UnsafePath) as exc:
        problems.warn(CACHE_FOLDER, None, "cache-not-saved", _("the cache of read items could not be saved: {problem}").format(problem=describe_os_error(exc, options.root) if isinstance(exc, OSError) else exc))
    if context is not None:
        context.caches_saved = True


def _previous_build(options: BuildOptions, problems: Problems) -> Previous:
    """The cluster-wide shortcut (``publish/build_record.py``), asked before anything is read:
    ``hit`` when the last successful build into this output read exactly this tree with these
    options and its output is intact. ``--no-cache``: never asked."""
    if not options.cache:
        return Previous(None)
    started = time.perf_counter()
    shaping = {"target": options.target, "sites": options.sites, "shard": options.shard, "base_url": options.base_url,
               "today": options.resolved_today().isoformat(), "output": os.path.realpath(options.output),
               "commit": head_commit(options.root)}  # every manifest names it (``manifest.note_commit``)
    previous = check_previous_build(options.root, options.output, options.target, shaping, problems)
    previous.seconds = time.perf_counter() - started
    return previous


def _nothing_changed(options: BuildOptions, previous: Previous, problems: Problems) -> BuildReport:
    """The report of a build stopped by the shortcut: the previous build's warnings again (a
    warning nobody fixed is not hidden by a no-op), and what happened."""
    problems.extend(previous.warnings)
    notes = [
        _("nothing changed since the last build into {output}: nothing was read, rendered or written").format(output=shown_path(options.output, options.root)),
        _("{count} site(s) unchanged since their last build, not rendered again: {sites}").format(count=len(previous.site_ids), sites=", ".join(previous.site_ids)),
    ]
    return BuildReport(problems=problems, target=options.target, site_ids=previous.site_ids, timings={"unchanged": previous.seconds}, output=options.output, notes=notes, nothing_changed=True)


def _record_build(options: BuildOptions, snapshot: Snapshot, context: BuildContext) -> None:
    """After a successful build: what it read, for the next build's shortcut; a record that cannot
    be written is a warning (the next build runs in full)."""
    indexer = str(context.pagefind.path) if context.pagefind else None
    try:
        record_build(options.root, options.output, options.target, snapshot, context.site_ids, indexer, context.problems)
    except (OSError, UnsafePath) as exc:
        context.problems.warn(CACHE_FOLDER, None, "cache-not-saved", _("the record of this build could not be saved: {problem}").format(problem=describe_os_error(exc, options.root) if isinstance(exc, OSError) else exc))


def _unchanged_note(context: BuildContext) -> list[str]:
    if not context.unchanged:
        return []
    return [_("{count} site(s) unchanged since their last build, not rendered again: {sites}").format(count=len(context.unchanged), sites=", ".join(context.unchanged))]


#: Folders of the repository ``--out`` may not write into: its sources, its code and its history.
PROTECTED_FOLDERS = ("content", "sites", "themes", "plugins", "zhanqun", "tests", "bench", "docs", ".git", ".ci")


def _refuse_unsafe_output(options: BuildOptions) -> None:
    """Refuse an output folder whose ``<id>/`` folders the swap must not replace (``paths.check_output_folder``).

    The repository's own ``output/<target>/`` is checked the same way: a folder made by an older
    version (no marker yet) is adopted when it holds nothing but site folders and the preview's list.
    """
    default = options.root / "output" / options.target
    if options.output == default and default.is_dir() and not default.is_symlink() and not (default / OUTPUT_MARKER).exists():
        known = {p.stem for p in (options.root / "sites").glob("*.toml")} | {"index.html"}
        if all(child.name in known or child.name.startswith(".") for child in default.iterdir()):
            mark_output_folder(default, options.target)
    reason = check_output_folder(options.output, options.root, PROTECTED_FOLDERS, options.target)
    if reason:
        raise UsageError(
            _(
                "--out {output}: {reason}; each build replaces <out>/<site id>/ wholesale. "
                "Write to a new or empty folder, or one an earlier build made, e.g. --out output/{target}"
            ).format(output=options.output, reason=reason, target=options.target)
        )


def resolve_all_links(context: BuildContext) -> None:
    """Resolve every link of every rendered item of the selected sites, writing nothing.

    A letter's text is the public's and is never read for links, only its header (``links/resolve.py``).
    """
    assert context.addresses and context.resolver
    for item in context.index.items:
        if item.site in context.site_ids and context.addresses.renders(item):
            context.resolver.checked(item, context.problems)


def check(options: BuildOptions, targets: list[str] | None = None, external: bool = False) -> BuildReport:
    """Validate site files, content and links for every target, writing nothing.

    Site files and content are read once; checking stops there only if a site file has errors
    (stage 1 raises). Then every target gets the same stages — addresses, column types, links,
    leaks — whatever errors the content has: a file with errors is in the index (``Item.broken``),
    so a duplicate slug or 索引号, or a link to it, is found in the same run, and a mistake found by
    the column types does not hide a broken link. A problem found for several targets is listed
    once (``Problems``).
    ``external``: also try every link that leaves the cluster in the pages of the last build of
    ``options.target`` (``links/external.py``), with short timeouts. ``options.out`` checks the
    built output in that folder instead (:func:`check_combined_output`), then, with ``external``,
    the links of its pages that leave the cluster.
    """
    if options.out is not None:
        report = check_combined_output(options)
        if external and report.ok:  # the links that leave the cluster, in the same pages
            report.notes.append(_check_external(options, report.problems))
        return report
    problems = Problems()
    names = targets or list(TARGETS)
    context: BuildContext | None = None
    try:
        context = read(replace(options, target=names[0]), problems, items=ItemCache(None))  # files read in parallel, nothing kept
        for name in names:
            context.target = TARGETS[name]
            analyse_target(context)
    except BuildFailed:
        pass
    notes: list[str] = []
    if external and not problems.has_errors():
        notes.append(_check_external(options, problems))
    return BuildReport(
        problems=problems,
        target=",".join(names),
        site_ids=context.site_ids if context else [],
        timings=context.timings if context else {},
        notes=notes,
    )


def check_combined_output(options: BuildOptions) -> BuildReport:
    """``check --out DIR``: the output checks over a folder of built sites, such as the shards'
    outputs copied together (``publish/combined_output.py``): every selected site there, intact and
    of one commit, and every link of every page against the real files of every site."""
    assert options.out is not None
    try:
        check_combined_folder(options.out, options.target, site_file_ids(options.root))  # before the site files are read
    except NotAnOutput as exc:
        raise UsageError(str(exc)) from None
    problems = Problems()
    try:
        context = read(options, problems, items=ItemCache(None))  # files read in parallel, nothing kept
    except BuildFailed:  # a site file with errors: no cluster to check the output against
        return BuildReport(problems=problems, target=options.target, site_ids=[])
    _timed(context, f"addresses:{options.target}", map_addresses)
    # ``--shard`` chose which sites' pages to check (a share of a big cluster per runner); their
    # links are checked against every site's real files here, none predicted (``check_links``)
    context.options = replace(options, shard=None)
    started = time.perf_counter()
    context.rebuilt = check_site_outputs(options.out, context.site_ids, context.cluster.ids, options.target, head_commit(options.root), options.root, problems)
    context.timings["check:sites"] = time.perf_counter() - started
    context.output_dir = options.out
    _timed(context, "check:links", check_links)
    notes = [context.link_report.line()] if context.link_report else []
    return BuildReport(problems=problems, target=options.target, site_ids=context.site_ids, timings=context.timings, output=options.out, notes=notes)


def _check_external(options: BuildOptions, problems: Problems) -> str:
    from .links.external import check_external

    context = prepare(options, Problems())
    assert context.addresses
    folders = {s: options.output / s for s in context.site_ids if (options.output / s).is_dir()}
    if not folders:
        raise UsageError(_("check --external reads the pages of the last build, and {output} has none; run build first").format(output=options.output))
    tried, failed = check_external(context.addresses, folders, options.root, problems)
    return _("external links: {tried} addresses tried, {failed} failed").format(tried=tried, failed=failed)
