"""The audit's HTML report: one page per site and one for the cluster, in ``output/audit/``.

``build.py audit`` writes it unless told ``--no-html``: a table of every inspection item (the same
findings the text and JSON output show) and the plots a webmaster would rather look at than read —
updates per column per week over the last quarter, letters received and answered per month with
the reply rate, and the days since each column's last update against its limit — each with its
numbers in a table beside it (``audit_series.py`` counts, ``audit_plots.py`` draws). Each finding
shows what it was measured on, as the text output does: a check of the pages that had only the site
file or the content to read (no production build yet), or nothing at all (no link report), is
marked so, never shown as a plain 合格.

The report is for the webmaster, never for the public: it lives in ``output/audit/``, beside the
targets' folders and never inside a site's (``output/`` must be a real folder of the repository,
:func:`~zhanqun.paths.report_folder`: a link there to a web root is refused). It is pure HTML, SVG
and CSS (no script, no inline style, nothing fetched from elsewhere, so a strict
Content-Security-Policy fits it), large text in the theme's 长者模式 sizes, and readers whose system asks for more contrast get the white-on-black
palette of the theme's 高对比度 mode, plots included. It is Chinese whatever ``--lang`` said (the
findings' :class:`~zhanqun.errors.Message` texts are said again in Chinese), and no text in it holds
a character XML or HTML does not allow. The same findings and the same ``--today`` give
byte-identical files. Each run replaces the whole folder: it is written beside it first and
swapped in, so a reader never sees half a report, and a site left out (``--site``) leaves no old
page behind. A folder there that the audit did not write is never replaced.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Callable

from jinja2 import DictLoader, Environment, select_autoescape

from ..errors import Message, Problems, describe_os_error
from ..i18n import DOMAIN, LOCALE_DIR, _
from ..paths import UnsafePath, confine, move, remove, report_folder, write_text
from ..pipeline import BuildContext
from .audit import SOURCE, Finding
from .audit_output import PAGE_CHECKS, has_build
from .audit_plots import (
    CONTRAST,
    LETTERS_HEIGHT,
    NORMAL,
    RATE_HEIGHT,
    Palette,
    ages_chart,
    ages_height,
    letters_chart,
    month_span,
    rate_chart,
    updates_chart,
    updates_height,
    xml_text,
)
from .audit_series import (
    ColumnAge,
    LetterMonth,
    SiteSeries,
    Week,
    cluster_letters,
    site_series,
)

#: The report's folder, under the repository's ``output/``.
FOLDER = "audit"
#: The file that marks the folder as the audit's (only such a folder is replaced).
MARKER = ".zhanqun-audit"
MARKER_TEXT = "This folder holds the report of build.py audit; each audit replaces it.\n"
STYLESHEET = "audit.css"

#: The inspection items in Chinese (a check not named here is shown by its id).
CHECK_NAMES = {
    "home-updated": "首页更新",
    "future-dated": "日期晚于今天",
    "empty-columns": "空白栏目",
    "stale-columns": "栏目更新",
    "letters-unanswered": "留言办理",
    "letters-received": "留言渠道",
    "annual-report": "政府信息公开年报",
    "broken-links": "链接可用性",
    "footer-elements": "页脚要素",
    "meta-tags": "网页元数据",
    "images-alt": "图片替代文字",
    "validity-labels": "废止失效标注",
}
STATUS_NAMES = {"pass": "合格", "warn": "提醒", "fail": "不合格"}
#: How an involved item's values are labelled, in this order: every key ``audit.py`` and
#: ``audit_output.py`` put in an item (a test keeps it so; another key would show as it is).
ITEM_FIELDS = {
    "name": "栏目", "column": "栏目编号", "title": "标题", "path": "文件", "line": "行", "date": "日期", "modified": "更新日期",
    "received": "受理日期", "days": "天数", "limit": "限值", "validity": "有效性",
    "page": "页面", "href": "链接地址", "src": "图片地址", "reason": "原因", "from": "来源", "missing": "缺少", "problem": "问题",
    "report": "链接报告",
}
#: What a finding's value was measured on, when it was not what the check is about (see :func:`measured`).
MEASURED_NOTES = {
    "none": "未能测量",  # nothing to measure: no usable link report
    "indirect": "页面未测量",  # no production build: measured on the site file or the content instead
}
#: The 测量依据 of a finding without a basis of its own: the audit's items measured on the content.
CONTENT_BASIS = "互联网正式版发布的稿件"


@dataclass
class Figure:
    """One plot: its two drawings, what it shows in words, and its numbers as a table."""

    stem: str  # file name without ``.svg``; the high-contrast drawing is ``<stem>-contrast.svg``
    title: str
    label: str  # the text alternative: the image's alt, the SVG's <title> and aria-label
    caption: str
    height: int
    draw: Callable[[Palette], str]
    table: dict[str, Any] = field(default_factory=dict)  # caption, head, rows (cells as text)


@dataclass
class Page:
    """One HTML page of the report and the plots beside it."""

    path: str  # relative to the report folder
    context: dict[str, Any]
    figures: list[Figure]


# --- numbers as text ------------------------------------------------------------------------


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def week_text(week: Week) -> str:
    return f"{week.start.isoformat()} 至 {week.end.isoformat()}"


def month_text(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def rate_text(row: LetterMonth) -> str:
    return "—" if row.rate is None else f"{row.rate:.1f}".removesuffix(".0") + "%"


def total_rate(rows: list[LetterMonth]) -> str:
    received, answered = sum(row.received for row in rows), sum(row.answered for row in rows)
    return rate_text(LetterMonth("", received, answered))


def value_text(value: object) -> str:
    return "—" if value is None else chinese(value)


@cache
def _chinese_catalog() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)


def chinese(value: object) -> str:
    """A value as the report shows it: a :class:`~zhanqun.errors.Message` (what a finding was measured
    on, why a link is broken) in Chinese whatever ``--lang`` the audit ran in — the report is Chinese,
    and the same findings give the same bytes — anything else as it is."""
    return value.say(_chinese_catalog().gettext) if isinstance(value, Message) else str(value)


def measured(finding: Finding, unbuilt: set[str]) -> str:
    """``"none"`` when the finding measured nothing (no usable link report: its value is unknown),
    ``"indirect"`` when a check of the pages read the site file or the content because the site has
    no production build, else ``""``. Such a finding's verdict is no verdict on the pages, and the
    report must not show it as one (a green 合格 for pages nobody built)."""
    if finding.value is None and finding.basis:
        return "none"
    if finding.check in PAGE_CHECKS and finding.site in unbuilt:
        return "indirect"
    return ""


def item_parts(item: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """An involved item as (label, value, is a path) pairs, in a fixed order."""
    keys = [key for key in ITEM_FIELDS if key in item] + sorted(key for key in item if key not in ITEM_FIELDS)
    return [(ITEM_FIELDS.get(key, key), chinese(item[key]), key in ("path", "report")) for key in keys if item[key] not in ("", None)]


# --- the plots of a site and of the cluster ---------------------------------------------------


def updates_figure(stem: str, owner: str, rows: list[tuple[str, list[int]]], weeks: list[Week], what: str) -> Figure:
    span = f"{weeks[0].start.isoformat()}至{weeks[-1].end.isoformat()}"
    totals = "，".join(f"{name}{sum(counts)}条" for name, counts in rows) or "无可统计的栏目"
    label = f"{owner}近{len(weeks)}周（{span}）各{what}每周发布或更新的信息条数：{totals}。"
    table = {
        "caption": f"各{what}每周更新条数（{span}）",
        "head": [what, *(week_text(week) for week in weeks), "合计"],
        "rows": [[name, *(str(count) for count in counts), str(sum(counts))] for name, counts in rows],
        "numeric_from": 1,
    }
    caption = (
        f"每行一个{what}，每列一周（标注该周第一天，最后一周截至统计日）。圆点中的数字是该周发布或更新的信息条数，"
        "没有圆点的一周没有更新。一条信息在发布的那一周计一次，有“Modified”更新日期的，在更新的那一周再计一次。"
    )
    return Figure(stem, f"近{len(weeks)}周各{what}每周更新", label, caption, updates_height(len(rows)),
                  lambda palette: updates_chart(stem, label, rows, weeks, palette), table)


def letters_figures(stem: str, owner: str, months: list[LetterMonth]) -> list[Figure]:
    span = month_span(months)
    received, answered = sum(row.received for row in months), sum(row.answered for row in months)
    counts = f"{owner}{span}每月收到的来信与其中已答复的件数：共收到{received}件，已答复{answered}件，答复率{total_rate(months)}。"
    with_letters = [row for row in months if row.received]
    rates = "，".join(f"{month_text(row.month)}{rate_text(row)}" for row in with_letters) or "这段时间没有来信"
    rate_label = f"{owner}{span}每月来信的答复率：{rates}。"
    table = {
        "caption": f"每月来信（按受理月份，{span}）",
        "head": ["受理月份", "收到（件）", "已答复（件）", "答复率"],
        "rows": [[month_text(row.month), str(row.received), str(row.answered), rate_text(row)] for row in months]
        + [["合计", str(received), str(answered), total_rate(months)]],
        "numeric_from": 1,
    }
    return [
        Figure(f"{stem}", "来信收到与答复", counts,
               "按受理日期（Received）归月；“已答复”是当月收到的来信中到统计日已答复（Replied 不晚于统计日）的件数。",
               LETTERS_HEIGHT, lambda palette: letters_chart(stem, counts, months, palette), table),
        Figure(f"{stem}-rate", "来信答复率", rate_label,
               "当月收到的来信中已答复的比例；没有来信的月份不画点。数字见上表。",
               RATE_HEIGHT, lambda palette: rate_chart(f"{stem}-rate", rate_label, months, palette)),
    ]


def ages_figure(stem: str, owner: str, ages: list[ColumnAge], what: str, empty: str, caption: str) -> Figure:
    over = [age for age in ages if age.over]
    parts = "，".join(
        f"{age.name}{'无信息' if age.days is None else f'{age.days}天'}（限{age.limit}天{'，超限' if age.over else ''}）" for age in ages
    ) or f"没有按时限考核的{what}"
    label = f"{owner}各{what}距上次更新的天数与限值，{len(over)}个超限：{parts}。"
    table = {
        "caption": f"各{what}距上次更新的天数与限值",
        "head": [what, "距上次更新（天）", "限值（天）", "结论"],
        "rows": [[age.name, value_text(age.days), str(age.limit), empty if age.days is None else ("超限" if age.over else "未超限")] for age in ages],
        "numeric_from": 1,
    }
    return Figure(stem, f"各{what}距上次更新的天数与限值", label, caption, ages_height(len(ages)),
                  lambda palette: ages_chart(stem, label, ages, palette, empty), table)


def site_figures(series: SiteSeries) -> list[Figure]:
    rows = [(column.name, column.counts) for column in series.updates]
    figures = [updates_figure("updates", series.name, rows, series.weeks, "栏目")]
    if series.has_letters:
        figures += letters_figures("letters", series.name, series.letters)
    figures.append(ages_figure(
        "ages", series.name, series.ages, "栏目", "空白栏目",
        "每个栏目两条长条：上面一条是栏目中最新一条信息距统计日的天数，下面一条是该栏目的限值（要闻、动态类栏目、通知公告和文件类、人事任免类各有其限值）；"
        "超过限值的栏目名后标“超限”，空白栏目只有限值一条。",
    ))
    return figures


def cluster_figures(series: list[SiteSeries], findings: list[Finding], labels: dict[str, str]) -> list[Figure]:
    weeks = series[0].weeks if series else []
    figures = [updates_figure("updates", "站群", [(labels[s.site], s.weekly_totals()) for s in series], weeks, "站点")] if weeks else []
    if any(s.has_letters for s in series):
        figures += letters_figures("letters", "站群", cluster_letters([s for s in series if s.has_letters]))
    homes = [ColumnAge(f.site, labels[f.site], f.value if isinstance(f.value, int) else None, int(f.limit or 0))
             for f in findings if f.check == "home-updated" and isinstance(f.limit, int)]
    figures.append(ages_figure(
        "home", "站群", homes, "站点首页", "无信息",
        "每个站点两条长条：上面一条是首页所列栏目中最新一条信息距统计日的天数，下面一条是限值；超过的站点名后标“超限”，为单项否决。",
    ))
    return figures


# --- the pages ------------------------------------------------------------------------------

TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ up }}audit.css">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="report-header">
<div class="container">
<p class="report-kind">网站自查报告 · 仅供网站管理人员使用，不对外发布</p>
{% if up %}<nav aria-label="报告导航"><a href="{{ up }}index.html">返回站群自查报告</a></nav>{% endif %}
</div>
</header>
<main id="main" tabindex="-1">
<div class="container">
<h1>{{ heading }}</h1>
<p class="report-meta">统计日：{{ today_text }}（{{ today }}） · 依据：{{ source }}</p>
{% block body %}{% endblock %}
</div>
</main>
<footer class="report-footer">
<div class="container">
<p>由 <code>build.py audit --today {{ today }}</code> 生成。同一内容、同一统计日生成的报告完全相同。</p>
</div>
</footer>
</body>
</html>
""",
    "macros.html": """{% macro verdict(vetoes, fails, warns, unmeasured) -%}
{% if vetoes %}<p class="verdict verdict-fail"><strong>单项否决不合格：</strong>{{ vetoes | join("、") }}。</p>
{%- elif fails %}<p class="verdict verdict-fail"><strong>有 {{ fails }} 项不合格</strong>（无单项否决）。</p>
{%- elif warns %}<p class="verdict verdict-warn"><strong>全部合格，有 {{ warns }} 项提醒。</strong></p>
{%- else %}<p class="verdict verdict-pass"><strong>全部合格。</strong></p>{% endif %}
{% if unmeasured %}<p class="verdict verdict-unmeasured"><strong>有 {{ unmeasured }} 项没有按已发布的页面测量</strong>（还没有互联网正式版的生成结果或链接报告），其结论不是对页面的结论，见各项的“测量依据”。</p>{% endif %}
{%- endmacro %}
{% macro status(row) -%}
<span class="status status-{{ row.finding.status }}{% if row.measured %} status-unmeasured{% endif %}">{{ status_names[row.finding.status] }}</span>{% if row.measured %}<span class="caveat">{{ measured_notes[row.measured] }}</span>{% endif %}{% if row.finding.veto %}<span class="veto">单项否决项</span>{% endif %}
{%- endmacro %}
{% macro findings_table(rows, with_site, caption, id) -%}
<div class="table-wrap" role="region" aria-labelledby="{{ id }}" tabindex="0">
<table class="findings">
<caption id="{{ id }}">{{ caption }}</caption>
<thead><tr>{% if with_site %}<th scope="col">站点</th>{% endif %}<th scope="col">检查项</th><th scope="col">结论</th><th scope="col">测得值</th><th scope="col">限值</th><th scope="col">规则</th><th scope="col">依据</th><th scope="col">测量依据</th><th scope="col">涉及</th></tr></thead>
<tbody>
{% for row in rows %}<tr class="row-{{ row.finding.status }}">
{% if with_site %}<td><a href="{{ row.finding.site }}/index.html">{{ row.site_label }}</a></td>{% endif %}
<th scope="row">{{ row.check_name }}<br><code class="check-id">{{ row.finding.check }}</code></th>
<td>{{ status(row) }}</td>
<td class="num">{{ row.value }}</td>
<td class="num">{{ row.limit }}</td>
<td>{{ row.rule }}</td>
<td>{{ row.source }}</td>
<td class="basis">{{ row.basis }}</td>
<td>{% if row.involved %}<ul class="items">{% for item in row.involved %}<li>{% for label, value, is_path in item %}{% if not loop.first %}，{% endif %}{{ label }}：{% if is_path %}<code>{{ value }}</code>{% else %}{{ value }}{% endif %}{% endfor %}</li>{% endfor %}</ul>{% else %}—{% endif %}</td>
</tr>
{% endfor %}</tbody>
</table>
</div>
{%- endmacro %}
{% macro figure(fig, n) -%}
<section class="plot" aria-labelledby="plot-{{ n }}">
<h2 id="plot-{{ n }}">{{ fig.title }}</h2>
<figure>
<picture>
<source media="(prefers-contrast: more)" srcset="{{ fig.stem }}-contrast.svg" type="image/svg+xml">
<img src="{{ fig.stem }}.svg" alt="{{ fig.label }}" width="1000" height="{{ fig.height }}">
</picture>
<figcaption>{{ fig.caption }}</figcaption>
</figure>
{% if fig.table %}<details>
<summary>{{ fig.title }}的数据表</summary>
<div class="table-wrap" role="region" aria-labelledby="plot-{{ n }}-table" tabindex="0">
<table class="data">
<caption id="plot-{{ n }}-table">{{ fig.table.caption }}</caption>
<thead><tr>{% for cell in fig.table.head %}<th scope="col">{{ cell }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in fig.table.rows %}<tr>{% for cell in row %}{% if loop.first %}<th scope="row">{{ cell }}</th>{% else %}<td{% if loop.index0 >= fig.table.numeric_from %} class="num"{% endif %}>{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody>
</table>
</div>
</details>{% endif %}
</section>
{%- endmacro %}
""",
    "site.html": """{% extends "base.html" %}{% from "macros.html" import verdict, findings_table, figure with context %}
{% block body %}
{{ verdict(vetoes, fails, warns, unmeasured) }}
<section aria-labelledby="checks">
<h2 id="checks">检查项</h2>
{{ findings_table(rows, False, "各检查项的结论、测得值和限值", "checks-table") }}
</section>
{% for fig in figures %}{{ figure(fig, loop.index) }}
{% endfor %}
{% endblock %}
""",
    "cluster.html": """{% extends "base.html" %}{% from "macros.html" import verdict, findings_table, figure with context %}
{% block body %}
{{ verdict(vetoes, fails, warns, unmeasured) }}
<section aria-labelledby="sites">
<h2 id="sites">各站点</h2>
<div class="table-wrap" role="region" aria-labelledby="sites-table" tabindex="0">
<table class="sites">
<caption id="sites-table">各站点自查结论（点站点名称看该站点的报告）</caption>
<thead><tr><th scope="col">站点</th><th scope="col">不合格</th><th scope="col">提醒</th><th scope="col">合格</th><th scope="col">单项否决不合格</th></tr></thead>
<tbody>
{% for site in sites %}<tr class="{{ 'row-fail' if site.vetoes else ('row-warn' if site.fails or site.warns else 'row-pass') }}">
<th scope="row"><a href="{{ site.id }}/index.html">{{ site.name }}</a><br><code>{{ site.id }}</code></th>
<td class="num">{{ site.fails }}</td><td class="num">{{ site.warns }}</td><td class="num">{{ site.passes }}</td>
<td>{{ site.vetoes | join("、") if site.vetoes else "无" }}</td>
</tr>
{% endfor %}</tbody>
</table>
</div>
</section>
{% for fig in figures %}{{ figure(fig, loop.index) }}
{% endfor %}
<section aria-labelledby="checks">
<h2 id="checks">全部检查项</h2>
{{ findings_table(rows, True, "各站点各检查项的结论、测得值和限值", "checks-table") }}
</section>
{% endblock %}
""",
}

