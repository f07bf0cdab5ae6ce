"""Link mistakes an office worker really makes, and advice that works when followed to the letter.

Links typed with Chinese brackets, addresses copied from the preview's address bar, relative paths
that mean something else than they look, ``Syndicate:`` in Chinese. Every suggestion a message
makes is applied here, literally, and the check must then pass.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from conftest import Repo, article, make_repo, problem_lines

from zhanqun.errors import Problems
from zhanqun.links.link_check import LinkChecker
from zhanqun.pipeline import BuildOptions, prepare

BAD = "content/ulanhot/zwdt/x.md"
#: Header (Title, Date, Slug), an empty line, "第一段。", an empty line: the link is on line 7.
PREFIX = "第一段。\n\n"
#: The text a message offers to write: "did you mean '…'?" or "write '…'" (one per message).
SUGGESTION_RE = re.compile(r"(?:did you mean|write[^'\n]*?) '([^'\n]+)'")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Checked, never built: ``check`` writes nothing, so the tests share it one after another."""
    repo = make_repo(tmp_path_factory.mktemp("advice") / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='short_name = "兴安盟"')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='short_name = "乌兰浩特市"')
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", extra='short_name = "阿尔山市"')
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", extra='short_name = "统计局"', columns=(("zwdt", "工作动态", "news"),))
    repo.write("content/ulanhot/files/images/greenhouse.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", "![大棚]({static}/files/images/greenhouse.svg)", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/ulanhot/tzgg/draft.md", article("草稿", "2026-04-04", Slug="draft", Status="draft"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow"))
    repo.write("content/tjj/zwdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    result = repo.run("check")
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture
def repo(base: Repo) -> Iterator[Repo]:
    yield base
    (base.root / BAD).unlink(missing_ok=True)


def check_lines(repo: Repo) -> list[str]:
    result = repo.run("check")
    return problem_lines(result) if result.exit_code else []


def follow_advice(repo: Repo, body: str, written: str, code: str, line: int = 7, **meta: str) -> str:
    """Write ``body``; the check reports ``code`` at ``line`` with a suggestion; write the suggestion
    in place of ``written`` and the check passes. Returns the message."""
    repo.write(BAD, article("有错误链接的稿件", "2026-04-06", body, Slug="x", **meta))
    lines = [line_ for line_ in check_lines(repo) if line_.startswith(f"{BAD}:{line}: {code}: ")]
    assert lines, check_lines(repo)
    suggestion = SUGGESTION_RE.search(lines[0])
    assert suggestion, lines[0]
    assert suggestion.group(1) != written, lines[0]  # never the text that was written
    assert written in body + "".join(meta.values())
    fixed = {key: value.replace(written, suggestion.group(1)) for key, value in meta.items()}
    repo.write(BAD, article("有错误链接的稿件", "2026-04-06", body.replace(written, suggestion.group(1)), Slug="x", **fixed))
    assert check_lines(repo) == [], (lines[0], check_lines(repo))
    return lines[0]


# --- 1. links typed with Chinese brackets ---------------------------------------------------------

WIDE = {
    "full-width parentheses": "见[上一篇]（{filename}river.md）。",
    "full-width closing parenthesis": "见[上一篇]({filename}river.md）。",
    "full-width opening parenthesis": "见[上一篇]（{filename}river.md)。",
    "full-width square brackets": "见【上一篇】({filename}river.md)。",
    "all full-width, link syntax": "见【上一篇】（{filename}river.md）。",
    "another site": "见[冰雪节]（site:arxan/zwdt/snow.md）。",
    "a picture": "![大棚]（{static}/files/images/greenhouse.svg）",
    "a copied address": "见[冰雪节]（https://www.arxan.gov.cn/zwdt/snow.html）。",
    "a path": "见[通知]（../tzgg/water.html）。",
}


@pytest.mark.parametrize("case", WIDE)
def test_a_link_in_chinese_brackets_is_an_error_with_the_link_to_write(repo: Repo, case: str) -> None:
    body = PREFIX + WIDE[case]
    written = re.search(r"!?[\[【].*?[)）]", WIDE[case]).group(0)
    message = follow_advice(repo, body, written, "wide-bracket")
    assert "ASCII brackets" in message


def test_the_reported_case_fails_check_and_build_and_nothing_is_published(repo: Repo) -> None:
    """The review's finding: passed check, and the page showed ``{filename}…md`` as text."""
    repo.write(BAD, article("冬春水利", "2026-04-06", "见[上一篇]（{filename}river.md）。", Slug="x"))
    assert check_lines(repo) == [
        f"{BAD}:5: wide-bracket: [上一篇]（{{filename}}river.md）: a link written with Chinese (full-width) brackets is shown as text, "
        "not as a link; write it with ASCII brackets: '[上一篇]({filename}river.md)'"
    ]


def test_the_target_in_chinese_brackets_is_checked_in_the_same_round(repo: Repo) -> None:
    repo.write(BAD, article("冬春水利", "2026-04-06", PREFIX + "见[上一篇]（{filename}rivr.md）。", Slug="x"))
    assert sorted(line.split(": ")[1] for line in check_lines(repo)) == ["broken-link", "wide-bracket"]


def test_a_link_in_chinese_brackets_in_the_summary_is_located_at_its_line(repo: Repo) -> None:
    follow_advice(repo, "正文。", "[河]（{filename}river.md）", "wide-bracket", line=4, Summary="详见[河]（{filename}river.md）")


@pytest.mark.parametrize(
    "text",
    [
        "【通知】（2026年）", "[注]（见下文）", "【新华网】（http://www.news.cn/）", "请见`[上一篇]（{filename}river.md）`的写法。",
        "```\n[上一篇]（{filename}river.md）\n```",
    ],
)
def test_chinese_brackets_around_text_or_in_code_are_text(repo: Repo, text: str) -> None:
    repo.write(BAD, article("括号", "2026-04-06", PREFIX + text, Slug="x"))
    assert check_lines(repo) == []


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("注：{filename}river.md 是上一篇。", "{filename}river.md"),
        ("图片见 {static}/files/images/greenhouse.svg", "{static}/files/images/greenhouse.svg"),
        ("<p>见 {filename}river.md</p>", "{filename}river.md"),
    ],
)
def test_link_syntax_left_as_text_is_an_error_never_published(repo: Repo, text: str, written: str) -> None:
    message = follow_advice(repo, PREFIX + text, written, "unresolved-link")
    assert "would be published as it is" in message


