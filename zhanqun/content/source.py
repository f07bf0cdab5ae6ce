"""Reading one content file: bytes → text → header lines and body, with located problems.

Python-Markdown's metadata parser silently ends the header at the first line that is not
``Key: value`` with an ASCII key, so ``Status：draft`` (full-width colon) becomes body text and a
draft is published. This module parses the header itself, strictly, before Pelican sees the
file; what it accepts is written back out in canonical form for Pelican (see ``render/stage.py``).

A header must not be able to lie: a ``Visibility: internal`` that a blank line pushed into the
text, or an indented line that older parsers glue onto the previous value, would publish what
its author meant to keep in. So an indented header line is an error, and so is any line of the
text that reads as a header line — ``Status: draft``, in any case, with a full-width colon or
letters, behind spaces or invisible characters — outside code blocks. Control characters (a
vertical tab pasted from Word, a NUL) are located errors too: web pages and feeds cannot carry them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import Problems, closest, did_you_mean
from ..i18n import N_, _
from .mongolian import strip_text
from .metadata import (
    CHINESE_KEYS,
    CHINESE_VALUES,
    KNOWN_KEYS,
    STATUSES,
    VISIBILITIES,
    canonical_key,
    fixed_value,
)

MAX_BYTES = 5 * 1024 * 1024

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*:(?P<value>.*)$")
_WIDE_COLON_LINE = re.compile(r"^(?P<key>[^\s:：]{1,20})[ \t]*：(?P<value>.*)$")
_CJK_KEY_LINE = re.compile(r"^(?P<key>[^\sA-Za-z:：][^\s:：]{0,11})[ \t]*[:：](?P<value>.*)$")


@dataclass
class SourceFile:
    """The text of a content file split into header fields and body."""

    path: str  # repository-relative, for messages
    meta: dict[str, str] = field(default_factory=dict)  # canonical key → value
    lines: dict[str, int] = field(default_factory=dict)  # canonical key → 1-based line
    body: str = ""
    body_line: int = 1  # line number of the first body line
    encoding: str = "utf-8"
    header_end: int = 0  # number of header lines
    last_line: int = 1  # the last line of the file, for problems about what is missing at its end
    mistyped: set[str] = field(default_factory=set)  # known keys written wrongly (already reported)


def decode(raw: bytes, path: str, problems: Problems) -> tuple[str, str] | None:
    """Decode a content file; UTF-8 (with or without BOM) silently, GB18030 or UTF-16 with a warning.

    Returns ``(text, encoding)`` with line ends normalised to LF, or ``None`` after reporting
    a file that cannot be read as text. A file is never mis-read: a UTF-8 file with a damaged
    byte is an error at that line, not a GBK file full of mojibake.
    """
    if len(raw) > MAX_BYTES:
        problems.add(path, None, "file-too-large", _("{size} KiB is over the 5 MB limit for a content file; put large material in files/ and link it").format(size=len(raw) // 1024))
        return None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):  # Word's "Unicode text": unambiguous, so read it
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break
            problems.warn(path, None, "encoding", _("read as UTF-16 (\"Unicode text\"); please save the file as UTF-8"))
            return _text_or_binary(text, "utf-16", path, problems)
    if b"\x00" in raw[:8192]:
        codec = _utf16_without_bom(raw)
        if codec:
            problems.warn(path, None, "encoding", _("read as UTF-16 (\"Unicode text\"); please save the file as UTF-8"))
            return _text_or_binary(raw.decode(codec), "utf-16", path, problems)
        if raw[:8192].count(b"\x00") > MAX_STRAY_NULS or not _decodes(raw.removeprefix(b"\xef\xbb\xbf"), "utf-8"):
            problems.add(path, None, "binary-file", _("this is a binary file, not Markdown text; put it under files/ and link it with {static}"))
            return None
        # a few NUL bytes in a UTF-8 text: each is reported at its line below (control-character)
    encoding = "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if _mostly_utf8(raw):
            problems.add(path, line, "bad-encoding", _("invalid UTF-8 byte on this line (a damaged or mixed-encoding file); save it again as UTF-8"))
            return None
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            problems.add(path, line, "bad-encoding", _("the file is neither UTF-8 nor GBK/GB18030; save it as UTF-8"))
            return None
        encoding = "gb18030"
        problems.warn(path, None, "encoding", _("read as GBK/GB18030; please save the file as UTF-8"))
    return _text_or_binary(text, encoding, path, problems)


#: NUL bytes a text may hold (each a located error) before the file is taken for a binary one.
MAX_STRAY_NULS = 8


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for Word's "Unicode text" saved without a byte-order mark.

    Header keys and digits are ASCII, which UTF-16 writes with a zero byte beside each: zero
    bytes on (nearly) only odd or only even offsets, and the whole file decoding, tell it from a
    binary file, whose zero bytes fall anywhere.
    """
    sample = raw[:8192]
    if len(raw) % 2:
        return None
    odd = sum(1 for n in range(1, len(sample), 2) if sample[n] == 0)
    even = sum(1 for n in range(0, len(sample), 2) if sample[n] == 0)
    for codec, zeros, stray in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 4 and stray * 20 <= zeros:
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r") * 20 < len(text[:4096]):
                return codec
    return None


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(raw: bytes) -> bool:
    """Whether undecodable bytes are rare damage in a UTF-8 text rather than another encoding.

    GBK text almost never forms valid three-byte UTF-8 sequences, so a file with more decoded
    CJK characters than bad bytes is UTF-8 with a few damaged bytes.
    """
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef")
    return good > bad


