"""Every link mistake an author can make is a located error: exit 1, all of them listed, and the
previous output unchanged. Failing builds stop before rendering, so each case is cheap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Repo, article, copy_repo, make_repo, tree_digest

BAD = "content/ulanhot/zwdt/x.md"
#: Header (Title, Date, Slug), an empty line, then the body from line 5: the link is on line 7.
PREFIX = "第一段。\n\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("errors") / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/")
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", columns=(("gzdt", "工作动态", "news"),))
    repo.write("content/ulanhot/files/map.png", b"\x89PNG")
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/ulanhot/tzgg/secret.md", article("内部通知", "2026-04-03", Slug="secret", Visibility="internal"))
    repo.write("content/ulanhot/tzgg/draft.md", article("草稿", "2026-04-04", Slug="draft", Status="draft"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    return repo


#: (body line 7, the error line expected)
CASES = {
    "unknown site": (
        "[阿尔山](site:arxn)",
        f"{BAD}:7: unknown-site: site:arxn: no such site (did you mean 'site:arxan'? sites are portal, arxan, ulanhot, tjj)",
    ),
    "missing page of another site": (
        "[冰雪节](site:arxan/zwdt/snw.md)",
        f"{BAD}:7: broken-link: site:arxan/zwdt/snw.md: no such page content/arxan/zwdt/snw.md (did you mean 'site:arxan/zwdt/snow.md'?)",
    ),
    "missing column of another site": (
        "[通知](site:tjj/tzgg/)",
        f"{BAD}:7: broken-link: site:tjj/tzgg/: site 'tjj' has no column 'tzgg'; columns are gzdt",
    ),
    "filename that does not resolve": (
        "[停水]({filename}../tzgg/notic.md)",
        f"{BAD}:7: broken-link: {{filename}}../tzgg/notic.md: no such page content/ulanhot/tzgg/notic.md (did you mean '{{filename}}../tzgg/notice.md'?)",
    ),
    "static that does not resolve": (
        "![地图]({static}/files/mapp.png)",
        f"{BAD}:7: broken-link: {{static}}/files/mapp.png: no such file content/ulanhot/files/mapp.png (did you mean '{{static}}/files/map.png'?)",
    ),
    "static outside the repository": (
        "[密码]({static}../../etc/passwd)",
        f"{BAD}:7: link-outside: {{static}}../../etc/passwd: leaves content/ulanhot/",
    ),
    "filename into another site's folder": (
        "[冰雪节]({filename}../../arxan/zwdt/snow.md)",
        f"{BAD}:7: link-outside: {{filename}}../../arxan/zwdt/snow.md: leaves content/ulanhot/; a link stays inside its site's content folder (another site's page: site:<id>/<column>/<file>.md)",
    ),
    "static that is not an attachment": (
        "[原文]({static}../tzgg/notice.md)",
        f"{BAD}:7: broken-link: {{static}}../tzgg/notice.md: content/ulanhot/tzgg/notice.md is a page, not an attachment; write '{{filename}}../tzgg/notice.md'",
    ),
    "public page linking an internal page": (
        "[内部](site:ulanhot/tzgg/secret.md)",
        f"{BAD}:7: link-to-internal: site:ulanhot/tzgg/secret.md: a public page links an internal page (content/ulanhot/tzgg/secret.md, Visibility: internal)",
    ),
    "public page linking a draft": (
        "[草稿]({filename}../tzgg/draft.md)",
        f"{BAD}:7: link-to-draft: {{filename}}../tzgg/draft.md: links a draft (content/ulanhot/tzgg/draft.md, Status: draft), which is never published",
    ),
    "tag link": (
        "[春耕]({tag}春耕)",
        f"{BAD}:7: no-such-page-kind: {{tag}}春耕: zhanqun writes no tag, author or archive pages",
    ),
    "category that is no column": (
        "[动态]({category}zwdtt)",
        f"{BAD}:7: broken-link: {{category}}zwdtt: site 'ulanhot' has no column 'zwdtt' (did you mean '{{category}}zwdt'?)",
    ),
    "raw HTML attribute": (
        '<a href="site:arxan/zwdt/none.md">冰雪节</a>',
        f"{BAD}:7: broken-link: site:arxan/zwdt/none.md: no such page content/arxan/zwdt/none.md",
    ),
    "srcset candidate": (
        '<img src="{static}/files/map.png" srcset="{static}/files/map.png 1x, {static}/files/map@2x.png 2x" alt="地图">',
        f"{BAD}:7: broken-link: {{static}}/files/map@2x.png: no such file",
    ),
    "reference definition": (
        "[停水][t]\n\n[t]: {filename}../tzgg/gone.md",
        f"{BAD}:9: broken-link: {{filename}}../tzgg/gone.md: no such page",
    ),
    "link straight to a Markdown file": (
        "[停水](../tzgg/notice.md)",
        f"{BAD}:7: md-link: ../tzgg/notice.md: links a Markdown file as an address; write {{filename}}../tzgg/notice.md",
    ),
    "unknown link kind": (
        "[停水]({file}../tzgg/notice.md)",
        f"{BAD}:7: broken-link: {{file}}../tzgg/notice.md: unknown link kind {{file}} (did you mean '{{filename}}../tzgg/notice.md'?)",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_link_mistake_is_a_located_error_and_output_is_unchanged(base: Repo, tmp_path: Path, case: str) -> None:
    body, expected = CASES[case]
    repo = copy_repo(base, tmp_path / "repo")
    before = tree_digest(repo.out())
    repo.write(BAD, article("有错误链接的稿件", "2026-04-06", PREFIX + body, Slug="x"))
    result = repo.run("build")
    assert result.exit_code == 1
    assert expected in result.output
    assert "nothing was written" in result.output
    assert tree_digest(repo.out()) == before


@pytest.mark.parametrize("case", ["unknown site", "public page linking an internal page", "static outside the repository"])
def test_check_reports_the_same_link_errors_without_building(base: Repo, tmp_path: Path, case: str) -> None:
    body, expected = CASES[case]
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("有错误链接的稿件", "2026-04-06", PREFIX + body, Slug="x"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert expected in result.output


def test_every_link_error_of_a_file_is_listed(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    body = "\n".join(CASES[c][0] for c in ("unknown site", "public page linking a draft", "static outside the repository"))
    repo.write(BAD, article("三处错误", "2026-04-06", body, Slug="x"))
    result = repo.run("build")
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in result.output.splitlines() if line.startswith(BAD)] == [
        "unknown-site", "link-to-draft", "link-outside"
    ]
    assert "failed: 3 error(s)" in result.output


def test_bad_link_in_a_header_value_is_located_at_its_line(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("视频新闻", "2026-04-06", "正文。", Slug="x", Poster="{static}/files/poster.jpg"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert f"{BAD}:4: missing-file: Poster: {{static}}/files/poster.jpg: no such file" in result.output


def test_check_lists_a_broken_link_beside_a_media_mistake_and_the_media_mistake_once(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    body = PREFIX + "[河](site:ulanhot/zwdt/nowhere.md)"
    repo.write(BAD, article("视频新闻", "2026-04-06", body, Slug="x", Video="{static}/files/gone.mp4"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert [line.split(": ")[:2] for line in result.output.splitlines() if line.startswith(BAD)] == [
        [f"{BAD}:4", "missing-file"], [f"{BAD}:8", "broken-link"]
    ]


def test_bad_link_in_the_summary_is_located_at_its_line(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("摘要有链接", "2026-04-06", "正文。", Slug="x", Summary="详见[阿尔山](site:arxn)"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert f"{BAD}:4: unknown-site: site:arxn: no such site" in result.output


def test_internal_page_may_link_an_internal_page(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("内部安排", "2026-04-06", "[内部](site:ulanhot/tzgg/secret.md)", Slug="x", Visibility="internal"))
    result = repo.run("check")
    assert result.exit_code == 0, result.output


def test_links_in_code_are_not_resolved(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    body = "写法示例：`[阿尔山](site:arxn)`\n\n```\n[停水]({filename}gone.md)\n```"
    repo.write(BAD, article("链接写法", "2026-04-06", body, Slug="x"))
    result = repo.run("check")
    assert result.exit_code == 0, result.output


# --- syndication and alias mistakes ---------------------------------------------------------


def build_fails_with(repo: Repo, expected: str) -> None:
    before = tree_digest(repo.out())
    result = repo.run("build")
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert tree_digest(repo.out()) == before


def test_receiver_without_the_column_is_a_located_error(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write("content/portal/tzgg/notice.md", article("全盟通知", "2026-04-06", Slug="notice", Syndicate="counties, tjj"))
    build_fails_with(
        repo,
        "content/portal/tzgg/notice.md:4: syndicate-no-column: Syndicate: site 'tjj' has no column 'tzgg' to receive this item; "
        "add it to sites/tjj.toml or leave the site out",
    )


def test_syndicate_to_an_unknown_site_is_a_located_error(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write("content/portal/tzgg/notice.md", article("全盟通知", "2026-04-06", Slug="notice", Syndicate="ulanhto"))
    build_fails_with(repo, "content/portal/tzgg/notice.md:4: unknown-site: Syndicate: no site 'ulanhto' (did you mean 'ulanhot'?)")


def test_copy_that_would_replace_a_receivers_page_is_a_located_error(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write("content/portal/tzgg/notice.md", article("全盟通知", "2026-04-06", Slug="water", Syndicate="ulanhot"))
    repo.write("content/ulanhot/tzgg/portal.md", article("本地通知", "2026-04-06", Slug="portal-water"))
    build_fails_with(
        repo,
        "content/portal/tzgg/notice.md:4: duplicate-slug: Syndicate: the copy in 'ulanhot' would be ulanhot/tzgg/portal-water.html, "
        "which is already content/ulanhot/tzgg/portal.md",
    )


def test_alias_that_is_a_real_page_is_a_located_error_naming_both(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("新地址", "2026-04-06", "正文。", Slug="x", Aliases="/tzgg/water.html"))
    build_fails_with(
        repo,
        f"{BAD}:4: alias-collision: Aliases: /tzgg/water.html: is ulanhot/tzgg/water.html, the address of content/ulanhot/tzgg/notice.md",
    )


def test_alias_of_two_items_is_a_located_error_naming_both(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write("content/ulanhot/zwdt/a.md", article("甲", "2026-04-06", "正文。", Slug="a", Aliases="/old/"))
    repo.write("content/ulanhot/zwdt/b.md", article("乙", "2026-04-06", "正文。", Slug="b", Aliases="/old/index.html"))
    build_fails_with(
        repo,
        "content/ulanhot/zwdt/b.md:4: alias-collision: Aliases: /old/index.html: ulanhot/old/index.html is already an alias (/old/) "
        "of content/ulanhot/zwdt/a.md:4",
    )


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("/zwdt/", "alias-collision: Aliases: /zwdt/: is ulanhot/zwdt/index.html, a list page of the column 'zwdt'"),
        ("/index.html", "alias-collision: Aliases: /index.html: is ulanhot/index.html, a page every site has"),
        ("/theme/x.html", "alias-collision: Aliases: /theme/x.html: is ulanhot/theme/x.html, inside a folder the build writes"),
        ("/old/list.jsp", "bad-alias: Aliases: /old/list.jsp: a static host does not serve this file type as a page"),
        ("/old/list.html?id=3", "bad-alias: Aliases: /old/list.html?id=3: a static site cannot redirect a query"),
        ("old.html", "bad-value: Aliases: alias 'old.html' must be a path on this site starting with '/'"),
    ],
)
def test_alias_that_cannot_be_a_redirect_page_is_a_located_error(base: Repo, tmp_path: Path, alias: str, expected: str) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write(BAD, article("新地址", "2026-04-06", "正文。", Slug="x", Aliases=alias))
    result = repo.run("check")
    assert result.exit_code == 1
    assert f"{BAD}:4: {expected}" in result.output
