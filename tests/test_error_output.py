"""Error output: every problem as path:line: code: message, all at once, grouped per file; JSON for CI."""

from __future__ import annotations

import json

import pytest
from conftest import Repo, article, problem_lines


@pytest.fixture
def broken(repo: Repo) -> Repo:
    """Two sites, mistakes in three files of both."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/ulanhot/zwdt/b.md", "Title: 洮儿河治理\nDate: 2026年4月1日\n\n<iframe src=\"https://x.example/\"></iframe>\n")
    repo.write("content/portal/zwdt/a.md", "Title: 春耕\nStatus：draft\nDate: 2026-03-01\n\n正文。\n")
    repo.write("content/portal/tzgg/c.md", "Title: 通知\n\n")
    repo.write("content/portal/zwdt/gbk.md", article("用GBK保存的通知").encode("gbk"))
    return repo


EXPECTED = [
    ("content/portal/tzgg/c.md", 1, "missing-key"),
    ("content/portal/tzgg/c.md", 2, "empty-body"),
    ("content/portal/zwdt/a.md", 2, "wide-colon"),
    ("content/portal/zwdt/gbk.md", None, "encoding"),
    ("content/ulanhot/zwdt/b.md", 2, "bad-value"),
    ("content/ulanhot/zwdt/b.md", 4, "html-iframe"),
]


def test_every_problem_is_listed_at_once_grouped_per_file(broken: Repo) -> None:
    result = broken.run("build")
    assert result.exit_code == 1
    lines = problem_lines(result)
    located = [(line.split(": ")[0], line.split(": ")[1]) for line in lines]
    assert located == [
        ("content/portal/tzgg/c.md:1", "missing-key"),
        ("content/portal/tzgg/c.md:2", "empty-body"),
        ("content/portal/zwdt/a.md:2", "wide-colon"),
        ("content/portal/zwdt/gbk.md", "warning"),
        ("content/ulanhot/zwdt/b.md:2", "bad-value"),
        ("content/ulanhot/zwdt/b.md:4", "html-iframe"),
    ]
    assert result.stderr.rstrip().splitlines()[-1] == "failed: 5 error(s), 1 warning(s); nothing was written"
    assert not broken.out().exists()


def test_check_lists_the_same_problems(broken: Repo) -> None:
    result = broken.run("check")
    assert result.exit_code == 1
    assert len(problem_lines(result)) == len(EXPECTED)


def test_json_format_gives_file_line_code_message(broken: Repo) -> None:
    result = broken.run("--format", "json", "check")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["file"], p["line"], p["code"]) for p in problems] == EXPECTED
    first = problems[0]
    assert first == {
        "file": "content/portal/tzgg/c.md",
        "path": "content/portal/tzgg/c.md",
        "line": 1,
        "code": "missing-key",
        "message": "missing 'Date:' header line (every item needs Title and Date)",
        "severity": "error",
    }
    assert problems[3]["severity"] == "warning"


def test_json_format_of_a_clean_check_is_an_empty_list(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产"))
    result = repo.run("--format", "json", "check")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_warnings_alone_do_not_fail(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("用GBK保存的通知", Slug="gbk").encode("gbk"))
    result = repo.run("check")
    assert result.exit_code == 0
    assert problem_lines(result) == ["content/portal/zwdt/a.md: warning: encoding: read as GBK/GB18030; please save the file as UTF-8"]
