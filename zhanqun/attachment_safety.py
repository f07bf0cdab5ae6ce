"""Attachments that would run in the site's address are refused: pages, scripts, active SVG.

A file under ``content/<site>/files/`` is served from the government site's own address. An
``.html`` page there, or an SVG image with a ``<script>`` or an ``onload=``, opened by a visitor,
runs with the site's origin — it can read what the site stores in the browser and show anything
under the site's name. Such files are refused with a located error; everything else (PDF, office
documents, images, archives, video) is served as what it is.

* **By type**: web pages, XML documents (which can carry XHTML and its scripts), scripts, Flash,
  and files a server may execute (``.php``, ``.jsp`` …).
* **By content**: a file whose first bytes are HTML or XML markup, whatever its name
  (``notice.pdf`` that is really a page), unless its type is one browsers show as plain text.
* **SVG** is allowed when it is a picture only: every element is a drawing element of the SVG
  namespace, no event attribute, no ``<script>`` or ``<foreignObject>``, no ``javascript:`` address,
  no animation of an address, no document type declaration (entity expansion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

#: Suffixes refused outright: a browser runs them in the site's origin, or a server may execute them.
ACTIVE_SUFFIXES = {
    ".html": "a web page", ".htm": "a web page", ".shtml": "a web page", ".shtm": "a web page",
    ".xhtml": "a web page", ".xht": "a web page", ".mht": "a web archive", ".mhtml": "a web archive",
    ".xml": "an XML document (it can carry a web page and its scripts)", ".xsl": "an XSL style sheet",
    ".xslt": "an XSL style sheet", ".rdf": "an XML document", ".svgz": "a compressed SVG (it cannot be checked)",
    ".js": "a script", ".mjs": "a script", ".cjs": "a script", ".swf": "a Flash program",
    ".jar": "a Java program", ".class": "a Java program", ".wasm": "a WebAssembly program",
    ".appcache": "an application cache manifest", ".php": "a server script", ".phtml": "a server script",
    ".php5": "a server script", ".asp": "a server script", ".aspx": "a server script", ".jsp": "a server script",
    ".jspx": "a server script", ".cgi": "a server script", ".pl": "a server script",
}
#: Types browsers show as text whatever they hold, so markup inside them does not run.
PLAIN_TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".md", ".vtt", ".json")
SNIFF_BYTES = 1024
_MARKUP_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?[\t\n\f\r ]*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)[\s>/]",
    re.IGNORECASE,
)

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Drawing elements of SVG: shapes, text, gradients, filters, structure, harmless animation.
SVG_ELEMENTS = frozenset(
    """svg g defs desc title metadata symbol use image switch style path rect circle ellipse line polyline
    polygon text tspan textPath a marker pattern clipPath mask linearGradient radialGradient stop filter
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
    feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile
    feTurbulence animate animateMotion animateTransform set mpath view""".split()
)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_RASTER_DATA = re.compile(r"^\s*data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_STYLE_DANGER = re.compile(r"@import|javascript:|expression\s*\(|url\s*\(\s*['\"]?\s*(?:https?:|//|javascript:)", re.IGNORECASE)


@dataclass(frozen=True)
class Refusal:
    """Why an attachment is refused, and the line (SVG) where it shows."""

    reason: str
    line: int | None = None


def check_attachment(path: Path, name: str) -> Refusal | None:
    """``None`` for an attachment that cannot run in the site's origin, else why it is refused."""
    suffix = Path(name).suffix.lower()
    if suffix in ACTIVE_SUFFIXES:
        return Refusal(f"{ACTIVE_SUFFIXES[suffix]} under files/ would run in the site's own address; publish the text as an item, or the document as PDF")
    if suffix == ".svg":
        return check_svg(path.read_bytes())
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if suffix not in PLAIN_TEXT_SUFFIXES and _MARKUP_START.match(head):
        return Refusal("this file holds web page markup (a browser may run it as a page in the site's address), whatever its name says; publish the text as an item, or the document as PDF")
    return None


