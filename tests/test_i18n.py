"""Messages and help in Chinese by default, English on request; every message has its translation."""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Repo, article

from zhanqun import i18n
from zhanqun.commands.catalog import MO_FILE, check_translations, extract, fields, our_sources, read_catalog, untranslated
from zhanqun.commands.cli_language import language_in

BUILD = str(REPO / "build.py")
#: a problem line: path[:line]: [warning: ]code: message — the code stays ASCII in every language
PROBLEM = re.compile(r"^(?P<where>[^:]+(?::\d+)?): (?:(?:warning|警告): )?(?P<code>[a-z0-9-]+): (?P<message>.+)$")


# --- the catalog ------------------------------------------------------------------------------


def test_every_message_has_a_chinese_translation() -> None:
    missing = untranslated(read_catalog(), extract(with_click=False))
    assert missing == [], "run `python -m zhanqun.commands.catalog` and translate:\n" + "\n".join(missing)


def test_translations_keep_the_fields_of_their_message() -> None:
    wrong = []
    for message in read_catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(fields(text) for text in ids))
        for text in strings:
            if fields(text) - wanted or (len(ids) == 1 and fields(text) != wanted):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert wrong == []


def test_the_compiled_catalog_is_the_po_file() -> None:
    """The .mo that gettext reads holds exactly the .po's translations (recompile after editing)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in read_catalog():
        if not message.id or isinstance(message.id, tuple) or not message.string:
            continue
        assert compiled.gettext(message.id) == message.string, message.id


def test_the_checker_names_a_missing_or_mismatched_translation(tmp_path: Path) -> None:
    source = tmp_path / "zhanqun" / "x.py"
    source.parent.mkdir()
    source.write_text('from .i18n import _\nA = _("unknown column {column!r}")\nB = _("two")\n', encoding="utf-8")
    problems = check_translations({"unknown column {column!r}": "未知栏目“{colum}”"}, [source], root=tmp_path)
    assert problems == [
        "zhanqun/x.py:3: no translation for 'two'",
        "fields differ: 'unknown column {column!r}' has ['column'], '未知栏目“{colum}”' has ['colum']",
    ]


# --- no message escapes the catalog -------------------------------------------------------------

#: calls whose argument at this position (or keyword) is shown to the user
_MESSAGE_ARGUMENT = {"add": 3, "warn": 3, "Problem": 3, "UsageError": 0, "ClickException": 0, "BadParameter": 0, "fail": 0, "NewItemError": 0, "echo": 0}
_WORDS = re.compile(r"[A-Za-z]{3,}")


def _literal_text(node: ast.expr) -> str | None:
    """The English text written directly in ``node`` (a literal, an f-string, a concatenation), if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    return None


