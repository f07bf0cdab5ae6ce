"""Feeds, sitemaps and robots.txt (issue 12), parsed as a feed reader and a crawler would: Atom per
site and per column with valid ids and absolute addresses in every target, a sitemap of every
public page with its last modification, robots.txt naming it; nothing internal or draft in them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import Repo, article, new_repo
from lxml import etree, html

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
INTERNAL_TOKEN = "内部核对口令甲乙丙丁戊己"
DRAFT_TOKEN = "草稿核对口令庚辛壬癸"
TARGETS = ("preview", "production", "intranet")
#: the host every address of a site names, per target (preview: the documented default base)
HOSTS = {
    "preview": {"portal": "localhost:8000", "ulanhot": "localhost:8000", "tjj": "localhost:8000"},
    "production": {"portal": "www.xam.gov.cn", "ulanhot": "www.wlht.gov.cn", "tjj": "tjj.xam.gov.cn"},
    "intranet": {"portal": "www.xam.gov.cn", "ulanhot": "wlht.zw.xam", "tjj": "tjj.xam.gov.cn"},
}


def fill(repo: Repo) -> Repo:
    """Three sites; a syndicated item, a modified item, an internal and a draft item with tokens,
    and a column with no items (its feed must still be reproducible)."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='intranet_url = "http://wlht.zw.xam/"')
    repo.site(
        "tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", columns=(("gzdt", "工作动态", "news"), ("tzgg", "通知公告", "news")),
        extra="[pelican]\nsettings = { DEFAULT_PAGINATION = 1 }\n",  # 工作动态 has two list pages
    )
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming", Modified="2026-03-20"))
    repo.write("content/portal/tzgg/holiday.md", article("关于清明节放假的通知", "2026-03-28", Slug="qingming", Syndicate="ulanhot"))
    repo.write("content/portal/zwdt/secret.md", article("内部通报", "2026-03-05", Slug="internal-report", Visibility="internal", body=f"{INTERNAL_TOKEN}。"))
    repo.write("content/portal/tzgg/draft.md", article("未定稿通知", "2026-03-06", Slug="draft-notice", Status="draft", body=f"{DRAFT_TOKEN}。"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    repo.write("content/tjj/gzdt/older.md", article("2025年前三季度兴安盟经济运行情况", "2025-10-20", Slug="economy-2025-q3", Modified="2025-11-02"))
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill(new_repo(tmp_path_factory.mktemp("feeds") / "repo"))
    for target in TARGETS:
        result = repo.run("build", "--target", target)
        assert result.exit_code == 0, result.stderr
    return repo


def site_ids(repo: Repo, target: str) -> list[str]:
    return sorted(p.name for p in repo.out(target=target).iterdir() if p.is_dir() and (p / "index.html").is_file())


def feeds_of(repo: Repo, target: str, site: str) -> dict[str, feedparser.FeedParserDict]:
    folder = repo.out(site, "feeds", target=target)
    return {path.name: feedparser.parse(path.read_bytes()) for path in sorted(folder.glob("*.atom.xml"))}


def is_valid_id(value: str) -> bool:
    """A ``tag:`` URI with an authority (RFC 4151) or an absolute http(s) address."""
    if value.startswith("tag:"):
        return re.fullmatch(r"tag:[A-Za-z0-9.\-]+(:[0-9]+)?,\d{4}(-\d{2}(-\d{2})?)?:\S+", value) is not None and "None" not in value
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.mark.parametrize("target", TARGETS)
def test_every_feed_parses_with_valid_unique_ids_and_absolute_links(built: Repo, target: str) -> None:
    for site in site_ids(built, target):
        feeds = feeds_of(built, target, site)
        assert "all.atom.xml" in feeds
        for name, feed in feeds.items():
            assert not feed.bozo, (site, name, feed.get("bozo_exception"))
            assert is_valid_id(feed.feed.id), feed.feed.id
            self_link = next(link.href for link in feed.feed.links if link.rel == "self")
            assert self_link == f"{site_home(built, target, site)}feeds/{name}"
            ids = [entry.id for entry in feed.entries]
            assert len(ids) == len(set(ids)), (site, name, ids)
            for entry in feed.entries:
                assert is_valid_id(entry.id), entry.id
                link = urlsplit(entry.link)
                assert link.scheme in ("http", "https") and link.netloc in HOSTS[target].values(), entry.link
                assert entry.id.startswith(f"tag:{link.hostname},"), (entry.id, entry.link)


def site_home(repo: Repo, target: str, site: str) -> str:
    """The site's absolute home for the target (preview: the documented default base)."""
    if target == "preview":
        return f"http://localhost:8000/{site}/"
    scheme = "http" if HOSTS[target][site] == "wlht.zw.xam" else "https"
    return f"{scheme}://{HOSTS[target][site]}/"


@pytest.mark.parametrize("target", TARGETS)
def test_own_entries_link_the_sites_host_and_copies_their_origin(built: Repo, target: str) -> None:
    feed = feeds_of(built, target, "ulanhot")["all.atom.xml"]
    links = {entry.title: entry.link for entry in feed.entries}
    assert links["乌兰浩特市停水通知"] == site_home(built, target, "ulanhot") + "tzgg/water.html"
    # the copy of the portal's notice carries the original's (canonical) address, not the copy's
    assert links["关于清明节放假的通知"] == site_home(built, target, "portal") + "tzgg/qingming.html"
    portal = feeds_of(built, target, "portal")["all.atom.xml"]
    assert {e.id for e in portal.entries if e.title == "关于清明节放假的通知"} == {e.id for e in feed.entries if e.title == "关于清明节放假的通知"}


@pytest.mark.parametrize("target", TARGETS)
def test_column_feeds_hold_only_their_columns_items(built: Repo, target: str) -> None:
    for site in site_ids(built, target):
        feeds = feeds_of(built, target, site)
        everything = feeds["all.atom.xml"].entries
        columns = [name.removesuffix(".atom.xml") for name in feeds if name != "all.atom.xml"]
        assert columns, site
        for column in columns:
            entries = feeds[f"{column}.atom.xml"].entries
            assert all(t.term == column for e in entries for t in e.tags), (site, column)
            assert {e.id for e in entries} == {e.id for e in everything if any(t.term == column for t in e.tags)}
    assert feeds_of(built, target, "portal")["tzgg.atom.xml"].feed.title == "兴安盟行政公署 - 通知公告"


def test_an_empty_columns_feed_has_a_fixed_date_not_the_clock(built: Repo) -> None:
    feed = feeds_of(built, "production", "tjj")["tzgg.atom.xml"]
    assert not feed.bozo and feed.entries == []
    assert feed.feed.updated.startswith("1970-01-01")


def sitemap(repo: Repo, target: str, site: str) -> dict[str, str | None]:
    """``<loc>`` → ``<lastmod>`` (None when absent) of a site's sitemap, parsed as XML."""
    tree = etree.parse(str(repo.out(site, "sitemap.xml", target=target)))
    assert tree.getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS) for u in tree.getroot().findall("s:url", SITEMAP_NS)}


