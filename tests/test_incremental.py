"""Incremental builds (``publish/incremental.py``) and the render cache (``content/render_cache.py``).

The oracle is a clean build: after any sequence of edits, the output of an incremental build must
be byte-identical to a build of the same tree from nothing (``--no-cache`` into an empty folder).
Everything is compared, the sites' ``.zhanqun/`` records included (the manifest's commit is the
same in both builds: the fixture is not a git checkout). One slow build per module; each named
case copies it and changes one thing.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import Repo, article, copy_repo, new_repo, tree_digest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from zhanqun import pipeline
from zhanqun.content import source_stats
from zhanqun.content.render_cache import CACHE_FOLDER, RenderCache, rendered_file

RENDERED_FILE = rendered_file("preview")
from zhanqun.errors import Problems
from zhanqun.publish.incremental import INPUTS, recorded_inputs
from zhanqun.publish.git_head import head_commit
from zhanqun.publish.manifest import build_manifest, read_manifest, verify_files, write_manifest

SITES = ("portal", "ulanhot", "arxan", "tjj")


def fill(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/")
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", columns=(("gzdt", "工作动态", "news"),))
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "春耕备耕全面展开。", Slug="spring", Syndicate="counties"))
    repo.write("content/portal/tzgg/holiday.md", article("关于清明节放假的通知", "2026-03-28", Slug="qingming"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "详见[春耕](site:portal/zwdt/spring.md)。", Slug="river"))
    repo.write("content/ulanhot/zwdt/bridge.md", article("乌兰浩特市新桥通车", "2026-04-03", Slug="bridge"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    return repo


def build(repo: Repo, out: Path | None = None, cache: bool = True) -> pipeline.BuildReport:
    report = pipeline.build(pipeline.BuildOptions(repo.root, out=out, jobs=2, cache=cache))
    assert report.ok, [str(p) for p in report.problems]
    return report


def rendered(report: pipeline.BuildReport) -> set[str]:
    """The sites a build rendered (the others' output was left as it was)."""
    unchanged = {s for note in report.notes for s in note.split(": ", 1)[-1].split(", ")} if any("unchanged" in n for n in report.notes) else set()
    return set(report.site_ids) - unchanged


def output_digest(out: Path) -> dict[str, str]:
    """Every output file and a hash of its bytes."""
    return tree_digest(out)


def clean_digest(repo: Repo, tmp: Path) -> dict[str, str]:
    """The output of a build of ``repo``'s tree from nothing."""
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    build(repo, out=out, cache=False)
    return output_digest(out)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill(new_repo(tmp_path_factory.mktemp("incremental") / "repo"))
    build(repo)
    return repo


@pytest.fixture
def copy(built: Repo, tmp_path: Path) -> Repo:
    return copy_repo(built, tmp_path / "repo")


def test_a_build_with_nothing_changed_renders_nothing_and_changes_nothing(copy: Repo) -> None:
    before = tree_digest(copy.out())
    report = build(copy)
    assert rendered(report) == set() and report.pages == 0
    assert tree_digest(copy.out()) == before
    assert all(recorded_inputs(copy.out(site)) for site in SITES)


def test_an_edited_syndicated_item_updates_every_receiver(copy: Repo) -> None:
    copy.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "春耕备耕已经完成。", Slug="spring", Syndicate="counties"))
    report = build(copy)
    assert rendered(report) == {"portal", "ulanhot", "arxan"}  # tjj shows nothing of it
    assert "已经完成" in copy.html("portal", "zwdt", "spring.html")
    for county in ("ulanhot", "arxan"):
        assert "已经完成" in copy.html(county, "zwdt", "portal-spring.html")
    assert clean_digest(copy, copy.root.parent) == output_digest(copy.out())


