"""The one sanitiser: every piece of HTML that came from content passes through :func:`clean`.

Authors' Markdown may hold raw HTML, Markdown's ``attr_list`` lets a paragraph carry any
attribute, and browsers read markup in ways no hand-written filter foresees (entities in
schemes, comments, raw-text elements, foreign content). So, like GitHub's Markdown pipeline,
zhanqun renders first and then sanitises what was rendered against an allow-list, with
``nh3`` (the Rust ammonia library: a real HTML5 parser, then re-serialisation of only what is
allowed). What is not on the lists below never reaches a page or a feed: no script, no event
handler, no ``javascript:`` address however it is spelt, no frame from a host the site file does
not list, no form, no plug-in, no style that can move the page's own controls.

:func:`removed` says what :func:`clean` would take away from a rendered text, so that the content
check (stage 2) can tell the author at once instead of the page silently losing a part.
``html_policy.py`` gives the precise, line-located messages for the common cases; this module is
the guarantee.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from selectolax.lexbor import LexborHTMLParser

from ..i18n import _

#: Tags a page may show from content: what Markdown (extra, toc) writes and plain document HTML.
TAGS = frozenset(
    {
        "a", "abbr", "address", "article", "aside", "audio", "b", "bdi", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn",
        "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "iframe", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rt", "ruby",
        "s", "samp", "section", "small", "source", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "u", "ul", "var", "video", "wbr",
    }
)  # not <bdo>: it writes text backwards, so a page could show what its source does not seem to say
#: Tags removed together with everything inside them (their content is code, not text).
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext", "textarea",
        "title", "svg", "math", "object", "embed", "applet", "frameset", "frame", "select", "option",
        "head", "meta", "base", "link", "rp",
    }
)  # <rp>: ruby's fallback brackets, which browsers do not show; kept, they would hide inside words
#: Attributes allowed on every allowed tag.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "style"})
#: Attributes allowed on particular tags.
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "target", "type", "download", "name"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "align"}),
    "video": frozenset({"src", "poster", "controls", "width", "height", "preload", "muted", "loop", "playsinline"}),
    "audio": frozenset({"src", "controls", "preload", "loop", "muted"}),
    "source": frozenset({"src", "srcset", "sizes", "type", "media"}),
    "track": frozenset({"src", "kind", "srclang", "label", "default"}),
    "iframe": frozenset({"src", "width", "height", "allowfullscreen", "allow", "loading", "referrerpolicy", "frameborder"}),
    "td": frozenset({"colspan", "rowspan", "headers", "align", "valign", "width"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope", "align", "valign", "width", "abbr"}),
    "col": frozenset({"span", "width", "align"}),
    "colgroup": frozenset({"span", "width"}),
    "table": frozenset({"border", "cellpadding", "cellspacing", "width", "align"}),
    "tr": frozenset({"align", "valign"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "ul": frozenset({"type"}),
    "li": frozenset({"value"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "details": frozenset({"open"}),
    "p": frozenset({"align"}),
    "div": frozenset({"align"}),
    "h1": frozenset({"align"}), "h2": frozenset({"align"}), "h3": frozenset({"align"}),
    "h4": frozenset({"align"}), "h5": frozenset({"align"}), "h6": frozenset({"align"}),
}
#: ``aria-*`` attributes describe content to screen readers and run nothing.
ATTRIBUTE_PREFIXES = frozenset({"aria-"})
#: CSS properties a ``style`` attribute keeps: text layout, never position, layering or images.
STYLE_PROPERTIES = frozenset(
    {
        "text-align", "text-indent", "text-decoration", "font-weight", "font-style", "font-size",
        "font-family", "line-height", "letter-spacing", "vertical-align", "white-space", "color",
        "background-color", "width", "max-width", "min-width", "height", "border", "border-top",
        "border-right", "border-bottom", "border-left", "border-color", "border-style", "border-width",
        "border-collapse", "border-spacing", "padding", "padding-top", "padding-right",
        "padding-bottom", "padding-left", "margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
        "list-style-type", "float", "clear",
    }
)
#: Bounds on style values, so a text cannot make itself invisible or reach over the page's own
#: controls (a transparent link with ``padding: 3000px`` or ``border: 3000px solid transparent``
#: covers the navigation). Lengths are read in pixels; only px, pt, em, rem and 0 are lengths here.
MAX_SPACING_PX = 64
MIN_FONT_PX = 8
MAX_FONT_PX = 72
MAX_BORDER_PX = 8
MAX_SIZE_PX = 2000
#: Keywords each keyword-valued property may take.
_KEYWORDS = {
    "text-align": {"left", "right", "center", "justify", "start", "end"},
    "font-weight": {"normal", "bold", "bolder", "lighter", *(str(n) for n in range(100, 1000, 100))},
    "font-style": {"normal", "italic", "oblique"},
    "vertical-align": {"baseline", "sub", "super", "top", "middle", "bottom", "text-top", "text-bottom"},
    "white-space": {"normal", "nowrap", "pre", "pre-wrap", "pre-line", "break-spaces"},
    "border-collapse": {"collapse", "separate"},
    "float": {"left", "right", "none"},
    "clear": {"left", "right", "both", "none"},
    "list-style-type": {
        "disc", "circle", "square", "decimal", "decimal-leading-zero", "lower-alpha", "upper-alpha",
        "lower-latin", "upper-latin", "lower-roman", "upper-roman", "cjk-ideographic", "cjk-decimal", "none",
    },
}
_LINE_STYLES = {"none", "hidden", "solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"}
_DECORATIONS = {"none", "underline", "overline", "line-through", "solid", "double", "dotted", "dashed", "wavy"}
_FONT_SIZES = {"x-small", "small", "medium", "large", "x-large", "xx-large", "larger", "smaller"}
_TOKEN = re.compile(r"(?:rgb|hsl)\([^()]*\)|[^\s()]+(?!\()", re.IGNORECASE)
_NUMBER = r"\d{1,3}(?:\.\d+)?%?"
_COLOUR = re.compile(
    rf"#[0-9a-f]{{3}}|#[0-9a-f]{{6}}|[a-z]+|(?:rgb|hsl)\(\s*-?{_NUMBER}(?:deg)?(?:\s*,\s*{_NUMBER}){{2}}\s*\)|(?:rgb|hsl)\(\s*-?{_NUMBER}(?:deg)?(?:\s+{_NUMBER}){{2}}\s*\)",
    re.IGNORECASE,
)
_FONT_FAMILY = re.compile(r"[\w\s,'\"\-\u3000-\u9fff\uf900-\ufaff]+")
#: What an iframe from an allowed host may ask of the browser.
IFRAME_ALLOW = frozenset({"fullscreen", "autoplay", "picture-in-picture", "encrypted-media"})
#: Schemes whose removal means the author wrote something that runs code.
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha", "data", "blob", "filesystem"})
_RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp|bmp);base64,[A-Za-z0-9+/=\s]+$", re.IGNORECASE)
_NAME_ANCHOR = re.compile(r"^[A-Za-z_][\w.:-]{0,63}$")
#: Schemes a link or a source may use on a published page; other addresses are relative. ``data:``
#: is let through to the filter, which keeps it only for a picture (``<img src="data:image/png…">``).
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "data"})
#: Link syntax as authors write it, allowed only while checking text that is not yet resolved.
UNRESOLVED_SCHEMES = frozenset({"site"})
#: Element ids the shared theme uses (its scripts and its skip link look them up): content may
#: not take them, or a paragraph could stand in for the accessibility panel.
THEME_IDS = frozenset(
    {
        "a11y-panel", "a11y-size-label", "activities-title", "cluster-nav", "cluster-nav-title",
        "column-nav", "column-nav-list", "directory-query", "directory-validity",
        "disclosure-latest-title", "disclosure-strip-title", "headline-title", "home-columns-title",
        "home-topics-title", "interpretations-title", "item-title", "letter-body", "letter-list-title",
        "letter-name", "letter-phone", "letter-stats-title", "letter-title", "letter-write-title", "main",
        "related-title", "side-nav-title", "topic-gathered-title", "topic-own-title", "write-letter",
        "letter-text-title", "letter-reply-title",
    }
)
#: Attributes whose value is an address (checked against the schemes).
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "srcset", "data", "action", "formaction", "xlink:href", "background", "longdesc", "ping"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True)
class Policy:
    """What one site allows beyond the lists: the hosts whose ``<iframe>`` may be embedded."""

    iframe_hosts: frozenset[str] = frozenset()
    unresolved_links: bool = False  # stage 2 checks text whose site: links are not resolved yet

    @classmethod
    def of(cls, iframe_hosts: tuple[str, ...] | frozenset[str] = (), unresolved_links: bool = False) -> "Policy":
        return cls(frozenset(h.lower().rstrip(".") for h in iframe_hosts), unresolved_links)

    @property
    def schemes(self) -> frozenset[str]:
        return URL_SCHEMES | UNRESOLVED_SCHEMES if self.unresolved_links else URL_SCHEMES


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url`` (after dropping what it ignores), lower-cased."""
    found = _SCHEME.match(_INVISIBLE.sub("", url))
    return found.group(1).lower() if found else None


