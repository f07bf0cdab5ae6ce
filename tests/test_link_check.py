"""The link check of the output: unit tests of the checker on hand-written pages, and builds that
must fail because a template, a raw link or Pelican left a broken link."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Repo, article, copy_repo, make_repo, problem_lines, tree_digest

from zhanqun.errors import Problems
from zhanqun.links.link_check import LinkChecker, SiteFiles, check_output
from zhanqun.pipeline import BuildOptions, prepare


def write_cluster(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='intranet_url = "http://www.zw.xam/"')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "[盟行署](site:portal)", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))


# --- the checker on hand-written pages ----------------------------------------------------------


@pytest.fixture
def checker_for(repo: Repo, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A checker for a target over a fake output: portal and ulanhot with a few files each."""
    write_cluster(repo)
    out = tmp_path / "out"
    for rel in ("portal/index.html", "portal/zwdt/spring.html", "portal/zwdt/index.html", "ulanhot/index.html",
                "ulanhot/zwdt/index.html", "ulanhot/zwdt/river.html", "ulanhot/files/地图.png"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")

    def make(target: str = "preview") -> LinkChecker:
        context = prepare(BuildOptions(repo.root, target), Problems())
        assert context.addresses
        return LinkChecker(context.addresses, {s: out / s for s in ("portal", "ulanhot")})

    return make


def broken(checker: LinkChecker, html: str, site: str = "ulanhot", page: str = "zwdt/river.html") -> list[tuple[str, str]]:
    _, found = checker.check_page(site, page, html)
    return [(b.value, b.reason) for b in found]


def test_root_relative_link_to_an_existing_page_passes(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    checked, found = checker.check_page("ulanhot", "zwdt/river.html", '<a href="/portal/zwdt/spring.html">x</a>')
    assert (checked, found) == (1, [])


def test_link_to_a_missing_page_is_reported(checker_for) -> None:  # type: ignore[no-untyped-def]
    assert broken(checker_for(), '<a href="/portal/y.html">x</a>') == [("/portal/y.html", "no such page")]


def test_relative_link_is_resolved_against_the_page_address(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    assert broken(checker, '<a href="index.html">a</a><a href="../index.html">b</a>') == []
    assert broken(checker, '<a href="../tzgg/old.html">c</a>') == [("../tzgg/old.html", "no such page")]


def test_relative_links_of_pages_in_different_folders_are_not_mixed_up(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    assert broken(checker, '<a href="river.html">x</a>', page="zwdt/index.html") == []
    assert broken(checker, '<a href="river.html">x</a>', page="index.html") == [("river.html", "no such page")]


def test_folder_link_means_its_index_page(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    assert broken(checker, '<a href="/ulanhot/zwdt/">a</a><a href="/ulanhot/zwdt">b</a><a href="/ulanhot/">c</a><a href="/ulanhot">d</a>') == []
    assert broken(checker, '<a href="/ulanhot/tzgg/">x</a>') == [("/ulanhot/tzgg/", "no such page")]


def test_percent_encoding_query_and_fragment_are_handled_like_a_server(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    html = '<img src="/ulanhot/files/%E5%9C%B0%E5%9B%BE.png" alt=""><a href="/ulanhot/zwdt/river.html?from=home#top">x</a><a href="#main">y</a>'
    assert broken(checker, html) == []


def test_dot_segments_are_normalised_and_may_not_leave_the_host(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for()
    assert broken(checker, '<a href="/ulanhot/../portal/zwdt/spring.html">x</a>') == []
    assert broken(checker, '<a href="/nosite/a.html">x</a>') == [("/nosite/a.html", "no site at /nosite/")]


@pytest.mark.parametrize("value", ["{filename}../tzgg/notice.md", "site:portal", "{static}/files/a.png", "|filename|a.md"])
def test_leftover_link_syntax_is_an_error(checker_for, value: str) -> None:  # type: ignore[no-untyped-def]
    _, found = checker_for().check_page("ulanhot", "zwdt/river.html", f'<a href="{value}">x</a>')
    assert [(b.value, b.code) for b in found] == [(value, "unresolved-link")]


def test_every_srcset_candidate_and_poster_is_checked(checker_for) -> None:  # type: ignore[no-untyped-def]
    html = '<img srcset="/ulanhot/files/%E5%9C%B0%E5%9B%BE.png 1x, /ulanhot/files/big.png 2x" alt=""><video poster="/ulanhot/p.jpg"></video>'
    assert broken(checker_for(), html) == [("/ulanhot/files/big.png", "no such file"), ("/ulanhot/p.jpg", "no such file")]


def test_external_links_and_other_schemes_are_not_checked(checker_for) -> None:  # type: ignore[no-untyped-def]
    html = '<a href="https://www.gov.cn/x.html">a</a><a href="mailto:a@b.cn">b</a><a href="tel:0482">c</a><a href="//cdn.example.com/x.js">d</a>'
    assert checker_for().check_page("ulanhot", "zwdt/river.html", html) == (0, [])


def test_production_checks_addresses_on_the_cluster_hosts(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for("production")
    html = '<a href="https://www.xam.gov.cn/zwdt/spring.html">a</a><a href="http://www.xam.gov.cn/zwdt/gone.html">b</a><a href="/zwdt/">c</a>'
    assert broken(checker, html) == [("http://www.xam.gov.cn/zwdt/gone.html", "no such page")]
    assert checker.check_page("ulanhot", "zwdt/river.html", '<a href="/zwdt/">c</a>')[0] == 1  # root-relative: own host


def test_intranet_checks_intranet_addresses(checker_for) -> None:  # type: ignore[no-untyped-def]
    checker = checker_for("intranet")
    assert broken(checker, '<a href="http://www.zw.xam/zwdt/spring.html">a</a><a href="http://www.zw.xam/gone.html">b</a>') == [
        ("http://www.zw.xam/gone.html", "no such page")
    ]


def test_site_without_output_is_checked_against_its_planned_pages(repo: Repo) -> None:
    write_cluster(repo)
    context = prepare(BuildOptions(repo.root), Problems())
    assert context.addresses
    checker = LinkChecker(context.addresses, {}, lambda s: SiteFiles.planned(context.addresses, s, repo.root))
    html = '<a href="/portal/zwdt/spring.html">a</a><a href="/portal/zwdt/">b</a><a href="/portal/theme/css/gov.css">c</a><a href="/portal/x.html">d</a>'
    assert broken(checker, html) == [("/portal/x.html", "no such page")]


def test_broken_link_on_many_pages_is_reported_a_few_times_and_counted(repo: Repo, tmp_path: Path) -> None:
    write_cluster(repo)
    context = prepare(BuildOptions(repo.root), Problems())
    assert context.addresses
    site = tmp_path / "ulanhot"
    for n in range(8):
        (site / f"zwdt/p{n}.html").parent.mkdir(parents=True, exist_ok=True)
        (site / f"zwdt/p{n}.html").write_text('<a href="/ulanhot/banshi/">办事</a>', encoding="utf-8")
    problems = Problems()
    report = check_output(context.addresses, {"ulanhot": site}, tmp_path / "none", {}, repo.root, repo.root / "output/preview", problems)
    assert (report.pages, report.broken) == (8, 8)
    assert len(problems.errors) == 5
    assert problems.errors[-1].message.endswith("the same link is on 3 more page(s)")
    assert problems.errors[0].path == "output/preview/ulanhot/zwdt/p0.html"


# --- builds that must fail ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A small cluster built once; tests break copies of it."""
    repo = make_repo(tmp_path_factory.mktemp("base") / "repo")
    write_cluster(repo)
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture(scope="module")
def broken_build(base: Repo, tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str, dict[str, str]]:
    """The base cluster with a bad link in a site's override template, and a link in an item that only
    the output can show to be broken (a later list page that the column does not have)."""
    repo = copy_repo(base, tmp_path_factory.mktemp("broken") / "repo")
    before = tree_digest(repo.out())
    repo.write(
        "themes/ulanhot/templates/base.html",
        '{% extends "!theme/base.html" %}{% block utility %}<a href="{{ SITEURL }}/banshi/">办事服务</a>{% endblock %}',
    )
    repo.write("content/ulanhot/tzgg/old.md", article("旧通知", "2026-04-05", "见[更多通知](../tzgg/page/9/)。", Slug="old"))
    result = repo.run("build")
    assert result.exit_code == 1, result.output
    return repo, result.output, before


def test_link_checker_catches_a_broken_template_link(broken_build: tuple[Repo, str, dict[str, str]]) -> None:
    _, output, _ = broken_build
    assert (
        'output/preview/ulanhot/index.html: dead-link: href "/ulanhot/banshi/": no such page '
        "(from a template: themes/ulanhot/templates/ or themes/gov/templates/)" in output
    )
    assert "the same link is on" in output


def test_broken_link_in_an_item_points_back_to_its_source(broken_build: tuple[Repo, str, dict[str, str]]) -> None:
    _, output, _ = broken_build
    assert 'output/preview/ulanhot/tzgg/old.html: dead-link: href "/ulanhot/tzgg/page/9/": no such page (from content/ulanhot/tzgg/old.md)' in output


def test_a_relative_link_to_no_page_is_found_before_rendering_at_its_line(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    repo.write("content/ulanhot/tzgg/old.md", article("旧通知", "2026-04-05", "见[停水](../tzgg/water-old.html)。", Slug="old"))
    for command in (["check"], ["build"]):
        result = repo.run(*command)
        assert result.exit_code == 1
        assert problem_lines(result) == [
            "content/ulanhot/tzgg/old.md:5: broken-link: ../tzgg/water-old.html: there is no page or file tzgg/water-old.html on ulanhot (did you mean '{filename}notice.md'?); "
            "link an item with {filename}…md or site:ulanhot/<column>/<file>.md, a file with {static}/files/…"
        ]


def test_broken_links_leave_the_previous_output_unchanged(broken_build: tuple[Repo, str, dict[str, str]]) -> None:
    repo, output, before = broken_build
    assert "links: " in output and "failed:" in output
    assert tree_digest(repo.out()) == before


def test_reference_that_slipped_past_the_resolver_is_an_error(base: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a reference ever slipped past the resolver (links/resolve.py), the output check must still fail the build
    (Pelican's own link handling is off: it never resolves, and never copies, anything)."""
    from zhanqun.links.resolve import LinkResolver

    repo = copy_repo(base, tmp_path / "repo")
    before = tree_digest(repo.out())
    monkeypatch.setattr(LinkResolver, "rewritten", lambda self, item, problems: (item.body, dict(item.meta)))
    repo.write("content/ulanhot/tzgg/bad.md", article("坏链接", "2026-04-05", "[旧文]({filename}gone.md)", Slug="bad"))
    result = repo.run("build")
    assert result.exit_code == 1
    assert 'output/preview/ulanhot/tzgg/bad.html: unresolved-link: href "{filename}gone.md": unresolved link syntax left in the page' in result.output
    assert tree_digest(repo.out()) == before


def test_site_build_checks_links_into_sites_built_before(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    (repo.out("portal", "index.html")).unlink()  # the portal's home is gone from the current output
    # --no-cache: render ulanhot even though its inputs did not change (else it is left as it is)
    result = repo.run("build", "--site", "ulanhot", "--no-cache")
    assert result.exit_code == 1
    assert 'dead-link: href "/portal/": no such page' in result.output


def test_site_build_in_a_fresh_clone_checks_other_sites_against_their_planned_pages(base: Repo, tmp_path: Path) -> None:
    repo = copy_repo(base, tmp_path / "repo")
    shutil.rmtree(repo.out())
    result = repo.run("build", "--site", "ulanhot")
    assert result.exit_code == 0, result.output
    assert not repo.out("portal").exists()
