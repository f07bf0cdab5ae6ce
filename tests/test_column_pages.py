"""The rendered pages of the column types: documents, 解读, the 政府信息公开 area, annual
reports, letters, leaders, topics, video, and the monitoring meta tags on every page type.

One fixture cluster (tests/column_fixtures.py) is built once for the module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from column_fixtures import GOOD_REPORT, TODAY, column_cluster, new_repo
from conftest import Repo
from selectolax.lexbor import LexborHTMLParser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = column_cluster(new_repo(tmp_path_factory.mktemp("columns") / "repo"))
    repo.write("content/tjj/_data/annual-report-2025.toml", GOOD_REPORT)
    result = repo.run("build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return repo


def page(repo: Repo, *parts: str) -> LexborHTMLParser:
    return LexborHTMLParser(repo.html(*parts))


def text(tree: LexborHTMLParser, selector: str = "main") -> str:
    node = tree.css_first(selector)
    assert node is not None, f"no {selector}"
    return re.sub(r"\s+", " ", node.text(separator=" "))


def meta(tree: LexborHTMLParser) -> dict[str, str]:
    return {n.attributes["name"]: n.attributes.get("content") or "" for n in tree.css("head meta[name]")}


# --- documents and validity ------------------------------------------------------------------


def test_document_page_shows_the_metadata_block(built: Repo) -> None:
    block = text(page(built, "portal", "zfwj", "heating.html"), "table.doc-meta")
    for label, value in (("索引号", "11152200011520000X/2026-00002"), ("主题分类", "城乡建设、环境保护"), ("发文机关", "兴安盟行政公署"),
                         ("成文日期", "2026-10-15"), ("发文字号", "兴署办发〔2026〕31号"), ("发布日期", "2026-10-15"), ("有 效 性", "有效")):
        assert label in block and value in block


def test_repealed_document_shows_a_banner_and_stays_online(built: Repo) -> None:
    tree = page(built, "portal", "zfwj", "heating-old.html")
    banner = tree.css_first(".validity-banner")
    assert banner is not None and "废止" in banner.text() and "2026-10-15" in banner.text()
    assert banner.attributes.get("role") == "note"


def test_expired_document_shows_an_expired_banner(built: Repo) -> None:
    banner = page(built, "portal", "zfwj", "livelihood-2025.html").css_first(".validity-banner.validity-banner-expired")
    assert banner is not None and "失效" in banner.text()


def test_document_in_force_has_no_banner(built: Repo) -> None:
    assert page(built, "portal", "zfwj", "heating.html").css_first(".validity-banner") is None


def test_validity_labels_appear_in_column_and_home_lists(built: Repo) -> None:
    for parts in (("portal", "zfwj", "index.html"), ("portal", "index.html")):
        items = page(built, *parts).css("li")
        labels = {re.sub(r"\s+", "", li.text()): li.css_first(".validity-label") for li in items if li.css_first("a")}
        repealed = next(v for k, v in labels.items() if "暂行办法" in k)
        assert repealed is not None and repealed.text() == "废止"
        assert next(v for k, v in labels.items() if "城镇供热管理办法" in k and "暂行" not in k) is None


# --- 解读 ↔ 文件 --------------------------------------------------------------------------------


def test_interpretation_links_to_its_document(built: Repo) -> None:
    link = page(built, "portal", "zcjd", "heating-qa.html").css_first(".interprets-link a")
    assert link is not None and link.attributes["href"] == "/portal/zfwj/heating.html"


def test_interpretation_on_another_site_links_to_the_document(built: Repo) -> None:
    link = page(built, "ulanhot", "zwdt", "heating-county.html").css_first(".interprets-link a")
    assert link is not None and link.attributes["href"] == "/portal/zfwj/heating.html"


def test_document_lists_its_interpretations_from_every_site(built: Repo) -> None:
    links = page(built, "portal", "zfwj", "heating.html").css(".related-interpretations a")
    assert [a.attributes["href"] for a in links] == ["/ulanhot/zwdt/heating-county.html", "/portal/zcjd/heating-qa.html"]


# --- the 政府信息公开 area ------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["portal", "ulanhot", "tjj"])
def test_every_disclosure_site_has_the_same_four_entries(built: Repo, site: str) -> None:
    nav = page(built, site, "zfxxgk", "index.html").css(".disclosure-nav li")
    assert [re.sub(r"\s+", "", li.text()).replace("（暂未发布）", "") for li in nav] == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]
    assert built.out(site, "zfxxgk", "fdzdgknr", "index.html").is_file()
    assert built.out(site, "zfxxgk", "ndbg", "index.html").is_file()


def test_disclosure_entries_point_at_guide_rules_directory_and_reports(built: Repo) -> None:
    hrefs = [a.attributes["href"] for a in page(built, "ulanhot", "zfxxgk", "index.html").css(".disclosure-nav a")]
    assert hrefs == ["/ulanhot/zfxxgk/guide.html", "/ulanhot/zfxxgk/rules.html", "/ulanhot/zfxxgk/fdzdgknr/", "/ulanhot/zfxxgk/ndbg/"]


def test_missing_rules_entry_is_shown_without_a_dead_link(built: Repo) -> None:
    nav = page(built, "tjj", "zfxxgk", "index.html").css_first(".disclosure-rules")
    assert nav is not None and nav.css_first("a") is None


def test_directory_groups_documents_by_topic_then_year(built: Repo) -> None:
    tree = page(built, "portal", "zfxxgk", "fdzdgknr", "index.html")
    topics = [h.text().strip() for h in tree.css(".directory-group h2")]
    assert topics == ["综合政务", "城乡建设、环境保护"]  # national order
    group = tree.css(".directory-group")[1]
    years = [th.text().strip() for th in group.css(".directory-year th")]
    assert years == ["2026年", "2025年"]
    row = group.css("tbody")[1].css("tr[data-validity]")[0]
    cells = [c.text().strip() for c in row.css("td")]
    assert cells[0] == "兴安盟城镇供热管理暂行办法" and cells[1] == "兴署发〔2026〕1号" and cells[2] == "2025-03-10" and "废止" in cells[3]


def test_directory_lists_only_the_sites_own_documents(built: Repo) -> None:
    body = text(page(built, "ulanhot", "zfxxgk", "fdzdgknr", "index.html"))
    assert "乌兰浩特市冬季清雪通告" in body and "兴安盟城镇供热管理办法" not in body


def test_directory_works_without_javascript(built: Repo) -> None:
    tree = page(built, "portal", "zfxxgk", "fdzdgknr", "index.html")
    assert "hidden" in tree.css_first("form.directory-filter").attributes  # shown only by the script
    assert len(tree.css(".directory-table tr[data-validity]")) == 5
    script = tree.css_first("main script")
    assert script.attributes["src"] == "/portal/theme/js/disclosure-filter.js"
    assert built.out("portal", "theme", "js", "disclosure-filter.js").is_file()


# --- annual report --------------------------------------------------------------------------


def test_annual_report_renders_all_six_sections(built: Repo) -> None:
    tree = page(built, "tjj", "zfxxgk", "ndbg", "2025.html")
    headings = [h.text().strip() for h in tree.css(".annual-report h2")]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert tree.css_first("h1").text().strip() == "兴安盟统计局2025年政府信息公开工作年度报告"


def test_annual_report_request_table_has_the_national_rows_and_columns(built: Repo) -> None:
    table = page(built, "tjj", "zfxxgk", "ndbg", "2025.html").css_first(".report-requests")
    header = text(table, "thead")
    for name in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"):
        assert name in header
    rows = table.css("tbody tr")
    assert len(rows) == 25  # 一, 二, 21 result rows, （七）总计, 四
    new = [td.text() for td in rows[0].css("td")]
    assert new == ["4", "1", "0", "0", "0", "0", "5"]
    assert "（七）总计" in rows[-2].text() and "四、结转下年度继续办理" in rows[-1].text()


def test_annual_report_is_listed_under_the_reports_entry(built: Repo) -> None:
    links = page(built, "tjj", "zfxxgk", "ndbg", "index.html").css(".report-list a")
    assert [a.attributes["href"] for a in links] == ["/tjj/zfxxgk/ndbg/2025.html"]


# --- letters --------------------------------------------------------------------------------


def test_letter_text_is_escaped_never_html(built: Repo) -> None:
    raw = built.html("portal", "mzxx", "complaint.html")
    tree = LexborHTMLParser(raw)
    body = tree.css_first(".letter-body")
    assert body.css("script, img, strong, [onerror]") == []
    assert not tree.css("[onerror], [onmouseover]")
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw
    assert "**不是粗体** [链接](http://evil.example/)" in body.text()
    assert tree.css_first(".letter-body a") is None


def test_letter_reply_is_escaped_too(built: Repo) -> None:
    raw = built.html("portal", "mzxx", "heating-time.html")
    assert "&lt;b onmouseover=alert(2)&gt;" in raw
    assert not LexborHTMLParser(raw).css("[onmouseover], main b")


def test_letter_paragraphs_and_line_breaks_are_kept(built: Repo) -> None:
    paragraphs = page(built, "portal", "mzxx", "complaint.html").css(".letter-text p")
    assert len(paragraphs) == 2
    assert paragraphs[1].html == "<p>第二段<br>\n第二行</p>"


def test_letter_summary_never_quotes_the_public(built: Repo) -> None:
    description = meta(page(built, "portal", "mzxx", "complaint.html")).get("description", "")
    assert "script" not in description and "onerror" not in description


def test_letter_page_shows_dates_and_replier(built: Repo) -> None:
    facts = text(page(built, "portal", "mzxx", "heating-time.html"), ".letter-meta")
    assert "受理日期 2026-11-02" in facts and "答复日期 2026-11-09" in facts and "答复部门 兴安盟住房和城乡建设局" in facts


def test_unreplied_letter_is_shown_as_in_progress(built: Repo) -> None:
    tree = page(built, "portal", "mzxx", "complaint.html")
    assert "正在办理" in text(tree, ".letter-meta")
    assert tree.css_first(".letter-reply .letter-pending") is not None


def test_letter_statistics_are_computed_at_build_time(built: Repo) -> None:
    tree = page(built, "portal", "mzxx", "index.html")
    figures = {dt.text(): dd.text() for dt, dd in zip(tree.css(".stat-figures dt"), tree.css(".stat-figures dd"))}
    assert figures == {"公开来信": "4 件", "已答复": "3 件", "答复率": "75%", "答复用时（中位数）": "7 天"}
    months = [[c.text() for c in tr.css("th, td")] for tr in tree.css(".letter-months tbody tr")]
    assert months == [["2026年11月", "2", "1"], ["2026年10月", "2", "2"]]


def test_without_endpoint_the_column_shows_address_and_phone_not_a_form(built: Repo) -> None:
    tree = page(built, "portal", "mzxx", "index.html")
    assert [form.attributes.get("class") for form in tree.css("form")] == ["utility-search"]  # the header's search box only
    contact = text(tree, ".mailbox-contact")
    assert "兴安盟行政公署信访科" in contact and "0482-8226000" in contact


# --- leaders, topics, appointments, video ----------------------------------------------------


def test_leader_page_shows_photo_position_body_and_recent_activities(built: Repo) -> None:
    tree = page(built, "portal", "ldzc", "wang.html")
    photo = tree.css_first(".leader-photo")
    assert photo.attributes["src"] == "/portal/files/leaders/wang.svg" and photo.attributes["alt"] == "王建华照片"
    assert "盟长" in text(tree, ".leader-facts")
    assert "负责全面工作" in text(tree, ".leader-body")
    activities = [a.attributes["href"] for a in tree.css(".leader-activities a")]
    assert activities == ["/portal/zwdt/meeting.html"]


def test_news_item_links_the_leaders_it_names(built: Repo) -> None:
    link = page(built, "portal", "zwdt", "meeting.html").css_first(".item-leaders a")
    assert link.attributes["href"] == "/portal/ldzc/wang.html" and link.text() == "王建华"


def test_topic_page_gathers_tagged_items_from_every_site(built: Repo) -> None:
    tree = page(built, "portal", "lsxa", "index.html")
    gathered = [a.attributes["href"] for a in tree.css(".topic-gathered a")]
    assert gathered == ["/portal/zwdt/meeting.html", "/tjj/gzdt/green-stats.html", "/ulanhot/zwdt/trees.html"]
    assert [a.attributes["href"] for a in tree.css(".topic-own a")] == ["/portal/lsxa/forest.html"]
    assert "统计局" in text(tree, ".topic-gathered") or "兴安盟统计局" in text(tree, ".topic-gathered")


def test_appointment_page_shows_its_document_number(built: Repo) -> None:
    assert "兴署任〔2026〕11号" in text(page(built, "portal", "rsrm", "appointments-2026-11.html"), ".appointment-doc-no")


def test_video_news_plays_a_local_file_with_captions(built: Repo) -> None:
    tree = page(built, "portal", "zwdt", "video.html")
    video = tree.css_first("video")
    assert "controls" in video.attributes and video.attributes["poster"] == "/portal/files/video/poster.svg"
    assert video.css_first("source").attributes == {"src": "/portal/files/video/clip.mp4", "type": "video/mp4"}
    track = video.css_first("track")
    assert track.attributes["kind"] == "captions" and track.attributes["src"] == "/portal/files/video/clip.vtt"
    assert tree.css_first(".video-download").attributes["href"] == "/portal/files/video/clip.mp4"
    assert built.out("portal", "files", "video", "clip.mp4").is_file()
    assert not tree.css("iframe, object, embed")


# --- head meta tags for national monitoring ---------------------------------------------------

PAGES = {
    "home": (("portal", "index.html"), {"SiteName", "SiteIDCode"}),
    "column": (("portal", "zwdt", "index.html"), {"SiteName", "SiteIDCode", "ColumnName"}),
    "article": (("portal", "zwdt", "meeting.html"), {"SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"}),
    "document": (("portal", "zfwj", "heating.html"), {"SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"}),
    "letter": (("portal", "mzxx", "heating-time.html"), {"SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"}),
    "directory": (("portal", "zfxxgk", "fdzdgknr", "index.html"), {"SiteName", "SiteIDCode", "ColumnName"}),
    "reports": (("tjj", "zfxxgk", "ndbg", "index.html"), {"SiteName", "SiteIDCode", "ColumnName"}),
    "annual report": (("tjj", "zfxxgk", "ndbg", "2025.html"), {"SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"}),
    "department home": (("tjj", "index.html"), {"SiteName", "SiteIDCode"}),
    "404": (("portal", "404.html"), {"SiteName", "SiteIDCode"}),
}


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_carries_the_monitoring_meta_tags(built: Repo, kind: str) -> None:
    parts, wanted = PAGES[kind]
    tags = meta(page(built, *parts))
    missing = wanted - {name for name, value in tags.items() if value.strip()}
    assert not missing, f"{kind} page lacks {missing}"


def test_meta_tags_carry_the_right_values(built: Repo) -> None:
    tags = meta(page(built, "tjj", "zfxxgk", "ndbg", "2025.html"))
    assert tags["SiteName"] == "兴安盟统计局" and tags["SiteIDCode"] == "1522000002"
    assert tags["ColumnName"] == "政府信息公开年报" and tags["PubDate"] == "2026-01-20 00:00"
    article = meta(page(built, "portal", "zwdt", "meeting.html"))
    assert article["ColumnName"] == "政务动态" and article["ArticleTitle"] == "盟行署召开常务会议" and article["PubDate"] == "2026-11-18 00:00"


def test_generated_pages_are_in_the_sitemap(built: Repo) -> None:
    sitemap = built.html("tjj", "sitemap.xml")
    # absolute in every target: the preview's documented host (README "Feeds and sitemaps")
    assert "<loc>http://localhost:8000/tjj/zfxxgk/fdzdgknr/</loc>" in sitemap and "<loc>http://localhost:8000/tjj/zfxxgk/ndbg/2025.html</loc>" in sitemap


def test_components_stylesheet_is_linked_after_gov_css(built: Repo) -> None:
    links = [n.attributes["href"] for n in page(built, "portal", "index.html").css("head link[rel=stylesheet]")]
    assert links[:2] == ["/portal/theme/css/gov.css", "/portal/theme/css/components.css"]
    assert Path(built.out("portal", "theme", "css", "components.css")).is_file()


def test_home_page_shows_the_disclosure_entries(built: Repo) -> None:
    strip = page(built, "tjj", "index.html").css_first(".disclosure-strip")
    assert strip is not None
    assert [a.attributes["href"] for a in strip.css("a")] == ["/tjj/zfxxgk/", "/tjj/zfxxgk/guide.html", "/tjj/zfxxgk/fdzdgknr/", "/tjj/zfxxgk/ndbg/"]
    assert "政府信息公开制度" in strip.css_first(".disclosure-missing").text()