@pytest.mark.parametrize(
    "text",
    ["`{filename}river.md` 是写法。", "示例：\n\n    [上一篇]({filename}river.md) 与 {static}/files/a.png\n\n完。", "<pre>{filename}river.md</pre>"],
)
def test_link_syntax_shown_as_code_is_fine(repo: Repo, text: str) -> None:
    repo.write(BAD, article("写法", "2026-04-06", PREFIX + text, Slug="x"))
    assert check_lines(repo) == []


def test_the_output_check_finds_link_syntax_in_a_pages_text_outside_code(base: Repo) -> None:
    context = prepare(BuildOptions(base.root, "production"), Problems())
    assert context.addresses
    checker = LinkChecker(context.addresses, {})
    page = "<html><body><p>见{filename}a.md。</p><pre>{static}/files/x.png</pre><code>{filename}b.md</code></body></html>"
    _checked, broken = checker.check_page("ulanhot", "zwdt/a.html", page)
    assert [(b.attribute, b.value, b.code) for b in broken] == [("#text", "{filename}a.md", "unresolved-link")]


# --- 2. addresses copied from the preview, hosts with and without www. ------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "http://localhost:8000/ulanhot/zwdt/rivr.html",
        "http://127.0.0.1:8000/ulanhot/zwdt/rivr.html",
        "http://[::1]:8000/ulanhot/zwdt/rivr.html",
        "http://localhost:8080/ulanhot/zwdt/rivr.html#part",
        "http://wlht.gov.cn/zwdt/rivr.html",
        "https://www.tjj.xam.gov.cn/zwdt/economy-2024.html",
        "http://localhost:8000/ulanht/zwdt/river.html",
    ],
)
def test_a_preview_or_www_less_address_is_checked_and_the_advice_works(repo: Repo, address: str) -> None:
    code = "unknown-site" if "ulanht/" in address else "broken-link"
    follow_advice(repo, PREFIX + f"见[河]({address})。", address, code)


@pytest.mark.parametrize(
    ("address", "preview", "production"),
    [
        ("http://localhost:8000/ulanhot/zwdt/river.html", "/ulanhot/zwdt/river.html", "https://www.wlht.gov.cn/zwdt/river.html"),
        ("http://127.0.0.1:8000/arxan/zwdt/snow.html#x", "/arxan/zwdt/snow.html#x", "https://www.arxan.gov.cn/zwdt/snow.html#x"),
        ("http://[::1]:8000/ulanhot/files/images/greenhouse.svg", "/ulanhot/files/images/greenhouse.svg", "https://www.wlht.gov.cn/files/images/greenhouse.svg"),
        ("http://localhost:8000/tjj/", "/tjj/", "https://tjj.xam.gov.cn/"),
        ("http://wlht.gov.cn/zwdt/river.html", "/ulanhot/zwdt/river.html", "https://www.wlht.gov.cn/zwdt/river.html"),
        ("https://www.tjj.xam.gov.cn/zwdt/economy-2025.html", "/tjj/zwdt/economy-2025.html", "https://tjj.xam.gov.cn/zwdt/economy-2025.html"),
    ],
)
def test_a_preview_or_www_less_address_is_written_per_target(repo: Repo, address: str, preview: str, production: str) -> None:
    repo.write(BAD, article("链接", "2026-04-06", f"见[它]({address})。", Slug="x"))
    for target, expected in (("preview", preview), ("production", production)):
        problems = Problems()
        context = prepare(BuildOptions(repo.root, target), problems)
        assert context.resolver and not problems.errors, [str(p) for p in problems.errors]
        body, _meta = context.resolver.rewritten(context.index.get("ulanhot", "zwdt/x.md"), problems)
        assert body.strip() == f"见[它]({expected})。"


