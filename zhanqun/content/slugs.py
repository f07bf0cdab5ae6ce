"""Short ASCII slugs from Chinese titles, through pinyin.

Addresses of government pages are cited in documents and letters for years, so a slug must be
stable (a function of the title alone), ASCII, and short enough to read aloud.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

MAX_SYLLABLES = 12
MAX_LENGTH = 64


def slug_from_title(title: str, fallback: str = "item") -> str:
    """``兴安盟召开2026年春季农业生产工作会议`` → ``xing-an-meng-zhao-kai-2026-nian-chun-ji-nong-ye-sheng-chan``."""
    words: list[str] = []
    for part in lazy_pinyin(title, errors=lambda chars: re.findall(r"[A-Za-z0-9]+", chars)):
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
