"""The file types an attachment may have: a site file names them, so stage 1 knows them.

A site file may publish more types (``[publishing] attachment_types``), never one of
:data:`ACTIVE_SUFFIXES`; :mod:`zhanqun.content.attachment_safety` applies these lists to the files
themselves in stage 2.
"""

from __future__ import annotations

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
#: The attachment types a site publishes: what government offices attach, by suffix.
ATTACHMENT_TYPES = frozenset(
    """.pdf .ofd .doc .docx .dot .dotx .wps .wpt .rtf .odt .xls .xlsx .et .ett .ods .ppt .pptx .pps .ppsx
    .dps .odp .txt .csv .tsv .md .epub .ceb .caj .zip .rar .7z .tar .gz .tgz .bz2 .xz .jpg .jpeg .png .gif
    .webp .bmp .tif .tiff .svg .ico .mp4 .webm .ogv .m4v .mp3 .m4a .wav .ogg .oga .aac .flac .vtt .srt
    .json .geojson .kmz .shp .shx .dbf .dwg .dxf""".split()
)
#: Types browsers show as text whatever they hold, so markup inside them does not run.
PLAIN_TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".md", ".vtt", ".srt", ".json", ".geojson")
