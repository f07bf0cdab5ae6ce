"""Nothing leaked: internal and draft items, and attachments only they use, stay out of public output."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Repo, article, new_repo, problem_lines

from zhanqun.publish.leak_gate import LeakScanner, Trace, passage

# Distinctive tokens planted in unpublished items: titles, slugs, bodies, attachments.
INTERNAL_TITLE = "兴安盟二〇二六年内部预算调整方案"
INTERNAL_SLUG = "secret-budget-adjustment"
INTERNAL_BODY = "内部核对口令丁丑甲寅乙卯庚辰辛巳壬午癸未甲申乙酉"
INTERNAL_FILE = "internal-budget-2026.xlsx"
SYNDICATED_TITLE = "内部通报盟直部门考核结果"
SYNDICATED_SLUG = "internal-assessment"
COUNTY_TITLE = "乌兰浩特市内部维稳工作安排"
COUNTY_SLUG = "county-internal-plan"
DRAFT_TITLE = "未定稿人事任免草案甲号"
DRAFT_BODY = "草稿核对口令子鼠丑牛寅虎卯兔辰龙巳蛇午马未羊"
DRAFT_FILE = "draft-appointments.docx"

INTERNAL_TOKENS = [INTERNAL_TITLE, INTERNAL_SLUG, INTERNAL_BODY, INTERNAL_FILE, SYNDICATED_TITLE, SYNDICATED_SLUG, COUNTY_TITLE, COUNTY_SLUG]
DRAFT_TOKENS = [DRAFT_TITLE, DRAFT_BODY, DRAFT_FILE]


def plant(repo: Repo) -> Repo:
    """A cluster whose unpublished items carry the tokens above."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='intranet_url = "http://wlht.zw.xam/"')
    repo.write("content/portal/files/public-map.png", b"\x89PNG public map")
    repo.write("content/portal/files/shared-chart.png", b"\x89PNG shared chart")
    repo.write("content/portal/files/unlinked-leaflet.pdf", b"%PDF leaflet")
    repo.write(f"content/portal/files/2026/{INTERNAL_FILE}", b"PK internal budget")
    repo.write(f"content/portal/files/{DRAFT_FILE}", b"PK draft appointments")
    repo.write(
        "content/portal/zwdt/spring.md",
        article("兴安盟部署春季农业生产", Slug="spring-farming", body="见![地图]({static}/files/public-map.png)和![图表]({static}../files/shared-chart.png)。"),
    )
    repo.write(
        "content/portal/zwdt/budget.md",
        article(
            INTERNAL_TITLE,
            Slug=INTERNAL_SLUG,
            Visibility="internal",
            Summary="预算调整",
            body=f"{INTERNAL_BODY}。\n\n附件：[预算表]({{static}}/files/2026/{INTERNAL_FILE})，![图表]({{static}}/files/shared-chart.png)",
        ),
    )
    repo.write("content/portal/zwdt/assessment.md", article(SYNDICATED_TITLE, Slug=SYNDICATED_SLUG, Visibility="internal", Syndicate="ulanhot", body="考核结果见内部通知。"))
    repo.write("content/portal/tzgg/appointments.md", article(DRAFT_TITLE, Status="draft", body=f"{DRAFT_BODY}。\n\n[任免表]({{static}}../files/{DRAFT_FILE})"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", Slug="river"))
    repo.write("content/ulanhot/tzgg/plan.md", article(COUNTY_TITLE, Slug=COUNTY_SLUG, Visibility="internal"))
    return repo


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = plant(new_repo(tmp_path_factory.mktemp("leak") / "repo"))
    for target in ("preview", "production", "intranet"):
        result = repo.run("build", "--target", target)
        assert result.exit_code == 0, result.stderr
    return repo


def everything(repo: Repo, target: str) -> str:
    """Every output file's path and text (binary files decoded leniently), as one string."""
    parts = []
    for path in sorted(repo.out(target=target).rglob("*")):
        if path.is_file():
            parts.append(path.relative_to(repo.out(target=target)).as_posix())
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("target", ["preview", "production"])
def test_public_targets_show_no_internal_or_draft_token(planted: Repo, target: str) -> None:
    output = everything(planted, target)
    assert "兴安盟部署春季农业生产" in output  # the scan reads real output
    for token in INTERNAL_TOKENS + DRAFT_TOKENS:
        assert token not in output, f"{token} leaked into {target}"


def test_intranet_shows_internal_items_and_their_attachments(planted: Repo) -> None:
    output = everything(planted, "intranet")
    for token in INTERNAL_TOKENS:
        assert token in output, f"{token} missing from intranet"
    assert planted.out("portal", "files", "2026", INTERNAL_FILE, target="intranet").is_file()
    assert planted.out("ulanhot", "zwdt", f"portal-{SYNDICATED_SLUG}.html", target="intranet").is_file()


def test_intranet_shows_no_draft(planted: Repo) -> None:
    output = everything(planted, "intranet")
    for token in DRAFT_TOKENS:
        assert token not in output


@pytest.mark.parametrize("target", ["preview", "production"])
def test_only_attachments_that_public_items_link_are_published(planted: Repo, target: str) -> None:
    files = planted.out("portal", "files", target=target)
    assert sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file()) == ["public-map.png", "shared-chart.png"]


def test_a_file_no_item_links_is_not_published_and_named_in_a_warning(leaky: Repo) -> None:
    result = leaky.run("check")
    assert result.exit_code == 0, result.stderr
    assert problem_lines(result, "unused-file") == [
        "content/portal/files/unlinked-leaflet.pdf: warning: unused-file: no item links this file, so it is not published; link it with {static}/files/unlinked-leaflet.pdf or remove it",
    ]


# --- the gate fails builds that show a trace ------------------------------------------------


@pytest.fixture
def leaky(repo: Repo) -> Repo:
    return plant(repo)


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_public_item_quoting_an_internal_title_is_an_error_at_the_authors_line(leaky: Repo) -> None:
    leaky.write("content/portal/zwdt/mention.md", article("关于预算工作的说明", Slug="mention", body=f"第一段。\n\n参见《{INTERNAL_TITLE}》。"))
    assert leaky.run("build", "--target", "intranet").exit_code == 0  # the intranet may show it
    for command in (["check"], ["build", "--target", "preview"]):
        result = leaky.run(*command)
        assert result.exit_code == 1
        assert problem_lines(result, "leak") == [
            f"content/portal/zwdt/mention.md:7: leak: shows the title '{INTERNAL_TITLE}' of content/portal/zwdt/budget.md, an internal item, which only the intranet may show; reword it"
        ]
    assert not leaky.out("portal").exists()  # nothing was written


@pytest.mark.parametrize(
    "quote",
    [
        "兴安盟二〇二六年**内部预算**调整方案",  # emphasis inside
        "兴安盟二〇二六年内部\n预算调整方案",  # wrapped over two lines
        "兴安盟二〇二六年内部&#39044;算调整方案",  # one character as an entity
        "兴安盟二〇二六年<span>内部</span>预算调整方案",  # a tag inside
        "兴安盟二〇二六年内部预算调整方案".replace("预", "\u200b预"),  # an invisible character
        "兴安盟二〇二六年内部预算调整方案".replace("二〇二六", "二〇二六").replace("年", "　年"),  # a full-width space
    ],
)
def test_a_reformatted_quote_of_an_internal_title_is_still_a_leak(leaky: Repo, quote: str) -> None:
    leaky.write("content/portal/zwdt/mention.md", article("关于预算工作的说明", Slug="mention", body=f"参见《{quote}》。"))
    result = leaky.run("check")
    assert result.exit_code == 1
    [line] = problem_lines(result, "leak")
    assert line.startswith("content/portal/zwdt/mention.md:5: leak: shows the title '兴安盟二〇二六年内部预算调整方案'")


def test_public_item_naming_an_internal_attachment_is_an_error(leaky: Repo) -> None:
    leaky.write("content/portal/zwdt/mention.md", article("关于预算工作的说明", Slug="mention", Summary="预算说明", body=f"预算表文件名为 {INTERNAL_FILE}。"))
    result = leaky.run("build", "--target", "production")
    assert result.exit_code == 1
    assert problem_lines(result, "leak") == [
        f"content/portal/zwdt/mention.md:6: leak: shows the attachment '{INTERNAL_FILE}' of content/portal/files/2026/{INTERNAL_FILE}, a file only unpublished items link; reword it"
    ]


def test_a_template_that_shows_an_internal_title_fails_the_build_at_the_page(leaky: Repo) -> None:
    """The output gate reads what templates, plugins and the stage wrote, not only what authors wrote."""
    leaky.write("themes/portal/templates/base.html", '{% extends "!theme/base.html" %}{% block header_extra %}<p class="motto">' + INTERNAL_TITLE[:6] + "<b>" + INTERNAL_TITLE[6:] + "</b></p>{% endblock %}")
    result = leaky.run("build")
    assert result.exit_code == 1
    leaks = problem_lines(result, "leak")
    assert any(entry.startswith("output/preview/portal/index.html:") and f"leak: shows the title '{INTERNAL_TITLE}' of content/portal/zwdt/budget.md" in entry for entry in leaks)
    assert not leaky.out("portal").exists()


def publish_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A faulty stage: copies every attachment of a site, whoever links it."""
    import zhanqun.render.stage

    def stage_everything(root: Path, site_id: str, use: object, folder: Path, staged: object) -> None:
        files = root / "content" / site_id / "files"
        for path in sorted(p for p in files.rglob("*") if p.is_file()):
            rel = path.relative_to(root / "content" / site_id).as_posix()
            zhanqun.render.stage.symlink(folder, rel, path.resolve())
            staged.static_paths.append(rel)  # type: ignore[attr-defined]

    monkeypatch.setattr(zhanqun.render.stage, "_stage_attachments", stage_everything)


def test_withheld_attachment_copied_by_a_faulty_stage_fails_the_build(leaky: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_every_file(monkeypatch)
    result = leaky.run("build")
    assert result.exit_code == 1
    assert problem_lines(result, "leak") == [
        f"output/preview/portal/files/2026/{INTERNAL_FILE}: leak: content/portal/files/2026/{INTERNAL_FILE} is not linked by any item the preview target publishes, but was copied into its output",
        f"output/preview/portal/files/{DRAFT_FILE}: leak: content/portal/files/{DRAFT_FILE} is not linked by any item the preview target publishes, but was copied into its output",
        "output/preview/portal/files/unlinked-leaflet.pdf: leak: content/portal/files/unlinked-leaflet.pdf is not linked by any item the preview target publishes, but was copied into its output",
    ]


def test_unpublished_items_staged_by_a_faulty_stage_fail_the_build(leaky: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhanqun.links.addresses import AddressMap

    monkeypatch.setattr(AddressMap, "items_of", lambda self, site_id: self.index.of_site(site_id))  # drafts and internal items too
    publish_every_file(monkeypatch)
    result = leaky.run("build")
    assert result.exit_code == 1
    leaks = problem_lines(result, "leak")
    for what, value in [("title", DRAFT_TITLE), ("title", INTERNAL_TITLE), ("slug", INTERNAL_SLUG), ("title", COUNTY_TITLE), ("slug", COUNTY_SLUG)]:
        assert any(f"shows the {what} '{value}'" in line for line in leaks), (what, value)
    assert any(line.startswith("output/preview/portal/tzgg/") and "shows the text '" in line and "content/portal/tzgg/appointments.md" in line for line in leaks)
    assert f"output/preview/portal/files/{DRAFT_FILE}: leak: content/portal/files/{DRAFT_FILE} is not linked by any item the preview target publishes, but was copied into its output" in leaks


def _docx(text: str) -> bytes:
    """A Word document whose body holds ``text`` split over runs, as Word writes it (deflated)."""
    import io
    import zipfile

    half = len(text) // 2
    body = f'<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>{text[:half]}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{text[half:]}</w:t></w:r></w:p></w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="t"/>')
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def test_internal_text_inside_a_compressed_attachment_fails_the_build(leaky: Repo) -> None:
    """A .docx, .xlsx or .zip is deflated and a .gz gzipped: the bytes of a title or passage are
    never in the file as written, so reading attachments as bytes never saw them. The gate reads
    such files decompressed (Word's runs and tags read as a reader sees the text)."""
    import gzip

    leaky.write("content/portal/files/notice.docx", _docx(INTERNAL_BODY))
    assert INTERNAL_TITLE.encode("utf-8") not in gzip.compress((f"附：{INTERNAL_TITLE}。" + "兴安盟各旗县市人民政府，盟直各部门：" * 50).encode("utf-8"))
    leaky.write("content/portal/files/plan.txt.gz", gzip.compress((f"附：{INTERNAL_TITLE}。" + "兴安盟各旗县市人民政府，盟直各部门：" * 50).encode("utf-8")))
    leaky.write("content/portal/files/fine.docx", _docx("兴安盟春季农业生产工作安排"))
    leaky.write("content/portal/tzgg/files.md", article("兴安盟发布春耕通知", Slug="spring-files", body="[通知](../files/notice.docx)、[计划](../files/plan.txt.gz)、[安排](../files/fine.docx)"))
    result = leaky.run("build", "--target", "production")
    assert result.exit_code == 1, result.stderr
    leaks = problem_lines(result, "leak")
    assert any(line.startswith("output/production/portal/files/notice.docx: leak: word/document.xml: shows the text '") and "content/portal/zwdt/budget.md" in line for line in leaks), leaks
    assert any(line.startswith("output/production/portal/files/plan.txt.gz: leak: plan.txt: shows the title '" + INTERNAL_TITLE) for line in leaks), leaks
    assert not [line for line in leaks if "fine.docx" in line]
    assert not leaky.out("portal", target="production").exists()
    # what cannot be read (an encrypted member, a damaged archive) is said, never passed in silence
    broken = _docx("兴安盟春季农业生产工作安排")
    leaky.write("content/portal/files/notice.docx", broken[: len(broken) // 2])
    leaky.write("content/portal/files/plan.txt.gz", gzip.compress("兴安盟春季农业生产工作安排".encode("utf-8")))
    result = leaky.run("build", "--target", "production")
    assert result.exit_code == 0, result.stderr
    assert problem_lines(result, "leak-unread") == [
        "output/production/portal/files/notice.docx: warning: leak-unread: notice.docx was not searched for internal text (encrypted, damaged, or beyond 256 MiB decompressed); check it by hand before it is published",
    ]


def test_compressed_files_are_read_nested_and_bounded() -> None:
    import gzip
    import io
    import zipfile

    from zhanqun.publish.archive_text import unpack

    inner = _docx("盟直各部门")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("附件/通知.docx", inner)
        archive.writestr("附件/说明.txt.gz", gzip.compress("说明".encode("utf-8")))
        archive.writestr("bomb.bin", bytes(4 * 1024 * 1024))
    found = unpack("files/all.zip", outer.getvalue(), limit=1024 * 1024)
    names = [name for name, _data in found.members]
    assert "附件/通知.docx/word/document.xml" in names and "附件/说明.txt.gz/说明.txt" in names
    assert any("盟直" in data.decode("utf-8") for name, data in found.members if name.endswith("document.xml"))
    assert found.unread == ["bomb.bin"] and sum(len(data) for _name, data in found.members) <= 1024 * 1024 + 1
    bomb = unpack("x.gz", gzip.compress(bytes(8 * 1024 * 1024)), limit=1024 * 1024)
    assert bomb.unread == ["x.gz"] and len(bomb.members[0][1]) <= 1024 * 1024 + 1
    assert unpack("bad.gz", b"\x1f\x8b\x08garbage").unread == ["bad.gz"]


def test_common_words_and_public_titles_are_not_leaks(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("关于清明节放假的通知", Slug="qingming-holiday"))
    repo.write("content/portal/zwdt/b.md", article("关于清明节放假的通知", Slug="qingming-holiday-intranet", Visibility="internal"))  # same title as a public item
    repo.write("content/portal/zwdt/c.md", article("通知", Slug="notice", Visibility="internal"))  # too short to be distinctive
    repo.write("content/portal/zwdt/d.md", article("政务动态", Slug="zwdt-internal", Visibility="internal"))  # a column name
    repo.write("content/portal/zwdt/e.md", article("清明节", Slug="qingming", Status="draft"))  # part of a public title and slug
    result = repo.run("build")
    assert result.exit_code == 0, result.stderr


# --- the scanner ----------------------------------------------------------------------------


MODES = pytest.mark.parametrize("mode", ["find", "grams"])


def scanner(*values: tuple[str, str, bool], mode: str = "auto") -> LeakScanner:
    from zhanqun.publish.leak_gate import _spellings

    return LeakScanner((Trace(s, "content/x/zwdt/a.md", what, value, bounded) for value, what, bounded in values for s in _spellings(value)), mode=mode)


@MODES
def test_scanner_finds_html_escaped_and_json_escaped_titles(mode: str) -> None:
    scan = scanner(("关于A&B\"两项\"工作的方案", "title", False), mode=mode)
    assert [line for line, _ in scan.scan("<p>\n关于A&amp;B&quot;两项&quot;工作的方案</p>")] == [2]
    assert len(scan.scan('{"t": "\\u5173\\u4e8eA&B\\"\\u4e24\\u9879\\"\\u5de5\\u4f5c\\u7684\\u65b9\\u6848"}')) == 1


@MODES
def test_scanner_matches_slugs_only_as_whole_words(mode: str) -> None:
    scan = scanner(("budget-plan", "slug", True), mode=mode)
    assert scan.scan("/zwdt/budget-plans.html and /zwdt/mybudget-plan.html") == []
    assert [line for line, _ in scan.scan("x\n/zwdt/budget-plan.html")] == [2]


@MODES
def test_scanner_reports_each_item_once_per_page_at_its_first_line(mode: str) -> None:
    scan = scanner(("兴安盟内部预算方案", "title", False), ("内部预算方案附表", "text", False), mode=mode)
    text = "a\n兴安盟内部预算方案\n兴安盟内部预算方案\n" + "x" * (LeakScanner.CHUNK + 3) + "内部预算方案附表"
    assert [line for line, _ in scan.scan(text)] == [2, 4]


def test_scanner_chooses_direct_search_for_few_traces_and_substring_sets_for_many() -> None:
    few = scanner(*((f"兴安盟内部文件{n:04d}号", "title", False) for n in range(10)))
    many = scanner(*((f"兴安盟内部文件{n:04d}号", "title", False) for n in range(600)))
    assert few.direct and not many.direct
    assert [trace.shown for _, trace in many.scan("…兴安盟内部文件0599号…")] == ["兴安盟内部文件0599号"]


def test_passage_is_a_plain_run_of_the_body() -> None:
    assert passage("短。") is None
    text = passage("# 标题\n\n**重要**：" + "甲乙丙丁戊己庚辛壬癸" * 4)
    assert text is not None and len(text) == 24 and "*" not in text


def test_a_new_draft_with_a_plain_title_does_not_fail_other_peoples_pages(repo: Repo) -> None:
    """`new` writes drafts: a draft titled 机构职能 or 2026 must not turn every page that says so into a leak."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    for n in range(3):
        repo.write(f"content/portal/zwdt/p{n}.md", article(f"部门概况{n}", Slug=f"p{n}", body="本部门的机构职能如下。2026年工作要点。"))
    repo.write("content/portal/zwdt/d1.md", article("机构职能", Slug="d1", Status="draft"))
    repo.write("content/portal/zwdt/d2.md", article("2026", Slug="d2", Status="draft"))
    repo.write("content/portal/zwdt/i1.md", article("2026", Slug="i1", Visibility="internal"))
    result = repo.run("build")
    assert result.exit_code == 0, result.stderr


def test_a_short_internal_title_quoted_once_is_still_a_leak(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/i.md", article("干部调整方案", Slug="plan", Visibility="internal"))
    repo.write("content/portal/zwdt/p.md", article("工作动态", Slug="p", body="会议讨论了干部调整方案。"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert "content/portal/zwdt/p.md:5: leak: shows the title '干部调整方案'" in result.stderr


def test_a_draft_titled_like_a_published_slug_is_no_leak(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/p.md", article("春季防火工作部署", Slug="spring-fire-prevention-2025"))
    repo.write("content/portal/zwdt/d.md", article("spring-fire-prevention-2025", Slug="d", Status="draft"))
    assert repo.run("check").exit_code == 0
