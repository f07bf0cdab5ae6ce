"""The cluster-wide shortcut (``publish/build_record.py``) and the cache of read items
(``content/item_cache.py``).

A hit must be exactly "nothing would change": proved by the output's files keeping their inodes and
times, and by a miss for every kind of change that could make the output differ. The cache of read
items must give what reading gives: the same items and the same problems, in the same order.
One slow build per module; each case copies it. Git's racy rule would make every fresh copy miss
(its files are seconds old), so ``RACY_NS`` is 0 here, except in the test of that rule.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import REPO, Repo, article, copy_repo, fill_small_cluster, new_repo, tree_digest

from zhanqun import pipeline
from zhanqun.config.sites import load_cluster
from zhanqun.content.index import index_content
from zhanqun.content.item_cache import FILE as ITEMS_FILE
from zhanqun.content.item_cache import ItemCache
from zhanqun.content.markdown_render import MarkdownRenderer
from zhanqun.content.render_cache import CACHE_FOLDER
from zhanqun.errors import Problems
from zhanqun.publish import build_record
from zhanqun.publish.incremental import RACY_NS

RECORD = f"{CACHE_FOLDER}/{build_record.record_file('preview')}"
NOTHING_CHANGED = "nothing changed since the last build"


def build(repo: Repo, out: Path | None = None, cache: bool = True, ok: bool = True, **options: object) -> pipeline.BuildReport:
    report = pipeline.build(pipeline.BuildOptions(repo.root, out=out, jobs=2, cache=cache, **options))  # type: ignore[arg-type]
    assert report.ok == ok, [str(p) for p in report.problems]
    return report


def hit(report: pipeline.BuildReport) -> bool:
    return any(NOTHING_CHANGED in note for note in report.notes)


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (records included) with its inode and modification time."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def _no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_record, "RACY_NS", 0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("noop") / "repo"))
    # a warning the author has not fixed: shown again by every build, the shortcut's too
    repo.write("content/arxan/zwdt/font.md", article("阿尔山市发布雪季出行提示", "2026-01-12", '<font color="red">注意防寒。</font>', Slug="snow-travel"))
    repo.write("themes/gov/static/dark.css", "body{color:#111}\n")
    repo.write("themes/gov/static/light.css", "body{color:#eee}\n")
    (repo.root / "themes" / "gov" / "static" / "extra.css").symlink_to("dark.css")
    build(repo)
    return repo


@pytest.fixture
def copy(built: Repo, tmp_path: Path) -> Repo:
    """A copy of the built repository, with one build into it: its record is now the copy's."""
    repo = copy_repo(built, tmp_path / "repo")
    report = build(repo)
    assert not hit(report)  # another output folder: the original's record does not vouch for it
    return repo


def test_a_second_identical_build_stops_before_reading_and_writes_nothing(copy: Repo) -> None:
    before = stats(copy.out())
    report = build(copy)
    assert hit(report) and report.pages == 0 and set(report.site_ids) == {"portal", "ulanhot", "arxan", "tjj"}
    assert "unchanged" in report.timings and "content" not in report.timings  # nothing was read
    assert stats(copy.out()) == before  # not a file rewritten, not even index.html or a record
    warnings = [p for p in report.problems.warnings if p.code == "html-removed"]
    assert warnings and warnings[0].path == "content/arxan/zwdt/font.md"  # shown again
    result = copy.run("--lang", "en", "build")  # the command line says so
    assert result.exit_code == 0 and NOTHING_CHANGED in result.stderr and "html-removed" in result.stderr


def test_no_cache_never_hits_and_never_records(copy: Repo) -> None:
    record = (copy.root / RECORD).read_bytes()
    assert record and not hit(build(copy, cache=False))  # a record that would hit is not even read
    assert (copy.root / RECORD).read_bytes() == record


def _same_size_edit(repo: Repo) -> str:
    path = repo.root / "content" / "ulanhot" / "zwdt" / "river.md"
    old = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("正文内容", "正文改动"), encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # size and modification time as recorded
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    return "ulanhot|zwdt|river.html|正文改动"


def _add_item(repo: Repo) -> str:
    repo.write("content/tjj/gzdt/new.md", article("兴安盟统计局发布一季度数据", "2026-04-20", Slug="q1-data"))
    return "tjj|gzdt|q1-data.html|一季度数据"


def _remove_item(repo: Repo) -> str:
    (repo.root / "content" / "ulanhot" / "tzgg" / "notice.md").unlink()
    return ""


def _symlink_retargeted(repo: Repo) -> str:
    link = repo.root / "themes" / "gov" / "static" / "extra.css"
    link.unlink()
    link.symlink_to("light.css")
    return "portal|theme|extra.css|#eee"


