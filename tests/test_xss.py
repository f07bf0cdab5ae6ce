"""No script runs that the theme did not write: the XSS suite.

About 190 payloads (tests/xss_payloads.py), each placed in a Markdown body, a title, a summary, a
tag and a letter. Two things are shown:

* **the checks**: every payload is refused by ``check`` with a located error, or the sanitiser
  makes it harmless (what it keeps runs nothing: the browser run below);
* **the sanitiser, as the last lock**: a cluster is built with every content check switched off
  (the payloads go straight through Markdown, the sanitiser, the templates and the feed), then
  every page is opened in Debian's chromium with a hook that records any ``alert``, ``confirm`` or
  ``prompt``, any script or page loaded from another host and any navigation; every element gets
  the mouse, focus, keyboard and pointer events a visitor could send, and every link is clicked.
  Nothing may run. The Atom feed's HTML is opened the same way.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

import pytest
from conftest import Repo, article, new_repo, problem_lines
from xss_payloads import FAMILIES, PAYLOADS

from zhanqun.commands.shots import BrowserUnavailable, serve, start_playwright
from zhanqun.config.sites import Column, Footer, Site
from zhanqun.content.index import read_item
from zhanqun.content.markdown_render import MarkdownRenderer
from zhanqun.content.metadata import KNOWN_KEYS
from zhanqun.content.sanitize import Policy, clean
from zhanqun.errors import Problems

NEWS = Column("zwdt", "政务动态", "news")
LETTERS = Column("mzxx", "盟长信箱", "letter")
SITE = Site(id="portal", name="兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", sitecode="1522000001",
            footer=Footer("兴安盟行政公署办公室", "0482-0000000", "蒙ICP备00000000号", "蒙公网安备 00000000000000号"),
            columns=(NEWS, LETTERS), source="sites/portal.toml")


def test_the_corpus_covers_every_family_with_enough_payloads() -> None:
    assert len(PAYLOADS) >= 150 and len(set(PAYLOADS)) == len(PAYLOADS)
    assert all(len(family) >= 5 for family in FAMILIES.values())


# --- the checks: refused, or made harmless --------------------------------------------------


def _lint(text: str, column: Column = NEWS) -> tuple[Problems, bool]:
    problems = Problems()
    item = read_item(text.encode("utf-8"), SITE, column, f"{column.id}/a.md", f"content/portal/{column.id}/a.md", problems, MarkdownRenderer())
    return problems, item is not None


@pytest.mark.parametrize("placement", ["body", "summary", "title"])
def test_every_payload_is_refused_at_its_line_or_rendered_harmless(placement: str) -> None:
    renderer = MarkdownRenderer()
    for payload in PAYLOADS:
        if placement != "body" and "\n" in payload:
            continue
        header = {"body": "Title: 测试\nDate: 2026-03-01", "summary": f"Title: 测试\nDate: 2026-03-01\nSummary: {payload}", "title": f"Title: 测试{payload}\nDate: 2026-03-01"}[placement]
        text = f"{header}\n\n{payload if placement == 'body' else '正文。'}\n"
        problems, _ = _lint(text)
        if problems.has_errors():  # the build refuses the item, and says where
            assert all(p.line and p.path == "content/portal/zwdt/a.md" for p in problems.errors), (payload, problems.items)
            continue
        if placement == "title":
            continue  # a title is text, escaped wherever it is printed: the browser run shows it
        html = renderer.html(payload)
        assert clean(html, Policy()) == clean(clean(html, Policy()), Policy()), payload  # what is kept is stable


def test_a_letter_is_never_checked_as_html_and_always_shown_as_text() -> None:
    body = "## 来信\n\n" + "\n\n".join(p for p in PAYLOADS if "\x00" not in p) + "\n"
    problems, indexed = _lint(f"Title: 来信\nDate: 2026-03-01\nReceived: 2026-03-01\n\n{body}", LETTERS)
    assert indexed and not problems.has_errors(), problems.items


# --- the browser run ------------------------------------------------------------------------

HOOK = """
(() => {
  window.__zq_ran = [];
  const note = (what) => { try { window.top.__zq_ran.push(String(what)); } catch (e) { window.__zq_ran.push(String(what)); } };
  for (const name of ["alert", "confirm", "prompt"]) {
    Object.defineProperty(window, name, { value: function () { note(name); }, writable: false, configurable: false });
  }
  document.addEventListener("click", (event) => {
    const link = event.target && event.target.closest ? event.target.closest("a[href], area[href]") : null;
    if (!link) return;
    let protocol = "";
    try { protocol = new URL(link.getAttribute("href"), location.href).protocol; } catch (e) { return; }
    if (protocol === "http:" || protocol === "https:") event.preventDefault();  // stay on the page
  }, true);
})();
"""

PROVOKE = """async () => {
  const events = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "click", "dblclick",
    "contextmenu", "pointerover", "pointerenter", "pointerdown", "pointerup", "focus", "focusin", "blur",
    "keydown", "keyup", "keypress", "input", "change", "wheel", "scroll", "copy", "paste", "toggle",
    "animationstart", "transitionend", "touchstart", "begin", "load", "error"];
  // Content's HTML is only ever inside <main> (bodies, summaries); the frame around it is the theme's.
  const elements = [...document.querySelectorAll("main, main *")];
  if (!elements.length) elements.push(...document.querySelectorAll("body *"));
  for (const element of elements) {
    for (const type of events) {
      try { element.dispatchEvent(new Event(type, { bubbles: true })); } catch (e) {}
    }
    try { if (element.focus) element.focus(); } catch (e) {}
    if (element.matches("a[href], area[href]")) { try { element.click(); } catch (e) {} }
  }
  await new Promise((resolve) => setTimeout(resolve, 30));
  return elements.length;
}"""


def _write_cluster(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/",
              columns=(("zwdt", "政务动态", "news"), ("mzxx", "盟长信箱", "letter")),
              extra='[mailbox]\naddress = "兴安盟行政公署信访科"\nphone = "0482-8226000"\n[pelican.settings]\nFEED_MAX_ITEMS = 1000\n')
    tag_check = KNOWN_KEYS["Tags"].check
    for n, payload in enumerate(PAYLOADS):
        one_line = payload.replace("\n", " ")
        meta = {"Slug": f"p{n:03d}", "Summary": one_line}
        if tag_check and tag_check(one_line) is None:
            meta["Tags"] = one_line
        repo.write(f"content/portal/zwdt/p{n:03d}.md", article(f"测试{n:03d}{one_line}", f"2026-03-01 {n // 60:02d}:{n % 60:02d}", payload, **meta))
    chunk = 50
    for n in range(0, len(PAYLOADS), chunk):
        text = "\n\n".join(PAYLOADS[n : n + chunk])
        repo.write(f"content/portal/mzxx/l{n:03d}.md", article(f"来信{n:03d}", "2026-03-01", f"## 来信\n\n{text}\n\n## 答复\n\n{text}",
                                                            Slug=f"l{n:03d}", Received="2026-03-01", Replied="2026-03-02", Replier="办公室"))


@pytest.fixture(scope="module")
def unchecked(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The payload cluster, built with every content and output check switched off."""
    import zhanqun.content.index
    import zhanqun.links.resolve
    import zhanqun.pipeline

    repo = new_repo(tmp_path_factory.mktemp("xss") / "repo")
    _write_cluster(repo)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zhanqun.content.index, "check_item_html", lambda *args, **kwargs: None)
        patch.setattr(zhanqun.content.index, "check_rendered_html", lambda *args, **kwargs: None)
        patch.setattr(zhanqun.content.index, "check_alt_text", lambda *args, **kwargs: None)
        patch.setattr(zhanqun.pipeline, "OUTPUT_CHECKS", [])
        patch.setattr(zhanqun.links.resolve.LinkResolver, "resolve_address", lambda self, ref, item: None)  # src=x: not a link error here
        result = repo.run("build", "--today", "2026-03-10")
    assert result.exit_code == 0, result.output
    return repo


