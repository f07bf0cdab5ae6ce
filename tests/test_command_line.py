"""The command line as office staff meet it: what the environment may set, sites named the way
they are called, site files that are not TOML or hold invisible characters, help and click's
messages in Chinese, the audit's text in Chinese and safe to print."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import REPO, Repo, fill_small_cluster, problem_lines, site_toml

import build
from zhanqun.commands.terminal import printable, width
from zhanqun.config.sites import load_cluster
from zhanqun.errors import Problems

BUILD = str(REPO / "build.py")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``build.py`` as a user starts it: no ZHANQUN_ variable and a C locale unless given (but the
    search indexer the machine has: where Pagefind is installed is no option of a command)."""
    environ = {k: v for k, v in os.environ.items() if (not k.startswith("ZHANQUN_") or k == "ZHANQUN_PAGEFIND") and k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ["LANG"] = "C.UTF-8"
    environ.update(env or {})
    return subprocess.run([sys.executable, BUILD, *args], capture_output=True, text=True, env=environ, timeout=300)


def chinese(*args: str) -> click.testing.Result:
    """A command run in process, in Chinese."""
    return CliRunner().invoke(build.cli, ["--lang", "zh", *args], prog_name="build.py", catch_exceptions=False)


@pytest.fixture
def cluster(repo: Repo) -> Repo:
    """portal 兴安盟, ulanhot 乌兰浩特市(人民政府), arxan 阿尔山市, tjj 统计局."""
    return fill_small_cluster(repo)


# --- the environment sets the language, and nothing else ------------------------------------------


@pytest.mark.parametrize(
    ("value", "summary"),
    [("EN", "checked 4 site(s): no errors"), (" en", "checked 4 site(s): no errors"), ("xx", "已检查 4 个网站：没有错误"), ("en:zh", "已检查 4 个网站：没有错误")],
)
def test_zhanqun_lang_in_any_spelling_never_fails_a_command(cluster: Repo, value: str, summary: str) -> None:
    result = run("--root", str(cluster.root), "check", env={"ZHANQUN_LANG": value})
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == summary
    listed = run("--root", str(cluster.root), "sites", env={"ZHANQUN_LANG": value})
    assert listed.returncode == 0 and listed.stdout.startswith("portal "), listed.stderr


def test_no_option_is_read_from_the_environment(cluster: Repo) -> None:
    """``ZHANQUN_BUILD_TARGET=intranet`` would publish the internal edition: it is nobody's option."""
    environ = {
        "ZHANQUN_LANG": "en", "ZHANQUN_BUILD_TARGET": "intranet", "ZHANQUN_BUILD_SITE": "arxan", "ZHANQUN_FORMAT": "json",
        "ZHANQUN_BUILD_FORMAT": "json", "ZHANQUN_SITES_TARGET": "intranet", "ZHANQUN_ROOT": "/nonexistent",
    }
    result = run("--root", str(cluster.root), "build", "--site", "ulanhot", env=environ)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("built 1 site(s), ") and " target preview: " in result.stderr
    assert cluster.out("ulanhot", "index.html").is_file() and not cluster.out("arxan").exists()
    assert not (cluster.root / "output" / "intranet").exists()
    listed = run("--root", str(cluster.root), "sites", env=environ)
    assert "https://www.wlht.gov.cn/" in listed.stdout and "wlht.zw.xam" not in listed.stdout


# --- --site takes the id or the Chinese name, in every command -------------------------------------


def test_every_command_s_site_takes_the_chinese_name(cluster: Repo) -> None:
    assert "checked 1 site(s): no errors" in cluster.run("check", "--site", "阿尔山市").stderr
    assert "checked 2 site(s): no errors" in cluster.run("check", "--site", "乌兰浩特市人民政府", "--site", "tjj").stderr
    audited = cluster.run("--format", "json", "audit", "--no-html", "--site", " 统计局")
    assert {finding["site"] for finding in json.loads(audited.stdout)} == {"tjj"}
    built = cluster.run("build", "--site", "阿尔山市")
    assert built.exit_code == 0 and "built 1 site(s)" in built.stderr and cluster.out("arxan", "index.html").is_file()
    assert not cluster.out("ulanhot").exists()
    unbuilt = cluster.run("shots", "--no-build", "--site", "乌兰浩特市")  # named, so only its output is missing
    assert unbuilt.exit_code == 1 and problem_lines(unbuilt, "no-output")[0].startswith("output/preview/ulanhot: no-output: ")
    log = cluster.write("access.log", '10.0.0.1 - - [02/Mar/2026:10:02:00 +0800] "GET /zwdt/ HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n')
    stats = cluster.run("--format", "json", "stats", str(log), "--site", "乌兰浩特市")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["site"] == "ulanhot"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--site", "阿尔山"), "no site '阿尔山' (did you mean '阿尔山市'?) (sites: portal 兴安盟, arxan 阿尔山市, ulanhot 乌兰浩特市, tjj 统计局)"),
        (("build", "--site", "arxn"), "no site 'arxn' (did you mean 'arxan'?) (sites: "),
        (("audit", "--site", "乌兰浩特市政府"), "no site '乌兰浩特市政府' (did you mean '乌兰浩特市'?)"),
        (("shots", "--no-build", "--site", "统计"), "no site '统计' (did you mean '统计局'?)"),
        (("stats", "access.log", "--site", "阿尔山"), "no site '阿尔山' (did you mean '阿尔山市'?)"),
        (("new", "乌兰浩特", "zwdt", "标题"), "no site '乌兰浩特' (did you mean '乌兰浩特市'?) (sites: portal 兴安盟, "),
        (("columns", "兴安"), "no site '兴安' (did you mean '兴安盟'?)"),
        (("check", "--site", "tjj", "--site", "nope"), "no site 'nope' (sites: "),
    ],
)
def test_a_site_named_in_part_gets_the_name_to_write(cluster: Repo, args: tuple[str, ...], message: str) -> None:
    cluster.write("access.log", "")
    result = cluster.run(*(str(cluster.root / a) if a == "access.log" else a for a in args))
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_the_suggestion_names_the_site_a_name_is_part_of(cluster: Repo) -> None:
    sites = load_cluster(cluster.root, Problems())
    assert sites.suggestion("阿尔山") == " (did you mean '阿尔山市'?)"  # part of 阿尔山市 and of 阿尔山市人民政府
    assert sites.suggestion("阿尔山市政府") == " (did you mean '阿尔山市'?)"  # holds the short name
    assert sites.suggestion("ulanhto") == " (did you mean 'ulanhot'?)"
    assert sites.suggestion("市") == "" and sites.suggestion("") == ""  # one character: a part of too many names


