"""A problem is one line of plain text: what an author named a file cannot drive the terminal.

``check`` prints ``path:line: code: message``. The path is the author's file name, so it is shown
escaped like the message: an ESC sequence would retitle or clear the terminal, a line break would
forge a problem line of its own, U+2028 splits lines in editors and CI logs, a bidirectional
override (U+202E) shows the rest of the line reversed.
"""

from __future__ import annotations

import json

import pytest
from conftest import Repo, article

from zhanqun.errors import (
    Problem,
    Problems,
    escape_unprintable,
    format_json,
    format_text,
)

#: What a hostile file name may hold, and how a problem line shows it.
HOSTILE = {
    "\x1b": "\\x1b",  # ESC: starts a terminal command
    "\x07": "\\x07",  # BEL: ends an OSC (a window title)
    "\n": "\\n",  # a line break: a forged problem line
    "\r": "\\r",
    "\x9b": "\\x9b",  # the one-byte CSI of C1
    "\u2028": "\\u2028",  # LINE SEPARATOR
    "\u2029": "\\u2029",
    "\u202e": "\\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202a": "\\u202a",
    "\u2066": "\\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2069": "\\u2069",
    "\u200f": "\\u200f",  # RIGHT-TO-LEFT MARK
    "\u061c": "\\u061c",  # ARABIC LETTER MARK
}


@pytest.mark.parametrize("char, shown", HOSTILE.items())
def test_the_path_and_the_message_are_shown_escaped(char: str, shown: str) -> None:
    problem = Problem(f"content/portal/zwdt/a{char}b.md", 3, "bad-file-name", f"the name 'a{char}b' is odd")
    assert problem.path == f"content/portal/zwdt/a{shown}b.md"
    assert problem.format() == f"content/portal/zwdt/a{shown}b.md:3: bad-file-name: the name 'a{shown}b' is odd"
    assert problem.to_json()["file"] == problem.to_json()["path"] == problem.path


def test_plain_text_stays_as_it_is() -> None:
    text = "content/portal/zwdt/春季 农业-2026_v1.md"
    assert escape_unprintable(text) == text
    assert Problem(text, None, "x", "中文“引号”").format() == f"{text}: x: 中文“引号”"


def test_a_forged_line_stays_on_the_problems_line() -> None:
    problems = Problems()
    problems.add("content/portal/zwdt/a.md\ncontent/portal/zwdt/b.md:1: unknown-key: forged", 1, "bad-file-name", "x")
    text = format_text(problems.sorted())
    assert text.count("\n") == 0 and "a.md\\ncontent" in text
    assert json.loads(format_json(problems))[0]["file"].count("\n") == 0


def test_check_prints_a_hostile_file_name_escaped(small_cluster: Repo) -> None:
    name = "x\x1b]0;PWNED\x07\x1b[2J\n\u2028\u202eevil.md"
    small_cluster.write(f"content/portal/zwdt/{name}", article("标题", "2026-03-01"))
    result = small_cluster.run("check")
    assert result.exit_code == 1
    for char in HOSTILE:
        if char in ("\n",):
            continue
        assert char not in result.stderr, repr(char)
    lines = result.stderr.splitlines()
    hostile = [line for line in lines if "PWNED" in line]
    assert len(hostile) == 1, lines  # one problem, one line: nothing forged
    assert hostile[0].startswith("content/portal/zwdt/x\\x1b]0;PWNED\\x07\\x1b[2J\\n\\u2028\\u202eevil.md: ")
    result = small_cluster.run("--format", "json", "check")
    files = [problem["file"] for problem in json.loads(result.stdout) if "PWNED" in problem["file"]]
    assert files and all("\x1b" not in f and "\u202e" not in f for f in files)
