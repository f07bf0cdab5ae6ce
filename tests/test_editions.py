"""蒙古文版 (issue 15): editions in site files, Translation-Of, the text Mongolian needs kept, the lint.

One edition cluster (tests/editions.py) is built once for the module; each mistake is a small
variation checked with ``check`` on a copy of its sources.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, Repo, article, new_repo, problem_lines
from editions import BODY, NNBSP, SUMMARY, TITLE, edition_cluster

from zhanqun.config.sites import load_cluster
from zhanqun.content.mongolian import SHAPING_CHARACTERS, check_mongolian, fix_suffix_spaces, split_words, squeeze, strip_text
from zhanqun.errors import Problems

FONT = REPO / "themes" / "gov" / "static-vertical" / "fonts" / "NotoSansMongolian-3.002.woff2"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = edition_cluster(new_repo(tmp_path_factory.mktemp("editions") / "repo"))
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    return repo


@pytest.fixture
def sources(built: Repo, tmp_path: Path) -> Repo:
    """The edition cluster's sources (no output), to vary and ``check``."""
    root = tmp_path / "repo"
    shutil.copytree(built.root, root, ignore=shutil.ignore_patterns("output"))
    return Repo(root)


# --- site files ---------------------------------------------------------------------------------


def _site_problems(repo: Repo) -> list[str]:
    problems = Problems()
    load_cluster(repo.root, problems)
    return [f"{p.path}:{p.line}: {p.code}: {p.message}" for p in problems.errors]


def _edit(repo: Repo, rel: str, old: str, new: str) -> None:
    path = repo.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edition_is_a_site_of_its_own_not_a_second_portal(sources: Repo) -> None:
    problems = Problems()
    cluster = load_cluster(sources.root, problems)
    assert not problems.errors
    assert cluster.ids == ["portal", "ulanhot", "portal-mn"]  # editions after the Chinese sites
    assert [s.id for s in cluster.of_kind("portal")] == ["portal"]
    assert [s.id for s in cluster.editions_of("portal")] == ["portal-mn"]
    assert cluster["portal-mn"].lang == "mn-Mong" and cluster["portal-mn"].vertical and cluster.original("portal-mn").id == "portal"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('lang = "mn-Mong"', 'lang = "mn_Mong"', "sites/portal-mn.toml:6: bad-value: lang: 'mn_Mong' is not a language this generator lays out; write one of zh-CN, mn-Mong (did you mean 'mn-Mong'?)"),
        ('lang = "mn-Mong"', 'lang = "mon"', "(did you mean 'mn-Mong'?)"),
        ('edition_of = "portal"', 'edition_of = "protal"', "sites/portal-mn.toml:7: unknown-site: edition_of: no site 'protal' (did you mean 'portal'?)"),
        ('edition_of = "portal"', 'edition_of = "ulanhot"', "sites/portal-mn.toml:3: bad-value: kind: an edition is the same kind of site as sites/ulanhot.toml (county); write kind = \"county\""),
        ('edition_of = "portal"', 'edition_of = "portal-mn"', "edition_of: a site cannot be an edition of itself"),
        ('lang = "mn-Mong"\n', '', "lang: an edition is in another language than sites/portal.toml (zh-CN)"),
        ('edition_of = "portal"\n', '', "lang: a site in mn-Mong is an edition of a Chinese site; add edition_of"),
    ],
)
def test_edition_mistakes_are_located_site_file_errors(sources: Repo, old: str, new: str, expected: str) -> None:
    _edit(sources, "sites/portal-mn.toml", old, new)
    found = _site_problems(sources)
    assert any(expected in line for line in found), found


def test_an_edition_cannot_have_editions(sources: Repo) -> None:
    text = (sources.root / "sites/portal-mn.toml").read_text(encoding="utf-8")
    sources.write("sites/portal-mn2.toml", text.replace('id = "portal-mn"', 'id = "portal-mn2"').replace('edition_of = "portal"', 'edition_of = "portal-mn"').replace("mgl.xam", "mgl2.xam"))
    found = _site_problems(sources)
    assert any("sites/portal-mn2.toml:7: bad-value: edition_of: 'portal-mn' is itself an edition of 'portal'; name the Chinese site" in line for line in found), found


