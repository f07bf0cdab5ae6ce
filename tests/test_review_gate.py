"""The review gate: on sites with require_review, published items carry Reviewed-By and Approved-By."""

from __future__ import annotations

import pytest
from conftest import Repo, article, new_repo, problem_lines

REVIEW = '[publishing]\nrequire_review = true'


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra=REVIEW)
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    return repo


def test_item_without_review_record_is_refused_at_its_title(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产"))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "content/portal/zwdt/a.md:1: missing-review: this site publishes only reviewed items (require_review): add 'Reviewed-By:' and 'Approved-By:' with the names of the reviewer (审核) and approver (签发), or set 'Status: draft'"
    ]


def test_item_without_approver_names_only_the_missing_key(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Reviewed_By="李审"))
    result = cluster.run("build")
    assert result.exit_code == 1
    assert problem_lines(result, "missing-review")[0].startswith("content/portal/zwdt/a.md:1: missing-review: this site publishes only reviewed items (require_review): add 'Approved-By:' with")
    assert not cluster.out().exists()


def test_empty_review_value_counts_as_missing(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", "Title: 兴安盟部署春季农业生产\nDate: 2026-03-01\nReviewed-By:\nApproved-By: 张签\n\n正文。\n")
    result = cluster.run("check")
    assert result.exit_code == 1
    assert "add 'Reviewed-By:' with" in problem_lines(result, "missing-review")[0]


def test_reviewed_and_approved_item_passes(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Reviewed_By="李审", Approved_By="张签"))
    assert cluster.run("check").exit_code == 0


def test_approver_must_not_be_the_reviewer(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Reviewed_By="李审", Approved_By="李审"))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "content/portal/zwdt/a.md:4: review-same-person: Approved-By names the reviewer again; the approver (签发) must be another person than the reviewer (审核)"
    ]


def test_drafts_need_no_review(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Status="draft"))
    assert cluster.run("check").exit_code == 0


def test_internal_and_hidden_items_need_review_too(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("内部通报", Visibility="internal"))
    cluster.write("content/portal/zwdt/b.md", article("隐藏页面", Status="hidden"))
    result = cluster.run("check")
    assert [line.split(": ")[0] for line in problem_lines(result, "missing-review")] == ["content/portal/zwdt/a.md:1", "content/portal/zwdt/b.md:1"]


def test_sites_without_require_review_publish_unreviewed_items(cluster: Repo) -> None:
    cluster.write("content/ulanhot/zwdt/a.md", article("乌兰浩特市推进洮儿河治理"))
    assert cluster.run("check").exit_code == 0


def test_item_syndicated_into_a_reviewing_site_needs_review(cluster: Repo) -> None:
    cluster.write("content/ulanhot/zwdt/a.md", article("乌兰浩特市推进洮儿河治理", Syndicate="portal"))
    result = cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result, "missing-review")[0].startswith("content/ulanhot/zwdt/a.md:1: missing-review: site 'portal' publishes only reviewed items")


# --- the names never reach any output -------------------------------------------------------

REVIEWER, APPROVER = "甄审核员", "贾签发人"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A reviewing cluster built for every target (once for this module)."""
    repo = new_repo(tmp_path_factory.mktemp("review") / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra=REVIEW)
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='intranet_url = "http://wlht.zw.xam/"')
    names = {"Reviewed_By": REVIEWER, "Approved_By": APPROVER}
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring", Syndicate="ulanhot", **names))
    repo.write("content/portal/zwdt/b.md", article("盟直机关内部通报", Slug="internal-note", Visibility="internal", **names))
    repo.write("content/portal/tzgg/c.md", article("关于清明节放假的通知", Slug="qingming", Status="hidden", Summary="放假安排", **names))
    for target in ("preview", "production", "intranet"):
        result = repo.run("build", "--target", target)
        assert result.exit_code == 0, result.stderr
    return repo


@pytest.mark.parametrize("target", ["preview", "production", "intranet"])
def test_review_names_never_appear_in_any_output(built: Repo, target: str) -> None:
    files = [p for p in built.out(target=target).rglob("*") if p.is_file()]
    assert any(p.name == "spring.html" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for needle in (REVIEWER, APPROVER, "reviewed_by", "approved_by", "Reviewed-By", "Approved-By"):
            assert needle not in text, f"{needle} in {path}"


def test_intranet_output_has_the_reviewed_internal_item(built: Repo) -> None:
    assert "盟直机关内部通报" in built.html("portal", "zwdt", "internal-note.html", target="intranet")
