"""The record of content sources by stat (``content/source_stats.py``): a source whose size,
modification and change time and inode are as noted, and whose item the cache of read items
holds, is not read again — and a changed one always is, however it was changed.

These tests index a small repository directly (no rendering): reading goes through
``Path.read_bytes``, which a spy counts.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import Repo, article, fill_small_cluster, new_repo

from zhanqun.config.sites import load_cluster
from zhanqun.content import source_stats
from zhanqun.content.index import index_content
from zhanqun.content.item_cache import ItemCache
from zhanqun.content.markdown_render import MarkdownRenderer
from zhanqun.content.render_cache import CACHE_FOLDER
from zhanqun.errors import Problems

RECORD = f"{CACHE_FOLDER}/{source_stats.FILE}"
RIVER = "content/ulanhot/zwdt/river.md"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The content files read (by name), in order."""
    seen: list[str] = []
    real = Path.read_bytes

    def spy(self: Path) -> bytes:
        if self.suffix == ".md":
            seen.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    return seen


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The small cluster, with a files/ attachment and a problem (read from the cache as well); no
    racy window, so that files written a moment ago are noted (tests of the window set it back)."""
    monkeypatch.setattr(source_stats, "RACY_NS", 0)
    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    repo.write("content/arxan/zwdt/draft.md", article("阿尔山未写完的稿件", "2026-01-11", "在此填写正文。"))
    repo.write("content/arxan/files/map.txt", "不是稿件")
    return repo


def index(repo: Repo, warnings: list[str] | None = None) -> tuple[list[dict[str, object]], list[str]]:
    """Index ``repo`` through its cache folder, as a build does, and save the cache: the items and
    the problems (``warnings`` gets the cache's own)."""
    problems = Problems()
    cache = ItemCache(repo.root)
    cache.load(problems)
    if warnings is not None:
        warnings += [f"{p.path}: {p.code}" for p in problems.items]
    found = Problems()
    cluster = load_cluster(repo.root, found)
    result = index_content(repo.root, cluster, found, MarkdownRenderer(), cache.read, cache.prefill, known=cache)
    cache.save()
    return [vars(item) for item in result.items], [p.format() for p in found.items]


def fresh(repo: Repo) -> tuple[list[dict[str, object]], list[str]]:
    """What reading every file gives (no cache at all)."""
    found = Problems()
    result = index_content(repo.root, load_cluster(repo.root, found), found, MarkdownRenderer())
    return [vars(item) for item in result.items], [p.format() for p in found.items]


def test_an_unchanged_source_is_not_read_again_and_gives_the_same_items_and_problems(cluster: Repo, reads: list[str]) -> None:
    first = index(cluster)
    assert len(reads) == 7 and first == fresh(cluster)
    assert any("placeholder-text" in p for p in first[1])  # the draft's problem comes from the cache too
    reads.clear()
    assert index(cluster) == first and reads == []
    record = json.loads((cluster.root / RECORD).read_text(encoding="utf-8"))["entries"]
    assert sorted(record) == sorted(item["source"] for item in first[0])  # type: ignore[type-var]
    assert all(len(entry) == 5 for entry in record.values())


def test_an_edit_is_read_even_with_the_same_size_and_modification_time(cluster: Repo, reads: list[str]) -> None:
    index(cluster)
    river = cluster.root / RIVER
    before = river.stat()
    text = river.read_text(encoding="utf-8")
    river.write_text(text.replace("正文内容", "正文改过"), encoding="utf-8")  # the same number of bytes
    os.utime(river, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old modification time put back
    after = river.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    reads.clear()
    items, problems = index(cluster)
    assert reads == ["river.md"]
    assert next(i for i in items if i["source"] == RIVER)["body"] == "正文改过。\n"
    assert (items, problems) == fresh(cluster)


def test_a_file_replaced_by_another_or_renamed_is_read(cluster: Repo, reads: list[str]) -> None:
    index(cluster)
    river, notice = cluster.root / RIVER, cluster.root / "content/ulanhot/tzgg/notice.md"
    saved = cluster.root / "river.tmp"
    saved.write_bytes(notice.read_bytes())
    os.replace(saved, river)  # an editor's save: a new inode with other bytes under the old name
    notice.rename(notice.with_name("water.md"))
    reads.clear()
    items = index(cluster)
    assert sorted(reads) == ["river.md", "water.md"] and items == fresh(cluster)


def test_a_source_changed_within_the_racy_window_is_not_noted(cluster: Repo, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Git's rule: a file whose times are less than RACY_NS older than the walk could change again
    in the same clock tick and keep every number; it is read again next time, and noted then."""
    monkeypatch.setattr(source_stats, "RACY_NS", 2_000_000_000)
    river = cluster.root / RIVER
    changed = max(river.stat().st_mtime_ns, river.stat().st_ctime_ns)
    clock = [changed + 1_000_000_000]  # the walk begins one second after the last change: racy
    monkeypatch.setattr(source_stats.time, "time_ns", lambda: clock[0])
    index(cluster)
    assert json.loads((cluster.root / RECORD).read_text(encoding="utf-8"))["entries"] == {}
    reads.clear()
    index(cluster)
    assert len(reads) == 7  # nothing was vouched for
    clock[0] = changed + 3_000_000_000  # three seconds later: noted
    index(cluster)
    reads.clear()
    index(cluster)
    assert reads == []


def test_a_source_newer_than_the_clock_is_never_noted(cluster: Repo, reads: list[str]) -> None:
    river = cluster.root / RIVER
    future = time.time_ns() + 3600 * 10**9  # a clock that went back
    os.utime(river, ns=(future, future))
    index(cluster)
    index(cluster)
    assert RIVER not in json.loads((cluster.root / RECORD).read_text(encoding="utf-8"))["entries"]
    reads.clear()
    index(cluster)
    assert reads == ["river.md"]


def test_a_record_is_never_enough_without_the_item_it_vouches_for(cluster: Repo, reads: list[str]) -> None:
    first = index(cluster)
    (cluster.root / CACHE_FOLDER / "items.json").unlink()
    reads.clear()
    assert index(cluster) == first and len(reads) == 7


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"format": 1, "key": "source-stats-1", "entries": []}',
        b'{"format": 1, "key": "source-stats-1", "entries": {"content/ulanhot/zwdt/river.md": [1, 2, 3, 4, "abc"]}}',
        b'{"format": 1, "key": "source-stats-1", "entries": {"content/ulanhot/zwdt/river.md": [1, 2, 3, "4", "' + b"a" * 64 + b'"]}}',
    ],
)
def test_a_damaged_record_is_a_warning_and_every_source_is_read(cluster: Repo, reads: list[str], damage: bytes) -> None:
    first = index(cluster)
    (cluster.root / RECORD).write_bytes(damage)
    reads.clear()
    warnings: list[str] = []
    assert index(cluster, warnings) == first
    assert warnings == [f"{RECORD}: cache-damaged"] and len(reads) == 7
    reads.clear()
    assert index(cluster) == first and reads == []  # rewritten whole


def test_without_a_cache_folder_every_source_is_read_and_nothing_is_noted(cluster: Repo, reads: list[str]) -> None:
    """``build --no-cache`` and ``check``: ``ItemCache(None)``."""
    index(cluster)
    cache = ItemCache(None)
    found = Problems()
    reads.clear()
    result = index_content(cluster.root, load_cluster(cluster.root, found), found, MarkdownRenderer(), cache.read, cache.prefill, known=cache)
    assert len(reads) == 7 and len(result.items) == 7 and cache.sources.seen == {}


def test_the_walk_finds_what_rglob_found_in_the_same_order(tmp_path: Path) -> None:
    """``index._walk`` replaced ``sorted(folder.rglob("*"))``: the same entries, in the same order
    (a folder before its contents, ``a/`` before ``a.md``), less the subtrees nothing reads."""
    from zhanqun.content.index import _ignored, _walk

    folder = tmp_path / "site"
    for rel in ("a/b.md", "a.md", "a-b/c.md", "zwdt/2025/x.md", "zwdt/#tmp/y.md", "zwdt/z.md~", ".git/HEAD", "zwdt/.hidden/h.md", "files/f.pdf", "_data/d.json", "Z.md"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("x", encoding="utf-8")
    (folder / "zwdt" / "linked").symlink_to(folder / "a", target_is_directory=True)
    (folder / "zwdt" / "file-link.md").symlink_to(folder / "a.md")
    expected = [p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*"))]
    expected = [rel for rel in expected if rel.split("/")[0] not in ("files", "_data") and not _ignored(rel)]
    walked = [rel for rel, _entry in _walk(str(folder), "") if not _ignored(rel)]
    assert walked == expected
    assert "zwdt/linked" in walked and "zwdt/linked/b.md" not in walked and "zwdt/#tmp/y.md" in walked


@pytest.mark.parametrize("date", [["2026-13-01T00:00:00", True], ["2026-03-01T00:00:00+08:00", True], ["2026-03-01T00:00:00", "yes"], "2026-03-01"])
def test_a_cached_item_with_a_damaged_date_is_a_warning_and_the_file_is_read(cluster: Repo, reads: list[str], date: object) -> None:
    """The date is stored as a value (no parsing of ``Date`` on a hit), so it is checked on loading."""
    first = index(cluster)
    items = cluster.root / CACHE_FOLDER / "items.json"
    data = json.loads(items.read_text(encoding="utf-8"))
    next(entry for entry in data["entries"].values() if entry["item"])["item"]["date"] = date
    items.write_text(json.dumps(data), encoding="utf-8")
    reads.clear()
    warnings: list[str] = []
    assert index(cluster, warnings) == first
    assert warnings == [f"{CACHE_FOLDER}/items.json: cache-damaged"] and len(reads) == 7
