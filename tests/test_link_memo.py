"""What resolving each item's links found, and each staged file, kept between builds
(``links/link_memo.py``, ``render/stage.py``).

The oracle: the same stages run without a cache kept between builds. Whatever the memo holds, a
build's staged files (everything Pelican is given) and its problems must be exactly those; and
the count of items whose links were resolved shows whether the memo was used where it may be,
and not used where the world it was made in has changed. The stages run in this process
(no rendering): the memo lives before the rendering processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Repo, article, new_repo

from zhanqun import pipeline
from zhanqun.content.render_cache import CACHE_FOLDER, RenderCache, rendered_file
from zhanqun.errors import Problems
from zhanqun.links import resolve
from zhanqun.render import stage

ITEMS = 6


def fill(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "春耕备耕全面展开。", Slug="spring", Syndicate="counties"))
    repo.write("content/portal/tzgg/holiday.md", article("关于清明节放假的通知", "2026-03-28", "放假安排如下。", Slug="qingming"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "详见[春耕](site:portal/zwdt/spring.md)和[地图]({static}/files/map.pdf)。", Slug="river"))
    repo.write("content/ulanhot/zwdt/bridge.md", article("乌兰浩特市新桥通车", "2026-04-03", "[洮儿河]({filename}river.md)上的新桥通车。", Slug="bridge"))
    repo.write("content/ulanhot/tzgg/water.md", article("乌兰浩特市停水通知", "2026-04-05", "部分街区停水。", Slug="water"))
    repo.write("content/ulanhot/tzgg/heat.md", article("乌兰浩特市供热通知", "2026-01-15", "供热时间延长。", Slug="heat"))
    repo.write("content/ulanhot/files/map.pdf", b"%PDF-1.4 map\n")
    return repo


@pytest.fixture
def cluster(tmp_path: Path) -> Repo:
    return fill(new_repo(tmp_path / "repo"))


class Counted:
    """How many times an item's links and a staged file were made (not taken from the memo)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.resolved: list[str] = []
        self.staged: list[str] = []
        rewrite_body, item_file = resolve.rewrite_body, stage.Stager._item_file

        def counting_rewrite(item, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.resolved.append(item.source)
            return rewrite_body(item, *args, **kwargs)

        def counting_item_file(stager, item, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.staged.append(item.source)
            return item_file(stager, item, *args, **kwargs)

        monkeypatch.setattr(resolve, "rewrite_body", counting_rewrite)
        monkeypatch.setattr(stage.Stager, "_item_file", counting_item_file)

    def reset(self) -> None:
        self.resolved.clear()
        self.staged.clear()


def stage_every_site(context: pipeline.BuildContext, folder: Path) -> None:
    """What each site gives Pelican (``render/stage.py``), every site at once, without rendering
    (a build stages site by site as it renders: ``pipeline.stage_and_render``)."""
    stager, planned = pipeline._stager(context)
    stager.prefill([(item, extra) for files in planned.values() for _rel, item, extra in files], 1)
    for site_id in context.site_ids:
        context.staged[site_id] = stage.stage_site(site_id, stager, context.attachment_use, context.root, folder / site_id, planned[site_id])  # type: ignore[arg-type]


def staged(repo: Repo, tmp_path: Path, kept: bool = True) -> tuple[dict[str, dict[str, str]], list[tuple[str, int | None, str, str]]]:
    """The staged texts of every site and the problems, from the stages before rendering; with
    ``kept``, the render cache is read from and saved to the repository as a build does."""
    problems = Problems()
    cache = RenderCache(repo.root if kept else None, "preview")
    cache.load(problems)
    texts: dict[str, dict[str, str]] = {}
    try:
        context = pipeline.prepare(pipeline.BuildOptions(repo.root), problems, cache)
        pipeline._stop_on_errors(context)  # as a build does: nothing is staged after an error
        stage_every_site(context, tmp_path / "stage")
        texts = {site_id: dict(site.texts) for site_id, site in context.staged.items()}
    except pipeline.BuildFailed:
        pass
    finally:
        cache.save(prune=True)
    return texts, [(p.path, p.line, p.code, p.message) for p in problems]


def same_as_without_memo(repo: Repo, tmp_path: Path, kept: tuple[dict[str, dict[str, str]], list[tuple[str, int | None, str, str]]]) -> None:
    assert kept == staged(repo, tmp_path, kept=False)


def test_an_edited_body_resolves_and_stages_the_edited_item_only(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch)
    staged(cluster, tmp_path)
    assert len(set(counted.resolved)) == ITEMS
    counted.reset()
    cluster.write("content/ulanhot/zwdt/bridge.md", article("乌兰浩特市新桥通车", "2026-04-03", "[洮儿河]({filename}river.md)上的新桥今日通车。", Slug="bridge"))
    after = staged(cluster, tmp_path)
    assert counted.resolved == ["content/ulanhot/zwdt/bridge.md"]
    assert counted.staged == ["content/ulanhot/zwdt/bridge.md"]
    assert "今日通车" in after[0]["ulanhot"]["zwdt/bridge.md.zq"]
    same_as_without_memo(cluster, tmp_path, after)


def test_nothing_changed_resolves_nothing(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch)
    first = staged(cluster, tmp_path)
    counted.reset()
    assert staged(cluster, tmp_path) == first
    assert counted.resolved == [] and counted.staged == []


def test_a_new_slug_resolves_every_link_to_it_again(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch)
    staged(cluster, tmp_path)
    counted.reset()
    cluster.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "春耕备耕全面展开。", Slug="spring-2026", Syndicate="counties"))
    after = staged(cluster, tmp_path)
    assert len(set(counted.resolved)) == ITEMS  # another item's address changed: the world did
    assert "/portal/zwdt/spring-2026.html" in after[0]["ulanhot"]["zwdt/river.md.zq"]
    same_as_without_memo(cluster, tmp_path, after)


