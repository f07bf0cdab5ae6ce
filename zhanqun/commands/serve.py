"""``serve``: build the preview, serve it on loopback, rebuild on every change, reload open pages.

The loop runs in the main thread (a build's Ctrl-C handling needs it): build, then wait for
changes under ``content/``, ``sites/`` and ``themes/`` (``watchfiles``, which groups an editor's
several writes into one change), build again, and so on. The server (``preview_server.py``)
answers in its own threads meanwhile, from ``output/preview`` — which a failed build leaves as it
was, so the last good pages stay up while the problems show in the terminal and on the page.

Each change rebuilds the sites ``--site`` named (default all): a change in one site can change
others (syndicated items, the portal's lists of county news), and the build's own incremental
work decides what is really rendered again.

Ctrl-C (or SIGTERM) stops it: between builds at once, during one once the build has stopped
(the output as it was), with exit status 0.
"""

from __future__ import annotations

import errno
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Callable

from ..errors import Problems, format_text
from ..i18n import _
from ..pipeline import BuildOptions, UsageError, build
from .preview_server import PreviewServer, PreviewState

#: What ``serve`` watches, below the repository.
WATCHED = ("content", "sites", "themes")
#: The host the preview is served on: loopback only, never the network.
HOST = "127.0.0.1"
#: watchfiles: wait this long (ms) after the last change before building; never group longer than ``DEBOUNCE_MS``.
STEP_MS = 150
DEBOUNCE_MS = 1500


@dataclass
class ServeOptions:
    root: Path
    port: int = 8000
    sites: list[str] = field(default_factory=list)
    verbose: int = 0


class Serve:
    """One ``serve`` session: the server, its state, and the build-and-watch loop."""

    def __init__(self, options: ServeOptions, say: Callable[[str], None]):
        self.options = options
        self.say = say
        self.state = PreviewState()
        self.stop = threading.Event()
        self.server = _open_server(options.port, options.root / "output" / "preview", self.state, options.verbose > 1)
        self.port = self.server.server_address[1]

    @property
    def address(self) -> str:
        """Where a browser opens the preview (``localhost``: the host the feeds name, :data:`DEFAULT_PREVIEW_BASE`)."""
        return f"http://localhost:{self.port}/"

    def build(self) -> bool:
        """One preview build; the state tells the pages. ``False`` when Ctrl-C stopped it."""
        started = time.perf_counter()
        options = BuildOptions(self.options.root, "preview", list(self.options.sites), base_url=f"http://localhost:{self.port}")
        report = build(options)
        interrupted = [p for p in report.problems if p.code == "interrupted"]
        if interrupted:  # Ctrl-C: say what became of the output, then stop
            self.say(interrupted[0].message)
            self.stop.set()
            return False
        problems = [p.to_json() for p in report.problems.sorted()]
        if report.ok:
            self.state.built(problems)
            if report.problems.warnings:
                self.say(format_text(report.problems.sorted()))
            self.say(_("built {sites} site(s) in {seconds:.1f} s; open pages reload").format(sites=len(report.site_ids), seconds=time.perf_counter() - started))
        else:
            self.state.build_failed(problems)
            self.say(format_text(report.problems.sorted()))
            self.say(_("build failed: {errors} error(s); still serving the last good output").format(errors=len(report.problems.errors)))
        return True

    def run(self) -> int:
        """Serve until Ctrl-C; the exit status (0)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, name="zhanqun-serve", daemon=True)
        try:
            self.build()  # an unknown --site: UsageError, before anything is served
            if not self.stop.is_set():
                thread.start()
                self.say(_("serving the preview at {address} (only on this computer); Ctrl-C stops").format(address=self.address))
                self._watch()
        finally:
            self.state.stop()
            if thread.is_alive():
                self.server.shutdown()
            self.server.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.say(_("stopped"))
        return 0

    def _watch(self) -> None:
        import watchfiles

        folders = [self.options.root / name for name in WATCHED if (self.options.root / name).is_dir()]
        for changes in watchfiles.watch(*folders, stop_event=self.stop, step=STEP_MS, debounce=DEBOUNCE_MS, raise_interrupt=False, watch_filter=watchfiles.DefaultFilter()):
            if self.stop.is_set():
                return
            changed = _changed_files(changes)
            if not changed:
                continue
            self.say(_("changed: {files}").format(files=_listed(changed, self.options.root)))
            try:
                self.build()
            except UsageError as exc:  # a site named with --site was renamed meanwhile: say so, keep serving
                self.state.build_failed([_usage_problem(str(exc))])
                self.say(str(exc))
            if self.stop.is_set():
                return

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop.set()


def _open_server(port: int, folder: Path, state: PreviewState, log: bool) -> PreviewServer:
    try:
        return PreviewServer((HOST, port), folder, state, log)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(_("--port {port}: another program already uses it; choose another port, e.g. --port {other}").format(port=port, other=port + 1)) from None
        if exc.errno == errno.EACCES:
            raise UsageError(_("--port {port}: this user may not use it; choose a port above 1023").format(port=port)) from None
        raise


def _changed_files(changes: set[tuple[Any, str]]) -> list[Path]:
    """The files that changed, without an editor's scratch files (made and gone within the same batch)."""
    import watchfiles

    kinds: dict[str, set[Any]] = {}
    for change, path in changes:
        kinds.setdefault(path, set()).add(change)
    scratch = {watchfiles.Change.added, watchfiles.Change.deleted}
    return sorted(Path(path) for path, seen in kinds.items() if not (scratch <= seen and not Path(path).exists()))


def _listed(paths: list[Path], root: Path) -> str:
    """The changed files, relative to the repository; the first five and a count."""
    shown = ", ".join((p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)) for p in paths[:5])
    return shown + (_(" and {count} more").format(count=len(paths) - 5) if len(paths) > 5 else "")


def _usage_problem(message: str) -> dict[str, Any]:
    problems = Problems()
    problems.add("", None, "usage", message)
    return next(iter(problems)).to_json()
