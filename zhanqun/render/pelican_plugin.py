"""The Pelican plugin every site loads: reads the staged items, confines every write, and fills
in what Pelican's blog model lacks for columns.

Runs inside the per-site render process only (``PLUGINS`` in ``pelican_settings.py``).
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup
from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Category
from feedgenerator import get_tag_uri
from pelican.utils import SafeDatetime, sanitised_join
from pelican.writers import Writer

from ..content.mongolian import squeeze
from ..paths import confine, remove_file
from .page_reuse import PageReuse, staged_digests
from .pelican_pages import ExtraPagesGenerator
from .template_attributes import read_keys_first, remember_missing_templates

#: The item pages of the site this process renders (set by ``processes.render_site`` before
#: Pelican runs; one site per process, so one value per process).
PAGE_REUSE: PageReuse | None = None
#: The staged items of that site, by the absolute path Pelican reads each from, handed over in
#: memory (``processes.render_site``): the site's hundreds of staged files are never written.
STAGED_TEXTS: dict[str, str] | None = None


class StagedItemReader(BaseReader):
    """Reads a staged item (``stage.py``): header values and finished, sanitised HTML, as they are.

    Pelican's own readers are switched off (``READERS``), so no Markdown is parsed here and the
    HTML that reaches templates and feeds is exactly what the sanitiser let through.
    """

    enabled = True
    file_extensions = ["zq"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        text = STAGED_TEXTS.get(source_path) if STAGED_TEXTS is not None else None
        if text is None:  # a staged file on disk
            with open(source_path, encoding="utf-8") as handle:
                text = handle.read()
        staged = json.loads(text)
        metadata = {name: self._value(name, value) for name, value in staged["metadata"].items()}
        # what the item's own page and other items' pages show of it (page_reuse.py)
        metadata["zq_staged_digest"], metadata["zq_shown_digest"] = staged_digests(text)
        return staged["content"], metadata


    def _value(self, name: str, value: Any) -> Any:
        """A header value as Pelican's reader makes it; a date the stage wrote as zhanqun writes
        dates (``2026-04-01`` or ``2026-04-01 08:30``) without ``dateutil``, whose parser was most
        of the time spent reading a site's items — the same value, a naive ``SafeDatetime``."""
        if name == "date" and isinstance(value, str):
            plain = _PLAIN_DATE.fullmatch(value)
            if plain:
                with contextlib.suppress(ValueError):  # no such day: Pelican's reader says so
                    return SafeDatetime(*(int(part) for part in plain.groups(default="0")))
        return self.process_metadata(name, value)


#: A date as the stage writes it: the day, maybe the time of day to the minute or second.
_PLAIN_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?", re.ASCII)


class ConfinedWriter(Writer):
    """Pelican's writer, with every file it opens confined to the site's output (``paths.confine``)."""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican opens the file itself, in place: a name already there is removed first, so the
        write makes a new file. A name may be a hard link to the current output's file (an item
        page taken over, ``page_reuse.py``); writing into it would change the published site."""
        if filename != os.devnull:
            output = Path(self.output_path)
            rel = os.path.relpath(filename, output)
            confine(output, rel)
            if filename not in self._overridden_files:  # else Pelican ignores this write (os.devnull)
                remove_file(output, rel)
        return super()._open_w(filename, encoding, override)

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        """Pelican's feed entry, its title cleaned without ``Markup.striptags``, which squeezes
        whitespace with ``str.split()`` and so turns U+202F before a Mongolian suffix into a space."""
        super()._add_item_to_the_feed(feed, item)
        feed.items[-1]["title"] = str(plain_text(item.title).unescape())

    def write_file(self, name: str, template: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        """An item's page whose inputs did not change is the previous output's file (``page_reuse.py``);
        a column's list pages hold its own ``per_page`` items (Pelican knows one number per template)."""
        article = kwargs.get("article")
        if PAGE_REUSE is not None and article is not None and name and not args and not kwargs.get("override_output"):
            filename = sanitised_join(self.output_path, name)
            if filename not in self._written_files and PAGE_REUSE.reuse(Path(self.output_path), name, PAGE_REUSE.key(article)):
                self._written_files.add(filename)  # Pelican's own check of a name written twice still applies
                return None
        category = kwargs.get("category")
        if kwargs.get("template_name") != "category" or category is None:
            return super().write_file(name, template, context, *args, **kwargs)
        per_page = {c["id"]: c.get("per_page") for c in self.settings["ZQ_SITE"]["columns"]}.get(category.slug)
        templates = self.settings["PAGINATED_TEMPLATES"]
        self.settings["PAGINATED_TEMPLATES"] = {**templates, "category": per_page or templates.get("category")}
        try:
            return super().write_file(name, template, context, *args, **kwargs)
        finally:
            self.settings["PAGINATED_TEMPLATES"] = templates


