"""What an office worker meets: the command line, `new`, and what the page shows of what they wrote."""

from __future__ import annotations

import json
import re

import pytest
from conftest import COLUMNS, Repo, article, problem_lines, site_toml
from selectolax.lexbor import LexborHTMLParser


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(COLUMNS["news"], COLUMNS["notice"], COLUMNS["docs"]))
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='short_name = "乌兰浩特市"\n')
    repo.write("content/portal/zwdt/ok.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming"))
    return repo


# --- the command line ---------------------------------------------------------------------------


def test_h_is_help_for_the_tool_and_every_command(cluster: Repo) -> None:
    for args in (["-h"], ["build", "-h"], ["new", "-h"], ["columns", "-h"]):
        result = cluster.run(*args)
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_version_names_zhanqun_pelican_and_python(cluster: Repo) -> None:
    result = cluster.run("--version")
    assert result.exit_code == 0
    assert re.fullmatch(r"zhanqun \S+ \(Pelican \S+, Python 3\.\d+\.\d+\)\n", result.output), result.output


def test_format_works_after_the_command_too(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/bad.md", "Title: 春耕\nDate: 2026年3月1日\n\n正文。\n")
    result = cluster.run("check", "--format", "json")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)
    assert problem["path"] == "content/portal/zwdt/bad.md" and problem["code"] == "bad-value"


def test_columns_lists_a_sites_columns_with_their_names_and_items(cluster: Repo) -> None:
    result = cluster.run("columns", "portal")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["zwdt", "tzgg", "zfwj"]
    assert lines[0].split() == ["zwdt", "news", "1", "items", "政务动态"]
    assert cluster.run("--lang", "zh", "columns", "portal").output.splitlines()[0].split() == ["zwdt", "news", "1", "篇", "政务动态"]
    rows = json.loads(cluster.run("--format", "json", "columns", "portal").output)
    assert rows[2] == {"id": "zfwj", "name": "政府文件", "type": "document", "items": 0}
    wrong = cluster.run("columns", "portl")
    assert wrong.exit_code == 2 and "did you mean 'portal'" in wrong.output


def test_sites_help_lists_the_fields_in_the_order_they_are_printed(cluster: Repo) -> None:
    assert "id, kind, pages, address, name" in cluster.run("sites", "-h").output
    first = cluster.run("sites").output.splitlines()[0].split()
    assert first[0] == "portal" and first[1] == "portal" and first[2].isdigit() and first[3].startswith("https://")


# --- new: the column by its Chinese name, short addresses, no placeholder published ---------------


def test_new_takes_the_columns_chinese_name(cluster: Repo) -> None:
    result = cluster.run("new", "ulanhot", "通知公告", "乌兰浩特市人民政府关于做好2026年春耕生产工作的通知", "--date", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "content/ulanhot/tzgg/2026-03-01-2026-chun-geng-sheng-chan-gong-zuo.md"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("乌兰浩特市人民政府关于做好2026年春耕生产工作的通知", "2026-chun-geng-sheng-chan-gong-zuo"),
        ("乌兰浩特市人民政府关于印发乌兰浩特市城镇供热管理办法的通知", "cheng-zhen-gong-re-guan-li-ban-fa"),
        ("乌兰浩特市召开2025年优化营商环境工作推进会", "2025-you-hua-ying-shang-huan-jing"),
        ("关于", "guan-yu"),
    ],
)
def test_new_makes_short_slugs_without_the_sites_name_or_boilerplate(cluster: Repo, title: str, slug: str) -> None:
    result = cluster.run("new", "ulanhot", "zwdt", title, "--date", "2026-03-01")
    assert result.exit_code == 0, result.output
    path = cluster.root / result.stdout.strip()
    assert f"\nSlug: {slug}\n" in path.read_text(encoding="utf-8")
    assert len(slug.split("-")) <= 8


def test_two_titles_of_one_site_no_longer_share_a_long_prefix(cluster: Repo) -> None:
    slugs = []
    for title in ("乌兰浩特市人民政府关于做好2026年春耕生产工作的通知", "乌兰浩特市人民政府关于加强城区供热保障的通知"):
        path = cluster.root / cluster.run("new", "ulanhot", "zwdt", title, "--date", "2026-03-01").stdout.strip()
        slugs.append(re.search(r"\nSlug: (\S+)\n", path.read_text(encoding="utf-8")).group(1))
    assert not any(s.startswith("wu-lan-hao-te") for s in slugs) and slugs[0].split("-")[0] != slugs[1].split("-")[0]


