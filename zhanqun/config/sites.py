"""Stage 1: the site files (``sites/<id>.toml``) read into a validated :class:`Cluster`.

Every problem is reported with the file and the key path (``columns[2].type``) and, where the
key can be found in the text, its line; all problems of all site files are reported at once.
The schema is declared as data (:data:`SITE_SCHEMA`) so that later features add optional
sections in one place, and the README documents them from the same list.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import Problems, did_you_mean
from ..i18n import N_, _
from .attachment_types import ACTIVE_SUFFIXES
from .private_use import PRIVATE_USE_RE, private_use_message
from .colours import check_theme_colours
from .index_numbers import pattern_problem

SITE_KINDS = ("portal", "county", "department")
COLUMN_TYPES = (
    "news",
    "document",
    "disclosure",
    "appointment",
    "leader",
    "letter",
    "topic",
    "page",
    "link",
)
RESERVED_FOLDERS = ("files", "_data")
#: The languages a site is written in (BCP 47): Chinese, and traditional Mongolian for the
#: 蒙古文版 editions (``mn`` alone would not say which script; axe and search engines read ``mn-Mong``).
SITE_LANGS = ("zh-CN", "mn-Mong")
DEFAULT_LANG = "zh-CN"
#: Vertical languages: their pages are laid out top to bottom, columns left to right.
VERTICAL_LANGS = ("mn-Mong",)

SITE_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
COLUMN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
#: A site's address: scheme, a host name (letters of any script, digits, dots, hyphens), a port.
_PORT = r"(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})"  # 1–65535
URL_RE = re.compile(rf"^https?://[\w.-]+(?::{_PORT})?/$")
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: ``[theme] logo``/``banner``: a plain path under a theme's ``static/`` folder, to a picture.
ASSET_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")
ASSET_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


@dataclass(frozen=True)
class Column:
    """A 栏目: a folder of items under ``content/<site>/`` with a name and a type."""

    id: str
    name: str
    type: str
    url: str | None = None  # link columns: where the navigation entry points
    per_page: int | None = None  # None: the site's DEFAULT_PAGINATION (20)
    description: str = ""


@dataclass(frozen=True)
class Footer:
    sponsor: str
    contact: str
    icp: str
    police: str
    address: str = ""


@dataclass(frozen=True)
class ThemeSettings:
    """What a webmaster changes without templates (SPEC §2 ``[theme]``)."""

    primary: str = "#b31b1b"
    accent: str = "#c8a04a"
    logo: str | None = None
    banner: str | None = None
    home_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disclosure:
    credit_code: str = ""
    index_pattern: str = "{credit_code}/{year}-{serial:05d}"


@dataclass(frozen=True)
class Mailbox:
    endpoint: str | None = None
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Publishing:
    require_review: bool = False
    iframe_hosts: tuple[str, ...] = ()
    attachment_types: tuple[str, ...] = ()  # suffixes published beyond attachment_types.ATTACHMENT_TYPES


@dataclass(frozen=True)
class PelicanOptions:
    """Per-site Pelican plugins and settings; each site renders in its own process."""

    plugins: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    kind: str
    url: str
    sitecode: str
    footer: Footer
    columns: tuple[Column, ...]
    source: str  # "sites/<id>.toml", for messages
    parent: str | None = None
    short_name: str = ""
    intranet_url: str | None = None
    order: int = 0
    theme: ThemeSettings = ThemeSettings()
    disclosure: Disclosure = Disclosure()
    mailbox: Mailbox = Mailbox()
    publishing: Publishing = Publishing()
    pelican: PelicanOptions = PelicanOptions()
    audit: dict[str, int] = field(default_factory=dict)  # limits of build.py audit this site sets
    lang: str = DEFAULT_LANG
    edition_of: str | None = None  # the site this one is an edition of, in another language

    @property
    def is_edition(self) -> bool:
        return self.edition_of is not None

    @property
    def vertical(self) -> bool:
        """Whether the site's pages are laid out in vertical lines (traditional Mongolian)."""
        return self.lang in VERTICAL_LANGS

    def column(self, column_id: str) -> Column | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def home_layout(self) -> tuple[str | None, list[str]]:
        """What the home page lists: the 要闻 column (the first news column; none on a department
        site) and the block columns (``home_columns``, else the first six list columns), the 要闻
        column never twice. The theme draws it (``ZQ_SITE.headline_column``/``home_blocks``) and
        ``build.py audit`` measures it, from this one answer."""
        listable = [c.id for c in self.columns if c.type in ("news", "document", "disclosure", "appointment", "letter")]
        news = [c.id for c in self.columns if c.type == "news"]
        headline = news[0] if news and self.kind != "department" else None
        blocks = [c for c in (list(self.theme.home_columns) if self.theme.home_columns else listable) if c != headline][:6]
        return headline, blocks

    @property
    def audit_limits(self) -> dict[str, int]:
        """The limits ``build.py audit`` and the letters' warning apply: the national ones, with this
        site's stricter ``[audit]`` values; a stricter letter veto brings the reminder forward too."""
        limits = {name: default for name, (default, _doc) in AUDIT_LIMITS.items()} | self.audit
        limits["letter_warn_days"] = min(limits["letter_warn_days"], limits["letter_fail_days"])
        return limits

    @property
    def label(self) -> str:
        """The short name shown in cluster navigation (乌兰浩特市 rather than …人民政府)."""
        return self.short_name or self.name


