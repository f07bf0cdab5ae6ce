"""``check --out DIR`` over the combined output of shards (``publish/combined_output.py``), and the
link check of a shard build, which predicts the other shards' sites (``pipeline.check_links``).

One module-scoped fixture builds the production target of a four-site cluster in two shards into
two folders and copies them into a third, as CI's final job does; every test works on a copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Repo, article, new_repo, problem_lines

from zhanqun import pipeline
from zhanqun.errors import Problems
from zhanqun.links.link_check import SiteFiles

SITES = ("portal", "ulanhot", "arxan", "tjj")
#: The split of ``build --shard I/2`` (every site weighs 2: ids in order, to the lightest share).
SHARD_1, SHARD_2 = ["arxan", "tjj"], ["portal", "ulanhot"]


def _cluster(repo: Repo) -> Repo:
    """Portal, two counties, a department with a 政府信息公开 area; items linking across sites."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='short_name = "兴安盟"')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='short_name = "乌兰浩特市"')
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", extra='short_name = "阿尔山市"')
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", credit_code="11152200MB0000001X",
              extra='short_name = "统计局"', columns=(("gzdt", "工作动态", "news"), ("zfxxgk", "政府信息公开", "disclosure")))
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming",
                                                         body="详见[阿尔山](site:arxan/zwdt/snow.md)和[统计数据](site:tjj/gzdt/data.md)。"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", Slug="river", body="参见[盟里部署](site:portal/zwdt/spring.md)。"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow", body="参见[洮儿河](site:ulanhot/zwdt/river.md)。"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    return repo


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The cluster built for production as shards 1/2 and 2/2 (``shard-1/``, ``shard-2/``) and
    both copied into ``combined/``, which holds every site."""
    repo = _cluster(new_repo(tmp_path_factory.mktemp("combined") / "repo"))
    for n in (1, 2):
        result = repo.run("build", "--target", "production", "--shard", f"{n}/2", "--out", str(repo.root / f"shard-{n}"))
        assert result.exit_code == 0, result.stderr
    for n, sites in ((1, SHARD_1), (2, SHARD_2)):
        assert sorted(p.name for p in (repo.root / f"shard-{n}").iterdir() if not p.name.startswith(".")) == sites
        shutil.copytree(repo.root / f"shard-{n}", repo.root / "combined", dirs_exist_ok=True)
    assert sorted(p.name for p in (repo.root / "combined").iterdir() if not p.name.startswith(".")) == sorted(SITES)
    return repo


@pytest.fixture
def combined(shards: Repo, tmp_path: Path) -> Path:
    """A copy of the combined output, to damage."""
    return Path(shutil.copytree(shards.root / "combined", tmp_path / "combined"))


def check_out(repo: Repo, out: Path, *more: str) -> Result:
    return repo.run("check", "--target", "production", "--out", str(out), *more)


def test_the_combined_output_of_two_shards_passes(shards: Repo) -> None:
    result = check_out(shards, shards.root / "combined")
    assert result.exit_code == 0, result.stderr
    assert "0 broken" in result.stderr
    assert "checked the output of 4 site(s)" in result.stderr
    pages = int(result.stderr.split("links: ")[1].split(" pages")[0])
    assert pages == sum(len(SiteFiles.read(shards.root / "combined" / s).html_pages()) for s in SITES)  # type: ignore[union-attr]


def test_a_page_deleted_in_a_site_of_another_shard_is_a_located_broken_link(shards: Repo, combined: Path) -> None:
    (combined / "arxan" / "zwdt" / "snow.html").unlink()
    result = check_out(shards, combined)
    assert result.exit_code == 1
    dead = problem_lines(result, "dead-link")
    assert any(line.startswith(f"{combined}/portal/zwdt/spring-farming.html: dead-link:") and "https://www.arxan.gov.cn/zwdt/snow.html" in line for line in dead), dead
    assert f"{combined}/arxan/zwdt/snow.html: output-changed: missing (removed after the build)" in result.stderr


def test_a_file_changed_or_added_after_the_build_is_located(shards: Repo, combined: Path) -> None:
    (combined / "tjj" / "index.html").write_text("<html></html>", encoding="utf-8")
    (combined / "ulanhot" / "extra.html").write_text("<html></html>", encoding="utf-8")
    result = check_out(shards, combined)
    assert result.exit_code == 1
    changed = problem_lines(result, "output-changed")
    assert any(line.startswith(f"{combined}/tjj/index.html: output-changed: changed since the build") for line in changed), changed
    assert any(line.startswith(f"{combined}/ulanhot/extra.html: output-changed: not in the manifest") for line in changed), changed


def test_in_chinese_a_changed_file_is_still_named_by_its_path(shards: Repo, combined: Path) -> None:
    """The messages are translated, the path is not: CI annotations point at the file."""
    (combined / "tjj" / "index.html").write_text("<html></html>", encoding="utf-8")
    result = shards.run("--lang", "zh", "--format", "json", "check", "--target", "production", "--out", str(combined))
    assert result.exit_code == 1
    found = [p for p in json.loads(result.stdout) if p["code"] == "output-changed"]
    assert [p["file"] for p in found] == [f"{combined}/tjj/index.html"]
    assert found[0]["message"].startswith("生成后被改动")


def test_external_links_are_tried_only_after_the_combined_checks(shards: Repo, combined: Path) -> None:
    """``--external`` adds to ``--out``, never replaces it: a broken copy fails before any link is tried."""
    (combined / "arxan" / "zwdt" / "snow.html").unlink()
    result = check_out(shards, combined, "--external")
    assert result.exit_code == 1
    assert f"{combined}/arxan/zwdt/snow.html: output-changed: missing (removed after the build)" in result.stderr
    assert problem_lines(result, "dead-link")


def test_a_missing_site_is_an_error(shards: Repo, combined: Path) -> None:
    missing = "tjj"
    shutil.rmtree(combined / missing)
    result = check_out(shards, combined)
    assert result.exit_code == 1
    assert f"{combined}/{missing}: missing-site: site '{missing}' is not in the combined output" in result.stderr
    # ``--site`` checks the named sites only: the others present are link targets
    present = [s for s in SITES if s != missing]
    assert check_out(shards, combined, *(f"--site={s}" for s in present)).exit_code == 0


def test_a_manifest_that_does_not_name_its_site_and_target_is_an_error(shards: Repo, combined: Path) -> None:
    manifest = combined / "tjj" / ".zhanqun" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "target": "preview"}), encoding="utf-8")
    (combined / "arxan" / ".zhanqun" / "manifest.json").unlink()
    result = check_out(shards, combined)
    assert result.exit_code == 1
    assert f"{combined}/tjj/.zhanqun/manifest.json: manifest-mismatch: this folder holds the preview build of 'tjj', not the production build of 'tjj'" in result.stderr
    assert f"{combined}/arxan/.zhanqun/manifest.json: manifest-missing:" in result.stderr
    # a site that is another build's is not link-checked: its one error is not buried under its pages' links
    assert not [line for line in problem_lines(result, "dead-link") if line.startswith(f"{combined}/tjj/")]


def test_sites_built_from_different_commits_are_an_error(shards: Repo, combined: Path) -> None:
    for site, commit in (("portal", "a" * 40), ("ulanhot", "a" * 40), ("arxan", "a" * 40), ("tjj", "b" * 40)):
        path = combined / site / ".zhanqun" / "manifest.json"
        path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "commit": commit}), encoding="utf-8")
    result = check_out(shards, combined)
    assert result.exit_code == 1
    assert problem_lines(result, "commit-mismatch") == [
        f"{combined}/tjj: commit-mismatch: built from commit bbbbbbbbbbbb, not commit aaaaaaaaaaaa, which most sites were built from: build every shard from the same commit"
    ]


def test_a_site_without_its_search_bundle_is_an_error(shards: Repo, combined: Path) -> None:
    """The portal's cluster search fetches every site's bundle: a site whose manifest has none (an
    older build) fails, though its files match its manifest."""
    shutil.rmtree(combined / "arxan" / "pagefind")
    path = combined / "arxan" / ".zhanqun" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["files"] = [f for f in data["files"] if not f["path"].startswith("pagefind/")]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = check_out(shards, combined)
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{combined}/arxan/pagefind/pagefind-entry.json: search-missing: the site has no search bundle, which the portal's cluster search fetches from every site (build it again)"]


def test_an_unknown_folder_is_a_warning(shards: Repo, combined: Path) -> None:
    shutil.copytree(combined / "tjj", combined / "oldsite")
    result = check_out(shards, combined)
    assert result.exit_code == 0
    assert f"{combined}/oldsite: warning: unknown-site-folder: 'oldsite' is no site of the cluster" in result.stderr


def test_another_target_or_a_folder_that_is_no_output_is_a_usage_error(shards: Repo, combined: Path, tmp_path: Path) -> None:
    result = shards.run("check", "--target", "intranet", "--out", str(combined))
    assert result.exit_code == 2
    assert "holds the production build, not the intranet build; check it with --target production" in result.stderr
    result = check_out(shards, shards.root / "content")
    assert result.exit_code == 2
    assert "not a zhanqun output folder" in result.stderr
    assert check_out(shards, tmp_path / "nowhere").exit_code == 2
    (combined / ".zhanqun-output").unlink()  # a copy that lost the marker: the manifests still say what it is
    assert check_out(shards, combined).exit_code == 0
    assert shards.run("check", "--target", "preview", "--out", str(combined)).exit_code == 2


def test_a_folder_holding_some_build_below_it_is_no_output_of_the_cluster(shards: Repo, tmp_path: Path) -> None:
    """``check --out /tmp`` where ``/tmp/x/`` happens to be a copy of a site: not an output."""
    somewhere = tmp_path / "somewhere"
    shutil.copytree(shards.root / "shard-1" / "arxan", somewhere / "x")  # a site's build, in a folder of another name
    shutil.copytree(shards.root / "shard-1" / "arxan", somewhere / "tjj")  # named as a site, but its manifest names arxan
    result = check_out(shards, somewhere)
    assert result.exit_code == 2
    assert "not a zhanqun output folder" in result.stderr


def test_a_shard_build_checks_the_other_shards_sites_against_their_predicted_files(shards: Repo, tmp_path: Path) -> None:
    """A shard runner's output may hold an old copy of the other shards' sites (a restored cache):
    the shard's links into them (arxan → ulanhot's river.html) are checked against what this tree
    gives, not that copy; a ``--site`` build, whose other sites' output is the output, uses it."""
    out = Path(shutil.copytree(shards.root / "shard-1", tmp_path / "out"))
    shutil.copytree(shards.root / "shard-2" / "ulanhot", out / "ulanhot")
    (out / "ulanhot" / "zwdt" / "river.html").unlink()  # an old build of ulanhot, before the item
    result = shards.run("build", "--target", "production", "--shard", "1/2", "--out", str(out), "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert not (out / "ulanhot").exists()  # not of this share: taken out of the shard's output
    shutil.copytree(shards.root / "shard-2" / "ulanhot", out / "ulanhot")
    (out / "ulanhot" / "zwdt" / "river.html").unlink()
    result = shards.run("build", "--target", "production", "--site", "arxan", "--out", str(out), "--no-cache")
    assert result.exit_code == 1
    assert any(line.startswith(f"{out}/arxan/zwdt/snow.html: dead-link:") and "river.html" in line for line in problem_lines(result, "dead-link")), result.stderr


def test_the_predicted_files_of_a_site_are_the_files_its_build_writes(shards: Repo) -> None:
    """Feeds of every column, robots.txt and the 政府信息公开 pages included; what a shard build
    predicts wrongly would fail a shard for a link the combined check passes."""
    context = pipeline.prepare(pipeline.BuildOptions(shards.root, "production"), Problems())
    assert context.addresses and context.features
    for site in SITES:
        real = SiteFiles.read(shards.root / "combined" / site)
        assert real is not None
        planned = SiteFiles.planned(context.addresses, site, shards.root, context.features.generated_pages(site))
        written = {f for f in real.files if not f.startswith("pagefind/")}
        assert written <= planned.files, sorted(written - planned.files)
    assert "zfxxgk/ndbg/index.html" in SiteFiles.planned(context.addresses, "tjj", shards.root, context.features.generated_pages("tjj")).files


def test_the_combined_check_split_in_shares_checks_each_share_against_every_site(shards: Repo, combined: Path) -> None:
    """``check --out DIR --shard I/N`` (a big cluster's check spread over runners): share I's sites
    are checked, their links against the real files of every site, none predicted."""
    (combined / "arxan" / "zwdt" / "snow.html").unlink()  # arxan is in share 1; portal (share 2) links to it
    second = check_out(shards, combined, "--shard", "2/2")
    assert second.exit_code == 1
    assert [line.split(": dead-link:")[0] for line in problem_lines(second)] == [f"{combined}/portal/zwdt/spring-farming.html"]
    assert "checked the output of" not in second.stderr and "output-changed" not in second.stderr
    first = check_out(shards, combined, "--shard", "1/2")
    assert first.exit_code == 1
    assert f"{combined}/arxan/zwdt/snow.html: output-changed: missing" in first.stderr
    assert "portal/" not in first.stderr
    assert check_out(shards, combined, "--shard", "3/2").exit_code == 2


def _git(repo: Repo, *args: str) -> str:
    import subprocess

    environment = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.cn", "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.cn", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["git", *args], cwd=repo.root, capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip()


def test_a_shard_output_holding_sites_of_another_share_keeps_only_its_own(shards: Repo, tmp_path: Path) -> None:
    kept = Path(shutil.copytree(shards.root / "shard-1", tmp_path / "kept"))  # as a CI cache restores it
    shutil.copytree(shards.root / "shard-2" / "portal", kept / "portal")  # an earlier split gave it portal
    (kept / "notes").mkdir()  # no site of the cluster: left alone
    result = shards.run("build", "--target", "production", "--shard", "1/2", "--out", str(kept))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in kept.iterdir() if not p.name.startswith(".")) == sorted([*SHARD_1, "notes"])
    (kept / "notes").rmdir()
    combined = Path(shutil.copytree(kept, tmp_path / "combined"))
    shutil.copytree(shards.root / "shard-2", combined, dirs_exist_ok=True)
    assert check_out(shards, combined).exit_code == 0