def test_the_preview_servers_own_page_is_no_link(repo: Repo) -> None:
    repo.write(BAD, article("链接", "2026-04-06", PREFIX + "见[预览](http://localhost:8000/)。", Slug="x"))
    [line] = check_lines(repo)
    assert line.startswith(f"{BAD}:7: broken-link: http://localhost:8000/: the preview's list of sites")


def test_the_output_check_refuses_an_address_on_the_authors_computer(base: Repo) -> None:
    context = prepare(BuildOptions(base.root, "production"), Problems())
    assert context.addresses
    checker = LinkChecker(context.addresses, {})
    assert "preview" in checker.verdict("http://localhost:8000/ulanhot/")
    assert "preview" in checker.verdict("http://127.0.0.1/")
    assert checker.verdict("http://www.news.cn/") is None


# --- 3. every suggestion is the exact text to write ------------------------------------------------

ADVICE = {
    # (a) a relative path to a file: from the item's folder, so zwdt/files/…
    "relative picture": ("![大棚](files/images/greenhouse.svg)", "files/images/greenhouse.svg", "broken-link"),
    # (b) the path from the content root, written after {filename}: the same suggestion again was a loop
    "filename typo": ("[上一篇]({filename}rivr.md)", "{filename}rivr.md", "broken-link"),
    "filename from the content root": ("[上一篇]({filename}zwdt/river.md)", "{filename}zwdt/river.md", "broken-link"),
    "filename in another column": ("[通知]({filename}../tzgg/notic.md)", "{filename}../tzgg/notic.md", "broken-link"),
    "filename from the root": ("[通知]({filename}/tzgg/notic.md)", "{filename}/tzgg/notic.md", "broken-link"),
    # (c) {static} without the leading /
    "static without /": ("![大棚]({static}files/images/greenhouse.svg)", "{static}files/images/greenhouse.svg", "broken-link"),
    "static in a wrong folder": ("![大棚]({static}images/greenhouse.svg)", "{static}images/greenhouse.svg", "broken-link"),
    "static naming a page": ("[通知]({static}../tzgg/notice.md)", "{static}../tzgg/notice.md", "broken-link"),
    "static typo": ("![大棚]({static}/files/images/greenhous.svg)", "{static}/files/images/greenhous.svg", "broken-link"),
    "unknown site": ("[冰雪节](site:arxn/zwdt/snow.md)", "site:arxn/zwdt/snow.md", "unknown-site"),
    "page of another site": ("[冰雪节](site:arxan/zwdt/snw.md)", "site:arxan/zwdt/snw.md", "broken-link"),
    "column of another site": ("[动态](site:tjj/zwd/)", "site:tjj/zwd/", "broken-link"),
    "category": ("[动态]({category}zwdtt)", "{category}zwdtt", "broken-link"),
    "link kind": ("[河]({file}river.md)", "{file}river.md", "broken-link"),
    "relative address": ("[通知](../tzgg/watr.html)", "../tzgg/watr.html", "broken-link"),
    "preview path of another site": ("[冰雪节](/arxan/zwdt/snw.html)", "/arxan/zwdt/snw.html", "broken-link"),
    "production address": ("[冰雪节](https://www.arxan.gov.cn/zwdt/snw.html)", "https://www.arxan.gov.cn/zwdt/snw.html", "broken-link"),
}


@pytest.mark.parametrize("case", ADVICE)
def test_each_suggestion_passes_when_applied(repo: Repo, case: str) -> None:
    text, written, code = ADVICE[case]
    follow_advice(repo, PREFIX + text, written, code)