def public_pages(repo: Repo, target: str, site: str) -> set[str]:
    """The site's HTML pages a crawler should list: all but 404 and syndicated copies (their
    canonical address is the original's, in the origin's sitemap)."""
    folder = repo.out(site, target=target)
    pages = set()
    for path in folder.rglob("*.html"):
        rel = path.relative_to(folder).as_posix()
        if rel in ("404.html", "search.html"):  # not pages to find from a search engine (noindex)
            continue
        home = site_home(repo, target, site)
        canonical = html.parse(str(path)).getroot().xpath("//link[@rel='canonical']/@href")
        if canonical and not canonical[0].startswith((home, f"/{site}/")):
            continue  # a copy: its canonical address is another site's
        pages.add(home + rel.removesuffix("index.html"))
    return pages


@pytest.mark.parametrize("target", TARGETS)
def test_sitemap_lists_every_public_page_with_its_last_modification(built: Repo, target: str) -> None:
    for site in site_ids(built, target):
        entries = sitemap(built, target, site)
        assert set(entries) == public_pages(built, target, site), site
        for loc, lastmod in entries.items():
            assert urlsplit(loc).netloc == HOSTS[target][site], loc
            if loc.endswith(".html") or loc == site_home(built, target, site):
                assert lastmod and re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod), (loc, lastmod)
    portal = sitemap(built, target, "portal")
    assert portal[site_home(built, target, "portal") + "zwdt/spring-farming.html"] == "2026-03-20"  # Modified, not Date
    tjj = sitemap(built, target, "tjj")
    assert tjj[site_home(built, target, "tjj") + "gzdt/"] == "2026-01-20"
    assert tjj[site_home(built, target, "tjj") + "gzdt/page/2/"] == "2025-11-02"  # the newest item on that list page
    assert portal[site_home(built, target, "portal")] == "2026-03-28"  # the newest item shown


@pytest.mark.parametrize("target", TARGETS)
def test_robots_txt_names_the_sitemap(built: Repo, target: str) -> None:
    for site in site_ids(built, target):
        lines = built.out(site, "robots.txt", target=target).read_text(encoding="utf-8").splitlines()
        assert f"Sitemap: {site_home(built, target, site)}sitemap.xml" in lines