# --- Translation-Of -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [
        ("content/portal-mn/zwdt/meeting.md", "site:portal/zwdt/meeting.md", "site:portal/zwdt/meting.md",
         "content/portal-mn/zwdt/meeting.md:5: broken-link: Translation-Of: "),
        ("content/portal-mn/zwdt/meeting.md", "site:portal/zwdt/meeting.md", "site:ulanhot/zwdt/meeting.md",
         "content/portal-mn/zwdt/meeting.md:5: bad-translation: Translation-Of: portal-mn is an edition of portal; name a page of portal, e.g. site:portal/zwdt/meeting.md"),
        ("content/portal-mn/zwdt/meeting.md", "site:portal/zwdt/meeting.md", "portal/zwdt/meeting.md",
         "bad-translation: Translation-Of: 'portal/zwdt/meeting.md' must name the Chinese page as site:portal/<column>/<file>.md"),
        ("content/portal-mn/tzgg/notice.md", "site:portal/tzgg/notice.md", "site:portal/zwdt/meeting.md",
         "content/portal-mn/zwdt/meeting.md:5: duplicate-translation: Translation-Of: content/portal/zwdt/meeting.md is already translated by content/portal-mn/tzgg/notice.md"),
        ("content/portal/zwdt/meeting.md", "Slug: spring-meeting", "Slug: spring-meeting\nVisibility: internal",
         "content/portal-mn/zwdt/meeting.md:5: "),
    ],
)
def test_translation_of_mistakes_are_located_errors(sources: Repo, rel: str, old: str, new: str, expected: str) -> None:
    _edit(sources, rel, old, new)
    result = sources.run("check")
    assert result.exit_code == 1, result.output
    assert any(expected in line for line in problem_lines(result)), result.stderr


def test_a_missing_page_gets_a_did_you_mean(sources: Repo) -> None:
    _edit(sources, "content/portal-mn/zwdt/meeting.md", "site:portal/zwdt/meeting.md", "site:portal/zwdt/meting.md")
    lines = problem_lines(sources.run("check"), "broken-link")
    assert lines and "zwdt/meeting.md" in lines[0].split("Translation-Of:", 1)[1], lines


def test_a_chinese_site_names_no_translation(sources: Repo) -> None:
    sources.write("content/ulanhot/zwdt/x.md", article("乌兰浩特市消息", "2026-03-01", Translation_Of="site:portal/zwdt/meeting.md"))
    lines = problem_lines(sources.run("check"), "bad-translation")
    assert any("content/ulanhot/zwdt/x.md:3: bad-translation: Translation-Of: ulanhot is a Chinese site" in line for line in lines), lines


def test_syndication_stays_within_one_language(sources: Repo) -> None:
    _edit(sources, "content/portal/zwdt/meeting.md", "Slug: spring-meeting", "Slug: spring-meeting\nSyndicate: portal-mn")
    lines = problem_lines(sources.run("check"), "syndicate-language")
    assert any("content/portal/zwdt/meeting.md:4: syndicate-language: Syndicate: portal-mn is written in mn-Mong, this item in zh-CN" in line for line in lines), lines


def test_syndicating_to_all_reaches_the_sites_of_its_own_language(sources: Repo) -> None:
    _edit(sources, "content/portal/tzgg/notice.md", "Slug: qingming", "Slug: qingming\nSyndicate: all")
    rows = json.loads(sources.run("sites", "--json").output)
    pages = {row["id"]: row["pages"] for row in rows}
    assert pages["ulanhot"] == 1 and pages["portal-mn"] == 9  # the copy goes to ulanhot only
    assert {row["id"]: (row["lang"], row["edition_of"]) for row in rows}["portal-mn"] == ("mn-Mong", "portal")


