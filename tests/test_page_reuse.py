"""Inside a rebuilt site, item pages whose inputs did not change are taken from the previous output
(``render/page_reuse.py``). The oracle is again a clean build: the output after each change must
be byte-identical to a build of the same tree from nothing; and the count of pages taken over
shows that the shortcut was taken (or, where it must not be, that it was not).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import Repo, article, copy_repo, new_repo, tree_digest

from zhanqun import pipeline
from zhanqun.render.page_reuse import PAGES

DAYS = range(1, 10)  # nine items in one column of ulanhot: each page lists five others under 相关信息


def fill(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "春耕备耕全面展开。", Slug="spring", Syndicate="counties"))
    for day in DAYS:
        body = f"乌兰浩特市第{day}项工作稳步推进，各部门协同配合。"
        repo.write(f"content/ulanhot/zwdt/n{day}.md", article(f"乌兰浩特市工作动态第{day}期", f"2026-04-0{day}", body, Slug=f"n{day}"))
    repo.write("content/ulanhot/tzgg/notice.md", article("关于开展植树活动的通知", "2026-04-12", Slug="notice"))
    return repo


def build(repo: Repo, out: Path | None = None, cache: bool = True) -> pipeline.BuildReport:
    report = pipeline.build(pipeline.BuildOptions(repo.root, out=out, jobs=2, cache=cache))
    assert report.ok, [str(p) for p in report.problems]
    return report


def clean_digest(repo: Repo) -> dict[str, str]:
    out = repo.root.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    build(repo, out=out, cache=False)
    return tree_digest(out)


def item_pages(repo: Repo, site: str) -> dict[str, str]:
    """The item pages of a built site and their keys, as its ``.zhanqun/pages.json`` lists them."""
    return json.loads(repo.out(site, PAGES).read_text(encoding="utf-8"))["pages"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill(new_repo(tmp_path_factory.mktemp("page-reuse") / "repo"))
    build(repo)
    return repo


@pytest.fixture
def copy(built: Repo, tmp_path: Path) -> Repo:
    return copy_repo(built, tmp_path / "repo")


def test_every_item_page_has_a_key_and_lists_do_not(built: Repo) -> None:
    pages = item_pages(built, "ulanhot")
    assert {f"zwdt/n{day}.html" for day in DAYS} | {"tzgg/notice.html", "zwdt/portal-spring.html"} == set(pages)
    assert len(set(pages.values())) == len(pages)  # each page its own key


def test_an_edited_body_renders_its_own_page_and_takes_the_others_over(copy: Repo) -> None:
    copy.write("content/ulanhot/zwdt/n3.md", article("乌兰浩特市工作动态第3期", "2026-04-03", "第3项工作已经全部完成。", Slug="n3"))
    report = build(copy)
    assert report.reused == len(item_pages(copy, "ulanhot")) - 1  # every item page but the edited one
    assert "已经全部完成" in copy.html("ulanhot", "zwdt", "n3.html")
    assert "已经全部完成" in copy.html("ulanhot", "feeds", "zwdt.atom.xml")  # lists and feeds are always rendered
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_new_title_is_shown_by_every_page_that_lists_the_item(copy: Repo) -> None:
    copy.write("content/ulanhot/zwdt/n8.md", article("乌兰浩特市工作动态第8期（更正）", "2026-04-08", Slug="n8"))
    report = build(copy)
    listing = [page for page in item_pages(copy, "ulanhot") if page != "zwdt/n8.html" and "第8期（更正）" in copy.html("ulanhot", page)]
    assert len(listing) == 9  # every other item of the column lists it among its 相关信息: rendered again
    assert report.reused == len(item_pages(copy, "ulanhot")) - 1 - len(listing)
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_new_title_of_an_item_no_page_lists_renders_its_page_only(copy: Repo) -> None:
    copy.write("content/ulanhot/zwdt/n1.md", article("乌兰浩特市工作动态第1期（更正）", "2026-04-01", Slug="n1"))
    report = build(copy)  # the oldest item: no item page lists it (only the newest five are listed)
    assert report.reused == len(item_pages(copy, "ulanhot")) - 1
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_page_edited_by_hand_in_the_output_is_rendered_again(copy: Repo) -> None:
    page = copy.out("ulanhot", "zwdt", "n5.html")
    good = page.read_bytes()
    page.write_bytes(good.replace("第5项工作".encode(), "篡改的内容".encode()))
    copy.write("content/ulanhot/tzgg/notice.md", article("关于开展植树活动的通知", "2026-04-12", "请各单位按时参加。", Slug="notice"))
    report = build(copy)
    assert page.read_bytes() == good
    assert report.reused == len(item_pages(copy, "ulanhot")) - 2  # the notice (edited) and n5 (altered)
    assert clean_digest(copy) == tree_digest(copy.out())


def test_damaged_page_keys_are_ignored(copy: Repo) -> None:
    copy.out("ulanhot", PAGES).write_text("{not json", encoding="utf-8")
    copy.write("content/ulanhot/zwdt/n1.md", article("乌兰浩特市工作动态第1期", "2026-04-01", "第1项工作有了新进展。", Slug="n1"))
    report = build(copy)
    assert report.reused == 0
    assert clean_digest(copy) == tree_digest(copy.out())


def test_keys_that_claim_another_page_are_never_trusted(copy: Repo) -> None:
    """Keys copied from one page to another (a forged record) cannot put one page's file in another's place."""
    keys = item_pages(copy, "ulanhot")
    forged = {path: keys["zwdt/n2.html"] for path in keys}
    copy.out("ulanhot", PAGES).write_text(json.dumps({"format": 1, "pages": forged}), encoding="utf-8")
    copy.write("content/ulanhot/zwdt/n2.md", article("乌兰浩特市工作动态第2期", "2026-04-02", "第2项工作有了新进展。", Slug="n2"))
    build(copy)
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_site_with_its_own_templates_renders_every_page(copy: Repo) -> None:
    override = copy.root / "themes" / "ulanhot" / "templates" / "partials" / "item-list.html"
    override.parent.mkdir(parents=True)
    shared = copy.root / "themes" / "gov" / "templates" / "partials" / "item-list.html"
    override.write_text(shared.read_text(encoding="utf-8").replace("{{ item.title", "{{ item.summary | striptags }}{{ item.title"), encoding="utf-8")
    build(copy)
    copy.write("content/ulanhot/zwdt/n9.md", article("乌兰浩特市工作动态第9期", "2026-04-09", "第9项工作通过验收。", Slug="n9"))
    report = build(copy)
    assert report.reused == 0
    assert "第9项工作通过验收" in copy.html("ulanhot", "zwdt", "n8.html")  # an override may show any field of any item
    assert clean_digest(copy) == tree_digest(copy.out())


def test_no_cache_takes_nothing_over(copy: Repo) -> None:
    copy.write("content/ulanhot/zwdt/n4.md", article("乌兰浩特市工作动态第4期", "2026-04-04", "第4项工作有了新进展。", Slug="n4"))
    report = build(copy, cache=False)
    assert report.reused == 0
    assert clean_digest(copy) == tree_digest(copy.out())


def test_texts_finished_in_parallel_are_the_ones_finished_in_order(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build converts thousands of texts in forked workers (``Stager.prefill``); the sample
    here is small, so the threshold is lowered to make it fork for these few."""
    from zhanqun.render import stage

    in_order = clean_digest(copy)  # below the threshold: every text finished by the staging loop
    forked: list[int] = []
    real = stage.Stager.prefill

    def counting(self: stage.Stager, items: list, workers: int) -> None:
        before = len(self.renderer.cache.entries)
        real(self, items, workers)
        forked.append(len(self.renderer.cache.entries) - before)

    monkeypatch.setattr(stage, "PARALLEL_AT_LEAST", 1)
    monkeypatch.setattr(stage.Stager, "prefill", counting)
    out = copy.root.parent / "parallel"
    build(copy, out=out, cache=False)
    assert forked and forked[0] > 0  # the workers finished the texts, not the staging loop
    assert tree_digest(out) == in_order