STYLE = """/* build.py audit: the report's one style sheet (no inline style, no web font, no script).
 * Large text and strong contrast as in the theme's 长者模式; 高对比度 (white on black) for readers
 * whose system asks for more contrast. */
:root {
  --text: #000; --bg: #fff; --soft: #f3f4f6; --rule: #595959; --link: #0b4f8a;
  --fail: #a10f0f; --fail-bg: #fbe9e9; --warn: #7a4100; --warn-bg: #fdf1dc; --pass: #17592b; --pass-bg: #e6f4ea;
  --focus: #ffbf47;
  --font: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 20px; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: var(--font); color: var(--text); background: var(--bg); line-height: 1.8; overflow-wrap: break-word; }
a { color: var(--link); text-decoration: underline; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid var(--text); outline-offset: 2px; box-shadow: 0 0 0 6px var(--focus); }
.container { max-width: 1240px; margin: 0 auto; padding: 0 16px; }
.skip-link { position: absolute; left: 8px; top: -80px; background: #000; color: #fff; padding: 10px 16px; font-weight: 700; z-index: 10; }
.skip-link:focus { top: 8px; }
.report-header { background: var(--soft); border-bottom: 2px solid var(--rule); }
.report-header p, .report-header nav { margin: 0; padding: 8px 0; }
main:focus { outline: none; }
h1 { font-size: 1.8rem; line-height: 1.4; margin: 24px 0 8px; }
h2 { font-size: 1.4rem; line-height: 1.4; margin: 40px 0 12px; padding-top: 12px; border-top: 2px solid var(--rule); }
.report-meta { margin: 0 0 16px; }
.verdict { font-size: 1.2rem; padding: 12px 16px; border: 3px solid; margin: 16px 0; }
.verdict-fail { color: var(--fail); background: var(--fail-bg); }
.verdict-warn { color: var(--warn); background: var(--warn-bg); }
.verdict-pass { color: var(--pass); background: var(--pass-bg); }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; width: 100%; background: var(--bg); }
caption { text-align: left; font-weight: 700; padding: 4px 0 8px; }
th, td { border: 1px solid var(--rule); padding: 8px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); }
tbody th { font-weight: 700; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { display: inline-block; font-weight: 700; padding: 0 8px; border: 2px solid; white-space: nowrap; }
.status-fail { color: var(--fail); background: var(--fail-bg); }
.status-warn { color: var(--warn); background: var(--warn-bg); }
.status-pass { color: var(--pass); background: var(--pass-bg); }
.status.status-unmeasured { color: var(--text); background: var(--soft); border-style: dashed; }
.caveat { display: block; font-size: .85rem; font-weight: 700; }
.verdict-unmeasured { color: var(--text); background: var(--soft); border-style: dashed; }
.check-id { white-space: nowrap; font-weight: 400; }
table.findings { min-width: 1100px; }
table.findings thead th { white-space: nowrap; }
.veto { display: block; font-size: .85rem; font-weight: 700; }
.items { margin: 0; padding-left: 1.1em; }
.items li + li { margin-top: 4px; }
table.data { font-size: .9rem; }
figure { margin: 8px 0; }
figure img { display: block; width: 100%; max-width: 1000px; height: auto; border: 1px solid var(--rule); }
figcaption { margin-top: 8px; }
details { margin: 12px 0; }
summary { cursor: pointer; font-weight: 700; padding: 8px 0; color: var(--link); text-decoration: underline; }
.report-footer { margin-top: 48px; border-top: 2px solid var(--rule); background: var(--soft); }
.report-footer p { margin: 0; padding: 16px 0; }
@media (prefers-contrast: more) {
  :root {
    --text: #fff; --bg: #000; --soft: #000; --rule: #fff; --link: #ffff00; --focus: #ffff00;
    --fail: #ff9d9d; --fail-bg: #000; --warn: #ffd75e; --warn-bg: #000; --pass: #8cff9e; --pass-bg: #000;
  }
  .skip-link { background: #ffff00; color: #000; }
}
@media print {
  .skip-link, .report-header nav { display: none; }
  details > :not(summary) { display: block; }
}
"""