def test_the_placeholder_text_of_new_is_never_published(cluster: Repo) -> None:
    rel = cluster.run("new", "portal", "zwdt", "春耕动态", "--date", "2026-03-01").stdout.strip()
    assert cluster.run("check").exit_code == 0  # a draft may hold it
    path = cluster.root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft", "Status: published"), encoding="utf-8")
    result = cluster.run("build")
    assert result.exit_code == 1
    assert f"{rel}:6: placeholder-text: the text still reads '在此填写正文。'" in result.stderr
    assert not cluster.out().exists()


# --- the page shows what the author wrote --------------------------------------------------------


def test_author_and_tags_are_shown_on_the_items_page(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("春耕备耕工作推进会召开", "2026-03-03", Slug="a", Author="王晓梅", Tags="春耕, 农业生产"))
    assert cluster.run("build").exit_code == 0
    page = LexborHTMLParser(cluster.html("portal", "zwdt", "a.html"))
    assert page.css_first(".item-author").text() == "作者：王晓梅"
    assert [t.text() for t in page.css(".item-tags .item-tag")] == ["春耕", "农业生产"]
    plain = LexborHTMLParser(cluster.html("portal", "zwdt", "spring-farming.html"))
    assert plain.css_first(".item-author") is None and plain.css_first(".item-tags") is None


def test_every_page_has_a_favicon_and_a_visible_feed_link(cluster: Repo) -> None:
    assert cluster.run("build").exit_code == 0
    page = LexborHTMLParser(cluster.html("portal", "index.html"))
    icon = page.css_first('link[rel="icon"]')
    assert icon is not None and (cluster.out("portal") / icon.attributes["href"].removeprefix("/portal/")).is_file()
    feed = [a for a in page.css(".utility-links a") if a.text() == "订阅"]
    assert len(feed) == 1 and (cluster.out("portal") / feed[0].attributes["href"].removeprefix("/portal/")).is_file()


# --- documented keys have an effect ---------------------------------------------------------------


def test_per_page_of_a_column_sets_how_many_items_its_list_pages_hold(cluster: Repo) -> None:
    cluster.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/",
                                                 columns=(COLUMNS["news"], COLUMNS["notice"])).replace('id = "tzgg"', 'id = "tzgg"\nper_page = 3'))
    for n in range(7):
        cluster.write(f"content/portal/tzgg/n{n}.md", article(f"通知{n}", f"2026-03-0{n + 1}", Slug=f"n{n}"))
        cluster.write(f"content/portal/zwdt/d{n}.md", article(f"动态{n}", f"2026-03-0{n + 1}", Slug=f"d{n}"))
    assert cluster.run("build").exit_code == 0
    column = cluster.out("portal", "tzgg")
    counts = [len(LexborHTMLParser(p.read_text(encoding="utf-8")).css("main .item-list li")) for p in (column / "index.html", column / "page" / "2" / "index.html", column / "page" / "3" / "index.html")]
    assert counts == [3, 3, 1]
    assert not (cluster.out("portal", "zwdt", "page")).exists()  # the other column keeps the site's 20
    assert problem_lines(cluster.run("check")) == []


# --- the home page ------------------------------------------------------------------------------


def test_the_home_page_shows_each_headline_once_and_no_old_picture_beside_a_new_headline(cluster: Repo) -> None:
    from conftest import PICTURE_SVG

    cluster.write("sites/ulanhot.toml", site_toml("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/",
                                                  extra='[theme]\nhome_columns = ["zwdt", "tzgg"]\n'))
    cluster.write("content/ulanhot/files/melons.svg", PICTURE_SVG)
    cluster.write("content/ulanhot/zwdt/old.md", article("温室甜瓜丰收", "2025-06-16", "![甜瓜]({static}/files/melons.svg)\n\n正文。", Slug="old"))
    cluster.write("content/ulanhot/zwdt/new.md", article("部署冬季清雪工作", "2026-11-01", Slug="new"))
    cluster.write("content/ulanhot/tzgg/n.md", article("停水通知", "2026-10-01", Slug="n"))
    assert cluster.run("build").exit_code == 0
    page = LexborHTMLParser(cluster.html("ulanhot", "index.html"))
    assert page.css_first(".headline-figure") is None  # 2025's picture is not shown beside 2026's headline
    headline = {a.text() for a in page.css(".headline .headline-list a")}
    blocks = {a.text() for a in page.css(".home-block li a")}
    assert "部署冬季清雪工作" in headline and "停水通知" in blocks and not headline & blocks
    cluster.write("content/ulanhot/zwdt/newer.md", article("城区道路积雪清运", "2026-11-20", "![清雪]({static}/files/melons.svg)\n\n正文。", Slug="newer"))
    assert cluster.run("build").exit_code == 0
    figure = LexborHTMLParser(cluster.html("ulanhot", "index.html")).css_first(".headline-figure figcaption")
    assert figure is not None and figure.text() == "城区道路积雪清运"


