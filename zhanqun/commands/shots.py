"""Screenshots of every page type of every site, so a webmaster sees a change before deploying.

``python build.py shots [--site ID]`` builds the sites (or reuses the built output), serves the
output folder on a loopback port, opens each site's representative pages in Debian's chromium
through Playwright at a desktop and a phone width, and writes
``output/shots/<site>/<page type>-<width>.png``. The browser suite (tests/test_browser.py) uses
the same page-type map, server and browser launch, so what CI checks is what the screenshots show.

A page's type is read from its ``<body class>`` (``page-item item-document``), which every
template sets, so a new page type is one line in :data:`PAGE_TYPES`.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..i18n import _
from ..paths import write_bytes

if TYPE_CHECKING:
    from ..errors import Problems
    from ..pipeline import BuildOptions

#: Debian's chromium: Playwright's own browser download does not work on these machines.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Desktop and phone widths every page type is shot (and tested) at.
WIDTHS = (1280, 390)
#: commands to type, shown as they are in every language
INSTALL_HINT = "apt-get install -y chromium fonts-noto-cjk && python -m pip install playwright"


@dataclass(frozen=True)
class PageType:
    """A kind of page, recognised by the classes its template puts on ``<body>``."""

    name: str
    classes: tuple[str, ...]


#: Page types in the order shots and tests visit them; add a line for a new template.
PAGE_TYPES: tuple[PageType, ...] = (
    PageType("home", ("page-home",)),
    PageType("column", ("page-column", "column-news")),
    PageType("article", ("page-item", "item-news")),
    PageType("documents", ("page-column", "column-document")),
    PageType("document", ("page-item", "item-document")),
    PageType("letters", ("page-column", "column-letter")),
    PageType("letter", ("page-item", "item-letter")),
    PageType("disclosure", ("page-column", "column-disclosure")),
    PageType("leaders", ("page-column", "column-leader")),
    PageType("leader", ("page-item", "item-leader")),
    PageType("search", ("page-search",)),
    PageType("404", ("page-404",)),
    PageType("edition", ("edition", "page-item")),  # an item of an edition (蒙古文版: vertical)
)

_BODY_CLASS = re.compile(r"<body\b[^>]*\bclass=\"(?P<classes>[^\"]*)\"", re.IGNORECASE)


class BrowserUnavailable(Exception):
    """Playwright or chromium is not installed; the message says how to install them."""


def page_address(rel: str) -> str:
    """``zwdt/index.html`` → ``zwdt/``: the address a visitor uses for a page of a site."""
    return rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel


def representative_pages(site_dir: Path) -> dict[str, str]:
    """Page type → address (relative to the site) of the richest page of that type.

    The largest file of a type shows (and tests) the most of its template: pictures, tables,
    long titles. Ties go to the first path; pagination pages (``…/page/2/``) are skipped.
    """
    found: dict[str, str] = {}
    pages = sorted(site_dir.rglob("*.html"), key=lambda p: (-p.stat().st_size, p.as_posix()))
    for path in pages:
        rel = path.relative_to(site_dir).as_posix()
        if "/page/" in f"/{rel}":
            continue
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(8192)
        match = _BODY_CLASS.search(head)
        if not match:
            continue
        classes = set(match.group("classes").split())
        for page_type in PAGE_TYPES:
            if page_type.name not in found and classes.issuperset(page_type.classes):
                found[page_type.name] = page_address(rel)
    order = [page_type.name for page_type in PAGE_TYPES]
    return dict(sorted(found.items(), key=lambda pair: order.index(pair[0])))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields ``http://127.0.0.1:N``."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def find_chromium() -> str | None:
    """The chromium executable: ``$ZHANQUN_CHROMIUM``, Debian's paths, or ``chromium`` on PATH."""
    candidates = [os.environ.get("ZHANQUN_CHROMIUM", ""), *CHROMIUM_PATHS]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def start_playwright() -> Any:
    """A started Playwright driver (call ``.stop()``), or :class:`BrowserUnavailable`."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(_("the Python package playwright is not installed ({install})").format(install=INSTALL_HINT)) from exc
    return sync_playwright().start()


def launch_browser(playwright: Any) -> Any:
    """Debian's chromium, headless, without any background network traffic."""
    executable = find_chromium()
    if executable is None:
        raise BrowserUnavailable(_("no chromium found at {paths} ({install})").format(paths=", ".join(CHROMIUM_PATHS), install=INSTALL_HINT))
    try:
        return playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True)
    except Exception as exc:  # Playwright raises its own Error for a browser that will not start
        raise BrowserUnavailable(_("chromium at {executable} did not start: {error}").format(executable=executable, error=str(exc).splitlines()[0])) from exc


