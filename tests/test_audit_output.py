"""`build.py audit` on what readers get: the last production build's link report and pages.

A fixture cluster is built for production twice: once with a county whose theme override drops a
footer element, an article meta tag and the 失效 label and shows a picture without alt text (the
build passes: nothing else checks these), then with a link into the portal that leads nowhere (the
build fails, the pages of the first build stay online, and the link report names the link).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Repo, article, copy_repo, document, new_repo, site_toml

from zhanqun.links.link_check import BrokenLink, LinkReport, SiteLinks
from zhanqun.links.link_report import SiteReport, StoredReport, encode, merged

TODAY = "2026-11-26"
REPORT = "output/reports/links-production.json"
COLUMNS = (("zwdt", "政务动态", "news"), ("zfwj", "政府文件", "document"))

#: The county's footer: the shared one without the 公安机关备案号, and with a picture without alt text.
FOOTER = """{% extends "!theme/base.html" %}
{% block footer %}
<div class="container footer-info">
  <p>主办单位：{{ site.footer.sponsor }} 联系方式：{{ site.footer.contact }}</p>
  <p>网站标识码：{{ site.sitecode }} <a href="https://beian.miit.gov.cn/">{{ site.footer.icp }}</a></p>
  <p><span class="dzjg-mark" role="img" aria-label="党政机关网站标识">党政机关</span>
  <a href="https://zfwzzc.www.gov.cn/">我为政府网站找错</a> <img src="{{ SITEURL }}/theme/images/emblem.svg">{BROKEN}</p>
</div>
{% endblock %}
"""
#: A link into the portal that leads nowhere: the second build fails on it.
BROKEN_LINK = '<a href="https://www.xam.gov.cn/zwdt/gone.html">旧稿件</a>'


def audit(repo: Repo, *args: str) -> tuple[int, dict[tuple[str, str], dict]]:
    result = repo.run("--format", "json", "audit", "--today", TODAY, *args)
    return result.exit_code, {(f["site"], f["check"]): f for f in json.loads(result.stdout)}


def fill(repo: Repo) -> Repo:
    """A portal with a 废止 document, a county with a 失效 one, its [audit] limit of broken links at 3."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=COLUMNS, extra='[theme]\nlogo = "images/emblem.svg"\n')
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署冬季供暖工作", "2026-11-20", Slug="heating"))
    repo.write("content/portal/zfwj/old.md", document("兴安盟城市供热管理办法", "2019-09-01", "11152200MB0000000X/2019-00021", "兴署发〔2019〕21号", Slug="heating-2019", Validity="废止", Validity_Date="2025-10-01"))
    repo.site("tuquan", "突泉县人民政府", url="https://www.tuquan.gov.cn/", columns=COLUMNS, extra="[audit]\nbroken_links = 3\n")
    repo.write("content/tuquan/zwdt/a.md", article("突泉县部署冬季清雪", "2026-11-20", Slug="snow"))
    repo.write("content/tuquan/zfwj/old.md", document("突泉县农村饮水工程管理办法", "2020-05-01", "11152200MB0000000X/2020-00003", "突政发〔2020〕3号", Slug="water-2020", Validity="失效", Validity_Date="2025-05-01"))
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Built for production with the county's overrides, then a second build that failed on a link."""
    repo = fill(new_repo(tmp_path_factory.mktemp("audit-output") / "repo"))
    repo.write("themes/tuquan/templates/base.html", FOOTER.replace("{BROKEN}", ""))
    repo.write("themes/tuquan/templates/article.html", '{% extends "!theme/article.html" %}\n{% block meta %}<meta name="ArticleTitle" content="{{ article.title }}">{% endblock %}\n')
    repo.write("themes/tuquan/templates/partials/validity-banner.html", "{# this county shows no banner #}\n")
    first = repo.run("build", "--target", "production", "--today", TODAY)
    assert first.exit_code == 0, first.output
    repo.write("themes/tuquan/templates/base.html", FOOTER.replace("{BROKEN}", BROKEN_LINK))
    second = repo.run("build", "--target", "production", "--today", TODAY)
    assert second.exit_code == 1 and "dead-link" in second.stderr, second.output
    return repo


@pytest.fixture(scope="module")
def found(built: Repo) -> dict[tuple[str, str], dict]:
    return audit(built)[1]