def test_building_named_sites_keeps_the_other_sites_output(shards: Repo, tmp_path: Path) -> None:
    kept = Path(shutil.copytree(shards.root / "combined", tmp_path / "kept"))
    result = shards.run("build", "--target", "production", "--site", "tjj", "--out", str(kept))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in kept.iterdir() if not p.name.startswith(".")) == sorted(SITES)


def test_a_kept_output_is_the_new_commits_after_each_build(tmp_path: Path) -> None:
    """CI keeps ``output/<target>/`` between runs: a site left unchanged by a new commit is this
    commit's build all the same (its manifest says so, as a clean build would write it), so the
    combined check passes; and a commit that changed nothing is not a no-op for the manifests."""
    repo = _cluster(new_repo(tmp_path / "repo"))
    out = repo.root / "output" / "production"
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "first")
    assert repo.run("build", "--target", "production").exit_code == 0
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow", body="参见[洮儿河](site:ulanhot/zwdt/river.md)。游客众多。"))
    _git(repo, "commit", "-q", "-am", "second")
    second = _git(repo, "rev-parse", "HEAD")
    result = repo.run("build", "--target", "production")
    assert result.exit_code == 0 and "portal" in result.stderr  # listed unchanged: not rendered
    commits = {site: json.loads((out / site / ".zhanqun" / "manifest.json").read_text(encoding="utf-8"))["commit"] for site in SITES}
    assert commits == dict.fromkeys(SITES, second)
    assert check_out(repo, out).exit_code == 0
    _git(repo, "commit", "-q", "--allow-empty", "-m", "third: nothing changed")
    third = _git(repo, "rev-parse", "HEAD")
    result = repo.run("build", "--target", "production")
    assert result.exit_code == 0 and "nothing changed" not in result.stderr
    assert {json.loads((out / site / ".zhanqun" / "manifest.json").read_text(encoding="utf-8"))["commit"] for site in SITES} == {third}
    assert check_out(repo, out).exit_code == 0