def _environment() -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=False)
    env.globals["status_names"] = STATUS_NAMES
    env.globals["measured_notes"] = MEASURED_NOTES
    return env


def finding_rows(findings: list[Finding], labels: dict[str, str], unbuilt: set[str]) -> list[dict[str, Any]]:
    """The table's rows: each finding with its texts as shown, and what it was measured on (its basis,
    as the text output says it; the content when it has none)."""
    return [
        {
            "finding": f, "site_label": labels.get(f.site, f.site), "check_name": CHECK_NAMES.get(f.check, f.check),
            "value": value_text(f.value), "limit": value_text(f.limit), "rule": _(f.rule), "source": _(f.source),
            "basis": chinese(f.basis) if f.basis else CONTENT_BASIS, "measured": measured(f, unbuilt),
            "involved": [item_parts(item) for item in f.items],
        }
        for f in findings
    ]


def _counts(findings: list[Finding], labels: dict[str, str], unbuilt: set[str]) -> dict[str, Any]:
    return {
        "unmeasured": sum(1 for f in findings if measured(f, unbuilt)),
        "vetoes": [f"{labels.get(f.site, f.site) + ' ' if len({g.site for g in findings}) > 1 else ''}{CHECK_NAMES.get(f.check, f.check)}"
                   for f in findings if f.veto and f.status == "fail"],
        "fails": sum(1 for f in findings if f.status == "fail"),
        "warns": sum(1 for f in findings if f.status == "warn"),
        "passes": sum(1 for f in findings if f.status == "pass"),
    }


