"""``build.py new SITE COLUMN TITLE``: a new file with the header its column needs."""

from __future__ import annotations

import pytest
from column_fixtures import PORTAL_CODE, TODAY, column_cluster, document
from conftest import Repo


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    return column_cluster(repo)


def new(repo: Repo, *args: str) -> tuple[int, str, str]:
    result = repo.run("new", "--date", "2026-11-26", *args)
    return result.exit_code, result.stdout, result.stderr


def header(repo: Repo, rel: str) -> dict[str, str]:
    text = (repo.root / rel).read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.split("\n"))


def test_new_document_gets_the_next_free_index_number(cluster: Repo) -> None:
    code, out, _ = new(cluster, "portal", "zfwj", "关于做好2026年冬季供暖工作的通知")
    assert code == 0
    rel = out.strip()
    assert rel.startswith("content/portal/zfwj/2026-11-26-") and rel.endswith(".md")
    meta = header(cluster, rel)
    assert meta["Index-No"] == f"{PORTAL_CODE}/2026-00003"  # 2026-00002 is taken in zfwj
    assert meta["Issuer"] == "兴安盟行政公署" and meta["Topic"] == "综合政务" and meta["Validity"] == "有效"
    assert meta["Written"] == "2026-11-26" and meta["Status"] == "draft"


def test_numbers_are_counted_across_columns_and_drafts(cluster: Repo) -> None:
    cluster.write("content/portal/zfxxgk/draft.md", document("草稿", f"{PORTAL_CODE}/2026-00017", Status="draft"))
    code, out, _ = new(cluster, "portal", "zfxxgk", "新的公开文件")
    assert code == 0 and header(cluster, out.strip())["Index-No"] == f"{PORTAL_CODE}/2026-00018"


def test_numbers_restart_each_year(cluster: Repo) -> None:
    result = cluster.run("new", "--date", "2027-01-04", "ulanhot", "zfwj", "新年第一号文件")
    assert header(cluster, result.stdout.strip())["Index-No"] == "11152201MB15603252/2027-00001"


def test_two_new_documents_get_two_numbers(cluster: Repo) -> None:
    first = header(cluster, new(cluster, "portal", "zfwj", "第一个文件")[1].strip())["Index-No"]
    second = header(cluster, new(cluster, "portal", "zfwj", "第一个文件")[1].strip())["Index-No"]
    assert (first, second) == (f"{PORTAL_CODE}/2026-00003", f"{PORTAL_CODE}/2026-00004")


def test_new_file_passes_the_check_once_published(cluster: Repo) -> None:
    rel = new(cluster, "portal", "zfwj", "关于印发某某办法的通知")[1].strip()
    path = cluster.root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft", "Status: published"), encoding="utf-8")
    result = cluster.run("check", "--today", TODAY)
    assert result.exit_code == 1 and f"{rel}:12: placeholder-text:" in result.output  # the text is still to be written
    path.write_text(path.read_text(encoding="utf-8").replace("在此填写正文。", "各旗县市人民政府，盟直各有关部门：现将某某办法印发给你们，请认真贯彻执行。"), encoding="utf-8")
    result = cluster.run("check", "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_new_letter_has_dates_and_sections(cluster: Repo) -> None:
    rel = new(cluster, "portal", "mzxx", "反映供暖问题")[1].strip()
    text = (cluster.root / rel).read_text(encoding="utf-8")
    assert "Received: 2026-11-26" in text and "## 来信" in text and "## 答复" in text and "Index-No" not in text


def test_new_news_item_has_title_date_and_slug(cluster: Repo) -> None:
    rel = new(cluster, "portal", "zwdt", "盟行署召开专题会议")[1].strip()
    assert header(cluster, rel) == {"Title": "盟行署召开专题会议", "Date": "2026-11-26", "Slug": "meng-xing-shu-zhuan-ti-hui-yi", "Status": "draft"}  # 召开 is boilerplate


def test_new_prints_the_defaults_to_review(cluster: Repo) -> None:
    _, _, err = new(cluster, "portal", "zfwj", "某文件")
    assert "Topic: 综合政务 (default)" in err and "Status: draft" in err


def test_unknown_site_is_a_usage_error_with_suggestion(cluster: Repo) -> None:
    code, _, err = new(cluster, "portl", "zfwj", "标题")
    assert code == 2 and "no site 'portl' (did you mean 'portal'?)" in err


def test_unknown_column_is_a_usage_error_with_suggestion(cluster: Repo) -> None:
    code, _, err = new(cluster, "portal", "zfjw", "标题")
    assert code == 2 and "site 'portal' has no column 'zfjw' (did you mean 'zfwj'?)" in err
    assert not list((cluster.root / "content" / "portal").glob("zfjw"))
