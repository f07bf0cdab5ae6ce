"""The repository's own sample cluster builds clean and is as large as issue 2 asks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import build as build_cli
from zhanqun.config.sites import load_cluster
from zhanqun.content.index import index_content
from zhanqun.errors import Problems


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "preview"
    result = CliRunner().invoke(build_cli.cli, ["--root", str(REPO), "build", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_sample_cluster_has_the_promised_content() -> None:
    problems = Problems()
    cluster = load_cluster(REPO, problems)
    index = index_content(REPO, cluster, problems)
    assert not problems.has_errors(), [p.format() for p in problems]
    per_site = Counter(item.site for item in index.items if not item.is_draft)
    columns = {site.id: {item.column for item in index.items if item.site == site.id} for site in cluster.sites}
    assert per_site["portal"] >= 40
    assert {"zwdt", "tzgg", "lsxa", "ldzc", "zfwj", "zcjd", "rsrm", "mzxx", "ztzl", "zfxxgk", "bsfw", "zjxa"} <= columns["portal"]
    for county in cluster.of_kind("county"):
        assert per_site[county.id] >= 10, county.id
        assert len(columns[county.id]) >= 4, county.id
    departments = cluster.of_kind("department")
    assert len(departments) >= 5
    for department in departments:
        assert per_site[department.id] >= 6, department.id
    # 蒙古文版: the portal's Mongolian edition, every item a translation of a Chinese one
    [edition] = cluster.editions_of("portal")
    assert (edition.id, edition.lang, edition.url) == ("portal-mn", "mn-Mong", "https://mgl.xam.gov.cn/")
    assert per_site["portal-mn"] >= 10 and {"zwdt", "tzgg", "zfxxgk"} <= columns["portal-mn"]
    assert all(item.meta.get("Translation-Of", "").startswith("site:portal/") for item in index.of_site("portal-mn"))


def test_every_site_of_the_sample_cluster_is_reachable_from_every_other(preview: Path) -> None:
    sites = sorted(p.name for p in preview.iterdir() if p.is_dir())
    assert len(sites) == 13  # 12 Chinese sites and the portal's 蒙古文版
    for site in sites:
        home = (preview / site / "index.html").read_text(encoding="utf-8")
        for other in sites:
            assert f'href="/{other}/"' in home, (site, other)
