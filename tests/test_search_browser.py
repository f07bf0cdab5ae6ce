"""Search in a real browser, on the sample content: each listed query typed into the header's search
box of the portal (cluster search) and of a county finds its page; a county-only word is found from
the portal; filters and the date sort; axe in normal and 长者模式, at 1280 and 390 px.

The repository's own content is built once for the module — the portal and 突泉县 only, so the
portal's cluster search also shows what happens when the other sites' bundles cannot be reached:
those are named, and the two that answer are searched. Needs chromium (tests/browsers.py) and
Pagefind's extended build 1.6+ (skipped without them; failed under ``CI=true``).
"""

from __future__ import annotations

import functools
import http.server
import mimetypes
import os
import shutil
import subprocess
import threading
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import pytest
from browsers import browser  # noqa: F401  (the shared chromium fixture)
from conftest import REPO
from test_browser import AXE, RUN_AXE, WCAG_TAGS

from zhanqun.publish import pagefind

#: (query, the page that must come up, how high): place names, column names, policy words, a
#: person's (fictitious) name, and a 文号 and a 索引号 typed as written, which must find their
#: document first, and a date.
PORTAL_QUERIES = [
    ("乌兰浩特市", "/portal/mzxx/school-enrollment-district.html", 10),
    ("科尔沁右翼前旗", "/portal/zfwj/heating-subsidy-2026-2027.html", 10),
    ("阿尔山", "/portal/mzxx/arxan-tourist-bus.html", 10),
    ("政府信息公开", "/portal/zfxxgk/", 10),
    ("通知公告", "/portal/tzgg/", 10),
    ("供暖补贴", "/portal/zfwj/heating-subsidy-2026-2027.html", 1),
    ("春耕", "/portal/zwdt/spring-farming-meeting-2025.html", 10),
    ("白雅茹", "/portal/zfwj/heating-subsidy-2026-2027.html", 1),
    ("兴署发〔2026〕5号", "/portal/zfwj/heating-subsidy-2026-2027.html", 1),
    ("11152200011520000X/2026-00012", "/portal/zfwj/heating-subsidy-2026-2027.html", 1),  # its 索引号
    ("2026-11-20", "/portal/zfwj/heating-subsidy-2026-2027.html", 3),  # its date
]
COUNTY_QUERIES = [
    ("科尔沁右翼前旗", "/tuquan/zjtq/overview.html", 10),
    ("政府信息公开", "/tuquan/zfxxgk/", 10),
    ("通知公告", "/tuquan/tzgg/", 10),
    ("白羽肉鸡", "/tuquan/zwdt/broiler-industry-2025.html", 1),
]
#: A word only 突泉县's pages have, and the page.
COUNTY_ONLY = ("白羽肉鸡", "/tuquan/zwdt/broiler-industry-2025.html")
BUILT = ("portal", "tuquan")
#: The policy a locked-down government site sends: no inline script, WebAssembly allowed (Pagefind).
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'"


class _PolicyHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output with :data:`CSP` on every response, as the sites' web servers would."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        pagefind.find()
    except pagefind.PagefindUnusable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs Pagefind's extended build 1.6+: {exc}", pytrace=False)
        pytest.skip(f"search tests need Pagefind's extended build 1.6+: {exc}")
    folder = tmp_path_factory.mktemp("search-browser")
    root = folder / "repo"  # a copy, so the build's link report lands there, not in this checkout
    for part in ("content", "sites", "themes"):
        shutil.copytree(REPO / part, root / part, symlinks=True)
    out = folder / "out"
    build("preview", root, out)
    return out


