"""Short ASCII slugs from Chinese titles, through pinyin.

Addresses of government pages are cited in documents and letters for years, so a slug must be
stable (a function of the title alone), ASCII, and short enough to read aloud.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Callable

MAX_SYLLABLES = 12
MAX_LENGTH = 64


@cache
def _pinyin() -> Callable[..., Any]:
    """pypinyin's ``lazy_pinyin``, imported on first use: its dictionaries take most of a second
    to load, which a build that reads no title (nothing changed, or every item read from the cache
    of read items) need not pay."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def slug_from_title(title: str, fallback: str = "item") -> str:
    """``兴安盟召开2026年春季农业生产工作会议`` → ``xing-an-meng-zhao-kai-2026-nian-chun-ji-nong-ye-sheng-chan``."""
    words: list[str] = []
    for part in _pinyin()(title, errors=lambda chars: re.findall(r"[A-Za-z0-9]+", chars)):
        words += re.findall(r"[a-z0-9]+", part.lower())
    slug = ""
    for word in words[:MAX_SYLLABLES]:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_LENGTH:
            break
        slug = candidate
    if not slug:
        slug = "-".join(re.findall(r"[a-z0-9]+", fallback.lower()))[:MAX_LENGTH] or "item"
    return slug


#: Words of official titles that say nothing about the item (关于…的通知), dropped from new slugs.
BOILERPLATE = (
    "关于印发", "关于转发", "关于", "印发", "转发", "的通知", "的通告", "的公告", "的决定", "的意见", "的批复",
    "的函", "的报告", "的实施方案", "通知", "通告", "公告", "进一步", "切实", "认真", "做好", "全面", "召开", "举行",
)
SHORT_SYLLABLES = 8


def short_slug(title: str, drop: tuple[str, ...] = (), fallback: str = "item") -> str:
    """A short slug for a new item: the title's key words, without the site's own name or boilerplate.

    ``乌兰浩特市人民政府关于做好2026年春耕生产工作的通知`` on the site 乌兰浩特市 →
    ``2026-chun-geng-sheng-chan-gong-zuo``: every document of a site no longer shares the same long
    prefix, and the address can be read aloud. Only ``build.py new`` uses it and writes the result
    into the file's ``Slug:``, so the address stays as it is once published whatever the title
    becomes; items without a ``Slug:`` keep :func:`slug_from_title`.
    """
    key = title
    for word in sorted({w for w in drop if w}, key=len, reverse=True) + list(BOILERPLATE):
        key = key.replace(word, " ")
    key = re.sub(r"(\d)\s*年度?", r"\1 ", key)  # 2026年, 2026年度 → 2026
    words: list[tuple[str, int]] = []  # (syllable or ASCII word, place in its run of characters; 0 for ASCII)
    run = 0
    for char_or_run in re.findall(r"[\u3400-\u9fff]|[A-Za-z0-9]+|\s+|.", key):
        if re.fullmatch(r"[\u3400-\u9fff]", char_or_run):
            run += 1
            words.append((_pinyin()(char_or_run)[0].lower(), run))
        else:
            run = 0
            words += [(w.lower(), 0) for w in re.findall(r"[A-Za-z0-9]+", char_or_run)]
    kept = words[:SHORT_SYLLABLES]
    if len(words) > len(kept) and kept and kept[-1][1] % 2 == 1 and words[len(kept)][1] > 1:
        kept = kept[:-1]  # most words are two characters: do not end in the middle of one
    slug = "-".join(w for w, _ in kept)[:MAX_LENGTH].strip("-")
    return slug or slug_from_title(title, fallback)