# --- the built pages ----------------------------------------------------------------------------


def _links(page: str, rel: str) -> list[tuple[str, str]]:
    return re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)">', page)


def test_a_translation_and_its_chinese_page_link_to_each_other(built: Repo) -> None:
    chinese = built.html("portal", "zwdt", "spring-meeting.html")
    mongolian = built.html("portal-mn", "zwdt", "spring-meeting.html")
    assert ("mn-Mong", "/portal-mn/zwdt/spring-meeting.html") in _links(chinese, "alternate")
    assert ("zh-CN", "/portal/zwdt/spring-meeting.html") in _links(mongolian, "alternate")
    # the switch: 中文 / 蒙古文版 on a Chinese page (no Mongolian font there), 中文 / ᠮᠣᠩᠭᠣᠯ on the edition's
    assert '<span lang="zh-CN" aria-current="true">中文</span><span aria-hidden="true"> / </span><a href="/portal-mn/zwdt/spring-meeting.html" hreflang="mn-Mong">蒙古文版</a>' in chinese
    assert '<span lang="mn-Mong" aria-current="true">ᠮᠣᠩᠭᠣᠯ</span><span aria-hidden="true"> / </span><a href="/portal/zwdt/spring-meeting.html" hreflang="zh-CN" lang="zh-CN">中文</a>' in mongolian
    assert mongolian.startswith("<!DOCTYPE html>\n<html lang=\"mn-Mong\" class=\"vertical\">")


def test_a_chinese_page_without_translation_links_to_the_editions_home(built: Repo) -> None:
    page = built.html("portal", "zwdt", "river.html")
    assert '<a href="/portal-mn/" hreflang="mn-Mong">蒙古文版</a>' in page
    assert _links(page, "alternate") == []  # no hreflang pair to a page that is not the same page
    assert '<a href="/portal-mn/" hreflang="mn-Mong">蒙古文版</a>' in built.html("portal", "index.html")
    ulanhot = built.html("ulanhot", "index.html")
    assert 'class="lang-switch"' not in ulanhot  # a site with no edition shows no switch
    assert '<h3>蒙古文版</h3>' in ulanhot and '<a href="/portal-mn/" hreflang="mn-Mong">兴安盟</a>' in ulanhot  # 站群导航, in Chinese
    assert '<a href="/portal-mn/" aria-current="true">ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ</a>' in built.html("portal-mn", "index.html")
    assert '<a href="/ulanhot/" lang="zh-CN" hreflang="zh-CN">乌兰浩特市</a>' in built.html("portal-mn", "index.html")


def test_shaping_characters_reach_the_output_unchanged(built: Repo) -> None:
    page = built.html("portal-mn", "zwdt", "spring-meeting.html")
    plain = re.sub(r"<[^>]+>", "", page)
    assert f"<title>{TITLE} - " in page and TITLE in plain  # the h1 sets 12 and 42 upright in spans
    assert f'<meta name="ArticleTitle" content="{TITLE}">' in page
    assert f'<meta name="description" content="{SUMMARY}">' in page
    assert f'<meta name="ContentSource" content="{SUMMARY}">' in page
    assert BODY.split(" 兴安盟")[0] in page
    assert "ᠰᠠᠷ\u180eᠠ\u202fᠶᠢᠨ" in page and "ᠡᠳ\u180b\u202fᠦᠨ" in page
    listing = built.html("portal-mn", "zwdt", "index.html")
    assert TITLE in re.sub(r"<[^>]+>", "", listing)
    feed = built.html("portal-mn", "feeds", "zwdt.atom.xml")
    assert TITLE in feed and SUMMARY in feed
    assert 'lang="zh-CN"' in page.split('footer-info"', 1)[1][:20]  # the legal footer is Chinese


