"""Raw HTML in author Markdown: scripts, foreign iframes, event handlers and javascript: links."""

from __future__ import annotations

import pytest
from click.testing import Result
from conftest import Repo, article, problem_lines

from zhanqun.content.html_policy import check_html, strip_code
from zhanqun.errors import Problems


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='[publishing]\niframe_hosts = ["player.xam.gov.cn"]')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    return repo


def lint_body(repo: Repo, body: str, site: str = "portal", **meta: str) -> Result:
    """Write an item whose body starts on line 4, and check the cluster."""
    repo.write(f"content/{site}/zwdt/a.md", article("春耕生产", body=body, **meta))
    return repo.run("check")


def test_script_tag_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "第一段。\n\n<script>alert('x')</script>")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/a.md:6: html-script: <script> is not allowed in content; scripts belong in the theme"]


def test_script_tag_in_any_case_inside_other_html_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "<div class=\"box\">\n<p>说明</p>\n<SCRIPT SRC=\"https://x.example/a.js\"></SCRIPT>\n</div>")
    assert result.exit_code == 1
    assert problem_lines(result, "html-script")[0].startswith("content/portal/zwdt/a.md:6: html-script:")


def test_iframe_from_a_host_not_in_the_site_file_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "视频：\n\n<iframe src=\"https://v.example.com/embed/1\"></iframe>")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "content/portal/zwdt/a.md:6: html-iframe: <iframe> from 'v.example.com' is not allowed on this site; add the host to [publishing] iframe_hosts in the site file (allowed: player.xam.gov.cn)"
    ]


def test_iframe_from_an_allowed_host_passes(cluster: Repo) -> None:
    result = lint_body(cluster, "视频：\n\n<iframe src=\"https://player.xam.gov.cn/embed/1\" title=\"视频\"></iframe>")
    assert result.exit_code == 0, result.stderr


def test_iframe_hosts_are_per_site(cluster: Repo) -> None:
    result = lint_body(cluster, "<iframe src=\"https://player.xam.gov.cn/embed/1\"></iframe>", site="ulanhot")
    assert result.exit_code == 1
    assert problem_lines(result, "html-iframe")[0].startswith("content/ulanhot/zwdt/a.md:4: html-iframe: <iframe> from 'player.xam.gov.cn' is not allowed on this site")
    assert "(allowed: none yet)" in result.stderr


def test_protocol_relative_iframe_is_checked_by_host(cluster: Repo) -> None:
    result = lint_body(cluster, "<iframe src=\"//v.example.com/embed/1\"></iframe>")
    assert result.exit_code == 1
    assert problem_lines(result, "html-iframe")[0].startswith("content/portal/zwdt/a.md:4: html-iframe: <iframe> from 'v.example.com'")


def test_event_handler_attribute_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "图片：\n<img src=\"{static}/files/map.png\" alt=\"地图\"\n     onerror=\"steal()\">")
    assert result.exit_code == 1
    assert "content/portal/zwdt/a.md:5: html-event-handler: <img onerror=…>: event-handler attributes run scripts and are not allowed" in problem_lines(result)


def test_javascript_url_in_html_is_located_even_when_disguised(cluster: Repo) -> None:
    result = lint_body(cluster, "点击\n<a href=\"JaVa&#x09;ScRiPt:alert(1)\">这里</a>")
    assert result.exit_code == 1
    assert problem_lines(result, "html-javascript-url")[0].startswith("content/portal/zwdt/a.md:5: html-javascript-url: <a href=")


def test_javascript_url_in_a_markdown_link_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "第一段。\n\n[办事指南](javascript:alert(1))")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/a.md:6: html-javascript-url: link to 'javascript:alert(1)': javascript: addresses are not allowed"]


def test_javascript_url_in_a_reference_link_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "见[指南][g]。\n\n[g]: javascript:alert(1)")
    assert result.exit_code == 1
    assert problem_lines(result, "html-javascript-url")[0].startswith("content/portal/zwdt/a.md:6: html-javascript-url:")


def test_script_in_a_header_value_is_located(cluster: Repo) -> None:
    result = lint_body(cluster, "正文。", Source="<script>x()</script>兴安日报")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/portal/zwdt/a.md:3: html-script: <script> is not allowed in content; scripts belong in the theme"]


def test_code_blocks_and_spans_showing_html_are_not_errors(cluster: Repo) -> None:
    body = "在网页中插入 `<script>` 标签的示例：\n\n```\n<script src=\"a.js\"></script>\n<a href=\"javascript:void(0)\" onclick=\"x()\">x</a>\n```\n\n完。"
    result = lint_body(cluster, body)
    assert result.exit_code == 0, result.stderr


def test_unclosed_fence_does_not_hide_a_script(cluster: Repo) -> None:
    result = lint_body(cluster, "```\n<script>x()</script>")
    assert result.exit_code == 1
    assert problem_lines(result, "html-script")[0].startswith("content/portal/zwdt/a.md:5: html-script:")


def test_backticks_inside_raw_html_do_not_hide_a_script(cluster: Repo) -> None:
    result = lint_body(cluster, "第一段。\n\n<div>`<script>x()</script>`</div>")
    assert result.exit_code == 1
    assert problem_lines(result, "html-script")[0].startswith("content/portal/zwdt/a.md:6: html-script:")


def test_ordinary_html_passes(cluster: Repo) -> None:
    body = '<table class="data"><tr><th>指标</th><td>100</td></tr></table>\n\n<a href="https://www.gov.cn/" target="_blank">中国政府网</a>'
    result = lint_body(cluster, body)
    assert result.exit_code == 0, result.stderr


def test_policy_errors_fail_the_build(cluster: Repo) -> None:
    cluster.write("content/portal/zwdt/a.md", article("春耕生产", body="<script>x()</script>"))
    result = cluster.run("build")
    assert result.exit_code == 1
    assert "content/portal/zwdt/a.md:4: html-script:" in result.stderr
    assert not cluster.out().exists()


def test_strip_code_keeps_lines_and_columns() -> None:
    text = "a `<b>` c\n```\n<script>\n```\nd"
    stripped = strip_code(text)
    assert len(stripped) == len(text) and stripped.count("\n") == text.count("\n")
    assert "<script>" not in stripped and "<b>" not in stripped and stripped.endswith("d")


def test_iframe_srcdoc_is_refused() -> None:
    problems = Problems()
    check_html('<iframe srcdoc="<p>x</p>"></iframe>', 10, "x.md", (), problems)
    assert [(p.line, p.code) for p in problems] == [(10, "html-iframe")]


@pytest.mark.parametrize(
    "tag",
    [
        '<meta http-equiv="refresh" content="0;url=https://example.com/">',
        '<base href="https://example.com/">',
        '<form action="https://example.com/collect"><input name="id"></form>',
        '<embed src="https://example.com/x.swf">',
        '<object data="https://example.com/x.swf"></object>',
        '<link rel="stylesheet" href="https://example.com/x.css">',
    ],
)
def test_tags_that_redirect_post_or_embed_are_refused(cluster: Repo, tag: str) -> None:
    result = lint_body(cluster, f"第一段。\n\n{tag}")
    assert result.exit_code == 1
    lines = problem_lines(result, "html-tag")
    assert len(lines) == 1
    assert lines[0].startswith("content/portal/zwdt/a.md:6: html-tag: <")
    assert lines[0].endswith("it is not allowed in content")
