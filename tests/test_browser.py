"""Every page type of every site, in a real browser: axe-core, keyboard, 长者模式, phone menu.

Debian's chromium through Playwright, axe-core vendored under tests/vendor/. One fixture cluster
(portal, two customised counties, a department) is built once for the module and served from a
loopback http.server; one browser serves every test. The page types come from the built output
(zhanqun.commands.shots.PAGE_TYPES: a template's ``<body class>``), so document, letter and disclosure
pages are checked as soon as the fixture has them. Without chromium the module is skipped — but
under ``CI=true`` a missing browser fails.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from browsers import browser  # noqa: F401  (the shared chromium fixture)
from conftest import REPO, Repo, new_repo, theme_cluster

from zhanqun.commands.shots import (
    WIDTHS,
    representative_pages,
    serve,
)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SITES = ("portal", "arxan", "tuquan", "tjj")
#: Every site must have at least these; the others are checked when present.
REQUIRED_TYPES = {"home", "column", "article", "404"}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
}"""

PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll("h1").length,
  main: document.querySelectorAll("main, [role=main]").length,
  banner: document.querySelectorAll("body > header, [role=banner]").length,
  contentinfo: document.querySelectorAll("body > footer, [role=contentinfo]").length,
  skip: (document.querySelector("a, button, input, select, textarea") || {}).className,
  imagesWithoutAlt: [...document.images].filter(i => !i.hasAttribute("alt")).map(i => i.src),
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
})"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = theme_cluster(new_repo(tmp_path_factory.mktemp("browser") / "repo"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture(scope="module")
def origin(cluster: Repo) -> Iterator[str]:
    with serve(cluster.out()) as address:
        yield address


@pytest.fixture
def open_page(browser: Any, origin: str) -> Iterator[Any]:
    """``open_page(path, width=1280, javascript=True)`` → a Playwright page at that address."""
    contexts: list[Any] = []

    def opener(path: str, width: int = 1280, javascript: bool = True, init_script: str | None = None) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript, reduced_motion="reduce")
        context.add_init_script(path=str(AXE))
        if init_script:
            context.add_init_script(script=init_script)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{origin}{path}", wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()


def pages_of(cluster: Repo, site: str) -> dict[str, str]:
    return {name: f"/{site}/{address}" for name, address in representative_pages(cluster.out(site)).items()}


# --- every page type of every site ---------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("site", SITES)
def test_every_page_type_has_no_wcag21_aa_violations(cluster: Repo, browser: Any, origin: str, site: str, width: int) -> None:
    pages = pages_of(cluster, site)
    assert REQUIRED_TYPES <= set(pages), f"{site} lacks page types: {REQUIRED_TYPES - set(pages)}"
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(path=str(AXE))
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    failures: list[str] = []
    try:
        for name, path in pages.items():
            page.goto(f"{origin}{path}", wait_until="load")
            for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
                failures.append(f"{name} {path} @{width}px: {violation['id']} ({violation['impact']}): {violation['help']}\n    " + "\n    ".join(violation["nodes"]))
            facts = page.evaluate(PAGE_FACTS)
            expected = {"lang": "zh-CN", "h1": 1, "main": 1, "banner": 1, "contentinfo": 1, "skip": "skip-link", "imagesWithoutAlt": []}
            wrong = {key: facts[key] for key, value in expected.items() if facts[key] != value}
            if wrong:
                failures.append(f"{name} {path} @{width}px: {wrong}")
            if facts["overflow"] > 0:
                failures.append(f"{name} {path} @{width}px: scrolls sideways by {facts['overflow']}px")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
    assert all(url.startswith(origin) for url in requested), [u for u in requested if not u.startswith(origin)]


def test_high_contrast_and_elder_mode_pages_have_no_violations(open_page: Any) -> None:
    init = "localStorage.setItem('zq-a11y', JSON.stringify({size: 2, contrast: true, spacing: true, elder: true, panel: true}))"
    for path in ("/portal/", "/portal/zwdt/spring-farming.html"):
        page = open_page(path, width=390, init_script=init)
        assert {"zq-js", "zq-size-2", "zq-contrast", "zq-spacing", "zq-elder"} <= set(page.evaluate("document.documentElement.className").split())
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert violations == [], violations