@dataclass(frozen=True)
class Cluster:
    """Every site of the repository, in cluster-navigation order: portal, counties, departments."""

    sites: tuple[Site, ...]

    @cached_property
    def _by_id(self) -> dict[str, Site]:
        """Site by id: every link and address looks a site up, and a province has 1,000 of them."""
        return {site.id: site for site in self.sites}

    def __getitem__(self, site_id: str) -> Site:
        return self._by_id[site_id]

    def __contains__(self, site_id: object) -> bool:
        return isinstance(site_id, str) and site_id in self._by_id

    def named(self, text: str) -> str | None:
        """The id of the site ``text`` names: its id, or its Chinese name or short name (乌兰浩特市)."""
        text = text.strip()
        for site in self.sites:
            if text in (site.id, site.name, site.short_name, site.label):
                return site.id
        return None

    def suggestion(self, text: str) -> str:
        """`` (did you mean 'x'?)`` for a name no site has: a misspelt id, or a Chinese name given
        in part or with more words (突泉, 突泉县政府 → 突泉县), else a close name; ``''`` when none is."""
        text = text.strip()
        hint = did_you_mean(text, self.ids)
        if hint or not text:
            return hint
        if len(text) >= 2:
            near = [site for site in self.sites if any(name and (text in name or name in text) for name in (site.name, site.short_name))]
            if len(near) == 1:
                return _(" (did you mean '{word}'?)").format(word=near[0].label)
        return did_you_mean(text, [name for site in self.sites for name in (site.label, site.name)])

    def unknown_site(self, text: str) -> str:
        """What to say about a site name no site has (the list of sites follows it)."""
        return _("no site '{site}'{hint}").format(site=text, hint=self.suggestion(text))

    def listing(self) -> str:
        """The sites as an author reads them in a message: ``ulanhot 乌兰浩特市, …``."""
        return ", ".join(f"{site.id} {site.label}" for site in self.sites)

    @property
    def ids(self) -> list[str]:
        return [site.id for site in self.sites]

    def of_kind(self, kind: str, lang: str = DEFAULT_LANG) -> list[Site]:
        """The sites of ``kind`` written in ``lang``: an edition in another language is never
        counted among the Chinese sites (the portal's 蒙古文版 is not a second portal)."""
        return [site for site in self.sites if site.kind == kind and site.lang == lang]

    def editions_of(self, site_id: str) -> list[Site]:
        """The editions of ``site_id`` in other languages (``edition_of = site_id``)."""
        return [site for site in self.sites if site.edition_of == site_id]

    @property
    def editions(self) -> list[Site]:
        return [site for site in self.sites if site.is_edition]

    def original(self, site_id: str) -> Site:
        """The Chinese site an edition translates, or the site itself."""
        site = self[site_id]
        return self[site.edition_of] if site.edition_of and site.edition_of in self else site


# --- the schema ----------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns a message when the value is wrong


@dataclass(frozen=True)
class Key:
    name: str
    type: type | tuple[type, ...]
    required: bool = False
    check: Check | None = None
    doc: str = ""
    items: type | None = None  # lists: the type of every element
    item_check: Check | None = None  # lists: a check of every element


def _one_of(choices: tuple[str, ...]) -> Check:
    return lambda v: None if v in choices else _("{value!r} is not one of {choices}").format(value=v, choices=", ".join(choices))


def _matches(pattern: re.Pattern[str], what: str) -> Check:
    """``what`` is marked with ``N_`` where the key is declared and translated when the check runs."""
    # the whole value must match: ``re.match`` with ``$`` would accept "tzgg\n"
    return lambda v: None if pattern.fullmatch(v) else _("{value!r} is not {what}").format(value=v, what=_(what))


#: Spellings of a language tag an author may write, and the tag meant.
_LANG_SPELLINGS = {
    "mn": "mn-Mong", "mon": "mn-Mong", "mn_mong": "mn-Mong", "mn-mong": "mn-Mong", "mn-mong-cn": "mn-Mong", "mn_cn": "mn-Mong",
    "mn-cn": "mn-Mong", "mvf": "mn-Mong", "蒙古文": "mn-Mong", "蒙古语": "mn-Mong", "蒙文": "mn-Mong",
    "zh": "zh-CN", "zh_cn": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh-hans-cn": "zh-CN", "chi": "zh-CN", "中文": "zh-CN",
}


def _lang(v: str) -> str | None:
    """One of :data:`SITE_LANGS`, written exactly (``mn_Mong`` and ``mon`` fail axe and search engines)."""
    if v in SITE_LANGS:
        return None
    meant = _LANG_SPELLINGS.get(v.strip().lower())
    hint = _(" (did you mean '{word}'?)").format(word=meant) if meant else did_you_mean(v, SITE_LANGS)
    return _("{value!r} is not a language this generator lays out; write one of {choices}{hint}").format(value=v, choices=", ".join(SITE_LANGS), hint=hint)


def _sitecode(v: str) -> str | None:
    return None if re.fullmatch(r"[0-9A-Za-z]{10}", v) else _("{value!r} must be 10 characters (网站标识码)").format(value=v)


def _positive(v: int) -> str | None:
    return None if v > 0 else _("{value!r} must be a positive number").format(value=v)


def _per_page(v: int) -> str | None:
    return _positive(v) or (None if v <= 1000 else _("{value!r} is more items than a page can show; at most 1000").format(value=v))


def _asset(v: str) -> str | None:
    """A theme picture: a plain relative path (no ``..``, no address), ending like an image."""
    if not ASSET_RE.fullmatch(v) or ".." in v.split("/"):
        return _("{value!r} must be a path under themes/<id>/static/ or themes/gov/static/, such as 'images/logo.svg' (no '..', no leading '/', no address)").format(value=v)
    if not v.lower().endswith(ASSET_SUFFIXES):
        return _("{value!r} is not a picture ({suffixes})").format(value=v, suffixes=", ".join(ASSET_SUFFIXES))
    return None


def _host(v: str) -> str | None:
    return None if HOST_RE.fullmatch(v.lower().rstrip(".")) else _("{value!r} is not a host name such as 'player.xam.gov.cn'").format(value=v)


def _attachment_type(v: str) -> str | None:
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,10}", v):
        return _("{value!r} is not a file type such as '.exe'").format(value=v)
    if v.lower() in ACTIVE_SUFFIXES:
        return _("{value!r} is {kind}, which would run in the site's address; it is never published").format(value=v, kind=_(ACTIVE_SUFFIXES[v.lower()]))
    return None


def _module(v: str) -> str | None:
    return None if MODULE_RE.fullmatch(v) else _("{value!r} is not a Python module name such as 'my_plugin'").format(value=v)


