"""The shortcuts that make a site's render cheaper give exactly what they replace: ``confine``
without ``realpath`` where no folder on the way is a link, an item's ``url`` computed once,
stage dates read without ``dateutil``, the theme's ISO days without Pelican's ``strftime``, one item-by-link map for all of a site's feeds, ``PubDate`` and ``lastmod`` without ``strftime``. Each is
compared with the slow way it replaces (the builds' byte-identity tests cover the whole site).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category
from pelican.utils import SafeDatetime, get_date

from zhanqun.paths import UnsafePath, confine, normalise
from zhanqun.render import pelican_plugin
from zhanqun.render.pelican_plugin import StagedItemReader, pin_addresses

QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def confine_by_realpath(base: Path, rel: str) -> Path:
    """``paths.confine`` as it was: every folder resolved, every time (the oracle)."""
    clean = normalise(rel)
    real_base = Path(os.path.realpath(base))
    candidate = base / clean
    real_parent = Path(os.path.realpath(candidate.parent))
    if real_parent != real_base and real_base not in real_parent.parents:
        raise UnsafePath("outside")
    if candidate.is_symlink():
        raise UnsafePath("link")
    return candidate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site folder with real folders, links to folders inside and outside it, links to files,
    a dangling link and a file where a folder might be expected; reached through a linked base too."""
    top = tmp_path_factory.mktemp("confine")
    site = top / "real-site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "page.html").write_text("x", encoding="utf-8")
    (site / "file").write_text("x", encoding="utf-8")
    (top / "outside" / "deep").mkdir(parents=True)
    os.symlink(top / "outside", site / "out")
    os.symlink(top / "outside", site / "a" / "out")
    os.symlink(site / "a" / "b", site / "inner")
    os.symlink("../..", site / "a" / "b" / "up")  # back to the site folder
    os.symlink("../../..", site / "a" / "b" / "upper")  # above it
    os.symlink(site / "a" / "b" / "page.html", site / "a" / "page-link.html")
    os.symlink(top / "nowhere", site / "dangling")
    os.symlink(site, top / "linked-site")
    return top


PARTS = ["a", "b", "out", "inner", "up", "upper", "page.html", "page-link.html", "dangling", "file", "new", "deep", "x.html", ".."]


@QUICK
@given(base_name=st.sampled_from(["real-site", "linked-site"]), parts=st.lists(st.sampled_from(PARTS), min_size=1, max_size=6))
def test_confine_decides_as_resolving_every_folder_did(world: Path, base_name: str, parts: list[str]) -> None:
    base, rel = world / base_name, "/".join(parts)
    try:
        expected: Path | type[Exception] = confine_by_realpath(base, rel)
    except UnsafePath:
        expected = UnsafePath
    try:
        found: Path | type[Exception] = confine(base, rel)
    except UnsafePath:
        found = UnsafePath
    assert found == expected


def test_confine_still_refuses_a_link_out_deep_down_and_a_link_as_the_file(world: Path) -> None:
    site = world / "real-site"
    with pytest.raises(UnsafePath):
        confine(site, "a/out/deep/x.html")
    with pytest.raises(UnsafePath):
        confine(site, "a/b/upper/outside/x.html")
    with pytest.raises(UnsafePath):
        confine(site, "a/page-link.html")
    assert confine(site, "a/b/up/a/x.html") == site / "a/b/up/a/x.html"  # through a link that stays inside
    assert confine(site, "new/folders/x.html") == site / "new/folders/x.html"


def site_settings(**more: object) -> dict:
    settings = dict(DEFAULT_CONFIG)
    settings.update(
        PATH="/staged/site",
        ARTICLE_URL="{category}/{slug}.html",
        ARTICLE_SAVE_AS="{category}/{slug}.html",
        ARTICLE_LANG_URL="{category}/{slug}-{lang}.html",
        DEFAULT_LANG="zh-cn",
        PLUGINS=[pelican_plugin.__name__],
    )
    settings.update(more)
    return settings


def item(settings: dict, slug: str, column: str, **metadata: object) -> Article:
    values = {"title": slug, "date": SafeDatetime(2026, 4, 1), "slug": slug, "category": Category(column, settings), **metadata}
    return Article("<p>x</p>", metadata=values, settings=settings, source_path=f"/staged/site/{column}/{slug}.md.zq")


def generator(settings: dict, articles: list[Article], translations: list[Article] = ()) -> SimpleNamespace:
    return SimpleNamespace(
        settings=settings, articles=articles, translations=list(translations), hidden_articles=[], hidden_translations=[], drafts=[], drafts_translations=[]
    )


def test_an_items_url_is_pinned_to_what_pelican_computes() -> None:
    settings = site_settings()
    articles = [item(settings, "n1", "zwdt"), item(settings, "n2", "tzgg"), item(settings, "n3", "zwdt", status="hidden")]
    translation = item(settings, "n1", "zwdt", lang="mn-mong")
    computed = [a.url for a in [*articles, translation]]
    pin_addresses(generator(settings, articles, [translation]))
    assert [a.override_url for a in [*articles, translation]] == computed == ["zwdt/n1.html", "tzgg/n2.html", "zwdt/n3.html", "zwdt/n1-mn-mong.html"]
    articles[0].slug = "renamed"  # pinned: later changes are not followed (only sites without plugins pin)
    assert articles[0].url == "zwdt/n1.html"
    assert not any(hasattr(a, "override_save_as") for a in articles)  # Pelican would write them with override_output


