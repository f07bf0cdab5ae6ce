"""Cross-site links, syndication and redirects, end to end: one cluster built for all three targets.

The cluster is built once per target (module scope); each test reads the output.
"""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from conftest import COLUMNS, Repo, article, make_repo
from selectolax.lexbor import LexborHTMLParser

TARGETS = ("preview", "production", "intranet")

SPRING_BODY = """
见[乌兰浩特市](site:ulanhot)和[洮儿河治理](site:ulanhot/zwdt/river.md#progress)。

![阿尔山雪景](site:arxan/files/snow.png)

详见[统计数据][tj]，[通知公告栏目]({category}tzgg)，[本站首页]({index})，[放假通知]({filename}../tzgg/holiday.md)。

[tj]: site:tjj/gzdt/data.md

<p><a href="site:arxan/zwdt/snow.md">冰雪节</a></p>

<p><img src="{static}/files/map.png" srcset="{static}/files/map.png 1x, site:arxan/files/snow.png 2x" alt="兴安盟地图"></p>

<video controls src="{static}/files/clip.mp4" poster="{static}/files/map.png"></video>

代码示例不是链接：`[x](site:nowhere)`。
"""

#: What each reference of SPRING_BODY becomes, per target.
EXPECTED = {
    "preview": {
        "ulanhot": "/ulanhot/",
        "river": "/ulanhot/zwdt/river.html#progress",
        "snow_png": "/arxan/files/snow.png",
        "tjj": "/tjj/gzdt/economy-2025.html",
        "column": "/portal/tzgg/",
        "index": "/portal/",
        "holiday": "/portal/tzgg/qingming.html",
        "snow": "/arxan/zwdt/snow.html",
        "map": "/portal/files/map.png",
        "clip": "/portal/files/clip.mp4",
    },
    "production": {
        "ulanhot": "https://www.wlht.gov.cn/",
        "river": "https://www.wlht.gov.cn/zwdt/river.html#progress",
        "snow_png": "https://www.arxan.gov.cn/files/snow.png",
        "tjj": "https://tjj.xam.gov.cn/gzdt/economy-2025.html",
        "column": "https://www.xam.gov.cn/tzgg/",
        "index": "https://www.xam.gov.cn/",
        "holiday": "https://www.xam.gov.cn/tzgg/qingming.html",
        "snow": "https://www.arxan.gov.cn/zwdt/snow.html",
        "map": "https://www.xam.gov.cn/files/map.png",
        "clip": "https://www.xam.gov.cn/files/clip.mp4",
    },
}
EXPECTED["intranet"] = {
    key: value.replace("https://www.wlht.gov.cn/", "http://wlht.zw.xam/").replace("https://www.xam.gov.cn/", "http://www.zw.xam/")
    for key, value in EXPECTED["production"].items()
}


