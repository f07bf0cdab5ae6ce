"""Raw HTML in author Markdown: what may pass through to a government page, and what may not.

Python-Markdown copies raw HTML to the page untouched, so a pasted ``<script>``, an ``<iframe>``
from an unknown host, an ``onclick=`` attribute or a ``javascript:`` link would run on an
official site. This module tokenizes the Markdown body (and the header values that templates
show) with :mod:`html.parser` — a real tokenizer, so attribute quoting, entities and case tricks
do not hide anything — and reports each offending tag on its own line.

Code blocks and code spans are escaped by Markdown and harmless. Rather than guess Markdown's
rules, a body with a finding is also rendered with Python-Markdown (as Pelican will) and the
rendered HTML is checked too: only what really reaches the page is reported, located at its
line in the source.

This is the layer of messages. The guarantee is ``sanitize.py``: every rendered text is
sanitised before it reaches a page or a feed, and :func:`check_rendered_html` reports whatever
the sanitiser would still take out of a text this policy let through (``unsafe-html``), so an
author hears of it at once rather than finding part of a page missing.
"""

from __future__ import annotations

import html as html_entities
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import Problems
from ..i18n import N_, _

if TYPE_CHECKING:
    from .markdown_render import MarkdownRenderer

#: Tags that embed another page; their ``src`` host must be listed in ``[publishing] iframe_hosts``.
FRAME_TAGS = ("iframe", "frame")
#: Tags that change what the whole page is or where it sends its visitors: a refresh or <base>
#: redirects an official page elsewhere, a form posts visitors' input to another server, and
#: plug-in objects run foreign code. The theme provides what a page legitimately needs of these.
PAGE_TAGS = {
    "base": N_("<base> changes where every link of the page leads"),
    "meta": N_("<meta> in content can redirect or re-label the page"),
    "link": N_("<link> in content loads resources into the page"),
    "form": N_("<form> sends what visitors type to another server; the mailbox form comes from the site file"),
    "embed": N_("<embed> runs a plug-in"),
    "object": N_("<object> runs a plug-in"),
    "applet": N_("<applet> runs a plug-in"),
    "frameset": N_("<frameset> replaces the page with frames"),
    "svg": N_("<svg> drawn in the text can carry scripts; save the drawing as an .svg file under files/ and show it with ![说明]({static}/files/….svg)"),
    "math": N_("<math> in the text can carry scripts and links; write the formula as text or as a picture under files/"),
}
#: URL schemes that run code when followed.
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")