def test_short_numbers_and_dates_stand_upright_in_a_vertical_page(built: Repo) -> None:
    page = built.html("portal-mn", "zwdt", "spring-meeting.html")
    assert '<h1 id="item-title" class="item-title">ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ <span class="tcu">12</span> ᠰᠠᠷ\u180eᠠ <span class="tcu">42</span>' in page
    assert '<time datetime="2026-03-12T09:30:00+08:00">2026/<span class="tcu">3</span>/<span class="tcu">12</span></time>' in page
    assert "2026-03-12</time>" in built.html("portal", "zwdt", "spring-meeting.html")  # Chinese pages as before


def test_only_edition_pages_load_the_font_and_the_vertical_styles(built: Repo) -> None:
    assert built.out("portal-mn", "theme", "fonts", "NotoSansMongolian-3.002.woff2").read_bytes() == FONT.read_bytes()
    assert built.out("portal-mn", "theme", "fonts", "NotoSansMongolian-OFL.txt").is_file()
    assert "theme/css/vertical.css" in built.html("portal-mn", "index.html")
    assert "vertical.css" not in built.html("portal", "index.html") and "vertical.js" not in built.html("portal", "index.html")
    assert not built.out("portal", "theme", "fonts").exists() and not built.out("portal", "theme", "css", "vertical.css").exists()
    css = re.sub(r"/\*.*?\*/", "", (REPO / "themes/gov/static-vertical/css/vertical.css").read_text(encoding="utf-8"), flags=re.S)
    assert len(re.findall(r"@font-face\s*\{", css)) == 1 and "unicode-range" not in css and "local(" not in css


def test_a_vendored_licence_is_no_leak_but_a_changed_copy_is_scanned(sources: Repo) -> None:
    # "notice" is a word of the OFL licence published beside the font
    sources.write("content/portal-mn/tzgg/secret.md", article("ᠳᠣᠲᠣᠭᠠᠳᠤ", "2026-03-02", Slug="notice", Visibility="internal"))
    assert sources.run("build").exit_code == 0
    licence = (FONT.with_name("NotoSansMongolian-OFL.txt")).read_text(encoding="utf-8")
    sources.write("themes/portal-mn/static/fonts/NotoSansMongolian-OFL.txt", licence + "\n")  # no longer the vendored bytes
    lines = problem_lines(sources.run("build"), "leak")
    assert any(line.startswith("output/preview/portal-mn/theme/fonts/NotoSansMongolian-OFL.txt:") and "'notice'" in line for line in lines), lines


def test_the_disclosure_translation_shares_its_documents_index_number(built: Repo) -> None:
    page = built.html("portal-mn", "zfxxgk", "priorities.html")
    assert "11152200011520000X/2026-00011" in page


def test_a_mongolian_title_takes_its_slug_from_the_file_name(built: Repo) -> None:
    assert built.out("portal-mn", "zwdt", "news-1.html").is_file()
    assert built.out("portal-mn", "zwdt", "page", "2", "index.html").is_file()


def test_a_mongolian_title_without_a_slug_and_a_usable_file_name_is_an_error(sources: Repo) -> None:
    sources.write("content/portal-mn/tzgg/2026-03-01-_x.md", article("ᠮᠡᠳᠡᠭᠳᠡᠯ", "2026-03-01"))
    lines = problem_lines(sources.run("check"), "missing-slug")
    assert lines == ["content/portal-mn/tzgg/2026-03-01-_x.md:1: missing-slug: a Mongolian title gives no address: add 'Slug:' with lowercase ASCII letters, digits and hyphens, e.g. the Chinese page's slug"], lines


def test_the_preview_index_lists_the_edition(built: Repo) -> None:
    index = built.html("index.html")
    assert '<h2>民族文字版</h2><ul>\n<li><a href="/portal-mn/" lang="mn-Mong">' in index


# --- text handling ------------------------------------------------------------------------------


