"""The content linter: every mistake an author can make is a located error (or read correctly)."""

from __future__ import annotations

import pytest
from click.testing import Result
from conftest import COLUMNS, Repo, article, document, problem_lines


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    """A portal (news, notices, documents) and one county, with one valid item."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(COLUMNS["news"], COLUMNS["notice"], COLUMNS["docs"]))
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/ok.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming"))
    return repo


def lint(repo: Repo, rel: str, text: str | bytes) -> Result:
    repo.write(rel, text)
    return repo.run("check")


def only(result: Result, code: str) -> str:
    """The one problem line of ``code``; fails if there is not exactly one."""
    lines = problem_lines(result, code)
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- header lines ---------------------------------------------------------------------------


def test_full_width_colon_is_located_error_with_the_ascii_line(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 关于内部会议的安排\nDate: 2026-03-01\nStatus：draft\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "wide-colon") == "content/portal/zwdt/a.md:3: wide-colon: full-width colon '：' after 'Status'; use an ASCII colon: 'Status: draft'"


def test_full_width_colon_on_status_never_publishes_the_draft(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", "Title: 关于内部会议的安排\nDate: 2026-03-01\nStatus：draft\n\n正文。\n")
    result = cluster.run("build")
    assert result.exit_code == 1
    assert "content/portal/zwdt/a.md:3: wide-colon:" in result.stderr
    assert not cluster.out().exists()


def test_chinese_key_names_the_english_key(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\n来源: 兴安日报\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "chinese-key") == "content/portal/zwdt/a.md:3: chinese-key: use 'Source' for 来源: 'Source: 兴安日报'"


def test_chinese_key_with_full_width_colon_names_the_english_key(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "标题：春耕生产\nDate: 2026-03-01\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "chinese-key").startswith("content/portal/zwdt/a.md:1: chinese-key: use 'Title' for 标题")
    assert problem_lines(result, "missing-key") == []  # the mistyped Title is not reported twice


def test_misspelt_key_suggests_the_known_key(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nStaus: draft\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "unknown-key") == "content/portal/zwdt/a.md:3: unknown-key: unknown metadata key 'Staus' (did you mean 'Status'?)"


def test_unknown_key_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nCategory: news\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "unknown-key").startswith("content/portal/zwdt/a.md:3: unknown-key: unknown metadata key 'Category'")


def test_unknown_chinese_key_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\n责任编辑: 王某\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "unknown-key").startswith("content/portal/zwdt/a.md:3: unknown-key: unknown metadata key '责任编辑'")


def test_full_width_letters_in_a_key_are_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nＳｏｕｒｃｅ: 兴安日报\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "unknown-key") == "content/portal/zwdt/a.md:3: unknown-key: 'Ｓｏｕｒｃｅ' is typed in full-width letters; write 'Source: 兴安日报'"


def test_keys_are_matched_without_regard_to_case(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "title: 春耕生产\nDATE: 2026-03-01\n\n正文。\n")
    assert result.exit_code == 0, result.stderr


def test_duplicate_key_names_the_first_line(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nTitle: 春耕生产\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "duplicate-key") == "content/portal/zwdt/a.md:3: duplicate-key: 'Title' is already set on line 1"


def test_text_right_after_the_header_asks_for_an_empty_line(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\n今年春耕生产进展顺利\n")
    assert result.exit_code == 1
    line = only(result, "bad-header-line")
    assert line.startswith("content/portal/zwdt/a.md:3: bad-header-line:") and "empty line" in line


# --- values ---------------------------------------------------------------------------------


def test_chinese_date_is_refused_with_the_iso_form(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026年11月5日\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value") == "content/portal/zwdt/a.md:2: bad-value: Date: write dates as YYYY-MM-DD: '2026-11-05' instead of '2026年11月5日'"


@pytest.mark.parametrize(
    ("written", "suggested"),
    [("2026/11/5", "2026-11-05"), ("2026-11-05 9:30", "2026-11-05 09:30"), ("２０２６－１１－０５", "2026-11-05"), ("2026-11-05T09:30", "2026-11-05 09:30")],
)
def test_other_date_spellings_are_refused_with_the_iso_form(cluster: Repo, written: str, suggested: str) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", f"Title: 春耕\nDate: {written}\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value").startswith(f"content/portal/zwdt/a.md:2: bad-value: Date: write dates as YYYY-MM-DD: '{suggested}'")


def test_impossible_date_is_refused(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-02-30\nModified: 2026年2月30日\n\n正文。\n")
    assert result.exit_code == 1
    assert problem_lines(result, "bad-value") == [
        "content/portal/zwdt/a.md:2: bad-value: Date: '2026-02-30' is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM",
        "content/portal/zwdt/a.md:3: bad-value: Modified: '2026年2月30日' is not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM",
    ]


def test_unknown_status_in_chinese_names_the_value(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nStatus: 草稿\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value") == "content/portal/zwdt/a.md:3: bad-value: Status: '草稿' is not one of published, draft, hidden (write 'draft' for 草稿)"


def test_misspelt_visibility_is_refused_with_a_suggestion(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nVisibility: internel\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value") == "content/portal/zwdt/a.md:3: bad-value: Visibility: 'internel' is not one of public, internal (did you mean 'internal'?)"


def test_unknown_site_in_syndicate_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nSyndicate: ulanhto, counties\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "unknown-site") == "content/portal/zwdt/a.md:3: unknown-site: Syndicate: no site 'ulanhto' (did you mean 'ulanhot'?)"


def test_syndicate_into_a_site_without_the_column_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zfwj/a.md", article("关于春耕的通知", Syndicate="ulanhot", Index_No="x/2026-00001", Issuer="兴安盟行政公署", Doc_No="兴署发〔2026〕1号", Written="2026-02-01", Topic="农业、林业、水利", Validity="有效"))
    assert result.exit_code == 1
    assert only(result, "syndicate-no-column").startswith("content/portal/zfwj/a.md:3: syndicate-no-column: Syndicate: site 'ulanhot' has no column 'zfwj'")


def test_tags_separated_by_semicolons_are_refused(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nTags: 春耕；农业\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value") == "content/portal/zwdt/a.md:3: bad-value: Tags: separate tags with commas, not semicolons"


def test_slug_that_is_not_ascii_lowercase_suggests_one(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nSlug: Spring Farming\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value").endswith("(did you mean 'spring-farming'?)")
    assert only(result, "bad-value").startswith("content/portal/zwdt/a.md:3: bad-value: Slug:")


def test_slug_index_is_refused_because_it_is_the_column_page(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\nSlug: index\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "bad-value").startswith("content/portal/zwdt/a.md:3: bad-value: Slug: 'index' is the column's own list page")


def test_markdown_in_a_folder_that_is_no_column_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/xxgk/a.md", article("春耕"))
    assert result.exit_code == 1
    assert problem_lines(result)[0].startswith("content/portal/xxgk/a.md: unknown-column: 兴安盟行政公署 has no column 'xxgk'")
    assert "zwdt (政务动态), tzgg (通知公告), zfwj (政府文件)" in result.stderr


def test_markdown_outside_any_column_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/a.md", article("春耕"))
    assert result.exit_code == 1
    assert only(result, "outside-column") == "content/portal/a.md: outside-column: a Markdown file must be inside a column folder, e.g. content/portal/zwdt/a.md"


# --- required keys and body -----------------------------------------------------------------


def test_missing_title_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Date: 2026-03-01\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "missing-key") == "content/portal/zwdt/a.md:1: missing-key: missing 'Title:' header line (every item needs Title and Date)"


def test_missing_date_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\n\n正文。\n")
    assert result.exit_code == 1
    assert only(result, "missing-key") == "content/portal/zwdt/a.md:1: missing-key: missing 'Date:' header line (every item needs Title and Date)"


def test_file_without_header_reports_both_required_keys(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "今年春耕生产进展顺利。\n")
    assert result.exit_code == 1
    assert len(problem_lines(result, "missing-key")) == 2


def test_empty_body_is_located_after_the_header(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01\n\n\n")
    assert result.exit_code == 1
    assert only(result, "empty-body") == "content/portal/zwdt/a.md:4: empty-body: the item has no text after its header (an empty line, then the text)"


def test_header_only_file_reports_empty_body_at_its_last_line(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026-03-01")
    assert result.exit_code == 1
    assert only(result, "empty-body").startswith("content/portal/zwdt/a.md:2: empty-body:")


def test_document_item_missing_document_keys_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zfwj/a.md", article("关于春耕的通知", Issuer="兴安盟行政公署"))
    assert result.exit_code == 1
    assert only(result, "missing-key") == "content/portal/zfwj/a.md:1: missing-key: a document item needs Index-No, Doc-No, Written, Topic, Validity (政府文件 栏目)"


# --- files ----------------------------------------------------------------------------------


def test_file_over_5_mb_is_refused(cluster: Repo) -> None:
    big = article("春耕", body="正文。").encode() + b"x" * (5 * 1024 * 1024)
    result = lint(cluster, "content/portal/zwdt/big.md", big)
    assert result.exit_code == 1
    assert only(result, "file-too-large").startswith("content/portal/zwdt/big.md: file-too-large: 5120 KiB is over the 5 MB limit")


def test_binary_file_named_md_is_refused(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/scan.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert result.exit_code == 1
    assert only(result, "binary-file").startswith("content/portal/zwdt/scan.md: binary-file:")


def test_binary_file_without_nul_bytes_is_refused(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/scan.md", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17]) * 50)
    assert result.exit_code == 1
    assert only(result, "binary-file").startswith("content/portal/zwdt/scan.md: binary-file:")


def test_other_files_in_a_column_folder_are_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/photo.jpg", b"\xff\xd8\xff")
    assert result.exit_code == 1
    assert only(result, "not-markdown").startswith("content/portal/zwdt/photo.jpg: not-markdown:")


# --- duplicates -----------------------------------------------------------------------------


def test_duplicate_slug_is_one_error_naming_both_files(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/b.md", article("另一篇春耕报道", Slug="spring-farming"))
    assert result.exit_code == 1
    assert only(result, "duplicate-slug") == (
        "content/portal/zwdt/ok.md:3: duplicate-slug: writes portal/zwdt/spring-farming.html, as does content/portal/zwdt/b.md; give one of them another 'Slug:'"
    )


def test_generated_slug_colliding_with_a_written_one_is_one_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/b.md", article("春耕", Slug="chun-geng"))
    result = lint(cluster, "content/portal/zwdt/c.md", article("春耕"))
    assert result.exit_code == 1
    assert only(result, "duplicate-slug") == (
        "content/portal/zwdt/c.md:1: duplicate-slug: writes portal/zwdt/chun-geng.html, as does content/portal/zwdt/b.md; give one of them another 'Slug:'"
    )


def test_syndicated_copy_writing_a_local_page_is_one_error(cluster: Repo) -> None:
    cluster.write("content/ulanhot/zwdt/local.md", article("本地新闻", Slug="portal-spring"))
    result = lint(cluster, "content/portal/zwdt/s.md", article("全盟春耕", Slug="spring", Syndicate="ulanhot"))
    assert result.exit_code == 1
    assert only(result, "duplicate-slug") == (
        "content/portal/zwdt/s.md:4: duplicate-slug: Syndicate: the copy in 'ulanhot' would be ulanhot/zwdt/portal-spring.html, "
        "which is already content/ulanhot/zwdt/local.md; give one of them another 'Slug:'"
    )


def test_drafts_do_not_collide(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/b.md", article("春耕草稿", Slug="spring-farming", Status="draft"))
    assert result.exit_code == 0, result.stderr


# --- all at once ----------------------------------------------------------------------------


def test_every_mistake_of_a_file_is_reported_at_once(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026年3月1日\n来源: 兴安日报\nStaus: draft\n\n<script>x()</script>\n")
    assert result.exit_code == 1
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in problem_lines(result)] == [
        "content/portal/zwdt/a.md:2: bad-value",
        "content/portal/zwdt/a.md:3: chinese-key",
        "content/portal/zwdt/a.md:4: unknown-key",
        "content/portal/zwdt/a.md:6: html-script",
    ]


# --- encodings ------------------------------------------------------------------------------

ENCODED = {
    "bom.md": ("\ufeff" + article("带字节顺序标记的文件", Slug="with-bom")).encode("utf-8"),
    "crlf.md": article("Windows换行的文件", Slug="with-crlf", Status="hidden").replace("\n", "\r\n").encode("utf-8"),
    "gbk.md": article("用GBK保存的通知", Slug="saved-as-gbk").encode("gbk"),
    "gb18030.md": article("龑䶮两个生僻字的通知", Slug="saved-as-gb18030").encode("gb18030"),
    "utf16.md": "\ufeff".encode("utf-16-le") + article("Word存为Unicode的文件", Slug="saved-as-utf16").encode("utf-16-le"),
}


def test_every_encoding_is_read_correctly_and_non_utf8_is_reported(cluster: Repo) -> None:
    for name, raw in ENCODED.items():
        cluster.write(f"content/portal/zwdt/{name}", raw)
    result = cluster.run("build")
    assert result.exit_code == 0, result.stderr
    assert problem_lines(result, "encoding") == [
        "content/portal/zwdt/gb18030.md: warning: encoding: read as GBK/GB18030; please save the file as UTF-8",
        "content/portal/zwdt/gbk.md: warning: encoding: read as GBK/GB18030; please save the file as UTF-8",
        'content/portal/zwdt/utf16.md: warning: encoding: read as UTF-16 ("Unicode text"); please save the file as UTF-8',
    ]
    for slug, title in [("with-bom", "带字节顺序标记的文件"), ("with-crlf", "Windows换行的文件"), ("saved-as-gbk", "用GBK保存的通知"), ("saved-as-gb18030", "龑䶮两个生僻字的通知"), ("saved-as-utf16", "Word存为Unicode的文件")]:
        assert title in cluster.html("portal", "zwdt", f"{slug}.html")
    listing = cluster.html("portal", "zwdt", "index.html")
    assert "用GBK保存的通知" in listing
    assert "Windows换行的文件" not in listing  # its 'Status: hidden' was read through the CRLF line ends


def test_damaged_utf8_is_an_error_at_its_line_not_mojibake(cluster: Repo) -> None:
    raw = article("兴安盟召开全盟经济工作会议", body="会议强调。\n\n要抓好春耕生产。").encode("utf-8")
    damaged = raw.replace("春耕".encode("utf-8"), b"\xe6\x98")  # a character cut in half
    result = lint(cluster, "content/portal/zwdt/a.md", damaged)
    assert result.exit_code == 1
    assert only(result, "bad-encoding") == "content/portal/zwdt/a.md:6: bad-encoding: invalid UTF-8 byte on this line (a damaged or mixed-encoding file); save it again as UTF-8"


def test_mixed_utf8_and_gbk_file_is_an_error_not_mojibake(cluster: Repo) -> None:
    raw = article("兴安盟召开全盟经济工作会议").encode("utf-8") + "附：用GBK粘贴的一段\n".encode("gbk")
    result = lint(cluster, "content/portal/zwdt/a.md", raw)
    assert result.exit_code == 1
    assert only(result, "bad-encoding").startswith("content/portal/zwdt/a.md:5: bad-encoding:")


def test_file_in_an_unknown_encoding_asks_for_utf8(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", b"Title: x\nDate: 2026-03-01\n\n" + b"\x80\xff\xfe\x81\x30" * 3)
    assert result.exit_code == 1
    assert only(result, "bad-encoding") == "content/portal/zwdt/a.md:4: bad-encoding: the file is neither UTF-8 nor GBK/GB18030; save it as UTF-8"


def test_unreadable_file_is_located_not_a_traceback(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    cluster.write("content/portal/zwdt/locked.md", article("春耕"))
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = cluster.run("check")
    assert result.exit_code == 1
    assert only(result, "unreadable") == "content/portal/zwdt/locked.md: unreadable: cannot read the file: Permission denied"


def test_nested_folder_inside_a_column_builds_into_the_column(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/2025/old.md", article("二〇二五年的旧闻", Slug="old-news"))
    result = cluster.run("build")
    assert result.exit_code == 0, result.stderr
    assert "二〇二五年的旧闻" in cluster.html("portal", "zwdt", "old-news.html")
    assert "old-news.html" in cluster.html("portal", "zwdt", "index.html")


def _document(**meta: str) -> str:
    fields = {"Index_No": "11152200MB0000000X/2026-00001", "Issuer": "兴安盟行政公署", "Doc_No": "兴署发〔2026〕1号", "Written": "2026-03-01", "Topic": "综合政务", "Validity": "有效"}
    fields.update(meta)
    return article("关于春耕生产的通知", "2026-03-02", "各旗县市人民政府：现将有关事项通知如下。", **fields)


def test_document_written_after_its_publication_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zfwj/a.md", _document(Written="2026-03-09"))
    assert result.exit_code == 1
    assert only(result, "bad-date-order") == (
        "content/portal/zfwj/a.md:6: bad-date-order: Written: 成文日期 2026-03-09 is after the 发布日期 (Date: 2026-03-02); "
        "a document is written before it is published"
    )


def test_document_ending_before_it_was_written_is_located(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zfwj/a.md", _document(Validity="失效", Validity_Date="2026-02-01"))
    assert result.exit_code == 1
    assert only(result, "bad-date-order") == "content/portal/zfwj/a.md:9: bad-date-order: Validity-Date: 2026-02-01 is before the 成文日期 (Written: 2026-03-01)"


def test_document_dates_in_order_pass(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zfwj/a.md", _document(Written="2026-03-02", Validity="废止", Validity_Date="2026-12-31"))
    assert result.exit_code == 0, result.stderr


# --- defects closed with the package layout: each found in one run, located -------------------


def test_a_misspelt_block_in_an_override_names_the_blocks_of_the_shared_template(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n\n{% block header_extr %}<p>林海雪原</p>{% endblock %}\n')
    result = cluster.run("check")
    assert result.exit_code == 1
    line = only(result, "unknown-block")
    assert line.startswith("themes/ulanhot/templates/base.html:3: unknown-block: {% block header_extr %}: ")
    assert "(did you mean 'header_extra'?)" in line and "header, header_extra, " in line
    assert cluster.run("build").exit_code == 1
    assert not cluster.out().exists()


@pytest.mark.parametrize(("files", "line"), [
    ({"themes/ulanhot/templates/base.html": '{% extends "base.html" %}\n{% block footer %}{{ super() }}{% endblock %}\n'}, 1),
    ({"themes/ulanhot/templates/base.html": '{% extends "page.html" %}\n', "themes/ulanhot/templates/page.html": '{% extends "base.html" %}\n'}, 1),
    ({"themes/ulanhot/templates/index.html": '{% extends "!theme/index.html" %}\n{% block home_topics %}{% include "index.html" %}{% endblock %}\n'}, 2),
])
def test_an_override_that_leads_back_to_itself_is_found_by_check(cluster: Repo, files: dict[str, str], line: int) -> None:
    """``{% extends "base.html" %}`` in an override names the override itself (not the shared
    theme's): Jinja would recurse until it fails, and only at render time."""
    for rel, text in files.items():
        cluster.write(rel, text)
    result = cluster.run("check")
    assert result.exit_code == 1
    found = [m for m in problem_lines(result, "template-error") if "leads back to this template itself" in m]
    assert found and found[0].startswith(f"{next(iter(files))}:{line}: template-error: "), result.stderr
    assert "'!theme/" in found[0]


def test_an_override_extending_the_shared_template_by_its_name_is_fine(cluster: Repo) -> None:
    cluster.write("themes/ulanhot/templates/page.html", '{% extends "base.html" %}\n')  # no base.html of its own: the shared one
    assert cluster.run("check").exit_code == 0


def test_a_theme_mistake_and_a_content_mistake_are_listed_in_one_run(cluster: Repo) -> None:
    """The webmaster's half does not hide the author's: nothing reads the themes before rendering."""
    cluster.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block fotter %}{% endblock %}\n')
    cluster.write("content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026年3月1日\n\n正文。\n")
    for command in ("check", "build"):
        result = cluster.run(command)
        assert result.exit_code == 1
        assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in problem_lines(result)] == [
            "content/portal/zwdt/a.md:2: bad-value",
            "themes/ulanhot/templates/base.html:2: unknown-block",
        ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_with_the_same_warning(cluster: Repo, codec: str) -> None:
    cluster.write("content/portal/zwdt/utf16.md", article("Word另存为的通知", Slug="saved-without-bom", body="第一段。\n\n第二段。").encode(codec))
    result = cluster.run("build")
    assert result.exit_code == 0, result.stderr
    assert problem_lines(result) == ['content/portal/zwdt/utf16.md: warning: encoding: read as UTF-16 ("Unicode text"); please save the file as UTF-8']
    page = cluster.html("portal", "zwdt", "saved-without-bom.html")
    assert "Word另存为的通知" in page and "第二段。" in page


@pytest.mark.parametrize("name, suggestion", [("spring notice.md", "spring-notice.md"), ("春耕通知.md", "chun-geng-tong-zhi.md"), ("zwdt-（一）.md", "zwdt-yi.md")])
def test_a_content_file_named_with_spaces_or_chinese_suggests_its_pinyin_name(cluster: Repo, name: str, suggestion: str) -> None:
    result = lint(cluster, f"content/portal/zwdt/{name}", article("春耕通知", Slug="spring"))
    assert result.exit_code == 1
    line = only(result, "bad-file-name")
    assert line.startswith(f"content/portal/zwdt/{name}: bad-file-name: the file name {name!r} is not plain ASCII")
    assert repr(suggestion) in line


def test_cross_file_checks_run_beside_the_errors_of_each_file(cluster: Repo) -> None:
    """One run lists a file's own mistakes and the duplicates it takes part in, for check and build."""
    cluster.write("content/portal/zfwj/a.md", document("关于春耕的通知", "2026-03-02", "11152200MB0000000X/2026-00001", "兴署发〔2026〕1号", Slug="spring-a"))
    # the second file has its own mistakes (a bad Status, a script) and duplicates both the slug
    # and the 索引号 of the first; a third file links it, which is not a broken link
    cluster.write("content/portal/zfwj/b.md", document(
        "关于春耕的补充通知", "2026-03-03", "11152200MB0000000X/2026-00001", "兴署发〔2026〕2号",
        body="补充如下。\n\n<script>alert(1)</script>", Slug="spring-a", Status="publishd",
    ))
    cluster.write("content/portal/zwdt/c.md", article("春耕动态", "2026-03-04", body="见[补充通知]({filename}../zfwj/b.md)。", Slug="spring-news"))
    for command in ("check", "build"):
        result = cluster.run(command)
        assert result.exit_code == 1
        codes = sorted(line.split(": ")[1] for line in problem_lines(result))
        assert codes == ["bad-value", "duplicate-index-no", "duplicate-slug", "html-script"], result.stderr
        assert "content/portal/zwdt/c.md" not in result.stderr
    assert not cluster.out().exists()


def test_a_file_whose_title_or_date_cannot_be_read_is_left_out_without_a_second_error(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", "Title: 春耕\nDate: 2026年3月1日\n\n正文。\n")
    cluster.write("content/portal/zwdt/c.md", article("春耕动态", "2026-03-04", body="见[春耕]({filename}a.md)。", Slug="spring-news"))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in problem_lines(result)] == [
        "content/portal/zwdt/a.md:2: bad-value",
    ]  # c.md's link to it is not "no such page": it is checked again once a.md is fixed


# --- every suggestion passes when applied ---------------------------------------------------------

BAD_HEADER_LINES = [
    "Date：2026年11月30日", "Date：2026/11/30 9:30", "发布日期：2026年11月30日", "发布日期: 2026.11.30",
    "状态：发布", "状态: 草稿", "Status：draft", "来源：兴安日报", "ｓｏｕｒｃｅ: 兴安日报", "Ｄａｔｅ: 2026年3月1日",
    "Date: 2026年11月30日", "Date: 2026/3/1", "Tags：春耕, 农业", "作者：王晓梅", "Summary：春耕备耕工作部署",
]


@pytest.mark.parametrize("line", BAD_HEADER_LINES)
def test_the_line_a_message_suggests_passes_when_applied(cluster: Repo, line: str) -> None:
    import re

    text = "Title: 春耕备耕\n{line}\nSlug: spring\n\n正文。\n"
    if not line.lower().startswith(("date", "发布日期", "ｄａｔｅ")):
        text = "Title: 春耕备耕\nDate: 2026-03-01\n{line}\nSlug: spring\n\n正文。\n"
    result = lint(cluster, "content/portal/zwdt/a.md", text.format(line=line))
    assert result.exit_code == 1
    [message] = [m for m in problem_lines(result) if m.startswith("content/portal/zwdt/a.md:")]
    suggested = re.findall(r"'([A-Z][A-Za-z-]*: [^']*)'", message)
    if not suggested:  # "bad-value: Date: write dates as YYYY-MM-DD: '2026-11-30' instead of …": the value
        key, value = re.search(r"bad-value: ([A-Za-z-]+): .*?'([^']*)' instead of", message).groups()
        suggested = [f"{key}: {value}"]
    fixed = lint(cluster, "content/portal/zwdt/a.md", text.format(line=suggested[-1]))
    assert fixed.exit_code == 0, (message, fixed.output)


@pytest.mark.parametrize(("text", "meant"), [
    ("Titel: 春耕备耕\nDate: 2026-03-01\n\n正文。\n", "Title"),
    ("Title: 春耕备耕\nDaet: 2026-03-01\n\n正文。\n", "Date"),
])
def test_a_misspelt_required_key_is_one_mistake_not_also_a_missing_key(cluster: Repo, text: str, meant: str) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", text)
    assert result.exit_code == 1
    [message] = [m for m in problem_lines(result) if m.startswith("content/portal/zwdt/a.md:")]
    assert "unknown-key" in message and f"did you mean '{meant}'?" in message


def test_a_required_key_missing_without_a_look_alike_is_still_missing(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕备耕\nColour: 绿\n\n正文。\n")
    assert [m.split(": ")[1] for m in problem_lines(result) if m.startswith("content/portal/zwdt/a.md:")] == ["missing-key", "unknown-key"]


def test_a_wide_colon_with_no_value_asks_for_the_value_not_an_empty_one(cluster: Repo) -> None:
    result = lint(cluster, "content/portal/zwdt/a.md", "Title: 春耕备耕\nDate: 2026-03-01\nAuthor：\n\n正文。\n")
    [message] = [m for m in problem_lines(result) if m.startswith("content/portal/zwdt/a.md:")]
    assert message == "content/portal/zwdt/a.md:3: wide-colon: full-width colon '：' after 'Author', and no value; write 'Author: ' and the value after it"


def test_a_base_of_the_sites_own_without_a_block_the_shared_templates_fill_is_warned_of(cluster: Repo) -> None:
    """A webmaster's ``base.html`` written whole (not extending ``!theme/base.html``) without
    ``search_meta``: Jinja would drop the search metadata the shared ``article.html`` puts there
    (栏目, date, 文号) from every page without a word. Named once per block, at the override."""
    shared = (cluster.root / "themes" / "gov" / "templates" / "base.html").read_text(encoding="utf-8")
    cluster.write("themes/ulanhot/templates/base.html", shared.replace("{% block search_meta %}{% endblock %}\n", ""))
    result = cluster.run("check")
    assert result.exit_code == 0, result.stderr
    warned = problem_lines(result, "missing-block")
    assert len(warned) == 1, warned
    assert warned[0].startswith("themes/ulanhot/templates/base.html: warning: missing-block: ")
    assert "{% block search_meta %}" in warned[0] and "article.html" in warned[0] and "category.html" in warned[0]
    assert "!theme/base.html" in warned[0]
    cluster.write("themes/ulanhot/templates/base.html", shared)  # the whole base, every block kept
    assert problem_lines(cluster.run("check"), "missing-block") == []