def _output_edited_by_hand(repo: Repo) -> str:
    repo.out("tjj", "index.html").write_text("改过", encoding="utf-8")
    return "tjj|index.html|兴安盟统计局"


def _preview_index_removed(repo: Repo) -> str:
    repo.out("index.html").unlink()
    return "index.html|兴安盟行政公署"


def _site_file_changed(repo: Repo) -> str:
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", credit_code="11152200MB0000001X", extra='short_name = "统计局"', columns=(("gzdt", "统计工作动态", "news"),))
    return "tjj|index.html|统计工作动态"


def _empty_folder(repo: Repo) -> str:
    (repo.root / "content" / "nosuchsite").mkdir()
    return "error"  # a folder no site file names: the full build finds it


def _environment(repo: Repo) -> str:
    os.environ["PAGEFIND_SOMETHING"] = "1"  # removed by the test
    return ""


def _code_changed(repo: Repo) -> str:
    build_record.code_fingerprint = lambda: "another version"  # type: ignore[assignment]
    return ""


@pytest.mark.parametrize(
    "change",
    [_same_size_edit, _add_item, _remove_item, _symlink_retargeted, _output_edited_by_hand, _preview_index_removed, _site_file_changed, _empty_folder, _environment, _code_changed],
)
def test_every_kind_of_change_misses_and_is_built(copy: Repo, change: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_record, "code_fingerprint", build_record.code_fingerprint)  # put back afterwards
    monkeypatch.setenv("PAGEFIND_SOMETHING", "")
    monkeypatch.delenv("PAGEFIND_SOMETHING")  # put back (removed) afterwards
    expect = change(copy)  # type: ignore[operator]
    if expect == "error":
        report = build(copy, ok=False)
        assert not hit(report) and any(p.code == "unknown-site" for p in report.problems.errors)
        return
    report = build(copy)
    assert not hit(report)
    if expect and "|" in expect:
        *page, text = expect.split("|")
        assert text in copy.html(*page)
    assert hit(build(copy))  # and recorded again: the next one is a hit


def test_the_same_size_edit_with_its_old_time_is_in_the_output(copy: Repo) -> None:
    _same_size_edit(copy)
    assert not hit(build(copy))
    assert "正文改动" in copy.html("ulanhot", "zwdt", "river.html")


def test_options_that_shape_the_output_miss_and_each_output_folder_keeps_its_record(copy: Repo, tmp_path: Path) -> None:
    assert not hit(build(copy, today=__import__("datetime").date(2030, 1, 1)))  # letters' overdue marks
    assert not hit(build(copy, sites=["tjj"]))
    other = tmp_path / "other"
    assert not hit(build(copy, out=other))
    assert hit(build(copy, out=other))
    assert not hit(build(copy))  # the last build here named tjj only
    assert hit(build(copy)) and hit(build(copy, out=other))


def test_a_change_within_the_racy_window_is_never_trusted(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_record, "RACY_NS", RACY_NS)
    path = copy.root / "content" / "tjj" / "gzdt" / "data.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert not hit(build(copy))
    assert json.loads((copy.root / RECORD).read_text(encoding="utf-8"))["outputs"] == {}  # too recent to vouch for
    assert not hit(build(copy))
    future = time.time_ns() + 3600 * 10**9  # a clock that went back: a file newer than the build
    os.utime(path, ns=(future, future))
    monkeypatch.setattr(build_record, "RACY_NS", 0)
    assert not hit(build(copy)) and not hit(build(copy))


def test_a_damaged_record_or_items_cache_is_a_warning_and_the_build_is_right(copy: Repo, tmp_path: Path) -> None:
    (copy.root / RECORD).write_bytes(b"{not json")
    (copy.root / CACHE_FOLDER / ITEMS_FILE).write_bytes(b'{"format": 1, "key": "k", "entries": {"x": 3}}')
    _add_item(copy)
    report = build(copy)
    damaged = sorted(p.path for p in report.problems.warnings if p.code == "cache-damaged")
    assert damaged == [RECORD] and not hit(report)  # another key: the items cache is silently replaced
    assert "一季度数据" in copy.html("tjj", "gzdt", "q1-data.html")
    assert hit(build(copy))
    items = copy.root / CACHE_FOLDER / ITEMS_FILE
    data = json.loads(items.read_text(encoding="utf-8"))
    first = next(iter(data["entries"]))
    data["entries"][first]["item"]["meta"] = "wrong"
    items.write_text(json.dumps(data), encoding="utf-8")
    (copy.root / RECORD).unlink()
    report = build(copy)
    assert [p.path for p in report.problems.warnings if p.code == "cache-damaged"] == [f"{CACHE_FOLDER}/{ITEMS_FILE}"]
    assert "一季度数据" in copy.html("tjj", "gzdt", "q1-data.html") and hit(build(copy))