def list_staged_items(generator: Any) -> None:
    """The items generator finds the staged items handed over in memory (:data:`STAGED_TEXTS`)
    as Pelican finds files: each of ``ARTICLE_PATHS`` (one per staged item) that exists — here,
    that was handed over — added in that order (the same set, iterated in the same order)."""
    if STAGED_TEXTS is None:
        return
    base = generator.path
    find_on_disk = generator.get_files

    def get_files(paths: Any, exclude: list[str] | None = None, extensions: Any = None) -> set[str]:
        found: set[str] = set()
        for path in [paths] if isinstance(paths, str) else paths:
            if os.path.abspath(os.path.join(base, path)) in STAGED_TEXTS:  # type: ignore[operator]
                if generator._include_path(path, extensions):
                    found.add(path)
            else:
                found |= find_on_disk([path], exclude, extensions)
        return found

    generator.get_files = get_files
    # Pelican stamps every file it reads (its time) even with its cache off (CACHE_CONTENT and
    # LOAD_CONTENT_CACHE are False here): these files are not on disk, and no stamp is ever compared
    generator._filestamp_func = generator.readers._filestamp_func = _no_stamp


def _no_stamp(filename: str) -> str:
    return ""


def use_staged_reader(readers: Any) -> None:
    readers.reader_classes["zq"] = StagedItemReader


def confined_writer(pelican: Any) -> type[Writer]:
    return ConfinedWriter


def add_empty_columns(generator: Any) -> None:
    """Every column gets its list page, even with no items yet: navigation never links nothing."""
    site = generator.settings["ZQ_SITE"]
    present = {category.slug for category, _ in generator.categories}
    for column in site["columns"]:
        if column["type"] == "link" or column["id"] in present:
            continue
        generator.categories.append((Category(column["id"], generator.settings), []))
    order = {column["id"]: n for n, column in enumerate(site["columns"])}
    generator.categories.sort(key=lambda pair: order.get(pair[0].slug, len(order)))
    generator.context["categories"] = generator.categories


#: How many items of the same column an item's page lists under 相关信息.
RELATED_ITEMS = 5


def add_related(generator: Any) -> None:
    """``article.zq_related``: the newest items of the same column, the item itself left out.

    Computed once per site, grouped by column, instead of in the template: a filter over all of
    the site's items on every item page made the render quadratic in the size of the site (the
    largest share of a big site's render time). The result is the same list the template filter
    gave — the listed (not hidden) items in site order, matched by column, compared by address.
    """
    by_column: dict[str, list[Any]] = {}
    for article in generator.articles:
        column = by_column.setdefault(article.category.slug, [])
        if len(column) <= RELATED_ITEMS:  # one more than shown: the item itself may be among them
            column.append(article)
    pin_addresses(generator)
    everything = [*generator.articles, *generator.translations, *generator.hidden_articles, *generator.hidden_translations]
    for article in everything:
        url = article.url
        newest = by_column.get(article.category.slug, [])
        article.zq_related = [other for other in newest if other.url != url][:RELATED_ITEMS]


def pin_addresses(generator: Any) -> None:
    """Each item's ``url`` computed once, now that its column, slug and status are final, and kept
    as Pelican's own ``override_url``.

    Pelican computes it again on every access (its URL setting formatted with a fresh copy of the
    item's metadata and its source path made relative again): about ten thousand times in a site
    of 700 items, by the related items, list pages, feeds and sitemap — a third of the render of a
    site whose item pages are taken over. The value is the one Pelican computes; only sites without
    plugins of their own pin it, since a plugin may change an item's slug or column later, and
    Pelican would follow. (``save_as`` is read three times per item and stays Pelican's: an
    ``override_save_as`` would make Pelican write the page with ``override_output``.)
    """
    if list(generator.settings.get("PLUGINS") or ()) != [__name__]:
        return
    for kind in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations"):
        for article in getattr(generator, kind, ()):
            article.override_url = article.url