def test_a_chinese_name_in_part_is_suggested_in_chinese(cluster: Repo) -> None:
    result = chinese("--root", str(cluster.root), "check", "--site", "阿尔山")
    assert result.exit_code == 2 and "没有网站“阿尔山”（是否应为“阿尔山市”？）" in result.stderr


# --- a site file that is not TOML says why ----------------------------------------------------------

NOT_TOML = [
    ('id = "portal"\nname = 兴安盟行政公署\n', 2,
     'not valid TOML at line 2, column 8: write text between ASCII double quotes: name = "兴安盟行政公署" (Invalid value (at line 2, column 8))'),
    ('id = "portal"\nname = “兴安盟行政公署”\n', 2,
     'not valid TOML at line 2, column 8: write text between ASCII double quotes "…", not Chinese quotes “…”: name = "兴安盟行政公署" (Invalid value (at line 2, column 8))'),
    ('id = "portal"\nname = "兴安盟行政公署”\n', 2,
     "not valid TOML at line 2, column 17: write text between ASCII double quotes \"…\", not Chinese quotes “…”: name = \"兴安盟行政公署\" (Illegal character '\\n' (at line 2, column 17))"),
    ('id = "portal"\nname = "兴安盟行政公署\n', 2,
     "not valid TOML at line 2, column 16: the text has no closing ASCII double quote on its line: name = \"兴安盟行政公署\" (Illegal character '\\n' (at line 2, column 16))"),
    ('id = "portal"\nname："兴安盟行政公署"\n', 2,
     "not valid TOML at line 2, column 5: join a key and its value with an ASCII '=', not '：': name = \"兴安盟行政公署\" (Expected '=' after a key in a key/value pair (at line 2, column 5))"),
    ('id = "portal"\nname = "兴安盟"\nname = "兴安盟行政公署"\n', 3,
     "not valid TOML at line 3, column 17: the key 'name' is given twice in one table (first on line 2); keep one (Cannot overwrite a value (at line 3, column 17))"),
    ('id = "portal"\n[footer]\nicp = "x"\n[footer]\npolice = "y"\n', 4,
     "not valid TOML at line 4, column 8: the table [footer] is given twice (first on line 2); write its keys under one [footer] (Cannot declare ('footer',) twice (at line 4, column 8))"),
    ('id = "portal"\n【footer】\n', 2,
     "not valid TOML at line 2, column 1: write a table name between ASCII square brackets: [footer] (Invalid statement (at line 2, column 1))"),
    ('id = "portal"\norder = 一\n', 2, 'not valid TOML at line 2, column 9: write text between ASCII double quotes: order = "一" (Invalid value (at line 2, column 9))'),
    ("id = 'portal\n", None, "not valid TOML at the end of the file (Expected \"'\" (at end of document))"),
    ('id = "portal"\n名称 = "兴安盟"\n', 2, "not valid TOML at line 2, column 1 (Invalid statement (at line 2, column 1))"),
]


