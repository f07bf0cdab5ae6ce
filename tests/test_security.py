"""Safe by construction: the hostile probe's reproductions, one section per class of hole.

Each class has its reproduction from the probe and variants of it; the properties in
test_security_properties.py try the classes again with random input.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, Repo, article, problem_lines, tree_digest

TARGETS = ("preview", "production", "intranet")


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='[publishing]\niframe_hosts = ["player.xam.gov.cn"]')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", Slug="spring"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", Slug="river"))
    return repo


def output_text(repo: Repo, target: str = "preview") -> str:
    """Every output file's bytes, decoded leniently, with its path: "does X appear anywhere"."""
    parts = []
    for path in sorted(repo.out(target=target).rglob("*")):
        if path.is_file():
            parts += [path.relative_to(repo.out(target=target)).as_posix(), path.read_bytes().decode("utf-8", errors="replace")]
    return "\n".join(parts)


# --- 1. a header that lies --------------------------------------------------------------------


def test_visibility_after_a_blank_line_in_the_header_is_an_error_not_a_published_item(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 内部测试\nDate: 2026-11-25 09:00\nSlug: t\n\nVisibility: internal\n\n正文\n")
    for command in (["check"], ["build"]):
        result = cluster.run(*command)
        assert result.exit_code == 1
        assert problem_lines(result, "header-in-text") == [
            "content/portal/zwdt/t.md:5: header-in-text: 'Visibility: internal' reads as a header line, but the header ends at the empty line 4, "
            "so it would be published as text and not set Visibility; move it up into the header (no empty line inside the header), or show it in a code block"
        ]
    assert not cluster.out("portal").exists()


def test_indented_header_line_is_an_error_not_glued_onto_the_title(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 内部测试\nDate: 2026-11-25 09:00\nSlug: t\n Visibility: internal\n\n正文\n")
    result = cluster.run("check")
    assert result.exit_code == 1
    [line] = problem_lines(result)
    assert line.startswith("content/portal/zwdt/t.md:4: bad-header-line: indented header line 'Visibility: internal'")


@pytest.mark.parametrize(
    "written",
    [
        "Status: draft",
        "status: DRAFT",
        "Ｓｔａｔｕｓ：draft",  # full-width letters and colon
        "  Visibility : internal",  # indented, space before the colon
        "\u200bVisibility: internal",  # an invisible character in front
        "Visibility：internal",
        "可见性：内部",
        "状态: 草稿",
    ],
)
def test_any_line_of_the_text_that_reads_as_a_header_line_is_an_error(cluster: Repo, written: str) -> None:
    cluster.write("content/portal/zwdt/t.md", f"Title: 测试\nDate: 2026-11-25\n\n第一段。\n\n{written}\n")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert [line.split(": ")[0:2] for line in problem_lines(result)] == [["content/portal/zwdt/t.md:6", "header-in-text"]]


def test_header_lines_shown_in_a_code_block_are_examples_not_errors(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 如何写稿件头\nDate: 2026-11-25\n\n示例：\n\n```\nStatus: draft\nVisibility: internal\n```\n")
    assert cluster.run("check").exit_code == 0


def test_chinese_key_words_in_running_text_are_not_header_lines(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\n\n正文。\n\n来源：兴安日报\n\n作者：王某某\n")
    assert cluster.run("check").exit_code == 0


# --- 2. attachments withheld by one identity ---------------------------------------------------


def test_internal_attachment_linked_with_a_double_slash_is_withheld(cluster: Repo) -> None:
    cluster.write("content/portal/files/secret-budget.pdf", b"%PDF secret")
    cluster.write("content/portal/zwdt/budget.md", article("内部预算调整方案", Slug="budget", Visibility="internal", body="附件：[预算]({static}/files//secret-budget.pdf)"))
    for target in TARGETS:
        assert cluster.run("build", "--target", target).exit_code == 0
    assert not cluster.out("portal", "files", "secret-budget.pdf").exists()
    assert not cluster.out("portal", "files", "secret-budget.pdf", target="production").exists()
    assert cluster.out("portal", "files", "secret-budget.pdf", target="intranet").is_file()


def test_attachment_of_another_site_linked_only_by_an_internal_item_is_withheld_there(cluster: Repo) -> None:
    cluster.write("content/ulanhot/files/plan.pdf", b"%PDF plan")
    cluster.write("content/portal/zwdt/plan.md", article("内部工作计划草案", Slug="plan", Visibility="internal", body="见[计划](site:ulanhot/files/plan.pdf)"))
    assert cluster.run("build").exit_code == 0
    assert not cluster.out("ulanhot", "files", "plan.pdf").exists()
    assert cluster.run("build", "--target", "intranet").exit_code == 0
    assert cluster.out("ulanhot", "files", "plan.pdf", target="intranet").is_file()


def test_attachment_linked_by_a_public_item_of_another_site_is_published_there(cluster: Repo) -> None:
    cluster.write("content/ulanhot/files/map.png", b"\x89PNG map")
    cluster.write("content/portal/zwdt/map.md", article("洮儿河示意图", Slug="map", body="![洮儿河示意图](site:ulanhot/files/map.png)"))
    assert cluster.run("build").exit_code == 0
    assert cluster.out("ulanhot", "files", "map.png").read_bytes() == b"\x89PNG map"


def test_symlink_in_files_to_an_items_markdown_is_an_error_and_publishes_nothing(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/secret.md", article("内部通知全文", Slug="secret", Visibility="internal", body="内部核对口令甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"))
    (cluster.root / "content/portal/files").mkdir(parents=True)
    os.symlink("../zwdt/secret.md", cluster.root / "content/portal/files/notice.doc")
    cluster.write("content/portal/zwdt/notice.md", article("通知", Slug="notice", body="[下载]({static}/files/notice.doc)"))
    result = cluster.run("build")
    assert result.exit_code == 1
    assert "content/portal/files/notice.doc: link-outside: leads to content/portal/zwdt/secret.md, which is not an attachment" in result.stderr
    assert not cluster.out("portal").exists()


def test_symlink_in_files_to_another_attachment_is_that_file(cluster: Repo) -> None:
    cluster.write("content/ulanhot/files/map.png", b"\x89PNG map")
    (cluster.root / "content/portal/files").mkdir(parents=True)
    os.symlink("../../ulanhot/files/map.png", cluster.root / "content/portal/files/river-map.png")
    cluster.write("content/portal/zwdt/map.md", article("示意图", Slug="map", body="![示意图]({static}/files/river-map.png)"))
    assert cluster.run("build").exit_code == 0
    assert cluster.out("portal", "files", "river-map.png").read_bytes() == b"\x89PNG map"


def test_site_content_folder_that_is_a_symlink_out_of_the_repository_is_an_error(cluster: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "zwdt").mkdir(parents=True)
    (outside / "zwdt" / "x.md").write_text(article("外部文件", Slug="x"), encoding="utf-8")
    import shutil

    shutil.rmtree(cluster.root / "content/ulanhot")
    os.symlink(outside, cluster.root / "content/ulanhot")
    for command in (["check"], ["build"]):
        result = cluster.run(*command)
        assert result.exit_code == 1
        assert f"content/ulanhot: link-outside: content/ulanhot is a symbolic link to {outside}" in result.stderr
    assert not cluster.out("ulanhot").exists()


@pytest.mark.parametrize(
    "written",
    ["../files/map.png", "/files/map.png", "/portal/files/map.png", "https://www.xam.gov.cn/files/map.png", "../files//./map.png", "../files/%6Dap.png"],
)
def test_an_attachment_linked_by_any_address_is_that_file_for_every_target(cluster: Repo, written: str) -> None:
    cluster.write("content/portal/files/map.png", b"\x89PNG")
    cluster.write("content/portal/zwdt/map.md", article("示意图", "2026-12-01", Slug="map", body=f"![示意图]({written})"))
    for target, expected in (("preview", '/portal/files/map.png'), ("production", "https://www.xam.gov.cn/files/map.png")):
        assert cluster.run("build", "--target", target).exit_code == 0
        assert cluster.out("portal", "files", "map.png", target=target).is_file()
        assert f'src="{expected}"' in cluster.html("portal", "index.html", target=target)  # the home page shows it too


def test_an_internal_attachment_linked_by_its_production_address_is_withheld(cluster: Repo) -> None:
    cluster.write("content/portal/files/secret-budget.pdf", b"%PDF secret")
    cluster.write("content/portal/zwdt/budget.md", article("内部预算调整方案", Slug="budget", Visibility="internal", body="[预算](https://www.xam.gov.cn/files/secret-budget.pdf)"))
    assert cluster.run("build").exit_code == 0
    assert not cluster.out("portal", "files", "secret-budget.pdf").exists()


# --- 3. HTML that runs (the browser suite is test_xss.py) ---------------------------------------


@pytest.mark.parametrize(
    "body, code",
    [
        ("[x](&#106;avascript:alert(1))", "html-javascript-url"),
        ("[x](javascript&colon;alert(1))", "html-javascript-url"),
        ('[a](https://www.xam.gov.cn/){: onclick="alert(1)" }', "html-event-handler"),
        ("一段文字。\n{: onmouseover=alert(1) }", "html-event-handler"),
        ('```{ .py onmouseover="alert(1)" }\nprint(1)\n```', "html-event-handler"),
        ("<!--><img src=x onerror=alert(1) alt=x>-->", "unsafe-html"),
        ("<![CDATA[><img src=x onerror=alert(1) alt=x>]]>", "unsafe-html"),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1) alt=x>"></noscript>', "unsafe-html"),
        ('<textarea><img title="</textarea><img src=x onerror=alert(1) alt=x>"></textarea>', "unsafe-html"),
        ('<xmp><img title="</xmp><img src=x onerror=alert(1) alt=x>"></xmp>', "unsafe-html"),
    ],
)
def test_the_probes_script_bypasses_are_located_errors(cluster: Repo, body: str, code: str) -> None:
    cluster.write("content/portal/zwdt/x.md", article("测试", Slug="x", body=body))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert any(f": {code}: " in line and line.startswith("content/portal/zwdt/x.md:") for line in problem_lines(result)), result.stderr


def test_unsupported_tags_are_dropped_with_one_warning(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", article("测试", Slug="x", body="<font color=red>红字</font><o:p></o:p>正文。"))
    result = cluster.run("build")
    assert result.exit_code == 0
    assert problem_lines(result, "html-removed") == ["content/portal/zwdt/x.md:5: warning: html-removed: not kept on the page (only plain document HTML is): <font>, <o:p>"]
    page = cluster.html("portal", "zwdt", "x.html")
    assert "红字" in page and "<font" not in page


def test_the_feed_carries_the_sanitised_html_too(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import zhanqun.content.index

    monkeypatch.setattr(zhanqun.content.index, "check_rendered_html", lambda *args, **kwargs: None)  # as if a check missed it
    cluster.write("content/portal/zwdt/x.md", article("测试", Slug="x", body='一段文字。\n{: onmouseover="alert(1)" }\n\n<details open ontoggle=alert(2)>x</details>'))
    monkeypatch.setattr(zhanqun.content.index, "check_item_html", lambda *args, **kwargs: None)
    assert cluster.run("build").exit_code == 0
    for path in (("zwdt", "x.html"), ("feeds", "all.atom.xml")):
        text = cluster.html("portal", *path)
        assert "一段文字" in text and "onmouseover" not in text and "ontoggle" not in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example/", "bsfw/", "vbscript:x"])
def test_link_column_url_takes_web_site_and_path_addresses_only(cluster: Repo, url: str) -> None:
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/",
                 columns=(("zwdt", "政务动态", "news"), ("bsfw", "办事服务", "link")), extra="")
    text = (cluster.root / "sites/portal.toml").read_text(encoding="utf-8").replace('type = "link"', f'type = "link"\nurl = "{url}"')
    cluster.write("sites/portal.toml", text)
    result = cluster.run("check")
    assert result.exit_code == 1
    assert "sites/portal.toml:" in result.stderr and "columns[1].url:" in result.stderr and "a link column leads to an http(s) address" in result.stderr


@pytest.mark.parametrize("url, expected", [("site:ulanhot", "/ulanhot/"), ("site:ulanhot/zwdt/", "/ulanhot/zwdt/"), ("/zwdt/", "/portal/zwdt/"), ("https://zwfw.nmg.gov.cn/", "https://zwfw.nmg.gov.cn/")])
def test_link_column_url_is_resolved_for_the_target(cluster: Repo, url: str, expected: str) -> None:
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("bsfw", "办事服务", "link")))
    text = (cluster.root / "sites/portal.toml").read_text(encoding="utf-8").replace('type = "link"', f'type = "link"\nurl = "{url}"')
    cluster.write("sites/portal.toml", text)
    result = cluster.run("build")
    assert result.exit_code == 0, result.stderr
    assert f'href="{expected}"' in cluster.html("portal", "index.html")


# --- 4. active attachments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, why",
    [
        ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>', "<svg onload=…> runs a script"),
        ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script> can run code"),
        ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>', "<foreignObject> can run code"),
        ("map.svg", b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "declares its own document type"),
        ("notice.html", b"<p>notice</p>", "a web page under files/"),
        ("notice.HTM", b"<p>notice</p>", "a web page under files/"),
        ("data.xml", b"<x/>", "an XML document"),
        ("tool.js", b"alert(1)", "a script under files/"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "holds web page markup"),
    ],
)
def test_attachment_that_would_run_in_the_sites_origin_is_refused(cluster: Repo, name: str, data: bytes, why: str) -> None:
    cluster.write(f"content/portal/files/{name}", data)
    cluster.write("content/portal/zwdt/x.md", article("附件", Slug="x", body=f"[下载]({{static}}/files/{name})"))
    for command in (["check"], ["build"]):
        result = cluster.run(*command)
        assert result.exit_code == 1
        [line] = problem_lines(result, "active-content")
        assert line.startswith(f"content/portal/zwdt/x.md:5: active-content: {{static}}/files/{name}: content/portal/files/{name} is not published: ") and why in line
    assert not cluster.out("portal").exists()


def test_a_refused_attachment_that_nothing_links_is_a_warning_only(cluster: Repo) -> None:
    cluster.write("content/ulanhot/files/export.xls", b"<html><table><tr><td>1</td></tr></table></html>")
    result = cluster.run("build", "--site", "portal")
    assert result.exit_code == 0, result.stderr
    [line] = problem_lines(result, "unused-file")
    assert line.startswith("content/ulanhot/files/export.xls: warning: unused-file: not published: this .xls file holds web page markup")
    assert "save it again as a real document (.xlsx, .docx, .pdf)" in line


@pytest.mark.parametrize("name", ["n.xhtm", "n.xpdl", "a.php.pdf", "b.phar", "c.php7", "d.ashx", "e.cfm", "noext"])
def test_an_attachment_of_a_type_not_on_the_list_is_refused_where_it_is_linked(cluster: Repo, name: str) -> None:
    cluster.write(f"content/portal/files/{name}", b"%PDF-1.4 x" if name.endswith(".pdf") else b"x")
    cluster.write("content/portal/zwdt/x.md", article("附件", Slug="x", body=f"[下载]({{static}}/files/{name})"))
    result = cluster.run("check")
    assert result.exit_code == 1
    [line] = problem_lines(result, "active-content")
    assert line.startswith(f"content/portal/zwdt/x.md:5: active-content: {{static}}/files/{name}: content/portal/files/{name} is not published: ")


def test_a_prefixed_html_root_is_markup_whatever_the_name(cluster: Repo) -> None:
    cluster.write("content/portal/files/n.pdf", b'<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></h:html>')
    cluster.write("content/portal/zwdt/x.md", article("附件", Slug="x", body="[下载]({static}/files/n.pdf)"))
    assert "holds web page markup" in cluster.run("check").stderr


def test_a_site_may_publish_more_attachment_types_but_never_active_ones(cluster: Repo) -> None:
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='[publishing]\nattachment_types = [".exe", ".html"]')
    result = cluster.run("check")
    assert "publishing.attachment_types[1]: '.html' is a web page, which would run in the site's address; it is never published" in result.stderr
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='[publishing]\nattachment_types = [".exe"]')
    cluster.write("content/portal/files/ca-driver.exe", b"MZ")
    cluster.write("content/portal/zwdt/x.md", article("驱动下载", Slug="x", body="[驱动]({static}/files/ca-driver.exe)"))
    assert cluster.run("build").exit_code == 0
    assert cluster.out("portal", "files", "ca-driver.exe").is_file()