def _link_column_url(v: str) -> str | None:
    """Where a ``link`` column leads: a web address, a ``site:`` link, or a path on this site."""
    if re.fullmatch(r"https?://[\w.-]+(?::\d{1,5})?(/\S*)?", v) or re.fullmatch(r"site:\S+", v):
        return None
    if v.startswith("/") and not v.startswith("//") and not re.search(r"[\s\\]", v):
        return None
    return _("{value!r}: a link column leads to an http(s) address, a site: link (site:portal/bsfw/) or a path on this site (/bsfw/)").format(value=v)


#: The limits of ``build.py audit`` (the national inspection's), each settable in ``[audit]``: default, meaning.
AUDIT_LIMITS: dict[str, tuple[int, str]] = {
    "home_days": (14, "首页栏目信息多少天未更新为单项否决（默认 14，即两周）"),
    "news_days": (14, "动态、要闻类栏目（第一个 news 栏目）多少天未更新提醒（默认 14）"),
    "notice_days": (183, "通知公告、文件、政府信息公开类栏目多少天未更新提醒（默认 183，即半年）"),
    "appointment_days": (365, "人事任免类栏目多少天未更新提醒（默认 365）"),
    "empty_columns": (5, "空白栏目达到多少个为单项否决（默认 5）"),
    "letter_warn_days": (60, "来信多少天未答复提醒（默认 60）"),
    "letter_fail_days": (90, "来信多少天未答复为单项否决（默认 90，即三个月）"),
    "no_letter_days": (365, "多少天没有来信时提醒检查互动渠道（默认 365）"),
    "broken_links": (10, "上次互联网正式版生成（build --target production）发现的不可用链接达到多少个时此项不合格（默认 10；国家抽查对每个不可用链接扣分，有一个即提醒）"),
}

SECTIONS: dict[str, tuple[Key, ...]] = {
    "footer": (
        Key("sponsor", str, True, doc="主办单位"),
        Key("contact", str, True, doc="联系方式"),
        Key("icp", str, True, doc="ICP备案号"),
        Key("police", str, True, doc="公安机关备案号"),
        Key("address", str, doc="办公地址"),
    ),
    "theme": (
        Key("primary", str, check=_matches(COLOUR_RE, N_("a colour like #9b1c1c")), doc="主色，如 #9b1c1c；须与白色文字有足够对比度"),
        Key("accent", str, check=_matches(COLOUR_RE, N_("a colour like #c8a04a")), doc="强调色，如 #c8a04a"),
        Key("logo", str, check=_asset, doc="网站标志图片，themes/<id>/static/ 或 themes/gov/static/ 下的路径，如 images/logo.svg"),
        Key("banner", str, check=_asset, doc="页头背景图，查找方式同 logo"),
        Key("home_columns", list, doc="首页按顺序显示的栏目 id（要闻栏目不重复显示）", items=str),
    ),
    "disclosure": (
        Key("credit_code", str, doc="统一社会信用代码"),
        Key("index_pattern", str, check=pattern_problem, doc="索引号格式，如 {credit_code}/{year}-{serial:05d}"),
    ),
    "mailbox": (
        Key("endpoint", str, check=_matches(re.compile(r"https?://[\w.-]+(?::\d{1,5})?(?:/\S*)?"), N_("an http(s) address")), doc="写信表单提交地址（http/https）"),
        Key("address", str, doc="未设 endpoint 时，来信的邮寄地址"),
        Key("phone", str, doc="未设 endpoint 时，信访电话"),
    ),
    "publishing": (
        Key("require_review", bool, doc="为 true 时，每篇发布的稿件须写明 Reviewed-By 和 Approved-By（先审后发）"),
        Key("iframe_hosts", list, doc="允许在正文中嵌入 <iframe> 的主机名，如 player.xam.gov.cn", items=str, item_check=_host),
        Key("attachment_types", list, doc="在常用文档、图片、音视频之外允许发布的附件类型，如 .dwg（网页、脚本类永不发布）", items=str, item_check=_attachment_type),
    ),
    "audit": tuple(Key(name, int, check=_positive, doc=doc) for name, (_default, doc) in AUDIT_LIMITS.items()),
    "pelican": (
        Key("plugins", list, doc="本站额外启用的 Pelican 插件（模块名）", items=str, item_check=_module),
        Key("settings", dict, doc="本站的 Pelican 设置（仅限允许的设置，如 DEFAULT_PAGINATION）"),
    ),
}

#: What each table of a site file is for (the reference in docs/ is generated from these).
SECTION_DOCS: dict[str, str] = {
    "footer": "页脚信息（必填）：主办单位、联系方式、备案号，政府网站每页都须显示",
    "theme": "外观：颜色、标志、页头背景、首页栏目；更多定制见[主题定制](theming.md)",
    "disclosure": "政府信息公开：统一社会信用代码和索引号格式（有 document 或 disclosure 栏目的网站需要）",
    "mailbox": "领导信箱（letter 栏目）：写信表单的提交地址，或信访地址和电话",
    "publishing": "发布规则：先审后发、可嵌入的 iframe 主机、额外的附件类型",
    "audit": "网站自查（build.py audit）的期限，默认取国家政府网站抽查的规定；只能设得更严（更小），不能放宽",
    "pelican": "高级设置：本站的 Pelican 插件和设置",
}
#: What each column type holds and shows.
COLUMN_TYPE_DOCS: dict[str, str] = {
    "news": "新闻、动态、通知公告类：按日期排列的稿件列表",
    "document": "政府文件：每篇须有索引号、发文机关、发文字号、成文日期、主题分类、有效性",
    "disclosure": "政府信息公开：法定主动公开内容、年报等，字段同 document",
    "appointment": "人事任免：按日期排列的任免信息",
    "leader": "领导信息：每位领导一页，须有 Position（职务），宜有 Photo（照片）",
    "letter": "领导信箱：来信与答复，须有 Received（受理日期）；答复后写 Replied 和 Replier",
    "topic": "专题专栏：专题稿件列表",
    "page": "单页：机构概况、办事指南等不按日期排列的页面",
    "link": "链接：导航中的一项，打开 url 指定的地址，不含稿件",
}

