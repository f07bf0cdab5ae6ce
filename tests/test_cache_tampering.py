"""What the caches of incremental builds must not let through (found by a hostile probe): an output
page altered in place with its modification time put back, a link report removed behind a no-op.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Repo, copy_repo, fill_small_cluster, new_repo

from zhanqun import pipeline
from zhanqun.publish import build_record, incremental


def build(repo: Repo, out: Path | None = None, cache: bool = True) -> pipeline.BuildReport:
    report = pipeline.build(pipeline.BuildOptions(repo.root, out=out, jobs=2, cache=cache))  # type: ignore[arg-type]
    assert report.ok, [str(p) for p in report.problems]
    return report


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_record, "RACY_NS", 0)
    monkeypatch.setattr(incremental, "RACY_NS", 0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("h14") / "repo"))
    mp = pytest.MonkeyPatch()
    mp.setattr(build_record, "RACY_NS", 0)
    mp.setattr(incremental, "RACY_NS", 0)
    build(repo)
    mp.undo()
    return repo


def test_an_output_page_edited_in_place_with_its_mtime_put_back_is_rebuilt(built: Repo, tmp_path: Path) -> None:
    """The stat cache vouches for size, modification time, inode and change time: an output page
    edited in place to the same size with its modification time put back still changed its change
    time, which no user can set back, so its site is rebuilt (the script goes)."""
    repo = copy_repo(built, tmp_path / "repo")
    build(repo)
    build(repo)  # every file noted in the stat cache
    page = repo.out("tjj", "index.html")
    before = os.stat(page)
    data = page.read_bytes()
    at = data.index(b"<title>")
    evil = b"<script>alert(1)</script>"
    page.write_bytes(data[:at] + evil + data[at + len(evil):])  # same size, same inode
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(page).st_ino == before.st_ino and os.stat(page).st_size == before.st_size
    build(repo)
    assert evil not in page.read_bytes()


def test_a_shortcut_hit_rewrites_a_missing_link_report(built: Repo, tmp_path: Path) -> None:
    """The link report (output/reports/links-<target>.json) is part of what a build leaves; a
    no-op whose report is missing builds again, and writes it."""
    repo = copy_repo(built, tmp_path / "repo")
    build(repo)
    report = repo.root / "output" / "reports" / "links-preview.json"
    assert report.is_file()
    report.unlink()
    build(repo)
    assert report.is_file()


def test_render_cache_entries_of_the_wrong_kind_are_a_warning_and_computed_again(built: Repo, tmp_path: Path) -> None:
    """A render cache file of the right form whose entries are of another kind than their keys name
    (Markdown HTML as a list, a finished text or kept staged file as a string, a link memo that is
    no JSON): the build neither crashes nor trusts them; a warning, and the output of a clean build."""
    import json

    from conftest import article, tree_digest

    from zhanqun.content.render_cache import CACHE_FOLDER, rendered_file

    repo = copy_repo(built, tmp_path / "repo")
    path = repo.root / CACHE_FOLDER / rendered_file("preview")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"] = {key: (["not json {", "zzz"] if isinstance(value, str) else "not json {") for key, value in data["entries"].items()}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "治理工程全面开工。", Slug="river"))
    report = build(repo)
    warnings = [p for p in report.problems if p.code == "cache-damaged"]
    assert [(p.path, p.severity) for p in warnings] == [(f"{CACHE_FOLDER}/{rendered_file('preview')}", "warning")]
    assert "not of the kind their key names" in warnings[0].message
    clean = tmp_path / "clean"
    build(repo, out=clean, cache=False)
    assert tree_digest(repo.out()) == tree_digest(clean)


def test_a_damaged_record_of_output_files_is_a_warning(built: Repo, tmp_path: Path) -> None:
    from conftest import article

    from zhanqun.content.render_cache import CACHE_FOLDER

    repo = copy_repo(built, tmp_path / "repo")
    (repo.root / CACHE_FOLDER / "stat-preview.json").write_bytes(b"\xff\xfe{")
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "治理工程全面开工。", Slug="river"))
    report = build(repo)
    assert [(p.path, p.code, p.severity) for p in report.problems] == [(f"{CACHE_FOLDER}/stat-preview.json", "cache-damaged", "warning")]
    assert report.unchanged  # the other sites' files were hashed instead, and found intact


def test_a_one_edit_build_counts_what_it_did_anew(built: Repo, tmp_path: Path) -> None:
    """What ``build -v`` shows under "done anew": one file read, one item's links resolved, one
    staged file made, the site's other item pages taken over."""
    from conftest import article

    repo = copy_repo(built, tmp_path / "repo")
    build(repo)  # every source noted by stat (no racy window here)
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "治理工程全面开工。", Slug="river"))
    report = build(repo)
    assert {k: report.counts[k] for k in ("read", "resolved", "staged")} == {"read": 1, "resolved": 1, "staged": 1}
    assert report.counts["files"] == 6 and report.counts["reused"] >= 1
    result = repo.run("-v", "build", "--no-cache")
    assert "done anew: 6 of 6 content files read, links of 6 items resolved" in result.stderr


