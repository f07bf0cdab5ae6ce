"""Property-based tests: random headers, bodies and links never crash the linter or the link resolver."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Repo, article, new_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhanqun.config.sites import Cluster, load_cluster
from zhanqun.content.html_policy import check_html
from zhanqun.content.index import ContentIndex, index_content, read_item
from zhanqun.content.metadata import CHINESE_KEYS, KNOWN_KEYS
from zhanqun.content.source import read_source
from zhanqun.errors import Problems
from zhanqun.links.addresses import TARGETS, AddressMap
from zhanqun.links.resolve import LinkResolver, rewrite_body

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, Cluster, ContentIndex]:
    repo = new_repo(tmp_path_factory.mktemp("props") / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='[publishing]\niframe_hosts = ["player.xam.gov.cn"]')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring"))
    repo.write("content/portal/zwdt/secret.md", article("内部", Slug="secret", Visibility="internal"))
    repo.write("content/portal/zwdt/draft.md", article("草稿", Slug="draft-item", Status="draft"))
    repo.write("content/ulanhot/zwdt/b.md", article("乌兰浩特市推进洮儿河治理", Slug="river"))
    repo.write("content/portal/files/map.png", b"\x89PNG")
    problems = Problems()
    cluster = load_cluster(repo.root, problems)
    index = index_content(repo.root, cluster, problems)
    assert not problems.has_errors(), problems.items
    return repo, cluster, index


# --- strategies -----------------------------------------------------------------------------

keys = st.one_of(
    st.sampled_from(sorted(KNOWN_KEYS)),
    st.sampled_from(sorted(KNOWN_KEYS)).map(str.lower),
    st.sampled_from(sorted(CHINESE_KEYS)),
    st.text(min_size=1, max_size=12),
)
separators = st.sampled_from([": ", ":", " : ", "：", "： ", "=", " ", ":\t"])
values = st.one_of(
    st.sampled_from(["2026-03-01", "2026年3月1日", "2026-02-30", "draft", "internal", "草稿", "ulanhot, counties", "a;b", "Spring Farming", "index", "<script>x</script>", "javascript:x", ""]),
    st.text(max_size=40),
)
header_lines = st.lists(st.tuples(keys, separators, values).map(lambda t: f"{t[0]}{t[1]}{t[2]}"), max_size=8)
#: Header lines that are one line each and not blank (a blank line ends the header by design).
single_header_lines = st.lists(
    st.tuples(keys, separators, values).map(lambda t: f"{t[0]}{t[1]}{t[2]}").filter(lambda line: line.strip() and "\n" not in line and "\r" not in line),
    max_size=8,
)
link_prefixes = st.sampled_from(["site:", "{filename}", "{static}", "{attach}", "site:portal/", "site:ulanhot/zwdt/", "{filename}../", "{static}/files/", ""])
link_paths = st.one_of(
    st.sampled_from(["zwdt/a.md", "zwdt/secret.md", "zwdt/draft.md", "b.md", "../../etc/passwd", "files/map.png", "../files/map.png", "x.md#frag", "a.md?x=1", "/", "", "..", "\x00", "a" * 300]),
    st.text(max_size=30),
)
links = st.tuples(st.sampled_from(["[x](", "![x](", '<a href="', "<img src=", "[r]: ", " "]), link_prefixes, link_paths, st.sampled_from([")", '">', "", "\n"])).map("".join)
body_parts = st.one_of(
    st.text(max_size=40),
    links,
    st.sampled_from(["\n", "\n\n", "```\n", "`", "<div>", "</div>", "<script>", "<iframe src=\"//v.example\">", "<p onclick='x'>", "<a href=javascript:x>", "<!--", "-->", "<![CDATA[", "&#", "<"]),
)
bodies = st.lists(body_parts, max_size=12).map("".join)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


def document(header: list[str], body: str, end: str) -> str:
    return end.join(header) + end + end + body.replace("\n", end)


def assert_located(problems: Problems, path: str, last_line: int) -> None:
    for problem in problems:
        assert problem.path == path
        assert problem.code and problem.message
        assert problem.line is None or 1 <= problem.line <= last_line, problem


# --- the linter -----------------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_reported_never_raised(raw: bytes) -> None:
    problems = Problems()
    source = read_source(raw, "content/portal/zwdt/x.md", problems)
    assert source is not None or problems.has_errors()


@SETTINGS
@given(header_lines, bodies, line_ends, encodings)
def test_random_headers_and_bodies_lint_without_exceptions(world: tuple[Repo, Cluster, ContentIndex], header: list[str], body: str, end: str, encoding: str) -> None:
    _, cluster, _ = world
    site = cluster["portal"]
    text = document(header, body, end)
    raw = text.encode(encoding, errors="replace")
    problems = Problems()
    item = read_item(raw, site, site.columns[0], "zwdt/x.md", "content/portal/zwdt/x.md", problems)
    # a file with errors is still indexed, marked broken (never rendered), unless it has no header
    assert (item is None or item.broken) == problems.has_errors()
    normalised = raw.decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    assert_located(problems, "content/portal/zwdt/x.md", normalised.count("\n") + 1)


@SETTINGS
@given(single_header_lines, bodies)
def test_no_header_line_is_silently_dropped(world: tuple[Repo, Cluster, ContentIndex], header: list[str], body: str) -> None:
    _, cluster, _ = world
    site = cluster["portal"]
    problems = Problems()
    text = document(["Title: 测试标题", "Date: 2026-03-01", *header], body + "\n正文。", "\n")
    item = read_item(text.encode(), site, site.columns[0], "zwdt/x.md", "content/portal/zwdt/x.md", problems)
    if item is not None and not item.broken:  # every header line was read: one that was not would have been an error
        assert len(item.meta) == 2 + len(header) - sum(1 for line in header if line.startswith((" ", "\t")))


@SETTINGS
@given(bodies, st.integers(min_value=1, max_value=50))
def test_html_policy_never_raises_and_locates_inside_the_text(body: str, first_line: int) -> None:
    problems = Problems()
    check_html(body, first_line, "x.md", ("player.xam.gov.cn",), problems)
    for problem in problems:
        assert first_line <= (problem.line or 0) <= first_line + body.count("\n")


# --- the link resolver ----------------------------------------------------------------------


@SETTINGS
@given(bodies, st.sampled_from(sorted(TARGETS)), st.sampled_from(["portal", "ulanhot"]))
def test_random_links_resolve_or_are_located_never_raise(world: tuple[Repo, Cluster, ContentIndex], body: str, target: str, site_id: str) -> None:
    repo, cluster, index = world
    addresses = AddressMap(cluster, index, TARGETS[target])
    resolver = LinkResolver(repo.root, addresses)
    base = index.of_site(site_id)[0]
    item = replace(base, body=body, body_line=5)
    problems = Problems()
    rewritten = rewrite_body(item, resolver, problems)
    assert isinstance(rewritten, str)
    for problem in problems:
        assert problem.path == base.source
        assert 5 <= (problem.line or 0) <= 5 + body.count("\n")


@SETTINGS
@given(st.tuples(link_prefixes, link_paths).map("".join), st.sampled_from(sorted(TARGETS)))
def test_resolver_answers_every_reference(world: tuple[Repo, Cluster, ContentIndex], ref: str, target: str) -> None:
    repo, cluster, index = world
    resolver = LinkResolver(repo.root, AddressMap(cluster, index, TARGETS[target]))
    for item in index.items:
        resolution = resolver.resolve(ref, item)
        assert (resolution.url is None) == (resolution.error is not None)


def test_world_fixture_has_items(world: tuple[Repo, Cluster, ContentIndex]) -> None:
    _, _, index = world
    assert {item.slug for item in index.items} >= {"spring", "secret", "draft-item", "river"}
    assert Path(world[0].root / "content" / "portal" / "files" / "map.png").is_file()