@pytest.mark.parametrize("target", TARGETS)
def test_every_page_head_links_the_site_feed_and_column_pages_their_columns(built: Repo, target: str) -> None:
    folder = built.out("ulanhot", target=target)
    for path in folder.rglob("*.html"):
        root = html.parse(str(path)).getroot()
        feeds = root.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert "/feeds/all.atom.xml" in " ".join(feeds), path
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(("tzgg/", "zwdt/")):
            column = rel.split("/")[0]
            assert any(href.endswith(f"/feeds/{column}.atom.xml") for href in feeds), (rel, feeds)
            assert (folder / "feeds" / f"{column}.atom.xml").is_file()


@pytest.mark.parametrize("target", ["preview", "production"])
def test_no_internal_or_draft_item_in_feeds_sitemaps_or_robots(built: Repo, target: str) -> None:
    for site in site_ids(built, target):
        folder = built.out(site, target=target)
        for path in [*folder.glob("feeds/*.xml"), folder / "sitemap.xml", folder / "robots.txt"]:
            text = path.read_text(encoding="utf-8")
            for token in (INTERNAL_TOKEN, DRAFT_TOKEN, "internal-report", "draft-notice", "内部通报", "未定稿通知"):
                assert token not in text, (path, token)


def test_the_intranet_feed_does_carry_the_internal_item(built: Repo) -> None:
    """The planted item is real: the intranet publishes it, so the public targets left it out."""
    titles = [e.title for e in feeds_of(built, "intranet", "portal")["all.atom.xml"].entries]
    assert "内部通报" in titles and "未定稿通知" not in titles
    assert site_home(built, "intranet", "portal") + "zwdt/internal-report.html" in sitemap(built, "intranet", "portal")


def test_base_url_sets_the_preview_host_of_feeds_sitemaps_and_robots(built: Repo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = built.run("build", "--site", "ulanhot", "--base-url", "https://preview.example.org:8443/", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Sitemap: https://preview.example.org:8443/ulanhot/sitemap.xml" in (out / "ulanhot" / "robots.txt").read_text(encoding="utf-8")
    locs = etree.parse(str(out / "ulanhot" / "sitemap.xml")).getroot().xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert locs and all(loc.startswith("https://preview.example.org:8443/ulanhot/") for loc in locs)
    feed = feedparser.parse((out / "ulanhot" / "feeds" / "all.atom.xml").read_bytes())
    assert all(e.id.startswith("tag:preview.example.org,") for e in feed.entries)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base-url", "localhost:8000"), "must be a scheme and host"),
        (("--base-url", "http://localhost:8000/sub/"), "must be a scheme and host"),
        (("--base-url", "https://preview.example.org", "--target", "production"), "--base-url is for the preview target only"),
    ],
)
def test_a_bad_base_url_is_a_usage_error(built: Repo, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = built.run("build", *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("per_page", [1, 2, 3, 20])
@pytest.mark.parametrize("orphans", [0, 1, 2])
def test_list_pages_split_as_pelicans_paginator(per_page: int, orphans: int) -> None:
    """The sitemap names each list page Pelican writes, with the items it shows."""
    from pelican.paginator import Paginator

    from zhanqun.render.pelican_plugin import list_pages

    for count in range(0, 9):
        items = list(range(count))
        paginator = Paginator("x", "x", items, {"DEFAULT_ORPHANS": orphans}, per_page)
        expected = [(n, paginator.page(n).object_list) for n in paginator.page_range]
        assert list_pages(items, per_page, orphans) == expected, (count, per_page, orphans)
    assert list_pages([1, 2, 3], False) == [(1, [1, 2, 3])]


def test_disclosure_pages_have_the_newest_change_of_what_they_list(tmp_path: Path) -> None:
    from column_fixtures import column_cluster
    from column_fixtures import new_repo as column_repo

    repo = column_cluster(column_repo(tmp_path / "repo"))
    result = repo.run("build", "--site", "ulanhot")
    assert result.exit_code == 0, result.output
    entries = sitemap(repo, "preview", "ulanhot")
    home = "http://localhost:8000/ulanhot/"
    documents = [lastmod for loc, lastmod in entries.items() if loc.startswith(home + "zfwj/") and loc.endswith(".html")]
    assert documents and entries[home + "zfxxgk/fdzdgknr/"] == max(documents)  # the directory lists the documents
    assert entries[home + "zfxxgk/ndbg/"] is None  # no report yet: nothing to date it by, and never the clock
