"""Attachments that would run in the site's address are refused: pages, scripts, active SVG.

A file under ``content/<site>/files/`` is served from the government site's own address. An
``.html`` page there, or an SVG image with a ``<script>`` or an ``onload=``, opened by a visitor,
runs with the site's origin — it can read what the site stores in the browser and show anything
under the site's name. Such files are refused with a located error; everything else (PDF, office
documents, images, archives, video) is served as what it is.

* **By type**: only the types of :data:`ATTACHMENT_TYPES` are published (documents, spreadsheets,
  presentations, archives, pictures, sound and video, plain text and data); a site file may add
  more (``[publishing] attachment_types``), but never web pages, XML documents (which can carry
  XHTML and its scripts), scripts, Flash, or files a server may execute (:data:`ACTIVE_SUFFIXES`).
  A list of what is allowed, not of what is known to be dangerous: ``.xhtm`` or ``.php7`` are
  refused because they are not documents, not because someone thought of them.
* **By content**: a file that starts with markup (``<``), whatever its name (``notice.pdf`` or an
  ``.xls`` an office system wrote as HTML), unless its type is one browsers show as plain text.
* **SVG** is allowed when it is a picture only: every element is a drawing element of the SVG
  namespace, no event attribute, no ``<script>`` or ``<foreignObject>``, no ``javascript:`` address,
  no animation of an address, no document type declaration (entity expansion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ..config.attachment_types import (
    ACTIVE_SUFFIXES,
    ATTACHMENT_TYPES,
    PLAIN_TEXT_SUFFIXES,
)
from ..i18n import _

SNIFF_BYTES = 1024
#: The start of markup, after a byte-order mark (UTF-8 or UTF-16) and white space.
_MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?(?:[\t\n\f\r ]|\x00)*(?:<|\x00<)")

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
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SQUEEZE = re.compile(r"[\x00-\x20\x7f]+")
_RASTER_DATA = re.compile(r"^\s*data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_STYLE_DANGER = re.compile(r"@import|javascript:|expression\s*\(|url\s*\(\s*['\"]?\s*(?:https?:|//|javascript:)", re.IGNORECASE)


@dataclass(frozen=True)
class Refusal:
    """Why an attachment is refused, and the line (SVG) where it shows."""

    reason: str
    line: int | None = None


def check_attachment(path: Path, name: str, extra_types: tuple[str, ...] = ()) -> Refusal | None:
    """``None`` for an attachment that cannot run in the site's origin, else why it is refused.

    ``extra_types``: suffixes the site file adds to :data:`ATTACHMENT_TYPES` (never an active one).
    """
    suffix = Path(name).suffix.lower()
    if suffix in ACTIVE_SUFFIXES:
        return Refusal(
            _("{kind} under files/ would run in the site's own address; publish the text as an item, or the document as PDF").format(kind=_(ACTIVE_SUFFIXES[suffix]))
        )
    inner = [s.lower() for s in Path(name).suffixes[:-1] if s.lower() in ACTIVE_SUFFIXES]
    if inner:  # report.php.pdf: some servers run a file whose name holds .php anywhere
        return Refusal(_("the name holds {suffix}, and some web servers run such a file as a script whatever its last suffix; rename it").format(suffix=inner[0]))
    if suffix not in ATTACHMENT_TYPES and suffix not in {t.lower() for t in extra_types}:
        shown = _("files of type {suffix}").format(suffix=suffix) if suffix else _("a file without a type (a suffix such as .pdf)")
        return Refusal(
            _(
                "{shown} are not published: a browser might guess it is a page and run it in the site's address. "
                "Attach documents (.pdf .docx .xlsx .wps .ofd …), pictures, archives or media; a webmaster can add a type under [publishing] attachment_types"
            ).format(shown=shown)
        )
    if suffix == ".svg":
        return check_svg(path.read_bytes())
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if suffix not in PLAIN_TEXT_SUFFIXES and _MARKUP_START.match(head):
        return Refusal(
            _(
                "this {suffix} file holds web page markup, not a real document, so a browser may run it as a page in the site's address "
                "(office systems often export HTML under a .xls or .doc name); open it and save it again as a real document (.xlsx, .docx, .pdf)"
            ).format(suffix=suffix)
        )
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

    def doctype(self, name: str, system_id: str | None, public_id: str | None, has_internal_subset: bool) -> None:
        # the usual <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" …> of drawing programs is harmless
        # (never fetched); declarations written inside it ([<!ENTITY …>]) are not
        if has_internal_subset:
            self.refuse(_("an SVG that declares its own document type ([<!ENTITY …>] inside <!DOCTYPE>) is refused; export the picture again as plain SVG"))

    def entity(self, *args: object) -> None:
        self.refuse(_("an SVG that declares entities (<!ENTITY>) is refused; save the picture without them"))

    def instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self.refuse(_("an SVG that loads a style sheet (<?xml-stylesheet?>) is refused"))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _sep, local = name.rpartition(" ")
        if not self.root_seen:
            self.root_seen = True
            if namespace != SVG_NS or local != "svg":
                self.refuse(_("this .svg file is not an SVG picture (its root element is not <svg> in the SVG namespace)"))
                return
        if namespace == XHTML_NS:
            self.refuse(_("<{element}> is HTML inside the picture; an SVG attachment may only draw").format(element=local))
            return
        if namespace == SVG_NS and local not in SVG_ELEMENTS:
            self.refuse(_("<{element}> can run code or load a page; an SVG attachment may only draw").format(element=local))
            return
        if local == "style":
            self.in_style += 1
        for attribute, value in attributes.items():
            attr_ns, _sep, attr = attribute.rpartition(" ")
            if attr.lower().startswith("on"):
                self.refuse(_("<{element} {attribute}=…> runs a script when the picture is opened").format(element=local, attribute=attr))
                return
            if attr == "href" and attr_ns in ("", XLINK_NS) and not self._address_ok(local, value):
                self.refuse(
                    _("<{element} href=\"{address}\"> leads to an address that can run code; link only parts of the picture (#id) or images").format(element=local, address=value[:40])
                )
                return
            if local in ("animate", "set", "animateTransform", "animateMotion") and attr == "attributeName" and ("href" in value.lower() or value.lower().startswith("on")):
                self.refuse(_("<{element} attributeName=\"{value}\"> changes an address or a handler while the picture plays").format(element=local, value=value))
                return
            if attr == "style" and _STYLE_DANGER.search(value):
                self.refuse(_("<{element} style=…> loads from another address or runs code").format(element=local))
                return
            if "javascript:" in _SQUEEZE.sub("", value).lower():
                self.refuse(_("<{element} {attribute}=…> holds a javascript: address").format(element=local, attribute=attr))
                return

    @staticmethod
    def _address_ok(element: str, value: str) -> bool:
        value = _SQUEEZE.sub("", value)  # a browser drops tabs and line breaks inside an address
        if value.startswith("#"):
            return True
        scheme = _SCHEME.match(value)
        if scheme is None:
            return True  # a relative address: another file of the site
        if element in ("image", "feImage") and _RASTER_DATA.match(value):
            return True
        return scheme.group(1).lower() in ("http", "https") and element in ("a", "image")

    def text(self, data: str) -> None:
        if self.in_style and _STYLE_DANGER.search(data):
            self.refuse(_("the picture's <style> loads from another address or runs code"))

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
        return Refusal(
            _("this SVG is not well-formed XML ({error}), so it cannot be checked; save it again from the drawing program").format(error=expat.ErrorString(exc.code)),
            exc.lineno,
        )
    if not checker.root_seen:
        return Refusal(_("this .svg file holds no SVG picture"))
    return checker.refusal
