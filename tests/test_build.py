"""Cluster build (issue 2): every site, every target, the right addresses, nothing leaked."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import Repo, article, fill_small_cluster, new_repo, problem_lines
from selectolax.lexbor import LexborHTMLParser as HTMLParser

SITES = ["portal", "arxan", "ulanhot", "tjj"]
HOMES = {
    "preview": {s: f"/{s}/" for s in SITES},
    "production": {
        "portal": "https://www.xam.gov.cn/",
        "arxan": "https://www.arxan.gov.cn/",
        "ulanhot": "https://www.wlht.gov.cn/",
        "tjj": "https://tjj.xam.gov.cn/",
    },
}
HOMES["intranet"] = {**HOMES["production"], "ulanhot": "http://wlht.zw.xam/"}


def pages(folder: Path) -> list[Path]:
    """The HTML pages of the sites under ``folder`` (not the preview host's own front page)."""
    return sorted(p for p in folder.rglob("*.html") if p.parent != folder or folder.name in SITES)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The small cluster plus a draft, an internal and a hidden item, built for every target."""
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("built")))
    repo.write("content/portal/zwdt/draft.md", article("草稿：尚未审定的新闻稿件", "2026-03-05", Slug="secret-draft", Status="draft"))
    repo.write("content/portal/tzgg/internal.md", article("内部工作安排（不公开）", "2026-03-06", Slug="internal-plan", Visibility="internal"))
    repo.write("content/ulanhot/zwdt/hidden.md", article("隐藏但可直接访问的页面", "2026-03-07", Slug="hidden-page", Status="hidden"))
    repo.write("content/portal/zwdt/pinyin.md", article("兴安盟召开生态保护工作会议", "2026-03-08"))
    for target in ("preview", "production", "intranet"):
        result = repo.run("build", "--target", target)
        assert result.exit_code == 0, result.output
    return repo


def test_every_site_is_built_in_its_own_folder(built: Repo) -> None:
    for site in SITES:
        assert built.out(site, "index.html").is_file()
        assert built.out(site, "404.html").is_file()
        assert built.out(site, "theme", "css", "gov.css").is_file()


@pytest.mark.parametrize("target", ["preview", "production", "intranet"])
def test_cluster_navigation_on_every_page_links_every_site_home(built: Repo, target: str) -> None:
    all_pages = pages(built.out(target=target))
    assert len(all_pages) > 20
    for page in all_pages:
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        nav = tree.css_first("#cluster-nav")
        assert nav is not None, page
        hrefs = [a.attributes.get("href") for a in nav.css("a")]
        assert hrefs == [HOMES[target][s] for s in SITES], page


@pytest.mark.parametrize("target", ["preview", "production", "intranet"])
def test_item_and_canonical_addresses_follow_the_target(built: Repo, target: str) -> None:
    home = HOMES[target]["ulanhot"]
    html = built.html("ulanhot", "zwdt", "index.html", target=target)
    assert f'href="{home}zwdt/river.html"' in html
    page = HTMLParser(built.html("ulanhot", "zwdt", "river.html", target=target))
    assert page.css_first('link[rel="canonical"]').attributes["href"] == f"{home}zwdt/river.html"
    assert page.css_first(".site-brand").attributes["href"] == home


def test_production_feed_and_sitemap_use_production_addresses(built: Repo) -> None:
    feed = built.html("ulanhot", "feeds", "all.atom.xml", target="production")
    assert "https://www.wlht.gov.cn/zwdt/river.html" in feed
    sitemap = built.html("ulanhot", "sitemap.xml", target="production")
    assert "<loc>https://www.wlht.gov.cn/zwdt/river.html</loc>" in sitemap
    assert "/ulanhot/" not in sitemap


def test_preview_host_front_page_lists_every_site(built: Repo) -> None:
    tree = HTMLParser(built.html("index.html"))
    assert [a.attributes["href"] for a in tree.css("a")] == [f"/{s}/" for s in SITES]
    assert not built.out("index.html", target="production").exists()


def test_preview_never_points_at_production(built: Repo) -> None:
    for page in pages(built.out()):
        text = page.read_text(encoding="utf-8")
        for address in HOMES["production"].values():
            assert address not in text, page


def everything(repo: Repo, target: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in repo.out(target=target).rglob("*") if p.is_file() and p.suffix in (".html", ".xml"))


@pytest.mark.parametrize("target", ["preview", "production", "intranet"])
def test_drafts_are_never_published(built: Repo, target: str) -> None:
    assert "secret-draft" not in everything(built, target)
    assert "尚未审定" not in everything(built, target)


@pytest.mark.parametrize("target", ["preview", "production"])
def test_internal_items_stay_out_of_public_targets(built: Repo, target: str) -> None:
    text = everything(built, target)
    assert "internal-plan" not in text
    assert "内部工作安排" not in text


def test_internal_items_are_in_the_intranet_target(built: Repo) -> None:
    assert built.out("portal", "tzgg", "internal-plan.html", target="intranet").is_file()
    assert "内部工作安排" in built.html("portal", "tzgg", "index.html", target="intranet")


def test_hidden_items_are_rendered_but_not_listed(built: Repo) -> None:
    assert built.out("ulanhot", "zwdt", "hidden-page.html").is_file()
    assert "hidden-page" not in built.html("ulanhot", "zwdt", "index.html")
    assert "hidden-page" not in built.html("ulanhot", "index.html")


def test_slug_comes_from_the_pinyin_of_the_title(built: Repo) -> None:
    assert built.out("portal", "zwdt", "xing-an-meng-zhao-kai-sheng-tai-bao-hu-gong-zuo-hui.html").is_file()


def test_footer_carries_what_every_government_page_must(built: Repo) -> None:
    for page in pages(built.out("ulanhot")):
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        footer = tree.css_first("footer").text()
        for needed in ("主办单位：乌兰浩特市人民政府办公室", "0482-0000000", "网站标识码：1522000001", "蒙ICP备00000000号", "蒙公网安备", "我为政府网站找错", "党政机关"):
            assert needed in footer, (page, needed)
        icp = [a for a in tree.css("footer a") if "ICP" in a.text()]
        assert icp and icp[0].attributes["href"] == "https://beian.miit.gov.cn/"


def test_breadcrumbs_on_every_page_but_the_home_page(built: Repo) -> None:
    for page in pages(built.out("portal")):
        crumbs = HTMLParser(page.read_text(encoding="utf-8")).css_first(".breadcrumbs")
        if page.name == "index.html" and page.parent.name == "portal":
            assert crumbs is None
        else:
            assert crumbs is not None, page
            assert crumbs.css_first("a").attributes["href"] == "/portal/"


def test_home_page_lists_latest_items_with_dates(built: Repo) -> None:
    tree = HTMLParser(built.html("portal", "index.html"))
    links = {a.attributes["href"]: a for a in tree.css(".item-list a")}
    assert "/portal/tzgg/qingming.html" in links
    headline = tree.css_first('section[aria-labelledby="headline-title"]')
    assert [t.text() for t in headline.css("time")] == ["2026-03-08", "2026-03-02"]
    block = tree.css_first('section[aria-labelledby="block-tzgg"]')
    assert [t.text() for t in block.css(".item-list time")] == ["2026-03-28"]


def test_columns_without_items_still_get_a_page(built: Repo) -> None:
    assert built.out("arxan", "tzgg", "index.html").is_file()
    assert "本栏目暂无信息" in built.html("arxan", "tzgg", "index.html")


def test_no_drafts_folder_tags_or_authors_are_written(built: Repo) -> None:
    names = {p.relative_to(built.out()).parts[1] for p in built.out().rglob("*") if len(p.relative_to(built.out()).parts) > 1}
    assert not names & {"drafts", "tag", "tags", "author", "authors", "category", "archives.html"}


# --- builds that each need their own repository ------------------------------------------------


def test_column_pages_paginate_twenty_items_and_never_collide(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", columns=(("cat1", "一", "news"), ("cat12", "十二", "news")))
    for n in range(45):
        repo.write(f"content/portal/cat1/n{n:02d}.md", article(f"第{n}条消息", f"2026-01-{n % 28 + 1:02d} {n % 24:02d}:00", Slug=f"n{n:02d}"))
    repo.write("content/portal/cat12/only.md", article("唯一一条", "2026-01-01", Slug="only"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    first = HTMLParser(repo.html("portal", "cat1", "index.html"))
    assert len(first.css(".item-list li")) == 20
    assert repo.out("portal", "cat1", "page", "2", "index.html").is_file()
    assert len(HTMLParser(repo.html("portal", "cat1", "page", "3", "index.html")).css(".item-list li")) == 5
    assert not repo.out("portal", "cat1", "page", "4").exists()
    assert "唯一一条" in repo.html("portal", "cat12", "index.html")
    dates = [t.text() for t in first.css(".item-list time")]
    assert dates == sorted(dates, reverse=True)


def test_same_input_gives_byte_identical_output(small_cluster: Repo, tmp_path: Path) -> None:
    for n in range(6):
        small_cluster.write(f"content/portal/zwdt/same-{n}.md", article(f"同一天的消息{n}", "2026-03-09", Slug=f"same-{n}"))
    a, b = tmp_path / "a", tmp_path / "b"
    assert small_cluster.run("build", "--out", str(a)).exit_code == 0
    assert small_cluster.run("build", "--out", str(b), "--jobs", "1").exit_code == 0
    assert tree_digest(a) == tree_digest(b)
    assert (a / "portal" / "index.html").is_file()


def test_bad_metadata_fails_with_located_errors_and_keeps_previous_output(small_cluster: Repo) -> None:
    assert small_cluster.run("build").exit_code == 0
    before = tree_digest(small_cluster.out())
    small_cluster.write("content/ulanhot/zwdt/bad.md", "Title: 坏文件\nDate: 2026-13-45\nStaus: draft\n\n正文\n")
    small_cluster.write("content/arxan/zwdt/worse.md", "Title: 无日期\n\n正文\n")
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert "content/ulanhot/zwdt/bad.md:2: bad-value: Date:" in result.output
    assert "content/ulanhot/zwdt/bad.md:3: unknown-key: unknown metadata key 'Staus' (did you mean 'Status'?)" in result.output
    assert "content/arxan/zwdt/worse.md:1: missing-key: missing 'Date:'" in result.output
    assert tree_digest(small_cluster.out()) == before
    assert not list(small_cluster.out().parent.glob(".zhanqun-*"))


def test_broken_site_file_fails_and_keeps_previous_output(small_cluster: Repo) -> None:
    assert small_cluster.run("build").exit_code == 0
    before = tree_digest(small_cluster.out())
    small_cluster.write("sites/arxan.toml", (small_cluster.root / "sites/arxan.toml").read_text().replace('type = "news"', 'type = "newz"', 1))
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert "sites/arxan.toml:" in result.output and "columns[0].type: 'newz' is not one of" in result.output
    assert tree_digest(small_cluster.out()) == before


def test_template_error_is_reported_per_site_and_keeps_previous_output(small_cluster: Repo) -> None:
    assert small_cluster.run("build").exit_code == 0
    before = tree_digest(small_cluster.out())
    small_cluster.write("themes/arxan/templates/base.html", '{% extends "!theme/base.html" %}{% block header %}{{ undefined_macro() }}{% endblock %}')
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert "themes/arxan/templates/base.html:1: template-error: " in result.output and "undefined" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(small_cluster.out()) == before


def test_site_template_override_changes_only_that_site(small_cluster: Repo) -> None:
    small_cluster.write("themes/arxan/templates/base.html", '{% extends "!theme/base.html" %}{% block header %}<header class="arxan-header">阿尔山 · 森林与温泉</header>{% endblock %}')
    small_cluster.write("themes/arxan/static/css/gov.css", "/* arxan replaces the shared stylesheet */")
    assert small_cluster.run("build").exit_code == 0
    assert "阿尔山 · 森林与温泉" in small_cluster.html("arxan", "index.html")
    assert "森林与温泉" not in small_cluster.html("ulanhot", "index.html")
    assert small_cluster.html("arxan", "theme", "css", "gov.css").startswith("/* arxan")
    assert not small_cluster.html("ulanhot", "theme", "css", "gov.css").startswith("/* arxan")


def test_theme_colours_become_css_custom_properties(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[theme]\nprimary = "#1d5c3a"\nlogo = "images/emblem.svg"')
    assert small_cluster.run("build").exit_code == 0
    html = small_cluster.html("arxan", "index.html")
    assert "--primary: #1d5c3a" in html
    assert 'src="/arxan/theme/images/emblem.svg"' in html
    assert "--primary: #1d5c3a" not in small_cluster.html("ulanhot", "index.html")


def test_missing_logo_is_a_located_error(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[theme]\nlogo = "images/nope.svg"')
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert "sites/arxan.toml:8: missing-file: theme.logo: no file images/nope.svg" in result.output


def test_a_missing_logo_is_listed_with_the_colours_mistakes_in_one_run(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[theme]\nprimary = "#aaddee"\nlogo = "images/nope.svg"\nbanner = "images/gone.png"')
    result = small_cluster.run("check")
    assert result.exit_code == 1
    assert [(line.split(": ")[0], line.split(": ")[1]) for line in problem_lines(result)] == [
        ("sites/arxan.toml:8", "low-contrast"), ("sites/arxan.toml:9", "missing-file"), ("sites/arxan.toml:10", "missing-file"),
    ]


PLUGIN = '''
from pelican import signals

def stamp(content):
    content._content += "<p>STAMP-" + content.settings["STAMP_TEXT"] + "</p>"

def register():
    signals.content_object_init.connect(stamp)
'''


def test_plugins_and_settings_of_one_site_do_not_leak_into_another(small_cluster: Repo) -> None:
    small_cluster.write("plugins/stamp.py", PLUGIN)
    small_cluster.site("ulanhot", "乌兰浩特市人民政府", extra='[pelican]\nplugins = ["stamp"]\n[pelican.settings]\nSTAMP_TEXT = "ULANHOT"\nSUMMARY_MAX_LENGTH = 3')
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[pelican]\nplugins = ["stamp"]\n[pelican.settings]\nSTAMP_TEXT = "ARXAN"')
    small_cluster.write("content/ulanhot/zwdt/more.md", article("第二条", "2026-04-03", body="一二三四五六七八九十", Slug="more"))
    assert small_cluster.run("build", "--jobs", "1").exit_code == 0
    assert "STAMP-ULANHOT" in small_cluster.html("ulanhot", "zwdt", "river.html")
    assert "STAMP-ARXAN" not in small_cluster.html("ulanhot", "zwdt", "river.html")
    assert "STAMP-ARXAN" in small_cluster.html("arxan", "zwdt", "snow.html")
    assert "STAMP-ULANHOT" not in small_cluster.html("arxan", "zwdt", "snow.html")
    assert "STAMP" not in small_cluster.html("portal", "zwdt", "spring-farming.html")


def test_out_option_writes_each_site_to_its_own_folder(small_cluster: Repo, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    assert small_cluster.run("build", "--out", str(out), "--target", "production").exit_code == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(SITES)
    assert not small_cluster.out(target="production").exists()


def test_building_one_site_replaces_only_that_site(small_cluster: Repo) -> None:
    assert small_cluster.run("build").exit_code == 0
    marker = small_cluster.out("arxan", "marker.txt")
    marker.write_text("kept")
    small_cluster.write("content/ulanhot/zwdt/new.md", article("新消息", "2026-05-01", Slug="new-one"))
    assert small_cluster.run("build", "--site", "ulanhot").exit_code == 0
    assert small_cluster.out("ulanhot", "zwdt", "new-one.html").is_file()
    assert marker.read_text() == "kept"


def test_unknown_site_is_a_usage_error(small_cluster: Repo) -> None:
    result = small_cluster.run("build", "--site", "arxn")
    assert result.exit_code == 2
    assert "no site 'arxn' (did you mean 'arxan'?)" in result.output


def test_unknown_target_is_a_usage_error(small_cluster: Repo) -> None:
    assert small_cluster.run("build", "--target", "staging").exit_code == 2


def test_root_without_sites_is_a_usage_error(tmp_path: Path, small_cluster: Repo) -> None:
    result = small_cluster.run("--root", str(tmp_path), "build")
    assert result.exit_code == 2


def test_check_writes_nothing_and_reports_errors(small_cluster: Repo) -> None:
    assert small_cluster.run("check").exit_code == 0
    assert not small_cluster.out().exists()
    small_cluster.write("content/arxan/zwdt/bad.md", "Title: 错误\nDate: 2026年3月5日\n\n正文\n")
    result = small_cluster.run("check")
    assert result.exit_code == 1
    assert "content/arxan/zwdt/bad.md:2: bad-value: Date: write dates as YYYY-MM-DD: '2026-03-05'" in result.output
    assert not small_cluster.out().exists()


def test_sites_json_lists_every_site_with_its_address_and_pages(small_cluster: Repo) -> None:
    result = small_cluster.run("sites", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == SITES
    ulanhot = next(r for r in rows if r["id"] == "ulanhot")
    assert ulanhot == {"id": "ulanhot", "name": "乌兰浩特市人民政府", "kind": "county", "parent": "portal", "lang": "zh-CN", "edition_of": None, "url": "https://www.wlht.gov.cn/", "columns": 2, "pages": 2}


def test_sites_table_is_plain_text(small_cluster: Repo) -> None:
    result = small_cluster.run("sites", "--target", "preview")
    assert result.exit_code == 0
    assert "ulanhot" in result.output and "/ulanhot/" in result.output


def test_json_format_lists_problems_for_ci(small_cluster: Repo) -> None:
    small_cluster.write("content/arxan/zwdt/bad.md", "Title: 错误\nDate: 2026-03-05\nSource：新华社\n\n正文\n")
    result = CliRunnerSplit.invoke(small_cluster, "--format", "json", "check")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems == [{"file": "content/arxan/zwdt/bad.md", "path": "content/arxan/zwdt/bad.md", "line": 3, "code": "wide-colon", "message": "full-width colon '：' after 'Source'; use an ASCII colon: 'Source: 新华社'", "severity": "error"}]


class CliRunnerSplit:
    """Invoke the CLI keeping stdout and stderr apart (JSON goes to stdout only)."""

    @staticmethod
    def invoke(repo: Repo, *args: str):  # type: ignore[no-untyped-def]
        from click.testing import CliRunner

        import build as build_cli

        return CliRunner().invoke(build_cli.cli, ["--root", str(repo.root), *args], catch_exceptions=False)


WARNING_PLUGIN = '''
import logging
from pelican import signals

logger = logging.getLogger(__name__)

def complain(content):
    logger.warning("questionable markup in %s", content.source_path)

def register():
    signals.content_object_init.connect(complain)
'''


def test_pelican_warnings_become_errors_located_in_the_source_file(small_cluster: Repo) -> None:
    small_cluster.write("plugins/complain.py", WARNING_PLUGIN)
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[pelican]\nplugins = ["complain"]')
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert "content/arxan/zwdt/snow.md: pelican-warning: questionable markup in content/arxan/zwdt/snow.md" in result.output


def test_titles_are_escaped_wherever_they_are_printed(small_cluster: Repo) -> None:
    small_cluster.write("content/arxan/zwdt/quote.md", article('关于"一卡通"与R&D<试点>的说明', "2026-02-03", Slug="quote", Summary='摘要里的"引号"'))
    assert small_cluster.run("build").exit_code == 0
    page = small_cluster.html("arxan", "zwdt", "quote.html")
    tree = HTMLParser(page)
    assert tree.css_first('meta[name="ArticleTitle"]').attributes["content"] == '关于"一卡通"与R&D<试点>的说明'
    assert tree.css_first("h1").text() == '关于"一卡通"与R&D<试点>的说明'
    assert "R&amp;D&lt;试点&gt;" in page
    assert tree.css_first('meta[name="description"]').attributes["content"] == '摘要里的"引号"'


def test_a_site_removed_from_the_cluster_leaves_the_output_with_the_next_full_build(small_cluster: Repo) -> None:
    assert small_cluster.run("build").exit_code == 0
    (small_cluster.out() / "notes").mkdir()  # no site of zhanqun's: left alone
    (small_cluster.root / "sites" / "tjj.toml").unlink()
    shutil.rmtree(small_cluster.root / "content" / "tjj")
    assert small_cluster.run("build", "--site", "arxan").exit_code == 0
    assert small_cluster.out("tjj").is_dir()  # a build of named sites keeps the others
    result = small_cluster.run("build")
    assert result.exit_code == 0, result.stderr
    assert not small_cluster.out("tjj").exists()
    assert sorted(p.name for p in small_cluster.out().iterdir() if not p.name.startswith(".")) == ["arxan", "index.html", "notes", "portal", "ulanhot"]


def test_a_cache_whose_entries_were_emptied_is_named_when_pelican_cannot_process_its_items(small_cluster: Repo) -> None:
    """Entries of the right form are used as they are (README: Security model); when the items
    they make cannot be processed, the build says the cache may be the cause and how to clear it."""
    assert small_cluster.run("build").exit_code == 0
    path = small_cluster.root / ".zhanqun-cache" / "rendered-preview.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"] = {key: ("" if isinstance(value, str) else ["" for _ in value]) for key, value in data["entries"].items()}
    path.write_text(json.dumps(data), encoding="utf-8")
    shutil.rmtree(small_cluster.out())
    result = small_cluster.run("build")
    assert result.exit_code == 1
    assert any(line.startswith(".zhanqun-cache: warning: cache-suspect: ") and "rm -rf .zhanqun-cache" in line for line in result.stderr.splitlines()), result.stderr
    assert small_cluster.run("build", "--no-cache").exit_code == 0
