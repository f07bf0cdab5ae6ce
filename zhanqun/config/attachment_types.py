"""The file types an attachment may have: a site file names them, so stage 1 knows them.

A site file may publish more types (``[publishing] attachment_types``), never one of
:data:`ACTIVE_SUFFIXES`; :mod:`zhanqun.content.attachment_safety` applies these lists to the files
themselves in stage 2.
"""

from __future__ import annotations

from ..i18n import N_

#: Suffixes refused outright: a browser runs them in the site's origin, or a server may execute them.
#: Each says what such a file is, marked with ``N_``: a message shows it through ``_``.
ACTIVE_SUFFIXES = {
    ".html": N_("a web page"), ".htm": N_("a web page"), ".shtml": N_("a web page"), ".shtm": N_("a web page"),
    ".xhtml": N_("a web page"), ".xht": N_("a web page"), ".mht": N_("a web archive"), ".mhtml": N_("a web archive"),
    ".xml": N_("an XML document (it can carry a web page and its scripts)"), ".xsl": N_("an XSL style sheet"),
    ".xslt": N_("an XSL style sheet"), ".rdf": N_("an XML document"), ".svgz": N_("a compressed SVG (it cannot be checked)"),
    ".js": N_("a script"), ".mjs": N_("a script"), ".cjs": N_("a script"), ".swf": N_("a Flash program"),
    ".jar": N_("a Java program"), ".class": N_("a Java program"), ".wasm": N_("a WebAssembly program"),
    ".appcache": N_("an application cache manifest"), ".php": N_("a server script"), ".phtml": N_("a server script"),
    ".php5": N_("a server script"), ".asp": N_("a server script"), ".aspx": N_("a server script"), ".jsp": N_("a server script"),
    ".jspx": N_("a server script"), ".cgi": N_("a server script"), ".pl": N_("a server script"),
}
#: The attachment types a site publishes: what government offices attach, by suffix.
ATTACHMENT_TYPES = frozenset(
    """.pdf .ofd .doc .docx .dot .dotx .wps .wpt .rtf .odt .xls .xlsx .et .ett .ods .ppt .pptx .pps .ppsx
    .dps .odp .txt .csv .tsv .md .epub .ceb .caj .zip .rar .7z .tar .gz .tgz .bz2 .xz .jpg .jpeg .png .gif
    .webp .bmp .tif .tiff .svg .ico .mp4 .webm .ogv .m4v .mp3 .m4a .wav .ogg .oga .aac .flac .vtt .srt
    .json .geojson .kmz .shp .shx .dbf .dwg .dxf""".split()
)
#: Types browsers show as text whatever they hold, so markup inside them does not run.
PLAIN_TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".md", ".vtt", ".srt", ".json", ".geojson")
