"""Images in author Markdown must carry alt text (WCAG 2.1 1.1.1, GB/T 37668-2019).

A blind reader hears nothing of an image without alt text, and a screen reader falls back to
reading out the file name. The browser tests check the theme's own images; this check covers
what authors write, at the index stage, so the error points at the line of the content file:
``![](x.png)``, ``![ ][ref]`` and ``<img src="x.png">`` (or ``alt=""``) are located errors.
Images inside code (fenced blocks, inline code spans) are text, not images, and are skipped.
"""

from __future__ import annotations

import re

from ..errors import Problems
from ..i18n import _

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^(?P=indent)?(?P=fence)[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?:[^\n]|\n(?!\s*\n))+?(?<!`)(?P=ticks)(?!`)")
_MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\(\s*<?(?P<src>[^)\s>]*)|\[(?P<ref>[^\]]*)\])?")
_HTML_IMG = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"""\balt\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""", re.IGNORECASE)
_SRC_ATTR = re.compile(r"""\bsrc\s*=\s*["']?(?P<src>[^\s"'>]*)""", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    """Replace code with spaces, keeping newlines so offsets still give the right line."""
    return re.sub(r"[^\n]", " ", match.group(0))


def images_without_alt(body: str) -> list[tuple[int, str]]:
    """``(offset, message)`` for every image in ``body`` that has no alt text, in order."""
    text = _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, body))
    found: list[tuple[int, str]] = []
    for match in _MD_IMAGE.finditer(text):
        if match.group("alt").strip():
            continue
        target = match.group("src") or match.group("ref") or ""
        shown = f"({target})" if match.group("src") is not None else f"[{target}]"
        message = _("image {target} has no alt text; describe what it shows: ![说明图片内容的文字]{shown}").format(target=target or _("(no address)"), shown=shown)
        found.append((match.start(), message))
    for match in _HTML_IMG.finditer(text):
        attrs = match.group("attrs")
        src_match = _SRC_ATTR.search(attrs)
        src = src_match.group("src") if src_match else _("(no src)")
        alt = _ALT_ATTR.search(attrs)
        if alt is None:
            found.append((match.start(), _("<img src=\"{src}\"> has no alt attribute; add alt=\"…\" describing what it shows").format(src=src)))
        elif not (alt.group("dq") or alt.group("sq") or alt.group("bare") or "").strip():
            found.append((match.start(), _("<img src=\"{src}\"> has an empty alt attribute; describe what it shows").format(src=src)))
    return sorted(found)


def check_alt_text(source: str, body: str, body_line: int, problems: Problems) -> None:
    """Add a located ``missing-alt`` error for every image of an item's body without alt text."""
    for offset, message in images_without_alt(body):
        problems.add(source, body_line + body.count("\n", 0, offset), "missing-alt", message)