TOP_LEVEL: tuple[Key, ...] = (
    Key("id", str, True, _matches(SITE_ID_RE, N_("a short ASCII id such as 'ulanhot'")), doc="网站编号，小写英文字母和数字，如 ulanhot；与文件名 sites/<id>.toml、内容目录 content/<id>/ 一致"),
    Key("name", str, True, doc="网站全称，如 乌兰浩特市人民政府"),
    Key("short_name", str, doc="简称，用于站群导航，如 乌兰浩特市"),
    Key("kind", str, True, _one_of(SITE_KINDS), doc="网站类型：portal（门户）、county（旗县市）、department（盟直部门）"),
    Key("parent", str, doc="上级网站的 id（旗县市和部门网站必填，一般为 portal）"),
    Key("url", str, True, _matches(URL_RE, N_("an address like https://www.xam.gov.cn/")), doc="互联网正式地址，以 / 结尾，如 https://www.wlht.gov.cn/"),
    Key("intranet_url", str, check=_matches(URL_RE, N_("an address like http://wlht.zw.xam/")), doc="政务内网地址（intranet 目标使用），以 / 结尾"),
    Key("sitecode", str, True, _sitecode, doc="网站标识码，10 位，显示在页脚"),
    Key("order", int, doc="在站群导航同类网站中的排序，数字小的在前"),
    Key("lang", str, check=_lang, doc="网站的语言：zh-CN（中文，默认）或 mn-Mong（传统蒙古文，竖排）"),
    Key("edition_of", str, doc="另一种语言的版本（如蒙古文版）所对应的中文网站 id，如 portal；须是同类（kind 相同）的网站"),
    Key("footer", dict, True, doc="页脚信息，见 [footer]"),
    Key("columns", list, True, doc="栏目列表，每个栏目一个 [[columns]]，见下"),
    *(Key(name, dict) for name in SECTIONS if name != "footer"),
)

COLUMN_KEYS: tuple[Key, ...] = (
    Key("id", str, True, _matches(COLUMN_ID_RE, N_("a short ASCII id such as 'zwdt'")), doc="栏目编号，小写英文字母和数字，如 zwdt；也是内容目录名 content/<网站>/<栏目>/"),
    Key("name", str, True, doc="栏目中文名，如 政务动态"),
    Key("type", str, True, _one_of(COLUMN_TYPES), doc="栏目类型，见“栏目类型”一节"),
    Key("url", str, check=_link_column_url, doc="link 类型栏目：导航项打开的地址（http/https、site: 链接或本站路径）"),
    Key("per_page", int, check=_per_page, doc="列表页每页条数（默认为网站的 DEFAULT_PAGINATION，即 20）"),
    Key("description", str, doc="栏目说明，显示在栏目列表页标题下"),
)


class _Locator:
    """Finds the line of a key in a TOML text, best effort, so messages can say ``file:line``."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def find(self, table: str | None, key: str | None, index: int | None = None) -> int | None:
        start, end = 0, len(self.lines)
        if table:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            hits = [n for n, line in enumerate(self.lines) if header.match(line)]
            pick = index or 0
            if pick >= len(hits):
                return None
            start = hits[pick] + 1
            following = [n for n in range(start, end) if re.match(r"^\s*\[", self.lines[n])]
            end = following[0] if following else end
            if key is None:
                return hits[pick] + 1
        else:
            following = [n for n in range(0, end) if re.match(r"^\s*\[", self.lines[n])]
            end = following[0] if following else end
        if key is None:
            return None
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start, end):
            if pattern.match(self.lines[n]):
                return n + 1
        return None


def _check_audit_limits(audit: Any, source: str, loc: "_Locator", problems: Problems) -> None:
    """``[audit]`` limits may only be stricter than the national rules, and warn before they fail."""
    if not isinstance(audit, dict):
        return
    for name, value in audit.items():
        if name in AUDIT_LIMITS and type(value) is int and value > AUDIT_LIMITS[name][0]:
            problems.add(
                source, loc.find("audit", name), "bad-value",
                _("audit.{name}: {value} is looser than the national rule ({limit}); a site may only set a stricter limit").format(name=name, value=value, limit=AUDIT_LIMITS[name][0]),
            )
    warn, fail = audit.get("letter_warn_days"), audit.get("letter_fail_days", AUDIT_LIMITS["letter_fail_days"][0])
    if type(warn) is int and type(fail) is int and warn > fail:
        problems.add(source, loc.find("audit", "letter_warn_days"), "bad-value", _("audit.letter_warn_days: {warn} is after letter_fail_days ({fail}); the reminder comes first").format(warn=warn, fail=fail))


def _check_table(
    data: dict[str, Any],
    keys: tuple[Key, ...],
    where: str,
    source: str,
    locate: Callable[[str | None], int | None],
    problems: Problems,
) -> bool:
    """Validate one table against its keys; True when nothing was wrong."""
    ok = True
    known = {k.name: k for k in keys}
    prefix = f"{where}." if where else ""
    for name in data:
        if name not in known:
            problems.add(
                source,
                locate(name),
                "unknown-key",
                _("{key}: unknown key{hint}").format(key=f"{prefix}{name}", hint=did_you_mean(name, known)),
            )
            ok = False
    for key in keys:
        if key.name not in data:
            if key.required:
                problems.add(
                    source, locate(None), "missing-key", _("{key}: required key is missing").format(key=f"{prefix}{key.name}")
                )
                ok = False
            continue
        value = data[key.name]
        expected = key.type if isinstance(key.type, tuple) else (key.type,)
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            names = _(" or ").join(_type_name(t) for t in expected)
            problems.add(
                source, locate(key.name), "bad-value", _("{key}: must be {names}").format(key=f"{prefix}{key.name}", names=names)
            )
            ok = False
            continue
        if isinstance(value, str) and key.required and not value.strip():
            problems.add(source, locate(key.name), "bad-value", _("{key}: must not be empty").format(key=f"{prefix}{key.name}"))
            ok = False
            continue
        if key.check:
            message = key.check(value)
            if message:
                problems.add(source, locate(key.name), "bad-value", _("{key}: {message}").format(key=f"{prefix}{key.name}", message=message))
                ok = False
        if isinstance(value, list) and key.items is not None:
            for n, element in enumerate(value):
                if not isinstance(element, key.items) or isinstance(element, bool) and key.items is not bool:
                    problems.add(source, locate(key.name), "bad-value", _("{key}: must be {name}, not {element!r}").format(key=f"{prefix}{key.name}[{n}]", name=_type_name(key.items), element=element))
                    ok = False
                elif key.item_check and (message := key.item_check(element)):
                    problems.add(source, locate(key.name), "bad-value", _("{key}: {message}").format(key=f"{prefix}{key.name}[{n}]", message=message))
                    ok = False
    return ok


_TYPE_NAMES = {str: N_("a string"), int: N_("a whole number"), bool: N_("true or false"), list: N_("a list"), dict: N_("a table")}


def _type_name(kind: type) -> str:
    """How a message names a TOML type, in the current language."""
    return _(_TYPE_NAMES[kind]) if kind in _TYPE_NAMES else kind.__name__


def theme_asset_exists(root: Path, site_id: str, path: str) -> bool:
    """Whether a ``[theme]`` asset path exists in the site's override or the shared theme."""
    return (root / "themes" / site_id / "static" / path).is_file() or (root / "themes" / "gov" / "static" / path).is_file()


