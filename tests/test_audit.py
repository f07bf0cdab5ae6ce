"""`build.py audit`: each inspection item measured, with its verdict, and the exit status following the vetoes."""

from __future__ import annotations

import json
import re

import pytest
from column_fixtures import GOOD_REPORT, document
from conftest import REPO, Repo, article, problem_lines, site_toml

TODAY = "2026-11-26"

COUNTY_COLUMNS = (
    ("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("zfwj", "政府文件", "document"),
    ("rsrm", "人事任免", "appointment"), ("ghjh", "规划计划", "news"), ("zcjd", "政策解读", "news"),
    ("mzxx", "县长信箱", "letter"), ("ztzl", "专题专栏", "topic"), ("bsfw", "办事服务", "page"),
)


def letter(title: str, received: str, replied: str | None = None, **meta: str) -> str:
    keys = {"Received": received, **({"Replied": replied, "Replier": "县政府办公室"} if replied else {}), **meta}
    return article(title, replied or received, f"## 来信\n\n{title}。\n\n## 答复\n\n{'已办理。' if replied else ''}", **keys)


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    """A portal that passes, and a county with a stale home page, empty columns and an overdue letter."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=(("zwdt", "政务动态", "news"), ("zfxxgk", "政府信息公开", "disclosure")))
    repo.write("content/portal/zfxxgk/guide.md", document("兴安盟行政公署政府信息公开指南", "11152200MB0000000X/2026-00001", "2026-11-02", Slug="guide"))
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署冬季供暖工作", "2026-11-20", Slug="heating"))
    repo.write("content/portal/_data/annual-report-2025.toml", GOOD_REPORT)
    repo.site("tuquan", "突泉县人民政府", url="https://www.tuquan.gov.cn/", columns=COUNTY_COLUMNS,
              extra='[mailbox]\naddress = "突泉县信访局"\nphone = "0482-5123456"\n')
    repo.write("content/tuquan/zwdt/old.md", article("突泉县召开春耕生产会议", "2026-10-01", Slug="spring"))
    repo.write("content/tuquan/zwdt/new-draft.md", article("突泉县部署冬季清雪", "2026-11-25", Slug="snow", Status="draft"))
    repo.write("content/tuquan/zwdt/hidden.md", article("突泉县内部通报", "2026-11-25", Slug="hidden", Status="hidden"))
    repo.write("content/tuquan/tzgg/n.md", article("停水通知", "2026-03-01", Slug="water"))
    repo.write("content/tuquan/mzxx/l1.md", letter("反映路灯不亮", "2026-08-01", Slug="lamp"))  # 117 days without reply
    repo.write("content/tuquan/mzxx/l2.md", letter("咨询供暖时间", "2026-10-01", "2026-10-05", Slug="heating"))
    return repo


def audit(repo: Repo, *args: str) -> tuple[int, dict[tuple[str, str], dict]]:
    result = repo.run("--format", "json", "audit", "--today", TODAY, *args)
    return result.exit_code, {(f["site"], f["check"]): f for f in json.loads(result.stdout)}


def test_each_inspection_item_is_measured_with_its_verdict(cluster: Repo) -> None:
    code, found = audit(cluster)
    assert code == 1  # single vetoes fail
    home = found[("tuquan", "home-updated")]
    assert (home["status"], home["value"], home["limit"], home["veto"]) == ("fail", 52, 14, True)  # drafts and hidden items do not count
    assert home["items"][0]["path"] == "content/tuquan/mzxx/l2.md"  # the newest listed item: a letter answered on 10-05
    empty = found[("tuquan", "empty-columns")]
    assert (empty["status"], empty["value"]) == ("fail", 5)
    assert [i["column"] for i in empty["items"]] == ["zfwj", "rsrm", "ghjh", "zcjd", "ztzl"]  # a page column lists nothing
    letters = found[("tuquan", "letters-unanswered")]
    assert (letters["status"], letters["value"], letters["limit"]) == ("fail", 117, 90)
    assert letters["items"] == [{"path": "content/tuquan/mzxx/l1.md", "title": "反映路灯不亮", "received": "2026-08-01", "days": 117}]
    stale = found[("tuquan", "stale-columns")]
    assert stale["status"] == "warn" and {i["column"] for i in stale["items"]} == {"zwdt", "tzgg"}
    assert found[("tuquan", "annual-report")]["status"] == "fail"
    # no production build yet: the links are not measured (a warning that says so), the rest passes
    unbuilt = found[("portal", "broken-links")]
    assert (unbuilt["status"], unbuilt["value"]) == ("warn", None) and unbuilt["basis"].startswith("no link report yet: run build --target production")
    portal = {check: f for (site, check), f in found.items() if site == "portal" and check != "broken-links"}
    assert all(f["status"] == "pass" for f in portal.values()), [f for f in portal.values() if f["status"] != "pass"]
    for finding in found.values():
        assert set(finding) >= {"site", "check", "status", "value", "limit", "rule", "items"} and finding["rule"]


def test_the_exit_status_follows_the_vetoes_only(cluster: Repo) -> None:
    assert audit(cluster, "--site", "portal")[0] == 0
    cluster.write("content/tuquan/mzxx/l1.md", letter("反映路灯不亮", "2026-08-01", "2026-08-05", Slug="lamp"))
    for n, column in enumerate(("zfwj", "rsrm", "ghjh", "zcjd", "ztzl")):
        cluster.write(f"content/tuquan/{column}/x.md", article(f"条目{n}", "2026-01-01", Slug=f"x{n}", **({"Index_No": "11152200MB0000000X/2026-00009", "Issuer": "突泉县人民政府", "Doc_No": "突政发〔2026〕1号", "Written": "2026-01-01", "Topic": "综合政务", "Validity": "有效"} if column == "zfwj" else {})))
    cluster.write("content/tuquan/zwdt/fresh.md", article("突泉县冬季清雪", "2026-11-25", Slug="fresh"))
    code, found = audit(cluster, "--site", "tuquan")
    assert [k for k, f in found.items() if f["veto"] and f["status"] == "fail"] == []
    assert found[("tuquan", "stale-columns")]["status"] == "warn" and found[("tuquan", "annual-report")]["status"] == "fail"
    assert code == 0  # warnings and non-veto failures do not stop a deploy


def _tuquan(extra: str) -> str:
    return site_toml("tuquan", "突泉县人民政府", url="https://www.tuquan.gov.cn/", columns=COUNTY_COLUMNS,
                     extra='[mailbox]\naddress = "突泉县信访局"\nphone = "0482-5123456"\n' + extra)


def test_limits_are_set_per_site_and_only_stricter(cluster: Repo) -> None:
    cluster.write("content/tuquan/zwdt/fresh.md", article("突泉县冬季清雪", "2026-11-16", Slug="fresh"))  # 10 days
    assert audit(cluster, "--site", "tuquan")[1][("tuquan", "home-updated")]["status"] == "pass"
    cluster.write("sites/tuquan.toml", _tuquan("[audit]\nhome_days = 7\nletter_warn_days = 30\nletter_fail_days = 45\n"))
    _, found = audit(cluster, "--site", "tuquan")
    assert (found[("tuquan", "home-updated")]["status"], found[("tuquan", "home-updated")]["limit"]) == ("fail", 7)
    assert found[("tuquan", "letters-unanswered")]["limit"] == 45
    assert found[("tuquan", "letters-unanswered")]["rule"] == "留言超过30天未答复则提醒，超过45天为不合格（单项否决）"


@pytest.mark.parametrize(
    "limits, message",
    [
        ("home_dayz = 60", "audit.home_dayz: unknown key (did you mean 'home_days'?)"),
        ("news_days = 0", "audit.news_days: 0 must be a positive number"),
        ("home_days = 100", "audit.home_days: 100 is looser than the national rule (14); a site may only set a stricter limit"),
        ("letter_warn_days = 80\nletter_fail_days = 50", "audit.letter_warn_days: 80 is after letter_fail_days (50); the reminder comes first"),
    ],
)
def test_a_wrong_limit_is_a_located_error(cluster: Repo, limits: str, message: str) -> None:
    cluster.write("sites/tuquan.toml", _tuquan(f"[audit]\n{limits}\n"))
    result = cluster.run("audit", "--today", TODAY)
    assert result.exit_code == 1
    assert "sites/tuquan.toml:" in result.stderr and message in result.stderr


def test_check_warns_about_letters_by_the_sites_own_limits(cluster: Repo) -> None:
    cluster.write("sites/tuquan.toml", _tuquan("[audit]\nletter_warn_days = 10\nletter_fail_days = 20\n"))
    cluster.write("content/tuquan/mzxx/l3.md", letter("反映噪声", "2026-11-10", Slug="noise"))  # 16 days
    result = cluster.run("check", "--today", TODAY)
    assert "content/tuquan/mzxx/l3.md:3: warning: letter-overdue: no reply 16 days" in result.stderr
    assert "over 20 days fail the inspection" in result.stderr


def test_an_item_dated_after_today_updates_nothing_and_is_named(cluster: Repo) -> None:
    cluster.write("content/tuquan/zwdt/typo.md", article("突泉县冬季清雪", "2062-11-25", Slug="typo"))
    cluster.write("content/tuquan/mzxx/l3.md", letter("反映噪声", "2026-12-25", Slug="noise"))
    code, found = audit(cluster, "--site", "tuquan")
    assert (found[("tuquan", "home-updated")]["status"], found[("tuquan", "home-updated")]["value"]) == ("fail", 52)
    assert [i["path"] for i in found[("tuquan", "future-dated")]["items"]] == ["content/tuquan/mzxx/l3.md", "content/tuquan/zwdt/typo.md"]
    assert found[("tuquan", "letters-received")]["value"] == 56 and code == 1  # the letter of 2026-12-25 is not counted


def test_only_what_the_home_page_lists_keeps_it_fresh(cluster: Repo) -> None:
    cluster.write("sites/tuquan.toml", _tuquan('[theme]\nhome_columns = ["tzgg"]\n'))
    cluster.write("content/tuquan/ghjh/p.md", article("突泉县十五五规划编制启动", "2026-11-25", Slug="plan"))  # a column the home page does not list
    _, found = audit(cluster, "--site", "tuquan")
    assert found[("tuquan", "home-updated")]["status"] == "fail"
    assert found[("tuquan", "home-updated")]["items"][0]["path"] == "content/tuquan/zwdt/old.md"


def test_a_hidden_letter_is_not_counted(cluster: Repo) -> None:
    cluster.write("content/tuquan/mzxx/l1.md", letter("反映路灯不亮", "2026-08-01", Slug="lamp", Status="hidden"))
    _, found = audit(cluster, "--site", "tuquan")
    assert found[("tuquan", "letters-unanswered")]["status"] == "pass"


def test_an_unreadable_source_date_epoch_is_a_usage_error(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    for command in ("audit", "build"):
        result = cluster.run(command)
        assert result.exit_code == 2 and "SOURCE_DATE_EPOCH=abc is not a number of seconds" in result.output


def test_today_comes_from_source_date_epoch(cluster: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1791504000")  # 2026-10-09: the newest item of tuquan is 4 days old
    result = cluster.run("--format", "json", "audit", "--site", "tuquan")
    found = {f["check"]: f for f in json.loads(result.stdout)}
    assert found["home-updated"]["status"] == "pass" and found["home-updated"]["value"] == 4


def test_the_text_report_names_each_site_and_the_failed_vetoes(cluster: Repo) -> None:
    result = cluster.run("audit", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "portal"
    assert "\ntuquan\n  fail  home-updated                52 / 14" in result.stdout and "content/tuquan/mzxx/l2.md" in result.stdout
    assert result.stderr.strip().endswith("single veto (单项否决) failed: tuquan home-updated, tuquan empty-columns, tuquan letters-unanswered")


def test_a_build_never_fails_because_time_passed(cluster: Repo) -> None:
    """The overdue letter and the stale home page fail the audit; the same commit still builds."""
    result = cluster.run("build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "content/tuquan/mzxx/l1.md:3: warning: letter-overdue" in result.stderr


# --- found by a hostile probe ---------------------------------------------------------------------


def test_a_modified_date_after_today_updates_nothing_and_is_named(cluster: Repo) -> None:
    cluster.write("content/tuquan/zwdt/old.md", article("突泉县召开春耕生产会议", "2026-10-01", Slug="spring", Modified="2099-01-01"))
    code, found = audit(cluster, "--site", "tuquan")
    assert found[("tuquan", "home-updated")]["status"] == "fail" and found[("tuquan", "home-updated")]["value"] == 52
    assert [i["modified"] for i in found[("tuquan", "future-dated")]["items"]] == ["2099-01-01"]


#: The verdicts each check can give besides pass: its rule names each of them, in the words the
#: report shows (提醒, 不合格, 单项否决), and no other (a rule ending in 扣分 for a check that only
#: warns made webmasters read a reminder as a deduction; 不通过 was a word of its own).
VERDICTS = {
    "home-updated": {"fail"}, "future-dated": {"warn"}, "empty-columns": {"warn", "fail"}, "stale-columns": {"warn"},
    "letters-unanswered": {"warn", "fail"}, "letters-received": {"warn"}, "annual-report": {"fail"},
    "broken-links": {"warn", "fail"}, "footer-elements": {"fail"}, "meta-tags": {"warn"}, "images-alt": {"warn"},
    "validity-labels": {"warn"},
}


def test_every_rule_says_its_verdicts_in_the_words_of_the_report(cluster: Repo) -> None:
    cluster.write("content/tuquan/tzgg/future.md", article("停电通知", "2099-01-01", Slug="power"))
    _, found = audit(cluster)
    assert {check for _site, check in found} == set(VERDICTS)
    for (_site, check), finding in found.items():
        rule = finding["rule"]
        assert ("提醒" in rule) == ("warn" in VERDICTS[check]), rule
        assert ("不合格" in rule) == ("fail" in VERDICTS[check]), rule
        assert ("不合格（单项否决）" in rule) == finding["veto"] == ("单项否决" in rule), rule
        assert "不通过" not in rule and not rule.endswith("扣分"), rule


def test_an_annual_report_written_as_an_item_counts(cluster: Repo) -> None:
    cluster.write("sites/tuquan.toml", _tuquan("").replace('[[columns]]\nid = "zwdt"', '[[columns]]\nid = "zfxxgk"\nname = "政府信息公开"\ntype = "disclosure"\n\n[[columns]]\nid = "zwdt"', 1))
    assert audit(cluster, "--site", "tuquan")[1][("tuquan", "annual-report")]["status"] == "fail"
    cluster.write("content/tuquan/zfxxgk/report.md", document("突泉县人民政府2025年政府信息公开工作年度报告", "11152200MB0000000X/2026-00008", "2026-03-20", Slug="annual-report-2025"))
    assert audit(cluster, "--site", "tuquan")[1][("tuquan", "annual-report")]["status"] == "pass"


def test_the_manuals_annual_report_example_passes_check_and_the_audit(cluster: Repo) -> None:
    """docs/authors.md §六 shows a county how to publish its 年报; its example must stay one that works."""
    manual = (REPO / "docs" / "authors.md").read_text(encoding="utf-8")
    example = re.search(r"例：.*?保存为 `content/ulanhot/_data/(annual-report-2025\.toml)`：\n\n```toml\n(.*?)```", manual, re.S)
    assert example, "docs/authors.md no longer shows the annual report example"
    cluster.write("sites/tuquan.toml", _tuquan("").replace('[[columns]]\nid = "zwdt"', '[[columns]]\nid = "zfxxgk"\nname = "政府信息公开"\ntype = "disclosure"\n\n[[columns]]\nid = "zwdt"', 1))
    assert audit(cluster, "--site", "tuquan")[1][("tuquan", "annual-report")]["status"] == "fail"
    cluster.write(f"content/tuquan/_data/{example.group(1)}", example.group(2))
    assert [line for line in problem_lines(cluster.run("check", "--site", "tuquan", "--today", TODAY)) if "_data" in line] == []
    report = audit(cluster, "--site", "tuquan")[1][("tuquan", "annual-report")]
    assert (report["status"], report["value"], report["limit"]) == ("pass", "2025", "2026-03-31")


def test_a_stricter_veto_brings_the_reminder_forward(cluster: Repo) -> None:
    cluster.write("sites/tuquan.toml", _tuquan("[audit]\nletter_fail_days = 30\n"))
    rule = audit(cluster, "--site", "tuquan")[1][("tuquan", "letters-unanswered")]["rule"]
    assert rule == "留言超过30天未答复则提醒，超过30天为不合格（单项否决）"
