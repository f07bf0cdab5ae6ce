"""The Pagefind binary: found, checked, and asked for a site's search bundle.

zhanqun needs Pagefind's *extended* build, version :data:`MINIMUM` or newer. The standard build
does not segment Chinese (a whole page becomes a handful of "words", so ``补贴`` finds nothing), and
the extended 1.5.x segments the index with jieba while the browser splits the query with
``Intl.Segmenter``: where the two disagree (``科尔沁右翼前旗``, ``前旗``, ``政府信息公开``) the query
finds nothing. 1.6 segments both sides with ICU. An unusable binary is therefore refused with a
message that says how to get a good one — never used to build an index that cannot find Chinese
place names.

The binary is found in this order (:func:`locate`): ``ZHANQUN_PAGEFIND``, Pagefind's own
``PAGEFIND_BINARY_PATH``, the ``pagefind_bin_extended`` package (``pip install
'pagefind[extended]'``), then ``pagefind_extended`` on ``PATH``. Nothing is downloaded.

The bundle is made through Pagefind's service mode (``--service``: base64 JSON messages separated
by ``,`` on stdin and stdout), not its Python wrapper, which sleeps 0.1 s before reading each
answer: one ``AddDir`` indexes the whole site folder as ``--site`` would, and ``GetFiles`` hands
the bundle back in memory, so every file of it is written by ``paths.py`` like any other output.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Mapping

from ..i18n import N_, _

MINIMUM = (1, 6, 0)
#: The environment variables that name the binary, in the order they are read.
BINARY_VARIABLES = ("ZHANQUN_PAGEFIND", "PAGEFIND_BINARY_PATH")
#: How to get a good binary, said in every refusal.
HOW_TO_GET = N_(
    "install Pagefind's extended build 1.6 or newer: `pip install 'pagefind[extended]>=1.6'` from PyPI; where the "
    "package index stops at 1.5, run `export ZHANQUN_PAGEFIND=\"$(.ci/pagefind)\"` in the repository (it fetches 1.6.0 "
    "from the npm registry and checks its hash; needs npm) (manual: docs/authors.md, 站内搜索; README: Search)"
)
#: A Chinese sentence the extended build cuts into words (U+200B between them) and the standard one does not.
_PROBE_PAGE = '<!DOCTYPE html><html lang="zh-CN"><head><title>p</title></head><body><main>供暖补贴发放工作通知</main></body></html>'
_VERSION_RE = re.compile(r"pagefind\s+(\d+)\.(\d+)\.(\d+)")
#: Seconds a request to the service may take before the binary is taken to hang (indexing 10,000
#: pages takes about 15 s on two cores).
TIMEOUT = 600


class PagefindUnusable(Exception):
    """No usable binary; ``where`` is what named it (a variable, a path), the message how to fix it."""

    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Pagefind:
    """A checked binary: extended, :data:`MINIMUM` or newer."""

    path: Path
    version: str


def locate(environ: Mapping[str, str] | None = None) -> tuple[Path, str]:
    """The binary to use and what named it (``ZHANQUN_PAGEFIND``, ``pagefind_bin_extended``, ``PATH``)."""
    env = os.environ if environ is None else environ
    for variable in BINARY_VARIABLES:
        value = env.get(variable, "").strip()
        if value:
            path = Path(value).expanduser()
            if not path.is_file():
                raise PagefindUnusable(f"{variable}={value}", _("{variable} names no file; {how}").format(variable=variable, how=_(HOW_TO_GET)))
            return path, variable
    try:
        import pagefind_bin_extended  # type: ignore[import-not-found]

        packaged = pagefind_bin_extended.get_executable()
        if packaged:
            return Path(packaged), "pagefind_bin_extended"
    except (ImportError, FileNotFoundError, OSError):
        pass
    found = shutil.which("pagefind_extended", path=env.get("PATH"))
    if found:
        return Path(found), "PATH"
    raise PagefindUnusable("pagefind", _("Pagefind is not installed; the build makes each site's search with it. {how}").format(how=_(HOW_TO_GET)))


def check(path: Path, named_by: str) -> Pagefind:
    """``path`` if it is Pagefind's extended build :data:`MINIMUM` or newer; else :class:`PagefindUnusable`."""
    where = f"{named_by}: {path}" if named_by != "PATH" else str(path)
    try:
        answer = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, env=_clean_environment(), check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PagefindUnusable(where, _("cannot run it ({error}); {how}").format(error=exc, how=_(HOW_TO_GET))) from None
    match = _VERSION_RE.search(answer.stdout)
    if not match:
        raise PagefindUnusable(where, _("it does not answer --version like Pagefind; {how}").format(how=_(HOW_TO_GET)))
    version = tuple(int(part) for part in match.groups())
    shown = ".".join(match.groups())
    if version < MINIMUM:
        message = _(
            "Pagefind {version} is too old: before 1.6 its index and the browser cut Chinese into words differently, "
            "so 科尔沁右翼前旗 or 政府信息公开 find nothing; {how}"
        ).format(version=shown, how=_(HOW_TO_GET))
        raise PagefindUnusable(where, message)
    binary = Pagefind(path, shown)
    try:
        segmented = _segments_chinese(binary)
    except PagefindError as exc:
        raise PagefindUnusable(where, _("it failed on a test page ({error}); {how}").format(error=exc, how=_(HOW_TO_GET))) from None
    if not segmented:
        message = _("this is Pagefind's standard build, which does not cut Chinese into words (补贴 would find nothing); {how}")
        raise PagefindUnusable(where, message.format(how=_(HOW_TO_GET)))
    return binary