class _SvgChecker:
    """Walks an SVG with expat (namespaces resolved, line numbers kept), noting the first refusal."""

    def __init__(self) -> None:
        self.refusal: Refusal | None = None
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.parser.ProcessingInstructionHandler = self.instruction
        self.in_style = 0
        self.parser.CharacterDataHandler = self.text
        self.parser.EndElementHandler = self.end
        self.root_seen = False

    def refuse(self, reason: str) -> None:
        if self.refusal is None:
            self.refusal = Refusal(reason, self.parser.CurrentLineNumber)

    def doctype(self, *args: object) -> None:
        self.refuse("an SVG with a document type declaration (<!DOCTYPE>) is refused; save the picture without it")

    def entity(self, *args: object) -> None:
        self.refuse("an SVG that declares entities (<!ENTITY>) is refused; save the picture without them")

    def instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self.refuse("an SVG that loads a style sheet (<?xml-stylesheet?>) is refused")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not self.root_seen:
            self.root_seen = True
            if namespace != SVG_NS or local != "svg":
                self.refuse("this .svg file is not an SVG picture (its root element is not <svg> in the SVG namespace)")
                return
        if namespace == XHTML_NS:
            self.refuse(f"<{local}> is HTML inside the picture; an SVG attachment may only draw")
            return
        if namespace == SVG_NS and local not in SVG_ELEMENTS:
            self.refuse(f"<{local}> can run code or load a page; an SVG attachment may only draw")
            return
        if local == "style":
            self.in_style += 1
        for attribute, value in attributes.items():
            attr_ns, _, attr = attribute.rpartition(" ")
            if attr.lower().startswith("on"):
                self.refuse(f"<{local} {attr}=…> runs a script when the picture is opened")
                return
            if attr == "href" and attr_ns in ("", XLINK_NS) and not self._address_ok(local, value):
                self.refuse(f"<{local} href=\"{value[:40]}\"> leads to an address that can run code; link only parts of the picture (#id) or images")
                return
            if local in ("animate", "set", "animateTransform", "animateMotion") and attr == "attributeName" and ("href" in value.lower() or value.lower().startswith("on")):
                self.refuse(f"<{local} attributeName=\"{value}\"> changes an address or a handler while the picture plays")
                return
            if attr == "style" and _STYLE_DANGER.search(value):
                self.refuse(f"<{local} style=…> loads from another address or runs code")
                return
            if "javascript:" in value.replace(" ", "").replace("\t", "").lower():
                self.refuse(f"<{local} {attr}=…> holds a javascript: address")
                return

    @staticmethod
    def _address_ok(element: str, value: str) -> bool:
        if value.lstrip().startswith("#"):
            return True
        scheme = _SCHEME.match(value)
        if scheme is None:
            return True  # a relative address: another file of the site
        if element in ("image", "feImage") and _RASTER_DATA.match(value):
            return True
        return scheme.group(1).lower() in ("http", "https") and element in ("a", "image")

    def text(self, data: str) -> None:
        if self.in_style and _STYLE_DANGER.search(data):
            self.refuse("the picture's <style> loads from another address or runs code")

    def end(self, name: str) -> None:
        if name.rpartition(" ")[2] == "style":
            self.in_style -= 1


def check_svg(data: bytes) -> Refusal | None:
    """Whether an SVG file is a picture only (see the module docstring)."""
    checker = _SvgChecker()
    try:
        checker.parser.Parse(data, True)
    except expat.ExpatError as exc:
        if checker.refusal:
            return checker.refusal
        return Refusal(f"this SVG is not well-formed XML ({expat.ErrorString(exc.code)}), so it cannot be checked; save it again from the drawing program", exc.lineno)
    if not checker.root_seen:
        return Refusal("this .svg file holds no SVG picture")
    return checker.refusal