def check_theme_assets(theme: dict[str, Any], root: Path, site_id: str, source: str, line_of: Callable[[str], int | None], problems: Problems) -> None:
    """The ``[theme]`` logo and banner files exist (a path of the wrong form is an error of its
    own). Not a mistake that stops the build at the site files (nothing before rendering uses
    the pictures): the pipeline checks a valid site's after that stop, with the content's
    mistakes; a site file that has other errors has them checked at once, so one run lists
    every mistake of its ``[theme]`` table."""
    for label in ("logo", "banner"):
        path = theme.get(label)
        if isinstance(path, str) and _asset(path) is None and not theme_asset_exists(root, site_id, path):
            message = _("theme.{label}: no file {path} in themes/{site}/static/ or themes/gov/static/").format(label=label, path=path, site=site_id)
            problems.add(source, line_of(label), "missing-file", message)


def _load_site(path: Path, source: str, problems: Problems) -> Site | None:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(text, str(exc))
        problems.add(source, line, "toml-syntax", message)
        return None
    loc = _Locator(text)
    _expand_short_colours(data)
    before = len(problems.errors)
    _check_characters(data, source, loc, problems)
    _check_table(data, TOP_LEVEL, "", source, lambda k: loc.find(None, k) if k else 1, problems)
    if isinstance(data.get("id"), str) and data["id"] != path.stem:
        problems.add(
            source,
            loc.find(None, "id"),
            "bad-value",
            _("id: {id!r} must equal the file name {stem!r}").format(id=data["id"], stem=path.stem),
        )
    for name, keys in SECTIONS.items():
        table = data.get(name)
        if isinstance(table, dict):
            _check_table(
                table, keys, name, source, lambda k, n=name: loc.find(n, k), problems
            )
    if isinstance(data.get("theme"), dict):  # white text on primary, dark text on accent
        check_theme_colours(data["theme"], source, lambda k: loc.find("theme", k), problems)
    columns: list[Column] = []
    seen: dict[str, int] = {}
    raw_columns = data.get("columns")
    if isinstance(raw_columns, list):
        if not raw_columns:
            problems.add(source, loc.find(None, "columns"), "missing-key", _("columns: a site needs at least one column"))
        for n, raw in enumerate(raw_columns):
            where = f"columns[{n}]"
            if not isinstance(raw, dict):
                problems.add(source, None, "bad-value", _("{where}: must be a table ([[columns]])").format(where=where))
                continue
            locate = lambda k, n=n: loc.find("columns", k, n)  # noqa: E731
            if not _check_table(raw, COLUMN_KEYS, where, source, locate, problems):
                if isinstance(raw.get("id"), str):
                    seen.setdefault(raw["id"], n)  # its mistake is reported; home_columns may still name it
                continue
            if raw["id"] in RESERVED_FOLDERS or raw["id"] in ("theme", "feeds", "pagefind"):
                problems.add(
                    source, locate("id"), "bad-value", _("{where}.id: {id!r} is a folder the build itself uses (attachments, data, the theme, feeds, search); choose another id").format(where=where, id=raw["id"])
                )
                continue
            if raw["id"] in seen:
                problems.add(
                    source,
                    locate("id"),
                    "duplicate-column",
                    _("{where}.id: {id!r} is already columns[{n}]").format(where=where, id=raw["id"], n=seen[raw["id"]]),
                )
                continue
            if raw["type"] == "link" and not raw.get("url"):
                problems.add(source, locate("type"), "missing-key", _("{where}.url: a link column needs a url").format(where=where))
                continue
            seen[raw["id"]] = n
            columns.append(
                Column(
                    id=raw["id"],
                    name=raw["name"],
                    type=raw["type"],
                    url=raw.get("url"),
                    per_page=raw.get("per_page"),
                    description=raw.get("description", ""),
                )
            )
    pelican = data.get("pelican")
    if isinstance(pelican, dict) and isinstance(pelican.get("settings"), dict):
        for key in pelican["settings"]:
            if not isinstance(key, str) or not key.isupper() or key.startswith("ZQ_"):
                problems.add(
                    source,
                    loc.find("pelican.settings", key) or loc.find("pelican", "settings"),
                    "bad-value",
                    _("pelican.settings.{key}: settings are upper-case names, and ZQ_ names are zhanqun's own").format(key=key),
                )
    kind = data.get("kind")
    if kind in ("county", "department") and not data.get("parent"):
        problems.add(source, loc.find(None, "kind"), "missing-key", _("parent: a {kind} site must name its parent (the portal)").format(kind=kind))
    _check_audit_limits(data.get("audit"), source, loc, problems)
    theme = data.get("theme", {}) if isinstance(data.get("theme"), dict) else {}
    home_columns = theme.get("home_columns", [])
    for column_id in home_columns if isinstance(home_columns, list) else []:
        if column_id not in seen:
            by_name = [c.id for c in columns if c.name == column_id]  # 政务动态 for zwdt
            hint = _(" (its id is {id!r}: home_columns lists column ids)").format(id=by_name[0]) if by_name else did_you_mean(str(column_id), seen)
            problems.add(
                source,
                loc.find("theme", "home_columns"),
                "unknown-column",
                _("theme.home_columns: no column {column!r}{hint}").format(column=column_id, hint=hint),
            )
    if len(problems.errors) > before:  # the build stops at the site files: list the missing pictures now too
        if isinstance(data.get("theme"), dict):
            check_theme_assets(data["theme"], path.parent.parent, path.stem, source, lambda k: loc.find("theme", k), problems)
        return None
    footer = data["footer"]
    section = lambda name: data.get(name, {})  # noqa: E731
    return Site(
        id=data["id"],
        name=data["name"],
        short_name=data.get("short_name", ""),
        kind=data["kind"],
        parent=data.get("parent"),
        url=data["url"],
        intranet_url=data.get("intranet_url"),
        sitecode=data["sitecode"],
        order=data.get("order", 0),
        footer=Footer(**footer),
        columns=tuple(columns),
        source=source,
        theme=ThemeSettings(
            primary=theme.get("primary", ThemeSettings.primary),
            accent=theme.get("accent", ThemeSettings.accent),
            logo=theme.get("logo"),
            banner=theme.get("banner"),
            home_columns=tuple(home_columns),
        ),
        disclosure=Disclosure(**section("disclosure")),
        mailbox=Mailbox(**section("mailbox")),
        publishing=Publishing(
            require_review=section("publishing").get("require_review", False),
            iframe_hosts=tuple(section("publishing").get("iframe_hosts", ())),
            attachment_types=tuple(section("publishing").get("attachment_types", ())),
        ),
        pelican=PelicanOptions(
            plugins=tuple(section("pelican").get("plugins", ())),
            settings=dict(section("pelican").get("settings", {})),
        ),
        audit=dict(section("audit")),
        lang=data.get("lang", DEFAULT_LANG),
        edition_of=data.get("edition_of"),
    )