def find(environ: Mapping[str, str] | None = None) -> Pagefind:
    """The checked binary (:func:`locate`, then :func:`check`)."""
    return check(*locate(environ))


def _segments_chinese(binary: Pagefind) -> bool:
    """Whether the binary cuts a Chinese sentence into words (the extended build's ICU segmenter)."""
    with PagefindService(binary) as service:
        index = service.new_index()
        service.ask({"type": "AddFile", "index_id": index, "url": "/p.html", "file_contents": _PROBE_PAGE})
        files = service.files(index)
    for path, data in files.items():
        if path.startswith("fragment/"):
            return "\u200b" in fragment_json(data).get("content", "")
    return False


def fragment_json(data: bytes) -> dict[str, Any]:
    """A fragment file (``gzip("pagefind_dcd" + JSON)``) as its JSON; ``{}`` when it is not one."""
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError):
        return {}
    raw = raw.removeprefix(b"pagefind_dcd")
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class PagefindError(Exception):
    """The service answered with an error, or stopped answering."""


def _clean_environment() -> dict[str, str]:
    """The environment without Pagefind's own ``PAGEFIND_*`` settings, which would change the bundle."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}


class PagefindService:
    """One ``pagefind --service`` process, asked one request at a time."""

    def __init__(self, binary: Pagefind):
        self.binary = binary
        self.process: subprocess.Popen[bytes] | None = None
        self.message_id = 0
        self.errors: list[bytes] = []

    def __enter__(self) -> PagefindService:
        # the working folder holds no pagefind.yml/json/toml of anyone's: Pagefind reads one there
        self.process = subprocess.Popen(
            [str(self.binary.path), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=os.path.realpath(os.sep),
            env=_clean_environment(),
        )
        assert self.process.stderr is not None
        threading.Thread(target=_drain, args=(self.process.stderr, self.errors), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    def ask(self, payload: dict[str, Any], timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send one request and return its answer's payload; :class:`PagefindError` on an error,
        or when no answer came within ``timeout`` seconds (the process is then stopped)."""
        assert self.process and self.process.stdin and self.process.stdout
        self.message_id += 1
        message = base64.b64encode(json.dumps({"message_id": self.message_id, "payload": payload}).encode("utf-8")) + b","
        fired = threading.Event()
        process = self.process

        def stop() -> None:
            fired.set()
            process.kill()

        watchdog = threading.Timer(timeout, stop)
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                self.process.stdin.write(message)
                self.process.stdin.flush()
            except OSError as exc:
                raise PagefindError(self._said() or str(exc)) from None
            answer = _read_answer(self.process.stdout)
        finally:
            watchdog.cancel()
        if answer is None and fired.is_set():
            raise PagefindError(_("Pagefind gave no answer in {seconds} seconds and was stopped").format(seconds=int(timeout)))
        if answer is None:
            raise PagefindError(self._said() or _("Pagefind stopped without an answer"))
        try:
            decoded = json.loads(base64.b64decode(answer))
        except ValueError:
            raise PagefindError(_("Pagefind answered something that is not a message")) from None
        result = decoded.get("payload") or {}
        if result.get("type") == "Error":
            raise PagefindError(str(result.get("message")))
        return result

    def _said(self) -> str:
        return b"".join(self.errors).decode("utf-8", "replace").strip()[-500:]

    def new_index(self, config: dict[str, Any] | None = None) -> int:
        return int(self.ask({"type": "NewIndex", "config": config or {}})["index_id"])

    def add_directory(self, index: int, folder: Path) -> int:
        """Index every HTML file under ``folder`` (``--site``); returns the number of files Pagefind
        read (pages without ``data-pagefind-body`` among them: the bundle's entry counts the pages indexed)."""
        return int(self.ask({"type": "AddDir", "index_id": index, "path": str(folder)}).get("page_count", 0))

    def files(self, index: int) -> dict[str, bytes]:
        """The bundle, path (``fragment/…``) → bytes, in memory."""
        answer = self.ask({"type": "GetFiles", "index_id": index})
        return {item["path"]: base64.b64decode(item["content"]) for item in answer.get("files", [])}