def test_a_drawing_svg_and_ordinary_documents_are_published(cluster: Repo) -> None:
    from conftest import PICTURE_SVG

    cluster.write("content/portal/files/map.svg", PICTURE_SVG)
    cluster.write("content/portal/files/notice.txt", "<p>纯文本里的尖括号</p>")
    cluster.write("content/portal/files/plan.pdf", b"%PDF-1.7 plan")
    cluster.write("content/portal/zwdt/x.md", article("附件", Slug="x", body="![示意图]({static}/files/map.svg)\n\n[文本]({static}/files/notice.txt) [计划]({static}/files/plan.pdf)"))
    assert cluster.run("build").exit_code == 0
    assert sorted(p.name for p in cluster.out("portal", "files").iterdir()) == ["map.svg", "notice.txt", "plan.pdf"]


# --- 5. writing outside the output ----------------------------------------------------------


@pytest.mark.parametrize(
    "alias",
    [
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/x.html",
        "/%2E%2E/%2e./.%2e/x.html",
        "/old/..%2f..%2f..%2fx.html",
        "/old/%2e%2e/%2e%2e/%2e%2e/x.html",
        "/a/%5c..%5c..%5c/x.html",
    ],
)
def test_alias_that_decodes_to_a_way_out_is_an_error_and_writes_nothing(cluster: Repo, alias: str) -> None:
    before = tree_digest(cluster.root)
    cluster.write("content/portal/zwdt/a.md", article("别名测试", Slug="alias-t", Aliases=alias))
    for command in (["check"], ["build"]):
        result = cluster.run(*command)
        assert result.exit_code == 1
        assert any(": bad-value: Aliases: " in line or ": bad-alias: " in line for line in problem_lines(result)), result.stderr
    after = tree_digest(cluster.root)
    # the render cache (.zhanqun-cache/, content-addressed Markdown) is the only other file written
    assert {k for k in after if k not in before and not k.startswith(".zhanqun-cache/")} == {"content/portal/zwdt/a.md"}
    assert not (cluster.root / "x.html").exists() and not (cluster.root.parent / "x.html").exists()


