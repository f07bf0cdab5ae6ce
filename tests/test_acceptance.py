"""Acceptance review: mistakes of authors, webmasters and CI that once slipped through.

Each test is one mistake an office worker or webmaster really makes, and what the build must
say: a located error with an actionable message and exit status 1 (or 2 for usage), never a
traceback, a silently missing page, a leak or lost sources.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Repo, article, problem_lines


def one_site(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring"))
    return repo


# --- CI and usage: --out must never point at the sources -------------------------------------


@pytest.mark.parametrize("folder", ["content", "sites", "themes", "."])
def test_build_out_into_the_sources_is_a_usage_error_and_keeps_them(repo: Repo, folder: str) -> None:
    one_site(repo)
    result = repo.run("build", "--out", str(repo.root / folder))
    assert result.exit_code == 2
    assert "--out" in result.stderr and "sources" in result.stderr
    assert (repo.root / "content/portal/zwdt/a.md").is_file()
    assert (repo.root / "sites/portal.toml").is_file()
    assert not (repo.root / folder / "portal" / "index.html").exists()


# --- authors: symbolic links -------------------------------------------------------------------


def test_dangling_symlink_in_a_column_is_a_located_error(repo: Repo) -> None:
    one_site(repo)
    os.symlink("gone.md", repo.root / "content/portal/zwdt/moved.md")
    result = repo.run("check")
    assert result.exit_code == 1
    assert any(line.startswith("content/portal/zwdt/moved.md: broken-symlink: ") and "gone.md" in line for line in problem_lines(result))


def test_symlinked_attachment_from_outside_the_repository_is_an_error_not_published(repo: Repo, tmp_path: Path) -> None:
    one_site(repo)
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not for the web", encoding="utf-8")
    (repo.root / "content/portal/files").mkdir(parents=True)
    os.symlink(secret, repo.root / "content/portal/files/notes.txt")
    result = repo.run("check")
    assert result.exit_code == 1
    assert any(line.startswith("content/portal/files/notes.txt: link-outside: ") for line in problem_lines(result))


def test_symlinked_content_file_from_outside_the_repository_is_an_error(repo: Repo, tmp_path: Path) -> None:
    one_site(repo)
    outside = tmp_path / "draft.md"
    outside.write_text(article("尚未审核的稿件标题"), encoding="utf-8")
    os.symlink(outside, repo.root / "content/portal/zwdt/draft.md")
    result = repo.run("check")
    assert result.exit_code == 1
    assert any(line.startswith("content/portal/zwdt/draft.md: link-outside: ") for line in problem_lines(result))


def test_symlink_inside_the_repository_is_read(repo: Repo) -> None:
    one_site(repo)
    repo.write("content/portal/tzgg/b.md", article("关于清明节放假的通知", Slug="qingming"))
    os.symlink("../tzgg/b.md", repo.root / "content/portal/zwdt/b.md")
    result = repo.run("check")
    assert not [line for line in problem_lines(result) if "symlink" in line or "link-outside" in line]


# --- authors: link syntax in the wrong case ------------------------------------------------------


@pytest.mark.parametrize("written", ["{fileName}a.md", "{STATIC}/files/map.png"])
def test_link_kind_in_the_wrong_case_is_a_located_error_in_check(repo: Repo, written: str) -> None:
    one_site(repo)
    repo.write("content/portal/tzgg/b.md", article("关于清明节放假的通知", body=f"见[此处]({written})。"))
    result = repo.run("check")
    assert result.exit_code == 1
    lines = problem_lines(result, "broken-link")
    assert lines and lines[0].startswith("content/portal/tzgg/b.md:4: ") and "did you mean" in lines[0]


# --- authors: a folder named in Chinese ----------------------------------------------------------


def test_folder_named_like_a_column_in_chinese_suggests_the_column_id(repo: Repo) -> None:
    one_site(repo)
    repo.write("content/portal/政务动态/b.md", article("兴安盟召开会议"))
    result = repo.run("check")
    assert result.exit_code == 1
    line = next(line for line in problem_lines(result, "unknown-column"))
    assert "content/portal/zwdt/" in line and "id = '政务动态'" not in line


# --- webmasters: mistakes in a template override ---------------------------------------------------


def _override(repo: Repo, text: str) -> None:
    one_site(repo)
    repo.write("themes/portal/templates/base.html", text)


def test_template_syntax_error_is_located_in_the_override(repo: Repo) -> None:
    _override(repo, '{% extends "!theme/base.html" %}\n{% block header_extra %}{% if %}{% endblock %}\n')
    result = repo.run("build")
    assert result.exit_code == 1
    assert any(line.startswith("themes/portal/templates/base.html:2: template-error: ") for line in problem_lines(result))


def test_override_that_extends_itself_says_to_extend_the_shared_theme(repo: Repo) -> None:
    _override(repo, '{% extends "base.html" %}\n{% block header_extra %}x{% endblock %}\n')
    result = repo.run("build")
    assert result.exit_code == 1
    lines = problem_lines(result, "template-error")
    assert lines and lines[0].startswith("themes/portal/templates/base.html") and '!theme/base.html' in lines[0]
    assert "RecursionError" not in result.stderr


def test_template_that_includes_a_missing_file_is_a_template_error_at_its_line(repo: Repo) -> None:
    _override(repo, '{% extends "!theme/base.html" %}\n\n{% block header_extra %}{% include "motto.html" %}{% endblock %}\n')
    result = repo.run("build")
    assert result.exit_code == 1
    lines = problem_lines(result, "template-error")
    assert lines and lines[0].startswith("themes/portal/templates/base.html:3: ") and "motto.html" in lines[0]
    assert not problem_lines(result, "write-failed")


def test_runtime_error_in_a_template_is_located_at_its_line(repo: Repo) -> None:
    _override(repo, '{% extends "!theme/base.html" %}\n{% block header_extra %}\n{{ 1 // 0 }}{% endblock %}\n')
    result = repo.run("build")
    assert result.exit_code == 1
    lines = problem_lines(result, "template-error")
    assert lines and lines[0].startswith("themes/portal/templates/base.html:3: ") and "ZeroDivisionError" in lines[0]