def write_linked_cluster(repo: Repo) -> None:
    """A portal, two counties and a department that link to each other in every way authors can."""
    docs = COLUMNS["docs"]
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/",
              extra='short_name = "兴安盟"\nintranet_url = "http://www.zw.xam/"',
              columns=(COLUMNS["news"], COLUMNS["notice"], docs))
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/",
              extra='short_name = "乌兰浩特市"\nintranet_url = "http://wlht.zw.xam/"',
              columns=(COLUMNS["news"], COLUMNS["notice"], docs))
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", extra='short_name = "阿尔山市"')
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", extra='short_name = "统计局"',
              columns=(("gzdt", "工作动态", "news"),))
    repo.write("content/portal/files/map.png", b"\x89PNG map")
    repo.write("content/portal/files/clip.mp4", b"mp4")
    repo.write("content/arxan/files/snow.png", b"\x89PNG snow")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", SPRING_BODY, Slug="spring-farming"))
    repo.write("content/portal/tzgg/holiday.md", article(
        "关于清明节放假的通知", "2026-03-28", "全盟各单位：清明节放假一天。", Slug="qingming",
        Source="兴安盟行政公署办公室", Syndicate="counties", Aliases="/old/qingming.html, /tzgg/2026/"))
    repo.write("content/portal/zfwj/plan.md", article(
        "兴安盟2024年农牧业发展规划", "2024-02-01", "规划全文。", Slug="plan-2024", Syndicate="ulanhot",
        Modified="2026-02-15", Index_No="11152200MB0000000X/2024-00001", Issuer="兴安盟行政公署",
        Doc_No="兴署发〔2024〕1号", Written="2024-01-20", Topic="农业、林业、水利", Validity="废止",
        Validity_Date="2026-02-15"))
    repo.write("content/ulanhot/zwdt/river.md", article(
        "乌兰浩特市推进洮儿河治理", "2026-04-01", "## 进展 {#progress}\n\n[停水通知]({filename}../tzgg/notice.md)", Slug="river"))
    repo.write("content/ulanhot/zwdt/plan-internal.md", article(
        "乌兰浩特市内部工作安排", "2026-04-03", "[河道治理]({filename}river.md)", Slug="internal-plan", Visibility="internal"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/ulanhot/zwdt/2025/flood.md", article("乌兰浩特市防汛演练", "2025-07-01", Slug="flood"))
    repo.write("content/arxan/zwdt/snow.md", article(
        "阿尔山冰雪节开幕", "2026-01-10", "[盟行署](site:portal)，[防汛](site:ulanhot/zwdt/2025/flood.md)", Slug="snow"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Repo, str]]:
    repo = make_repo(tmp_path_factory.mktemp("linked") / "repo")
    write_linked_cluster(repo)
    results = {}
    for target in TARGETS:
        result = repo.run("build", "--target", target)
        results[target] = (repo, result.output)
        assert result.exit_code == 0, result.output
    return results


def links(html: str, attribute: str = "href") -> list[str]:
    return [node.attributes[attribute] or "" for node in LexborHTMLParser(html).css(f"[{attribute}]")]


@pytest.mark.parametrize("target", TARGETS)
def test_cross_site_links_resolve_to_the_address_for_the_target(built: dict[str, tuple[Repo, str]], target: str) -> None:
    repo, _ = built[target]
    html = repo.html("portal", "zwdt", "spring-farming.html", target=target)
    body = html.split('<div class="item-body">', 1)[1].split("</article>", 1)[0]
    hrefs, srcs = links(body), links(body, "src")
    want = EXPECTED[target]
    for key in ("ulanhot", "river", "tjj", "column", "index", "holiday", "snow"):
        assert want[key] in hrefs, (key, hrefs)
    assert want["snow_png"] in srcs and want["map"] in srcs and want["clip"] in srcs
    assert links(body, "srcset") == [f"{want['map']} 1x, {want['snow_png']} 2x"]
    assert links(body, "poster") == [want["map"]]


@pytest.mark.parametrize("target", TARGETS)
def test_no_link_syntax_is_left_in_any_page(built: dict[str, tuple[Repo, str]], target: str) -> None:
    repo, _ = built[target]
    for page in repo.out(target=target).rglob("*.html"):
        for attribute in ("href", "src", "srcset", "poster"):
            for value in links(page.read_text(encoding="utf-8"), attribute):
                assert not re.search(r"site:|\{filename\}|\{static\}|\{category\}|\{index\}", value), (page, value)


def test_code_spans_are_not_links(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert "<code>[x](site:nowhere)</code>" in repo.html("portal", "zwdt", "spring-farming.html")


@pytest.mark.parametrize("target", TARGETS)
def test_build_ends_with_a_link_report_of_zero_broken_links(built: dict[str, tuple[Repo, str]], target: str) -> None:
    _, output = built[target]
    report = re.search(r"links: (\d+) pages, (\d+) links into the cluster checked, (\d+) broken", output)
    assert report, output
    pages, checked, broken = map(int, report.groups())
    assert pages >= 20 and checked > pages * 10 and broken == 0


def test_internal_page_links_resolve_only_in_intranet(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["intranet"]
    assert 'href="http://wlht.zw.xam/zwdt/river.html"' in repo.html("ulanhot", "zwdt", "internal-plan.html", target="intranet")
    assert not repo.out("ulanhot", "zwdt", "internal-plan.html", target="production").exists()


def test_item_in_a_sub_folder_belongs_to_its_column(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert repo.out("ulanhot", "zwdt", "flood.html").is_file()
    assert "/ulanhot/zwdt/flood.html" in links(repo.html("arxan", "zwdt", "snow.html"))
    assert "/ulanhot/zwdt/flood.html" in links(repo.html("ulanhot", "zwdt", "index.html"))


# --- syndication ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("receiver", ["ulanhot", "arxan"])
def test_syndicated_copy_shows_its_source_and_canonical_link(built: dict[str, tuple[Repo, str]], target: str, receiver: str) -> None:
    repo, _ = built[target]
    original = EXPECTED[target]["holiday"]
    tree = LexborHTMLParser(repo.html(receiver, "tzgg", "portal-qingming.html", target=target))
    assert tree.css_first('link[rel="canonical"]').attributes["href"] == original
    source = tree.css_first(".syndicated-from")
    assert source.text(strip=True).startswith("来源：兴安盟行政公署")
    assert source.css_first("a").attributes["href"] == original


def test_syndicated_copy_is_not_published_where_not_asked(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert not list(repo.out("tjj").rglob("portal-*.html"))
    assert not repo.out("arxan", "zfwj").exists()


@pytest.mark.parametrize("receiver", ["ulanhot", "arxan"])
def test_syndicated_copy_appears_in_lists_home_page_and_feed(built: dict[str, tuple[Repo, str]], receiver: str) -> None:
    repo, _ = built["preview"]
    copy = f"/{receiver}/tzgg/portal-qingming.html"
    assert copy in links(repo.html(receiver, "tzgg", "index.html"))
    assert copy in links(repo.html(receiver, "index.html"))
    # in the feed, the copy carries the original's (canonical) address: one entry for readers of both sites
    feed = feedparser.parse(repo.out(receiver, "feeds", "all.atom.xml").read_bytes())
    assert "http://localhost:8000/portal/tzgg/qingming.html" in [entry.link for entry in feed.entries]


def test_sitemap_leaves_copies_to_their_original_site(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert "portal-qingming" not in repo.html("ulanhot", "sitemap.xml")
    assert "/ulanhot/tzgg/water.html" in repo.html("ulanhot", "sitemap.xml")


@pytest.mark.parametrize("target", TARGETS)
def test_cluster_navigation_links_every_site_for_the_target(built: dict[str, tuple[Repo, str]], target: str) -> None:
    repo, _ = built[target]
    nav = LexborHTMLParser(repo.html("arxan", "zwdt", "snow.html", target=target)).css_first("#cluster-nav")
    homes = {"preview": ["/portal/", "/arxan/", "/ulanhot/", "/tjj/"],
             "production": ["https://www.xam.gov.cn/", "https://www.arxan.gov.cn/", "https://www.wlht.gov.cn/", "https://tjj.xam.gov.cn/"],
             "intranet": ["http://www.zw.xam/", "https://www.arxan.gov.cn/", "http://wlht.zw.xam/", "https://tjj.xam.gov.cn/"]}
    assert [a.attributes["href"] for a in nav.css("a")] == homes[target]


def test_syndicated_document_keeps_validity_and_dates(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    listing = repo.html("ulanhot", "zfwj", "index.html")
    entry = listing.split('href="/ulanhot/zfwj/portal-plan-2024.html"', 1)[1].split("</li>", 1)[0]
    assert "废止" in entry and "2024-02-01" in entry
    copy = repo.html("ulanhot", "zfwj", "portal-plan-2024.html")
    original = repo.html("portal", "zfwj", "plan-2024.html")
    for fact in ("2024-02-01", "更新日期：2026-02-15"):
        assert fact in copy and fact in original


# --- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_alias_redirects_to_the_item(built: dict[str, tuple[Repo, str]], target: str) -> None:
    repo, _ = built[target]
    url = EXPECTED[target]["holiday"]
    tree = LexborHTMLParser(repo.html("portal", "old", "qingming.html", target=target))
    assert tree.css_first('meta[http-equiv="refresh"]').attributes["content"] == f"0; url={url}"
    assert tree.css_first('link[rel="canonical"]').attributes["href"] == url
    assert tree.css_first('meta[name="robots"]').attributes["content"] == "noindex"
    assert tree.css_first("body a").attributes["href"] == url


def test_folder_alias_becomes_an_index_page(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert 'url=/portal/tzgg/qingming.html"' in repo.html("portal", "tzgg", "2026", "index.html")


def test_alias_is_written_in_the_items_own_site_only(built: dict[str, tuple[Repo, str]]) -> None:
    repo, _ = built["preview"]
    assert not repo.out("ulanhot", "old").exists()


def test_same_input_gives_the_same_redirect_and_link_output(built: dict[str, tuple[Repo, str]], tmp_path: Path) -> None:
    repo, _ = built["preview"]
    before = repo.html("portal", "zwdt", "spring-farming.html"), repo.html("portal", "old", "qingming.html")
    result = repo.run("build", "--site", "portal")
    assert result.exit_code == 0, result.output
    assert (repo.html("portal", "zwdt", "spring-farming.html"), repo.html("portal", "old", "qingming.html")) == before