def test_a_redirect_never_writes_through_a_path_that_leaves_its_site(tmp_path: Path) -> None:
    """The last lock: even a redirect planned wrongly is confined when it is written."""
    from datetime import datetime

    from zhanqun.content.index import Item
    from zhanqun.errors import Problems
    from zhanqun.links.redirects import Redirect, write_redirects

    site = tmp_path / "out" / "portal"
    site.mkdir(parents=True)
    item = Item("portal", "zwdt", "zwdt/a.md", "content/portal/zwdt/a.md", {}, {"Aliases": 3}, "", 5, "标题", datetime(2026, 3, 1), "a")
    problems = Problems()
    write_redirects([Redirect("portal", "../../../escape.html", "/x", item, "/portal/zwdt/a.html")], site, "兴安盟", problems)
    assert [p.code for p in problems] == ["bad-alias"]
    assert not any(tmp_path.rglob("escape.html"))


@pytest.mark.parametrize("out", ["..", ".", ".git", "content/x", "zhanqun", "tests/out"])
def test_out_that_is_above_inside_or_protected_in_the_repository_is_refused(cluster: Repo, out: str) -> None:
    (cluster.root / ".git").mkdir(exist_ok=True)
    (cluster.root / "zhanqun").mkdir(exist_ok=True)
    (cluster.root / "tests").mkdir(exist_ok=True)
    before = tree_digest(cluster.root)
    result = cluster.run("build", "--out", str(cluster.root / out))
    assert result.exit_code == 2
    assert "--out" in result.stderr
    assert tree_digest(cluster.root) == before