def frame_host_allowed(url: str, policy: Policy) -> bool:
    """Whether an ``<iframe src>`` loads from a host the site file lists (http(s) only).

    Read as a browser reads it: backslashes are slashes, so ``https://evil.example\\@player…`` is
    evil.example's; an address with a user name in it is refused outright.
    """
    squeezed = _INVISIBLE.sub("", url).replace("\\", "/")
    try:
        parts = urlsplit(squeezed if "//" in squeezed else "")
        hostname = parts.hostname
    except ValueError:
        return False
    if "@" in parts.netloc or not hostname:
        return False
    return parts.scheme in ("http", "https", "") and hostname.rstrip(".") in policy.iframe_hosts


def _length_px(token: str) -> float | None:
    """A CSS length in pixels (``2em`` → 32), 0 for ``0``; ``None`` for anything else (``%``, ``vw``, ``calc``)."""
    found = re.fullmatch(r"(-?\d*\.?\d+)(px|pt|em|rem|)?", token.strip().lower())
    if not found:
        return None
    number, unit = float(found.group(1)), found.group(2) or ""
    if unit == "" and number != 0:
        return None
    return number * {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "": 1.0}[unit]


def _percent(token: str) -> float | None:
    found = re.fullmatch(r"(\d*\.?\d+)%", token.strip())
    return float(found.group(1)) if found else None