def test_pages_do_not_scroll_sideways_from_360_to_1920_px(cluster: Repo, browser: Any, origin: str) -> None:
    for width in (360, 1920):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in pages_of(cluster, "portal").values():
            page.goto(f"{origin}{path}", wait_until="load")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"
        page.close()


# --- 无障碍浏览 / 长者模式 ------------------------------------------------------------------------

ARTICLE = "/portal/zwdt/spring-farming.html"
BODY_FONT = "parseFloat(getComputedStyle(document.querySelector('.item-body p')).fontSize)"
CONTRAST = """() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => { v = v / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const p = document.querySelector('.item-meta'); let box = p;
  while (box && getComputedStyle(box).backgroundColor === 'rgba(0, 0, 0, 0)') box = box.parentElement;
  const [a, b] = [lum(getComputedStyle(p).color), lum(getComputedStyle(box || document.body).backgroundColor)];
  return {ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), background: getComputedStyle(box || document.body).backgroundColor};
}"""


def _open_toolbar(page: Any) -> None:
    page.get_by_role("button", name="无障碍浏览").click()
    assert page.get_by_role("group", name="无障碍浏览工具").is_visible()


def test_text_size_buttons_enlarge_the_computed_font_size(open_page: Any) -> None:
    page = open_page(ARTICLE)
    _open_toolbar(page)
    toolbar = page.get_by_role("group", name="无障碍浏览工具")
    sizes = [page.evaluate(BODY_FONT)]
    for label in ("大", "特大"):
        toolbar.get_by_role("button", name=label, exact=True).click()
        sizes.append(page.evaluate(BODY_FONT))
    assert sizes[0] < sizes[1] < sizes[2], sizes
    assert sizes[2] >= 1.4 * sizes[0]
    assert toolbar.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"


def test_high_contrast_mode_raises_the_contrast_of_the_text(open_page: Any) -> None:
    page = open_page(ARTICLE)
    _open_toolbar(page)
    before = page.evaluate(CONTRAST)
    page.get_by_role("button", name="高对比度").click()
    after = page.evaluate(CONTRAST)
    assert after["background"] != before["background"]
    assert after["ratio"] >= 15 > before["ratio"], (before, after)  # the grey meta line becomes white on black
    assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"


def test_elder_mode_enlarges_text_and_widens_line_spacing(open_page: Any) -> None:
    page = open_page(ARTICLE)
    size = page.evaluate(BODY_FONT)
    line = "(() => { const s = getComputedStyle(document.querySelector('.item-body p')); return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
    page.get_by_role("button", name="长者模式").click()
    assert page.evaluate(BODY_FONT) >= 20 > size
    assert page.evaluate(line) >= 2.0
    assert page.get_by_role("button", name="长者模式").get_attribute("aria-pressed") == "true"


def test_settings_are_remembered_on_the_next_page(open_page: Any, origin: str) -> None:
    page = open_page(ARTICLE)
    _open_toolbar(page)
    page.get_by_role("button", name="特大").click()
    page.get_by_role("button", name="高对比度").click()
    page.goto(f"{origin}/portal/zwdt/", wait_until="load")
    classes = page.evaluate("document.documentElement.className").split()
    assert {"zq-size-2", "zq-contrast"} <= set(classes)
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize)") >= 36
    page.get_by_role("button", name="恢复默认").click()
    page.reload(wait_until="load")
    assert "zq-size-2" not in page.evaluate("document.documentElement.className")


SPEECH_RECORDER = """
window.__spoken = []; window.__cancelled = 0;
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
  cancel: () => { window.__cancelled += 1; }, speaking: false, getVoices: () => []}});
"""


def test_read_aloud_speaks_the_main_text_with_the_browsers_own_speech(open_page: Any) -> None:
    page = open_page(ARTICLE, init_script=SPEECH_RECORDER)
    _open_toolbar(page)
    page.get_by_role("button", name="朗读正文").click()
    spoken = page.evaluate("window.__spoken")
    text = "".join(piece["text"] for piece in spoken)
    assert "兴安盟部署春季农业生产工作" in text and "3月12日" in text
    assert {piece["lang"] for piece in spoken} == {"zh-CN"}
    page.get_by_role("button", name="停止朗读").click()
    assert page.evaluate("window.__cancelled") >= 1
    assert page.get_by_role("button", name="朗读正文").is_visible()