def test_the_reported_suggestions(repo: Repo) -> None:
    repo.write(BAD, article("建议", "2026-04-06", "![大棚](files/images/greenhouse.svg)\n\n[t]({filename}zwdt/river.md)\n\n![x]({static}files/images/greenhouse.svg)", Slug="x"))
    assert check_lines(repo) == [
        f"{BAD}:5: broken-link: files/images/greenhouse.svg: there is no page or file zwdt/files/images/greenhouse.svg on ulanhot "
        "(did you mean '{static}/files/images/greenhouse.svg'?); link an item with {filename}…md or site:ulanhot/<column>/<file>.md, "
        "a file with {static}/files/…",
        f"{BAD}:7: broken-link: {{filename}}zwdt/river.md: no such page content/ulanhot/zwdt/zwdt/river.md (did you mean '{{filename}}river.md'?)",
        f"{BAD}:9: broken-link: {{static}}files/images/greenhouse.svg: reads as content/ulanhot/zwdt/files/images/greenhouse.svg, "
        "outside content/ulanhot/files/ (a path without a leading / starts in this file's folder); write '{static}/files/images/greenhouse.svg'",
    ]


def test_a_draft_is_never_suggested(repo: Repo) -> None:
    repo.write(BAD, article("建议", "2026-04-06", PREFIX + "[草稿]({filename}../tzgg/draf.md)", Slug="x"))
    [line] = check_lines(repo)
    assert line.startswith(f"{BAD}:7: broken-link: ") and "draft.md'" not in line


def test_a_page_that_only_shares_the_column_is_not_suggested(repo: Repo) -> None:
    repo.write(BAD, article("建议", "2026-04-06", PREFIX + "[它](http://localhost:8000/ulanhot/zwdt/nonexist.html)", Slug="x"))
    [line] = check_lines(repo)
    assert "there is no page or file zwdt/nonexist.html on ulanhot;" in line and "did you mean" not in line


def test_no_suggestion_rather_than_one_that_fails(repo: Repo) -> None:
    repo.write(BAD, article("建议", "2026-04-06", PREFIX + "[x](site:arxn/zwdt/nothing-like-it.md)", Slug="x"))
    [line] = check_lines(repo)
    assert "did you mean" not in line and "sites are portal, arxan, ulanhot, tjj" in line


# --- 4. Syndicate in Chinese --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "receivers"),
    [
        ("各旗县", ("ulanhot", "arxan")),
        ("旗县市", ("ulanhot", "arxan")),
        ("各部门", ("tjj",)),
        ("全部", ("ulanhot", "arxan", "tjj")),
        ("乌兰浩特市、统计局", ("ulanhot", "tjj")),
        ("阿尔山市人民政府, counties", ("arxan", "ulanhot")),
    ],
)
def test_syndicate_takes_chinese_groups_and_site_names(base: Repo, value: str, receivers: tuple[str, ...]) -> None:
    path = base.write("content/portal/zwdt/all.md", article("全盟通知", "2026-04-06", Slug="all", Syndicate=value))
    try:
        problems = Problems()
        context = prepare(BuildOptions(base.root), problems)
        assert not problems.errors, [str(p) for p in problems.errors]
        assert set(context.index.get("portal", "zwdt/all.md").syndicate) == set(receivers)
    finally:
        path.unlink()


def test_an_unknown_syndicate_value_lists_what_may_be_written(base: Repo) -> None:
    path = base.write("content/portal/zwdt/all.md", article("全盟通知", "2026-04-06", Slug="all", Syndicate="各单位"))
    try:
        [line] = check_lines(base)
    finally:
        path.unlink()
    assert line == (
        "content/portal/zwdt/all.md:4: unknown-site: Syndicate: no site '各单位'; write site ids or names (portal 兴安盟, "
        "arxan 阿尔山市, ulanhot 乌兰浩特市, tjj 统计局) or a group: counties (各旗县市), departments (各部门), all (全部)"
    )


def test_a_syndicate_suggestion_passes_when_applied(base: Repo) -> None:
    path = base.write("content/portal/zwdt/all.md", article("全盟通知", "2026-04-06", Slug="all", Syndicate="ulanhto"))
    try:
        [line] = check_lines(base)
        fixed = SUGGESTION_RE.search(line)
        assert fixed and fixed.group(1) == "ulanhot"
        base.write("content/portal/zwdt/all.md", article("全盟通知", "2026-04-06", Slug="all", Syndicate=fixed.group(1)))
        assert check_lines(base) == []
    finally:
        path.unlink()


def test_a_misspelt_link_kind_gets_the_kind_to_write_when_the_target_has_its_own_mistake(repo: Repo) -> None:
    repo.write(BAD, article("建议", "2026-04-06", PREFIX + "[河]({fileName}gone.md)", Slug="x"))
    [line] = check_lines(repo)
    assert "unknown link kind {fileName} (did you mean '{filename}'?)" in line
    repo.write(BAD, article("建议", "2026-04-06", PREFIX + "[河]({filename}gone.md)", Slug="x"))
    assert [line.split(": ")[1] for line in check_lines(repo)] == ["broken-link"]  # the next mistake, named by itself
