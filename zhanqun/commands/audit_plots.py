"""The audit report's plots: static SVG drawn with pygal from the series of ``audit_series.py``.

Each plot is drawn twice, in the two palettes of the theme's 无障碍 modes: ``normal`` (dark on
white, large text) and ``contrast`` (white and yellow on black, like ``html.zq-contrast``); the
report shows the second to readers who asked their system for more contrast. Every SVG is a
standalone image with a ``<title>``, ``role="img"`` and an ``aria-label`` saying what it shows;
the report puts the same numbers in a table beside it.

The SVGs are reproducible and self-contained: pygal's random chart id is replaced by a fixed one,
its comments (which carry the day they were drawn) are dropped, and so is its ``<script>`` (the
tooltips' configuration; no JavaScript file is referenced either, ``js=[]``). No font is loaded:
the text is drawn in the reader's own Chinese fonts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.etree import etree as pygal_etree
from pygal.style import Style

from .audit_series import ColumnAge, LetterMonth, Week

# pygal draws with lxml when it is installed and with the standard library's ElementTree when not,
# and the two write different bytes (lxml declares the xlink namespace): the same report must not
# depend on what else happens to be installed, so it always draws with the standard library.
pygal_etree.to_etree()

#: What no text of the report may hold: characters XML 1.0 does not allow (C0 controls but tab and
#: line ends, lone surrogates, U+FFFE and U+FFFF) — an SVG with one is no image at all — and those
#: HTML reads as parse errors (DEL, C1 controls, the other noncharacters).
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17))
    + "]"
)


def xml_text(text: str) -> str:
    """``text`` fit for XML and HTML: each character they do not allow replaced by U+FFFD (�), so a
    site file's column name with U+FFFF in it shows where it is wrong instead of breaking the file."""
    return _NOT_XML.sub("\ufffd", text)


#: The theme's font stack (themes/gov/static/css/gov.css): no web font, the reader's own.
FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
WIDTH = 1000


Paint = tuple[str, str]  # (fill, outline)


@dataclass(frozen=True)
class Palette:
    """The colours of one 无障碍 mode. Bars and dots are light (dark in ``contrast``) with a strong
    outline, so the numbers printed on them read as well as those beside them (text 7:1 and
    more, outlines 3:1 and more against the background)."""

    name: str
    background: str
    text: str
    guide: str
    series: tuple[Paint, Paint]  # received/answered; days since the last update
    limit: Paint
    over: Paint  # a column over its limit
    dot: Paint
    line: str


NORMAL = Palette(
    "normal", "#ffffff", "#000000", "#595959",
    (("#d4e4f4", "#0b4f8a"), ("#f6dcc9", "#a84300")), ("#e8e8e8", "#595959"), ("#f5cccc", "#b31b1b"), ("#d4e4f4", "#0b4f8a"), "#0b4f8a",
)
CONTRAST = Palette(
    "contrast", "#000000", "#ffffff", "#c8c8c8",
    (("#3d3d00", "#ffff00"), ("#003d3d", "#00ffff")), ("#333333", "#ffffff"), ("#4d0000", "#ff8c8c"), ("#000000", "#ffff00"), "#ffff00",
)
PALETTES = (NORMAL, CONTRAST)
#: Heights of the drawings (px at WIDTH): the pages reserve the same room for them.
LETTERS_HEIGHT = 480
RATE_HEIGHT = 420


def updates_height(rows: int) -> int:
    return 130 + 60 * max(rows, 1)


def ages_height(rows: int) -> int:
    return 150 + 76 * max(rows, 1)


#: Text sizes (px in a 1000 px wide drawing): large, as in 长者模式.
LABEL_SIZE = 18
VALUE_SIZE = 18


