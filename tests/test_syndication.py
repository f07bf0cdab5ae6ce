"""Syndicate: which sites receive an item (the copies themselves: test_links_build.py)."""

from __future__ import annotations

import pytest
from conftest import Repo, article

from zhanqun.errors import Problems
from zhanqun.pipeline import BuildOptions, prepare


@pytest.mark.parametrize(
    ("value", "receivers"),
    [
        ("counties", ("arxan", "ulanhot")),
        ("departments", ("tjj",)),
        ("all", ("arxan", "ulanhot", "tjj")),
        ("ulanhot, tjj", ("ulanhot", "tjj")),
        ("portal", ()),
    ],
)
def test_syndicate_names_receiving_sites(small_cluster: Repo, value: str, receivers: tuple[str, ...]) -> None:
    small_cluster.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", Slug="spring", Syndicate=value))
    context = prepare(BuildOptions(small_cluster.root), Problems())
    assert context.index.get("portal", "zwdt/spring.md").syndicate == receivers


def test_copies_are_pages_of_the_receivers_only_where_the_column_exists(small_cluster: Repo) -> None:
    small_cluster.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", Slug="spring", Syndicate="counties"))
    context = prepare(BuildOptions(small_cluster.root), Problems())
    assert context.addresses
    assert context.addresses.pages_of("ulanhot")["zwdt/portal-spring.html"].source == "content/portal/zwdt/spring.md"
    assert "zwdt/portal-spring.html" not in context.addresses.pages_of("tjj")


def test_two_copies_writing_the_same_page_of_a_receiver_is_an_error(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.site("a", "甲局", kind="department", url="https://a.xam.gov.cn/", columns=(("tzgg", "通知公告", "news"),))
    repo.site("a-b", "甲乙局", kind="department", url="https://a-b.xam.gov.cn/", columns=(("tzgg", "通知公告", "news"),))
    repo.write("content/a/tzgg/one.md", article("甲局通知", Slug="b-x", Syndicate="ulanhot"))
    repo.write("content/a-b/tzgg/two.md", article("甲乙局通知", Slug="x", Syndicate="ulanhot"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert "duplicate-slug: Syndicate: the copy in 'ulanhot' would be ulanhot/tzgg/a-b-x.html, which is already content/a/tzgg/one.md" in result.output
