"""`build.py audit`'s HTML report: the series it plots, the files it writes, and only there."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from audit_fixtures import AGES, LETTER_MONTHS, MZXX_WEEKS, TODAY, TZGG_WEEKS, ZWDT_WEEKS, fill_audit_cluster
from conftest import REPO, Repo
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from zhanqun.commands.audit_series import LetterMonth, Week, months, quarter, site_series
from zhanqun.errors import Problems
from zhanqun.pipeline import BuildOptions, prepare

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    return fill_audit_cluster(repo)


def series_of(repo: Repo, site: str = "tuquan", today: str = TODAY):
    day = date.fromisoformat(today)
    problems = Problems()
    context = prepare(BuildOptions(repo.root, "production", [site], today=day), problems)
    assert not problems.has_errors(), problems.sorted()
    return site_series(context, context.cluster[site], day)


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# --- the series ------------------------------------------------------------------------------


def test_the_quarter_is_thirteen_weeks_ending_today() -> None:
    weeks = quarter(date(2026, 11, 26))
    assert len(weeks) == 13
    assert weeks[0] == Week(date(2026, 8, 28), date(2026, 9, 3)) and weeks[-1] == Week(date(2026, 11, 20), date(2026, 11, 26))
    assert all((later.start - earlier.end).days == 1 for earlier, later in zip(weeks, weeks[1:]))


def test_the_months_are_the_twelve_up_to_todays_across_the_new_year() -> None:
    assert months(date(2026, 11, 26)) == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert months(date(2027, 1, 1), 3) == ["2026-11", "2026-12", "2027-01"]


def test_updates_per_column_per_week(cluster: Repo) -> None:
    """Date and a later Modified count, once per week; hidden, drafts and anything after today do not; copies do."""
    series = series_of(cluster)
    weekly = {column.column: column.counts for column in series.updates}
    assert weekly["zwdt"] == ZWDT_WEEKS
    assert weekly["tzgg"] == TZGG_WEEKS  # the portal's notice syndicated into tuquan's 通知公告
    assert weekly["mzxx"] == MZXX_WEEKS
    assert [column.column for column in series.updates] == ["zwdt", "tzgg", "zfwj", "rsrm", "ghjh", "zcjd", "mzxx", "ztzl"]  # no page column
    assert all(sum(weekly[c]) == 0 for c in ("zfwj", "rsrm", "ghjh", "zcjd", "ztzl"))
    assert series.weekly_totals() == [a + b + c for a, b, c in zip(ZWDT_WEEKS, TZGG_WEEKS, MZXX_WEEKS)]


def test_letters_received_and_answered_per_month_with_the_rate(cluster: Repo) -> None:
    series = series_of(cluster)
    assert series.has_letters
    assert {row.month: (row.received, row.answered) for row in series.letters} == LETTER_MONTHS
    rates = {row.month: row.rate for row in series.letters}
    assert (rates["2025-12"], rates["2026-09"], rates["2026-10"], rates["2026-11"], rates["2026-08"]) == (100, 0, 100, 0, None)
    assert LetterMonth("2026-01", 3, 2).rate == pytest.approx(66.667, abs=0.001)


def test_a_letter_answered_after_today_is_not_answered_yet(cluster: Repo) -> None:
    series = series_of(cluster, today="2026-10-03")  # l2 was answered on 2026-10-05
    october = next(row for row in series.letters if row.month == "2026-10")
    assert (october.received, october.answered) == (1, 0)
    assert series.letters[-1].month == "2026-10" and series.letters[0].month == "2025-11"


def test_a_site_without_a_letter_column_has_no_letter_series(cluster: Repo) -> None:
    series = series_of(cluster, "portal")
    assert not series.has_letters and series.letters == []


def test_days_since_the_last_update_per_column_against_its_limit(cluster: Repo) -> None:
    series = series_of(cluster)
    assert [(age.column, age.days, age.limit) for age in series.ages] == AGES
    assert [age.column for age in series.ages if age.over] == ["rsrm"]


def test_the_ages_follow_the_sites_own_limits(cluster: Repo) -> None:
    toml = cluster.root / "sites" / "tuquan.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('[mailbox]', '[audit]\nnotice_days = 20\n\n[mailbox]'), encoding="utf-8")
    ages = {age.column: age for age in series_of(cluster).ages}
    assert (ages["tzgg"].limit, ages["tzgg"].over) == (20, True)


# --- the files -------------------------------------------------------------------------------


def test_the_report_is_written_to_output_audit_and_nowhere_else(cluster: Repo) -> None:
    before = {path for path in cluster.root.rglob("*")}
    result = cluster.run("--format", "json", "audit", "--today", TODAY)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the JSON on stdout stays clean
    assert "wrote the HTML report: output/audit/index.html" in result.stderr
    report = cluster.root / "output" / "audit"
    new = {path for path in cluster.root.rglob("*")} - before
    assert {path for path in new if report not in path.parents and path != report} == {cluster.root / "output"}
    names = set(files_of(report))
    assert {"index.html", "audit.css", ".zhanqun-audit", "tuquan/index.html", "portal/index.html"} <= names
    for stem in ("updates", "letters", "letters-rate", "ages"):
        assert {f"tuquan/{stem}.svg", f"tuquan/{stem}-contrast.svg"} <= names
    assert "portal/letters.svg" not in names  # no letter column there
    assert {"updates.svg", "letters.svg", "letters-rate.svg", "home.svg", "home-contrast.svg"} <= names


def test_the_report_never_enters_a_sites_public_folder(cluster: Repo) -> None:
    assert cluster.run("build", "--target", "production", "--today", TODAY).exit_code == 0
    published = files_of(cluster.out(target="production"))
    assert cluster.run("audit", "--today", TODAY).exit_code == 0
    assert files_of(cluster.out(target="production")) == published
    assert not any("audit" in name.split("/")[0] for name in published)


def test_two_runs_give_byte_identical_files(cluster: Repo) -> None:
    assert cluster.run("audit", "--today", TODAY).exit_code == 0
    first = files_of(cluster.root / "output" / "audit")
    # a process of its own, with another hash seed and in Chinese: the same bytes
    command = [sys.executable, str(REPO / "build.py"), "--root", str(cluster.root), "--lang", "zh", "audit", "--today", TODAY]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert files_of(cluster.root / "output" / "audit") == first
    assert cluster.run("audit", "--today", "2026-11-27").exit_code == 0
    assert files_of(cluster.root / "output" / "audit")["tuquan/index.html"] != first["tuquan/index.html"]


def test_the_svgs_are_labelled_self_contained_xml_with_the_numbers(cluster: Repo) -> None:
    assert cluster.run("audit", "--today", TODAY).exit_code == 0
    report = cluster.root / "output" / "audit"
    for path in sorted(report.rglob("*.svg")):
        text = path.read_text(encoding="utf-8")
        root = ElementTree.fromstring(text)  # parses as XML
        assert root.tag == f"{SVG}svg" and root.get("role") == "img", path
        label = root.get("aria-label")
        assert label and root.find(f"{SVG}title").text == label, path
        assert not re.search(r"<script|<!--|href=|@import|url\(", text), path
        assert set(re.findall(r"https?://[^\"' )]+", text)) == {"http://www.w3.org/2000/svg"}, path
        assert re.fullmatch(r"chart-[a-z-]+", root.get("id")), root.get("id")  # a fixed id, not pygal's random one

    def texts(name: str) -> list[str]:
        root = ElementTree.parse(report / "tuquan" / name).getroot()
        return [node.text for node in root.iter(f"{SVG}text") if node.text]

    updates = texts("updates.svg")
    assert {"政务动态", "通知公告", "县长信箱", "8/28", "11/20"} <= set(updates) and updates.count("3") == 1
    letters = texts("letters.svg")
    assert {"收到", "已答复", "12月", "11月"} <= set(letters) and letters.count("2") >= 2
    assert {"100%", "0%"} <= set(texts("letters-rate.svg"))
    ages = texts("ages.svg")
    assert {"421", "365", "23", "183", "人事任免（超限）", "政府文件（空白栏目）"} <= set(ages)
    label = ElementTree.parse(report / "tuquan" / "letters.svg").getroot().get("aria-label")
    assert "共收到5件，已答复3件，答复率60%" in label
    normal, contrast = (report / "tuquan" / "ages.svg").read_text(), (report / "tuquan" / "ages-contrast.svg").read_text()
    assert "#ffffff" in normal and "fill:#000000" in contrast and normal != contrast


def test_the_pages_hold_the_findings_and_the_numbers_as_tables(cluster: Repo) -> None:
    cluster.write("content/tuquan/mzxx/l1.md", (cluster.root / "content/tuquan/mzxx/l1.md").read_text().replace("2026-09-01", "2026-07-01"))
    result = cluster.run("audit", "--today", TODAY)
    assert result.exit_code == 1  # l1 waits 148 days: the veto fails, and the report is written all the same
    page = HTMLParser((cluster.root / "output" / "audit" / "tuquan" / "index.html").read_text(encoding="utf-8"))
    assert page.css_first("html").attributes["lang"] == "zh-CN" and len(page.css("h1")) == 1
    rows = {row.css_first("code.check-id").text(): row for row in page.css("table.findings tbody tr")}
    unanswered = rows["letters-unanswered"]
    assert [cell.text(strip=True) for cell in unanswered.css("td")][:3] == ["不合格单项否决项", "148", "90"]
    assert unanswered.css_first("ul.items code").text() == "content/tuquan/mzxx/l1.md"  # the source file's path, as text
    assert "国办秘函〔2019〕19号" in unanswered.text()
    tables = {table.css_first("caption").text(): table for table in page.css("table.data")}
    letters = next(table for caption, table in tables.items() if caption.startswith("每月来信"))
    by_month = {row.css_first("th").text(): [cell.text() for cell in row.css("td")] for row in letters.css("tbody tr")}
    assert by_month["2026年10月"] == ["2", "2", "100%"] and by_month["2026年7月"] == ["1", "0", "0%"] and by_month["合计"] == ["5", "3", "60%"]
    ages = next(table for caption, table in tables.items() if caption.startswith("各栏目距上次更新"))
    assert [cell.text() for cell in ages.css("tbody tr")[3].css("th, td")] == ["人事任免", "421", "365", "超限"]
    for img in page.css("figure img"):
        assert img.attributes["alt"] and img.attributes["src"].endswith(".svg")
    cluster_page = HTMLParser((cluster.root / "output" / "audit" / "index.html").read_text(encoding="utf-8"))
    assert [a.attributes["href"] for a in cluster_page.css("table.sites a")] == ["portal/index.html", "tuquan/index.html"]
    assert "突泉县 留言办理" in cluster_page.css_first(".verdict").text()


def test_the_pages_load_nothing_from_elsewhere_and_run_no_script(cluster: Repo) -> None:
    assert cluster.run("audit", "--today", TODAY).exit_code == 0
    for path in (cluster.root / "output" / "audit").rglob("*.html"):
        page = HTMLParser(path.read_text(encoding="utf-8"))
        assert not page.css("script, style, [style], iframe, object, embed"), path
        assert not [node for node in page.css("*") if any(name.startswith("on") for name in node.attributes)], path
        for node in page.css("[href], [src], [srcset]"):
            for attribute in ("href", "src", "srcset"):
                value = node.attributes.get(attribute)
                assert value is None or not re.match(r"[a-z]+:|//", value), (path, value)


def test_no_html_writes_no_report(cluster: Repo) -> None:
    result = cluster.run("audit", "--today", TODAY, "--no-html")
    assert result.exit_code == 0 and "HTML report" not in result.stderr
    assert not (cluster.root / "output").exists()


def test_an_audit_of_some_sites_replaces_the_whole_report(cluster: Repo) -> None:
    assert cluster.run("audit", "--today", TODAY).exit_code == 0
    assert cluster.run("audit", "--today", TODAY, "--site", "tuquan").exit_code == 0
    report = cluster.root / "output" / "audit"
    assert (report / "tuquan" / "index.html").is_file() and not (report / "portal").exists()
    assert not [p.name for p in (cluster.root / "output").iterdir() if p.name != "audit"]  # no scratch folder left


def test_a_folder_the_audit_did_not_write_is_never_replaced(cluster: Repo) -> None:
    cluster.write("output/audit/notes.txt", "mine")
    result = cluster.run("audit", "--today", TODAY)
    assert result.exit_code == 1
    assert "output/audit/: report-folder: output/audit/ exists and was not written by audit" in result.stderr
    assert (cluster.root / "output" / "audit" / "notes.txt").read_text() == "mine"
    assert cluster.run("audit", "--today", TODAY, "--no-html").exit_code == 0


def test_content_errors_write_no_report(cluster: Repo) -> None:
    cluster.write("content/tuquan/zwdt/broken.md", "Title: 无日期\n\n正文。\n")
    assert cluster.run("audit", "--today", TODAY).exit_code == 1
    assert not (cluster.root / "output" / "audit").exists()