def test_with_the_checks_on_the_payload_cluster_is_refused_with_located_errors(unchecked: Repo) -> None:
    result = unchecked.run("check", "--today", "2026-03-10")
    assert result.exit_code == 1
    located = problem_lines(result)
    assert located and [line for line in located if ": warning: " not in line and not line.startswith("content/portal/zwdt/p")] == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, which resolves no host but the loopback one: nothing leaves the machine,
    and no request needs to be intercepted (interception would slow every page down)."""

    from zhanqun.commands.shots import CHROMIUM_ARGS, find_chromium

    try:
        driver = start_playwright()
    except BrowserUnavailable as exc:
        _no_browser(str(exc))
    executable = find_chromium()
    if executable is None:
        driver.stop()
        _no_browser("no chromium")
    chromium = driver.chromium.launch(executable_path=executable, headless=True,
                                      args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
    yield chromium
    chromium.close()
    driver.stop()


def _no_browser(reason: str) -> None:
    import os

    if os.environ.get("CI"):
        pytest.fail(f"CI=true and no browser: {reason}")
    pytest.skip(reason)


class Watch:
    """A page with the hook installed, and what it saw."""

    def __init__(self, browser: Any, origin: str):
        self.origin = origin
        self.page = browser.new_page()
        self.seen: list[str] = []
        self.page.add_init_script(HOOK)
        self.page.on("dialog", lambda dialog: (self.seen.append(f"dialog {dialog.type}"), dialog.dismiss()))
        self.page.on("popup", lambda popup: self.seen.append(f"popup {popup.url}"))
        self.page.on("framenavigated", self._navigated)
        self.page.on("request", self._request)
        self.expected = ""

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and self.expected and frame.url.split("#")[0] != self.expected:
            self.seen.append(f"navigated to {frame.url}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("http:", "https:")) or request.url.startswith(self.origin + "/"):
            return  # the page's own files; tel: and mailto: hand over to another program, load nothing
        if request.resource_type in ("script", "document", "stylesheet", "xhr", "fetch"):
            self.seen.append(f"{request.resource_type} from {request.url}")

    def visit(self, url: str) -> list[str]:
        from playwright.sync_api import Error

        self.seen = []
        self.expected = url
        try:
            self.page.goto(url, wait_until="load")
            self.page.evaluate(PROVOKE)
            ran = self.page.evaluate("window.__zq_ran") or []
        except Error as exc:  # the page went away under the hook: something navigated it
            return self.seen + [f"left the page: {str(exc).splitlines()[0]}"]
        return self.seen + [f"{call}()" for call in ran]


def open_html(browser: Any, folder: Path, html: str) -> list[str]:
    """Open ``html`` as a page of a loopback server, with the hook, and say what ran."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_text(html, encoding="utf-8")
    with serve(folder) as origin:
        return Watch(browser, origin).visit(f"{origin}/page.html")