@pytest.mark.parametrize(("text", "line", "message"), NOT_TOML)
def test_a_site_file_that_is_not_toml_says_where_and_why(repo: Repo, text: str, line: int | None, message: str) -> None:
    repo.write("sites/portal.toml", text)
    problems = Problems()
    load_cluster(repo.root, problems)
    assert [(p.line, p.code, p.message) for p in problems] == [(line, "toml-syntax", message)]


def test_a_site_file_that_is_not_toml_says_why_in_chinese(repo: Repo) -> None:
    repo.write("sites/tuquan.toml", 'id = "tuquan"\nname = 突泉县人民政府\n')
    result = chinese("--root", str(repo.root), "check")
    assert result.exit_code == 1
    assert problem_lines(result, "toml-syntax") == [
        'sites/tuquan.toml:2: toml-syntax: 第 2 行第 8 列处不符合 TOML 格式：文字要写在英文半角双引号 "…" 中，应写作 name = "突泉县人民政府"（Invalid value (at line 2, column 8)）'
    ]


# --- no site file value holds an invisible character ---------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ('\n[[columns]]\nid = "gzdt"\nname = "工作\\uFFFF动态"\ntype = "news"\n', 9,
         "columns[0].name: U+FFFF, a noncharacter, which is no text at all, that web pages and feeds cannot carry; delete it"),
        ('\n[[columns]]\nid = "gzdt"\nname = "工作\uFFFE动态"\ntype = "news"\n', 9,
         "columns[0].name: U+FFFE, a noncharacter, which is no text at all, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\uFDD0盟"\n', 6, "short_name: U+FDD0, a noncharacter, which is no text at all, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\U0010FFFF盟"\n', 6, "short_name: U+10FFFF, a noncharacter, which is no text at all, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\u202e盟"\n', 6,
         "short_name: U+202E, a direction override, which makes text read differently from how it is written, which no government text needs; delete it"),
        ('short_name = "兴安\\u2028盟"\n', 6, "short_name: U+2028, a Unicode line separator, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\n盟"\n', 6, "short_name: U+000A, a line break, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\t盟"\n', 6, "short_name: U+0009, a tab, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\u001b[31m盟"\n', 6, "short_name: U+001B, a control character, that web pages and feeds cannot carry; delete it"),
        ('short_name = "兴安\\u0085盟"\n', 6, "short_name: U+0085, a NEL line break, that web pages and feeds cannot carry; delete it"),
        ('[pelican.settings]\nSTAMP = "a\\u0007"\n', 7, "pelican.settings.STAMP: U+0007, a control character, that web pages and feeds cannot carry; delete it"),
        ('[theme]\nhome_columns = ["zwdt", "tz\\u200fgg"]\n', 7,
         "theme.home_columns[1]: U+200F, a direction override, which makes text read differently from how it is written, which no government text needs; delete it"),
    ],
)
def test_a_site_file_value_with_an_invisible_character_is_a_located_error(repo: Repo, extra: str, line: int, message: str) -> None:
    repo.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal", extra=extra))
    problems = Problems()
    load_cluster(repo.root, problems)
    found = [(p.line, p.message) for p in problems if p.code == "control-character"]
    assert found == [(line, message)], [p.format() for p in problems]


def test_check_refuses_a_column_name_with_a_noncharacter(repo: Repo) -> None:
    repo.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal", columns=(("gzdt", "工作\uffff动态", "news"),)))
    result = repo.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == ["sites/portal.toml:16: control-character: columns[0].name: U+FFFF, a noncharacter, which is no text at all, that web pages and feeds cannot carry; delete it"]


def test_a_key_with_an_invisible_character_is_shown_escaped(repo: Repo) -> None:
    repo.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal", extra='[pelican.settings]\n"STAMP\\u202e" = "x"\n'))
    problems = Problems()
    load_cluster(repo.root, problems)
    assert [p.message for p in problems if p.code == "control-character"] == [
        "pelican.settings.STAMP\\u202e: U+202E, a direction override, which makes text read differently from how it is written, which no government text needs; delete it"
    ]