# --- a site file that is not TOML -----------------------------------------------------------

_TOML_WHERE_RE = re.compile(r"\(at line (\d+), column (\d+)\)$")
#: Chinese (full-width) punctuation where TOML needs the ASCII mark, and that mark
_FULL_WIDTH = {"“": '"', "”": '"', "＂": '"', "：": "=", "＝": "=", "【": "[", "】": "]", "［": "[", "］": "]"}
_KEY_VALUE_RE = re.compile(r'^(?P<indent>\s*)(?P<key>"[^"]*"|[A-Za-z0-9_.-]+)\s*(?P<mark>[=:：＝])\s*(?P<value>.*?)\s*$')
_HEADER_RE = re.compile(r"^\s*[\[【［]+\s*(?P<name>[^\]】］]*?)\s*[\]】］]+\s*$")
#: how a TOML value other than text starts: a string, an array, a table, a number, a boolean, a date
_NOT_TEXT_RE = re.compile(r"""^(?:["'\[{]|[+-]?(?:\d|inf\b|nan\b)|true\b|false\b)""")


def syntax_error(text: str, detail: str) -> tuple[int | None, str]:
    """The line and the message of a site file that tomllib cannot read.

    tomllib says *what* it could not read ("Invalid value"); an office worker needs to know *why*,
    and the causes are few: text without ASCII double quotes, Chinese quotes or a Chinese colon
    typed by the input method, a key or a table given twice. The message names the place, the
    likely cause with the line as it should be written, and ends with tomllib's own words.
    """
    where_match = _TOML_WHERE_RE.search(detail)
    if where_match is None:
        return None, _("not valid TOML at {where} ({detail})").format(where=_("the end of the file"), detail=detail)
    line, column = int(where_match.group(1)), int(where_match.group(2))
    lines = text.splitlines()
    hint = _syntax_hint(lines, line, detail) if 0 < line <= len(lines) else None
    where = _("line {line}, column {column}").format(line=line, column=column)
    if hint:
        return line, _("not valid TOML at {where}: {hint} ({detail})").format(where=where, hint=hint, detail=detail)
    return line, _("not valid TOML at {where} ({detail})").format(where=where, detail=detail)


def _syntax_hint(lines: list[str], line: int, detail: str) -> str | None:
    """The likely cause of a syntax error on ``lines[line - 1]``, with the line written right."""
    current = lines[line - 1]
    if detail.startswith(("Cannot overwrite a value", "Cannot declare")):
        return _given_twice(lines, line)
    header = _HEADER_RE.match(current)
    if header and any(mark in current for mark in "【】［］"):
        return _("write a table name between ASCII square brackets: {fixed}").format(fixed=f"[{header['name']}]")
    pair = _KEY_VALUE_RE.match(current)
    if pair is None:
        return None
    value = pair["value"]
    wide_quotes = any(mark in value for mark in "“”＂")
    fixed_value = "".join(_FULL_WIDTH.get(c, c) if c in "“”＂" else c for c in value)
    if value.lower() in ("true", "false") and value not in ("true", "false"):
        fixed_value = value.lower()
    elif not _NOT_TEXT_RE.match(fixed_value) and fixed_value:
        fixed_value = '"' + fixed_value.replace('"', '\\"') + '"'
    elif fixed_value.startswith('"') and (fixed_value.count('"') - fixed_value.count('\\"')) % 2:
        fixed_value += '"'  # a text with no closing quote on its line
    fixed = f"{pair['indent']}{pair['key']} = {fixed_value}"
    if pair["mark"] != "=":
        return _("join a key and its value with an ASCII '=', not '{mark}': {fixed}").format(mark=pair["mark"], fixed=fixed)
    if wide_quotes:
        return _("write text between ASCII double quotes \"…\", not Chinese quotes “…”: {fixed}").format(fixed=fixed)
    if value.lower() in ("true", "false"):
        return _("write true and false in lower case: {fixed}").format(fixed=fixed)
    if fixed_value != value:
        if value.startswith('"'):
            return _("the text has no closing ASCII double quote on its line: {fixed}").format(fixed=fixed)
        return _("write text between ASCII double quotes: {fixed}").format(fixed=fixed)
    return None