def report_pages(context: BuildContext, findings: list[Finding], today: date) -> list[Page]:
    """Every page of the report: the cluster's ``index.html`` and each site's ``<id>/index.html``."""
    sites = [context.cluster[site_id] for site_id in context.site_ids]
    labels = {site.id: site.label for site in sites}
    unbuilt = {site.id for site in sites if not has_build(context, site.id)}
    series = [site_series(context, site, today) for site in sites]
    common = {"today": today.isoformat(), "today_text": day_text(today), "source": _(SOURCE)}
    portal = next((site for site in context.cluster.sites if site.kind == "portal"), None)
    cluster_name = f"{portal.label}政府网站群" if portal else "政府网站群"
    summaries = [{"id": site.id, "name": site.name, **_counts([f for f in findings if f.site == site.id], labels, unbuilt)} for site in sites]
    pages = [Page("index.html", {
        **common, **_counts(findings, labels, unbuilt), "up": "", "title": f"{cluster_name}自查报告（{today.isoformat()}）",
        "heading": f"{cluster_name}自查报告", "sites": summaries, "rows": finding_rows(findings, labels, unbuilt),
    }, cluster_figures(series, findings, labels))]
    for site, one in zip(sites, series):
        mine = [f for f in findings if f.site == site.id]
        pages.append(Page(f"{site.id}/index.html", {
            **common, **_counts(mine, labels, unbuilt), "up": "../", "title": f"{site.name}网站自查报告（{today.isoformat()}）",
            "heading": f"{site.name}网站自查报告", "rows": finding_rows(mine, labels, unbuilt),
        }, site_figures(one)))
    return pages


