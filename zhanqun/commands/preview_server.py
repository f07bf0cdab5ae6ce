"""The HTTP side of ``serve``: the preview on loopback, with the reload script added on the way out.

The files are served as the build wrote them (``output/preview``); only the answer to the browser
is changed: every HTML page gets ``<script src="/__zhanqun__/reload.js?generation=N" defer>`` before its
``</head>``, so nothing of the server ever reaches a file that could be published. The script
(``preview_reload.js``, served from the package) listens to ``/__zhanqun__/events`` (Server-Sent
Events), reloads the page when a build finished, and shows what ``/__zhanqun__/problems`` lists
while the last build failed. Everything is sent with ``Cache-Control: no-store``: a reload must
show the new build.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..i18n import _, current_language

#: The server's own addresses; no site has a folder of this name (site ids are letters and digits).
PREFIX = "/__zhanqun__/"
#: The tag added to each page; ``generation`` is the build the page is from, so the script reloads
#: a page that is older than the build it first hears of (a build that ended while the page loaded).
RELOAD_SCRIPT = '<script src="' + PREFIX + 'reload.js?generation={generation}" defer></script>'
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
#: How often an idle event stream is sent a comment (keeps proxies and the browser's timer happy).
HEARTBEAT_SECONDS = 15.0


@dataclass
class PreviewState:
    """What the browser is told: the build generation (a new one means reload) and the problems.

    Shared by the build loop (the writer) and the request threads (readers), under one condition.
    """

    generation: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False
    version: int = 0  # any change the event streams must report
    stopping: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)

    def built(self, problems: list[dict[str, Any]]) -> None:
        """A build succeeded: open pages reload; its warnings are listed (the page shows none)."""
        with self.condition:
            self.generation += 1
            self.problems, self.failed = problems, False
            self._changed()

    def build_failed(self, problems: list[dict[str, Any]]) -> None:
        """A build failed: the pages stay (the last good output) and show its problems."""
        with self.condition:
            self.problems, self.failed = problems, True
            self._changed()

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self._changed()

    def _changed(self) -> None:
        self.version += 1
        self.condition.notify_all()

    def summary(self) -> dict[str, Any]:
        with self.condition:
            return {"generation": self.generation, "version": self.version, "failed": self.failed, "problems": len(self.problems)}

    def snapshot(self) -> dict[str, Any]:
        with self.condition:
            title = _("The last build failed; this page is from the last good build. Fix these, save, and it reloads:") if self.failed else ""
            return {"generation": self.generation, "version": self.version, "failed": self.failed, "title": title, "close": _("Close"), "problems": list(self.problems)}


class PreviewServer(ThreadingHTTPServer):
    """A threading server for one folder and one :class:`PreviewState`; request threads never block exit."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], folder: Path, state: PreviewState, log: bool = False):
        self.folder = folder
        self.state = state
        self.log = log
        super().__init__(address, PreviewHandler)


class PreviewHandler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(args[2].folder), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the standard library's name)
        if self.server.log:
            super().log_message(format, *args)

    def _answer(self, head: bool) -> None:
        if not self._for_us():
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST)
            return
        path = urlsplit(self.path).path
        if path.startswith(PREFIX):
            self._own(path[len(PREFIX) :], head)
            return
        file = self._file_for(path)
        if file is None:
            self._not_found(path, head)
        elif file.suffix == ".html":
            self._page(file, HTTPStatus.OK, head)
        elif head:
            super().do_HEAD()
        else:
            super().do_GET()

    def _for_us(self) -> bool:
        """Whether the request names this computer: a page elsewhere that points its own host name at
        127.0.0.1 (DNS rebinding) must not read the preview or its problems through the reader's browser."""
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        return host in {f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"} or (port == 80 and host in {"localhost", "127.0.0.1", "[::1]"})

    def _file_for(self, path: str) -> Path | None:
        """The file a request names (a folder's ``index.html``), or ``None``; never a folder listing."""
        local = Path(self.translate_path(path))  # the standard library's: drops ``..`` and drive parts
        if local.is_dir():
            if not path.endswith("/"):
                return local  # SimpleHTTPRequestHandler answers with the redirect to path/
            local = local / "index.html"
        return local if local.is_file() else None

    def _page(self, file: Path, status: HTTPStatus, head: bool) -> None:
        try:
            body = file.read_bytes()
        except OSError:
            self._not_found("", head)
            return
        self._send_html(inject_reload_script(body, self.server.state.summary()["generation"]), status, head)

    def _send_html(self, body: bytes, status: HTTPStatus, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _not_found(self, path: str, head: bool) -> None:
        """The site's own 404 page (``/<id>/404.html``) when there is one, else a short page of ours."""
        segments = [s for s in unquote(path).split("/") if s]
        if segments and re.fullmatch(r"[a-z0-9-]+", segments[0]):
            own = self.server.folder / segments[0] / "404.html"
            if own.is_file():
                self._page(own, HTTPStatus.NOT_FOUND, head)
                return
        text = _("Nothing here yet: no page at this address in the preview.")
        lang = "en" if current_language() == "en" else "zh-CN"
        page = f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>404</title></head><body><main><h1>404</h1><p>{_escape(text)}</p><p><a href="/">/</a></p></main></body></html>'
        self._send_html(inject_reload_script(page.encode("utf-8"), self.server.state.summary()["generation"]), HTTPStatus.NOT_FOUND, head)

    def _own(self, name: str, head: bool) -> None:
        if name == "reload.js":
            body = (Path(__file__).with_name("preview_reload.js")).read_bytes()
            self._send(body, "application/javascript; charset=utf-8", head)
        elif name == "problems":
            self._send(json.dumps(self.server.state.snapshot(), ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8", head)
        elif name == "events" and not head:
            self._events()
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, kind: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the state now, then again after every build, until the server stops."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        seen = -1
        try:
            while True:
                with state.condition:
                    changed = state.condition.wait_for(lambda: state.version != seen or state.stopping, timeout=HEARTBEAT_SECONDS)
                    if state.stopping:
                        return
                    seen = state.version
                message = f"event: state\ndata: {json.dumps(state.summary())}\n\n" if changed else ": heartbeat\n\n"
                self.wfile.write(message.encode("utf-8"))
                self.wfile.flush()
        except OSError:  # the browser went away (a reload, a closed tab)
            return


def inject_reload_script(page: bytes, generation: int) -> bytes:
    """``page`` with the reload script before ``</head>`` (at the end when it has none)."""
    tag = RELOAD_SCRIPT.format(generation=generation).encode("ascii")
    match = _HEAD_END.search(page)
    if match is None:
        return page + tag
    return page[: match.start()] + tag + page[match.start() :]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