def test_a_page_taken_over_is_the_previous_file_and_that_file_never_changes(copy: Repo) -> None:
    """Taken over = a hard link to the current output's file (no copy, its time kept); the previous
    output moved aside by the swap keeps its bytes although the new output shares the file."""
    before = copy.out("ulanhot", "zwdt", "n5.html")
    old_inode, old_bytes = before.stat().st_ino, before.read_bytes()
    kept = copy.root / "kept-n5.html"  # a second name for the same file, outside the output
    kept.hardlink_to(before)
    copy.write("content/ulanhot/zwdt/n3.md", article("乌兰浩特市工作动态第3期", "2026-04-03", "第3项工作已经全部完成。", Slug="n3"))
    build(copy)
    assert copy.out("ulanhot", "zwdt", "n5.html").stat().st_ino == old_inode
    assert kept.read_bytes() == old_bytes


def test_pelican_never_writes_into_a_file_through_another_name(tmp_path: Path) -> None:
    """The writer removes a name before Pelican opens it in place: a page taken over is a hard link
    to the published file, and writing the same name again must make a new file."""
    from pelican.settings import DEFAULT_CONFIG

    from zhanqun.render.pelican_plugin import ConfinedWriter

    output = tmp_path / "site"
    (output / "zwdt").mkdir(parents=True)
    published = tmp_path / "published.html"
    published.write_text("已发布", encoding="utf-8")
    (output / "zwdt" / "a.html").hardlink_to(published)
    writer = ConfinedWriter(str(output), settings=dict(DEFAULT_CONFIG))
    with writer._open_w(str(output / "zwdt" / "a.html"), "utf-8") as handle:
        handle.write("新内容")
    assert published.read_text(encoding="utf-8") == "已发布"
    assert (output / "zwdt" / "a.html").read_text(encoding="utf-8") == "新内容"