def _verified_twice(built: Repo, tmp_path: Path) -> Repo:
    """A copy whose sites' whole listings are recorded (the second build verifies them one by one)."""
    repo = copy_repo(built, tmp_path / "repo")
    build(repo)
    build(repo)
    return repo


def test_an_unchanged_site_is_verified_by_its_listing_without_its_manifest(built: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast way (``incremental.files_intact``): the site's listing as one digest, compared
    with the one last verified against the same sealed manifest; the manifest is not read."""
    repo = _verified_twice(built, tmp_path)
    site = repo.out("tjj", "index.html").parent
    stats = incremental.StatCache(repo.root)
    assert stats.summaries  # the record of listings was written
    monkeypatch.setattr(incremental, "read_manifest", lambda folder: pytest.fail("the manifest was read"))
    assert incremental.files_intact(site, "tjj", stats)
    monkeypatch.undo()
    assert not incremental.files_intact(site, "portal", incremental.StatCache(repo.root))  # another site's id: not its listing


@pytest.mark.parametrize("change", ["same size, time put back", "file added", "file removed", "manifest edited"])
def test_a_listing_that_changed_is_verified_file_by_file(built: Repo, tmp_path: Path, change: str) -> None:
    repo = _verified_twice(built, tmp_path)
    site = repo.out("tjj", "index.html").parent
    page = site / "index.html"
    if change == "same size, time put back":
        before = os.stat(page)
        data = page.read_bytes()
        page.write_bytes(data.replace(b"<title>", b"<TITLE>", 1))
        os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change == "file added":
        (site / "extra.html").write_text("<p>多出的页面</p>", encoding="utf-8")
    elif change == "file removed":
        page.unlink()
    else:
        manifest = site / ".zhanqun" / "manifest.json"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace('"tjj"', '"tjj" ', 1), encoding="utf-8")
    assert not incremental.files_intact(site, "tjj", incremental.StatCache(repo.root))
    build(repo)  # the site is rendered again and verified anew
    assert incremental.files_intact(site, "tjj", incremental.StatCache(repo.root))
    assert b"<TITLE>" not in page.read_bytes() and not (site / "extra.html").exists()


def test_a_listing_recorded_within_the_racy_window_is_not_trusted(built: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _verified_twice(built, tmp_path)
    site = repo.out("tjj", "index.html").parent
    monkeypatch.setattr(incremental, "RACY_NS", 10**18)  # every file "just changed"
    monkeypatch.setattr(incremental, "read_manifest", lambda folder: None)  # the slow way would say "not intact"
    assert not incremental.files_intact(site, "tjj", incremental.StatCache(repo.root))


def test_after_a_new_commit_an_unchanged_site_is_still_verified_by_its_listing(built: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build from a new commit rewrites the unchanged sites' manifests (their commit) and seals
    them again; their files are untouched, so the listing verified before follows the new seal."""
    repo = copy_repo(built, tmp_path / "repo")
    git = repo.root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    for commit in ("a" * 40, "b" * 40):
        (git / "refs" / "heads" / "main").write_text(commit + "\n", encoding="utf-8")
        build(repo)
        build(repo)
    (git / "refs" / "heads" / "main").write_text("c" * 40 + "\n", encoding="utf-8")
    build(repo)  # every manifest given the new commit, every site sealed again
    site = repo.out("tjj", "index.html").parent
    assert '"c' in (site / ".zhanqun" / "manifest.json").read_text(encoding="utf-8")
    monkeypatch.setattr(incremental, "read_manifest", lambda folder: pytest.fail("the manifest was read"))
    assert incremental.files_intact(site, "tjj", incremental.StatCache(repo.root))
