"""Every validation of the column types, with its location (``check``; nothing is rendered)."""

from __future__ import annotations

import pytest
from column_fixtures import (
    GOOD_REPORT,
    PORTAL_CODE,
    TJJ_CODE,
    TODAY,
    ULANHOT_CODE,
    column_cluster,
    document,
    letter,
)
from conftest import Repo, article


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    return column_cluster(repo)


def check(repo: Repo, *args: str) -> tuple[int, str]:
    result = repo.run("check", "--today", TODAY, *args)
    return result.exit_code, result.output


def test_fixture_cluster_checks_clean_apart_from_the_missing_rules_warning(cluster: Repo) -> None:
    code, output = check(cluster)
    assert code == 0, output
    assert "sites/tjj.toml: warning: disclosure-entry-missing: the 政府信息公开 area has no 政府信息公开制度" in output


# --- documents --------------------------------------------------------------------------------


def test_missing_document_keys_are_located(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/bare.md", article("没有元数据的文件", "2026-03-01"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zfwj/bare.md:1: missing-key: a document item needs Index-No, Issuer, Doc-No, Written, Topic, Validity" in output


def test_topic_outside_the_national_list_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/bad-topic.md", document("主题错误的文件", f"{PORTAL_CODE}/2026-00031", Topic="环境保护"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zfwj/bad-topic.md:7: bad-value: Topic: '环境保护' is not one of 综合政务" in output


def test_repealed_document_without_validity_date_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/no-date.md", document("废止无日期", f"{PORTAL_CODE}/2026-00032", Validity="废止"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zfwj/no-date.md:8: missing-key: Validity: 废止 needs a Validity-Date" in output


def test_index_number_not_matching_the_site_pattern_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/bad-no.md", document("索引号错误", f"{PORTAL_CODE}/2026-7", "2026-05-01"))
    code, output = check(cluster)
    assert code == 1
    assert (
        f"content/portal/zfwj/bad-no.md:3: bad-index-no: Index-No: '{PORTAL_CODE}/2026-7' does not fit this site's pattern "
        f"{{credit_code}}/{{year}}-{{serial:05d}} (sites/portal.toml); the next free number for 2026 is {PORTAL_CODE}/2026-00003"
    ) in output


def test_index_number_with_another_bodys_credit_code_is_an_error(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/wrong-code.md", document("他人代码", f"{TJJ_CODE}/2026-00040"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zfwj/wrong-code.md:3: bad-index-no:" in output


def test_index_number_used_twice_across_sites_names_both_files(cluster: Repo) -> None:
    cluster.write("content/tjj/zfxxgk/copy.md", document("重复索引号", f"{ULANHOT_CODE}/2025-00058", "2025-12-01"))
    code, output = check(cluster)
    assert code == 1
    assert (
        f"content/ulanhot/zfwj/snow.md:3: duplicate-index-no: Index-No: {ULANHOT_CODE}/2025-00058 is already used by "
        "content/tjj/zfxxgk/copy.md:3; 索引号 must be unique across the cluster" in output
    )


def test_draft_keeps_its_index_number(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/draft.md", document("草稿", f"{PORTAL_CODE}/2026-00002", Status="draft"))
    code, output = check(cluster)
    assert code == 1 and "duplicate-index-no" in output


def test_bad_index_pattern_in_site_file_is_located(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", extra='[disclosure]\ncredit_code = "X"\nindex_pattern = "{credit_code}/{yaer}-{serial:05d}"\n')
    code, output = check(repo)
    assert code == 1
    assert "sites/portal.toml:8: bad-value: disclosure.index_pattern: unknown field {yaer}" in output


def test_document_column_without_credit_code_is_an_error(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", columns=(("zfwj", "政府文件", "document"),), credit_code=None)
    code, output = check(repo)
    assert code == 1
    assert "sites/portal.toml: missing-key: disclosure.credit_code: columns zfwj publish documents" in output


# --- 解读 ----------------------------------------------------------------------------------------


def test_interpretation_of_a_missing_document_is_located_on_its_header_line(cluster: Repo) -> None:
    cluster.write("content/portal/zcjd/lost.md", article("解读", "2026-03-01", Slug="lost", Interprets="site:portal/zfwj/nothing.md"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zcjd/lost.md:4: broken-link: Interprets: site:portal/zfwj/nothing.md: no such page content/portal/zfwj/nothing.md" in output


def test_interpretation_of_a_missing_relative_document_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zcjd/lost.md", article("解读", "2026-03-01", Slug="lost", Interprets="{filename}../zfwj/nothing.md"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zcjd/lost.md:4: broken-link: Interprets: {filename}../zfwj/nothing.md" in output


def test_interpretation_must_name_a_document(cluster: Repo) -> None:
    cluster.write("content/portal/zcjd/news.md", article("解读新闻", "2026-03-01", Slug="news", Interprets="site:portal/zwdt/meeting.md"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zcjd/news.md:4: bad-interprets: Interprets: content/portal/zwdt/meeting.md is in 政务动态 (news), not a document" in output


def test_interpretation_written_as_a_plain_path_is_an_error(cluster: Repo) -> None:
    cluster.write("content/portal/zcjd/plain.md", article("解读", "2026-03-01", Slug="plain", Interprets="zfwj/heating.md"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zcjd/plain.md:4: bad-interprets:" in output


# --- letters -----------------------------------------------------------------------------------


def test_letter_unanswered_over_60_days_is_a_warning(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/old.md", letter("旧来信", "2026-09-20", None, "请答复。", Slug="old"))  # 67 days
    code, output = check(cluster)
    assert code == 0, output
    assert "content/portal/mzxx/old.md:3: warning: letter-overdue: no reply 67 days after Received: 2026-09-20 (today 2026-11-26)" in output


def test_letter_unanswered_over_90_days_fails_the_audit_not_the_build(cluster: Repo) -> None:
    """A build of the same commit must not start failing because a day passed: the deadline is audit's."""
    cluster.write("content/portal/mzxx/old.md", letter("旧来信", "2026-08-20", None, "请答复。", Slug="old"))  # 98 days
    code, output = check(cluster)
    assert code == 0, output
    assert "content/portal/mzxx/old.md:3: warning: letter-overdue: no reply 98 days after Received: 2026-08-20" in output
    assert cluster.run("build", "--today", TODAY).exit_code == 0
    audit = cluster.run("audit", "--site", "portal", "--today", TODAY)
    assert audit.exit_code == 1 and "single veto (单项否决) failed: portal letters-unanswered" in audit.stderr


def test_letter_deadline_counts_to_source_date_epoch(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster.write("content/portal/mzxx/old.md", letter("旧来信", "2026-08-20", None, "请答复。", Slug="old"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790208000")  # 2026-09-24: 35 days, not overdue
    assert "letter-overdue" not in cluster.run("check").output
    assert _letters_verdict(cluster) == "pass"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23: 95 days
    assert "content/portal/mzxx/old.md:3: warning: letter-overdue: no reply 95 days" in cluster.run("check").output
    assert _letters_verdict(cluster) == "fail"


def _letters_verdict(repo: Repo) -> str:
    import json

    findings = json.loads(repo.run("--format", "json", "audit", "--site", "portal").stdout)
    return next(f["status"] for f in findings if f["check"] == "letters-unanswered")


def test_letter_without_sections_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/plain.md", article("无分节来信", "2026-11-01", "请答复。", Received="2026-11-01"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/mzxx/plain.md:5: letter-sections: a letter's text starts with a '## 来信' line" in output


def test_letter_without_received_date_is_an_error(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/nodate.md", article("无受理日期", "2026-11-01", "## 来信\n\n内容。"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/mzxx/nodate.md:1: missing-key: a letter needs 'Received:'" in output


def test_replied_letter_needs_a_reply_and_replier(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/half.md", article("只有日期", "2026-11-05", "## 来信\n\n内容。", Received="2026-11-01", Replied="2026-11-05"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/mzxx/half.md:4: missing-key: a replied letter needs 'Replier:'" in output
    assert "content/portal/mzxx/half.md:4: letter-sections: Replied is set but the '## 答复' section is missing or empty" in output


def test_reply_before_receipt_is_an_error(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/early.md", letter("日期颠倒", "2026-11-05", "2026-11-01", "内容。", "答复。", Slug="early"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/mzxx/early.md:4: bad-value: Replied: 2026-11-01 is before Received: 2026-11-05" in output


def test_letter_text_with_links_is_not_link_checked(cluster: Repo) -> None:
    cluster.write("content/portal/mzxx/link.md", letter("带链接来信", "2026-11-01", None, "[看这里](site:nowhere) [x]({filename}nope.md)", Slug="link"))
    code, output = check(cluster)
    assert code == 0, output


def test_letter_column_without_endpoint_address_or_phone_is_an_error(repo: Repo) -> None:
    column_cluster(repo, mailbox="")
    code, output = check(repo)
    assert code == 1
    assert "sites/portal.toml: mailbox-unreachable: column mzxx takes letters, but [mailbox] has neither an endpoint" in output


def test_endpoint_gives_a_form_that_posts_there(repo: Repo) -> None:
    column_cluster(repo, mailbox='[mailbox]\nendpoint = "https://xinxiang.xam.gov.cn/letters"\n')
    assert repo.run("build", "--today", TODAY, "--site", "portal").exit_code == 0
    html = repo.html("portal", "mzxx", "index.html")
    assert '<form class="letter-form" method="post" action="https://xinxiang.xam.gov.cn/letters"' in html
    assert '<label for="letter-body">' in html and 'id="letter-body"' in html


# --- annual reports -----------------------------------------------------------------------------


def report(repo: Repo, text: str, name: str = "annual-report-2025.toml") -> tuple[int, str]:
    repo.write(f"content/tjj/_data/{name}", text)
    return check(repo)


def test_good_annual_report_passes(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT)
    assert code == 0, output


def test_row_total_not_equal_to_its_parts_names_table_and_row(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("granted         = [3, 1, 0, 0, 0, 0, 4]", "granted         = [3, 1, 0, 0, 0, 0, 5]"))
    assert code == 1
    assert (
        "content/tjj/_data/annual-report-2025.toml:23: report-arithmetic: 表三 收到和处理政府信息公开申请情况, "
        "row （一）予以公开: 总计 is 5 but 3 + 1 + 0 + 0 + 0 + 0 = 4" in output
    )


def test_new_plus_carried_over_must_equal_handled_plus_carried_forward(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("carried_forward = [1, 0, 0, 0, 0, 0, 1]", "carried_forward = [0, 0, 0, 0, 0, 0, 0]"))
    assert code == 1
    assert (
        "content/tjj/_data/annual-report-2025.toml:26: report-arithmetic: 表三 收到和处理政府信息公开申请情况, 自然人: "
        "本年新收 4 + 上年结转 1 = 5, but 办理结果总计 4 + 结转下年度 0 = 4" in output
    )


def test_results_total_must_equal_the_results(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("not_held = [1, 0, 0, 0, 0, 0, 1]", "not_held = [0, 0, 0, 0, 0, 0, 0]"))
    assert code == 1
    assert "content/tjj/_data/annual-report-2025.toml:25: report-arithmetic: 表三 收到和处理政府信息公开申请情况, row 三、本年度办理结果（七）总计, 自然人: 4 but （一）to（六）add up to 3" in output


def test_appeal_total_must_equal_its_outcomes(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("review                  = [1, 0, 0, 0, 1]", "review                  = [1, 0, 0, 1, 1]"))
    assert code == 1
    assert "content/tjj/_data/annual-report-2025.toml:32: report-arithmetic: 表四 政府信息公开行政复议、行政诉讼情况, 行政复议: 总计 is 1 but 1 + 0 + 0 + 1 = 2" in output


def test_report_row_with_wrong_length_is_located(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("new             = [4, 1, 0, 0, 0, 0, 5]", "new             = [4, 1, 5]"))
    assert code == 1
    assert "content/tjj/_data/annual-report-2025.toml:21: annual-report: requests.new (一、本年新收政府信息公开申请数量): write a list of 7 whole numbers" in output


def test_report_unknown_key_suggests_the_right_one(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("[requests.unavailable]", "[requests.unavaliable]"))
    assert code == 1
    assert "content/tjj/_data/annual-report-2025.toml:28: annual-report: requests.unavaliable: unknown key (did you mean 'unavailable'?)" in output


def test_report_missing_section_text_is_an_error(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace('problems = "解读形式较为单一。"\n', ""))
    assert code == 1 and "annual-report-2025.toml:1: annual-report: problems (五、存在的主要问题及改进情况) is missing or empty" in output


def test_report_toml_syntax_error_is_located(cluster: Repo) -> None:
    code, output = report(cluster, GOOD_REPORT.replace("licensing = 12", "licensing = = 12"))
    assert code == 1 and "content/tjj/_data/annual-report-2025.toml:14: toml-syntax:" in output


def test_report_yaml_syntax_error_is_located(cluster: Repo) -> None:
    code, output = report(cluster, "date: 2026-01-20\noverview: 总体情况。\nrequests:\n  new: [1, 0\n  total: [1]\n", "annual-report-2024.yaml")
    assert code == 1 and "content/tjj/_data/annual-report-2024.yaml:" in output and ": yaml-syntax:" in output, output


def test_yaml_report_is_checked_too(cluster: Repo) -> None:
    yaml_report = (
        "date: 2026-01-20\noverview: 总体情况。\nproblems: 无。\nother: 无。\n"
        "active: {rules: [0, 0, 0], normative: [0, 0, 0]}\n"
        "requests:\n  new: [1, 0, 0, 0, 0, 0, 1]\n  carried_over: [0, 0, 0, 0, 0, 0, 0]\n"
        "  granted: [1, 0, 0, 0, 0, 0, 1]\n  total: [1, 0, 0, 0, 0, 0, 1]\n  carried_forward: [1, 0, 0, 0, 0, 0, 1]\n"
        "appeals: {review: [0, 0, 0, 0, 0], litigation_direct: [0, 0, 0, 0, 0], litigation_after_review: [0, 0, 0, 0, 0]}\n"
    )
    code, output = report(cluster, yaml_report, "annual-report-2024.yaml")
    assert code == 1
    assert "content/tjj/_data/annual-report-2024.yaml:11: report-arithmetic: 表三 收到和处理政府信息公开申请情况, 自然人: 本年新收 1 + 上年结转 0 = 1, but 办理结果总计 1 + 结转下年度 1 = 2" in output


def test_report_year_must_match_the_file_name(cluster: Repo) -> None:
    code, output = report(cluster, "year = 2024\n" + GOOD_REPORT.replace("year = 2025\n", ""))
    assert code == 1 and "annual-report-2025.toml:1: annual-report: year = 2024 but the file name says 2025" in output


def test_report_of_a_site_without_disclosure_column_is_an_error(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal")
    repo.write("content/portal/_data/annual-report-2025.toml", GOOD_REPORT)
    code, output = check(repo)
    assert code == 1 and "content/portal/_data/annual-report-2025.toml: no-disclosure-column:" in output


# --- leaders and media -------------------------------------------------------------------------


def test_leaders_naming_an_unknown_leader_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/typo.md", article("调研", "2026-11-02", Slug="typo", Leaders="王建化"))
    code, output = check(cluster)
    assert code == 1
    assert "content/portal/zwdt/typo.md:4: unknown-leader: Leaders: no page titled '王建化' in 领导之窗 (ldzc) (did you mean '王建华'?)" in output


def test_leader_page_without_position_is_an_error(cluster: Repo) -> None:
    cluster.write("content/portal/ldzc/li.md", article("李明", "2025-01-06", "## 简历\n\n略。", Slug="li"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/ldzc/li.md:1: missing-key: a leader page needs 'Position:' (职务)" in output
    assert "content/portal/ldzc/li.md:1: warning: missing-photo:" in output


def test_video_from_another_host_is_refused(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/ext.md", article("外链视频", "2026-11-02", Slug="ext", Video="https://v.example.com/x.mp4"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zwdt/ext.md:4: external-media: Video: 'https://v.example.com/x.mp4' is on another host" in output


def test_missing_video_file_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/gone.md", article("视频丢失", "2026-11-02", Slug="gone", Video="files/video/gone.mp4"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zwdt/gone.md:4: missing-file: Video: files/video/gone.mp4: no such file content/portal/files/video/gone.mp4" in output


def test_poster_that_is_not_an_image_is_located(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/badposter.md", article("封面错误", "2026-11-02", Slug="bp", Video="files/video/clip.mp4", Poster="files/video/clip.vtt"))
    code, output = check(cluster)
    assert code == 1 and "content/portal/zwdt/badposter.md:5: bad-media: Poster: 'files/video/clip.vtt' is not an image" in output


# --- one pass: a file with a refused value is still checked against the others ------------------


def _codes(output: str) -> list[str]:
    return sorted(line.split(": ")[0] + ": " + line.split(": ")[1] for line in output.splitlines() if line.startswith("content/") and ": warning: " not in line)


def test_a_document_with_an_unreadable_date_still_meets_its_duplicate_index_number(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/zz-copy.md", document("兴安盟城镇供热管理办法（副本）", f"{PORTAL_CODE}/2026-00002", "2026-02-30", Slug="heating-copy", Written="2026-02-01"))
    code, output = check(cluster)
    assert code == 1
    assert _codes(output) == ["content/portal/zfwj/zz-copy.md:2: bad-value", "content/portal/zfwj/zz-copy.md:3: duplicate-index-no"], output
    assert "is already used by content/portal/zfwj/heating.md:3" in output and "1970" not in output  # no hint from a refused date


def test_an_interpretation_of_a_document_with_errors_adds_no_error_of_its_own(cluster: Repo) -> None:
    cluster.write("content/portal/zfwj/heating.md", document("兴安盟城镇供热管理办法", f"{PORTAL_CODE}/2026-00002", "2026-10-40", Slug="heating", Topic="城乡建设、环境保护"))
    code, output = check(cluster)
    assert code == 1
    assert _codes(output) == ["content/portal/zfwj/heating.md:2: bad-value", "content/portal/zfwj/heating.md:6: bad-value"], output


@pytest.mark.parametrize("key, value, line", [("Received", "2026-05-40", 3), ("Replied", "2026-05-99", 4)])
def test_a_letter_with_a_refused_date_is_not_also_missing_it(cluster: Repo, key: str, value: str, line: int) -> None:
    cluster.write("content/portal/mzxx/e.md", letter("反映噪声扰民", "2026-10-01", "2026-10-05", "夜间施工噪声大。", "已责令整改。", Slug="noise", **{key: value}))
    code, output = check(cluster)
    assert code == 1
    assert [c for c in _codes(output) if "mzxx/e.md" in c] == [f"content/portal/mzxx/e.md:{line}: bad-value"], output