def test_an_attachment_removed_or_added_is_seen(cluster: Repo, tmp_path: Path) -> None:
    staged(cluster, tmp_path)
    (cluster.root / "content/ulanhot/files/map.pdf").unlink()
    texts, problems = staged(cluster, tmp_path)
    assert [(p[0], p[2]) for p in problems if p[2] != "unused-file"] == [("content/ulanhot/zwdt/river.md", "broken-link")]
    cluster.write("content/ulanhot/files/map.pdf", b"%PDF-1.4 map\n")
    after = staged(cluster, tmp_path)
    assert after[1] == [] and "/ulanhot/files/map.pdf" in after[0]["ulanhot"]["zwdt/river.md.zq"]
    same_as_without_memo(cluster, tmp_path, after)


def test_a_changed_site_file_resolves_everything_again(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch)
    staged(cluster, tmp_path)
    counted.reset()
    cluster.site("ulanhot", "乌兰浩特市人民政府", url="https://www.ulanhot.gov.cn/")
    after = staged(cluster, tmp_path)
    assert len(set(counted.resolved)) == ITEMS
    same_as_without_memo(cluster, tmp_path, after)


def test_problems_found_once_are_reported_again_from_the_memo(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster.write("content/ulanhot/tzgg/water.md", article("乌兰浩特市停水通知", "2026-04-05", "部分街区停水。\n\n见[旧通知]({filename}old.md)。", Slug="water"))
    counted = Counted(monkeypatch)
    first = staged(cluster, tmp_path)
    assert [(p[0], p[1], p[2]) for p in first[1]] == [("content/ulanhot/tzgg/water.md", 7, "broken-link")]
    counted.reset()
    again = staged(cluster, tmp_path)
    assert "content/ulanhot/tzgg/water.md" not in counted.resolved  # taken from the memo ...
    assert again == first  # ... with the same problem, line and text
    same_as_without_memo(cluster, tmp_path, again)


@pytest.mark.parametrize(
    "forged",
    [
        "not json",
        json.dumps({"problems": [], "files": "files/map.pdf"}),
        json.dumps({"problems": [["content/x.md", "4", "missing-page", "forged", "error"]], "files": []}),
        json.dumps({"problems": [], "files": [["ulanhot"]]}),
        json.dumps([]),
    ],
)
def test_an_entry_of_another_shape_is_never_trusted(cluster: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forged: str) -> None:
    staged(cluster, tmp_path)
    path = cluster.root / CACHE_FOLDER / rendered_file("preview")
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in data["entries"].items():  # every memo entry, and every kept staged file
        if isinstance(value, str) and value.startswith('{"files"'):
            data["entries"][key] = forged
        elif isinstance(value, list) and len(value) == 2 and value[0].startswith('{\n"content"'):
            data["entries"][key] = [forged]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    counted = Counted(monkeypatch)
    after = staged(cluster, tmp_path)
    assert len(set(counted.resolved)) == ITEMS and len(set(counted.staged)) == ITEMS
    same_as_without_memo(cluster, tmp_path, after)


def test_without_a_kept_cache_there_is_no_memo(cluster: Repo) -> None:
    context = pipeline.prepare(pipeline.BuildOptions(cluster.root), Problems(), RenderCache(None))
    assert context.resolver is not None and context.resolver.memo is None


def test_problems_kept_in_one_language_are_not_shown_in_another(cluster: Repo, tmp_path: Path) -> None:
    from zhanqun import i18n

    cluster.write("content/ulanhot/tzgg/water.md", article("乌兰浩特市停水通知", "2026-04-05", "部分街区停水。\n\n见[旧通知]({filename}old.md)。", Slug="water"))
    before = i18n.current_language()
    try:
        english = staged(cluster, tmp_path)
        i18n.use_language("zh")
        chinese = staged(cluster, tmp_path)
        assert chinese != english
        same_as_without_memo(cluster, tmp_path, chinese)
    finally:
        i18n.use_language(before)


def test_the_json_every_key_hashes_tells_values_apart_and_refuses_what_it_cannot_tell() -> None:
    import dataclasses
    from datetime import date

    from zhanqun.content.render_cache import json_bytes

    values = [["a", 1], ["a", "1"], ["a", True], ["a", None], ["a\ud800"], ["a\\ud800"], {"k": [1]}, {"k": "[1]"}, ["a, b"], ["a", "b"]]
    assert len({json_bytes(value) for value in values}) == len(values)
    assert json_bytes({"b": 1, "a": 2}) == json_bytes({"a": 2, "b": 1})
    for refused in (date(2026, 3, 2), dataclasses.make_dataclass("D", ["x"])(1)):
        with pytest.raises(TypeError):
            json_bytes(["k", refused])