def _within(token: str, low: float, high: float) -> bool:
    px = _length_px(token)
    return px is not None and low <= px <= high


def _visible_colour(token: str) -> bool:
    """A colour a reader sees: hex, a name or ``rgb()``/``hsl()`` without transparency; never ``transparent``."""
    return bool(_COLOUR.fullmatch(token)) and token.lower() != "transparent"


def _border_part(token: str) -> bool:
    return token.lower() in _LINE_STYLES or token.lower() in ("thin", "medium") or _within(token, 0, MAX_BORDER_PX) or _visible_colour(token)


def _value_allowed(name: str, tokens: list[str]) -> bool:
    """Whether ``tokens`` are a value of ``name`` within the bounds: an allow-list per property."""
    if not tokens:
        return False
    one = tokens[0] if len(tokens) == 1 else None
    if name in _KEYWORDS:
        return one is not None and one.lower() in _KEYWORDS[name]
    if name.startswith("padding") or name.startswith("margin"):
        limit = 4 if name in ("padding", "margin") else 1
        return len(tokens) <= limit and all(_within(t, 0, MAX_SPACING_PX) or (name.startswith("margin") and t.lower() == "auto") for t in tokens)
    if name == "text-indent":
        return one is not None and _within(one, 0, MAX_SPACING_PX)
    if name == "font-size":
        if one is None:
            return False
        share = _percent(one)
        return one.lower() in _FONT_SIZES or _within(one, MIN_FONT_PX, MAX_FONT_PX) or (share is not None and 50 <= share <= 400)
    if name == "line-height":
        if one is None:
            return False
        share = _percent(one)
        plain = re.fullmatch(r"\d*\.?\d+", one)
        return one.lower() == "normal" or _within(one, MIN_FONT_PX, 2 * MAX_FONT_PX) or (share is not None and 80 <= share <= 400) or (plain is not None and 0.8 <= float(one) <= 4)
    if name == "letter-spacing":
        return one is not None and (one.lower() == "normal" or _within(one, -2, 16))
    if name in ("color", "background-color"):
        return one is not None and _visible_colour(one)
    if name == "font-family":
        return bool(_FONT_FAMILY.fullmatch(" ".join(tokens)))
    if name == "text-decoration":
        return all(t.lower() in _DECORATIONS or _visible_colour(t) for t in tokens)
    if name in ("width", "max-width", "min-width", "height"):
        share = _percent(one) if one else None
        return one is not None and (one.lower() == "auto" or _within(one, 0, MAX_SIZE_PX) or (share is not None and share <= 100))
    if name in ("border", "border-top", "border-right", "border-bottom", "border-left"):
        return len(tokens) <= 3 and all(_border_part(t) for t in tokens)
    if name == "border-width":
        return len(tokens) <= 4 and all(t.lower() in ("thin", "medium") or _within(t, 0, MAX_BORDER_PX) for t in tokens)
    if name == "border-style":
        return len(tokens) <= 4 and all(t.lower() in _LINE_STYLES for t in tokens)
    if name == "border-color":
        return len(tokens) <= 4 and all(_visible_colour(t) for t in tokens)
    if name == "border-spacing":
        return len(tokens) <= 2 and all(_within(t, 0, 16) for t in tokens)
    return False  # a property without a grammar here is not kept


