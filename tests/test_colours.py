"""Colour safety: a [theme] colour that fails 4.5:1 with the text drawn on it is a located error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zhanqun.config.colours import (
    DARK_TEXT,
    WHITE,
    check_theme_colours,
    contrast,
    derived,
    format_ratio,
    suggest,
)
from zhanqun.errors import Problems

colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_black_on_white_has_the_maximum_contrast() -> None:
    assert round(contrast("#000000", WHITE), 2) == 21.0
    assert contrast(WHITE, WHITE) == 1.0


def test_contrast_matches_the_wcag_reference_values() -> None:
    assert round(contrast("#777777", WHITE), 2) == 4.48  # the classic just-failing grey
    assert round(contrast("#767676", WHITE), 2) == 4.54


def test_ratio_is_rounded_down_so_a_failing_colour_never_reads_as_passing() -> None:
    assert format_ratio(4.499) == "4.4:1"
    assert format_ratio(2.16) == "2.1:1"


@given(colours)
def test_a_suggested_primary_always_passes_with_white_text(colour: str) -> None:
    assert contrast(suggest(colour, WHITE, "darker"), WHITE) >= 4.5


@given(colours)
def test_a_suggested_accent_always_passes_with_dark_text(colour: str) -> None:
    assert contrast(suggest(colour, DARK_TEXT, "lighter"), DARK_TEXT) >= 4.5


def test_suggestion_keeps_the_hue_of_the_webmasters_colour() -> None:
    better = suggest("#7fbf7f", WHITE, "darker")
    r, g, b = (int(better[i : i + 2], 16) for i in (1, 3, 5))
    assert g > r and g > b and r == b  # still a green


def test_derived_colours_keep_white_text_readable_on_the_dark_primary() -> None:
    colours = derived("#b31b1b", "#c8a04a")
    assert contrast(colours["primary_dark"], WHITE) > contrast("#b31b1b", WHITE)
    assert contrast(colours["primary_soft"], DARK_TEXT) >= 4.5


def test_passing_colours_are_not_reported() -> None:
    problems = Problems()
    check_theme_colours({"primary": "#1e5c3a", "accent": "#9fd3b4"}, "sites/arxan.toml", lambda key: 3, problems)
    assert len(problems) == 0


def test_low_contrast_primary_is_a_located_error_with_ratio_and_suggestion(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal")
    repo.site("arxan", "阿尔山市人民政府", extra='[theme]\nprimary = "#7fbf7f"\n')
    result = repo.run("build")
    assert result.exit_code == 1
    line = repo.root.joinpath("sites/arxan.toml").read_text(encoding="utf-8").splitlines().index('primary = "#7fbf7f"') + 1
    better = suggest("#7fbf7f", WHITE, "darker")
    assert (
        f"sites/arxan.toml:{line}: low-contrast: theme.primary '#7fbf7f' has contrast 2.1:1 with white text; "
        f"needs 4.5:1 — try '{better}'"
    ) in result.output


def test_low_contrast_accent_is_an_error_suggesting_a_lighter_colour(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal", extra='[theme]\naccent = "#1d3f8f"\n')
    result = repo.run("check")
    assert result.exit_code == 1
    assert "low-contrast: theme.accent '#1d3f8f' has contrast 1.6:1 with dark text (#1f1f1f)" in result.output
    better = result.output.split("try '")[1][:7]
    assert contrast(better, DARK_TEXT) >= 4.5 and contrast(better, WHITE) < contrast("#1d3f8f", WHITE)


def test_theme_settings_reach_the_page_as_css_custom_properties(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal", extra='[theme]\nprimary = "#1e5c3a"\naccent = "#9fd3b4"\n')
    repo.write("content/portal/zwdt/a.md", "Title: 标题\nDate: 2026-03-01\n\n正文。\n")
    assert repo.run("build").exit_code == 0
    head = repo.html("portal", "index.html").split("</head>")[0]
    assert "--primary: #1e5c3a;" in head and "--accent: #9fd3b4;" in head
    assert f"--primary-dark: {derived('#1e5c3a', '#9fd3b4')['primary_dark']};" in head