# --- keyboard and phone menu ---------------------------------------------------------------

FOCUSED = "(() => { const e = document.activeElement; return {text: e.textContent.trim(), cls: e.className, inNav: !!e.closest('#column-nav'), outline: getComputedStyle(e).outlineStyle}; })()"


def test_keyboard_tabbing_reaches_the_toolbar_and_the_column_menu(open_page: Any) -> None:
    page = open_page("/portal/")
    seen: list[dict[str, Any]] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if seen[-1]["inNav"]:
            break
    assert seen[0]["cls"] == "skip-link"
    assert any(f["text"] == "无障碍浏览" for f in seen) and any(f["text"] == "长者模式" for f in seen)
    assert seen[-1]["inNav"] and seen[-1]["text"] == "首页", seen
    assert all(f["outline"] != "none" for f in seen), "focus must be visible"


def test_skip_link_moves_the_focus_to_the_main_content(open_page: Any) -> None:
    page = open_page("/portal/zwdt/")
    page.keyboard.press("Tab")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_menu_button_opens_with_enter_and_closes_with_escape(open_page: Any) -> None:
    page = open_page("/portal/zwdt/", width=390)
    menu = page.locator("#column-nav-list")
    button = page.get_by_role("button", name="栏目导航")
    assert button.is_visible() and not menu.is_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('nav-toggle')"):
            break
    assert button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "首页"
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")


def test_pages_work_without_javascript(open_page: Any) -> None:
    page = open_page("/portal/zwdt/", width=390, javascript=False)
    assert page.locator("#column-nav-list").is_visible()
    assert page.get_by_role("link", name="通知公告").first.is_visible()
    for hidden in ("无障碍浏览", "长者模式", "栏目导航"):
        assert not page.get_by_role("button", name=hidden).is_visible()


def test_print_stylesheet_prints_the_document_without_navigation(open_page: Any) -> None:
    page = open_page("/portal/zfwj/plan-2026.html")
    page.emulate_media(media="print")
    for selector in (".column-nav", ".utility-bar", ".cluster-nav", ".item-tools"):
        assert not page.locator(selector).is_visible(), selector
    assert page.locator(".item-title").is_visible() and page.locator(".item-body").is_visible()


# --- the worked examples: two counties, visibly different --------------------------------


def test_counties_show_their_own_colours_banner_and_blocks(open_page: Any) -> None:
    style = "(s) => getComputedStyle(document.querySelector(s))"
    arxan = open_page("/arxan/")
    tuquan = open_page("/tuquan/")
    assert arxan.evaluate(f"({style})('.site-header').backgroundColor") == "rgb(30, 92, 58)"
    assert tuquan.evaluate(f"({style})('.site-header').backgroundColor") == "rgb(29, 63, 143)"
    assert "arxan-banner.svg" in arxan.evaluate(f"({style})('.site-header').backgroundImage")
    assert arxan.locator(".site-motto").is_visible() and tuquan.locator(".site-motto").count() == 0
    columns = "document.querySelector('.home-blocks') && getComputedStyle(document.querySelector('.home-blocks')).gridTemplateColumns.split(' ').length"
    assert tuquan.evaluate(columns) == 3 and arxan.evaluate(columns) == 2


# --- screenshots ----------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_shots_command_writes_each_page_type_at_both_widths(cluster: Repo, browser: Any) -> None:
    # A process of its own: Playwright's sync API runs one driver per thread, and this one has the suite's.
    command = [sys.executable, str(REPO / "build.py"), "--root", str(cluster.root), "shots", "--no-build", "--site", "tjj"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shots = cluster.root / "output" / "shots" / "tjj"
    expected = {f"{name}-{width}.png" for name in representative_pages(cluster.out("tjj")) for width in WIDTHS}
    assert f"wrote {len(expected)} screenshot(s)" in result.stderr
    assert {p.name for p in shots.iterdir()} == expected
    assert _png_size(shots / "home-1280.png")[0] == 1280 and _png_size(shots / "home-390.png")[0] == 390
