"""The Pelican settings of one site for one target: plain, picklable data.

Each site renders in its own process from a deep copy of this dict, so nothing a site sets (or a
plugin it loads) can leak into another site. The ``ZQ_*`` keys carry the site, its columns and the
cluster navigation into the templates (Pelican exposes every upper-case setting there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..config.colours import derived
from ..config.sites import Column, Site
from ..config.themes import VERTICAL_STATIC
from ..errors import Problems
from ..i18n import N_, _
from ..links.addresses import AddressMap
from .stage import StagedSite
from .template_values import PrintedUndefinedIsAnError

KIND_GROUPS = (("portal", "盟本级"), ("county", "旗县市"), ("department", "盟直部门"))

#: The words of the page frame in each site language (the rest of the theme's labels stay Chinese,
#: marked lang="zh-CN" in a Mongolian page): the language's own name on the 中文 / ᠮᠣᠩᠭᠣᠯ switch,
#: the skip link, 首页, 当前位置 and the item's 正文 and 发布日期. The Mongolian words are short
#: standard terms; have a native speaker review them like the sample texts.
FRAME_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {"language": "中文", "skip": "跳到主要内容", "home": "首页", "location": "当前位置", "colon": "：", "text": "正文", "published": "发布日期："},
    "mn-Mong": {
        "language": "ᠮᠣᠩᠭᠣᠯ", "skip": "ᠭᠣᠣᠯ ᠠᠭᠤᠯᠭ\u180eᠠ\u202fᠳᠤ ᠣᠴᠢᠬᠤ", "home": "ᠨᠢᠭᠤᠷ ᠬᠠᠭᠤᠳᠠᠰᠤ", "location": "ᠣᠳᠣᠬᠠᠨ ᠪᠠᠢᠷᠢ", "colon": "᠄",
        "text": "ᠭᠣᠣᠯ ᠪᠢᠴᠢᠭ", "published": "ᠨᠡᠶᠢᠲᠡᠯᠡᠭᠰᠡᠨ ᠴᠠᠭ᠄ ",
    },
}

#: Pelican settings a site file may change through ``[pelican] settings``, and the type of each:
#: how long lists and feeds are and how summaries end. Every other setting Pelican has decides what
#: is read, where it is written or how it is escaped, and belongs to the build; a plugin's own
#: settings are named after it (plugin ``stamp``: ``STAMP_TEXT``).
SITE_SETTINGS: dict[str, Callable[[Any], bool]] = {
    "DEFAULT_PAGINATION": lambda v: v is False or (type(v) is int and v > 0),
    "DEFAULT_ORPHANS": lambda v: type(v) is int and v >= 0,
    "SUMMARY_MAX_LENGTH": lambda v: type(v) is int and v >= 0,
    "SUMMARY_END_SUFFIX": lambda v: isinstance(v, str),
    "FEED_MAX_ITEMS": lambda v: type(v) is int and v > 0,
}
_SETTING_TYPES = {
    "DEFAULT_PAGINATION": N_("a positive number (or false)"),
    "DEFAULT_ORPHANS": N_("a number"),
    "SUMMARY_MAX_LENGTH": N_("a number"),
    "SUMMARY_END_SUFFIX": N_("text"),
    "FEED_MAX_ITEMS": N_("a positive number"),
}


#: A pattern that matches nothing: Pelican's own ``{filename}``/``{static}`` handling stays off, so
#: it never rewrites a link or copies a file the stage did not list (``stage.py`` resolved them).
NO_INTRASITE_LINKS = r"(?!)"
#: Pelican's readers, switched off: only staged items (``.zq``) are read.
PELICAN_READERS = ("md", "markdown", "mkd", "mdown", "html", "htm", "rst")



def article_order(article: Any) -> tuple[float, str]:
    """Newest first, then by source path: a total order, so output never depends on file order."""
    return (-article.date.timestamp(), article.source_path)


def check_site_settings(root: Path, site: Site, problems: Problems) -> None:
    """``[pelican]``: plugins that exist, and only settings a site may change (:data:`SITE_SETTINGS`,
    or a plugin's own, named after it), each of the right type."""
    prefixes = tuple(name.rsplit(".", 1)[-1].upper() + "_" for name in site.pelican.plugins)
    for key, value in site.pelican.settings.items():
        if key in SITE_SETTINGS:
            if not SITE_SETTINGS[key](value):
                message = _("pelican.settings.{key}: {value!r} must be {kind}").format(key=key, value=value, kind=_(_SETTING_TYPES[key]))
                problems.add(site.source, None, "bad-value", message)
        elif not (prefixes and key.startswith(prefixes)):
            message = _(
                "pelican.settings.{key}: zhanqun sets this itself, or no plugin of this site is named so; a site may set "
                "{settings}, and its plugins' settings, named after them ({prefixes})"
            ).format(key=key, settings=", ".join(SITE_SETTINGS), prefixes=", ".join(p + "…" for p in prefixes) or _("no plugins"))
            problems.add(site.source, None, "bad-value", message)
    for name in site.pelican.plugins:
        if not _plugin_exists(root, name):
            problems.add(site.source, None, "unknown-plugin", _("pelican.plugins: no plugin {name!r} in plugins/ or among the installed packages").format(name=name))


def _plugin_exists(root: Path, name: str) -> bool:
    """Whether Pelican would find plugin ``name`` (in ``plugins/``, installed, or as pelican.plugins.*)."""
    import importlib.util

    first = name.split(".", 1)[0]
    if (root / "plugins" / f"{first}.py").is_file() or (root / "plugins" / first / "__init__.py").is_file():
        return True
    for candidate in (name, f"pelican.plugins.{name}"):
        try:
            if importlib.util.find_spec(candidate) is not None:
                return True
        except (ImportError, ValueError):
            continue
    return False


def site_context(site: Site, addresses: AddressMap, link_url: Callable[[Site, Column], str]) -> dict[str, Any]:
    base = addresses.site_url(site.id)
    columns = [
        {
            "id": c.id,
            "name": c.name,
            "type": c.type,
            "url": link_url(site, c) if c.type == "link" else f"{base}{c.id}/",
            "description": c.description,
            "per_page": c.per_page,
        }
        for c in site.columns
    ]
    theme = site.theme
    headline, blocks = site.home_layout()
    return {
        "id": site.id,
        "name": site.name,
        "label": site.label,
        "kind": site.kind,
        "lang": site.lang,
        "vertical": site.vertical,
        "words": FRAME_WORDS[site.lang],
        "edition_of": site.edition_of,
        "url": base,
        "sitecode": site.sitecode,
        "footer": vars(site.footer).copy(),
        "columns": columns,
        "columns_by_id": {c["id"]: c for c in columns},
        "home_columns": list(theme.home_columns),
        "headline_column": headline,  # 要闻: the column id, or None
        "home_blocks": blocks,  # the block columns of the home page, in order
        "theme": {
            **derived(theme.primary, theme.accent),  # primary_dark, primary_soft, accent_soft
            "logo_url": f"{base}theme/{theme.logo}" if theme.logo else None,
            "banner_url": f"{base}theme/{theme.banner}" if theme.banner else None,
        },
        "mailbox": vars(site.mailbox).copy(),
        "disclosure": vars(site.disclosure).copy(),
    }


#: The 站群导航 group of the editions in other languages (the league's Mongolian site is no 7th county).
EDITIONS_GROUP = "蒙古文版"


def cluster_navigation(site: Site, addresses: AddressMap) -> list[dict[str, Any]]:
    """站群导航: every Chinese site of the cluster, grouped by kind, then the editions in other
    languages, addressed for the target; each member says the language of its label (``lang``)
    and of the site (``hreflang``)."""
    cluster = addresses.cluster

    def member(s: Site) -> dict[str, Any]:
        # a Chinese page names an edition by its Chinese site's name (it does not load the
        # Mongolian font); the group's title says which edition it is
        shown = s if s.lang == site.lang or s.edition_of is None else cluster[s.edition_of]
        return {"id": s.id, "label": shown.label, "name": shown.name, "url": addresses.site_url(s.id), "current": s.id == site.id, "lang": shown.lang, "hreflang": s.lang}

    groups = []
    for kind, label in KIND_GROUPS:
        members = [member(s) for s in addresses.cluster.of_kind(kind)]
        if members:
            groups.append({"kind": kind, "label": label, "sites": members})
    editions = [member(s) for s in addresses.cluster.editions]
    if editions:
        groups.append({"kind": "edition", "label": EDITIONS_GROUP, "sites": editions})
    return groups


def search_context(site: Site, addresses: AddressMap) -> dict[str, Any]:
    """What the search page needs: its own bundle, and on the portal every site's (cluster search,
    merged in the browser by ``theme/js/search.js``), each with the address its results start with."""
    own = addresses.site_url(site.id)
    sites = []
    if site.kind == "portal":
        sites = [
            {"id": s.id, "name": s.name, "url": addresses.site_url(s.id), "bundle": f"{addresses.site_url(s.id)}pagefind/"}
            for kind, _label in KIND_GROUPS
            for s in addresses.cluster.of_kind(kind)
        ]
    return {"bundle": f"{own}pagefind/", "page": f"{own}search.html", "sites": sites}


def pelican_settings(
    root: Path,
    site: Site,
    addresses: AddressMap,
    staged: StagedSite,
    output: Path,
    link_url: Callable[[Site, Column], str],
) -> dict[str, Any]:
    """Everything Pelican needs for one site, as a plain dict (see module docstring).

    ``link_url`` gives a ``link`` column's address for the target (``links.LinkResolver``).
    """
    siteurl = addresses.siteurl_setting(site.id)
    theme_static = [str(root / "themes" / "gov" / "static")]
    if site.vertical:  # vertical.css, vertical.js and the Mongolian font: edition pages only
        theme_static.append(str(root / "themes" / "gov" / VERTICAL_STATIC))
    site_static = root / "themes" / site.id / "static"
    if site_static.is_dir():
        theme_static.append(str(site_static))  # later paths overwrite earlier ones
    overrides = root / "themes" / site.id / "templates"
    portal = next(iter(addresses.cluster.of_kind("portal")), None)
    settings: dict[str, Any] = {
        "PATH": str(staged.folder),
        "OUTPUT_PATH": str(output),
        "SITEURL": siteurl,
        "SITENAME": site.name,
        "THEME": str(root / "themes" / "gov"),
        "THEME_TEMPLATES_OVERRIDES": [str(overrides)] if overrides.is_dir() else [],
        "THEME_STATIC_PATHS": theme_static,
        "THEME_STATIC_DIR": "theme",
        "ARTICLE_PATHS": sorted(staged.article_paths),
        "PAGE_PATHS": [],
        "STATIC_PATHS": staged.static_paths,
        "STATIC_EXCLUDE_SOURCES": True,
        "PLUGINS": ["zhanqun.render.pelican_plugin", *site.pelican.plugins],
        "PLUGIN_PATHS": [str(root / "plugins")] if (root / "plugins").is_dir() else [],
        "USE_FOLDER_AS_CATEGORY": True,
        "DEFAULT_CATEGORY": site.columns[0].id,
        "ARTICLE_URL": "{category}/{slug}.html",
        "ARTICLE_SAVE_AS": "{category}/{slug}.html",
        "ARTICLE_LANG_URL": "{category}/{slug}-{lang}.html",
        "ARTICLE_LANG_SAVE_AS": "{category}/{slug}-{lang}.html",
        "CATEGORY_URL": "{slug}/",
        "CATEGORY_SAVE_AS": "{slug}/index.html",
        "PAGINATED_TEMPLATES": {"category": None},
        "DEFAULT_PAGINATION": 20,
        "DEFAULT_ORPHANS": 0,
        "PAGINATION_PATTERNS": [
            (1, "{url}", "{save_as}"),
            (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
        ],
        "DIRECT_TEMPLATES": ["index", "404", "sitemap", "robots", "search"],
        "SITEMAP_SAVE_AS": "sitemap.xml",
        "ROBOTS_SAVE_AS": "robots.txt",
        "SEARCH_SAVE_AS": "search.html",
        "404_SAVE_AS": "404.html",
        "TAG_SAVE_AS": "",
        "TAGS_SAVE_AS": "",
        "AUTHOR_SAVE_AS": "",
        "AUTHORS_SAVE_AS": "",
        "CATEGORIES_SAVE_AS": "",
        "ARCHIVES_SAVE_AS": "",
        "DRAFT_SAVE_AS": "",
        "DRAFT_PAGE_SAVE_AS": "",
        "DRAFT_URL": "",
        "DRAFT_LANG_SAVE_AS": "",
        "PAGE_SAVE_AS": "",
        "PAGE_LANG_SAVE_AS": "",
        "FEED_DOMAIN": addresses.absolute_site_url(site.id).rstrip("/"),
        "FEED_ALL_ATOM": "feeds/all.atom.xml",
        "FEED_ALL_RSS": None,
        "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",  # one per column: columns are Pelican's categories
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "FEED_MAX_ITEMS": 50,
        "RSS_FEED_SUMMARY_ONLY": True,
        "DEFAULT_LANG": site.lang.lower(),
        "TIMEZONE": "Asia/Shanghai",
        "DEFAULT_DATE_FORMAT": "%Y-%m-%d",
        "DEFAULT_DATE": None,
        "ARTICLE_ORDER_BY": article_order,
        "NEWEST_FIRST_ARCHIVES": True,
        "RELATIVE_URLS": False,
        "DELETE_OUTPUT_DIRECTORY": False,
        "OUTPUT_SOURCES": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "WITH_FUTURE_DATES": True,
        "SUMMARY_MAX_LENGTH": 60,
        "TYPOGRIFY": False,
        # Titles and every other value are escaped where they are printed; only rendered
        # Markdown (``article.content``, marked ``| safe`` in the templates) is printed as HTML.
        "JINJA_ENVIRONMENT": jinja_environment(),
        "SLUGIFY_SOURCE": "basename",
        "IGNORE_FILES": [".*", "*~", "#*"],
        "READERS": {extension: None for extension in PELICAN_READERS},
        "INTRASITE_LINK_REGEX": NO_INTRASITE_LINKS,
        "FORMATTED_FIELDS": [],
        "ZQ_TARGET": addresses.target.name,
        # the site's home, absolute in every target (preview: behind ``build --base-url``): feeds,
        # sitemap.xml and robots.txt need absolute addresses (pelican_plugin.absolute_feed)
        "ZQ_ABSOLUTE_URL": addresses.absolute_site_url(site.id),
        "ZQ_SITE": site_context(site, addresses, link_url),
        "ZQ_CLUSTER_NAV": cluster_navigation(site, addresses),
        "ZQ_PORTAL": {"name": portal.name, "url": addresses.site_url(portal.id)} if portal else None,
        "ZQ_SOURCES": dict(staged.sources),
        "ZQ_SEARCH": search_context(site, addresses),
    }
    settings.update(site.pelican.settings)  # checked by check_site_settings
    return settings


def jinja_environment() -> dict[str, Any]:
    """The Jinja settings of every site's templates (also those the fork server compiles them with,
    ``template_warmup.py``). ``auto_reload`` off: a rendering process lives for one site's run,
    in which no template changes, and Jinja would otherwise stat every template a page uses
    each time the page asks for it (the ``mtime`` checks were 2 % of a cold build)."""
    return {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True, "undefined": PrintedUndefinedIsAnError, "auto_reload": False}