def _given_twice(lines: list[str], line: int) -> str | None:
    """``name`` (or ``[footer]``) given twice: where it was given first."""
    current = lines[line - 1]
    header = _HEADER_RE.match(current)
    if header:
        first = next((n for n in range(line - 1) if (h := _HEADER_RE.match(lines[n])) and h["name"] == header["name"] and "[[" not in lines[n]), None)
        table = f"[{header['name']}]"
        if first is None:
            return _("the table {table} is given twice; write its keys under one {table}").format(table=table)
        return _("the table {table} is given twice (first on line {first}); write its keys under one {table}").format(table=table, first=first + 1)
    pair = _KEY_VALUE_RE.match(current)
    if pair is None:
        return None
    start = next((n for n in range(line - 2, -1, -1) if lines[n].lstrip().startswith("[")), -1)
    first = next((n for n in range(start + 1, line - 1) if (p := _KEY_VALUE_RE.match(lines[n])) and p["key"] == pair["key"]), None)
    if first is None:
        return _("the key '{key}' is given twice in one table; keep one").format(key=pair["key"])
    return _("the key '{key}' is given twice in one table (first on line {first}); keep one").format(key=pair["key"], first=first + 1)


# --- characters no site file value may hold ------------------------------------------------------

#: Controls (C0 with tab and line breaks, DEL, C1), direction marks, overrides and isolates, the
#: Unicode line and paragraph separators, and the noncharacters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF):
#: a site file's values are one-line names, addresses and footer texts printed on every page.
_FORBIDDEN_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)
_CHARACTER_NAMES = {
    "\x00": N_("a NUL byte"),
    "\t": N_("a tab"),
    "\n": N_("a line break"),
    "\r": N_("a line break"),
    "\x0b": N_("a vertical tab (a line break pasted from Word)"),
    "\x0c": N_("a form feed (a page break pasted from Word)"),
    "\x85": N_("a NEL line break"),
    "\u2028": N_("a Unicode line separator"),
    "\u2029": N_("a Unicode paragraph separator"),
}
_DIRECTION = N_("a direction override, which makes text read differently from how it is written")
_NONCHARACTER = N_("a noncharacter, which is no text at all")


def _character_name(char: str) -> str:
    code = ord(char)
    if char in _CHARACTER_NAMES:
        return _(_CHARACTER_NAMES[char])
    if char in "\u061c\u200e\u200f" or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return _(_DIRECTION)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return _(_NONCHARACTER)
    return _(N_("a control character"))


def _strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of a parsed site file (keys too) with the path of keys and indexes to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield path + (key,), key
            yield from _strings(inner, path + (key,))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _strings(inner, path + (n,))


def _key_path(path: tuple[str | int, ...]) -> str:
    """``columns[2].name`` (a key with an odd character in it shown escaped)."""
    shown = ""
    for part in path:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            part = part.encode("unicode_escape").decode("ascii") if _FORBIDDEN_RE.search(part) else part
            shown += f".{part}" if shown else part
    return shown


def _locate(loc: "_Locator", path: tuple[str | int, ...]) -> int | None:
    """The line of the key at ``path``: ``name``, ``footer.icp``, ``columns[2].name``, ``pelican.settings.X``."""
    keys = [part for part in path if isinstance(part, str)]
    if len(path) >= 3 and path[0] == "columns" and isinstance(path[1], int) and isinstance(path[2], str):
        return loc.find("columns", path[2], path[1])
    if len(keys) == 1:
        return loc.find(None, keys[0])
    if len(keys) >= 2:
        return loc.find(".".join(keys[:-1]), keys[-1]) or loc.find(keys[0], keys[1])
    return None


def _check_characters(data: dict[str, Any], source: str, loc: "_Locator", problems: Problems) -> None:
    """No value of a site file holds a control character, a direction override or a noncharacter.

    Content files are refused the same characters (``control-character``): a site's name or
    footer is printed on every page and in every feed, where they cannot be carried or would
    make a name read differently from how it is written.
    """
    for path, text in _strings(data):
        private = PRIVATE_USE_RE.search(text)
        if private is not None:
            problems.add(source, _locate(loc, path), "private-use-text", _("{key}: {message}").format(key=_key_path(path), message=private_use_message(private.group(0))))
        match = _FORBIDDEN_RE.search(text)
        if match is None:
            continue
        char = match.group(0)
        code = ord(char)
        if char in "\u061c\u200e\u200f" or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            message = _("U+{code:04X}, {name}{times}, which no government text needs; delete it{more}")
        else:
            message = _("U+{code:04X}, {name}{times}, that web pages and feeds cannot carry; delete it{more}")
        shown = message.format(code=code, name=_character_name(char), times="", more="")
        problems.add(source, _locate(loc, path), "control-character", _("{key}: {message}").format(key=_key_path(path), message=shown))


_SHORT_COLOUR_RE = re.compile(r"^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")


def _expand_short_colours(data: dict[str, Any]) -> None:
    """``#fff`` is a colour in CSS too: read it as ``#ffffff`` so every later check sees one form."""
    theme = data.get("theme")
    if not isinstance(theme, dict):
        return
    for key in ("primary", "accent"):
        value = theme.get(key)
        match = _SHORT_COLOUR_RE.match(value) if isinstance(value, str) else None
        if match:
            theme[key] = "#" + "".join(channel * 2 for channel in match.groups())


_KIND_ORDER = {kind: n for n, kind in enumerate(SITE_KINDS)}


def site_file_ids(root: Path) -> set[str]:
    """The ids the site files name (``sites/<id>.toml``), before any is read."""
    sites_dir = root / "sites"
    return {path.stem for path in sites_dir.glob("*.toml")} if sites_dir.is_dir() else set()