def test_out_dot_dot_from_a_checkout_named_like_a_site_leaves_the_checkout_alone(tmp_path: Path) -> None:
    from conftest import new_repo

    repo = new_repo(tmp_path / "portal")  # the checkout's folder is named like a site
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("测试", Slug="a"))
    before = tree_digest(repo.root)
    result = repo.run("build", "--site", "portal", "--out", str(repo.root / ".."))
    assert result.exit_code == 2 and "contains the repository" in result.stderr
    assert tree_digest(repo.root) == before


def test_out_that_is_a_folder_zhanqun_did_not_make_is_refused_and_kept(cluster: Repo, tmp_path: Path) -> None:
    mine = tmp_path / "documents"
    (mine / "portal").mkdir(parents=True)
    (mine / "portal" / "thesis.docx").write_bytes(b"mine")
    result = cluster.run("build", "--out", str(mine))
    assert result.exit_code == 2 and "not made by zhanqun" in result.stderr
    assert (mine / "portal" / "thesis.docx").read_bytes() == b"mine"


def test_output_folder_reached_through_a_symlink_is_refused_and_its_target_kept(cluster: Repo, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    (victim / "portal").mkdir(parents=True)
    (victim / "portal" / "keep.txt").write_text("x", encoding="utf-8")
    (cluster.root / "output").mkdir()
    os.symlink(victim, cluster.root / "output" / "preview")
    result = cluster.run("build", "--site", "portal")
    assert result.exit_code == 2 and "symbolic link output/preview" in result.stderr
    assert (victim / "portal" / "keep.txt").read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in victim.iterdir()) == ["portal"]


def test_output_folder_that_is_a_link_to_the_repository_is_refused(cluster: Repo) -> None:
    os.symlink(".", cluster.root / "output")
    before = tree_digest(cluster.root)
    result = cluster.run("build")
    assert result.exit_code == 2 and "symbolic link output" in result.stderr
    assert tree_digest(cluster.root) == before


def test_an_intranet_build_never_replaces_a_production_folder(cluster: Repo) -> None:
    assert cluster.run("build", "--target", "production").exit_code == 0
    result = cluster.run("build", "--target", "intranet", "--out", str(cluster.out(target="production")))
    assert result.exit_code == 2 and "it holds the production build" in result.stderr


def test_output_of_an_older_version_without_a_marker_is_adopted(cluster: Repo) -> None:
    assert cluster.run("build").exit_code == 0
    (cluster.out() / ".zhanqun-output").unlink()
    assert cluster.run("build").exit_code == 0
    assert (cluster.out() / ".zhanqun-output").read_text(encoding="utf-8").endswith("target: preview\n")


def test_out_made_by_an_earlier_build_is_replaced(cluster: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site-out"
    assert cluster.run("build", "--out", str(out)).exit_code == 0
    assert (out / ".zhanqun-output").is_file()
    assert cluster.run("build", "--out", str(out)).exit_code == 0


def test_pelican_writer_is_confined_to_the_sites_output(tmp_path: Path) -> None:
    from zhanqun.paths import UnsafePath
    from zhanqun.render.pelican_plugin import ConfinedWriter

    output = tmp_path / "out"
    output.mkdir()
    os.symlink(tmp_path, output / "link")
    writer = ConfinedWriter(str(output), settings={"RELATIVE_URLS": False, "SITEURL": ""})
    with pytest.raises(UnsafePath):
        writer._open_w(str(output / ".." / "escape.html"), "utf-8")
    with pytest.raises(UnsafePath):
        writer._open_w(str(output / "link" / "escape.html"), "utf-8")
    assert not (tmp_path / "escape.html").exists()


def test_only_paths_py_creates_replaces_or_removes_files_in_the_engine() -> None:
    """One function decides every path that is written: the engine's source keeps it that way."""
    import ast

    writers = {"write_text", "write_bytes", "mkdir", "makedirs", "symlink_to", "replace", "rename", "unlink", "rmtree", "remove", "copy", "copy2", "copyfile", "copytree", "move", "symlink", "link"}
    found = []
    engine = sorted((REPO / "zhanqun").rglob("*.py"))
    assert len(engine) > 40  # every package of the engine is read, not only its top folder
    for path in engine:
        if path.relative_to(REPO / "zhanqun").as_posix() == "paths.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in writers:
                owner = node.func.value
                name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if name in ("os", "shutil", "Path") or node.func.attr in ("write_text", "write_bytes", "mkdir", "symlink_to", "unlink", "rmtree"):
                    found.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}: {ast.unparse(node.func)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open" and "devnull" not in ast.unparse(node.args[0]):
                modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)] + [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
                if any(set(str(m)) & set("wax+") for m in modes):
                    found.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}: open(..., {modes[0]!r})")
    assert found == []


# --- 6. the leak gate reads what a reader reads (more in test_leak_gate.py) ----------------------


def test_leak_scan_reads_every_output_file_whatever_its_suffix(tmp_path: Path) -> None:
    from zhanqun.content.attachments import FileId
    from zhanqun.errors import Problems
    from zhanqun.publish.leak_gate import LeakScanner, Trace, check_output_leaks
    from zhanqun.render.attachment_use import AttachmentUse

    site = tmp_path / "portal"
    (site / "files").mkdir(parents=True)
    (site / "theme").mkdir()
    (site / "files" / "notice.doc").write_text("内部预算调整方案", encoding="utf-8")
    (site / "theme" / "x.bin").write_bytes(b"\x00\x01" + "内部预算调整方案".encode("gb18030"))
    (site / "page.weird").write_text("<b>内部</b>预算&#35843;整方案", encoding="utf-8")
    scanner = LeakScanner([Trace("内部预算调整方案", "content/portal/zwdt/b.md", "title", "内部预算调整方案")])
    problems = Problems()
    use = AttachmentUse(published={FileId("portal", "files/notice.doc")})
    check_output_leaks({"portal": site}, tmp_path, tmp_path, scanner, use, "preview", problems)
    assert sorted(p.path for p in problems) == ["portal/files/notice.doc", "portal/page.weird", "portal/theme/x.bin"]


# --- 7. check finds what build finds, located --------------------------------------------------


def test_vertical_tab_pasted_from_word_is_a_located_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", "Title: 测试\nDate: 2026-11-25\n\n第一行\x0b第二行\n")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/x.md:4: control-character: U+000B, a vertical tab (a line break pasted from Word), that web pages and feeds cannot carry; delete it (use a normal line break)"]


def test_nul_past_the_first_8_kb_is_a_located_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", "Title: 测试\nDate: 2026-11-25\n\n" + "正文。\n" * 3000 + "尾\x00巴\n")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result, "control-character") == ["content/portal/zwdt/x.md:3004: control-character: U+0000, a NUL byte, that web pages and feeds cannot carry; delete it"]