_FENCE_OPEN_RE = re.compile(r"^(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(?<![`\\])(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
#: Markdown link destinations: ``[text](url)``, ``[ref]: url`` and ``<url>`` autolinks.
_MD_LINK_RE = re.compile(
    r"\]\([ \t]*<?(?P<a>(?:[^\s()<>]|\([^\s()]*\))+)|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(?P<b>[^\s>]+)|<(?P<c>[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>",
    re.MULTILINE,
)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")


def _blank(text: str) -> str:
    """Spaces for every character but line breaks (so line numbers stay right)."""
    return re.sub(r"[^\n]", " ", text)


def strip_code(markdown: str) -> str:
    """The Markdown with fenced code blocks and code spans blanked out; same lines, same columns.

    Fences follow Python-Markdown's rule: an opening fence at the start of a line, closed by the
    same fence; an unclosed fence is not code (and its HTML reaches the page).
    """
    lines = markdown.split("\n")
    n = 0
    while n < len(lines):
        opening = _FENCE_OPEN_RE.match(lines[n])
        if opening:
            fence = opening.group(1)
            close = next((m for m in range(n + 1, len(lines)) if lines[m].rstrip() == fence), None)
            if close is not None:
                for m in range(n, close + 1):
                    lines[m] = _blank(lines[m])
                n = close
        n += 1
    return _CODE_SPAN_RE.sub(lambda m: _blank(m.group(0)), "\n".join(lines))


def _short(text: str, width: int = 30) -> str:
    text = text.strip()
    return text if len(text) <= width else text[:width] + "…"


def is_script_url(url: str) -> bool:
    """Whether following ``url`` would run code (``JaVa\\tScRiPt:``, ``&#106;avascript:`` and
    ``javascript&colon;`` included: entities are decoded first, as the browser does)."""
    squeezed = _INVISIBLE_RE.sub("", html_entities.unescape(url)).lower()
    return squeezed.startswith(SCRIPT_SCHEMES)


def _host(url: str) -> str | None:
    """The host of an absolute or protocol-relative URL; None for a path on the same site."""
    try:
        parts = urlsplit(_INVISIBLE_RE.sub("", url))
        return parts.hostname
    except ValueError:
        return ""  # malformed: treat as a foreign host


class _PolicyParser(HTMLParser):
    """Collects (line, message) pairs for every tag or attribute the policy refuses."""

    def __init__(self, iframe_hosts: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.iframe_hosts = {h.lower().rstrip(".") for h in iframe_hosts}
        self.findings: list[tuple[int, str, str]] = []

    def _report(self, code: str, message: str) -> None:
        self.findings.append((self.getpos()[0], code, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._report("html-script", _("<script> is not allowed in content; scripts belong in the theme"))
        elif tag in PAGE_TAGS:
            self._report("html-tag", _("{reason}; it is not allowed in content").format(reason=_(PAGE_TAGS[tag])))
        for name, value in attrs:
            if name.startswith("on"):
                self._report("html-event-handler", _("<{tag} {name}=…>: event-handler attributes run scripts and are not allowed").format(tag=tag, name=name))
            elif name == "srcdoc":
                self._report("html-iframe", _("<{tag} srcdoc=…> embeds a page written inline; link a page instead").format(tag=tag))
            elif value and is_script_url(value):
                self._report("html-javascript-url", _("<{tag} {name}=\"{value}\">: javascript: addresses are not allowed").format(tag=tag, name=name, value=_short(value)))
        if tag in FRAME_TAGS:
            src = dict(attrs).get("src") or ""
            host = _host(src)
            if host is not None and not is_script_url(src) and host.rstrip(".") not in self.iframe_hosts:
                allowed = ", ".join(sorted(self.iframe_hosts)) or _("none yet")
                shown = host or src.strip()[:40]
                self._report(
                    "html-iframe",
                    _("<{tag}> from '{shown}' is not allowed on this site; add the host to [publishing] iframe_hosts in the site file (allowed: {allowed})").format(
                        tag=tag, shown=shown, allowed=allowed
                    ),
                )

    handle_startendtag = handle_starttag


def _findings(html: str, iframe_hosts: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(line, code, message) for every refused tag, attribute or link in ``html``."""
    parser = _PolicyParser(iframe_hosts)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this guards a future change, never the author
        parser.findings.append((1, "html-unparsable", _("the raw HTML in this text could not be read; simplify it")))
    found = list(parser.findings)
    for match in _MD_LINK_RE.finditer(html):
        url = match.group("a") or match.group("b") or match.group("c") or ""
        if is_script_url(url):
            line = 1 + html.count("\n", 0, match.start())
            found.append((line, "html-javascript-url", _("link to '{url}': javascript: addresses are not allowed").format(url=_short(url))))
    return sorted(found)


def _rendered(markdown: str) -> str:
    """The body as Pelican's Markdown settings render it (extra, sane_lists)."""
    import markdown as md

    return md.Markdown(extensions=["markdown.extensions.extra", "markdown.extensions.sane_lists"], output_format="html5").convert(markdown)


def check_html(text: str, first_line: int, path: str, iframe_hosts: tuple[str, ...], problems: Problems, *, markdown: bool = True) -> None:
    """Report every refused tag, attribute or link in ``text``, which starts at ``first_line``.

    For Markdown, a finding counts only if it survives rendering (code is escaped); findings
    of the rendered page that the source scan could not place are reported at ``first_line``.
    """
    if not any(mark in text for mark in "<:&{"):
        return  # no tag, no scheme, no entity, no attribute list
    found = _findings(strip_code(text) if markdown else text, iframe_hosts)
    if markdown and found or markdown and ("<" in text and "`" in text):
        real = _findings(_rendered(text), iframe_hosts)
        budget: dict[str, int] = {}
        for _, code, _ in real:
            budget[code] = budget.get(code, 0) + 1
        kept = []
        for line, code, message in found:
            if budget.get(code, 0) > 0:
                budget[code] -= 1
                kept.append((line, code, message))
        unplaced = [f for f in _findings(text, iframe_hosts) if f not in kept]
        for _, code, message in real:
            if budget.get(code, 0) > 0:  # hidden from the source scan (e.g. backticks inside a raw <div>)
                budget[code] -= 1
                line = next((f[0] for f in unplaced if f[1] == code), 1)
                unplaced = [f for f in unplaced if not (f[1] == code and f[0] == line)]
                kept.append((line, code, message))
        found = sorted(kept)
    if markdown:
        found = sorted(set(found) | set(_attr_list_findings(text)))
    for line, code, message in found:
        problems.add(path, first_line + line - 1, code, message)


#: ``{: onclick="…" }`` and ``{ .py onmouseover=… }``: attribute lists (Markdown's attr_list),
#: which put any attribute on a paragraph, link or code block.
_ATTR_LIST_HANDLER_RE = re.compile(r"\{[:\s][^{}\n]*?\b(?P<name>on[a-z]+)\s*=", re.IGNORECASE)


def _attr_list_findings(markdown: str) -> list[tuple[int, str, str]]:
    """Event handlers in attribute lists, fenced-code openings included, at their lines."""
    return [
        (1 + markdown.count("\n", 0, m.start()), "html-event-handler", _("{{: {name}=… }}: event-handler attributes run scripts and are not allowed").format(name=m.group("name")))
        for m in _ATTR_LIST_HANDLER_RE.finditer(markdown)
    ]


#: Header values that templates or Markdown show as HTML, checked like the body.
SHOWN_KEYS = ("Title", "Summary", "Source", "Author", "Issuer", "Replier", "Position")


def check_item_html(meta: dict[str, str], lines: dict[str, int], body: str, body_line: int, path: str, iframe_hosts: tuple[str, ...], problems: Problems) -> None:
    """The raw HTML policy for one item: its body and the header values pages show."""
    for key in SHOWN_KEYS:
        if key in meta:
            check_html(meta[key], lines[key], path, iframe_hosts, problems, markdown=key == "Summary")
    check_html(body, body_line, path, iframe_hosts, problems)


def check_rendered_html(
    meta: dict[str, str],
    lines: dict[str, int],
    body: str,
    body_line: int,
    path: str,
    iframe_hosts: tuple[str, ...],
    renderer: "MarkdownRenderer",
    problems: Problems,
) -> None:
    """Render the body (and the ``Summary``) as written and report what the sanitiser would take out.

    Anything that could run code or load another page is an error (``unsafe-html``), at the first
    line that names it; tags or attributes that are only unsupported (``<font>``, Word's ``<o:p>``)
    are listed in one warning (``html-removed``). A text nested too deeply to render is an error
    (``too-deep``) here, so ``check`` finds it as ``build`` would.
    """
    from .markdown_render import MarkdownTooDeep
    from .sanitize import Policy, removed

    reported = {p.line for p in problems.items if p.path == path and p.code.startswith("html-")}
    policy = Policy.of(iframe_hosts, unresolved_links=True)
    texts = [(body, body_line, "")]
    if meta.get("Summary"):
        texts.append((meta["Summary"], lines.get("Summary", 1), "Summary: "))
    for text, first, label in texts:
        if not text.strip() or not may_need_sanitising(text):
            continue
        try:
            rendered = renderer.html(text)
        except MarkdownTooDeep as exc:
            # TRANSLATORS: {label} is "" or "Summary: " (the header key); {problem} is already translated
            problems.add(path, first, "too-deep", _("{label}{problem}").format(label=label, problem=exc))
            continue
        if "<" not in rendered:
            continue
        gone = removed(rendered, policy)
        for removal in (r for r in gone if r.dangerous):
            line = first + _line_of(removal.needle, text) - 1
            if line in reported:
                continue  # the policy above has said what is wrong on this line
            advice = _("save the picture under files/ and show it with ![说明]({static}/files/…)") if removal.needle == "data:" else _("remove it")
            problems.add(path, line, "unsafe-html", _("{label}{what} could run code or load another page on an official site and is not allowed; {advice}").format(label=label, what=removal.what, advice=advice))
        by_line: dict[int, list[str]] = {}
        for removal in (r for r in gone if not r.dangerous):
            by_line.setdefault(first + _line_of(removal.needle, text) - 1, []).append(removal.what + (_(" (×{count})").format(count=removal.count) if removal.count > 1 else ""))
        for line, listed in sorted(by_line.items()):
            problems.warn(path, line, "html-removed", _("{label}not kept on the page (only plain document HTML is): {listed}").format(label=label, listed=", ".join(listed)))


#: Markdown that can put something in the HTML the sanitiser would remove: raw HTML and
#: autolinks (``<``), attribute lists (``{``), entities (``&``); and lines nested deep enough to
#: trouble the renderer (quote, list and number markers: ``- - - …`` nests a list per marker).
_SANITISER_MARKS = ("<", "{", "&")
_DEEP_LINE_RE = re.compile(r"^[ \t>*+\-.)0-9]{200}", re.MULTILINE)
#: Link and image addresses (``](``) and reference definitions (``]:``). Markdown copies an
#: address as written, less its backslashes (an entity or a ``<…>`` address brings a mark above),
#: and the sanitiser keeps an address without a scheme as it is: it parses, and may refuse, only
#: one with a scheme. So a text with links needs rendering if any word in it could be read as a
#: scheme, read as browsers and the sanitiser read one (after dropping spaces, tabs, line breaks
#: and control characters wherever they are). Only ``site:`` (the link syntax, resolved later)
#: followed by a path is let through: an ``http:`` address can still be one the sanitiser cannot
#: parse (``http://`` alone, a bad host) and takes out.
_LINK_MARKS = ("](", "]:")
_IGNORED_IN_ADDRESSES_RE = re.compile(r"[\x00-\x20\x7f\\]+")
_SCHEME_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def may_need_sanitising(text: str) -> bool:
    """Whether rendering ``text`` could produce anything :func:`sanitize.clean` takes out (or fail).

    Plain Markdown — paragraphs, emphasis, headings, lists, tables, footnotes, ``site:`` links —
    renders to allowed tags and addresses only; the rest needs one of the marks above, a word
    that reads as a scheme, or a heading whose generated id is one the theme keeps for itself.
    Texts without them skip the render here (the stage renders every text anyway, and sanitises
    it), which keeps ``check`` and a cold build fast: most items link to others in the cluster,
    and rendering each one for this check alone took a fifth of a cold build's reading time.
    ``tests/test_html_policy_shortcut.py`` renders random texts to hold this to the sanitiser.
    The leak gate's first look asks :func:`holds_markup` instead.
    """
    if any(mark in text for mark in _SANITISER_MARKS) or _DEEP_LINE_RE.search(text) or _many_emphasis_marks(text):
        return True
    if _mentions_theme_id(text):
        return True
    if not any(mark in text for mark in _LINK_MARKS):
        return False
    squeezed = _IGNORED_IN_ADDRESSES_RE.sub("", text)
    return any(word.group().lower() != "site:" or squeezed[word.end() : word.end() + 1] in ("/", "") for word in _SCHEME_WORD_RE.finditer(squeezed))


def _many_emphasis_marks(text: str) -> bool:
    """Emphasis nested inside emphasis hundreds deep (``*a *a *a …``) is too deep to render too."""
    return text.count("*") + text.count("_") > 400


def holds_markup(text: str) -> bool:
    """Whether ``text`` reads differently once rendered than as written: raw HTML, entities,
    attribute lists, links (``[考核结果](site:…)汇总`` reads 考核结果汇总 on the page). The leak
    gate's first look reads such a text as the page will show it too."""
    return any(mark in text for mark in (*_SANITISER_MARKS, *_LINK_MARKS)) or bool(_DEEP_LINE_RE.search(text))


def _mentions_theme_id(text: str) -> bool:
    """Whether a heading of ``text`` could be given an id the theme keeps for itself: Markdown's
    ``toc`` makes an id of a heading's words, lower-cased (``## Main`` → ``id="main"``), which the
    sanitiser takes out. Every such id is Latin letters, so a text whose headings hold none
    outside link addresses (a Chinese heading, 一、总体要求) cannot get one; a heading with any is
    rendered, however its words are split (``## Ma[^1]in`` is ``main`` too)."""
    if "#" not in text and "\n" not in text.strip():
        return False
    lines = text.split("\n")
    for number, line in enumerate(lines):
        heading = _ATX_HEADING_RE.match(line) or (number + 1 < len(lines) and _SETEXT_RULE_RE.match(lines[number + 1]))
        if heading and _LATIN_RE.search(_INLINE_ADDRESS_RE.sub("", line)):
            return True
    return False


#: A line that may be an ATX heading, in a quote or a list item too (``> ## …``, ``- ## …``).
_ATX_HEADING_RE = re.compile(r"^[ \t>*+\-0-9.)]*#")
#: The rule under a setext heading (``标题`` then ``===`` or ``---``).
_SETEXT_RULE_RE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$")
#: A link's address, which is not part of the heading's words (``## 一、[工作动态](site:…)``).
_INLINE_ADDRESS_RE = re.compile(r"\]\([^)]*\)")
#: Letters that are, or lower-case to, Latin ones (the Kelvin sign is ``k``, İ is ``i̇``).
_LATIN_RE = re.compile(r"[A-Za-z\u212a\u0130]")


def _line_of(needle: str, text: str) -> int:
    """The first line (1-based) of ``text`` outside code that contains ``needle``, else 1."""
    lowered = needle.lower()
    for number, line in enumerate(strip_code(text).split("\n"), 1):
        if lowered in line.lower():
            return number
    return 1