def extra_pages(pelican: Any) -> type[ExtraPagesGenerator]:
    return ExtraPagesGenerator


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def first_image(rendered: str | None) -> dict[str, str] | None:
    """The first ``<img>`` of rendered HTML as ``{"src", "alt"}``: the picture of a 要闻 on the home page.

    The values are returned as text (entities decoded): the templates autoescape what they print,
    so ``alt="A &amp; B"`` must come back as ``A & B``, not be escaped a second time.
    A Jinja filter (``zq_first_image``) rather than an attribute set at generation time: an
    item's ``content`` must not be read before every ``{static}`` link can be resolved.
    """
    match = _IMG.search(rendered or "")
    if not match:
        return None
    attrs = {
        m.group(1).lower(): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
        for m in _ATTR.finditer(match.group(0))
    }
    return {"src": attrs["src"], "alt": attrs.get("alt", "")} if attrs.get("src") else None


_TAG = re.compile(r"<[^>]*>")
_SHORT_NUMBER = re.compile(r"(?<![0-9A-Za-z&#.,/:-])([0-9]{1,2})(?![0-9A-Za-z;.,/:-])")


def plain_text(rendered: str | None) -> Markup:
    """Jinja's ``striptags`` without its whitespace clean-up: that one is ``" ".join(s.split())``,
    which turns U+202F before a Mongolian suffix into a space. Tags go, entities are decoded, runs
    of other whitespace become one space (for ``<meta name="description">`` and summaries)."""
    text = html.unescape(_TAG.sub(" ", str(rendered or "")))
    return Markup.escape(squeeze(text))


def upright_numbers(text: Any) -> Markup:
    """Text escaped, with every number of one or two digits standing alone in ``<span class="tcu">``:
    in a vertical page the stylesheet sets these upright (``text-combine-upright``), as Mongolian
    print does; longer numbers and Latin stay sideways."""
    escaped = str(Markup.escape(text))
    return Markup(_SHORT_NUMBER.sub(r'<span class="tcu">\1</span>', escaped))


def page_date(value: Any, vertical: bool = False) -> Markup:
    """A page's date in ASCII digits: ``2026-05-14``, or in a vertical page ``2026/5/14`` as the
    Inner Mongolian sites write it, month and day upright."""
    day = value if isinstance(value, (datetime, date)) else date.fromisoformat(str(value)[:10])
    if not vertical:
        return Markup(iso_day(day))
    return Markup(f'{day.year}/<span class="tcu">{day.month}</span>/<span class="tcu">{day.day}</span>')


