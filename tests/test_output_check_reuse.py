"""The output checks of a one-edit build cost in proportion to what changed, and report exactly
what a full check would: the link check keeps what it read out of each page by the page's digest
(``links/link_extracts.py``) but judges every link again; the leak gate does not search again a
file whose bytes already passed it at its path with the same traces and code (the cache folder's
record, ``publish/leak_passes.py``, never the output's own manifest), and a file edited or swapped
after it was checked is searched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from conftest import Repo, article, copy_repo, new_repo

from zhanqun import pipeline
from zhanqun.content.render_cache import CACHE_FOLDER
from zhanqun.links import link_check
from zhanqun.links.link_extracts import cache_file
from zhanqun.publish.leak_gate import LeakScanner

DAYS = range(1, 8)
SECRET_TITLE = "乌兰浩特市内部维稳工作安排甲号"
LINKS_FILE = cache_file("preview", "ulanhot")


def fill(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring"))
    for day in DAYS:
        body = f"乌兰浩特市第{day}项工作稳步推进，各部门协同配合。"
        if day == 5:
            body += "\n\n详见[春耕](site:portal/zwdt/spring.md)。"
        repo.write(f"content/ulanhot/zwdt/n{day}.md", article(f"乌兰浩特市工作动态第{day}期", f"2026-04-0{day}", body, Slug=f"n{day}"))
    repo.write("content/ulanhot/tzgg/plan.md", article(SECRET_TITLE, "2026-04-10", "内部安排，不对外公开。", Slug="county-internal-plan", Visibility="internal"))
    return repo


def build(repo: Repo, ok: bool = True, cache: bool = True, sites: tuple[str, ...] = ()) -> pipeline.BuildReport:
    report = pipeline.build(pipeline.BuildOptions(repo.root, jobs=2, cache=cache, sites=list(sites)))
    assert report.ok == ok, [str(p) for p in report.problems]
    return report


def edit(repo: Repo, day: int = 3) -> None:
    """Edit one item's body: its own page is rendered again, the other item pages are taken over."""
    repo.write(f"content/ulanhot/zwdt/n{day}.md", article(f"乌兰浩特市工作动态第{day}期", f"2026-04-0{day}", f"第{day}项工作已经全部完成。", Slug=f"n{day}"))


def problems(report: pipeline.BuildReport) -> list[tuple[str, int | None, str, str, str]]:
    return [(p.path, p.line, p.code, p.message, p.severity) for p in report.problems]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill(new_repo(tmp_path_factory.mktemp("output-checks") / "repo"))
    build(repo)
    return repo


@pytest.fixture
def copy(built: Repo, tmp_path: Path) -> Repo:
    return copy_repo(built, tmp_path / "repo")


def between_the_checks(monkeypatch: pytest.MonkeyPatch, act: Callable[[pipeline.BuildContext], None]) -> None:
    """Run ``act`` after the link check has read every page and before the leak gate."""

    def links_then_act(context: pipeline.BuildContext) -> None:
        pipeline.check_links(context)
        act(context)

    monkeypatch.setattr(pipeline, "OUTPUT_CHECKS", [("links", links_then_act), ("leaks", pipeline.check_leaks)])


def plant_secret(data: bytes) -> bytes:
    """The page with the internal item's title written over its own title, same size."""
    at = data.index(b"<title>") + len(b"<title>")
    secret = SECRET_TITLE.encode("utf-8")
    return data[:at] + secret + data[at + len(secret) :]


# --- the leak gate -------------------------------------------------------------------------


