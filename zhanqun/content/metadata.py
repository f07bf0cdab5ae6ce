"""The metadata keys authors may write, and how each value is checked.

One registry (:data:`KNOWN_KEYS`) serves the header parser, the value checks, the ``new``
command and the README; a feature that adds a key adds it here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from ..i18n import _

SHANGHAI = ZoneInfo("Asia/Shanghai")

STATUSES = ("published", "draft", "hidden")
VISIBILITIES = ("public", "internal")
VALIDITIES = ("有效", "失效", "废止")
SYNDICATE_GROUPS = ("counties", "departments", "all")

#: 主题分类, the national list (DOMAIN.md).
TOPICS = (
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
)

Check = Callable[[str], str | None]

#: The text ``build.py new`` puts where the item's text goes: an item that still holds it is not
#: published (a page reading "在此填写正文" on a government site is a finding of the inspection).
PLACEHOLDER_BODY = "在此填写正文。"
#: Every text ``build.py new`` writes for the author to replace, in bodies and header values.
PLACEHOLDERS = (PLACEHOLDER_BODY, "在此粘贴来信内容（按原文，作为纯文本显示）。", "在此填写简历。", "在此填写分工。")
VALUE_PLACEHOLDERS = ("（职务）", *PLACEHOLDERS)  # a header value may be just the short one
_MARKS = re.compile(r"[\s*_`~>#\-]+")


def placeholder_in(text: str, placeholders: tuple[str, ...] = PLACEHOLDERS) -> str | None:
    """The placeholder ``text`` still holds, however it was dressed (``**在此**填写正文 。``); else None."""
    plain = _MARKS.sub("", text)
    return next((p for p in placeholders if _MARKS.sub("", p) in plain), None)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?:[T\s]|日)\s*(?P<h>\d{1,2})\s*[:时点]\s*(?P<min>\d{2})(?:\s*分)?(?::\d{2})?)?\s*$"
)
MAX_TAG_LENGTH = 20
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def parse_date(value: str) -> datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` in Asia/Shanghai; ``None`` when malformed."""
    if not _DATE_RE.fullmatch(value):
        return None
    try:
        fmt = "%Y-%m-%d %H:%M" if " " in value else "%Y-%m-%d"
        return datetime.strptime(value, fmt).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def check_date(value: str) -> str | None:
    """None for a valid date; otherwise a message that shows the ISO form to write instead.

    ``2026年11月5日``, ``2026/11/5``, ``2026.11.05``, full-width digits and ``9:30`` are all
    refused — one spelling keeps sorting, feeds and the 发布日期 of every page consistent — but
    the message spells out the ``2026-11-05`` to write.
    """
    if parse_date(value):
        return None
    suggestion = _iso_suggestion(value)
    if suggestion:
        return _("write dates as YYYY-MM-DD: '{suggestion}' instead of '{value}'").format(suggestion=suggestion, value=value)
    return _("'{value}' is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM").format(value=value)


def _iso_suggestion(value: str) -> str | None:
    """The ISO spelling of a date written another common way, if it is a real date."""
    normal = unicodedata.normalize("NFKC", value).strip()
    match = _LOOSE_DATE_RE.match(normal)
    if not match:
        return None
    y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
    iso = f"{y:04d}-{m:02d}-{d:02d}"
    if match.group("h") is not None:
        iso += f" {int(match.group('h')):02d}:{int(match.group('min')):02d}"
    return iso if parse_date(iso) and iso != value else None


def fixed_value(key: str, value: str) -> str:
    """``value`` as it should be written for ``key``, where the check knows the fix (dates in ISO form).

    Every suggestion a message makes for a header line is built with this, so applying the
    suggestion gives a line that passes (``Date：2026年11月30日`` → ``Date: 2026-11-30``).
    """
    value = value.strip()
    spec = KNOWN_KEYS.get(key)
    if key == "Doc-No" and _DOC_NO_YEAR.search(value):
        return _DOC_NO_YEAR.sub(r"〔\1〕", value)
    if key in ("Status", "Visibility") and CHINESE_VALUES.get(value) and spec and spec.check and spec.check(CHINESE_VALUES[value]) is None:
        return CHINESE_VALUES[value]
    if spec and spec.check in (check_date, check_day) and spec.check(value):
        suggestion = _iso_suggestion(value)
        if suggestion and spec.check(suggestion) is None:
            return suggestion
        if suggestion and spec.check is check_day and spec.check(suggestion[:10]) is None:
            return suggestion[:10]
    return value


def check_day(value: str) -> str | None:
    message = check_date(value)
    if message is None and not _DAY_RE.fullmatch(value):
        return _("'{value}' must be a day, YYYY-MM-DD").format(value=value)
    return message


