"""The reports beside the sites — the link report and the audit's HTML — written safely and the same
whatever language the command ran in.

* every report folder is a real folder of the repository: a symbolic link on the way (``output``,
  ``output/reports``) is refused, whether it leads out of the repository or into a site's public
  folder, and nothing is written (``paths.report_folder``);
* the link report keeps its reasons in English, so ``--lang zh`` and ``--lang en`` write the same
  bytes; the audit shows them in the reader's language, its HTML report in Chinese;
* the HTML report says what every finding was measured on, and which could not be measured;
* ``--today`` at the start of the calendar, and text XML does not allow, break no report.
"""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import REPO, Repo, copy_repo, fill_small_cluster, new_repo, problem_lines
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from zhanqun import i18n
from zhanqun.commands.audit_plots import NORMAL, updates_chart, xml_text
from zhanqun.commands.audit_report import CONTENT_BASIS, ITEM_FIELDS
from zhanqun.commands.audit_series import Week, months, quarter
from zhanqun.links.link_report import REASONS, shown_reason, stored_reason
from zhanqun.paths import UnsafePath, report_folder

TODAY = "2026-11-26"
#: A day tjj passes every check on (its one item is five days old, its annual report not yet due).
TJJ_TODAY = "2026-01-25"
#: tjj's footer with links that lead nowhere: a page and a file of its own site, a site that does not exist.
BROKEN_FOOTER = """{% extends "!theme/base.html" %}
{% block footer %}{{ super() }}
<p><a href="{{ SITEURL }}/gone.html">旧页面</a> <img src="{{ SITEURL }}/gone.png" alt="旧图"> <a href="/nosuchsite/x.html">别处</a>
<a href="https://www.xam.gov.cn/zwdt/gone.html">盟里的旧稿件</a></p>
{% endblock %}
"""


def report_rows(page: Path) -> dict[str, object]:
    """The findings table of a report page, by check id."""
    tree = HTMLParser(page.read_text(encoding="utf-8"))
    return {row.css_first("code.check-id").text(): row for row in tree.css("table.findings tbody tr")}


# --- report_folder ----------------------------------------------------------------------------


def test_report_folder_makes_real_folders_under_output(tmp_path: Path) -> None:
    assert report_folder(tmp_path, "reports") == tmp_path / "output" / "reports"
    assert (tmp_path / "output" / "reports").is_dir()
    assert report_folder(tmp_path) == tmp_path / "output"  # again: the folders are there
    for bad in ("..", "a/b", ""):
        with pytest.raises(UnsafePath):
            report_folder(tmp_path, bad)


@pytest.mark.parametrize("link", ["output", "output/reports"])
def test_report_folder_refuses_a_link_anywhere_on_the_way(tmp_path: Path, link: str) -> None:
    root, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    (root / "output").mkdir(parents=True)
    elsewhere.mkdir()
    if link == "output":
        (root / "output").rmdir()
    (root / link).symlink_to(elsewhere)
    with pytest.raises(UnsafePath, match=f"^{link} is a symbolic link; "):
        report_folder(root, "reports")
    assert list(elsewhere.iterdir()) == []  # nothing made there


def test_report_folder_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "output").write_text("not a folder")
    with pytest.raises(UnsafePath, match="^output is a file, not a folder"):
        report_folder(tmp_path, "reports")


# --- the link report never leaves the repository's output/reports ---------------------------------


def test_a_link_report_folder_that_is_a_link_out_is_refused(small_cluster: Repo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small_cluster.root / "output").mkdir()
    (small_cluster.root / "output" / "reports").symlink_to(elsewhere)
    result = small_cluster.run("build", "--target", "production", "--site", "tjj", "--today", TODAY)
    assert result.exit_code == 0, result.output  # the build's own result stands
    assert list(elsewhere.iterdir()) == []
    assert problem_lines(result, "write-failed") == [
        "output/reports/links-production.json: warning: write-failed: the link report was not written: output/reports is a symbolic link; "
        "zhanqun writes its reports only into real folders of the repository, never through a link (remove the link)"
    ]


def test_a_link_report_folder_that_leads_into_a_sites_public_folder_is_refused(small_cluster: Repo) -> None:
    """``links-intranet.json`` names internal pages: in ``output/production/tjj`` it would be published."""
    assert small_cluster.run("build", "--target", "production", "--today", TODAY).exit_code == 0
    public = small_cluster.out("tjj", target="production")
    before = sorted(p.name for p in public.iterdir())
    (small_cluster.root / "output" / "reports").rename(small_cluster.root / "output" / "old-reports")
    (small_cluster.root / "output" / "reports").symlink_to(Path("production") / "tjj")
    result = small_cluster.run("build", "--target", "intranet", "--site", "tjj", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in public.iterdir()) == before
    assert not list(public.rglob("links-*.json"))
    assert "warning: write-failed: the link report was not written: output/reports is a symbolic link" in result.stderr