def test_no_payload_runs_on_any_page_of_the_unchecked_cluster(unchecked: Repo, browser: Any) -> None:
    site = unchecked.out("portal")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("theme/"))
    assert len(pages) > len(PAYLOADS)  # every item page, the lists, the letters, the home page
    ran: dict[str, list[str]] = {}
    with serve(unchecked.out()) as origin:
        watch = Watch(browser, origin)
        for page in pages:
            found = watch.visit(f"{origin}/portal/{page}")
            if found:
                ran[page] = found
    assert ran == {}


def test_the_hook_sees_a_script_that_does_run(browser: Any, tmp_path: Path) -> None:
    """The suite could not fail if the hook saw nothing: an unsanitised page must trip it."""
    page = '<p onmouseover="alert(1)">x</p><a href="javascript:confirm(1)">y</a><img src=x onerror="prompt(1)">'
    assert set(open_html(browser, tmp_path / "a", page)) == {"alert()", "confirm()", "prompt()"}
    assert open_html(browser, tmp_path / "b", '<meta http-equiv="refresh" content="0;url=https://evil.example/">') != []
    assert open_html(browser, tmp_path / "c", '<script src="https://evil.example/x.js"></script>') == ["script from https://evil.example/x.js"]


def test_no_payload_runs_from_the_feed(unchecked: Repo, browser: Any, tmp_path: Path) -> None:
    feed = ET.parse(unchecked.out("portal", "feeds", "all.atom.xml"))
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entries = feed.getroot().findall("atom:entry", ns)
    assert len(entries) >= len(PAYLOADS)
    parts = []
    for entry in entries:
        for tag in ("atom:content", "atom:summary"):
            node = entry.find(tag, ns)
            if node is not None and node.text:
                parts.append(f"<section>{node.text}</section>")
    assert open_html(browser, tmp_path, "<!DOCTYPE html><html><body><main>" + "".join(parts) + "</main></body></html>") == []


# --- styles: nothing from content covers the theme's frame or hides its own text ------------------