def _bundle_inodes(repo: Repo, site: str) -> dict[str, int]:
    folder = repo.out(site, "pagefind")
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_the_search_bundle_links_the_files_an_edit_left_as_they_were(copy: Repo) -> None:
    """Pagefind names fragments and index chunks by what they hold: after one edit most of the
    bundle is the same bytes, linked from the current output rather than written again."""
    before = _bundle_inodes(copy, "ulanhot")
    copy.write("content/ulanhot/zwdt/n3.md", article("乌兰浩特市工作动态第3期", "2026-04-03", "第3项工作已经全部完成。", Slug="n3"))
    build(copy)
    after = _bundle_inodes(copy, "ulanhot")
    linked = [rel for rel, inode in after.items() if before.get(rel) == inode]
    assert len(linked) > len(after) // 2, (len(linked), len(after))
    assert set(after) - set(before)  # the edited page's fragment is new, and written
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_bundle_file_edited_by_hand_is_written_again_not_linked(copy: Repo) -> None:
    fragments = sorted(copy.out("ulanhot", "pagefind", "fragment").iterdir())
    for fragment in fragments:  # the manifest still lists the old bytes of each
        data = bytearray(fragment.read_bytes())
        data[len(data) // 2] ^= 0xFF
        fragment.write_bytes(bytes(data))
    copy.write("content/ulanhot/zwdt/n3.md", article("乌兰浩特市工作动态第3期", "2026-04-03", "第3项工作已经全部完成。", Slug="n3"))
    build(copy)
    assert len(set(fragments) & set(copy.out("ulanhot", "pagefind", "fragment").iterdir())) > len(fragments) // 2  # the same names again
    assert clean_digest(copy) == tree_digest(copy.out())


def test_a_file_is_linked_only_to_a_regular_file_of_the_same_bytes(tmp_path: Path) -> None:
    from zhanqun.paths import write_bytes_or_link

    current, new = tmp_path / "current", tmp_path / "new"
    current.mkdir()
    (current / "same.bin").write_bytes(b"abc")
    (current / "other.bin").write_bytes(b"abd")
    (current / "link.bin").symlink_to(current / "same.bin")
    write_bytes_or_link(new, "a/same.bin", b"abc", current / "same.bin")
    write_bytes_or_link(new, "a/other.bin", b"abc", current / "other.bin")
    write_bytes_or_link(new, "a/link.bin", b"abc", current / "link.bin")
    write_bytes_or_link(new, "a/gone.bin", b"abc", current / "gone.bin")
    assert (new / "a/same.bin").samefile(current / "same.bin")
    for name in ("other.bin", "link.bin", "gone.bin"):
        assert (new / "a" / name).read_bytes() == b"abc" and not (new / "a" / name).is_symlink()
        assert (new / "a" / name).stat().st_nlink == 1
    assert (current / "other.bin").read_bytes() == b"abd"


def test_no_file_outside_the_output_is_linked_through_a_folder_made_a_link(copy: Repo, tmp_path: Path) -> None:
    """The current output's search bundle folder made a link to a copy outside: neither the bundle
    (``write_bytes_or_link``) nor the files kept unchanged (``keep_unchanged_files``) link to it."""
    fragments = copy.out("ulanhot", "pagefind", "fragment")
    outside = tmp_path / "outside-fragments"
    shutil.copytree(fragments, outside)
    shutil.rmtree(fragments)
    fragments.symlink_to(outside)
    copy.write("content/ulanhot/zwdt/n3.md", article("乌兰浩特市工作动态第3期", "2026-04-03", "第3项工作已经全部完成。", Slug="n3"))
    build(copy)
    assert all(path.stat().st_nlink == 1 for path in outside.iterdir())
    assert clean_digest(copy) == tree_digest(copy.out())