def clean_style(value: str) -> str | None:
    """A ``style`` value with only the declarations whose values fit their property's grammar and bounds.

    An allow-list per property (:func:`_value_allowed`), not a list of known tricks: a unit, a
    function, a keyword or ``!important`` that is not named there drops the declaration, so a
    style cannot hide text (``font-size: 0.01vw``, ``rgba(0 0 0 / 0)``, ``text-indent: -9999px``)
    or lay an element over the page (``border: 3000px solid transparent``, ``padding: 4000%``).
    The properties themselves are filtered again by nh3 (:data:`STYLE_PROPERTIES`).
    """
    kept = []
    for declaration in value.split(";"):
        name, _, setting = declaration.partition(":")
        name, setting = name.strip().lower(), setting.strip()
        if name not in STYLE_PROPERTIES or not setting or "\\" in setting or "/*" in setting:
            continue
        tokens = _TOKEN.findall(setting)
        if re.sub(r"\s+", "", "".join(tokens)) != re.sub(r"\s+", "", setting):
            continue  # something the tokens do not cover: a function, a stray parenthesis
        if _value_allowed(name, tokens):
            kept.append(f"{name}:{setting}")
    return ";".join(kept) or None


def _attribute_filter(policy: Policy):  # type: ignore[no-untyped-def]
    """The callback nh3 calls for every allowed attribute: the checks the lists cannot express."""

    def check(element: str, attribute: str, value: str) -> str | None:
        if attribute == "id" and value.strip().lower() in THEME_IDS:
            return None
        if attribute == "name":  # Word's bookmarks (_Toc…), an old way to name an anchor
            return value if _NAME_ANCHOR.match(value) and value.lower() not in THEME_IDS else None
        if attribute == "style":
            return clean_style(value)
        if attribute in ("href", "src") and url_scheme(value) == "data":
            return value if attribute == "src" and element in ("img", "source") and _RASTER_DATA.match(_INVISIBLE.sub("", value)) else None
        if element == "iframe" and attribute == "src":
            return value if frame_host_allowed(value, policy) else None
        if element == "iframe" and attribute == "allow":
            kept = [token.strip() for token in value.split(";") if token.strip().split(" ")[0] in IFRAME_ALLOW]
            return "; ".join(kept) or None
        if attribute == "srcset":
            for candidate in value.split(","):
                words = candidate.split()
                scheme = url_scheme(words[0]) if words else None
                if scheme is not None and scheme not in policy.schemes:
                    return None
        if attribute in ("poster", "cite"):
            scheme = url_scheme(value)
            if scheme is not None and scheme not in policy.schemes:
                return None
        return value

    return check


@lru_cache(maxsize=64)
def _cleaner(policy: Policy) -> nh3.Cleaner:
    attributes = {tag: set(names) for tag, names in TAG_ATTRIBUTES.items()}
    attributes["*"] = set(GLOBAL_ATTRIBUTES)
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes=attributes,
        attribute_filter=_attribute_filter(policy),
        strip_comments=True,
        link_rel="noopener",  # a link never hands the page to what it opens; the referrer is the browser's default
        generic_attribute_prefixes=set(ATTRIBUTE_PREFIXES),
        url_schemes=set(policy.schemes),
        filter_style_properties=set(STYLE_PROPERTIES),
    )


def clean(html: str, policy: Policy = Policy()) -> str:
    """``html`` with everything the allow-lists do not name taken out (see the module docstring)."""
    if not html:
        return html
    return _cleaner(policy).clean(html)


# --- what the sanitiser takes away, for messages ------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One kind of thing :func:`clean` took out of a text, and whether it could have run code."""

    what: str  # "<script>", "onclick= on <p>", "javascript: address in href of <a>"
    needle: str  # a word to look for in the source, to find the line
    dangerous: bool
    count: int = 1