def untranslated_messages(path: Path, source: str) -> list[str]:
    """Calls in ``source`` that show the user English written in place instead of through ``_()``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in _MESSAGE_ARGUMENT:
            continue
        position = _MESSAGE_ARGUMENT[name]
        if name in ("add", "warn") and len(node.args) < 4:
            continue  # set.add(x), warnings.warn(x): not a problem report
        argument = node.args[position] if len(node.args) > position else next((k.value for k in node.keywords if k.arg in ("message", "msg")), None)
        text = _literal_text(argument) if argument is not None else None
        if text and _WORDS.search(text):
            found.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}: {name}({text[:60]!r})")
    return found


def test_no_message_is_written_in_place_of_a_translation() -> None:
    found = [problem for path in our_sources(REPO) for problem in untranslated_messages(path, path.read_text(encoding="utf-8"))]
    assert found == [], "wrap these in _():\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'problems.add(path, 3, "bad-value", f"unknown column {name!r}")',
        'problems.warn(path, None, "x", "the file is empty")',
        'raise click.UsageError("no site " + name)',
        'click.echo(f"built {n} site(s)")',
    ],
)
def test_the_rule_catches_a_message_written_in_place(source: str) -> None:
    assert untranslated_messages(REPO / "x.py", source) != []


def test_the_rule_lets_translated_and_computed_messages_pass() -> None:
    source = 'problems.add(p, 1, "c", _("unknown column {name!r}").format(name=n))\nproblems.add(p, 1, "c", message)\nseen.add("x")\nclick.echo(f"{row[\'id\']:<10} {row[\'name\']}")\n'
    assert untranslated_messages(REPO / "x.py", source) == []


# --- choosing the language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
        ({"ZHANQUN_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        ({"ZHANQUN_LANG": "EN"}, "en"),
        ({"ZHANQUN_LANG": "fr", "LANG": "en_US.UTF-8"}, "en"),  # not ours to take: the locale decides
    ],
)
def test_the_language_comes_from_the_environment(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environ) == language


@pytest.mark.parametrize(
    ("args", "language"),
    [
        (["check"], None),
        (["--lang", "en", "check"], "en"),
        (["check", "--lang=zh"], "zh"),
        (["--lang", "en", "check", "--lang", "zh"], "zh"),
        (["--lang", "fr", "check"], None),  # click refuses it, in the default language
        (["new", "ulanhot", "zwdt", "--", "--lang", "en"], None),  # a title, not an option
    ],
)
def test_lang_is_read_before_click_parses(args: list[str], language: str | None) -> None:
    assert language_in(args) == language


def test_use_language_refuses_what_it_cannot_speak() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.use_language("fr")


# --- the command line speaks Chinese --------------------------------------------------------------


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``build.py`` as a user starts it: no ZHANQUN_LANG unless given, a C locale unless given."""
    environ = {k: v for k, v in os.environ.items() if k not in ("ZHANQUN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ["LANG"] = "C.UTF-8"
    environ.update(env or {})
    return subprocess.run([sys.executable, BUILD, *args], capture_output=True, text=True, env=environ, cwd=cwd, timeout=120)


@pytest.fixture
def broken(repo: Repo) -> Repo:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", "Title: 春耕\nStatus：draft\nDate: 2026-03-01\n\n正文。\n")
    repo.write("content/portal/zwgk/b.md", article("放错栏目的稿件"))
    return repo


def test_help_is_chinese_by_default() -> None:
    result = _run("-h")
    assert result.returncode == 0
    assert result.stdout.startswith("用法: build.py [选项] 命令 [参数]...")
    for text in ("zhanqun 站群：生成兴安盟政府网站群。", "选项:", "命令:", "显示本帮助后退出。", "为一个发布版本生成指定的网站（默认全部）。"):
        assert text in result.stdout
    assert "Show this message" not in result.stdout


def test_a_command_s_help_is_chinese_and_english_on_request() -> None:
    chinese = _run("check", "-h")
    assert "检查网站配置文件、稿件和链接，不写出任何文件。" in chinese.stdout and "默认：preview" in chinese.stdout
    for english in (_run("check", "-h", "--lang", "en"), _run("--lang", "en", "check", "-h"), _run("check", "-h", env={"LANG": "en_US.UTF-8"}), _run("check", "-h", env={"ZHANQUN_LANG": "en"})):
        assert english.stdout.startswith("Usage: build.py check [OPTIONS]")
        assert "Validate site files, content and links without writing the output." in english.stdout
        assert "default: preview" in english.stdout


def test_a_required_option_is_marked_in_chinese() -> None:
    chinese = _run("deploy", "-h")
    assert "[必填]" in chinese.stdout and "[required]" not in chinese.stdout
    assert "[required]" in _run("--lang", "en", "deploy", "-h").stdout


def test_content_errors_are_chinese_with_ascii_codes(broken: Repo) -> None:
    result = _run("--root", str(broken.root), "check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    problems = [PROBLEM.match(line) for line in lines[:-1]]
    assert all(problems), lines
    assert {m["code"] for m in problems if m} >= {"wide-colon", "unknown-column"}
    for match in problems:
        assert match and re.search("[\u4e00-\u9fff]", match["message"]), match
    assert lines[-1].startswith("未通过：")


def test_json_problems_keep_ascii_codes_and_chinese_messages(broken: Repo) -> None:
    result = _run("--root", str(broken.root), "check", "--format", "json")
    items = json.loads(result.stdout)
    assert {item["code"] for item in items} >= {"wide-colon", "unknown-column"}
    assert all(re.search("[\u4e00-\u9fff]", item["message"]) for item in items)


def test_the_same_problems_in_english_on_request(broken: Repo) -> None:
    chinese = _run("--root", str(broken.root), "check")
    english = _run("--root", str(broken.root), "--lang", "en", "check")
    assert english.returncode == chinese.returncode == 1
    where = lambda text: [(m["where"], m["code"]) for m in map(PROBLEM.match, text.strip().splitlines()[:-1]) if m]  # noqa: E731
    assert where(english.stderr) == where(chinese.stderr)
    assert english.stderr.strip().splitlines()[-1].startswith("failed: ")
    assert not re.search("[\u4e00-\u9fff]{2,}(?![^“”]*”)", english.stderr.strip().splitlines()[-1])


def test_click_s_own_errors_are_chinese() -> None:
    result = _run("build", "--target", "nope")
    assert result.returncode == 2
    assert "用法: build.py build [选项]" in result.stderr
    assert "输入“build.py build --help”查看帮助。" in result.stderr
    assert "错误：--target 的值无效" in result.stderr or "错误：'--target' 的值无效" in result.stderr
    unknown = _run("chek")
    assert unknown.returncode == 2 and "没有命令 'chek'。" in unknown.stderr


def test_our_usage_errors_are_chinese(tmp_path: Path) -> None:
    result = _run("--root", str(tmp_path), "check")
    assert result.returncode == 2
    assert "下没有 sites/ 文件夹；--root 指向的是 zhanqun 内容库吗？" in result.stderr


def test_showing_help_leaves_the_english_texts_in_place() -> None:
    from click.testing import CliRunner

    import build

    before = (build.cli.help, build.check.help, [p.help for p in build.check.params])
    result = CliRunner().invoke(build.cli, ["--lang", "zh", "check", "-h"])
    assert "检查网站配置文件" in result.output
    assert (build.cli.help, build.check.help, [p.help for p in build.check.params]) == before