def test_punctuation_only_tag_is_a_located_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", article("测试", Slug="x", Tags="春耕, ？"))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/x.md:4: bad-value: Tags: tag '？' has no letter or digit; a tag is a word such as 春耕"]


def test_list_nested_300_deep_is_a_located_error(cluster: Repo) -> None:
    body = "\n".join("    " * depth + "- 项" for depth in range(300))
    cluster.write("content/portal/zwdt/x.md", article("测试", Slug="x", body=body))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/x.md:5: too-deep: the text nests lists, quotes or HTML too deeply to be shown; flatten it"]


@pytest.mark.parametrize(
    "extra, expected",
    [
        ('[pelican]\nplugins = [42]', "sites/ulanhot.toml:8: bad-value: pelican.plugins[0]: must be a string, not 42"),
        ('[publishing]\niframe_hosts = [1]', "sites/ulanhot.toml:8: bad-value: publishing.iframe_hosts[0]: must be a string, not 1"),
        ('[publishing]\niframe_hosts = ["evil host/"]', "sites/ulanhot.toml:8: bad-value: publishing.iframe_hosts[0]: 'evil host/' is not a host name such as 'player.xam.gov.cn'"),
        ('[theme]\nlogo = "../../../etc/passwd"', "sites/ulanhot.toml:8: bad-value: theme.logo: '../../../etc/passwd' must be a path under themes/<id>/static/ or themes/gov/static/"),
        ('[theme]\nbanner = "images/x.html"', "sites/ulanhot.toml:8: bad-value: theme.banner: 'images/x.html' is not a picture"),
        ('[pelican.settings]\nJINJA_ENVIRONMENT = {autoescape = false}', "sites/ulanhot.toml: bad-value: pelican.settings.JINJA_ENVIRONMENT: zhanqun sets this itself"),
        ('[pelican.settings]\nSTATIC_PATHS = ["."]', "sites/ulanhot.toml: bad-value: pelican.settings.STATIC_PATHS: zhanqun sets this itself"),
    ],
)
def test_site_file_values_that_broke_the_build_are_located_errors(cluster: Repo, extra: str, expected: str) -> None:
    cluster.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra=extra)
    result = cluster.run("check")
    assert result.exit_code == 1
    assert any(line.startswith(expected) for line in problem_lines(result)), result.stderr
    assert "Traceback" not in result.output


def test_two_sites_at_one_address_are_a_located_error(cluster: Repo) -> None:
    cluster.site("arxan", "阿尔山市人民政府", url="https://www.wlht.gov.cn/")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result, "duplicate-url") == ["sites/ulanhot.toml:5: duplicate-url: url: https://www.wlht.gov.cn/ is already the production address of sites/arxan.toml; every site needs its own address"]


def test_template_syntax_error_is_found_by_check_too(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}<p>x</p>{% endblok %}\n')
    for command in (["check"], ["build"]):
        result = cluster.run(*command)
        assert result.exit_code == 1
        assert problem_lines(result) == ["themes/ulanhot/templates/base.html:2: template-error: TemplateSyntaxError: Encountered unknown tag 'endblok'. Jinja was looking for the following tags: 'endblock'. The innermost block that needs to be closed is 'block'."]


def test_theme_file_that_is_a_symlink_out_of_the_repository_is_an_error(cluster: Repo, tmp_path: Path) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0", encoding="utf-8")
    (cluster.root / "themes/ulanhot/static").mkdir(parents=True)
    os.symlink(tmp_path / "passwd", cluster.root / "themes/ulanhot/static/logo.svg")
    result = cluster.run("build")
    assert result.exit_code == 1
    assert problem_lines(result, "link-outside")[0].startswith("themes/ulanhot/static/logo.svg: link-outside: a symbolic link to")
    assert not cluster.out("ulanhot").exists()


def test_problem_messages_are_one_line_each() -> None:
    from zhanqun.errors import Problem

    assert Problem("a.md", 3, "x", "value 'a\nb\tc\x0b'").format() == "a.md:3: x: value 'a\\nb\\tc\\x0b'"


# --- the second probe and the first reader: variants of each class ---------------------------

SECRET = "兴安盟机密测试事项方案"
SECRET_TEXT = "本方案涉及盟本级财政预算的重大调整事项各部门务必严格保密不得外传"


@pytest.fixture
def secret(cluster: Repo) -> Repo:
    cluster.write("content/portal/zwdt/secret.md", article(SECRET, Slug="secret-test-plan", Visibility="internal", body=f"{SECRET_TEXT}。"))
    return cluster


def leaks(result: object) -> list[str]:
    return problem_lines(result, "leak")  # type: ignore[arg-type]


def test_a_public_item_that_copies_an_internal_items_text_is_a_leak(secret: Repo) -> None:
    secret.write("content/portal/zwdt/brief.md", article("简报", Slug="brief", body=f"第一段。\n\n{SECRET_TEXT}。"))
    result = secret.run("check")
    assert result.exit_code == 1
    assert leaks(result)[0].startswith("content/portal/zwdt/brief.md:7: leak: shows the text '")


def test_boilerplate_that_many_public_items_share_is_not_a_leak(secret: Repo) -> None:
    greeting = "各旗县市人民政府盟直各部门现将有关事项通知如下请认真贯彻执行"
    secret.write("content/portal/zwdt/secret.md", article(SECRET, Slug="secret-test-plan", Visibility="internal", body=f"{greeting}。"))
    for n in range(3):
        secret.write(f"content/portal/tzgg/n{n}.md", article(f"通知第{n}号", Slug=f"notice-{n}", body=f"{greeting}。"))
    assert secret.run("check").exit_code == 0


def test_a_public_title_that_holds_an_internal_title_is_a_leak(secret: Repo) -> None:
    secret.write("content/portal/zwdt/decoy.md", article(f"关于{SECRET}的说明", Slug="decoy", Status="hidden"))
    result = secret.run("check")
    assert result.exit_code == 1
    assert leaks(result)[0].startswith(f"content/portal/zwdt/decoy.md:1: leak: shows the title '{SECRET}'")


@pytest.mark.parametrize(
    "disguise",
    [
        "兴安盟<rp>·</rp>机密测试事项方案",  # ruby's fallback, which browsers do not show
        '<bdo dir="rtl">案方项事试测密机盟安兴</bdo>',  # written backwards, shown forwards
        "兴安盟机密<b>测试</b>事项\n方案",
    ],
)
def test_a_disguised_internal_title_is_still_a_leak(secret: Repo, disguise: str) -> None:
    secret.write("content/portal/zwdt/brief.md", article("简报", Slug="brief", body=f"《{disguise}》"))
    result = secret.run("check")
    assert result.exit_code == 1
    assert leaks(result) and leaks(result)[0].startswith("content/portal/zwdt/brief.md:")