def render_files(context: BuildContext, findings: list[Finding], today: date) -> dict[str, str]:
    """Every file of the report (path relative to the report folder → text), in a stable order."""
    env = _environment()
    files = {STYLESHEET: STYLE, MARKER: MARKER_TEXT}
    for page in report_pages(context, findings, today):
        template = env.get_template("cluster.html" if page.path == "index.html" else "site.html")
        files[page.path] = template.render(figures=page.figures, **page.context)
        folder = page.path.rpartition("/")[0]
        for figure in page.figures:
            for palette, suffix in ((NORMAL, ""), (CONTRAST, "-contrast")):
                files[f"{folder}/{figure.stem}{suffix}.svg".lstrip("/")] = figure.draw(palette)
    # every text in them came from a site file, the content or a message: none may hold a
    # character XML or HTML does not allow (U+FFFF in a column name would make the SVG no image)
    return {rel: xml_text(text) for rel, text in files.items()}


def write_report(context: BuildContext, findings: list[Finding], problems: Problems) -> Path | None:
    """Write the report to ``output/audit/`` (replacing the audit's earlier one); its ``index.html``, or ``None`` after a problem."""
    shown = f"output/{FOLDER}/"
    today = context.options.resolved_today()
    try:
        base = report_folder(context.root)  # output/ as a real folder of the repository, never a link to a web root
        final = confine(base, FOLDER)
        if final.exists() and not _ours(final):
            problems.add(shown, None, "report-folder", _(
                "{folder} exists and was not written by audit (there is no {marker} in it); "
                "move it away, or run audit with --no-html"
            ).format(folder=shown, marker=MARKER))
            return None
        files = render_files(context, findings, today)
        scratch, old = f".{FOLDER}-new", f".{FOLDER}-old"
        remove(base, scratch)
        remove(base, old)
        for rel, text in files.items():
            write_text(base, f"{scratch}/{rel}", text)
        if final.exists():
            move(base, FOLDER, base, old)
        move(base, scratch, base, FOLDER)
        remove(base, old)
    except UnsafePath as exc:
        problems.add(shown, None, "report-folder", _("cannot write the report: {reason}").format(reason=exc))
        return None
    except OSError as exc:
        problems.add(shown, None, "write-failed", describe_os_error(exc, context.root))
        return None
    return final / "index.html"


def _ours(folder: Path) -> bool:
    """Whether ``folder`` is the audit's report folder (or an empty folder), which a run may replace."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())
