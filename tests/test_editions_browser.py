"""蒙古文版 in a real browser: vertical pages, the vendored font loaded and used, letters joined,
scrolling along the reading direction, the language switch, 长者模式, and axe — at 1280 and 390 px.

The edition cluster of tests/editions.py is built once; Debian's chromium (tests/browsers.py) has
no Mongolian font of its own, so every Mongolian glyph on these pages comes from the theme's font.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any, Iterator

import pytest
from browsers import browser  # noqa: F401  (the shared chromium fixture)
from conftest import Repo, new_repo
from editions import WORD, edition_cluster
from test_browser import AXE, RUN_AXE, WCAG_TAGS

from zhanqun.commands.shots import WIDTHS, representative_pages, serve

ARTICLE = "/portal-mn/zwdt/spring-meeting.html"


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    repo: Repo = edition_cluster(new_repo(tmp_path_factory.mktemp("editions-browser") / "repo"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    pages = representative_pages(repo.out("portal-mn"))
    assert {"home", "column", "article", "disclosure", "edition", "404"} <= set(pages), pages
    with serve(repo.out()) as address:
        yield address


@pytest.fixture
def open_page(browser: Any, origin: str) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(path: str, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 800}, reduced_motion="reduce")
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{origin}{path}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return page

    yield opener
    for context in contexts:
        context.close()


def test_no_system_mongolian_font_is_installed() -> None:
    """Otherwise the font checks below could pass on a font the theme does not ship."""
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list is not installed")
    listed = subprocess.run(["fc-list"], capture_output=True, text=True, check=True).stdout
    assert "mongol" not in listed.lower()


PAGES = ("/portal-mn/", "/portal-mn/zwdt/", "/portal-mn/zwdt/page/2/", ARTICLE, "/portal-mn/zfxxgk/", "/portal-mn/zfxxgk/fdzdgknr/", "/portal-mn/zfxxgk/priorities.html", "/portal-mn/zjxa/overview.html", "/portal-mn/404.html")
LAYOUT = """() => {
  const root = document.documentElement, p = document.querySelector('.item-body p, .item-list a, main');
  const box = p.getBoundingClientRect();
  return {lang: root.lang, mode: getComputedStyle(document.body).writingMode, textMode: getComputedStyle(p).writingMode,
          sideways: root.scrollWidth - root.clientWidth, downwards: root.scrollHeight - root.clientHeight,
          footerMode: getComputedStyle(document.querySelector('.footer-info')).writingMode, tall: box.height > box.width};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_edition_pages_are_vertical_and_pass_axe(open_page: Any, width: int) -> None:
    failures: list[str] = []
    page = open_page(PAGES[0], width)
    for path in PAGES:
        page.goto(page.url.split("/portal-mn/")[0] + path, wait_until="load")
        facts = page.evaluate(LAYOUT)
        expected = {"lang": "mn-Mong", "mode": "vertical-lr", "textMode": "vertical-lr", "footerMode": "horizontal-tb"}
        wrong = {key: facts[key] for key, value in expected.items() if facts[key] != value}
        if wrong or facts["downwards"] > 0:
            failures.append(f"{path} @{width}: {wrong} downwards={facts['downwards']}")
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            failures.append(f"{path} @{width}: {violation['id']}: {violation['help']} {violation['nodes']}")
    assert not failures, "\n".join(failures)
    assert page.evaluate(LAYOUT)["sideways"] >= 0


def test_the_vendored_font_is_loaded_and_used(open_page: Any) -> None:
    page = open_page(ARTICLE)
    faces = page.evaluate("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
    assert ["Noto Sans Mongolian", "loaded"] in faces, faces
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    document = session.send("DOM.getDocument")
    node = session.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "#item-title"})
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    mongolian = [f for f in fonts if f["familyName"] == "Noto Sans Mongolian"]
    assert mongolian and mongolian[0]["isCustomFont"] and mongolian[0]["glyphCount"] >= 10, fonts


def test_paragraphs_are_vertical_and_letters_are_joined(open_page: Any) -> None:
    page = open_page(ARTICLE)
    measured = page.evaluate(
        """(word) => {
          const body = document.querySelector('.item-body');
          const p = body.querySelector('p').getBoundingClientRect();
          const span = (text) => { const s = document.createElement('span'); s.textContent = text; body.appendChild(s);
                                   const r = s.getBoundingClientRect(); return r.height; };
          return {p: [p.width, p.height], joined: span(word), isolated: span([...word].join('\\u200c'))};
        }""",
        WORD,
    )
    width, height = measured["p"]
    assert height > width, measured  # a paragraph is a tall column of vertical lines
    # isolated letters (ZWNJ between them) take more room than the same letters joined into a word
    assert measured["isolated"] > 1.15 * measured["joined"] > 0, measured


def test_wheel_and_page_keys_scroll_along_the_reading_direction(open_page: Any) -> None:
    page = open_page("/portal-mn/", width=390)
    assert page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    page.mouse.move(200, 400)
    page.mouse.wheel(0, 300)
    page.wait_for_function("window.scrollX > 0")
    after_wheel = page.evaluate("window.scrollX")
    page.keyboard.press("PageDown")
    assert page.evaluate("window.scrollX") > after_wheel
    assert page.evaluate("window.scrollY") == 0


def test_the_language_switch_leads_to_the_translation_and_back(open_page: Any) -> None:
    page = open_page("/portal/zwdt/spring-meeting.html")
    page.get_by_role("link", name="蒙古文版", exact=True).click()
    page.wait_for_url("**" + ARTICLE)
    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**/portal/zwdt/spring-meeting.html")


def test_elder_mode_works_on_a_vertical_page(open_page: Any) -> None:
    page = open_page(ARTICLE, width=390)
    size = "parseFloat(getComputedStyle(document.querySelector('.item-body p')).fontSize)"
    before = page.evaluate(size)
    page.get_by_role("button", name="长者模式").click()
    assert "zq-elder" in page.evaluate("document.documentElement.className")
    assert page.evaluate(size) > before
    assert page.evaluate("getComputedStyle(document.body).writingMode") == "vertical-lr"
    assert page.evaluate(RUN_AXE, WCAG_TAGS) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_page_s_fields_keep_their_size_on_a_vertical_page(open_page: Any, width: int) -> None:
    """The search field grows along its flex row, which on a vertical page runs top to bottom: it
    must stay one line high (a horizontal field), not stretch down the screen."""
    page = open_page("/portal-mn/search.html", width)
    box = page.evaluate("(() => { const r = document.getElementById('search-q').getBoundingClientRect(); return [r.width, r.height] })()")
    assert box[1] <= 60 and box[0] >= 120, box
