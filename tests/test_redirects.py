"""Redirect pages for Aliases: where an alias is written, and what a redirect page holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Repo, article

from zhanqun.errors import Problems
from zhanqun.links.redirects import alias_path, redirect_page, write_redirects
from zhanqun.pipeline import BuildOptions, prepare


@pytest.mark.parametrize(
    ("alias", "path"),
    [
        ("/old/path.html", "old/path.html"),
        ("/older/", "older/index.html"),
        ("/older", "older/index.html"),
        ("/", "index.html"),
        ("/a/./b.htm", "a/b.htm"),
        ("/%E6%97%A7/%E9%80%9A%E7%9F%A5.shtml", "旧/通知.shtml"),
        ("/old/list.php", None),
    ],
)
def test_alias_path(alias: str, path: str | None) -> None:
    assert alias_path(alias) == path


def test_redirect_page_escapes_the_title_and_address() -> None:
    page = redirect_page('/x/a.html?a=1&b="2"', "<通知>", "站")
    assert 'url=/x/a.html?a=1&amp;b=&quot;2&quot;"' in page and "&lt;通知&gt;" in page


def test_alias_planned_for_the_target_and_never_over_a_written_page(repo: Repo, tmp_path: Path) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("甲", "2026-04-06", Slug="a", Aliases="/news/list.html, /old/"))
    context = prepare(BuildOptions(repo.root, "production"), Problems())
    redirects = context.redirects["portal"]
    assert [(r.path, r.url) for r in redirects] == [
        ("news/list.html", "https://www.xam.gov.cn/zwdt/a.html"),
        ("old/index.html", "https://www.xam.gov.cn/zwdt/a.html"),
    ]
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news/list.html").write_text("a page Pelican wrote", encoding="utf-8")
    problems = Problems()
    assert write_redirects(redirects, site, "兴安盟行政公署", problems) == 1
    assert (site / "news/list.html").read_text(encoding="utf-8") == "a page Pelican wrote"
    assert [p.format() for p in problems] == [
        "content/portal/zwdt/a.md:4: alias-collision: Aliases: /news/list.html: is portal/news/list.html, "
        "a page the build writes; an alias cannot replace it"
    ]


def test_aliases_of_drafts_and_internal_items_follow_the_item(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("甲", "2026-04-06", Slug="a", Aliases="/a.html", Status="draft"))
    repo.write("content/portal/zwdt/b.md", article("乙", "2026-04-06", Slug="b", Aliases="/b.html", Visibility="internal"))
    assert prepare(BuildOptions(repo.root, "production"), Problems()).redirects == {}
    assert [r.path for r in prepare(BuildOptions(repo.root, "intranet"), Problems()).redirects["portal"]] == ["b.html"]