def test_a_site_with_its_own_plugins_keeps_pelicans_urls() -> None:
    settings = site_settings(PLUGINS=[pelican_plugin.__name__, "stamp"])
    articles = [item(settings, "n1", "zwdt")]
    pin_addresses(generator(settings, articles))
    assert not hasattr(articles[0], "override_url")
    articles[0].slug = "renamed"  # a plugin changed it later: Pelican follows
    assert articles[0].url == "zwdt/renamed.html"


MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)).map(lambda d: d.replace(microsecond=0))


@QUICK
@given(moment=MOMENTS, shape=st.sampled_from(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M+08:00"]))
def test_a_stage_date_reads_as_pelicans_reader_reads_it(moment: datetime, shape: str) -> None:
    text = moment.strftime(shape)
    found = StagedItemReader(site_settings())._value("date", text)
    expected = get_date(text.replace("_", " "))
    assert (type(found), found, found.tzinfo) == (type(expected), expected, expected.tzinfo)


@QUICK
@given(moment=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_the_themes_iso_day_is_what_pelicans_strftime_writes(moment: datetime) -> None:
    day = SafeDatetime.fromtimestamp(0).replace(year=moment.year, month=moment.month, day=moment.day, hour=moment.hour, minute=moment.minute)
    assert pelican_plugin.iso_day(day) == day.strftime("%Y-%m-%d") == str(pelican_plugin.page_date(day))
    assert pelican_plugin.iso_day(day.date()) == day.date().strftime("%Y-%m-%d")


@QUICK
@given(moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), others=st.lists(st.datetimes(min_value=datetime(1, 1, 1)), max_size=3))
def test_the_themes_minute_and_lastmod_are_what_pelicans_strftime_writes(moment: datetime, others: list[datetime]) -> None:
    stamp = SafeDatetime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    assert pelican_plugin.iso_minute(stamp) == stamp.strftime("%Y-%m-%d %H:%M")
    items = [SimpleNamespace(date=SafeDatetime(d.year, d.month, d.day), modified=None) for d in [moment, *others]]
    assert pelican_plugin.lastmod(items) == max(i.date for i in items).strftime("%Y-%m-%d")


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-04-01 25:00", "2026-04-01 08:61"])
def test_an_impossible_stage_date_is_refused_as_pelican_refuses_it(text: str) -> None:
    with pytest.raises(ValueError) as ours:
        StagedItemReader(site_settings())._value("date", text)
    with pytest.raises(ValueError) as pelicans:
        get_date(text)
    assert str(ours.value) == str(pelicans.value)


def test_the_feed_map_is_made_once_per_site_and_again_for_another() -> None:
    settings = site_settings()
    first = [item(settings, "n1", "zwdt"), item(settings, "n2", "zwdt")]
    context = {"SITEURL": "/tuquan", "articles": first}
    links = pelican_plugin._articles_by_link(context)
    assert links == {"/tuquan/zwdt/n1.html": first[0], "/tuquan/zwdt/n2.html": first[1]}
    assert pelican_plugin._articles_by_link(dict(context)) is links  # the site's next feed: the same map
    other = [item(settings, "n9", "tzgg")]
    assert pelican_plugin._articles_by_link({"SITEURL": "/kyqq", "articles": other}) == {"/kyqq/tzgg/n9.html": other[0]}
    first.append(item(settings, "n3", "zwdt"))  # a list that grew is mapped again
    assert "/tuquan/zwdt/n3.html" in pelican_plugin._articles_by_link(context)



def test_summaries_are_cut_by_pelicans_own_file_without_importing_pelican() -> None:
    """The build's process loads ``pelican/utils.py`` alone (``render/pelican_utils.py``): the
    summaries are those Pelican's module cuts, and Pelican itself is not imported for them."""
    import subprocess
    import sys

    import pelican.utils

    from zhanqun.render.stage import summary_of

    samples = [
        "<p>" + "政务公开 " * 80 + "</p>",
        '<div class="toc"><ul><li>目录</li></ul></div><p>第一段 <a href="/a.html">链接</a> 文字。</p>' * 20,
        "<p>短</p>",
        "<p>a &amp; b &#x4E00; <br/> " + "字" * 500 + "</p>",
    ]
    for html_text in samples:
        for words in (1, 5, 50):
            expected = pelican.utils.strip_toc_elements_from_html(pelican.utils.truncate_html_words(html_text, words, "…"))
            assert summary_of(html_text, words, "…") == expected
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from zhanqun.render.stage import summary_of\n"
        "from zhanqun.render.pelican_utils import STANDALONE\n"
        "print(summary_of('<p>' + '字 ' * 80 + '</p>', 3, '…'), 'pelican' in sys.modules, STANDALONE in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["<p>字", "字", "字", "…</p>", "False", "True"]