def take_screenshots(
    output: Path,
    site_ids: list[str],
    shots: Path,
    on_shot: Callable[[Path], None] = lambda path: None,
) -> list[Path]:
    """Shoot every page type of every site of ``output`` (``<id>/`` folders) at :data:`WIDTHS`.

    Raises :class:`BrowserUnavailable`; returns the PNG files written, in order.
    """
    written: list[Path] = []
    driver = start_playwright()
    try:
        browser = launch_browser(driver)
        try:
            with serve(output) as origin:
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": 900}, reduced_motion="reduce")
                    page.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())  # nothing leaves the machine
                    for site_id in site_ids:
                        for name, address in representative_pages(output / site_id).items():
                            page.goto(f"{origin}/{site_id}/{address}", wait_until="load")
                            page.evaluate("document.fonts.ready.then(() => true)")
                            target = write_bytes(shots, f"{site_id}/{name}-{width}.png", page.screenshot(full_page=True))
                            written.append(target)
                            on_shot(target)
                    page.close()
        finally:
            browser.close()
    finally:
        driver.stop()
    return written


@dataclass
class ShotsReport:
    problems: Problems
    written: list[Path]
    shots: Path


def shoot(options: BuildOptions, rebuild: bool = True, on_shot: Callable[[Path], None] = lambda path: None) -> ShotsReport:
    """Build the selected sites (unless ``rebuild`` is false) and screenshot their output.

    Screenshots are of the preview target: its root-relative addresses work from a local server,
    and the other targets differ only in addresses. Problems (a failed build, a missing site
    output, no browser) are collected, never raised.
    """
    from ..errors import Problems
    from ..pipeline import build

    problems = Problems()
    output = options.output
    shots = options.root / "output" / "shots"
    site_ids = list(options.sites)
    if rebuild:
        report = build(options)
        problems.extend(report.problems)
        if not report.ok:
            return ShotsReport(problems, [], shots)
        site_ids = report.site_ids
    elif not site_ids:
        site_ids = sorted(p.name for p in output.iterdir() if (p / "index.html").is_file()) if output.is_dir() else []
    else:
        from ..config.sites import SITE_ID_RE
        from ..pipeline import UsageError

        known = {p.stem for p in (options.root / "sites").glob("*.toml")}
        unknown = [s for s in site_ids if not SITE_ID_RE.fullmatch(s) or s not in known]
        if unknown:
            raise UsageError(_("no site {names} (sites: {sites})").format(names=", ".join(repr(s) for s in unknown), sites=", ".join(sorted(known))))
    missing = [s for s in site_ids if not (output / s / "index.html").is_file()]
    for site_id in missing:
        problems.add(f"output/{options.target}/{site_id}", None, "no-output", _("no built site here; run 'python build.py build --site {site}' or leave out --no-build").format(site=site_id))
    if not site_ids:
        problems.add(f"output/{options.target}", None, "no-output", _("no built sites here; run 'python build.py build' or leave out --no-build"))
    if problems.has_errors():
        return ShotsReport(problems, [], shots)
    try:
        written = take_screenshots(output, site_ids, shots, on_shot)
    except BrowserUnavailable as exc:
        problems.add("chromium", None, "no-browser", str(exc))
        return ShotsReport(problems, [], shots)
    return ShotsReport(problems, written, shots)