# --- help: the words for what a user types, in the user's language --------------------------------


def _help(*args: str, width: int | None = None) -> str:
    extra = {"terminal_width": width} if width else {}
    result = CliRunner().invoke(build.cli, [*args, "-h"], prog_name="build.py", catch_exceptions=False, **extra)
    assert result.exit_code == 0, result.output
    return result.stdout


COMMANDS = [[], *([name] for name in build.cli.commands)]


def test_english_help_names_what_to_type() -> None:
    assert _help("--lang", "en", "new").startswith("Usage: build.py new [OPTIONS] SITE COLUMN TITLE\n")
    assert _help("--lang", "en", "columns").startswith("Usage: build.py columns [OPTIONS] SITE\n")
    assert _help("--lang", "en", "stats").startswith("Usage: build.py stats [OPTIONS] LOGS...\n")
    assert _help("--lang", "en").startswith("Usage: build.py [OPTIONS] COMMAND [ARGS]...\n")
    build_help = _help("--lang", "en", "build")
    for option in ("--site SITE ", "--out DIR ", "--jobs N ", "--today YYYY-MM-DD "):
        assert option in build_help
    assert "--root DIR " in _help("--lang", "en") and "--top N " in _help("--lang", "en", "stats")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "build.py")
def test_no_help_shows_click_s_type_names(command: list[str]) -> None:
    for language in ("en", "zh"):
        text = _help("--lang", language, *command)
        assert not re.search(r"\b(TEXT|DIRECTORY|FILE|PATH|INTEGER|RANGE)\b", text), text


def test_chinese_help_names_what_to_type_in_chinese() -> None:
    assert _help("--lang", "zh", "new").startswith("用法: build.py new [选项] 网站 栏目 标题\n")
    assert _help("--lang", "zh").startswith("用法: build.py [选项] 命令 [参数]...\n")
    assert _help("--lang", "zh", "stats").startswith("用法: build.py stats [选项] 日志文件...\n")
    build_help = _help("--lang", "zh", "build")
    for option in ("--site 网站 ", "--out 文件夹 ", "--jobs 数量 "):
        assert option in build_help


def test_the_english_words_are_back_after_chinese_help() -> None:
    _help("--lang", "zh", "new")
    chinese("new")  # an error too
    assert [p.metavar for p in build.new_command.params[:3]] == ["SITE", "COLUMN", "TITLE"]
    assert build.new_command.options_metavar == "[OPTIONS]" and build.cli.subcommand_metavar == "COMMAND [ARGS]..."
    out = next(p for p in build.build.params if p.name == "out")
    assert out.type.name == "directory" and out.metavar == "DIR"
    assert click.formatting.term_len("网站") == 2  # click's own measure, once the command is done


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "build.py")
def test_chinese_help_is_lined_up_by_terminal_columns(command: list[str]) -> None:
    """``--site 网站`` takes 11 columns, not 9: every option's help starts in one column."""
    text = _help("--lang", "zh", *command)
    options = text.split("选项:\n")[1].split("\n\n")[0].splitlines()
    starts = set()
    for line in options:
        match = re.match(r"^(  -\S.*?  +)(\S)", line)
        if match and not line.startswith("  --target [preview|production|intranet]"):
            starts.add(width(match.group(1)))
    continuation = {width(re.match(r"^ *", line).group(0)) for line in options if not line.startswith("  -")}  # type: ignore[union-attr]
    assert len(starts) == 1 and continuation <= starts, text


@pytest.mark.parametrize("terminal", [*range(57, 79, 3), 100])
def test_chinese_help_never_breaks_a_line_inside_an_ascii_word(terminal: int) -> None:
    """``int\\nranet`` in a Chinese sentence: the translations leave a space at each ASCII word.

    From 57 columns on, the help column holds the longest word (SOURCE_DATE_EPOCH); click lays
    help out in at most 78.
    """
    split = []
    for command in COMMANDS:
        lines = _help("--lang", "zh", *command, width=terminal).splitlines()
        words = set(re.findall(r"[A-Za-z0-9_./<>-]+", _help("--lang", "zh", *command, width=1000)))
        for before, after in zip(lines, lines[1:]):
            tail, head = re.search(r"[A-Za-z0-9_./<>-]*$", before).group(0), re.match(r"^\s*([A-Za-z0-9_./<>-]*)", after).group(1)  # type: ignore[union-attr]
            if tail and head and any(tail + head in word for word in words):
                split.append(f"{' '.join(command)}: {tail}|{head}")
    assert split == []


# --- click's messages, whole in Chinese ----------------------------------------------------------------


