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
        return f"write dates as YYYY-MM-DD: '{suggestion}' instead of '{value}'"
    return f"'{value}' is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM"


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


def check_day(value: str) -> str | None:
    message = check_date(value)
    if message is None and not _DAY_RE.fullmatch(value):
        return f"'{value}' must be a day, YYYY-MM-DD"
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
            return f"'{value}' holds an invisible character (U+{ord(hidden[0]):04X}); delete it and write one of {', '.join(choices)}"
        meant = CHINESE_VALUES.get(value.strip())
        hint = f" (write '{meant}' for {value})" if meant in choices else did_you_mean(value, choices)
        return f"'{value}' is not one of {', '.join(choices)}{hint}"

    return check


def _slug(value: str) -> str | None:
    if value == "index":
        return "'index' is the column's own list page; choose another slug"
    if SLUG_RE.fullmatch(value):
        return None
    fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    hint = f" (did you mean '{fixed}'?)" if fixed and SLUG_RE.fullmatch(fixed) else ""
    return f"'{value}' is not a slug: use lowercase ASCII letters, digits and hyphens{hint}"


def _tags(value: str) -> str | None:
    if re.search(r"[;；]", value):
        return "separate tags with commas, not semicolons"
    for tag in split_list(value):
        if len(tag) > MAX_TAG_LENGTH:
            return f"tag '{tag[:12]}…' is longer than {MAX_TAG_LENGTH} characters; separate tags with commas"
        if not any(unicodedata.category(ch)[0] in "LN" for ch in tag):
            return f"tag '{tag}' has no letter or digit; a tag is a word such as 春耕"
    return None


def _aliases(value: str) -> str | None:
    from ..paths import url_segments

    for alias in split_list(value):
        if not alias.startswith("/") or "//" in alias or ".." in alias.split("/") or "\\" in alias:
            return f"alias '{alias}' must be a path on this site starting with '/', such as /old/page.html"
        if url_segments(alias) is None:
            return f"alias '{alias}' leaves the site once its %-escapes are decoded; write the old path on this site, such as /old/page.html"
    return None


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


@dataclass(frozen=True)
class KeySpec:
    name: str
    doc: str
    check: Check | None = None


def _keys(*specs: KeySpec) -> dict[str, KeySpec]:
    return {spec.name: spec for spec in specs}


KNOWN_KEYS: dict[str, KeySpec] = _keys(
    KeySpec("Title", "标题 (required)", _not_empty),
    KeySpec("Date", "发布日期 (required), YYYY-MM-DD[ HH:MM], Asia/Shanghai", check_date),
    KeySpec("Modified", "更新日期", check_date),
    KeySpec("Slug", "ASCII name in the address; pinyin of the title when absent", _slug),
    KeySpec("Summary", "摘要"),
    KeySpec("Tags", "标签, comma separated", _tags),
    KeySpec("Source", "来源"),
    KeySpec("Author", "作者"),
    KeySpec("Status", "published | draft | hidden", _choice(STATUSES)),
    KeySpec("Visibility", "public | internal", _choice(VISIBILITIES)),
    KeySpec("Syndicate", "site ids, or counties | departments | all: copies in each receiver's column of the same id"),
    KeySpec("Aliases", "old addresses on this site that redirect here (/old/page.html, /older/), comma separated", _aliases),
    KeySpec("Video", "video news: a local .mp4/.webm/.ogv file (files/… or {static} path)"),
    KeySpec("Poster", "the video's poster image (files/… or {static} path)"),
    KeySpec("Captions", "WebVTT captions for the video (.vtt, files/… or {static} path)"),
    KeySpec("Index-No", "索引号 (document and disclosure columns), as the site's [disclosure] index_pattern; unique in the cluster", _not_empty),
    KeySpec("Issuer", "发文机关", _not_empty),
    KeySpec("Doc-No", "发文字号 (无 when the document has none)", _not_empty),
    KeySpec("Written", "成文日期, YYYY-MM-DD", check_day),
    KeySpec("Topic", "主题分类, from the national list", _choice(TOPICS)),
    KeySpec("Validity", "有效性: 有效 | 失效 | 废止", _choice(VALIDITIES)),
    KeySpec("Validity-Date", "失效/废止 date, YYYY-MM-DD", check_day),
    KeySpec("Interprets", "the document a 解读 explains (site: or {filename} link)"),
    KeySpec("Received", "letters: 受理日期 (required in letter columns)", check_day),
    KeySpec("Replied", "letters: 答复日期; with it, Replier and a '## 答复' section", check_day),
    KeySpec("Replier", "letters: 答复部门"),
    KeySpec("Leaders", "titles of leader pages of the same site named in a news item, comma separated"),
    KeySpec("Position", "leader pages: 职务"),
    KeySpec("Photo", "leader pages: photo ({static} path or files/…)"),
    KeySpec("Reviewed-By", "审核人 (never published)"),
    KeySpec("Approved-By", "签发人 (never published)"),
)

#: The required keys of items in document and disclosure columns (SPEC §3).
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