def test_a_direction_override_is_a_located_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/brief.md", article("简报", Slug="brief", body="《\u202e案方项事》"))
    assert problem_lines(cluster.run("check"), "control-character")[0].startswith("content/portal/zwdt/brief.md:5: control-character: U+202E, a direction override")


def test_an_alias_that_spells_an_internal_title_or_slug_is_a_leak(secret: Repo) -> None:
    secret.write("content/portal/zwdt/a.md", article("简报", Slug="brief", Aliases=f"/old/{SECRET}.html, /secret-test-plan/"))
    found = leaks(secret.run("check"))
    assert any("shows the title" in line for line in found) and any("shows the slug 'secret-test-plan'" in line for line in found)


def test_a_column_description_or_an_annual_report_quoting_an_internal_title_is_a_leak_at_its_file(secret: Repo) -> None:
    text = (secret.root / "sites/ulanhot.toml").read_text(encoding="utf-8").replace('type = "news"', f'type = "news"\ndescription = "另见{SECRET}"', 1)
    secret.write("sites/ulanhot.toml", text)
    found = leaks(secret.run("check"))
    assert any(line.startswith("sites/ulanhot.toml: leak: shows the title") for line in found)


def test_a_text_attachment_in_utf16_quoting_an_internal_title_is_found_in_the_output(secret: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    secret.write("content/portal/files/notes.txt", ("\ufeff" + SECRET).encode("utf-16-le"))
    secret.write("content/portal/zwdt/n.md", article("附件", Slug="notes", body="[说明]({static}/files/notes.txt)"))
    result = secret.run("build")
    assert result.exit_code == 1
    assert leaks(result) == [f"output/preview/portal/files/notes.txt: leak: shows the title '{SECRET}' of content/portal/zwdt/secret.md, an internal item, which only the intranet may show"]


def test_style_that_hides_text_or_reaches_over_the_page_is_dropped() -> None:
    from zhanqun.content.sanitize import Policy, clean

    html = '<a href="https://x.example/" style="padding:3000px;color:transparent;font-size:0;margin:-40px;color:#c00">链接</a>'
    assert clean(html, Policy()) == '<a href="https://x.example/" style="color:#c00" rel="noopener">链接</a>'


def test_a_picture_written_into_the_text_is_kept_and_any_other_data_address_refused(cluster: Repo) -> None:
    png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    cluster.write("content/portal/zwdt/x.md", article("图", Slug="x", body=f'<img src="{png}" alt="图">'))
    assert cluster.run("check").exit_code == 0
    cluster.write("content/portal/zwdt/x.md", article("图", Slug="x", body='<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" alt="图">'))
    result = cluster.run("check")
    assert "content/portal/zwdt/x.md:5: unsafe-html: a picture written into the text (data: address) that is not a plain image could run code" in result.stderr
    assert "save the picture under files/" in result.stderr


def test_an_iframe_address_read_as_a_browser_reads_it(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", article("视频", Slug="x", body='<iframe src="https://evil.example\\@player.xam.gov.cn/v" title="视频"></iframe>'))
    result = cluster.run("check")
    assert result.exit_code == 1 and (": html-iframe: " in result.stderr or ": unsafe-html: <iframe src=" in result.stderr)


def test_word_bookmarks_and_links_that_keep_the_referrer_survive(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/x.md", article("目录", Slug="x", body='<a name="_Toc12345"></a>一、总则\n\n[去总则](#_Toc12345)'))
    assert cluster.run("build").exit_code == 0
    page = cluster.html("portal", "zwdt", "x.html")
    assert 'name="_Toc12345"' in page and "noreferrer" not in page


def test_an_svg_link_with_a_line_break_inside_javascript_is_refused(cluster: Repo) -> None:
    cluster.write("content/portal/files/map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="java&#10;script:alert(1)"><rect width="9" height="9"/></a></svg>')
    cluster.write("content/portal/zwdt/x.md", article("图", Slug="x", body="![图]({static}/files/map.svg)"))
    assert "active-content" in cluster.run("check").stderr


def test_an_svg_from_a_drawing_program_with_its_doctype_is_published(cluster: Repo) -> None:
    cluster.write("content/portal/files/map.svg", b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>')
    cluster.write("content/portal/zwdt/x.md", article("图", Slug="x", body="![图]({static}/files/map.svg)"))
    assert cluster.run("check").exit_code == 0


def test_a_hard_link_is_one_file_with_two_names(cluster: Repo) -> None:
    cluster.write("content/portal/files/d/s.pdf", b"%PDF-1.4 SECRET")
    os.link(cluster.root / "content/portal/files/d/s.pdf", cluster.root / "content/portal/files/d/annex.pdf")
    cluster.write("content/portal/zwdt/secret.md", article("内部附件说明", Slug="secret", Visibility="internal", body="[附件]({static}/files/d/s.pdf)"))
    assert cluster.run("build").exit_code == 0
    assert not cluster.out("portal", "files", "d").exists()  # neither name: no published item links either
    from zhanqun.config.sites import load_cluster
    from zhanqun.content.attachments import FileId, read_attachments
    from zhanqun.errors import Problems

    found = read_attachments(cluster.root, load_cluster(cluster.root, Problems()), Problems())
    assert found.names[FileId("portal", "files/d/annex.pdf")] == found.names[FileId("portal", "files/d/s.pdf")]


def test_a_link_column_cannot_publish_a_file_only_internal_items_link(cluster: Repo) -> None:
    cluster.write("content/portal/files/d/s.pdf", b"%PDF-1.4 SECRET")
    cluster.write("content/portal/zwdt/secret.md", article("内部附件说明", Slug="secret", Visibility="internal", body="[附件]({static}/files/d/s.pdf)"))
    cluster.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("xz", "下载", "link")))
    text = (cluster.root / "sites/ulanhot.toml").read_text(encoding="utf-8").replace('type = "link"', 'type = "link"\nurl = "site:portal/files/d/s.pdf"')
    cluster.write("sites/ulanhot.toml", text)
    result = cluster.run("check")
    assert result.exit_code == 1
    assert "sites/ulanhot.toml: link-to-internal: column xz (下载) links content/portal/files/d/s.pdf, which only internal or draft items link" in result.stderr


@pytest.mark.parametrize("target", ["../../../content/portal/files", "../../../.git/config"])
def test_a_theme_file_that_leads_to_content_or_the_history_is_refused(cluster: Repo, target: str) -> None:
    (cluster.root / ".git").mkdir(exist_ok=True)
    (cluster.root / ".git/config").write_text("[http]\nextraheader = secret\n", encoding="utf-8")
    (cluster.root / "content/portal/files").mkdir(parents=True, exist_ok=True)
    (cluster.root / "themes/ulanhot/static").mkdir(parents=True)
    os.symlink(target, cluster.root / "themes/ulanhot/static/docs")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result, "link-outside")[0].startswith("themes/ulanhot/static/docs: link-outside: a symbolic link to")


@pytest.mark.parametrize(
    "setting, expected",
    [
        ('TIMEZONE = "America/New_York"', "pelican.settings.TIMEZONE: zhanqun sets this itself"),
        ('DEFAULT_PAGINATION = "x"', "pelican.settings.DEFAULT_PAGINATION: 'x' must be a positive number"),
        ('EXTRA_TEMPLATES_PATHS = ["/"]', "pelican.settings.EXTRA_TEMPLATES_PATHS: zhanqun sets this itself"),
    ],
)
def test_site_settings_are_a_short_list_of_the_right_types(cluster: Repo, setting: str, expected: str) -> None:
    cluster.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra=f"[pelican.settings]\n{setting}")
    result = cluster.run("check")
    assert result.exit_code == 1 and expected in result.stderr


def test_a_plugin_that_does_not_exist_is_named(cluster: Repo) -> None:
    cluster.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='[pelican]\nplugins = ["does_not_exist"]')
    assert "sites/ulanhot.toml: unknown-plugin: pelican.plugins: no plugin 'does_not_exist'" in cluster.run("check").stderr