def _index(root: Path, cache: ItemCache | None) -> tuple[list[object], list[object]]:
    problems = Problems()
    cluster = load_cluster(root, problems)
    index = index_content(root, cluster, problems, MarkdownRenderer(), cache.read if cache else None)
    return [vars(item) for item in index.items], list(problems.items)


def test_cached_items_and_problems_are_exactly_what_reading_gives(tmp_path: Path) -> None:
    """The repository's own sample content and files with every kind of per-file problem: read
    fresh, then through a cold cache, then through a warm one — the same items, the same problems
    in the same order."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copytree(REPO / "content", root / "content")
    odd = root / "content" / "ulanhot" / "zwdt"
    (odd / "gbk.md").write_bytes(article("乌兰浩特市发布通知", "2026-03-01", Slug="gbk-notice").encode("gb18030"))
    (odd / "bad.md").write_text("Title: 缺少日期\nStatus：draft\n\n在此填写正文。<script>alert(1)</script>\n", encoding="utf-8")
    (odd / "date.md").write_text(article("日期写错", "2026年3月1日", Summary="摘要 <b>粗</b>"), encoding="utf-8")
    (odd / "control.md").write_text(article("控制字符", "2026-03-01", "正文\x0b内容。"), encoding="utf-8")
    (odd / "nohead.md").write_text("没有头部的文件。\n", encoding="utf-8")
    (odd / "mongol.md").write_text(article("ᠮᠣᠩᠭᠣᠯ", "2026-03-01", "<font>旧</font>正文。", Aliases="/old.html", Tags="农业, 春耕"), encoding="utf-8")
    fresh = _index(root, None)
    cold = ItemCache(tmp_path / "cache")
    assert _index(root, cold) == fresh and cold.hits == 0
    cold.save()
    warm = ItemCache(tmp_path / "cache")
    warm.load(Problems())
    assert _index(root, warm) == fresh and warm.hits == len(fresh[0]) + 1  # control.md, which gives no item, too
    codes = {p.code for p in fresh[1]}  # type: ignore[attr-defined]
    assert {"encoding", "missing-key", "placeholder-text", "html-script", "bad-value", "control-character", "html-removed"} <= codes, codes


def test_an_incremental_build_after_edits_equals_a_clean_build(copy: Repo, tmp_path: Path) -> None:
    """Edits through the items cache, the errors they bring included, give what a build with no
    cache gives: the same problems, then the same bytes."""
    bad = article("乌兰浩特市新桥通车", "2026-04-03", "正文<font>旧</font>。", Slug="river")  # the slug of river.md
    copy.write("content/ulanhot/zwdt/bridge.md", bad)
    failed = build(copy, ok=False)
    clean_failed = build(copy, out=tmp_path / "clean-failed", cache=False, ok=False)
    assert failed.problems.sorted() == clean_failed.problems.sorted() and any(p.code == "duplicate-slug" for p in failed.problems)
    copy.write("content/ulanhot/zwdt/bridge.md", bad.replace("Slug: river", "Slug: bridge"))
    (copy.root / "content" / "portal" / "tzgg" / "holiday.md").unlink()
    report = build(copy)
    clean = tmp_path / "clean"
    clean_report = build(copy, out=clean, cache=False)
    assert report.problems.sorted() == clean_report.problems.sorted()
    assert tree_digest(clean) == tree_digest(copy.out())


def test_the_tree_hash_sees_links_and_folders_and_refuses_a_linked_folder(tmp_path: Path) -> None:
    """The snapshot itself, without a build: what changes it, and what turns the shortcut off."""
    root = tmp_path / "repo"
    for folder in build_record.INPUT_FOLDERS:
        (root / folder).mkdir(parents=True)
    (root / "content" / "a.md").write_text("甲", encoding="utf-8")
    (root / "content" / "b.md").write_text("乙", encoding="utf-8")

    def tree() -> str | None:
        return build_record.take_snapshot(root, {}).tree

    first = tree()
    assert first is not None and tree() == first
    (root / "content" / "link.md").symlink_to("a.md")
    with_link = tree()
    assert with_link not in (None, first)
    (root / "content" / "link.md").unlink()
    (root / "content" / "link.md").symlink_to("b.md")  # retargeted
    assert tree() not in (None, first, with_link)
    (root / "content" / "dangling.md").symlink_to("nowhere.md")  # the build reports it; listed all the same
    dangling = tree()
    assert dangling is not None
    (root / "content" / "empty").mkdir()
    assert tree() not in (None, dangling)
    (root / "plugins" / "shared").symlink_to(root / "themes", target_is_directory=True)
    assert tree() is None  # a folder behind a link is not walked, so nothing is vouched for
    assert build_record.take_snapshot(root, {"target": "preview"}).key != build_record.take_snapshot(root, {"target": "production"}).key
