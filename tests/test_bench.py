"""The benchmarks' own machinery: the plain-Pelican baseline of ``bench/hugo_bench.py`` (the corpus
converted to one Pelican project per site builds with plain Pelican into the page kinds the Hugo
layout has, so the bench compares like with like: one site of a tiny corpus, one ``pelican`` run),
and ``make_corpus.py --sites N --pages-per-site M`` for the 1,000-site simulation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, tree_digest

import build as build_cli

sys.path.insert(0, str(REPO / "bench"))

from hugo_bench import pelican_sites  # noqa: E402
from make_corpus import make_corpus  # noqa: E402


def test_the_corpus_converted_to_plain_pelican_builds_every_page_kind(tmp_path: Path) -> None:
    make_corpus(tmp_path / "corpus", 60, departments=0)
    sites = pelican_sites(tmp_path / "corpus", tmp_path / "pelican")
    assert [s.name for s in sites] == sorted(p.stem for p in (tmp_path / "corpus" / "sites").glob("*.toml"))
    portal = tmp_path / "pelican" / "portal"
    sources = sorted((tmp_path / "corpus" / "content" / "portal").rglob("*.md"))
    converted = (portal / "content" / sources[0].relative_to(tmp_path / "corpus" / "content" / "portal")).read_text(encoding="utf-8")
    assert converted.startswith("Title: ") and "{filename}" not in converted and "site:" not in converted and "{static}" not in converted
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "pelican", "--quiet", "content", "--settings", "pelicanconf.py", "--output", str(out)], cwd=portal, check=True)
    for source in sources:  # every item at its column/slug.html
        assert (out / source.parent.name / f"{source.stem}.html").is_file(), source
    page = (out / sources[0].parent.name / f"{sources[0].stem}.html").read_text(encoding="utf-8")
    assert "相关信息" in page and page.count(f'<li><a href="/{sources[0].parent.name}/') >= 1 and "/ulanhot/" in page  # related items, cluster nav
    columns = {s.parent.name for s in sources}
    for column in columns:
        assert (out / column / "index.html").is_file() and (out / "feeds" / f"{column}.atom.xml").is_file()
    assert {"index.html", "sitemap.xml", "feeds", "files", "theme"} <= {p.name for p in out.iterdir()}
    assert (out / "files" / "map.svg").is_file() and (out / "theme" / "css" / "site.css").is_file()
    assert not (out / "tags.html").exists() and not (out / "archives.html").exists()  # no page kinds Hugo does not write


def test_a_corpus_of_n_sites_has_m_pages_each_is_the_same_every_time_and_checks(tmp_path: Path) -> None:
    counts = make_corpus(tmp_path / "a", 0, departments=13, pages_per_site=3)
    assert counts["articles"] == 60
    sites = sorted(p.stem for p in (tmp_path / "a" / "sites").glob("*.toml"))
    assert len(sites) == 20 and {"portal", "tjj", "zrzyj", "d0013"} <= set(sites) and "d0014" not in sites
    assert all(len(list((tmp_path / "a" / "content" / s).rglob("*.md"))) == 3 for s in sites)
    make_corpus(tmp_path / "b", 0, departments=13, pages_per_site=3)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    result = CliRunner().invoke(build_cli.cli, ["--root", str(tmp_path / "a"), "check", "--site", "d0013", "--site", "portal"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