def test_a_template_that_includes_a_missing_template_is_found_by_check(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}{% include "nope.html" %}{% endblock %}\n')
    result = cluster.run("check")
    assert problem_lines(result) == ["themes/ulanhot/templates/base.html:2: template-error: no template 'nope.html' in themes/ulanhot/templates/ or themes/gov/templates/ (did you mean 'index.html'?)"]


@pytest.mark.parametrize("alias, why", [("/zfxxgk/fdzdgknr/", "政府信息公开 area"), ("/zwdt/spring.html/", "which is a page, not a folder"), ("/old/" + "长" * 80 + ".html", "longer than a file system allows")])
def test_aliases_that_the_build_could_not_write_are_found_by_check(cluster: Repo, alias: str, why: str) -> None:
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("zfxxgk", "政府信息公开", "disclosure")), extra='[disclosure]\ncredit_code = "11152200011520000X"')
    cluster.write("content/portal/zwdt/a.md", article("别名", Slug="alias-t", Aliases=alias))
    result = cluster.run("check")
    assert result.exit_code == 1 and why in result.stderr


@pytest.mark.parametrize(
    "text",
    ["date: 2026-02-30\noverview: x\n", "1: x\ndate: 2026-01-20\n"],
)
def test_annual_report_yaml_that_cannot_be_read_is_located_not_a_traceback(cluster: Repo, text: str) -> None:
    cluster.write("content/ulanhot/_data/annual-report-2025.yaml", text)
    result = cluster.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "content/ulanhot/_data/annual-report-2025.yaml: " in result.stderr


@pytest.mark.parametrize("folder", ["content/ulanhot/_data/annual-report-2024.toml", "sites/kyqq.toml"])
def test_a_folder_named_like_a_data_or_site_file_is_located_not_a_traceback(cluster: Repo, folder: str) -> None:
    (cluster.root / folder).mkdir(parents=True)
    result = cluster.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output and folder in result.stderr


def test_a_source_date_epoch_out_of_any_calendar_is_a_usage_error(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    result = cluster.run("check")
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.stderr


def test_shots_of_a_site_that_is_not_one_is_a_usage_error(cluster: Repo) -> None:
    result = cluster.run("shots", "--no-build", "--site", "../preview")
    assert result.exit_code == 2 and "no site '../preview'" in result.stderr


def test_new_into_a_column_folder_that_leads_out_of_the_repository_is_an_error(cluster: Repo, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", cluster.root / "content/portal/tzgg")
    result = cluster.run("new", "portal", "tzgg" if False else "zwdt", "通知")
    assert result.exit_code in (0, 1)
    import shutil

    shutil.rmtree(cluster.root / "content/portal/zwdt")
    os.symlink(tmp_path / "elsewhere", cluster.root / "content/portal/zwdt")
    result = cluster.run("new", "portal", "zwdt", "通知")
    assert result.exit_code == 1 and "leads outside the repository" in result.stderr and "Traceback" not in result.output
    assert not any((tmp_path / "elsewhere").iterdir())


def test_ctrl_c_while_the_command_starts_prints_no_traceback(cluster: Repo) -> None:
    import signal
    import subprocess
    import sys
    import time

    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    startup = time.perf_counter() - started  # the interpreter's own start, longer on a loaded machine: not ours
    for delay in (0.1, 0.2, 0.4):
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(cluster.root), "check"], stderr=subprocess.PIPE, text=True)
        time.sleep(max(delay, 2 * startup))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "body, flagged",
    [
        ("通知如下。\n\n状态：已完成", False),
        ("The meeting was held.\n\nDate: 15 March 2026", False),
        ("正文。\n\n    Status: draft", False),  # an indented code block further down: an example
        ("正文。\n\n- Visibility: internal", True),
        ("正文。\n\n**Status**: draft", True),
        ("来源：兴安日报\n\n正文。", True),  # right after the header every key counts
    ],
)
def test_header_lines_in_the_text_are_errors_where_they_could_be_meant(cluster: Repo, body: str, flagged: bool) -> None:
    cluster.write("content/portal/zwdt/t.md", f"Title: 测试\nDate: 2026-11-25\n\n{body}\n")
    assert bool(problem_lines(cluster.run("check"), "header-in-text")) == flagged


@pytest.mark.parametrize("text", ["\nTitle: 测试\nDate: 2026-11-25\n\n正文\n", "\u3000Title: 测试\nDate: 2026-11-25\n\n正文\n"])
def test_a_header_that_does_not_start_the_file_is_one_error(cluster: Repo, text: str) -> None:
    cluster.write("content/portal/zwdt/t.md", text)
    result = cluster.run("check")
    [line] = problem_lines(result)
    assert line.startswith("content/portal/zwdt/t.md:1: bad-header-line: the header must start on the first line, at its first character: delete ")


@pytest.mark.parametrize("name, suggestion", [("春耕 通知.md", "chun-geng-tong-zhi.md"), ("a%2fb.md", "a-2fb.md"), ("%2e%2e.md", "2e-2e.md")])
def test_a_content_file_name_that_is_not_plain_ascii_is_an_error_with_a_name(cluster: Repo, name: str, suggestion: str) -> None:
    cluster.write(f"content/portal/zwdt/{name}", article("测试", Slug="t"))
    result = cluster.run("check")
    assert f"bad-file-name: the file name {name!r} is not plain ASCII" in result.stderr and repr(suggestion) in result.stderr
    assert "Traceback" not in result.output