#: Characters no page or feed can carry (XML 1.0 forbids them), and line separators that editors
#: and Python-Markdown disagree about: each is a located error.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_CONTROL_NAMES = {
    "\x00": N_("a NUL byte"),
    "\x0b": N_("a vertical tab (a line break pasted from Word)"),
    "\x0c": N_("a form feed (a page break pasted from Word)"),
    "\x85": N_("a NEL line break"),
    "\u2028": N_("a Unicode line separator"),
    "\u2029": N_("a Unicode paragraph separator"),
    **{chr(c): N_("a direction override, which makes text read differently from how it is written") for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
#: The name of any other control character.
_CONTROL_CHARACTER = N_("a control character")
#: Control characters reported per file before the rest are counted.
MAX_CONTROL_REPORTS = 5


def _text_or_binary(text: str, encoding: str, path: str, problems: Problems) -> tuple[str, str] | None:
    """Normalise line ends; refuse a binary file, and locate every stray control character."""
    sample = text[:8192]
    # vertical tabs and form feeds are Word's line and page breaks: text, reported one by one below
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and (controls > 8 and controls * 20 > len(sample)):
        problems.add(path, None, "binary-file", _("this is a binary file, not Markdown text; put it under files/ and link it with {static}"))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    by_line: dict[int, list[str]] = {}
    for match in _CONTROL_RE.finditer(text):
        by_line.setdefault(text.count("\n", 0, match.start()) + 1, []).append(match.group(0))
    for n, (line, chars) in enumerate(sorted(by_line.items())[:MAX_CONTROL_REPORTS], 1):
        char = chars[0]
        name = _(_CONTROL_NAMES.get(char, _CONTROL_CHARACTER))
        times = _(" ({count} on this line)").format(count=len(chars)) if len(chars) > 1 else ""
        more = _("; {count} more line(s) of this file have such characters").format(count=len(by_line) - n) if n == MAX_CONTROL_REPORTS < len(by_line) else ""
        if char in "\x0b\x0c\x85\u2028\u2029":
            message = _("U+{code:04X}, {name}{times}, that web pages and feeds cannot carry; delete it (use a normal line break){more}")
        elif 0x202A <= ord(char) <= 0x2069:
            message = _("U+{code:04X}, {name}{times}, which no government text needs; delete it{more}")
        else:
            message = _("U+{code:04X}, {name}{times}, that web pages and feeds cannot carry; delete it{more}")
        problems.add(path, line, "control-character", message.format(code=ord(char), name=name, times=times, more=more))
    if by_line:
        return None
    return text, encoding


def parse_header(text: str, path: str, problems: Problems, encoding: str = "utf-8") -> SourceFile:
    """Split ``Key: value`` header lines from the body; every bad header line is a located error."""
    source = SourceFile(path=path, encoding=encoding)
    lines = text.split("\n")
    source.last_line = max(1, len(lines) - (1 if text.endswith("\n") else 0))
    start = _header_start(lines, path, problems)
    if start is None:
        source.body = text
        _report_header_lines_in_body(source, 0, problems)
        return source
    n = start
    while n < len(lines):
        line = lines[n] if n > start else _unindented(lines[n])
        number = n + 1
        if not line.strip():
            break
        if line[:1].isspace() or not line[:1].isprintable():
            problems.add(
                path, number, "bad-header-line",
                _(
                    "indented header line {line!r}: header lines start at the beginning of the line, "
                    "and a value stays on its own line; remove the space, or leave an empty line before the text"
                ).format(line=line.strip()[:40]),
            )
            n += 1
            continue
        match = _KEY_LINE.match(line)
        if match:
            key = canonical_key(match.group("key"))
            if key is None:
                raw_key = match.group("key")
                problems.add(path, number, "unknown-key", _("unknown metadata key '{key}'{hint}").format(key=raw_key, hint=did_you_mean(raw_key, KNOWN_KEYS)))
                meant = closest(raw_key, KNOWN_KEYS)
                if meant:  # Titel: one mistake, not also a missing Title
                    source.mistyped.add(meant)
            elif key in source.meta:
                problems.add(path, number, "duplicate-key", _("'{key}' is already set on line {line}").format(key=key, line=source.lines[key]))
            else:
                source.meta[key] = strip_text(match.group("value"))
                source.lines[key] = number
        else:
            meant = _report_bad_header_line(line, number, path, problems)
            if meant:
                source.mistyped.add(meant)
        n += 1
    source.header_end = n
    source.body = "\n".join(lines[n + 1 :]) if n < len(lines) else ""
    source.body_line = n + 2
    if n < len(lines):
        _report_header_lines_in_body(source, n + 1, problems)
    return source


def _header_start(lines: list[str], path: str, problems: Problems) -> int | None:
    """The index of the header's first line, or ``None`` when the file has no header.

    A header starts on the first line, at its first character. Empty lines or spaces in front of
    it (easy to paste, impossible to see) would otherwise make the whole header text: they are one
    error here, and the header is read all the same, so that nothing else is misreported.
    """
    first = next((n for n, line in enumerate(lines) if _unindented(line)), None)
    if first is None or not _looks_like_header(_unindented(lines[first])):
        return None
    if first == 0 and _unindented(lines[0]) == lines[0]:
        return 0
    if first:
        message = _("the header must start on the first line, at its first character: delete the {count} empty line(s) before {start!r}")
    else:
        message = _("the header must start on the first line, at its first character: delete the space or invisible character before {start!r}")
    problems.add(path, 1, "bad-header-line", message.format(count=first, start=_unindented(lines[first])[:30]))
    return first


def _unindented(line: str) -> str:
    """``line`` without the white space and invisible characters in front of it."""
    n = 0
    while n < len(line) and (line[n].isspace() or unicodedata.category(line[n]) == "Cf"):
        n += 1
    return line[n:]


#: The keys whose lines, anywhere in the text, look like an attempt to publish or keep in an item:
#: the publication gate and the review record.
GATE_KEYS = ("Status", "Visibility", "Reviewed-By", "Approved-By")
_ANY_KEY_RE = re.compile(r"^(?P<key>[^\s:]{1,20})\s*:\s*(?P<value>\S.*)$")
#: What Markdown puts around a line that would still read as a header line: list bullets,
#: quote marks, numbering, emphasis around the key (``- Status: draft``, ``**Status**: draft``).
_MARKDOWN_MARKS_RE = re.compile(r"^(?:[>\s]*(?:[-*+]|\d+[.)])?\s+|>+\s*)*|(?<=^)[*_`~]+|[*_`~]+(?=\s*:)")
_INDENTED_CODE_RE = re.compile(r"^(?: {4}|\t)")


def _plain(line: str) -> str:
    """A line as a reader sees it: no invisible characters, full-width forms as ASCII, no indent."""
    visible = "".join(ch for ch in line if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", visible).strip()


def _header_key(line: str, anywhere: bool) -> str | None:
    """The header key a line of the text reads as, or ``None``.

    Right after the header (``anywhere`` false) any known key counts, in English or Chinese; further
    down only the gate keys do, with a value they take (``Status: draft``, ``状态：草稿``, a reviewer's
    name), so that ``来源：兴安日报`` or ``Date: 15 March 2026`` in running text stay text.
    """
    match = _ANY_KEY_RE.match(_MARKDOWN_MARKS_RE.sub("", _plain(line)))
    if not match:
        return None
    raw_key, value = match.group("key"), match.group("value").strip()
    key = canonical_key(raw_key) or CHINESE_KEYS.get(raw_key)
    if key is None:
        return None
    if not anywhere:
        return key
    if key in ("Reviewed-By", "Approved-By"):
        return key
    if key in ("Status", "Visibility"):
        meant = CHINESE_VALUES.get(value, value.lower())
        return key if meant in (STATUSES if key == "Status" else VISIBILITIES) else None
    return None


def _report_header_lines_in_body(source: SourceFile, end: int, problems: Problems) -> None:
    """Lines of the text that read as header lines are errors (see the module docstring).

    The lines right after the header — up to the first line that reads as text — are where a
    header line lands when an empty line cut the header short: there every key counts, even in a
    code block. Further down only the gate keys count (:func:`_header_key`), and code blocks
    (fenced or indented) are examples, shown as code.
    """
    from .html_policy import strip_code

    raw_lines = source.body.split("\n")
    code_free = strip_code(source.body).split("\n")
    right_after = True
    previous_blank = True
    for offset, line in enumerate(raw_lines):
        if not line.strip():
            previous_blank = True
            continue
        key = _header_key(line, anywhere=False) if right_after else None
        if key is None:
            right_after = False
            in_code = not code_free[offset].strip() or (_INDENTED_CODE_RE.match(line) and previous_blank)
            key = None if in_code else _header_key(line, anywhere=True)
        previous_blank = False
        if key is None:
            continue
        if end:
            message = _(
                "'{line}' reads as a header line, but the header ends at the empty line {end}, so it would be published as text "
                "and not set {key}; move it up into the header (no empty line inside the header), or show it in a code block"
            )
        else:
            message = _(
                "'{line}' reads as a header line, but this file has no header before it, so it would be published as text "
                "and not set {key}; move it up into the header (no empty line inside the header), or show it in a code block"
            )
        problems.add(source.path, source.body_line + offset, "header-in-text", message.format(line=line.strip()[:50], end=end, key=key))


def _looks_like_header(line: str) -> bool:
    """A first line that is a ``Key: value`` pair, possibly mistyped, starts a header."""
    return bool(_KEY_LINE.match(line) or _WIDE_COLON_LINE.match(line) or _CJK_KEY_LINE.match(line))


def _meant_key(raw_key: str) -> str | None:
    """The known key a mistyped ASCII one stands for: any case, or full-width letters."""
    return canonical_key(raw_key) or canonical_key(unicodedata.normalize("NFKC", raw_key))


def _report_bad_header_line(line: str, number: int, path: str, problems: Problems) -> str | None:
    """Report a header line that is not ``Key: value``; return the key it meant, if known."""
    wide = _WIDE_COLON_LINE.match(line)
    if wide:
        raw_key = wide.group("key").strip()
        key = _meant_key(raw_key)
        if key:
            value = fixed_value(key, wide.group("value"))
            if value.strip():
                message = _("full-width colon '：' after '{raw_key}'; use an ASCII colon: '{line}'").format(raw_key=raw_key, line=f"{key}: {value}")
            else:  # "write 'Author: '" would suggest an empty value
                message = _("full-width colon '：' after '{raw_key}', and no value; write '{key}: ' and the value after it").format(raw_key=raw_key, key=key)
            problems.add(path, number, "wide-colon", message)
            return key
    cjk = _CJK_KEY_LINE.match(line)
    if cjk:
        raw_key = cjk.group("key").strip()
        english = CHINESE_KEYS.get(raw_key)
        if english:
            problems.add(
                path, number, "chinese-key",
                _("use '{key}' for {raw_key}: '{line}'").format(key=english, raw_key=raw_key, line=f"{english}: {fixed_value(english, cjk.group('value'))}"),
            )
            return english
        ascii_key = canonical_key(unicodedata.normalize("NFKC", raw_key))
        if ascii_key:
            problems.add(
                path, number, "unknown-key",
                _("'{raw_key}' is typed in full-width letters; write '{line}'").format(raw_key=raw_key, line=f"{ascii_key}: {fixed_value(ascii_key, cjk.group('value'))}"),
            )
            return ascii_key
        problems.add(path, number, "unknown-key", _("unknown metadata key '{key}'; keys are English words such as Title, Date, Source").format(key=raw_key))
        return None
    if wide:
        problems.add(path, number, "wide-colon", _("full-width colon '：' in header line; use an ASCII colon and a known key{hint}").format(hint=did_you_mean(wide.group("key"), KNOWN_KEYS)))
        return None
    problems.add(path, number, "bad-header-line", _("not a 'Key: value' line: {line!r}; end the header with an empty line before the text").format(line=line.strip()[:40]))
    return None


def read_source(raw: bytes, path: str, problems: Problems) -> SourceFile | None:
    """Decode and split one content file; ``None`` when it cannot be read at all."""
    decoded = decode(raw, path, problems)
    if decoded is None:
        return None
    text, encoding = decoded
    return parse_header(text, path, problems, encoding)