def test_a_theme_change_rebuilds_every_site(copy: Repo) -> None:
    template = copy.root / "themes" / "gov" / "templates" / "base.html"
    template.write_text(template.read_text(encoding="utf-8") + "{# 主题已修改 #}\n", encoding="utf-8")
    css = next((copy.root / "themes" / "gov" / "static" / "css").glob("*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n/* 主题已修改 */\n", encoding="utf-8")
    report = build(copy)
    assert rendered(report) == set(SITES)
    for site in SITES:
        assert "主题已修改" in (copy.out(site, "theme", "css", css.name)).read_text(encoding="utf-8")


def test_a_renamed_site_updates_the_cluster_navigation_everywhere(copy: Repo) -> None:
    copy.site("arxan", "阿尔山市人民政府门户", url="https://www.arxan.gov.cn/")
    report = build(copy)
    assert rendered(report) == set(SITES)  # every site's navigation names it
    for site in SITES:
        assert "阿尔山市人民政府门户" in copy.html(site, "index.html")


def test_a_deleted_article_disappears_from_lists_feeds_and_sitemaps(copy: Repo) -> None:
    (copy.root / "content" / "ulanhot" / "zwdt" / "bridge.md").unlink()
    report = build(copy)
    assert rendered(report) == {"ulanhot"}
    assert not copy.out("ulanhot", "zwdt", "bridge.html").exists()
    for page in (("zwdt", "index.html"), ("index.html",), ("feeds", "all.atom.xml"), ("feeds", "zwdt.atom.xml"), ("sitemap.xml",)):
        text = copy.html("ulanhot", *page)
        assert "bridge" not in text and "新桥通车" not in text, page
    assert "洮儿河" in copy.html("ulanhot", "zwdt", "index.html")


def test_an_output_file_changed_by_hand_gets_its_site_rebuilt(copy: Repo) -> None:
    page = copy.out("tjj", "index.html")
    good = page.read_bytes()
    page.write_text("改过", encoding="utf-8")
    report = build(copy)
    assert rendered(report) == {"tjj"}
    assert page.read_bytes() == good


def test_a_damaged_cache_file_is_ignored_with_a_warning(copy: Repo) -> None:
    before = tree_digest(copy.out())
    cache = copy.root / CACHE_FOLDER / RENDERED_FILE
    assert cache.is_file()
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
    report = build(copy)
    warnings = [p for p in report.problems.warnings if p.code == "cache-damaged"]
    assert warnings and warnings[0].path == f"{CACHE_FOLDER}/{RENDERED_FILE}"
    assert tree_digest(copy.out()) == before
    assert json.loads(cache.read_text(encoding="utf-8"))["entries"]  # rebuilt whole


@pytest.mark.parametrize(
    "damage",
    [b"[]", b'{"format": 1, "key": "x", "entries": []}', b'{"format": 99, "entries": {}}', "\u4e2d".encode("utf-16")],
)
def test_a_cache_file_of_the_wrong_form_is_never_trusted(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / CACHE_FOLDER).mkdir()
    (tmp_path / CACHE_FOLDER / RENDERED_FILE).write_bytes(damage)
    cache, problems = RenderCache(tmp_path), Problems()
    cache.load(problems)
    assert cache.entries == {}
    assert [p.code for p in problems.warnings] == ["cache-damaged"]


def test_a_cache_of_another_version_or_with_wrong_values_is_not_used(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    assert cache.get("markdown", ("*x*",), lambda: "<p><em>x</em></p>") == "<p><em>x</em></p>"
    cache.save(prune=True)
    data = json.loads((tmp_path / CACHE_FOLDER / RENDERED_FILE).read_text(encoding="utf-8"))
    assert list(data["entries"].values()) == ["<p><em>x</em></p>"] and str(tmp_path) not in json.dumps(data)
    other = RenderCache(tmp_path, settings="other markdown settings")
    other.load(Problems())
    assert other.entries == {}  # another key: silently not used
    data["entries"] = {"k": 3}
    (tmp_path / CACHE_FOLDER / RENDERED_FILE).write_text(json.dumps(data), encoding="utf-8")
    again, problems = RenderCache(tmp_path), Problems()
    again.load(problems)
    assert again.entries == {} and [p.code for p in problems.warnings] == ["cache-damaged"]


def test_no_cache_renders_every_site_and_writes_no_cache(copy: Repo) -> None:
    shutil.rmtree(copy.root / CACHE_FOLDER)
    report = build(copy, cache=False)
    assert rendered(report) == set(SITES)
    assert not (copy.root / CACHE_FOLDER).exists()


def test_the_manifest_lists_every_file_but_the_records(built: Repo, tmp_path: Path) -> None:
    site = copy_repo(built, tmp_path / "repo").out("arxan")
    manifest = read_manifest(site)
    assert manifest is not None and manifest.site == "arxan" and manifest.target == "preview" and manifest.commit is None
    paths = [f.path for f in manifest.files]
    assert paths == sorted(paths) and "index.html" in paths and not any(p.startswith(".zhanqun/") for p in paths)
    assert verify_files(site, manifest) == []
    (site / "index.html").write_text("x", encoding="utf-8")
    (site / "extra.html").write_text("x", encoding="utf-8")
    (site / "robots.txt").unlink()
    assert [difference.split(":")[0] for difference in verify_files(site, manifest)] == ["extra.html", "index.html", "robots.txt"]
    write_manifest(site, build_manifest(site, "arxan", "preview", "a" * 40))
    text = (site / ".zhanqun" / "manifest.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and json.loads(text)["commit"] == "a" * 40
    (site / ".zhanqun" / "manifest.json").write_text("{", encoding="utf-8")
    assert read_manifest(site) is None
    assert (site / INPUTS).is_file()


# --- the property: any sequence of changes, then incremental == clean ----------------------

EDITS = st.sampled_from(["edit", "same-size", "retitle", "add", "delete", "rename", "theme", "site-name", "syndicate", "nothing"])


def apply(repo: Repo, edit: str, n: int) -> None:
    """One change of the kind ``edit`` to the tree (``n`` makes it differ from the last one)."""
    items = [p for p in sorted((repo.root / "content").rglob("*.md")) if p.name != "spring.md"]  # river.md links it
    if edit == "edit" and items:
        path = items[n % len(items)]
        path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次修改。\n", encoding="utf-8")
    elif edit == "same-size" and items:  # other bytes, the same size, the old modification time put back
        same_size_edit(items[n % len(items)])
    elif edit == "retitle" and items:
        path = items[n % len(items)]
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join([f"Title: 新标题{n}", *lines[1:]]), encoding="utf-8")
    elif edit == "add":
        site, column = [("portal", "zwdt"), ("ulanhot", "zwdt"), ("tjj", "gzdt")][n % 3]
        repo.write(f"content/{site}/{column}/new{n}.md", article(f"新稿件{n}", f"2026-05-{1 + n % 28:02d}", Slug=f"new{n}"))
    elif edit == "delete" and len(items) > 2:
        items[n % len(items)].unlink()
    elif edit == "rename" and items:
        path = items[n % len(items)]
        text = "\n".join(line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("Slug:"))
        path.unlink()
        (path.parent / f"renamed{n}.md").write_text(text, encoding="utf-8")
    elif edit == "theme":
        path = repo.root / "themes" / "gov" / "templates" / "base.html"
        path.write_text(path.read_text(encoding="utf-8") + f"{{# {n} #}}\n", encoding="utf-8")
    elif edit == "site-name":
        repo.site("arxan", f"阿尔山市人民政府{n}", url="https://www.arxan.gov.cn/")
    elif edit == "syndicate":
        spring = repo.root / "content" / "portal" / "zwdt" / "spring.md"
        value = ["counties", "ulanhot", "arxan"][n % 3]
        repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", f"春耕{n}。", Slug="spring", Syndicate=value))
        assert spring.is_file()


def same_size_edit(path: Path) -> None:
    """Change the last character of ``path``'s text for another of as many bytes, and put its old
    modification time back: only the change time (and the bytes) tell."""
    before, text = path.stat(), path.read_text(encoding="utf-8")
    last = text.rstrip("\n")[-1]
    other = {1: "xy", 3: "甲乙"}[len(last.encode("utf-8"))]
    cut = len(text.rstrip("\n"))
    path.write_text(text[: cut - 1] + (other[0] if last != other[0] else other[1]) + text[cut:], encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


@pytest.fixture(scope="module")
def evolving(built: Repo, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return copy_repo(built, tmp_path_factory.mktemp("evolving") / "repo")


@settings(max_examples=2, deadline=None, derandomize=True, phases=[Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(EDITS, st.integers(0, 50)), min_size=1, max_size=3))
def test_an_incremental_build_is_byte_identical_to_a_clean_one(evolving: Repo, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[str, int]]) -> None:
    repo = evolving  # the changes pile up from example to example: each is compared with a clean build
    monkeypatch.setattr(source_stats, "RACY_NS", 0)  # every source noted: the record vouches for all it can
    for edit, n in edits:
        apply(repo, edit, n)
    build(repo)
    assert output_digest(repo.out()) == clean_digest(repo, tmp_path_factory.mktemp("clean"))


def test_an_edit_of_the_same_size_with_its_old_time_put_back_is_built(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record of sources (``content/source_stats.py``) noted every file (no racy window here);
    the edit keeps size, modification time and inode, so only the change time can tell."""
    monkeypatch.setattr(source_stats, "RACY_NS", 0)
    build(copy)
    assert (copy.root / CACHE_FOLDER / source_stats.FILE).is_file()
    same_size_edit(copy.root / "content" / "arxan" / "zwdt" / "snow.md")
    assert rendered(build(copy)) == {"arxan"}
    assert "正文内容甲" in copy.html("arxan", "zwdt", "snow.html")


def test_a_shard_builds_its_share_of_the_sites_only(copy: Repo) -> None:
    from zhanqun.config.shards import shard_of, site_weight

    report = pipeline.build(pipeline.BuildOptions(copy.root, jobs=2, cache=False, shard="2/2"))
    assert report.ok
    weights = {site: site_weight(copy.root, site) for site in SITES}
    assert report.site_ids == shard_of(list(SITES), weights, 2, 2) and rendered(report) == set(report.site_ids)
    assert 0 < len(report.site_ids) < len(SITES)


def test_a_rebuilt_site_keeps_the_files_that_did_not_change(copy: Repo) -> None:
    css = next(copy.out("ulanhot", "theme", "css").glob("*.css"))
    kept = {path: path.stat() for path in (css, copy.out("ulanhot", "robots.txt"))}
    page = copy.out("ulanhot", "zwdt", "river.html")
    old_page = page.stat()
    copy.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "治理工程已经开工。", Slug="river"))
    report = build(copy)
    assert rendered(report) == {"ulanhot"}
    assert "已经开工" in page.read_text(encoding="utf-8") and page.stat().st_ino != old_page.st_ino
    for path, before in kept.items():
        after = path.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), path


def test_only_a_build_of_every_site_drops_the_entries_it_did_not_use(tmp_path: Path) -> None:
    first = RenderCache(tmp_path)
    first.get("markdown", ("a",), lambda: "A")
    first.get("markdown", ("b",), lambda: "B")
    first.save(prune=True)
    partial = RenderCache(tmp_path)
    partial.load(Problems())
    assert partial.get("markdown", ("a",), lambda: "never computed") == "A"
    partial.get("markdown", ("c",), lambda: "C")
    partial.save(prune=False)  # --site, --shard, or a build that stopped before staging every site
    full = RenderCache(tmp_path)
    full.load(Problems())
    assert sorted(full.entries.values()) == ["A", "B", "C"]
    full.get("markdown", ("c",), lambda: "never computed")
    full.save(prune=True)
    last = RenderCache(tmp_path)
    last.load(Problems())
    assert list(last.entries.values()) == ["C"]
    assert RenderCache(tmp_path, target="production").path != last.path  # one file per target


def test_an_output_file_edited_in_place_to_the_same_size_or_added_gets_its_site_rebuilt(copy: Repo) -> None:
    robots = copy.out("arxan", "robots.txt")
    good = robots.read_bytes()
    robots.write_bytes(good.replace(b"User-agent", b"User-agenT"))  # same size, in place, a new time
    copy.out("tjj", "extra.html").write_text("<p>手工添加</p>", encoding="utf-8")
    report = build(copy)
    assert rendered(report) == {"arxan", "tjj"}
    assert robots.read_bytes() == good and not copy.out("tjj", "extra.html").exists()


def test_unchanged_sites_are_read_by_the_leak_gate_again_when_its_traces_change(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[set[str]] = []
    real = pipeline.check_output_leaks

    def spy(built: dict[str, Path], *args: object) -> None:
        scanned.append(set(built))
        real(built, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "check_output_leaks", spy)
    build(copy)
    copy.write("content/ulanhot/zwdt/plan.md", article("乌兰浩特市内部工作安排", Slug="internal-plan", Visibility="internal"))
    report = build(copy)
    assert rendered(report) == set(), report.notes  # the preview shows nothing of an internal item…
    assert scanned == [set(), set(SITES)]  # …but every site's output is searched for its traces
    build(copy)
    assert scanned[-1] == set()  # checked against these traces already


def test_the_manifest_names_the_commit_checked_out(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    assert head_commit(tmp_path) is None  # not a git checkout
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    assert head_commit(tmp_path) is None  # a branch without a commit yet
    (git / "packed-refs").write_text(f"# pack-refs\n{'b' * 40} refs/heads/main\n", encoding="utf-8")
    assert head_commit(tmp_path) == "b" * 40
    (git / "refs" / "heads" / "main").write_text("c" * 40 + "\n", encoding="utf-8")
    assert head_commit(tmp_path) == "c" * 40
    (git / "HEAD").write_text("d" * 40 + "\n", encoding="utf-8")  # detached
    assert head_commit(tmp_path) == "d" * 40
    (git / "HEAD").write_text("not a commit\n", encoding="utf-8")
    assert head_commit(tmp_path) is None


def test_the_stat_cache_vouches_only_for_files_older_than_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Older by both times: the modification time can be set back, the change time cannot, so a
    file written just now is never vouched for, whatever modification time it shows."""
    from zhanqun.publish import incremental
    from zhanqun.publish.incremental import StatCache

    monkeypatch.setattr(incremental, "RACY_NS", 300_000_000)  # a short window: the test need not wait 2 s
    site = tmp_path / "out" / "portal"
    site.mkdir(parents=True)
    old, new = site / "old.html", site / "new.html"
    old.write_text("旧", encoding="utf-8")
    time.sleep(0.5)
    new.write_text("新", encoding="utf-8")
    os.utime(new, ns=(time.time_ns() - 10 * incremental.RACY_NS,) * 2)  # an old modification time, a new change time
    stats = StatCache(tmp_path)
    stats.note(site, "old.html", old.stat())
    stats.note(site, "new.html", new.stat())
    stats.save()  # new.html changed too recently to be vouched for: left out, hashed next time
    again = StatCache(tmp_path)
    assert again.vouches(site, "old.html", old.stat()) and not again.vouches(site, "new.html", new.stat())
    old.write_text("改", encoding="utf-8")  # same size, another time
    assert not again.vouches(site, "old.html", old.stat())
    assert str(tmp_path) not in (tmp_path / CACHE_FOLDER / "stat-preview.json").read_text(encoding="utf-8")
    assert not StatCache(None).vouches(site, "old.html", old.stat())