def iso_day(value: date) -> str:
    """``2026-05-14``: what ``value.strftime('%Y-%m-%d')`` writes for a year of four digits, without
    Pelican's ``strftime`` (its dates' own, which handles locales and ``%-d`` by splitting the
    format): every list page shows a date per item, and that call was about a tenth of a
    site's rendering time."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def iso_minute(value: datetime) -> str:
    """``2026-05-14 09:30``: ``value.strftime('%Y-%m-%d %H:%M')`` without Pelican's ``strftime``
    (every item page's ``PubDate``), for a year of four digits; Pelican's for any other."""
    if value.year < 1000:
        return value.strftime("%Y-%m-%d %H:%M")
    return f"{iso_day(value)} {value.hour:02d}:{value.minute:02d}"


def add_filters(generator: Any) -> None:
    """Template filters of the shared theme, in every generator's Jinja environment (which
    also reads ``name.key`` of a dict without an exception first: ``template_attributes.py``)."""
    env = getattr(generator, "env", None)
    if env is not None:
        read_keys_first(env)
        remember_missing_templates(env)
        env.filters.setdefault("zq_text", plain_text)
        env.filters.setdefault("zq_upright", upright_numbers)
        env.filters.setdefault("zq_date", page_date)
        env.filters.setdefault("zq_day", iso_day)
        env.filters.setdefault("zq_minute", iso_minute)
        env.filters.setdefault("zq_first_image", first_image)
        env.filters.setdefault("zq_lastmod", lastmod)
        env.filters.setdefault("zq_absolute", absolute)
        env.filters.setdefault("zq_list_pages", list_pages)


#: The ``updated`` of a feed with no entries (a column with no items yet): feedgenerator would write
#: the wall clock, and two builds would differ.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)
_COLUMN_FEED = re.compile(r"feeds/([^/]+)\.atom\.xml$")


def lastmod(articles: Any) -> str:
    """An item's (or the newest of several items') last modification, ``Modified`` else ``Date``,
    as the ISO date sitemaps want; empty when there are none. Never the wall clock."""
    items = articles if isinstance(articles, (list, tuple)) else [articles]
    dates = [getattr(a, "modified", None) or a.date for a in items]
    if not dates:
        return ""
    newest = max(dates)
    return iso_day(newest) if newest.year >= 1000 else newest.strftime("%Y-%m-%d")


def list_pages(items: list[Any], per_page: int | bool | None, orphans: int = 0) -> list[tuple[int, list[Any]]]:
    """(number, items shown) of each list page of a column, split as Pelican's ``Paginator`` splits
    them (the last page takes up to ``orphans`` more); one page when pagination is off."""
    if not per_page or per_page is True:
        return [(1, list(items))]
    count = len(items)
    pages = max(1, math.ceil(max(1, count - orphans) / per_page))
    found = []
    for number in range(1, pages + 1):
        bottom = (number - 1) * per_page
        top = count if number == pages or bottom + per_page + orphans >= count else bottom + per_page
        found.append((number, list(items[bottom:top])))
    return found


def absolute(url: str, home: str) -> str:
    """``url`` (root-relative in the preview, absolute elsewhere) as an absolute address: the
    sitemap protocol and ``robots.txt`` accept nothing else."""
    return urljoin(home, url)


def absolute_feed(context: Any, feed: Any) -> None:
    """Every address of a feed absolute in every target, every id a valid ``tag:`` URI.

    Pelican joins links to ``SITEURL``, which is root-relative in the preview (``/portal``), and
    builds ids from the link's host (``tag:None,…`` there). Here each link is joined to the site's
    absolute home (``ZQ_ABSOLUTE_URL``); a syndicated copy links its original (its canonical address),
    so readers that follow several sites of the cluster see one entry. A column's feed is titled
    with the column's Chinese name rather than its id.
    """
    home = context["ZQ_ABSOLUTE_URL"]
    site = context["ZQ_SITE"]
    names = {s["id"]: s["name"] for group in context["ZQ_CLUSTER_NAV"] for s in group["sites"]}
    own = _articles_by_link(context)
    for entry in feed.items:
        article = own.get(entry["link"])
        link = urljoin(home, getattr(article, "zq_canonical", None) or entry["link"])
        entry["link"] = link
        entry["unique_id"] = get_tag_uri(link, article.date if article else entry["pubdate"])
        origin = getattr(article, "zq_origin_site", None)
        entry["author_name"] = entry["author_name"] or names.get(origin or "", site["name"])  # Atom wants an author
    feed.feed["feed_url"] = urljoin(home, feed.feed["feed_url"])
    feed.feed["link"] = home
    feed.feed["id"] = feed.feed["feed_url"]  # one id per feed: the site's and each column's differ
    column = _COLUMN_FEED.search(feed.feed["feed_url"] or "")
    if column and column.group(1) in site["columns_by_id"]:
        feed.feed["title"] = f"{site['name']} - {site['columns_by_id'][column.group(1)]['name']}"
    if not feed.items:
        feed.latest_post_date = lambda: EMPTY_FEED_DATE


#: (the list of the site's items, each one's link as Pelican writes it in a feed): one per process.
_FEED_LINKS: tuple[Any, int, dict[str, Any]] | None = None


def _articles_by_link(context: Any) -> dict[str, Any]:
    """The site's items by the link Pelican gives them in a feed, made once for all of the site's
    feeds (the site's own and one per column), not once per feed."""
    global _FEED_LINKS
    articles = context.get("articles", [])
    if _FEED_LINKS is None or _FEED_LINKS[0] is not articles or _FEED_LINKS[1] != len(articles):
        _FEED_LINKS = (articles, len(articles), {urljoin(context["SITEURL"] + "/", a.url): a for a in articles})
    return _FEED_LINKS[2]


def register() -> None:
    signals.readers_init.connect(use_staged_reader)
    signals.article_generator_init.connect(list_staged_items)
    signals.get_writer.connect(confined_writer)
    signals.article_generator_finalized.connect(add_empty_columns)
    signals.article_generator_finalized.connect(add_related)
    signals.get_generators.connect(extra_pages)
    signals.generator_init.connect(add_filters)
    signals.feed_generated.connect(absolute_feed)