def load_cluster(root: Path, problems: Problems) -> Cluster:
    """Read and validate every ``sites/*.toml`` and the cluster as a whole.

    Returns the sites that loaded cleanly; the caller stops when ``problems`` has errors.
    """
    sites_dir = root / "sites"
    paths = sorted(sites_dir.glob("*.toml")) if sites_dir.is_dir() else []
    if not paths:
        problems.add("sites", None, "no-sites", _("no site files found in {folder}").format(folder=sites_dir))
        return Cluster(())
    sites: list[Site] = []
    for path in paths:
        source = f"sites/{path.name}"
        if not SITE_ID_RE.fullmatch(path.stem):
            problems.add(source, None, "bad-file-name", _("site file names must be short ASCII ids such as 'ulanhot.toml'"))
            continue
        if not path.is_file():
            problems.add(source, None, "bad-file-name", _("named like a site file but not a file (a folder, or a link to nothing); remove it"))
            continue
        site = _load_site(path, source, problems)
        if site:
            sites.append(site)
    ids = {site.id for site in sites}
    named = ids | {path.stem for path in paths}  # a site whose file has errors is still a site
    portals = [site for site in sites if site.kind == "portal" and site.edition_of is None]
    if len(portals) > 1:
        for site in portals[1:]:
            problems.add(site.source, None, "duplicate-portal", _("the cluster already has a portal: {source}").format(source=portals[0].source))
    for site in sites:
        if site.parent is None:
            continue
        if site.parent not in named:
            problems.add(
                site.source,
                key_line(root, site, None, "parent"),
                "unknown-site",
                _("parent: no site {parent!r}{hint}").format(parent=site.parent, hint=did_you_mean(site.parent, ids)),
            )
        elif site.parent == site.id:
            problems.add(site.source, None, "bad-value", _("parent: a site cannot be its own parent"))
    _check_editions(root, sites, named, problems)
    _check_unique_addresses(root, sites, problems)
    # editions after the Chinese sites: the league's Mongolian site is no 7th county
    sites.sort(key=lambda s: (s.edition_of is not None, _KIND_ORDER[s.kind], s.order, s.id))
    return Cluster(tuple(sites))


def _check_editions(root: Path, sites: list[Site], named: set[str], problems: Problems) -> None:
    """``edition_of`` names an existing Chinese site of the same kind, in another language; an
    edition has no editions of its own (links between editions go through the Chinese site)."""
    by_id = {site.id: site for site in sites}
    for site in sites:
        if site.edition_of is None:
            if site.lang != DEFAULT_LANG:
                problems.add(
                    site.source, key_line(root, site, None, "lang"), "missing-key",
                    _("lang: a site in {lang} is an edition of a Chinese site; add edition_of = \"<id of that site>\"").format(lang=site.lang),
                )
            continue
        line = key_line(root, site, None, "edition_of")
        original = by_id.get(site.edition_of)
        if site.edition_of == site.id:
            problems.add(site.source, line, "bad-value", _("edition_of: a site cannot be an edition of itself"))
        elif original is None:
            if site.edition_of not in named:
                hint = did_you_mean(site.edition_of, [s.id for s in sites if s.edition_of is None])
                problems.add(site.source, line, "unknown-site", _("edition_of: no site {site!r}{hint}").format(site=site.edition_of, hint=hint))
        elif original.edition_of is not None:
            problems.add(
                site.source, line, "bad-value",
                _("edition_of: {site!r} is itself an edition of {original!r}; name the Chinese site, edition_of = \"{original}\"").format(site=original.id, original=original.edition_of),
            )
        elif original.kind != site.kind:
            problems.add(
                site.source, key_line(root, site, None, "kind"), "bad-value",
                _("kind: an edition is the same kind of site as {site} ({kind}); write kind = \"{kind}\"").format(site=original.source, kind=original.kind),
            )
        elif original.lang == site.lang:
            problems.add(
                site.source, key_line(root, site, None, "lang") or line, "bad-value",
                _("lang: an edition is in another language than {site} ({lang}); write its language, e.g. lang = \"mn-Mong\"").format(site=original.source, lang=original.lang),
            )
        elif any(other.lang == site.lang and other.id != site.id for other in sites if other.edition_of == site.edition_of):
            first = next(other for other in sorted(sites, key=lambda s: s.id) if other.edition_of == site.edition_of and other.lang == site.lang)
            if first.id != site.id:
                problems.add(site.source, line, "bad-value", _("edition_of: {site} already has an edition in {lang}: {other}").format(site=original.id, lang=site.lang, other=first.source))


def key_line(root: Path, site: Site, table: str | None, key: str) -> int | None:
    """The line of ``key`` (in ``[table]``) in a site's file, for messages found after loading."""
    try:
        text = (root / site.source).read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    return _Locator(text).find(table, key)


def _check_unique_addresses(root: Path, sites: list[Site], problems: Problems) -> None:
    """Two sites at one address would write each other's pages (and links could not tell them apart).

    Production addresses (``url``) must differ, and so must intranet addresses (``intranet_url``,
    or ``url`` where a site has none); compared without regard to case.
    """
    for target, key, address_of in (
        ("production", "url", lambda s: s.url),
        ("intranet", "intranet_url", lambda s: s.intranet_url or s.url),
    ):
        seen: dict[str, Site] = {}
        for site in sorted(sites, key=lambda s: s.source):
            address = address_of(site).lower()
            other = seen.get(address)
            if other is None:
                seen[address] = site
                continue
            if target == "intranet" and not (site.intranet_url or other.intranet_url):
                continue  # the same two production addresses, reported once
            shown = key if (key == "url" or site.intranet_url) else "url"
            text = (root / site.source).read_bytes().decode("utf-8-sig", errors="replace")
            if target == "production":  # one whole sentence per target: the word order differs in Chinese
                message = _("{key}: {address} is already the production address of {other}; every site needs its own address")
            else:
                message = _("{key}: {address} is already the intranet address of {other}; every site needs its own address")
            problems.add(
                site.source,
                _Locator(text).find(None, shown),
                "duplicate-url",
                message.format(key=shown, address=address_of(site), other=other.source),
            )