#: Chinese words authors write as values, and the value they mean.
CHINESE_VALUES: dict[str, str] = {
    "发布": "published",
    "已发布": "published",
    "公开发布": "published",
    "草稿": "draft",
    "隐藏": "hidden",
    "公开": "public",
    "内部": "internal",
    "内网": "internal",
    "不公开": "internal",
}


def _choice(choices: tuple[str, ...]) -> Check:
    def check(value: str) -> str | None:
        if value in choices:
            return None
        from ..errors import did_you_mean

        hidden = [ch for ch in value if unicodedata.category(ch) in ("Cf", "Cc", "Zs") and ch != " "]
        if hidden:
            return _("'{value}' holds an invisible character (U+{code:04X}); delete it and write one of {choices}").format(
                value=value, code=ord(hidden[0]), choices=", ".join(choices)
            )
        meant = CHINESE_VALUES.get(value.strip())
        hint = _(" (write '{meant}' for {value})").format(meant=meant, value=value) if meant in choices else did_you_mean(value, choices)
        return _("'{value}' is not one of {choices}{hint}").format(value=value, choices=", ".join(choices), hint=hint)

    return check


def _slug(value: str) -> str | None:
    if value == "index":
        return _("'index' is the column's own list page; choose another slug")
    if SLUG_RE.fullmatch(value):
        return None
    fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    hint = _(" (did you mean '{fixed}'?)").format(fixed=fixed) if fixed and SLUG_RE.fullmatch(fixed) else ""
    return _("'{value}' is not a slug: use lowercase ASCII letters, digits and hyphens{hint}").format(value=value, hint=hint)


def _tags(value: str) -> str | None:
    if re.search(r"[;；]", value):
        return _("separate tags with commas, not semicolons")
    for tag in split_list(value):
        if len(tag) > MAX_TAG_LENGTH:
            return _("tag '{tag}…' is longer than {limit} characters; separate tags with commas").format(tag=tag[:12], limit=MAX_TAG_LENGTH)
        if not any(unicodedata.category(ch)[0] in "LN" for ch in tag):
            return _("tag '{tag}' has no letter or digit; a tag is a word such as 春耕").format(tag=tag)
    return None


def _aliases(value: str) -> str | None:
    from ..paths import url_segments

    for alias in split_list(value):
        if not alias.startswith("/") or "//" in alias or ".." in alias.split("/") or "\\" in alias:
            return _("alias '{alias}' must be a path on this site starting with '/', such as /old/page.html").format(alias=alias)
        if url_segments(alias) is None:
            return _("alias '{alias}' leaves the site once its %-escapes are decoded; write the old path on this site, such as /old/page.html").format(alias=alias)
    return None


#: A year in brackets other than the 六角括号 GB/T 9704 sets for 发文字号: [2026], ［2026］, (2026), 【2026】.
_DOC_NO_YEAR = re.compile(r"[\[［(（【〖]\s*(\d{4})\s*[\]］)）】〗]")


def _doc_no(value: str) -> str | None:
    """A 发文字号 writes its year in 六角括号: 兴署发〔2026〕1号, not [2026] or (2026)."""
    if not value.strip():
        return _("must not be empty")
    if _DOC_NO_YEAR.search(value):
        fixed = _DOC_NO_YEAR.sub(r"〔\1〕", value.strip())
        return _("write the year in 六角括号 〔〕: '{fixed}' instead of '{value}'").format(fixed=fixed, value=value.strip())
    return None


def _not_empty(value: str) -> str | None:
    return None if value.strip() else _("must not be empty")


@dataclass(frozen=True)
class KeySpec:
    name: str
    doc: str
    check: Check | None = None


def _keys(*specs: KeySpec) -> dict[str, KeySpec]:
    return {spec.name: spec for spec in specs}


