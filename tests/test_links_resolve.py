"""The resolver on its own (no rendering): what each kind of reference becomes, per target."""

from __future__ import annotations

import pytest
from conftest import Repo, article

from zhanqun.errors import Problems
from zhanqun.pipeline import BuildOptions, prepare


@pytest.fixture
def cluster(small_cluster: Repo) -> Repo:
    small_cluster.write("content/ulanhot/files/map.png", b"\x89PNG")
    small_cluster.write("content/ulanhot/files/clip.mp4", b"\x00\x00\x00\x18ftypmp42")
    small_cluster.write("content/ulanhot/zwdt/video.md", article(
        "视频新闻", "2026-04-03", "正文。", Slug="video", Poster="{static}/files/map.png",
        Summary="详见[河](site:ulanhot/zwdt/river.md)与`site:x`", Video="{static}/files/clip.mp4"))
    return small_cluster


@pytest.mark.parametrize(
    ("target", "base", "river"),
    [
        ("preview", "/ulanhot/", "/ulanhot/zwdt/river.html"),
        ("production", "https://www.wlht.gov.cn/", "https://www.wlht.gov.cn/zwdt/river.html"),
        ("intranet", "http://wlht.zw.xam/", "http://wlht.zw.xam/zwdt/river.html"),
    ],
)
def test_header_values_and_summary_are_resolved_for_the_target(cluster: Repo, target: str, base: str, river: str) -> None:
    problems = Problems()
    context = prepare(BuildOptions(cluster.root, target), problems)
    assert context.resolver
    _, meta = context.resolver.rewritten(context.index.get("ulanhot", "zwdt/video.md"), problems)
    assert not problems.errors
    assert (meta["Poster"], meta["Video"]) == (f"{base}files/map.png", f"{base}files/clip.mp4")
    assert meta["Summary"] == f"详见[河]({river})与`site:x`"


def test_a_copy_reuses_the_originals_text_and_reports_once(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/spring.md", article("春耕", body="[错](site:nowhere)", Slug="spring", Syndicate="counties"))
    problems = Problems()
    context = prepare(BuildOptions(cluster.root), problems)
    assert context.resolver
    item = context.index.get("portal", "zwdt/spring.md")
    first = context.resolver.rewritten(item, problems)
    second = context.resolver.rewritten(item, problems)
    assert first == second
    assert [p.code for p in problems.errors] == ["unknown-site"]