#: Tags whose removal means the author wrote something that runs code, loads a foreign page, sends
#: visitors' input away or redirects the page — an error, not just an unsupported tag.
DANGEROUS_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
        "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript", "xmp",
        "noembed", "noframes", "plaintext", "style", "portal", "fencedframe", "dialog", "isindex",
        "image", "animate", "set", "handler", "listener", "html", "body", "head",
    }
)


Inventory = tuple[Counter[str], Counter[tuple[str, str]], Counter[tuple[str, str, str]], Counter[tuple[str, str]]]


def _inventory(html: str) -> Inventory:
    """Tags, (tag, attribute) pairs, (tag, attribute, scheme) triples and (tag, style declaration)
    pairs of a fragment; declarations only of the properties a style may have."""
    tags: Counter[str] = Counter()
    attributes: Counter[tuple[str, str]] = Counter()
    schemes: Counter[tuple[str, str, str]] = Counter()
    styles: Counter[tuple[str, str]] = Counter()
    tree = LexborHTMLParser(f"<body>{html}</body>")
    body = tree.body
    if body is None:
        return tags, attributes, schemes, styles
    for node in body.traverse(include_text=False):
        if node is body:
            continue
        tag = node.tag.lower()
        if tag.startswith("-"):  # comments, processing instructions
            continue
        tags[tag] += 1
        for name, value in node.attributes.items():
            name = name.lower()
            attributes[(tag, name)] += 1
            if name == "style" and value:
                for declaration in value.split(";"):
                    prop, _, setting = declaration.partition(":")
                    if prop.strip().lower() in STYLE_PROPERTIES:
                        styles[(tag, f"{prop.strip().lower()}: {' '.join(setting.split())}")] += 1
            if name in URL_ATTRIBUTES and value:
                urls = [c.split()[0] for c in value.split(",") if c.split()] if name == "srcset" else [value]
                for url in urls:
                    scheme = url_scheme(url)
                    if scheme:
                        schemes[(tag, name, scheme)] += 1
    return tags, attributes, schemes, styles


def removed(html: str, policy: Policy = Policy()) -> list[Removal]:
    """What :func:`clean` takes out of ``html``: tags, attributes and addresses, most severe first.

    Both texts are parsed with the same HTML5 parser and their elements, attributes and address
    schemes counted; whatever the clean text has fewer of was removed. Additions (``rel`` on
    links, a ``<tbody>`` the parser inserts) do not count.
    """
    before = _inventory(html)
    after = _inventory(clean(html, policy))
    found: list[Removal] = []
    gone_tags = before[0] - after[0]
    for tag, count in sorted(gone_tags.items()):
        found.append(Removal(f"<{tag}>", f"<{tag}", tag in DANGEROUS_TAGS, count))
    by_scheme: Counter[tuple[str, str]] = Counter()
    for (tag, name, scheme), count in sorted((before[2] - after[2]).items()):
        if tag in gone_tags:
            continue
        by_scheme[(tag, name)] += count
        if tag in ("iframe", "frame") and name == "src":
            found.append(Removal(_("<iframe src=…> from a host the site file does not list"), "iframe", True, count))
        elif scheme == "data" and tag in ("img", "source"):
            found.append(Removal(_("a picture written into the text (data: address) that is not a plain image"), "data:", True, count))
        else:
            found.append(Removal(_("{scheme}: address in {name}= of <{tag}>").format(scheme=scheme, name=name, tag=tag), scheme, scheme in SCRIPT_SCHEMES, count))
    for (tag, name), count in sorted((before[1] - after[1]).items()):
        count -= by_scheme[(tag, name)]
        if count <= 0 or (tag in gone_tags and not name.startswith("on")):
            continue  # an address already reported, or went with its tag
        if tag in ("iframe", "frame") and name == "src":
            found.append(Removal(_("<iframe src=…> from a host the site file does not list"), "iframe", True, count))
            continue
        if name == "style":
            continue  # reported declaration by declaration below
        dangerous = name.startswith("on") or name in ("srcdoc", "formaction", "action")
        found.append(Removal(_("{name}= on <{tag}>").format(name=name, tag=tag), name, dangerous, count))
    for (tag, declaration), count in sorted((before[3] - after[3]).items()):
        if tag not in gone_tags:  # a value out of bounds: it could hide text or cover the page
            found.append(Removal(_("style {declaration!r} on <{tag}>").format(declaration=declaration, tag=tag), declaration.split(":")[0], False, count))
    return sorted(found, key=lambda r: (not r.dangerous, r.what))