def build(target: str, root: Path, out: Path) -> None:
    sites = [arg for site in BUILT for arg in ("--site", site)]
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--target", target, *sites, "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def origin(output: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PolicyHandler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def tab(browser: Any, origin: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert errors == []  # nothing the policy blocked, no script error


def search_from_header(page: Any, origin: str, site: str, query: str) -> list[str]:
    """Type ``query`` into the header's search box of ``site``'s home page, press Enter, and return
    the addresses of the results shown."""
    page.goto(f"{origin}/{site}/", wait_until="load")
    page.fill("#utility-q", query)
    page.press("#utility-q", "Enter")
    page.wait_for_url("**/search.html?q=*")
    return results(page)


def results(page: Any) -> list[str]:
    page.wait_for_function(
        """() => { const s = (document.getElementById("search-status") || {}).textContent || "";
                   return s.startsWith("没有") || s.startsWith("搜索暂时") || (s.startsWith("找到") && document.querySelector(".search-result")); }""",
        timeout=30000,
    )
    return page.eval_on_selector_all(".search-result-title a", "links => links.map(a => a.getAttribute('href'))")


def test_every_listed_query_finds_its_page_from_the_portal(tab: Any, origin: str) -> None:
    missed = []
    for query, expected, within in PORTAL_QUERIES:
        found = search_from_header(tab, origin, "portal", query)
        if expected not in found[:within]:
            missed.append(f"{query}: {expected} not in the first {within} of {found}")
    assert not missed, "\n".join(missed)
    assert "/search.html?q=" in tab.url  # the header's box is a plain GET form to the search page


def test_every_listed_query_finds_its_page_from_a_county(tab: Any, origin: str) -> None:
    missed = []
    for query, expected, within in COUNTY_QUERIES:
        found = search_from_header(tab, origin, "tuquan", query)
        if expected not in found[:within]:
            missed.append(f"{query}: {expected} not in the first {within} of {found}")
        assert all(url.startswith("/tuquan/") for url in found), found  # a county searches itself
    assert not missed, "\n".join(missed)


def test_a_county_only_word_is_found_from_the_portal_with_its_site_and_date(tab: Any, origin: str) -> None:
    word, expected = COUNTY_ONLY
    assert search_from_header(tab, origin, "portal", word)[0] == expected
    meta = tab.text_content(".search-result-meta")
    assert "网站：突泉县人民政府" in meta and "栏目：政务动态" in meta and "日期：2025-" in meta
    assert "<mark>" not in tab.inner_html(".search-result-excerpt") or tab.locator(".search-result-excerpt mark").count() > 0


def test_unreachable_sites_are_named_and_the_rest_searched(tab: Any, origin: str) -> None:
    search_from_header(tab, origin, "portal", "春耕")
    note = tab.text_content("#search-unreachable")
    assert tab.is_visible("#search-unreachable") and "阿尔山市人民政府" in note and "突泉县" not in note and "兴安盟行政公署" not in note


def test_site_and_column_filters_and_the_date_sort(tab: Any, origin: str) -> None:
    tab.goto(f"{origin}/portal/search.html?q=%E4%BE%9B%E6%9A%96&site=%E7%AA%81%E6%B3%89%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C", wait_until="load")
    only_county = results(tab)
    assert only_county and all(url.startswith("/tuquan/") for url in only_county)
    tab.select_option("#search-site", "")
    tab.select_option("#search-sort", "date")
    everything = results(tab)
    assert {u.split("/")[1] for u in everything} == {"portal", "tuquan"}
    dates = tab.eval_on_selector_all(".search-result-meta time", "times => times.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2
    tab.select_option("#search-column", "政府文件")
    documents = results(tab)
    assert documents and all("/zfwj/" in url for url in documents)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("elder", [False, True])
def test_the_search_page_with_results_passes_axe_and_fits(browser: Any, origin: str, width: int, elder: bool) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(path=str(AXE))  # injected by the browser driver, which the page's CSP does not govern
    if elder:
        context.add_init_script(script='localStorage.setItem("zq-a11y", JSON.stringify({elder: true}))')
    page = context.new_page()
    try:
        page.goto(f"{origin}/portal/search.html?q=%E4%BE%9B%E6%9A%96%E8%A1%A5%E8%B4%B4", wait_until="load")
        assert results(page)
        assert page.evaluate("document.documentElement.classList.contains('zq-elder')") == elder
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert violations == [], violations
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    finally:
        context.close()


def test_the_search_works_from_the_keyboard(browser: Any, origin: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{origin}/tuquan/search.html", wait_until="load")
        page.focus("#search-q")
        page.keyboard.type("白羽肉鸡")
        page.keyboard.press("Enter")
        assert results(page)[0] == COUNTY_ONLY[1]
        for _step in range(8):  # past the site-less 栏目 and 排序 lists to the first result
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('.search-result') !== null"):
                break
        assert page.evaluate("document.activeElement.getAttribute('href')") == COUNTY_ONLY[1]
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{COUNTY_ONLY[1]}")
    finally:
        context.close()


# --- production: each site on its own host; other hosts' bundles need CORS --------------------

HOSTS = {"https://www.xam.gov.cn": "portal", "https://www.tq.gov.cn": "tuquan"}
#: In production the portal's page (and Pagefind's worker) fetch the other sites' bundles from their
#: hosts: its policy must let it connect there (the other sites need no change).
PORTAL_CSP = CSP + "; connect-src 'self' https://www.tq.gov.cn"


@pytest.fixture(scope="module")
def production(output: Path) -> Path:
    out = output.parent / "production"
    build("production", output.parent / "repo", out)
    return out


def production_context(browser: Any, out: Path, reachable: bool, fragment_url: str | None = None) -> Any:
    """A browser whose requests to the two sites' hosts are answered from the production output,
    the county's ``/pagefind/`` with ``Access-Control-Allow-Origin`` — or, unless ``reachable``,
    not at all: to a page's ``fetch`` a server that is down and one that sends no CORS header fail
    alike (Playwright adds a CORS header to any response a test makes up, so a missing header
    cannot be staged here)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def answer(route: Any) -> None:
        url = urlsplit(route.request.url)
        site = HOSTS.get(f"{url.scheme}://{url.netloc}")
        path = out / site / unquote(url.path).lstrip("/") if site else None
        if path is not None and path.is_dir():
            path = path / "index.html"
        if path is None or not path.is_file():
            route.fulfill(status=404, body="not found")
            return
        if site != "portal" and url.path.startswith("/pagefind/") and not reachable:
            route.abort("connectionrefused")
            return
        headers = {"content-type": mimetypes.guess_type(path.name)[0] or "application/octet-stream", "content-security-policy": PORTAL_CSP if site == "portal" else CSP}
        if site != "portal" and url.path.startswith("/pagefind/"):
            headers["access-control-allow-origin"] = "https://www.xam.gov.cn"
        body = path.read_bytes()
        if fragment_url and site != "portal" and url.path.startswith("/pagefind/fragment/"):
            body = _with_url(body, fragment_url)
        route.fulfill(status=200, body=body, headers=headers)

    context.route("https://**/*", answer)
    return context


@pytest.mark.parametrize("reachable", [True, False])
def test_production_results_link_each_sites_own_address(browser: Any, production: Path, reachable: bool) -> None:
    context = production_context(browser, production, reachable)
    page = context.new_page()
    try:
        page.goto("https://www.xam.gov.cn/search.html?q=%E7%99%BD%E7%BE%BD%E8%82%89%E9%B8%A1", wait_until="load")  # 白羽肉鸡
        found = results(page)
        unreachable = page.text_content("#search-unreachable")
        if reachable:
            assert found[0] == "https://www.tq.gov.cn/zwdt/broiler-industry-2025.html"
            assert "突泉县人民政府" not in unreachable
        else:  # the county's bundle cannot be fetched: it is named, the portal still searched
            assert "突泉县人民政府" in unreachable
            assert all(url.startswith("https://www.xam.gov.cn/") for url in found)
        page.goto("https://www.xam.gov.cn/search.html?q=%E4%BE%9B%E6%9A%96%E8%A1%A5%E8%B4%B4", wait_until="load")  # 供暖补贴
        assert results(page)[0] == "https://www.xam.gov.cn/zfwj/heating-subsidy-2026-2027.html"
    finally:
        context.close()


def _with_url(fragment: bytes, url: str) -> bytes:
    """The Pagefind fragment (gzipped ``pagefind_dcd`` + JSON) of the broiler page with the address ``url``."""
    import gzip
    import json

    raw = gzip.decompress(fragment)
    prefix = b"pagefind_dcd"
    data = json.loads(raw[len(prefix) :])
    if not data["url"].endswith("/broiler-industry-2025.html"):  # the other pages stay as built
        return fragment
    data["url"] = url
    return gzip.compress(prefix + json.dumps(data, ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize("address", ["https://evil.example/phish.html", "//evil.example/phish.html"])
def test_a_result_links_only_into_the_site_whose_bundle_it_came_from(browser: Any, production: Path, address: str) -> None:
    """Pagefind passes a fragment's absolute address through as the result's link. A county's
    bundle is fetched from the county's host, often plain http inside the 政务网: whoever can change
    it on the way (or on that host) must not get the portal's search to link elsewhere under the
    portal's name. A result outside every searched site's address is left out."""
    context = production_context(browser, production, True, fragment_url=address)
    page = context.new_page()
    try:
        page.goto("https://www.xam.gov.cn/search.html?q=%E7%99%BD%E7%BE%BD%E8%82%89%E9%B8%A1", wait_until="load")  # 白羽肉鸡
        found = results(page)  # the batch is shown at once: the other result waits for the tampered one
        assert not [url for url in found if "evil.example" in url], found
        assert found and "https://www.tq.gov.cn/zwdt/broiler-industry-2025.html" not in found, found
        assert all(url.startswith(("https://www.xam.gov.cn/", "https://www.tq.gov.cn/")) for url in found), found
    finally:
        context.close()