def tuquan_pages(repo: Repo) -> list[str]:
    folder = repo.out("tuquan", target="production")
    return sorted(f"output/production/tuquan/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*.html") if not p.relative_to(folder).as_posix().startswith(("theme/", "files/")))


# --- the link report ----------------------------------------------------------------------------


def test_a_build_that_fails_on_a_link_writes_the_link_report_outside_every_site(built: Repo) -> None:
    path = built.root / REPORT
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["target"], data["output"]) == ("production", "output/production")
    tuquan = data["sites"]["tuquan"]
    assert tuquan["published"] is False and tuquan["pages"] > 0  # the failed build's pages never went online
    assert {(b["href"], b["reason"], b["origin"]) for b in tuquan["broken"]} == {("https://www.xam.gov.cn/zwdt/gone.html", "no such page", "templates")}
    assert data["sites"]["portal"]["broken"] == []
    # beside the output, never in a folder a deploy uploads or the leak gate reads
    assert not any(p.name.startswith("links-") for p in built.out(target="production").rglob("*"))


def test_the_link_report_is_the_same_bytes_for_the_same_build(built: Repo, tmp_path: Path) -> None:
    repo = copy_repo(built, tmp_path / "repo")
    before = (repo.root / REPORT).read_bytes()
    assert repo.run("build", "--target", "production", "--today", TODAY).exit_code == 1
    assert (repo.root / REPORT).read_bytes() == before
    text = before.decode("utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_a_build_of_some_sites_keeps_the_others_entries() -> None:
    old = StoredReport("production", "output/production", {
        "portal": SiteReport(True, 6, 100, (BrokenLink("index.html", "href", "/x", "no such page", "dead-link", "templates"),)),
        "gone": SiteReport(True, 1, 1),
    })
    now = LinkReport(sites={"tuquan": SiteLinks(5, 50, [BrokenLink("b.html", "src", "/y", "no such file", "dead-link", "content/tuquan/zwdt/a.md")] * 2)})
    kept = merged(now, "production", "output/production", True, ["portal", "tuquan"], old)
    assert list(kept.sites) == ["portal", "tuquan"]  # a site no longer in the cluster is dropped
    assert kept.sites["portal"] == old.sites["portal"] and len(kept.sites["tuquan"].broken) == 1
    other = merged(now, "production", "/srv/www", True, ["portal", "tuquan"], old)
    assert list(other.sites) == ["tuquan"]  # another output folder's entries say nothing about this one
    assert encode(kept) == encode(merged(now, "production", "output/production", True, ["tuquan", "portal"], old))


def test_broken_links_are_named_by_page_and_address(built: Repo, found: dict[tuple[str, str], dict]) -> None:
    links = found[("tuquan", "broken-links")]
    pages = tuquan_pages(built)
    assert (links["status"], links["value"], links["limit"], links["veto"]) == ("fail", len(pages), 3, False)
    assert sorted(i["path"] for i in links["items"]) == pages  # a template link: on every page
    assert {(i["href"], i["reason"], i["from"]) for i in links["items"]} == {("https://www.xam.gov.cn/zwdt/gone.html", "no such page", "templates")}
    assert "the last production build of this site failed" in links["basis"]
    portal = found[("portal", "broken-links")]
    assert (portal["status"], portal["value"], portal["limit"], portal["items"]) == ("pass", 0, 10, [])


def test_broken_links_warn_below_the_limit(built: Repo, tmp_path: Path) -> None:
    repo = copy_repo(built, tmp_path / "repo")
    repo.write("sites/tuquan.toml", site_toml("tuquan", "突泉县人民政府", url="https://www.tuquan.gov.cn/", columns=COLUMNS))
    links = audit(repo, "--site", "tuquan")[1][("tuquan", "broken-links")]
    assert (links["status"], links["limit"]) == ("warn", 10) and 0 < links["value"] < 10


# --- the pages ----------------------------------------------------------------------------------


def test_a_footer_element_missing_is_named_on_every_page(built: Repo, found: dict[tuple[str, str], dict]) -> None:
    footer = found[("tuquan", "footer-elements")]
    pages = tuquan_pages(built)
    assert (footer["status"], footer["value"], footer["veto"]) == ("fail", len(pages), False)
    assert {i["path"]: i["missing"] for i in footer["items"]} == {page: "公安机关备案号" for page in pages}
    assert footer["basis"] == f"measured on the {len(pages)} pages of the last production build in output/production/tuquan"
    assert (found[("portal", "footer-elements")]["status"], found[("portal", "footer-elements")]["value"]) == ("pass", 0)


def test_article_pages_without_their_meta_tags_are_named(found: dict[tuple[str, str], dict]) -> None:
    meta = found[("tuquan", "meta-tags")]
    assert (meta["status"], meta["value"]) == ("warn", 2)
    assert {i["path"]: i["missing"] for i in meta["items"]} == {
        "output/production/tuquan/zwdt/snow.html": "ColumnName, ColumnType, PubDate, ContentSource",
        "output/production/tuquan/zfwj/water-2020.html": "ColumnName, ColumnType, PubDate, ContentSource",
    }
    assert found[("portal", "meta-tags")]["status"] == "pass"


def test_images_without_alt_text_are_counted(built: Repo, found: dict[tuple[str, str], dict]) -> None:
    images = found[("tuquan", "images-alt")]
    pages = tuquan_pages(built)
    assert (images["status"], images["value"]) == ("warn", len(pages))
    assert {i["src"] for i in images["items"]} == {"https://www.tuquan.gov.cn/theme/images/emblem.svg"}
    assert found[("portal", "images-alt")]["status"] == "pass"  # the logo beside the site name needs none


def test_repealed_and_expired_documents_carry_their_label(found: dict[tuple[str, str], dict]) -> None:
    portal = found[("portal", "validity-labels")]
    assert (portal["status"], portal["value"]) == ("pass", 1)
    assert portal["items"] == [{"path": "content/portal/zfwj/old.md", "title": "兴安盟城市供热管理办法", "validity": "废止", "page": "output/production/portal/zfwj/heating-2019.html"}]
    tuquan = found[("tuquan", "validity-labels")]
    assert (tuquan["status"], tuquan["value"]) == ("warn", 1)
    assert tuquan["items"][0]["path"] == "content/tuquan/zfwj/old.md" and tuquan["items"][0]["problem"] == "the page shows no “已失效” label"


def test_the_text_report_says_what_each_item_was_measured_on(built: Repo) -> None:
    result = built.run("audit", "--today", TODAY, "--site", "tuquan")
    assert "  fail  footer-elements             " in result.stdout
    assert "        measured on the link report output/reports/links-production.json: the last production build of this site failed" in result.stdout
    assert "output/production/tuquan/index.html 公安机关备案号" in result.stdout


# --- without a build, and every way the evidence can be wrong --------------------------------------


@pytest.fixture
def unbuilt(repo: Repo) -> Repo:
    return fill(repo)


def test_without_a_production_build_the_site_file_and_content_are_measured(unbuilt: Repo) -> None:
    code, found = audit(unbuilt)
    links = found[("tuquan", "broken-links")]
    assert (links["status"], links["value"], links["limit"]) == ("warn", None, 3)
    assert links["basis"] == f"no link report yet: run build --target production (it writes {REPORT})"
    footer = found[("tuquan", "footer-elements")]
    assert (footer["status"], footer["value"]) == ("pass", 0) and footer["basis"].startswith("measured on the site file sites/tuquan.toml: there is no production build")
    labels = found[("portal", "validity-labels")]
    assert (labels["status"], labels["value"]) == ("pass", 1) and labels["basis"].startswith("measured on the content:")
    assert code == 0  # warnings stop no deploy


@pytest.mark.parametrize(
    "text, reason",
    [
        ("{not json", "it is not JSON ("),
        (b"\xff\xfe{}", "it is not UTF-8 text"),
        ("[]", "it is not a link report zhanqun wrote: the file should be an object"),
        ('{"format": 9}', "it is not a link report of this version of zhanqun (format 9, expected 1)"),
        ('{"format": 1, "target": "production", "output": "output/production", "sites": {"tuquan": {"published": "no", "pages": 1, "links": 1, "broken": []}}}',
         "it is not a link report zhanqun wrote: sites.tuquan.published should be true or false"),
        ('{"format": 1, "target": "production", "output": "output/production", "sites": {"tuquan": {"published": true, "pages": 1, "links": 1, "broken": [{"page": 3}]}}}',
         "it is not a link report zhanqun wrote: sites.tuquan.broken[0].page should be a string"),
    ],
)
def test_a_corrupt_link_report_is_a_finding_not_a_traceback(unbuilt: Repo, text: str | bytes, reason: str) -> None:
    unbuilt.write(REPORT, text)
    links = audit(unbuilt, "--site", "tuquan")[1][("tuquan", "broken-links")]
    assert (links["status"], links["value"]) == ("warn", None)
    assert links["basis"].startswith(f"the link report {REPORT} cannot be used: {reason}")
    assert links["basis"].endswith("; run build --target production to write it again")
    assert links["items"] == [{"report": REPORT}]  # "report", not "path": it is the file the audit wanted to read


def test_an_unreadable_link_report_is_a_finding(unbuilt: Repo) -> None:
    (unbuilt.root / REPORT).mkdir(parents=True)  # a folder where the file should be
    links = audit(unbuilt, "--site", "tuquan")[1][("tuquan", "broken-links")]
    assert links["status"] == "warn" and links["basis"].startswith(f"the link report {REPORT} cannot be used: it cannot be read: ")


def test_a_link_report_of_another_folder_or_without_the_site_measures_nothing(unbuilt: Repo) -> None:
    report = {"format": 1, "target": "production", "output": "/srv/www", "sites": {"tuquan": {"published": True, "pages": 1, "links": 1, "broken": []}}}
    unbuilt.write(REPORT, json.dumps(report))
    links = audit(unbuilt, "--site", "tuquan")[1][("tuquan", "broken-links")]
    assert (links["status"], links["value"]) == ("warn", None)
    assert links["basis"] == f"the link report {REPORT} describes the build in /srv/www, not output/production; run build --target production"
    unbuilt.write(REPORT, json.dumps(report | {"output": "output/production"}))
    links = audit(unbuilt, "--site", "portal")[1][("portal", "broken-links")]
    assert links["basis"].startswith(f"the link report {REPORT} has no entry for this site: the last production build did not include it")


def test_a_page_missing_or_unreadable_in_the_output_is_named(built: Repo, tmp_path: Path) -> None:
    repo = copy_repo(built, tmp_path / "repo")
    page = repo.out("tuquan", "zfwj", "water-2020.html", target="production")
    page.unlink()
    (page.parent / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    found = audit(repo, "--site", "tuquan")[1]
    labels = found[("tuquan", "validity-labels")]
    assert labels["status"] == "warn" and labels["items"][0]["problem"] == "no such page in the last production build; build again"
    unreadable = [i for i in found[("tuquan", "footer-elements")]["items"] if i["path"].endswith("dangling.html")]
    assert len(unreadable) == 1 and unreadable[0]["missing"].startswith("the page cannot be read: ")


def test_no_link_report_is_written_into_a_published_folder(unbuilt: Repo) -> None:
    """``--out output``: the sites are output/<id>/, so output/reports/ would sit among them."""
    result = unbuilt.run("build", "--out", str(unbuilt.root / "output"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert not (unbuilt.root / "output" / "reports").exists()
    assert "output/reports/links-preview.json: warning: write-failed: the link report was not written: it would lie inside the output folder output" in result.stderr


def test_a_link_report_that_cannot_be_written_is_a_warning(unbuilt: Repo, tmp_path: Path) -> None:
    unbuilt.write("output/reports", "a file where the reports folder should be")
    result = unbuilt.run("build", "--today", TODAY)
    assert result.exit_code == 0, result.output  # the build's own result stands
    assert "output/reports/links-preview.json: warning: write-failed: the link report was not written: " in result.stderr
    (unbuilt.root / "output" / "reports").unlink()
    (unbuilt.root / "output" / "reports").mkdir()
    (unbuilt.root / "output" / "reports" / "links-preview.json").symlink_to(tmp_path / "elsewhere.json")
    result = unbuilt.run("build", "--today", TODAY)
    assert "warning: write-failed: the link report was not written: 'links-preview.json' is a symbolic link" in result.stderr
    assert not (tmp_path / "elsewhere.json").exists()  # never written through a link