def _style(palette: Palette, paints: tuple[Paint, ...]) -> Style:
    return Style(
        background=palette.background, plot_background=palette.background,
        foreground=palette.text, foreground_strong=palette.text, foreground_subtle=palette.guide,
        colors=tuple(outline for _fill, outline in paints), value_colors=tuple(palette.text for _ in paints), font_family=FONT,
        label_font_size=LABEL_SIZE, major_label_font_size=LABEL_SIZE, value_font_size=VALUE_SIZE, legend_font_size=20,
        title_font_size=22, tooltip_font_size=18, no_data_font_size=24,
        opacity="1", opacity_hover="1", transition="0ms",
    )


def _css(chart_id: str, palette: Palette, paints: tuple[Paint, ...], extra: str = "") -> list[str]:
    """pygal's own style sheets, then ours: fills and outlines per series, guides in the palette."""
    cid = f"#chart-{chart_id}"
    rules = [
        f"{cid} .axis .guide.line,{cid} .axis .major.guide.line{{stroke:{palette.guide};stroke-dasharray:4,6;stroke-width:1px}}",
        f"{cid} .axis .line{{stroke:{palette.text}}}",
    ]
    for n, (fill, outline) in enumerate(paints):
        rules.append(f"{cid} .color-{n}.reactive,{cid} .color-{n} .reactive{{fill:{fill};stroke:{outline};stroke-width:3px;fill-opacity:1;stroke-opacity:1}}")
    return ["file://style.css", "file://graph.css", "inline:" + "".join(rules) + extra]


def wide_text_margin(labels: list[str], size: int = LABEL_SIZE) -> int:
    """Room for labels in Chinese: pygal reckons every character 0.6 em wide, a Chinese one is 1 em."""
    wide = max((sum(1 for ch in label if ord(ch) > 0x2E7F) for label in labels), default=0)
    return 24 + round(0.45 * size * wide)


def _config(chart_id: str, palette: Palette, paints: tuple[Paint, ...], extra_css: str = "", **options: Any) -> dict[str, Any]:
    return {
        "style": _style(palette, paints), "css": _css(chart_id, palette, paints, extra_css), "js": [],
        "disable_xml_declaration": True, "width": WIDTH, "legend_at_bottom": True, "print_values": True,
        "print_zeroes": True, "truncate_label": -1, "truncate_legend": -1, "no_data_text": "无数据",
        "show_minor_x_labels": True, "margin_left": 24, "margin_right": 60, **options,
    }


def finish(chart: Any, chart_id: str, label: str) -> str:
    """Render ``chart`` as a reproducible, self-contained, labelled SVG document (no XML declaration)."""
    chart.uuid = chart_id  # pygal draws a random one otherwise (the id of the <svg> and its CSS)
    label = xml_text(label)

    def tidy(root: ElementTree.Element) -> ElementTree.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                # comments (one holds the day it was drawn) and pygal's <script> (its tooltips' settings)
                if not isinstance(child.tag, str) or child.tag.rpartition("}")[2] == "script":
                    parent.remove(child)
        root.set("role", "img")
        root.set("aria-label", label)
        for title in list(root)[:3]:
            if isinstance(title.tag, str) and title.tag.rpartition("}")[2] == "title":
                title.text = label  # the SVG's own name (pygal writes its chart title, or "Pygal")
                break
        return root

    chart.add_xml_filter(tidy)
    return xml_text(chart.render(is_unicode=True)) + "\n"  # whatever text pygal was given