def test_a_media_header_may_be_any_address_of_the_file(cluster: Repo) -> None:
    from conftest import PICTURE_SVG

    cluster.write("content/portal/files/leaders/han.svg", PICTURE_SVG)
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("ldzc", "领导之窗", "leader")))
    cluster.write("content/portal/ldzc/han.md", article("韩立明", Slug="han", Position="盟长", Photo="../files/leaders/han.svg", body="## 简历\n\n简历。"))
    assert cluster.run("build").exit_code == 0
    cluster.write("content/portal/ldzc/han.md", article("韩立明", Slug="han", Position="盟长", Photo="../files/leaders/gone.svg", body="## 简历\n\n简历。"))
    assert "content/portal/ldzc/han.md:5: missing-file: Photo: ../files/leaders/gone.svg: " in cluster.run("check").stderr


@pytest.mark.parametrize("url, why", [("/sitemap.html", "there is no page or file sitemap.html on portal"), ("/zwdt/../../../portal/", "leaves the site")])
def test_a_link_column_path_is_checked_at_the_site_file(cluster: Repo, url: str, why: str) -> None:
    cluster.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("bsfw", "办事服务", "link")))
    text = (cluster.root / "sites/portal.toml").read_text(encoding="utf-8").replace('type = "link"', f'type = "link"\nurl = "{url}"')
    cluster.write("sites/portal.toml", text)
    result = cluster.run("check")
    assert result.exit_code == 1 and "sites/portal.toml: " in result.stderr and why in result.stderr


def test_an_invisible_character_in_a_value_is_named(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\nVisibility: internal\u200b\n\n正文\n")
    assert "holds an invisible character (U+200B)" in cluster.run("check").stderr


def test_word_line_breaks_are_one_error_per_line(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\n\n" + "一行\x0b" * 10 + "\n")
    [line] = problem_lines(cluster.run("check"))
    assert line.startswith("content/portal/zwdt/t.md:4: control-character: U+000B, a vertical tab (a line break pasted from Word) (10 on this line)")


def test_an_attachment_name_with_a_space_is_written_as_an_address(cluster: Repo) -> None:
    cluster.write("content/portal/files/plan 2026.pdf", b"%PDF-1.4")
    cluster.write("content/portal/zwdt/x.md", article("计划", Slug="x", body="[计划]({static}/files/plan%202026.pdf)"))
    assert cluster.run("build").exit_code == 0
    assert 'href="/portal/files/plan%202026.pdf"' in cluster.html("portal", "zwdt", "x.html")


# --- found by the second hostile probe -------------------------------------------------------


def test_a_site_folder_of_the_output_that_is_a_symbolic_link_is_refused_before_anything_is_written(cluster: Repo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cluster.run("build", "--out", str(out)).exit_code == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "important.txt").write_text("keep", encoding="utf-8")
    import shutil

    shutil.rmtree(out / "portal")
    (out / "portal").symlink_to(victim)
    result = cluster.run("build", "--out", str(out))
    assert result.exit_code == 2
    assert "portal in it is a symbolic link" in result.stderr and "Traceback" not in result.output
    assert [p.name for p in victim.iterdir()] == ["important.txt"] and (out / "portal").is_symlink()


def test_a_swap_that_meets_a_link_is_a_located_error_not_a_traceback(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output changed under the build (the check before it passed): the swap refuses and rolls back."""
    import zhanqun.pipeline
    from zhanqun.paths import UnsafePath

    out = tmp_path / "out"
    assert cluster.run("build", "--out", str(out)).exit_code == 0
    before = tree_digest(out)

    def swapped_under_us(self, site_ids, dropped=()):  # type: ignore[no-untyped-def]
        raise UnsafePath("'portal' is a symbolic link; zhanqun never writes through one")

    monkeypatch.setattr(zhanqun.pipeline.OutputSwap, "commit", swapped_under_us)
    result = cluster.run("build", "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unsafe-path: 'portal' is a symbolic link; zhanqun never writes through one; the previous output was left as it was" in result.stderr
    assert tree_digest(out) == before


@pytest.mark.parametrize("url", ["https://www.xam.gov.cn:99999/", "https://www.xam.gov.cn:0/", "https://www.xam.gov.cn:65536/"])
def test_a_site_address_with_an_impossible_port_is_an_error(repo: Repo, url: str) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url=url)
    result = repo.run("check")
    assert result.exit_code == 1
    assert "sites/portal.toml:" in result.stderr and "url" in result.stderr


@pytest.mark.parametrize("where", ["content/portal/zwdt/pipe.md", "content/portal/files/pipe.pdf", "themes/gov/templates/pipe.html", "themes/portal/static/pipe.css"])
def test_a_named_pipe_in_content_is_an_error_not_a_silence_or_a_hang(cluster: Repo, where: str) -> None:
    import os

    path = cluster.root / where
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    result = cluster.run("check")
    assert result.exit_code == 1
    assert f"{where}: not-a-file: a named pipe, socket or device, not a file" in result.stderr


@pytest.mark.parametrize(
    "style",
    ["text-align:center", "font-size:16pt", "font-family:仿宋_GB2312, 'Times New Roman'", "text-indent:2em", "line-height:28pt",
     "margin:0 auto", "border:1px solid #000", "width:100%", "color:#c00", "background-color:yellow", "color:rgb(255, 0, 0)",
     "font-weight:bold", "border-collapse:collapse", "line-height:1.5", "padding:4pt 8pt", "vertical-align:middle", "list-style-type:cjk-ideographic"],
)
def test_the_styles_office_documents_carry_are_kept(style: str) -> None:
    from zhanqun.content.sanitize import clean, clean_style

    assert clean_style(style) == style
    assert f'<p style="{style.split(":")[0]}:' in clean(f'<p style="{style}">正文</p>')  # nh3 may respell the value


@pytest.mark.parametrize(
    "style",
    ["border:30px solid red", "padding:65px", "font-size:1px !important", "font-size:0.01vw", "color:rgba(0 0 0 / 0)", "color:#0000",
     "text-indent:-2em", "width:101%", "font-size:var(--x)", "color:currentColor;font-size:calc(1px)", "margin:1px 2px 3px 4px 5px",
     "border-width:9px", "letter-spacing:20px", "line-height:0.1", "float:inline-start", "font-family:a(b)"],
)
def test_a_style_outside_its_grammar_or_bounds_is_dropped(style: str) -> None:
    from zhanqun.content.sanitize import clean

    cleaned = clean(f'<p style="{style}">正文</p>')
    assert "1px" not in cleaned and "0.01vw" not in cleaned and "rgba" not in cleaned and "-2em" not in cleaned
    assert all(declaration.split(":")[0] + ":" + declaration.split(":")[1] not in cleaned for declaration in style.split(";") if not declaration.startswith("color:currentColor"))
