"""The shared theme's page frame and the three customisation levels, read from the built HTML.

One fixture cluster (conftest.theme_cluster) is built once for the module; the browser suite
(test_browser.py) checks the same pages in chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Repo, new_repo, theme_cluster
from selectolax.lexbor import LexborHTMLParser as HTMLParser


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = theme_cluster(new_repo(tmp_path_factory.mktemp("theme") / "repo"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    return repo


def pages(cluster: Repo) -> list[Path]:
    """Every page of every site (not the preview host's own front page, which no site owns)."""
    found = sorted(p for p in cluster.out().rglob("*.html") if p.parent != cluster.out())
    assert len(found) > 40
    return found


def tree(cluster: Repo, *parts: str) -> HTMLParser:
    return HTMLParser(cluster.html(*parts))


def test_every_page_has_one_h1_lang_zh_cn_and_a_skip_link_to_main(cluster: Repo) -> None:
    for path in pages(cluster):
        html = HTMLParser(path.read_text(encoding="utf-8"))
        where = path.relative_to(cluster.out())
        assert html.css_first("html").attributes.get("lang") == "zh-CN", where
        assert len(html.css("h1")) == 1, where
        skip = html.css_first("body > a")
        assert skip is not None and skip.attributes.get("href") == "#main", where
        assert html.css_first("main#main") is not None, where


def test_every_page_has_the_accessibility_toolbar(cluster: Repo) -> None:
    for path in pages(cluster):
        html = HTMLParser(path.read_text(encoding="utf-8"))
        toolbar = html.css_first("#a11y-panel")
        assert toolbar is not None, path
        assert len(toolbar.css("[data-a11y-size]")) >= 3
        assert {b.attributes.get("data-a11y") for b in toolbar.css("button")} >= {"contrast", "spacing", "read", "reset"}
        assert html.css_first('[data-a11y="elder"]').text() == "长者模式"


def test_pages_load_no_third_party_or_inline_scripts(cluster: Repo) -> None:
    for path in pages(cluster):
        html = HTMLParser(path.read_text(encoding="utf-8"))
        site = path.relative_to(cluster.out()).parts[0]
        sources = [s.attributes.get("src") or "" for s in html.css("script")]
        assert f"/{site}/theme/js/a11y.js" in sources, path
        assert all(src.startswith(f"/{site}/theme/js/") for src in sources), (path, sources)  # local files only, none inline
        assert not re.search(r"\son[a-z]+=", path.read_text(encoding="utf-8")), path


def test_every_image_has_alt_text(cluster: Repo) -> None:
    for path in pages(cluster):
        for image in HTMLParser(path.read_text(encoding="utf-8")).css("img"):
            assert "alt" in image.attributes, (path, image.attributes)


def test_home_headline_shows_the_picture_of_the_latest_news_with_its_alt_text(cluster: Repo) -> None:
    figure = tree(cluster, "portal", "index.html").css_first(".headline-figure img")
    assert figure.attributes == {"src": "/portal/files/images/spring.svg", "alt": "春耕前的田野与洮儿河示意图"}


def test_home_headline_picture_is_text_that_the_autoescaping_template_escapes_once() -> None:
    from zhanqun.render.pelican_plugin import first_image

    picture = first_image('<p>x</p><img alt="稻田 &amp; 洮儿河 &quot;示意&quot;" src="/p/a.svg?w=1&amp;h=2">')
    assert picture == {"src": "/p/a.svg?w=1&h=2", "alt": '稻田 & 洮儿河 "示意"'}


def test_home_blocks_follow_the_site_files_home_columns(cluster: Repo) -> None:
    blocks = [h.text() for h in tree(cluster, "tuquan", "index.html").css(".home-block h2")]
    assert blocks == ["通知公告", "政府文件"]  # home_columns also names 政务动态, which leads the page as 要闻: not shown twice


def test_department_home_puts_the_disclosure_entries_first(cluster: Repo) -> None:
    main = tree(cluster, "tjj", "index.html").css_first("main")
    sections = [node.attributes.get("class", "") for node in main.iter() if node.tag in ("section", "div")]
    assert sections[0] == "disclosure-strip"
    entries = [a.text(strip=True) for a in main.css(".disclosure-entries a")]
    assert entries == ["指政府信息公开指南", "制政府信息公开制度", "法法定主动公开内容", "年政府信息公开年报"]
    assert main.css_first(".disclosure-entries a").attributes["href"] == "/tjj/zfxxgk/guide.html"


def test_column_pages_mark_the_current_column_in_both_navigations(cluster: Repo) -> None:
    html = tree(cluster, "portal", "tzgg", "index.html")
    assert [a.text() for a in html.css("#column-nav-list a[aria-current=page]")] == ["通知公告"]
    assert [a.text() for a in html.css(".side-nav a[aria-current=page]")] == ["通知公告"]


def test_lists_and_articles_show_their_publication_date(cluster: Repo) -> None:
    listing = tree(cluster, "portal", "zwdt", "index.html")
    assert all(li.css_first("time") for li in listing.css("main .item-list li"))
    item = tree(cluster, "portal", "zwdt", "spring-farming.html")
    assert "发布日期：2026-03-12" in item.css_first(".item-meta").text()


def test_phone_menu_button_controls_the_column_list(cluster: Repo) -> None:
    button = tree(cluster, "portal", "index.html").css_first(".column-nav button.nav-toggle")
    assert button.attributes["aria-expanded"] == "false"
    assert button.attributes["aria-controls"] == "column-nav-list"


# --- the three customisation levels (THEMING.md's worked examples) -------------------------


def test_level_1_site_file_colours_logo_and_banner_become_css_properties_and_images(cluster: Repo) -> None:
    html = cluster.html("arxan", "index.html")
    assert "--primary: #1e5c3a;" in html and '--banner: url("/arxan/theme/images/arxan-banner.svg");' in html
    assert tree(cluster, "arxan", "index.html").css_first(".site-logo").attributes["src"] == "/arxan/theme/images/arxan-logo.svg"
    assert "has-banner" in tree(cluster, "arxan", "index.html").css_first("body").attributes["class"]
    assert "has-banner" not in tree(cluster, "tuquan", "index.html").css_first("body").attributes["class"]


def test_level_2_a_sites_static_files_add_to_and_replace_the_shared_ones(cluster: Repo) -> None:
    shared = (Path(__file__).parent.parent / "themes" / "gov" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert cluster.out("portal", "theme", "css", "site.css").read_text(encoding="utf-8") == shared
    assert "grid-template-columns: repeat(3" in cluster.out("tuquan", "theme", "css", "site.css").read_text(encoding="utf-8")
    assert cluster.out("tuquan", "theme", "images", "tuquan-logo.svg").is_file()
    assert not cluster.out("portal", "theme", "images", "tuquan-logo.svg").exists()
    assert cluster.out("tuquan", "theme", "css", "gov.css").read_text(encoding="utf-8") == cluster.out("portal", "theme", "css", "gov.css").read_text(encoding="utf-8")


def test_level_3_a_block_override_changes_only_that_block_of_that_site(cluster: Repo) -> None:
    arxan = tree(cluster, "arxan", "zwdt", "snow.html")
    assert arxan.css_first(".site-motto").text(strip=True) == "林海雪原温泉之城"
    assert "旅游咨询及投诉电话" in arxan.css_first("footer").text()
    assert "网站标识码" in arxan.css_first("footer").text()  # super(): the shared footer stays
    assert arxan.css_first("#a11y-panel") is not None and arxan.css_first("#column-nav-list") is not None
    for site in ("portal", "tuquan", "tjj"):
        assert tree(cluster, site, "index.html").css_first(".site-motto") is None