KNOWN_KEYS: dict[str, KeySpec] = _keys(
    KeySpec("Title", "标题（必填）", _not_empty),
    KeySpec("Date", "发布日期（必填），写作 2026-03-01 或 2026-03-01 09:30（北京时间）", check_date),
    KeySpec("Modified", "更新日期，写法同 Date", check_date),
    KeySpec("Slug", "网址中的文件名，小写英文字母、数字和 -，如 spring-farming；不写时由标题的拼音生成。发布后不要再改", _slug),
    KeySpec("Summary", "摘要，显示在列表和订阅中；不写时取正文开头"),
    KeySpec("Tags", "关键词，用逗号分隔，如 春耕, 农业生产；显示在稿件末尾", _tags),
    KeySpec("Source", "来源，如 兴安日报"),
    KeySpec("Author", "作者，显示在发布日期旁"),
    KeySpec("Status", "状态：published（发布，默认）、draft（草稿，任何目标都不发布）、hidden（发布但不在列表中出现）", _choice(STATUSES)),
    KeySpec("Visibility", "可见范围：public（公开，默认）、internal（仅政务内网 intranet 目标发布）", _choice(VISIBILITIES)),
    KeySpec("Syndicate", "同步到其他网站：网站编号或名称（如 乌兰浩特市），或 counties（也可写 各旗县市）、departments（各部门）、all（全部），用逗号分隔；副本出现在接收网站同编号的栏目中"),
    KeySpec("Aliases", "本站旧地址，访问时跳转到本文，如 /old/page.html，用逗号分隔", _aliases),
    KeySpec("Video", "视频新闻：本站的 .mp4/.webm/.ogv 文件（files/… 或 {static} 路径）"),
    KeySpec("Poster", "视频封面图片（files/… 或 {static} 路径）"),
    KeySpec("Captions", "视频字幕，WebVTT 格式 .vtt（files/… 或 {static} 路径）"),
    KeySpec("Index-No", "索引号，按网站 [disclosure] index_pattern 的格式，全站群唯一；用 build.py new 新建时自动填写下一个", _not_empty),
    KeySpec("Issuer", "发文机关", _not_empty),
    KeySpec("Doc-No", "发文字号，如 兴署发〔2026〕1号（年份用六角括号〔〕）；没有时写 无", _doc_no),
    KeySpec("Written", "成文日期，写作 2026-03-01", check_day),
    KeySpec("Topic", "主题分类，取国家规定的分类之一，如 综合政务", _choice(TOPICS)),
    KeySpec("Validity", "有效性：有效、失效 或 废止", _choice(VALIDITIES)),
    KeySpec("Validity-Date", "失效或废止的日期，写作 2026-03-01（Validity 为 失效、废止 时必填）", check_day),
    KeySpec("Translation-Of", "蒙古文版等其他语言版本的稿件：所翻译的中文稿件，写作 site:portal/zwdt/文件.md；两个页面互相链接（中文 / ᠮᠣᠩᠭᠣᠯ）"),
    KeySpec("Interprets", "政策解读所解读的文件：site:portal/zfwj/文件.md 或 {filename} 链接"),
    KeySpec("Received", "来信受理日期，写作 2026-03-01（letter 栏目必填）", check_day),
    KeySpec("Replied", "答复日期；写了它，就要写 Replier 和“## 答复”一节", check_day),
    KeySpec("Replier", "答复部门"),
    KeySpec("Leaders", "新闻中提到的本站领导（领导页面的标题），用逗号分隔"),
    KeySpec("Position", "领导页面：职务"),
    KeySpec("Photo", "领导页面：照片（files/… 或 {static} 路径）"),
    KeySpec("Reviewed-By", "审核人（先审后发；不在网页上显示）"),
    KeySpec("Approved-By", "签发人（先审后发；不在网页上显示）"),
)

#: The column types a key is written in, for the reference; keys not listed apply to every type.
KEY_COLUMN_TYPES: dict[str, tuple[str, ...]] = {
    **{key: ("document", "disclosure") for key in ("Index-No", "Issuer", "Doc-No", "Written", "Topic", "Validity", "Validity-Date")},
    **{key: ("letter",) for key in ("Received", "Replied", "Replier")},
    **{key: ("leader",) for key in ("Position", "Photo")},
    **{key: ("news",) for key in ("Video", "Poster", "Captions", "Interprets", "Leaders")},
}

#: The required keys of items in document and disclosure columns.
DOCUMENT_KEYS = ("Index-No", "Issuer", "Doc-No", "Written", "Topic", "Validity")

#: Chinese words authors type as keys, and the key they mean.
CHINESE_KEYS: dict[str, str] = {
    "标题": "Title",
    "题目": "Title",
    "日期": "Date",
    "发布日期": "Date",
    "发布时间": "Date",
    "时间": "Date",
    "修改日期": "Modified",
    "更新日期": "Modified",
    "摘要": "Summary",
    "简介": "Summary",
    "标签": "Tags",
    "关键词": "Tags",
    "来源": "Source",
    "信息来源": "Source",
    "作者": "Author",
    "状态": "Status",
    "可见性": "Visibility",
    "索引号": "Index-No",
    "发文机关": "Issuer",
    "发布机构": "Issuer",
    "文号": "Doc-No",
    "发文字号": "Doc-No",
    "成文日期": "Written",
    "主题分类": "Topic",
    "有效性": "Validity",
    "受理日期": "Received",
    "答复日期": "Replied",
    "答复部门": "Replier",
    "职务": "Position",
    "照片": "Photo",
    "审核": "Reviewed-By",
    "审核人": "Reviewed-By",
    "签发": "Approved-By",
    "签发人": "Approved-By",
}

_LOWER = {name.lower(): name for name in KNOWN_KEYS}


def canonical_key(key: str) -> str | None:
    """The registered spelling of a key written in any case, or ``None`` when unknown."""
    return _LOWER.get(key.strip().lower())


def split_list(value: str) -> list[str]:
    """Comma-separated values; full-width commas and 、 are read as commas too."""
    return [part.strip() for part in re.split(r"[,，、]", value) if part.strip()]