def _read_answer(stream: IO[bytes]) -> bytes | None:
    """The next ``,``-terminated message from the service, without the comma (base64 holds
    none); ``None`` when the service ended first. Read in large pieces: a bundle is megabytes."""
    buffer = bytearray()
    while True:
        peeked = stream.peek(1 << 16)  # type: ignore[attr-defined]
        if not peeked:
            return None
        cut = peeked.find(b",")
        if cut >= 0:
            buffer += stream.read(cut + 1)
            return bytes(buffer[:-1])
        buffer += stream.read(len(peeked))


def _drain(stream: IO[bytes], into: list[bytes]) -> None:
    """Keep the service's stderr from filling its pipe; the last of it explains a failure."""
    for line in iter(lambda: stream.read(4096), b""):
        into.append(line)
        del into[:-20]


# --- reading a bundle back (the leak gate) ------------------------------------------------------

#: The bundle's files that hold content, compressed: gzip of ``pagefind_dcd`` + JSON (fragments),
#: gzip of CBOR (index chunks, the meta file, filters).
COMPRESSED_SUFFIXES = (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")


def readable_text(name: str, data: bytes) -> str | None:
    """The text a compressed bundle file holds, for the leak gate; ``None`` when ``name`` is not one.

    A fragment is the page's text and metadata as JSON; the others are CBOR, whose text strings
    (indexed words, filter values, page ids) are returned one per line. A file that does not
    decompress is returned as it is (the gate then reads its bytes).
    """
    if not name.endswith(COMPRESSED_SUFFIXES):
        return None
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError):
        return None
    if raw.startswith(b"pagefind_dcd"):
        return raw[len(b"pagefind_dcd") :].decode("utf-8", "replace")
    return "\n".join(cbor_strings(raw))


def cbor_strings(data: bytes) -> list[str]:
    """Every text string in CBOR ``data`` (RFC 8949), in order.

    The items are walked flat: an array's or map's head is followed by its members, so reading
    heads one after another visits every string without building the structure; a truncated or
    malformed head ends the walk (what was read so far is returned).
    """
    found: list[str] = []
    position, end = 0, len(data)
    while position < end:
        head = data[position]
        major, info = head >> 5, head & 0x1F
        position += 1
        if info < 24:
            value: int | None = info
        elif 24 <= info <= 27:
            width = 1 << (info - 24)
            if position + width > end:
                break
            value = int.from_bytes(data[position : position + width], "big")
            position += width
        elif info == 31:
            value = None  # indefinite length: chunks or members follow, then a break
        else:
            break
        if major in (2, 3) and value is not None:
            if position + value > end:
                break
            if major == 3:
                found.append(data[position : position + value].decode("utf-8", "replace"))
            position += value
    return found