def test_an_audit_into_a_linked_output_folder_writes_nothing(small_cluster: Repo, tmp_path: Path) -> None:
    webroot = tmp_path / "webroot"
    webroot.mkdir()
    (small_cluster.root / "output").symlink_to(webroot)
    result = small_cluster.run("audit", "--site", "tjj", "--today", TJJ_TODAY)
    assert result.exit_code == 1
    assert "output/audit/: report-folder: cannot write the report: output is a symbolic link; " in result.stderr
    assert list(webroot.iterdir()) == []
    assert small_cluster.run("audit", "--site", "tjj", "--today", TJJ_TODAY, "--no-html").exit_code == 0  # the findings themselves stand


# --- the link report is the same in every language ------------------------------------------------


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The small cluster built for production, then again with broken links in tjj's footer (which fails on them)."""
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("report-safety") / "repo"))
    assert repo.run("build", "--target", "production", "--today", TODAY).exit_code == 0
    repo.write("themes/tjj/templates/base.html", BROKEN_FOOTER)
    result = repo.run("build", "--target", "production", "--today", TODAY)
    assert result.exit_code == 1 and "dead-link" in result.stderr, result.output
    return repo


@pytest.mark.parametrize("target", ["production", "preview"])
def test_the_link_report_is_the_same_bytes_in_every_language(broken: Repo, tmp_path: Path, target: str) -> None:
    repo = copy_repo(broken, tmp_path / "repo")
    report = repo.root / "output" / "reports" / f"links-{target}.json"
    written = {}
    for language in ("zh", "en"):
        result = repo.run("--lang", language, "build", "--target", target, "--site", "tjj", "--today", TODAY)
        assert result.exit_code == 1 and ("没有这个页面" in result.stderr) == (language == "zh"), result.stderr
        written[language] = report.read_bytes()
    assert written["zh"] == written["en"]
    reasons = {link["reason"] for link in json.loads(written["en"])["sites"]["tjj"]["broken"]}
    assert {"no such page", "no such file"} <= reasons
    if target == "preview":
        assert "no site at /nosuchsite/" in reasons


def test_the_audit_shows_the_reasons_in_the_readers_language(broken: Repo, tmp_path: Path) -> None:
    repo = copy_repo(broken, tmp_path / "repo")
    for language, reason in (("en", "no such page"), ("zh", "没有这个页面")):
        result = repo.run("--lang", language, "--format", "json", "audit", "--site", "tjj", "--today", TODAY)
        links = next(f for f in json.loads(result.stdout) if f["check"] == "broken-links")
        assert reason in {item["reason"] for item in links["items"]}, links
    row = report_rows(repo.root / "output" / "audit" / "tjj" / "index.html")["broken-links"]
    assert "原因：没有这个页面" in row.text()  # the HTML report is Chinese whatever --lang said
    assert "no such" not in row.text()


def test_every_reason_the_link_check_gives_is_known_to_the_report() -> None:
    """The link check writes its reasons with ``_()``; the report must know each to keep it in English."""
    tree = ast.parse((REPO / "zhanqun" / "links" / "link_check.py").read_text(encoding="utf-8"))
    checker = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "LinkChecker")
    given = {
        call.args[0].value for call in ast.walk(checker)
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "_" and isinstance(call.args[0], ast.Constant)
    }
    assert given == set(REASONS)


@pytest.mark.parametrize("reason", ["no such page", "no site at /x/", "no site at / (each site is a folder of the host)", "site 'tjj' has no output; build it too"])
def test_a_reason_is_stored_in_english_and_shown_translated(reason: str) -> None:
    i18n.use_language("zh")
    translated = shown_reason(reason)
    assert translated != reason and not translated.isascii()
    assert stored_reason(translated) == reason  # what a build in Chinese writes
    i18n.use_language("en")
    assert stored_reason(reason) == shown_reason(reason) == reason
    assert stored_reason("something new") == shown_reason("something new") == "something new"


# --- the HTML report says what each finding was measured on ----------------------------------------