def test_trimming_and_squeezing_keep_the_narrow_no_break_space() -> None:
    word = f"ᠮᠣᠩᠭᠣᠯ{NNBSP}ᠤᠨ"
    assert f" {word}\u3000\t".strip() == f"{word}" and f"{word}{NNBSP}".strip() == "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ".strip()  # what str.strip does
    assert strip_text(f" \t{word}\u3000") == word
    assert split_words(f"{word}  ᠬᠤᠷᠠᠯ\n") == [word, "ᠬᠤᠷᠠᠯ"] and word.split() != [word]
    assert squeeze(f" {word} \n ᠬᠤᠷᠠᠯ ") == f"{word} ᠬᠤᠷᠠᠯ"
    assert all(ch in SHAPING_CHARACTERS for ch in "\u202f\u180e\u180b\u180c\u180d\u180f")


def _lint(body: str, vertical: bool = True, meta: dict[str, str] | None = None) -> Problems:
    problems = Problems()
    meta = meta or {}
    check_mongolian(meta, {key: n + 1 for n, key in enumerate(meta)}, body, 5, "content/portal-mn/zwdt/x.md", vertical, problems)
    return problems


def test_menksoft_glyph_codes_are_a_located_error_that_says_how_to_convert() -> None:
    problems = _lint("ᠮᠣᠩᠭᠣᠯ\n\ue2c1\ue27f\ue317\ue27e\ue2e8")
    [error] = problems.errors
    assert (error.path, error.line, error.code) == ("content/portal-mn/zwdt/x.md", 6, "private-use-text")
    assert error.message.startswith("U+E2C1 is a Menksoft (蒙科立) glyph code, not Unicode Mongolian") and "convertMenksoftToUnicode" in error.message
    [title] = _lint("", meta={"Title": "\uf001"}).errors  # other private use, in a header value, in any site
    assert title.line == 1 and title.message.startswith("Title: U+F001 is a private-use character")
    assert _lint("\ue300", vertical=False).errors


def test_every_private_use_plane_is_refused_in_content_and_site_files(sources: Repo) -> None:
    """The Private Use Area is three ranges (U+E000–F8FF and planes 15 and 16): a legacy encoding
    that uses the supplementary ones is no more Unicode. A site file's names are typed with the
    same input methods and printed on every page: the same error there, at the key's line."""
    for char in ("\U000f0041", "\U0010fffd"):
        [error] = _lint(f"ᠮᠣᠩᠭᠣᠯ {char}").errors
        assert error.code == "private-use-text" and error.message.startswith(f"U+{ord(char):04X} is a private-use character"), error.message
    assert not _lint("\U000e0001 \ufff0 \U0001f600").errors  # a tag, a special, an emoji: not private use
    sources.write("content/portal-mn/files/\ue2c1\ue27f/map.pdf", b"%PDF-1.4")  # an attachment's folder, named with glyph codes
    check = [line for line in problem_lines(sources.run("check"), "private-use-text") if "files/" in line]
    assert check == ["content/portal-mn/files/\ue2c1\ue27f/map.pdf: private-use-text: its name: U+E2C1 is a Menksoft (蒙科立) glyph code, not Unicode Mongolian: "
                     + check[0].split("not Unicode Mongolian: ", 1)[1]], check
    _edit(sources, "sites/portal-mn.toml", 'short_name = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ"', 'short_name = "ᠬᠢᠩᠭᠠᠨ \ue2c1\ue27f"')
    _edit(sources, "sites/portal-mn.toml", 'name = "ᠮᠡᠳᠡᠭᠡ"', 'name = "\U000f0041"')
    found = [line for line in _site_problems(sources) if "private-use-text" in line]
    text = (sources.root / "sites/portal-mn.toml").read_text(encoding="utf-8").splitlines()
    short = next(n for n, line in enumerate(text, 1) if line.startswith("short_name"))
    column = next(n for n, line in enumerate(text, 1) if "\U000f0041" in line)
    assert found == [
        f"sites/portal-mn.toml:{short}: private-use-text: short_name: U+E2C1 is a Menksoft (蒙科立) glyph code, not Unicode Mongolian: " + found[0].split("not Unicode Mongolian: ", 1)[1],
        f"sites/portal-mn.toml:{column}: private-use-text: columns[0].name: U+F0041 is a private-use character" + found[1].split("is a private-use character", 1)[1],
    ], found


