"""``html_policy.may_need_sanitising`` lets a text skip the check's render only where rendering
could not give the sanitiser anything to take out. Held here to the real thing: random Markdown
made of the pieces authors write (links and reference definitions to every kind of address,
footnotes, headings, tables, emphasis, colons in prose, control characters) is rendered and
sanitised whenever the shortcut says it need not be, and nothing may be removed.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zhanqun.content.html_policy import check_rendered_html, may_need_sanitising
from zhanqun.content.markdown_render import MarkdownRenderer
from zhanqun.content.sanitize import THEME_IDS, Policy, removed
from zhanqun.errors import Problems

RENDERER = MarkdownRenderer()
POLICY = Policy.of((), unresolved_links=True)

SCHEMES = ["", "site:", "http://", "https://", "HTTPS://", "mailto:", "tel:", "ftp://", "javascript:", "JavaScript:", "vbscript:", "data:", "data:text/html,", "blob:", "file:", "java\x01script:", "java\tscript:", " javascript:", "//", "#", "../", "x-y.z+w:"]
WORDS = ["通知", "公告", "兴安盟", "乌兰浩特市", "Note:", "时间:10:30", "main", "Main", "letter body", "Letter_Body", "a11y panel", "ＭＡＩＮ", "domain", "related title", "政策", "2025", "\x0b", "\x7f", "\u212aey"]


@st.composite
def addresses(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(["a/b.md", "example.gov.cn/x", "alert(1)", "123", "image/png;base64,AAAA", "x.html#top", ""]))


@st.composite
def pieces(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    word = draw(st.sampled_from(WORDS))
    if kind == 0:
        return f"[{word}]({draw(addresses())})"
    if kind == 1:
        return f"![{word}]({draw(addresses())})"
    if kind == 2:
        return f"\n\n[{word}]: {draw(addresses())}\n\n[{word}][{word}]"
    if kind == 3:
        return f"{word}[^1]\n\n[^1]: {word}"
    if kind == 4:
        return f"\n\n{draw(st.sampled_from(['#', '##', '###']))} {word}\n\n"
    if kind == 5:
        return f"\n\n{word}\n{draw(st.sampled_from(['===', '---']))}\n\n"
    if kind == 6:
        return f"\n\n| {word} | b |\n|:-:|--:|\n| 1 | {word} |\n\n"
    if kind == 7:
        return f"**{word}**"
    if kind == 8:
        return f"\n\n- {word}\n    - [{word}]({draw(addresses())})\n"
    return word


texts = st.lists(pieces(), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("## main\n\n正文")
@example("[链接](java\x01script:alert(1))")
@example("[链接]( javascript:alert(1))")
@example("[a]: data:text/html,x\n\n[b][a]")
def test_a_text_the_shortcut_lets_through_loses_nothing_to_the_sanitiser(text: str) -> None:
    if may_need_sanitising(text):
        return
    assert removed(RENDERER.html(text), POLICY) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "[链接](javascript:alert(1))",
        "[链接](ftp://example.gov.cn/a)",
        "[链接](java\x01script:alert(1))",
        "![图](data:text/html,x)",
        "## Main\n\n正文",
        "## 标题\n\n<b>粗体</b>",
        "[链接]({filename}/a.md)",
        "AT&amp;T",
    ],
)
def test_what_the_sanitiser_could_change_is_rendered(text: str) -> None:
    assert may_need_sanitising(text)


@pytest.mark.parametrize(
    "text",
    ["通知正文。", "[兴安盟](site:portal/zwdt/a.md)", "[政府网](https://www.gov.cn/)", "正文[^1]\n\n[^1]: 见文件", "| a | b |\n|:-:|--:|\n| 1 | 2 |"],
)
def test_plain_markdown_with_links_to_allowed_addresses_is_not_rendered_for_the_check(text: str) -> None:
    assert not may_need_sanitising(text)


def test_every_theme_id_as_a_heading_is_rendered_and_reported() -> None:
    for theme_id in sorted(THEME_IDS):
        text = f"## {theme_id.replace('-', ' ').title()}\n\n正文"
        assert may_need_sanitising(text), theme_id
        problems = Problems()
        check_rendered_html({}, {}, text, 5, "content/portal/zwdt/a.md", (), RENDERER, problems)
        assert [(p.line, p.code) for p in problems.items] == [(5, "html-removed")], theme_id