def test_pages_that_passed_with_the_same_traces_are_not_searched_again(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[str] = []
    scan = LeakScanner.scan_reading
    monkeypatch.setattr(LeakScanner, "scan_reading", lambda self, text: searched.append(text) or scan(self, text))
    edit(copy)
    report = build(copy)
    assert report.reused == len(DAYS) - 1
    item_pages = {f"zwdt/n{day}.html" for day in DAYS}
    assert item_pages & set(searched) == {"zwdt/n3.html"}  # the edited page's address, its text too
    assert any("已经全部完成" in text for text in searched)


def test_a_taken_over_page_edited_in_place_after_its_check_is_searched(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuilt site holds the current output's very file (a hard link): written to there, in
    place and at the same size, the page changes under the build; its digest is then not the one
    that passed, and the gate reads it."""
    previous = copy.out("ulanhot", "zwdt", "n5.html")

    def edit_the_previous_output(context: pipeline.BuildContext) -> None:
        assert context.output_dir is not None
        assert os.path.samefile(previous, context.output_dir / "ulanhot" / "zwdt" / "n5.html")  # taken over
        data = previous.read_bytes()
        with open(previous, "r+b") as handle:
            handle.write(plant_secret(data))

    between_the_checks(monkeypatch, edit_the_previous_output)
    edit(copy)
    report = build(copy, ok=False)
    leaks = [p for p in report.problems if p.code == "leak"]
    assert [p.path for p in leaks] == ["output/preview/ulanhot/zwdt/n5.html"], [str(p) for p in report.problems]
    assert SECRET_TITLE in leaks[0].message


def test_a_page_swapped_for_another_file_after_the_link_check_is_searched(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest the link check took is handed on only while the file is the one it read: another
    file of the same size put in its place (another inode) is read again."""

    def swap_the_page(context: pipeline.BuildContext) -> None:
        assert context.output_dir is not None
        page = context.output_dir / "ulanhot" / "zwdt" / "n6.html"
        other = page.with_name("other.tmp")
        other.write_bytes(plant_secret(page.read_bytes()))
        os.replace(other, page)

    between_the_checks(monkeypatch, swap_the_page)
    edit(copy)
    report = build(copy, ok=False)
    assert [p.path for p in report.problems if p.code == "leak"] == ["output/preview/ulanhot/zwdt/n6.html"]


def test_a_page_and_its_manifest_entry_swapped_in_the_previous_output_do_not_pass(copy: Repo) -> None:
    """A file replaced in the previous output by a symbolic link to a leaking file: the link is never
    taken over, and the gate never trusts it (the page is rendered again, the build clean)."""
    page = copy.out("ulanhot", "zwdt", "n4.html")
    evil = copy.root / "evil.html"
    evil.write_bytes(plant_secret(page.read_bytes()))
    page.unlink()
    page.symlink_to(evil)
    edit(copy)
    build(copy)
    assert not page.is_symlink() and SECRET_TITLE not in page.read_text(encoding="utf-8")


def _match_manifest(site_folder: Path, rel: str) -> None:
    """Make the site manifest in the output list the file at ``rel`` as it is now (a hand edit of
    the output with its manifest "repaired", or output and manifest restored from elsewhere)."""
    import hashlib

    path = site_folder / ".zhanqun" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    data = (site_folder / rel).read_bytes()
    for entry in manifest["files"]:
        if entry["path"] == rel:
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    path.write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")


def test_a_leak_in_the_output_whose_manifest_was_made_to_match_is_never_taken_over(copy: Repo) -> None:
    """The output's manifest is believed only as the last build sealed it (``record_seals.py``):
    a leak written into the current output, its manifest entry made to match, leaves the site's
    records unsealed, so the next build takes no page of it over and renders the site again."""
    site = copy.out("ulanhot")
    page = site / "zwdt" / "n5.html"
    page.write_bytes(plant_secret(page.read_bytes()))
    _match_manifest(site, "zwdt/n5.html")
    edit(copy)
    report = build(copy)
    assert report.reused == 0 and "ulanhot" not in report.unchanged
    assert SECRET_TITLE.encode("utf-8") not in page.read_bytes()


def test_a_leak_in_an_unchanged_sites_output_whose_manifest_was_made_to_match_is_rendered_away(copy: Repo) -> None:
    """Nothing of the site changed in the tree: without the seal its output would be "intact"
    (every file as its manifest says) and never searched again (the same traces)."""
    site = copy.out("ulanhot")
    page = site / "zwdt" / "n5.html"
    page.write_bytes(plant_secret(page.read_bytes()))
    _match_manifest(site, "zwdt/n5.html")
    report = build(copy)
    assert report.unchanged == ["portal"]
    assert SECRET_TITLE.encode("utf-8") not in page.read_bytes()


def test_a_changed_inputs_record_or_page_keys_are_no_records(copy: Repo) -> None:
    """Any change to a site's ``.zhanqun/`` records unseals them: the site is rendered again."""
    for record in ("inputs.json", "pages.json"):
        path = copy.out("ulanhot", ".zhanqun", record)
        path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
        report = build(copy)
        assert report.unchanged == ["portal"], record
    assert build(copy).unchanged == ["portal", "ulanhot"]  # sealed again by the build that rendered it


def test_damaged_seals_are_a_warning_and_every_site_is_rendered_again(copy: Repo) -> None:
    (copy.root / CACHE_FOLDER / "records-preview.json").write_text('{"format": 1, "key": "records-1", "entries": {"output/preview/ulanhot": 7}}', encoding="utf-8")
    report = build(copy)
    assert report.unchanged == []
    assert [(p.path, p.code) for p in report.problems] == [(f"{CACHE_FOLDER}/records-preview.json", "cache-damaged")]
    assert build(copy).unchanged == ["portal", "ulanhot"]


def test_without_the_seals_every_site_is_rendered_again_then_sealed(copy: Repo) -> None:
    (copy.root / CACHE_FOLDER / "records-preview.json").unlink()
    assert build(copy).unchanged == []
    assert build(copy).unchanged == ["portal", "ulanhot"]


def test_pages_that_passed_under_other_code_are_searched_again(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new version of the gate may find what the old one let through: the record is the code's."""
    from zhanqun.publish import leak_passes

    searched: list[str] = []
    scan = LeakScanner.scan_reading
    monkeypatch.setattr(LeakScanner, "scan_reading", lambda self, text: searched.append(text) or scan(self, text))
    monkeypatch.setattr(leak_passes, "code_fingerprint", lambda: "another version")
    edit(copy)
    build(copy)
    assert {f"zwdt/n{day}.html" for day in DAYS} <= set(searched)


def test_a_damaged_record_of_passed_files_is_a_warning_and_every_file_is_searched(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhanqun.publish.leak_passes import record_file

    (copy.root / CACHE_FOLDER / record_file("preview")).write_text("{not json", encoding="utf-8")
    searched: list[str] = []
    scan = LeakScanner.scan_reading
    monkeypatch.setattr(LeakScanner, "scan_reading", lambda self, text: searched.append(text) or scan(self, text))
    edit(copy)
    report = build(copy)
    assert [p.code for p in report.problems if p.code == "cache-damaged"] == ["cache-damaged"]
    assert {f"zwdt/n{day}.html" for day in DAYS} <= set(searched)
    assert json.loads((copy.root / CACHE_FOLDER / record_file("preview")).read_text(encoding="utf-8"))["format"]  # written anew


def test_other_traces_mean_every_file_is_searched(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[str] = []
    scan = LeakScanner.scan_reading
    monkeypatch.setattr(LeakScanner, "scan_reading", lambda self, text: searched.append(text) or scan(self, text))
    edit(copy)
    copy.write("content/ulanhot/tzgg/plan2.md", article("乌兰浩特市内部值班安排乙号", "2026-04-11", Slug="duty-plan", Visibility="internal"))
    build(copy)
    assert {f"zwdt/n{day}.html" for day in DAYS} <= set(searched)


# --- the link check --------------------------------------------------------------------------


def test_only_changed_pages_are_parsed_and_a_broken_link_of_an_unchanged_page_is_still_found(copy: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The links of n5 (unchanged, taken over) come from the cache; its link to the portal's page
    is judged again, and broken once that page is gone from the portal's output."""
    parsed: list[object] = []
    extract = link_check.extract_links
    monkeypatch.setattr(link_check, "extract_links", lambda text: parsed.append(text) or extract(text))
    edit(copy)
    build(copy)
    pages = len(list(copy.out("ulanhot").rglob("*.html"))) - len(list(copy.out("ulanhot", "pagefind").rglob("*.html")))
    assert 0 < len(parsed) < pages / 2
    edit(copy, 2)
    copy.out("portal", "zwdt", "spring.html").unlink()
    clean = copy_repo(copy, copy.root.parent / "clean")
    parsed.clear()
    report = build(copy, ok=False, sites=("ulanhot",))
    assert 0 < len(parsed) < pages / 2
    dead = [p for p in report.problems if p.code == "dead-link"]
    assert [p.path for p in dead] == ["output/preview/ulanhot/zwdt/n5.html"]
    assert "no such page" in dead[0].message
    shutil.rmtree(clean.root / CACHE_FOLDER)
    expected = build(clean, ok=False, cache=False, sites=("ulanhot",))
    assert problems(report) == problems(expected) and report.notes == expected.notes


@pytest.mark.parametrize(
    "damage, says",
    [
        (lambda text: text[: len(text) // 2], "cannot be read (JSONDecodeError)"),
        (lambda text: text.replace('"href"', '"onclick"', 1), "holds values of the wrong kind"),
        (lambda text: text.replace('"format":1', '"format":"1"', 1), "is not in the form this version writes"),
    ],
    ids=["truncated", "forged-attribute", "wrong-form"],
)
def test_a_damaged_links_cache_is_a_warning_and_every_page_is_parsed(copy: Repo, damage: Callable[[str], str], says: str) -> None:
    edit(copy)
    build(copy)  # the cache file written
    cached = copy.root / CACHE_FOLDER / LINKS_FILE
    text = cached.read_text(encoding="utf-8")
    assert '"href"' in text
    cached.write_text(damage(text), encoding="utf-8")
    edit(copy, 2)
    clean = copy_repo(copy, copy.root.parent / "clean")
    report = build(copy, sites=("ulanhot",))
    warnings = [p for p in report.problems if p.code == "cache-damaged"]
    assert [(p.path, p.severity) for p in warnings] == [(f"{CACHE_FOLDER}/{LINKS_FILE}", "warning")]
    assert says in warnings[0].message
    json.loads(cached.read_text(encoding="utf-8"))  # written again, whole
    shutil.rmtree(clean.root / CACHE_FOLDER)
    expected = build(clean, cache=False, sites=("ulanhot",))
    assert [p for p in problems(report) if p[2] != "cache-damaged"] == problems(expected)
    assert report.notes == expected.notes  # the link check's line: pages, links, broken


def test_no_cache_reads_and_writes_no_links_cache(copy: Repo) -> None:
    shutil.rmtree(copy.root / CACHE_FOLDER)
    (copy.root / CACHE_FOLDER).mkdir()
    damaged = copy.root / CACHE_FOLDER / cache_file("preview", "portal")
    damaged.write_text("{", encoding="utf-8")  # would be a warning if it were read
    edit(copy)
    report = build(copy, cache=False)
    assert not [p for p in report.problems if p.code == "cache-damaged"]
    assert sorted(p.name for p in (copy.root / CACHE_FOLDER).iterdir()) == [damaged.name]
    assert damaged.read_text(encoding="utf-8") == "{"


def test_the_links_kept_for_a_site_the_cluster_no_longer_has_are_removed(copy: Repo) -> None:
    stale = copy.root / CACHE_FOLDER / cache_file("preview", "oldsite")
    stale.write_text("{}", encoding="utf-8")
    kept = copy.root / CACHE_FOLDER / LINKS_FILE
    assert kept.is_file()
    build(copy, sites=("ulanhot",))  # a build of some sites does not know what the others left
    assert stale.is_file()
    edit(copy)
    build(copy)
    assert not stale.exists() and kept.is_file()


def test_a_site_rendered_while_others_render_has_its_pages_read_ahead_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``link_check.read_ahead`` runs as each site but the last comes back from its rendering
    process; the check after the last one parses no page a second time, and finds what a build
    without reading ahead finds."""
    parsed: list[bytes] = []
    extract = link_check.extract_links
    monkeypatch.setattr(link_check, "extract_links", lambda text: parsed.append(text) or extract(text))
    ahead: list[str] = []
    read_ahead = pipeline.read_ahead
    monkeypatch.setattr(pipeline, "read_ahead", lambda site_id, *rest: ahead.append(site_id) or read_ahead(site_id, *rest))
    repo = fill(new_repo(tmp_path / "repo"))
    report = build(repo)
    assert len(ahead) == 1 and ahead[0] in ("portal", "ulanhot")  # two sites: the first back is read ahead
    pages = [p for site in ("portal", "ulanhot") for p in repo.out(site).rglob("*.html") if "pagefind" not in p.parts]
    assert len(parsed) == len(pages)
    assert "check:links" in report.timings and report.timings["render"] >= 0
    monkeypatch.setattr(pipeline, "read_ahead", lambda *args: None)
    other = fill(new_repo(tmp_path / "other"))
    expected = build(other)
    assert problems(report) == problems(expected) and report.notes == expected.notes


# --- the manifest takes the digests the output checks made -------------------------------------


def test_the_manifest_takes_a_digest_read_in_this_build_and_hashes_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhanqun.links.output_digests import FileDigests
    from zhanqun.publish import manifest

    site = tmp_path / "site"
    (site / "gzdt").mkdir(parents=True)
    (site / "gzdt" / "a.html").write_bytes(b"<p>one</p>")
    (site / "b.html").write_bytes(b"<p>two</p>")
    digests = FileDigests()
    digests.read(os.path.join(str(site), "gzdt/a.html"))
    hashed: list[str] = []
    real_hash = manifest.hash_file
    monkeypatch.setattr(manifest, "hash_file", lambda path: (hashed.append(Path(path).name), real_hash(path))[1])
    made = manifest.build_manifest(site, "s", "preview", None, digests)
    assert hashed == ["b.html"]
    assert made == manifest.build_manifest(site, "s", "preview", None)  # the same entries as hashing every file


def test_a_file_changed_after_the_checks_read_it_is_hashed_again_for_the_manifest(tmp_path: Path) -> None:
    from zhanqun.links.output_digests import FileDigests
    from zhanqun.publish.manifest import build_manifest

    site = tmp_path / "site"
    site.mkdir()
    page = site / "a.html"
    page.write_bytes(b"<p>one</p>")
    digests = FileDigests()
    digests.read(str(page))
    before = os.stat(page)
    page.write_bytes(b"<p>ONE</p>")  # the same size, its time set back: only the change time tells
    while os.stat(page).st_ctime_ns == before.st_ctime_ns:  # written within the clock's tick: again, until it moved
        page.write_bytes(b"<p>ONE</p>")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    [entry] = build_manifest(site, "s", "preview", None, digests).files
    assert entry.sha256 == hashlib.sha256(b"<p>ONE</p>").hexdigest()
    (tmp_path / "secret").write_bytes(b"<p>one</p>")
    page.unlink()
    page.symlink_to(tmp_path / "secret")  # a link where the checks read a file: refused, as without digests
    with pytest.raises(OSError):
        build_manifest(site, "s", "preview", None, digests)