def _integer_labels(top: int) -> list[int]:
    """Whole-number labels from 0 to at least ``top``, at most nine of them (steps of 1, 2, 5, 10, 20, …)."""
    top, magnitude = max(top, 1), 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if top / step <= 8:
                return list(range(0, -(-top // step) * step + 1, step))
        magnitude *= 10


def week_label(week: Week) -> str:
    """``11/20`` for the week starting on 20 November."""
    return f"{week.start.month}/{week.start.day}"


def month_label(month: str) -> str:
    """``11月`` (the axis title names the years)."""
    return f"{int(month.split('-')[1])}月"


def updates_chart(chart_id: str, label: str, rows: list[tuple[str, list[int]]], weeks: list[Week], palette: Palette) -> str:
    """A punch card: one row per column (or site), one dot per week, its size and number the updates."""
    paints = tuple(palette.dot for _ in rows) or (palette.dot,)
    chart = pygal.Dot(**_config(
        chart_id, palette, paints, height=updates_height(len(rows)), show_legend=False, x_title="周（起始日）", logarithmic=True,
        no_data_text="这段时间没有更新",
        margin_left=wide_text_margin([name for name, _counts in rows]),
    ))
    chart.x_labels = [week_label(week) for week in weeks]
    for name, counts in rows:
        chart.add(xml_text(name), counts)  # lxml, when pygal uses it, refuses such text outright
    return finish(chart, chart_id, label)


def month_span(months: list[LetterMonth]) -> str:
    """``2025年12月至2026年11月``."""
    if not months:
        return ""
    (first_year, first), (last_year, last) = months[0].month.split("-"), months[-1].month.split("-")
    return f"{first_year}年{int(first)}月至{last_year}年{int(last)}月"


def letters_chart(chart_id: str, label: str, months: list[LetterMonth], palette: Palette) -> str:
    """Bars per month: letters received and, of them, answered."""
    chart = pygal.Bar(**_config(chart_id, palette, palette.series, height=LETTERS_HEIGHT, y_title="件数", x_title=f"受理月份（{month_span(months)}）"))
    chart.x_labels = [month_label(row.month) for row in months]
    chart.y_labels = _integer_labels(max([row.received for row in months] + [1]))
    chart.add("收到", [row.received for row in months])
    chart.add("已答复", [row.answered for row in months])
    return finish(chart, chart_id, label)


def rate_chart(chart_id: str, label: str, months: list[LetterMonth], palette: Palette) -> str:
    """The reply rate per month in per cent (a gap in a month without letters)."""
    paints = ((palette.line, palette.line),)
    chart = pygal.Line(**_config(
        chart_id, palette, paints, f"#chart-{chart_id} .line.reactive{{fill:none;stroke-width:4px}}",
        height=RATE_HEIGHT, range=(0, 100), y_labels=[0, 20, 40, 60, 80, 100], show_legend=False, y_title="答复率（%）",
        x_title=f"受理月份（{month_span(months)}）", dots_size=7, allow_interruptions=True, value_formatter=lambda value: f"{value:.0f}%",
    ))
    chart.x_labels = [month_label(row.month) for row in months]
    chart.add("答复率", [None if row.rate is None else round(row.rate, 1) for row in months])
    return finish(chart, chart_id, label)


def ages_chart(chart_id: str, label: str, ages: list[ColumnAge], palette: Palette, empty: str = "空白栏目") -> str:
    """Horizontal bars per column: days since its last update beside the limit it is held to."""
    names = [xml_text(age_label(age, empty)) for age in ages]
    chart = pygal.HorizontalBar(**_config(
        chart_id, palette, (palette.series[0], palette.limit), height=ages_height(len(ages)), x_title="天数",
        margin_left=wide_text_margin(names),
    ))
    chart.x_labels = names
    chart.y_labels = _integer_labels(max([age.limit for age in ages] + [age.days or 0 for age in ages] + [1]))
    over = f"fill:{palette.over[0]};stroke:{palette.over[1]}"
    chart.add("距上次更新（天）", [None if age.days is None else ({"value": age.days, "node": {"style": over}} if age.over else age.days) for age in ages])
    chart.add("限值（天）", [age.limit for age in ages])
    return finish(chart, chart_id, label)


def age_label(age: ColumnAge, empty: str = "空白栏目") -> str:
    """The name on the axis, with what the bar cannot say in colour alone."""
    if age.days is None:
        return f"{age.name}（{empty}）"
    return f"{age.name}（超限）" if age.over else age.name