def test_without_a_build_the_report_says_the_pages_were_not_measured(small_cluster: Repo) -> None:
    result = small_cluster.run("audit", "--site", "tjj", "--today", TJJ_TODAY)
    assert result.exit_code == 0, result.output
    rows = report_rows(small_cluster.root / "output" / "audit" / "tjj" / "index.html")
    for check in ("footer-elements", "meta-tags", "images-alt", "validity-labels"):
        row = rows[check]
        status = row.css_first(".status")
        assert "status-unmeasured" in status.attributes["class"] and row.css_first(".caveat").text() == "页面未测量", check
        basis = row.css_first("td.basis").text()
        assert "output/production/tjj" in basis and "measured" not in basis, basis  # in Chinese, like the page
    assert "sites/tjj.toml" in rows["footer-elements"].css_first("td.basis").text()
    links = rows["broken-links"]
    assert links.css_first(".caveat").text() == "未能测量"
    assert "output/reports/links-production.json" in links.css_first("td.basis").text()
    assert "链接报告：output/reports/links-production.json" in links.css_first("ul.items").text()
    page = HTMLParser((small_cluster.root / "output" / "audit" / "tjj" / "index.html").read_text(encoding="utf-8"))
    assert "有 5 项没有按已发布的页面测量" in page.css_first(".verdict-unmeasured").text()
    assert rows["home-updated"].css_first("td.basis").text() == CONTENT_BASIS and rows["home-updated"].css_first(".caveat") is None


def test_after_a_build_the_report_names_the_pages_it_measured(broken: Repo, tmp_path: Path) -> None:
    repo = copy_repo(broken, tmp_path / "repo")
    assert "wrote the HTML report" in repo.run("audit", "--site", "portal", "--today", TODAY).stderr
    rows = report_rows(repo.root / "output" / "audit" / "portal" / "index.html")
    for check in ("footer-elements", "broken-links"):
        assert rows[check].css_first(".caveat") is None and "status-unmeasured" not in rows[check].css_first(".status").attributes["class"]
    assert "output/production/portal" in rows["footer-elements"].css_first("td.basis").text()
    assert "output/reports/links-production.json" in rows["broken-links"].css_first("td.basis").text()


def _item_keys(path: Path) -> set[str]:
    """Keys of the dicts a module builds inside its functions with lower-case keys (the items of its
    findings), and of ``entry["key"] = …``."""
    keys: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value.islower() for k in node.keys):
                keys |= {k.value for k in node.keys}  # type: ignore[union-attr]
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) and isinstance(node.targets[0].slice, ast.Constant):
                keys.add(node.targets[0].slice.value)
    return keys


def test_every_item_key_has_a_chinese_label() -> None:
    keys = _item_keys(REPO / "zhanqun" / "commands" / "audit.py") | _item_keys(REPO / "zhanqun" / "commands" / "audit_output.py")
    assert {"path", "validity", "problem", "src", "line", "report", "reason"} <= keys  # the scan sees them
    assert keys - set(ITEM_FIELDS) == set()
    assert all(not label.isascii() for label in ITEM_FIELDS.values())


# --- dates and text a report must survive -----------------------------------------------------------


def test_the_series_stop_at_the_first_day_of_the_calendar() -> None:
    weeks = quarter(date(1, 3, 1))
    assert weeks[0] == Week(date(1, 1, 1), date(1, 1, 4)) and weeks[-1].end == date(1, 3, 1) and len(weeks) == 9
    assert quarter(date(1, 1, 1)) == [Week(date(1, 1, 1), date(1, 1, 1))]
    assert months(date(1, 3, 1)) == ["0001-01", "0001-02", "0001-03"]
    assert len(quarter(date(9999, 12, 31))) == 13


def test_an_audit_on_the_first_days_of_the_calendar_writes_its_report(small_cluster: Repo) -> None:
    result = small_cluster.run("audit", "--site", "tjj", "--today", "0001-03-01")  # raised OverflowError
    assert "wrote the HTML report: output/audit/index.html" in result.stderr, result.output
    for svg in (small_cluster.root / "output" / "audit").rglob("*.svg"):
        ElementTree.parse(svg)


def test_text_xml_does_not_allow_is_replaced() -> None:
    assert xml_text("工作\uffff动态\x01\x1b\x7f\x85\ufdd0\U0001fffe\ud800") == "工作\ufffd动态" + "\ufffd" * 7
    assert xml_text("a\tb\nc\r𠀀") == "a\tb\nc\r𠀀"
    svg = updates_chart("updates", "近13周\x01", [("工作\uffff动态", [1, 0]), ("通知\x02", [0, 2])], quarter(date(2026, 11, 26), 2), NORMAL)
    root = ElementTree.fromstring(svg)
    assert "工作\ufffd动态" in {node.text for node in root.iter() if node.text}


@pytest.mark.parametrize("name", ["工作\\uFFFF动态", "工作\\u0001动态"])
def test_a_column_name_xml_does_not_allow_never_reaches_a_report(small_cluster: Repo, name: str) -> None:
    """The site file refuses it (located), so no report is drawn from it; the drawing copes anyway (above)."""
    toml = small_cluster.root / "sites" / "tjj.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "工作动态"', f'name = "{name}"'), encoding="utf-8")
    result = small_cluster.run("audit", "--site", "tjj", "--today", TODAY)
    assert result.exit_code == 1
    assert "sites/tjj.toml:" in result.stderr and "control-character" in result.stderr
    assert not (small_cluster.root / "output" / "audit").exists()