#: Styles a hostile author tries: a link grown over the header and navigation, text made invisible.
STYLE_ATTACKS = [
    "border: 3000px solid transparent", "border:3000px solid rgba(0 0 0 / 0)", "padding: 4000%",
    "margin-top: -800%; margin-left: -100%", "padding: 2000px", "border-width: 900px; border-style: solid; border-color: transparent",
    "line-height: 3000px", "width: 4000px; height: 4000px", "font-size: 1px !important", "font-size: 0.01vw",
    "font-size: 0%", "font-size: calc(0px)", "font-size: 0.1mm", "font-size: 0", "color: rgba(0 0 0 / 0)",
    "color: hwb(0 0% 0% / 0)", "color: oklch(0 0 0 / 0)", "color: rgba(0,0,0,1e-9)", "color: #fff0", "color: transparent",
    "text-indent: -99999px", "letter-spacing: -1em", "margin-left: -9999px",
]

#: Measured in the page: points of the theme's frame an element of <main> covers, and texts of
#: <main> a reader cannot see (tiny, transparent, or moved off the page).
MEASURE = """() => {
  const main = document.querySelector("main");
  const found = [];
  const frame = [...document.querySelectorAll("header, nav, footer, .page-top, .column-nav")].filter((e) => !main.contains(e));
  for (const element of frame) {
    const box = element.getBoundingClientRect();
    for (const fx of [0.05, 0.5, 0.95]) for (const fy of [0.25, 0.75]) {
      const x = box.left + box.width * fx, y = box.top + box.height * fy;
      if (y < 0 || y >= innerHeight || x < 0 || x >= innerWidth) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && main.contains(hit)) found.push(`covers ${element.className || element.tagName} at ${Math.round(x)},${Math.round(y)}: <${hit.tagName.toLowerCase()} style="${hit.getAttribute("style")}">`);
    }
  }
  const width = document.documentElement.scrollWidth;
  for (const element of main.querySelectorAll("*")) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(element);
    const alpha = (style.color.match(/rgba?\\(([^)]*)\\)/) || [, "0,0,0,1"])[1].split(/[ ,/]+/).filter(Boolean)[3];
    const text = [...element.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
    const range = document.createRange();
    range.selectNodeContents(text);
    const box = range.getBoundingClientRect();  // where the text is drawn, not its element
    const what = `<${element.tagName.toLowerCase()} style="${element.getAttribute("style")}">`;
    if (parseFloat(style.fontSize) < 8) found.push(`tiny text ${style.fontSize}: ${what}`);
    if (alpha !== undefined && parseFloat(alpha) < 0.2) found.push(`transparent text ${style.color}: ${what}`);
    if (box.right < 0 || box.left > width) found.push(`text off the page: ${what}`);
  }
  return found;
}"""


def _measure(browser: Any, url: str) -> list[str]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url, wait_until="load")
        return page.evaluate(MEASURE)
    finally:
        page.close()


def test_no_style_from_content_covers_the_theme_or_hides_text(repo: Repo, browser: Any) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"),))
    body = "\n\n".join(f'[链接{n}](https://evil.example/){{: style="{style}" }} 与<span style="{style}">文字{n}</span>' for n, style in enumerate(STYLE_ATTACKS))
    repo.write("content/portal/zwdt/css.md", article("统计知识小课堂", "2026-05-01", body, Slug="css"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    removed = "\n".join(problem_lines(result, "html-removed"))
    declarations = [d.partition(":") for style in STYLE_ATTACKS for d in style.split(";")]
    kept = ["border-style: solid"]  # the one harmless declaration among them
    assert all(f"style '{name.strip()}: {value.strip()}'" in removed for name, _, value in declarations if f"{name.strip()}: {value.strip()}" not in kept), removed
    assert "border-style: solid" not in removed
    with serve(repo.out()) as origin:
        assert _measure(browser, f"{origin}/portal/zwdt/css.html") == []


def test_the_measure_sees_a_style_that_covers_or_hides(browser: Any, tmp_path: Path) -> None:
    """The test above could not fail if the measure saw nothing: unsanitised styles must trip it."""
    page = (
        '<header class="page-top" style="height:80px">标题</header><nav class="column-nav" style="height:40px">导航</nav>'
        '<main><a href="#" style="border:3000px solid transparent">x</a><p style="font-size:0.01vw">小</p>'
        '<p style="color:rgba(0 0 0 / 0)">透明</p><p style="text-indent:-99999px">移走</p></main>'
    )
    (tmp_path / "page.html").write_text(f"<!doctype html><meta charset=utf-8><body>{page}</body>", encoding="utf-8")
    with serve(tmp_path) as origin:
        found = _measure(browser, f"{origin}/page.html")
    assert any(f.startswith("covers") for f in found) and any(f.startswith("tiny text") for f in found)
    assert any(f.startswith("transparent text") for f in found) and any(f.startswith("text off the page") for f in found)