def test_click_s_messages_name_arguments_in_chinese_and_end_with_a_chinese_full_stop(cluster: Repo) -> None:
    missing = chinese("--root", str(cluster.root), "new", "portal", "zwdt")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("用法: build.py new [选项] 网站 栏目 标题\n")
    assert missing.stderr.strip().endswith("错误：缺少参数 '标题'。")
    nofile = chinese("stats", "nofile.log")
    assert nofile.stderr.strip().endswith("错误：'日志文件...' 的值无效：文件 'nofile.log' 不存在。")
    assert "错误：'--root' 的值无效：文件夹 " in chinese("--root", str(cluster.write("afile", "")), "check").stderr
    assert chinese("build", "--jobs", "x").stderr.strip().endswith("错误：'--jobs' 的值无效：'x' 不是有效的整数。")
    assert chinese("new", "portal", "zwdt", "标题", "多余").stderr.strip().endswith("错误：多余的参数（多余）。")


def test_click_s_messages_stay_as_they_are_in_english(cluster: Repo) -> None:
    missing = cluster.run("new", "portal", "zwdt")
    assert missing.stderr.strip().endswith("Error: Missing argument 'TITLE'.")
    assert cluster.run("stats", "nofile.log").stderr.strip().endswith("Error: Invalid value for 'LOGS...': File 'nofile.log' does not exist.")
    assert cluster.run("build", "--jobs", "x").stderr.strip().endswith("Error: Invalid value for '--jobs': 'x' is not a valid integer range.")


# --- the audit's text -------------------------------------------------------------------------------


def test_the_audit_text_is_chinese_in_chinese(cluster: Repo) -> None:
    result = chinese("--root", str(cluster.root), "audit", "--no-html", "--today", "2026-12-31")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "兴安盟（portal）" and "乌兰浩特市（ulanhot）" in lines
    assert re.search(r"^  不合格  首页更新 +\d+ / 14 ", result.stdout, re.M)
    assert re.search(r"^  合格    空白栏目 +0 / 5 ", result.stdout, re.M)
    assert "        栏目：政务动态（zwdt），已 274 天，限 14 天；栏目：通知公告（tzgg），已 273 天，限 183 天" in lines
    assert not re.search(r"\b(pass|warn|fail|home-updated|stale-columns)\b", result.stdout)
    assert result.stderr.strip().endswith("；单项否决项不合格：兴安盟 首页更新, 阿尔山市 首页更新, 乌兰浩特市 首页更新, 统计局 首页更新")


def test_the_audit_text_keeps_its_english_form(cluster: Repo) -> None:
    result = cluster.run("audit", "--no-html", "--today", "2026-12-31", "--site", "ulanhot")
    assert result.stdout.splitlines()[0] == "ulanhot"
    assert re.search(r"^  fail  home-updated                \d+ / 14 ", result.stdout, re.M)
    assert "\n        zwdt 政务动态 274 14; tzgg 通知公告 273 183\n" in result.stdout
    assert result.stderr.strip().endswith("single veto (单项否决) failed: ulanhot home-updated")


def test_the_audit_prints_a_planted_link_report_harmlessly(cluster: Repo) -> None:
    """A link report anyone could have written: its text never reaches the terminal as commands."""
    forged = "\x1b]0;owned\x07\x1b[2Jx\n  pass  broken-links                0 / 10\u202e"
    link = {"page": "index.html", "attribute": "href", "href": forged, "reason": "gone\r\x9b", "code": "dead-link", "origin": "templates"}
    report = {"format": 1, "target": "production", "output": "output/production",
              "sites": {"ulanhot": {"published": True, "pages": 1, "links": 1, "broken": [link]}}}
    cluster.write("output/reports/links-production.json", json.dumps(report))
    for result in (cluster.run("audit", "--no-html", "--site", "ulanhot"), chinese("--root", str(cluster.root), "audit", "--no-html", "--site", "ulanhot")):
        shown = result.stdout + result.stderr
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", shown), shown
        assert "\\x1b]0;owned\\x07\\x1b[2Jx\\n  pass  broken-links" in shown and "\\u202e" in shown
        assert not any(line.startswith("  pass  broken-links") for line in result.stdout.splitlines())


def test_printable_escapes_what_a_terminal_would_obey() -> None:
    assert printable("a\x1b[31mb\x07\nc\u202ed\u2066\u2028\t") == "a\\x1b[31mb\\x07\\nc\\u202ed\\u2066\\u2028\\t"
    assert printable("兴安盟 2026—2027") == "兴安盟 2026—2027" and printable(274) == "274"