def test_printing_a_value_that_does_not_exist_is_a_located_template_error(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}\n<p>{{ ZQ_SITE.nmae }}</p>\n{% endblock %}\n')
    result = cluster.run("build")
    assert result.exit_code == 1
    assert "themes/ulanhot/templates/base.html:3: template-error:" in result.stderr and "nmae" in result.stderr
    assert not cluster.out().exists()


def test_testing_a_value_that_does_not_exist_is_fine(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}\n{% if SITE_MOTTO %}<p>{{ SITE_MOTTO }}</p>{% endif %}{{ SITE_MOTTO | default("") }}{% if ZQ_SITE.footer.address %}{{ ZQ_SITE.footer.address }}{% endif %}\n{% endblock %}\n')
    assert cluster.run("build").exit_code == 0


# --- the manual is in the repository -------------------------------------------------------------


def test_the_reference_pages_are_what_the_schemas_say() -> None:
    """docs/site-files.md and docs/content-keys.md are generated: a schema change must regenerate them."""
    from pathlib import Path

    from zhanqun.commands.reference import pages

    root = Path(__file__).resolve().parent.parent
    for rel, text in pages().items():
        assert (root / rel).read_text(encoding="utf-8") == text, f"{rel} is out of date: run python -m zhanqun.commands.reference"


def test_every_site_file_key_and_content_key_is_documented() -> None:
    from zhanqun.commands.reference import content_key_reference, site_file_reference
    from zhanqun.config.sites import COLUMN_KEYS, SECTIONS, TOP_LEVEL
    from zhanqun.content.metadata import KNOWN_KEYS

    site_page, content_page = site_file_reference(), content_key_reference()
    for key in (*TOP_LEVEL, *COLUMN_KEYS, *(k for keys in SECTIONS.values() for k in keys)):
        assert key.name in SECTIONS or (key.doc and f"| `{key.name}` |" in site_page), key.name
    for name, spec in KNOWN_KEYS.items():
        assert spec.doc and f"| `{name}` |" in content_page


def test_the_manual_points_nowhere_outside_the_repository() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    documents = [root / "README.md", root / "THEMING.md", *sorted((root / "docs").glob("*.md"))]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        assert "../shared" not in text and "SPEC" not in text, document.name
        prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text, flags=re.S))  # examples are not links
        for target in re.findall(r"\]\(([^)#\s]+)", prose):
            if not target.startswith(("http://", "https://")):
                assert (document.parent / target).exists(), f"{document.name} links {target}, which is not in the repository"


def test_a_misspelt_site_value_in_a_template_is_found_by_check(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}\n<p>{{ ZQ_SITE.nmae }}{{ ZQ_SITE["sitecod"] }}</p>\n{% endblock %}\n')
    result = cluster.run("check")
    assert result.exit_code == 1
    assert [line.split(" it holds")[0] for line in problem_lines(result)] == [
        "themes/ulanhot/templates/base.html:3: template-error: ZQ_SITE has no 'nmae' (did you mean 'name'?);",
        "themes/ulanhot/templates/base.html:3: template-error: ZQ_SITE has no 'sitecod' (did you mean 'sitecode'?);",
    ]


def test_the_site_values_check_knows_every_key_templates_receive(cluster: Repo) -> None:
    from zhanqun.config.sites import load_cluster
    from zhanqun.config.themes import ZQ_SITE_KEYS
    from zhanqun.content.index import ContentIndex
    from zhanqun.errors import Problems
    from zhanqun.links.addresses import TARGETS, AddressMap
    from zhanqun.render.pelican_settings import site_context

    problems = Problems()
    sites = load_cluster(cluster.root, problems)
    addresses = AddressMap(sites, ContentIndex(), TARGETS["preview"])
    assert set(site_context(sites["ulanhot"], addresses, lambda s, c: "")) == set(ZQ_SITE_KEYS)


# --- found by trying it as an office worker ------------------------------------------------------


def test_sites_are_named_by_id_or_chinese_name_and_listed_with_their_names(cluster: Repo) -> None:
    assert cluster.run("columns", "乌兰浩特市").output.split()[0] == "zwdt"
    made = cluster.run("new", "乌兰浩特市人民政府", "政务动态", "城区道路清雪", "--date", "2026-03-01")
    assert made.exit_code == 0 and made.stdout.startswith("content/ulanhot/zwdt/")
    wrong = cluster.run("new", "乌兰浩特", "zwdt", "标题")
    assert wrong.exit_code == 2 and "portal 兴安盟行政公署, ulanhot 乌兰浩特市" in wrong.output


