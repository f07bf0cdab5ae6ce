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

from zhanqun.content.html_policy import check_rendered_html, holds_markup, may_need_sanitising
from zhanqun.content.markdown_render import MarkdownRenderer, MarkdownTooDeep
from zhanqun.content.sanitize import THEME_IDS, Policy, removed
from zhanqun.errors import Problems

RENDERER = MarkdownRenderer()
POLICY = Policy.of((), unresolved_links=True)

SCHEMES = [
    "", "site:", "site://", "http://", "https://", "HTTPS://", "mailto:", "tel:", "ftp://", "javascript:", "JavaScript:", "vbscript:",
    "data:", "data:text/html,", "blob:", "file:", "java\x01script:", "java\tscript:", " javascript:", "javascript\n:", "java\\script:",
    "x\\.http://", "//", "#", "../", "x-y.z+w:", "1http://",
]
HOSTS = ["a/b.md", "example.gov.cn/x", "alert(1)", "123", "image/png;base64,AAAA", "x.html#top", "", "999.999.999.999/", "[::1/", ":80/x.png", "a b/", "portal:99999/"]
WORDS = ["通知", "公告", "兴安盟", "乌兰浩特市", "Note:", "时间:10:30", "main", "Main", "letter body", "Letter_Body", "a11y panel", "ＭＡＩＮ", "domain", "related title", "政策", "2025", "\x0b", "\x7f", "\u212aey"]


@st.composite
def addresses(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(HOSTS))


@st.composite
def pieces(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 11))
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
    if kind == 9:  # a heading made of links: its id is the links' words (## [Item](a) [Title](b) → item-title)
        halves = draw(st.sampled_from([("Item", "Title"), ("Ma", "in"), ("Related", "Title"), ("通知", "main")]))
        return f"\n\n## [{halves[0]}]({draw(addresses())}){draw(st.sampled_from(['', ' ']))}[{halves[1]}][r]\n\n[r]: {draw(addresses())}\n\n"
    if kind == 10:  # nested deeper than the renderer goes
        return "\n\n" + draw(st.sampled_from(["- ", "* ", "1. ", "> "])) * draw(st.sampled_from([3, 500])) + f"[{word}]({draw(addresses())})\n\n"
    return word


texts = st.lists(pieces(), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("## main\n\n正文")
@example("[链接](java\x01script:alert(1))")
@example("[链接]( javascript:alert(1))")
@example("[a]: data:text/html,x\n\n[b][a]")
@example("[点此](javascript\n:alert(1))")
@example("[官网](http://)")
@example("## [Item](a.md) [Title](b.md)")
@example("- " * 500 + "[a](site:x)")
@example("## Ma[^1]in\n\n[^1]: 注")
@example("*a " * 988 + "c" + " d*" * 988)
def test_a_text_the_shortcut_lets_through_loses_nothing_to_the_sanitiser(text: str) -> None:
    if may_need_sanitising(text):
        return
    try:
        html = MarkdownRenderer().html(text)
    except MarkdownTooDeep:
        raise AssertionError(f"too deep, and let through: {text!r}") from None
    assert removed(html, POLICY) == [], text


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
        "[点此](javascript\n:alert(1))",
        "[链接](x\\.http://example.gov.cn)",
        "[官网](http://)",
        "[官网](https://www.gov.cn/)",
        "[链接](site://portal:99999/)",
        "## [Item](a.md) [Title](b.md)",
        "- " * 500 + "[a](site:x)",
        "## ma](in)",
        "## [][main]",
        "详见[附件1](site:portal/a.md\n\n## Main\n\n（一）按(1)办理。",
        "## Item [^1] Title\n\n[^1]: 注",
        "## Ma[^1]in\n\n[^1]: 注",
        "Main\n----\n\n正文",
        "> - ## \u212aey",
        "*a " * 988 + "c" + " d*" * 988,
    ],
)
def test_what_the_sanitiser_could_change_is_rendered(text: str) -> None:
    assert may_need_sanitising(text)


@pytest.mark.parametrize(
    "text",
    ["通知正文。", "[兴安盟](site:portal/zwdt/a.md)", "正文[^1]\n\n[^1]: 见文件", "| a | b |\n|:-:|--:|\n| 1 | 2 |", "## 一、[工作动态](site:portal/zwdt/)\n\n正文"],
)
def test_plain_markdown_with_links_to_allowed_addresses_is_not_rendered_for_the_check(text: str) -> None:
    assert not may_need_sanitising(text)


def test_the_leak_gate_reads_a_linked_text_as_the_page_shows_it() -> None:
    """``[考核结果](site:…)汇总名单`` reads 考核结果汇总名单 on the page, not as written."""
    text = "详见2024年度内部[考核结果](site:portal/tzgg/a.md)汇总名单"
    assert holds_markup(text) and not may_need_sanitising(text)
    assert not holds_markup("通知正文。")


def test_every_theme_id_as_a_heading_is_rendered_and_reported() -> None:
    for theme_id in sorted(THEME_IDS):
        text = f"## {theme_id.replace('-', ' ').title()}\n\n正文"
        assert may_need_sanitising(text), theme_id
        problems = Problems()
        check_rendered_html({}, {}, text, 5, "content/portal/zwdt/a.md", (), RENDERER, problems)
        assert [(p.line, p.code) for p in problems.items] == [(5, "html-removed")], theme_id
