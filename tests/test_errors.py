"""The error collector: every problem once, grouped per file, printable and JSON-able."""

from zhanqun.errors import Problems, did_you_mean, format_text


def test_the_same_problem_found_twice_is_reported_once() -> None:
    problems = Problems()
    problems.add("content/a.md", 3, "unknown-key", "x")
    problems.add("content/a.md", 3, "unknown-key", "x")
    problems.extend(list(problems))
    assert len(problems) == 1


def test_problems_are_grouped_per_file_in_line_order() -> None:
    problems = Problems()
    problems.add("content/b.md", 1, "c", "m")
    problems.add("content/a.md", 9, "c", "m")
    problems.add("content/a.md", None, "c", "whole file")
    problems.warn("content/a.md", 2, "encoding", "w")
    assert format_text(problems.sorted()).splitlines() == [
        "content/a.md: c: whole file",
        "content/a.md:2: warning: encoding: w",
        "content/a.md:9: c: m",
        "content/b.md:1: c: m",
    ]
    assert len(problems.errors) == 3 and len(problems.warnings) == 1


def test_did_you_mean_suggests_only_close_words() -> None:
    assert did_you_mean("zwdtt", ["zwdt", "tzgg"]) == " (did you mean 'zwdt'?)"
    assert did_you_mean("qqqq", ["zwdt", "tzgg"]) == ""
    assert did_you_mean("STATUS", ["Status"]) == " (did you mean 'Status'?)"