def test_a_suffix_after_a_plain_space_is_a_warning() -> None:
    [warning] = _lint("ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ ᠤᠨ ᠬᠤᠷᠠᠯ").warnings
    assert (warning.line, warning.code) == (5, "suffix-space") and "the suffix ᠤᠨ follows a plain space" in warning.message
    assert not _lint(f"ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ{NNBSP}ᠤᠨ ᠬᠤᠷᠠᠯ ᠤᠯᠤᠰ ᠤᠨᠳᠤᠷ ᠢᠯᠡ").items  # words that begin like a suffix are words
    assert not _lint("ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ ᠤᠨ", vertical=False).items  # a Chinese site quoting a name
    assert fix_suffix_spaces("ᠠᠶᠢᠮᠠᠭ ᠤᠨ ᠬᠤᠷᠠᠯ ᠢ") == f"ᠠᠶᠢᠮᠠᠭ{NNBSP}ᠤᠨ ᠬᠤᠷᠠᠯ{NNBSP}ᠢ"


def test_lint_runs_on_content_files(sources: Repo) -> None:
    sources.write("content/portal-mn/tzgg/old.md", article("ᠮᠡᠳᠡᠭᠳᠡᠯ", "2026-03-01", Slug="old", body="ᠠᠶᠢᠮᠠᠭ ᠤᠨ\n\n\ue2c1\ue27f"))
    result = sources.run("check")
    assert result.exit_code == 1
    found = [line for line in problem_lines(result) if "old.md" in line]
    assert [line.split(": ")[0] for line in found] == ["content/portal-mn/tzgg/old.md:5", "content/portal-mn/tzgg/old.md:7"], result.stderr
    assert "warning: suffix-space: the suffix ᠤᠨ follows a plain space" in found[0]
    assert "private-use-text: U+E2C1 is a Menksoft (蒙科立) glyph code, not Unicode Mongolian" in found[1]


def test_the_sample_edition_is_written_in_unicode_with_suffixes_after_nnbsp() -> None:
    items = sorted((REPO / "content" / "portal-mn").rglob("*.md"))
    assert len(items) >= 10
    for path in items:
        text = path.read_text(encoding="utf-8")
        assert "Translation-Of: site:portal/" in text, path
        assert not re.search("[\ue000-\uf8ff]", text) and fix_suffix_spaces(text) == text, path


def test_the_vendored_font_covers_the_mongolian_block() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    pytest.importorskip("brotli")
    font = ttlib.TTFont(str(FONT))
    cmap = font.getBestCmap()
    assigned = [code for code in range(0x1800, 0x18B0) if unicodedata.category(chr(code)) != "Cn"]
    assert [hex(code) for code in assigned if code not in cmap] == []
    assert 0x202F in cmap and "Version 3.002" in font["name"].getDebugName(5)
    assert "SIL Open Font License" in FONT.with_name("NotoSansMongolian-OFL.txt").read_text(encoding="utf-8")


def test_new_keeps_the_suffix_space_of_a_mongolian_title_and_says_what_to_add(sources: Repo) -> None:
    result = sources.run("new", "portal-mn", "zwdt", f" ᠬᠤᠷᠠᠯ{NNBSP}ᠤᠨ  ᠮᠡᠳᠡᠭᠡ ", "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    written = (sources.root / "content/portal-mn/zwdt/2026-11-30-item.md").read_text(encoding="utf-8")
    assert written.startswith(f"Title: ᠬᠤᠷᠠᠯ{NNBSP}ᠤᠨ ᠮᠡᠳᠡᠭᠡ\n")
    assert "add 'Translation-Of: site:portal/zwdt/<file>.md'" in result.output