def test_a_day_written_the_chinese_way_on_the_command_line_gets_the_iso_form(cluster: Repo) -> None:
    result = cluster.run("new", "portal", "zwdt", "标题", "--date", "2026年12月1日")
    assert result.exit_code == 2 and "write '2026-12-01'" in result.output
    assert "write '2026-03-01'" in cluster.run("check", "--today", "2026/3/1").output


def test_v_and_format_follow_the_command_too(cluster: Repo) -> None:
    assert "timings:" in cluster.run("build", "-v").stderr
    rows = json.loads(cluster.run("sites", "--format", "json").stdout)
    assert [row["id"] for row in rows] == ["portal", "ulanhot"]


def test_v_prints_no_empty_timings_line_when_the_command_stops_before_any_stage(repo: Repo) -> None:
    for command in ("build", "check"):
        result = repo.run(command, "-v")  # no site file: the first stage stops
        assert result.exit_code == 1 and "no-sites" in result.stderr
        assert "timings:" not in result.stderr


def test_a_folder_named_like_a_column_in_chinese_is_one_error_with_one_fix(cluster: Repo) -> None:
    result = lint_one(cluster, "content/portal/政务动态/a.md", article("春耕", Slug="a"))
    assert [line.split(": ")[1] for line in problem_lines(result)] == ["unknown-column"]
    assert "move the file to content/portal/zwdt/" in result.stderr


def test_a_year_in_square_brackets_in_a_document_number_gets_the_hexagonal_ones(cluster: Repo) -> None:
    result = lint_one(cluster, "content/portal/zfwj/d.md", article(
        "供热管理办法", Slug="d", Index_No="11152200MB0000000X/2026-00001", Issuer="兴安盟行政公署", Doc_No="兴署发[2026]3号",
        Written="2026-03-01", Topic="综合政务", Validity="有效"))
    assert "Doc-No: write the year in 六角括号 〔〕: '兴署发〔2026〕3号' instead of '兴署发[2026]3号'" in result.stderr


def test_a_column_named_in_chinese_in_home_columns_gets_its_id(cluster: Repo) -> None:
    cluster.write("sites/ulanhot.toml", site_toml("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='[theme]\nhome_columns = ["通知公告"]\n'))
    result = cluster.run("check")
    assert "theme.home_columns: no column '通知公告' (its id is 'tzgg': home_columns lists column ids)" in result.stderr


def test_a_column_key_with_a_wrong_value_is_one_error(cluster: Repo) -> None:
    cluster.write("sites/ulanhot.toml", site_toml("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='[theme]\nhome_columns = ["zwdt"]\n')
                  .replace('id = "zwdt"', 'id = "zwdt"\nper_page = 2.5'))
    result = cluster.run("check")
    assert [line.split(": ", 2)[2] for line in problem_lines(result)] == ["columns[0].per_page: must be a whole number"]


def test_the_reference_writer_refuses_what_is_not_a_repository(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zhanqun.commands.reference import main

    monkeypatch.chdir(tmp_path)
    assert main(["--help"]) == 2 and not (tmp_path / "--help").exists()
    assert main([]) == 2 and list(tmp_path.iterdir()) == []


def lint_one(repo: Repo, rel: str, text: str):  # type: ignore[no-untyped-def]
    repo.write(rel, text)
    result = repo.run("check")
    assert result.exit_code == 1
    return result


@pytest.mark.parametrize("column, columns", [("ldzc", (("ldzc", "领导之窗", "leader"),)), ("mzxx", (("mzxx", "盟长信箱", "letter"),))])
def test_no_placeholder_new_writes_is_ever_published(repo: Repo, column: str, columns: tuple) -> None:  # type: ignore[type-arg]
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), *columns),
              extra='[mailbox]\naddress = "兴安盟行政公署信访科"\nphone = "0482-8226000"\n')
    rel = repo.run("new", "portal", column, "测试稿件", "--date", "2026-03-01").stdout.strip()
    path = repo.root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft", "Status: published"), encoding="utf-8")
    result = repo.run("build", "--today", "2026-03-02")
    assert result.exit_code == 1 and "placeholder-text" in result.stderr


@pytest.mark.parametrize("body", ["在此填写正文 。", "**在此**填写正文。", "正文开头。\n\n在此填写正文。"])
def test_a_dressed_placeholder_is_still_found(cluster: Repo, body: str) -> None:
    cluster.write("content/portal/zwdt/p.md", article("春耕", Slug="p", body=body))
    assert "placeholder-text" in cluster.run("check").stderr


def test_per_page_has_a_sane_bound(cluster: Repo) -> None:
    cluster.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/").replace('id = "zwdt"', 'id = "zwdt"\nper_page = 100000000000000000000'))
    assert "per_page: 100000000000000000000 is more items than a page can show; at most 1000" in cluster.run("check").stderr
