"""What a compressed file holds, for the leak gate: the members of a zip (``.zip``, and the office
formats built on it: ``.docx .xlsx .pptx .odt .ods .odp .ofd .epub`` …) and the content of a gzip
(``.gz``, ``.tgz``), decompressed.

The gate looks for the bytes of an unpublished item's title, slug or passage in every output file.
In a deflated or gzipped file those bytes are never there as written, so a Word document quoting an
internal plan, or an internal notice gzipped, passed unseen. Here each member is read decompressed
(a zip inside a zip too, a few levels deep), so the gate reads it as the person who opens the file
does; a Word document's XML is then read with its tags dropped, as the gate reads pages.

Reading is bounded — :data:`MAX_BYTES` decompressed per file, :data:`MAX_MEMBERS` members, nesting
:data:`MAX_DEPTH` — so an archive bomb costs nothing; what is not read (beyond the bounds, an
encrypted member, a damaged archive) is said, for the gate to warn about.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

#: Decompressed bytes read from one output file, all members and levels together.
MAX_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_DEPTH = 3
_CHUNK = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Unpacked:
    """The members read (``name`` as a path inside the file, ``a.zip/word/document.xml`` when nested)
    and what was left unread, in words for a warning."""

    members: list[tuple[str, bytes]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    budget: int = MAX_BYTES
    count: int = 0


def is_compressed(data: bytes) -> bool:
    return data.startswith(_ZIP_MAGIC) or data.startswith(_GZIP_MAGIC)


def unpack(name: str, data: bytes, limit: int = MAX_BYTES) -> Unpacked:
    """Every member of ``data`` (a zip or gzip file called ``name``) decompressed, at most ``limit`` bytes."""
    found = Unpacked(budget=limit)
    _unpack(name.rsplit("/", 1)[-1], data, found, 1, prefix="")
    return found


def _unpack(name: str, data: bytes, found: Unpacked, depth: int, prefix: str) -> None:
    if data.startswith(_GZIP_MAGIC):
        inner = name[:-3] if name.endswith(".gz") else name[:-4] + ".tar" if name.endswith(".tgz") else name
        _add(f"{prefix}{inner}", _gunzip(data, found, f"{prefix}{name}"), found, depth)
    elif data.startswith(_ZIP_MAGIC):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            found.unread.append(f"{prefix}{name}")
            return
        for info in infos:
            if info.is_dir():
                continue
            member = f"{prefix}{info.filename}"
            found.count += 1
            if found.count > MAX_MEMBERS or found.budget <= 0:
                found.unread.append(member)
                continue
            if info.flag_bits & 0x1:  # encrypted: only the password opens it
                found.unread.append(member)
                continue
            try:
                with archive.open(info) as stream:
                    content = _read(stream, found, member)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError, zlib.error):
                found.unread.append(member)
                continue
            _add(member, content, found, depth)


def _add(member: str, content: bytes | None, found: Unpacked, depth: int) -> None:
    if content is None:
        return
    if depth < MAX_DEPTH and is_compressed(content):
        _unpack(member.rsplit("/", 1)[-1], content, found, depth + 1, prefix=f"{member}/")
    found.members.append((member, content))


def _gunzip(data: bytes, found: Unpacked, name: str) -> bytes | None:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts, size, rest = [], 0, data
    try:
        while rest:
            part = decompressor.decompress(rest, min(_CHUNK, found.budget - size + 1))
            parts.append(part)
            size += len(part)
            if size > found.budget:
                found.unread.append(name)
                break
            rest = decompressor.unconsumed_tail
            if decompressor.eof:  # a gzip may hold several members one after another
                rest = decompressor.unused_data
                if not rest.startswith(_GZIP_MAGIC):
                    break
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif not part and not rest:
                break
    except zlib.error:
        found.unread.append(name)
    found.budget -= size
    return b"".join(parts)[: max(0, size)]


def _read(stream: io.BufferedIOBase, found: Unpacked, member: str) -> bytes:
    parts, size = [], 0
    while chunk := stream.read(min(_CHUNK, found.budget - size + 1)):
        parts.append(chunk)
        size += len(chunk)
        if size > found.budget:
            found.unread.append(member)
            break
    found.budget -= size
    return b"".join(parts)
