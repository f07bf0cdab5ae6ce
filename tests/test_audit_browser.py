"""The audit's HTML report in a real browser: axe-core clean, plots drawn, 高对比度 for who asks for it.

As tests/test_browser.py: Debian's chromium through Playwright, axe-core vendored under
tests/vendor/, the report served from a loopback http.server. The report is checked as a reader
sees it normally and with the system's "more contrast" preference, where the page turns white on
black and every plot is drawn from its ``-contrast.svg``. Without chromium the module is skipped —
but under ``CI=true`` a missing browser fails.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest
from audit_fixtures import TODAY, fill_audit_cluster
from browsers import browser  # noqa: F401  (the shared chromium fixture)
from conftest import Repo, new_repo

from zhanqun.commands.shots import serve

AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe-core", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ("/index.html", "/tuquan/index.html", "/portal/index.html")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
}"""

PLOTS = """() => [...document.querySelectorAll('figure img')].map(img => ({
  src: img.currentSrc.split('/').pop(), alt: img.alt, loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width}))"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill_audit_cluster(new_repo(tmp_path_factory.mktemp("audit-browser") / "repo"))
    result = repo.run("audit", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture(scope="module")
def origin(report: Repo) -> Iterator[str]:
    with serve(report.root / "output" / "audit") as address:
        yield address


@pytest.mark.parametrize("contrast", ["no-preference", "more"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_pages_have_no_wcag21_aa_violations(browser: Any, origin: str, width: int, contrast: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, contrast=contrast, reduced_motion="reduce")
    context.add_init_script(path=AXE)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    failures: list[str] = []
    try:
        for path in PAGES:
            page.goto(f"{origin}{path}", wait_until="load")
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")  # the data tables too
            for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
                failures.append(f"{path} @{width}px {contrast}: {violation['id']} ({violation['impact']}): {violation['help']}\n    " + "\n    ".join(violation["nodes"]))
            plots = page.evaluate(PLOTS)
            assert plots and all(plot["loaded"] and plot["alt"] for plot in plots), plots
            suffix = "-contrast.svg" if contrast == "more" else ".svg"
            assert all(plot["src"].endswith(suffix) and (contrast == "more" or "-contrast" not in plot["src"]) for plot in plots), plots
            assert all(plot["width"] <= width for plot in plots)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                failures.append(f"{path} @{width}px: scrolls sideways by {overflow}px")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
    assert all(url.startswith(origin) for url in requested), [u for u in requested if not u.startswith(origin)]


def test_the_site_report_shows_its_plots_tables_and_verdicts(browser: Any, origin: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{origin}/tuquan/index.html", wait_until="load")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        assert page.locator("h1").inner_text() == "突泉县人民政府网站自查报告"
        assert [heading.inner_text() for heading in page.locator("section.plot h2").all()] == [
            "近13周各栏目每周更新", "来信收到与答复", "来信答复率", "各栏目距上次更新的天数与限值",
        ]
        assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")) >= 20  # 长者模式 text
        table = page.get_by_role("table", name="每月来信（按受理月份，2025年12月至2026年11月）")
        assert not table.is_visible()
        page.get_by_text("来信收到与答复的数据表").click()
        assert table.is_visible() and "60%" in table.locator("tbody tr").last.inner_text()
        page.get_by_role("link", name="返回站群自查报告").click()
        page.wait_for_load_state("load")
        assert page.url == f"{origin}/index.html"
        page.get_by_role("link", name="突泉县人民政府").click()
        page.wait_for_load_state("load")
        assert page.url == f"{origin}/tuquan/index.html"
    finally:
        page.close()


def test_more_contrast_turns_the_report_white_on_black(browser: Any, origin: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, contrast="more")
    try:
        page = context.new_page()
        page.goto(f"{origin}/tuquan/index.html", wait_until="load")
        colours = page.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color, getComputedStyle(document.querySelector('.report-header a')).color]")
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"]
    finally:
        context.close()
