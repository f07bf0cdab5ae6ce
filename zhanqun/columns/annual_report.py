"""政府信息公开工作年度报告 from data: ``content/<id>/_data/annual-report-<year>.toml`` (or .yaml).

The national format (国办公开办函〔2021〕30号) fixes the sections and tables, and its tables have
sums that must agree — the inspection checks them and so does the build: new + carried over =
handled + carried forward for every applicant column, every 总计 column equals its parts, the
（七）总计 row equals the results above it, every 总计 of table 四 equals its four results. A
mistake is reported at the line of the data file that holds the row, naming the table and row.

The report's layout (rows, labels, row and column spans) is declared here as data once, used to
read the file, check it and hand the template ready-made rows.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


from ..errors import Problems, did_you_mean
from ..i18n import _
from .letters import plain_text_html

FILE_RE = re.compile(r"^annual-report-(?P<year>\d{4})\.(?P<ext>toml|ya?ml)$")

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
DOC_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数")

TABLE_2 = "表二 主动公开政府信息情况"
TABLE_3 = "表三 收到和处理政府信息公开申请情况"
TABLE_4 = "表四 政府信息公开行政复议、行政诉讼情况"

#: Table 三's result groups: (key of the sub-table or None, label, leaf rows).
RESULT_GROUPS: tuple[tuple[str | None, str, tuple[tuple[str, str], ...]], ...] = (
    (None, "（一）予以公开", (("granted", ""),)),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("partial", ""),)),
    ("refused", "（三）不予公开", (
        ("state_secret", "1．属于国家秘密"),
        ("prohibited", "2．其他法律行政法规禁止公开"),
        ("security", "3．危及“三安全一稳定”"),
        ("third_party", "4．保护第三方合法权益"),
        ("internal_affairs", "5．属于三类内部事务信息"),
        ("process_info", "6．属于四类过程性信息"),
        ("enforcement_files", "7．属于行政执法案卷"),
        ("query", "8．属于行政查询事项"),
    )),
    ("unavailable", "（四）无法提供", (
        ("not_held", "1．本机关不掌握相关政府信息"),
        ("needs_creation", "2．没有现成信息需要另行制作"),
        ("unclear", "3．补正后申请内容仍不明确"),
    )),
    ("not_processed", "（五）不予处理", (
        ("petition", "1．信访举报投诉类申请"),
        ("repeated", "2．重复申请"),
        ("publication", "3．要求提供公开出版物"),
        ("excessive", "4．无正当理由大量反复申请"),
        ("confirmation", "5．要求行政机关确认或重新出具已获取信息"),
    )),
    ("other", "（六）其他处理", (
        ("no_correction", "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("unpaid_fee", "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3．其他"),
    )),
)
REQUEST_ROWS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "total": "三、本年度办理结果（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
ACTIVE_DOCS = {"rules": "规章", "normative": "行政规范性文件"}
ACTIVE_COUNTS = {"licensing": ("第二十条第（五）项", "行政许可"), "penalty": ("第二十条第（六）项", "行政处罚"), "enforcement": ("第二十条第（六）项", "行政强制")}
APPEALS = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）", "litigation_after_review": "行政诉讼（复议后起诉）"}
TEXTS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}
TOP_KEYS = ("year", "date", "title", "summary", *TEXTS, "active", "requests", "appeals")


@dataclass
class AnnualReport:
    """A checked report, ready for the template (``data``), and where it came from."""

    site: str
    year: int
    source: str
    data: dict[str, Any]


class _Locator:
    """Best-effort line of a key path in a TOML or YAML text, for ``file:line`` messages."""

    def __init__(self, text: str):
        self.lines = text.split("\n")

    def find(self, *path: str) -> int | None:
        start, found = 0, None
        for key in path:
            pattern = re.compile(rf"^\s*(?:\[+\s*)?(?:[\w\"-]+\.)*\"?{re.escape(key)}\"?\s*(?:[=:.]|\])")
            for n in range(start, len(self.lines)):
                if pattern.match(self.lines[n]):
                    found, start = n + 1, n + 1
                    break
            else:
                return found
        return found


class _Reader:
    """Reads one data file against the layout above, reporting every problem with its line."""

    def __init__(self, source: str, text: str, problems: Problems):
        self.source = source
        self.where = _Locator(text)
        self.problems = problems
        self.ok = True

    def error(self, path: tuple[str, ...], message: str, code: str = "annual-report") -> None:
        self.problems.add(self.source, self.where.find(*path) or 1, code, message)
        self.ok = False

    def table(self, data: dict[str, Any], path: tuple[str, ...], allowed: tuple[str, ...]) -> dict[str, Any]:
        value = data.get(path[-1])
        name = ".".join(path)
        if not isinstance(value, dict):
            self.error(path, _("[{name}] is missing or is not a table").format(name=name))
            return {}
        for key in value:
            if key not in allowed:
                self.error((*path, key), _("{name}.{key}: unknown key{hint}; keys are {keys}").format(name=name, key=key, hint=did_you_mean(str(key), allowed), keys=", ".join(allowed)))
        return value

    def row(self, table: dict[str, Any], path: tuple[str, ...], size: int, label: str, required: bool = False) -> list[int]:
        value = table.get(path[-1])
        if value is None:
            if required:
                self.error(path[:-1], _("{path} ({label}) is missing: write {size} numbers").format(path=".".join(path), label=label, size=size))
            return [0] * size
        if not isinstance(value, list) or len(value) != size or not all(_count(v) for v in value):
            self.error(path, _("{path} ({label}): write a list of {size} whole numbers ≥ 0, e.g. [{zeros}]").format(path=".".join(path), label=label, size=size, zeros=", ".join(["0"] * size)))
            return [0] * size
        return list(value)

    def count(self, table: dict[str, Any], path: tuple[str, ...], label: str) -> int:
        value = table.get(path[-1], 0)
        if not _count(value):
            self.error(path, _("{path} ({label}): write a whole number ≥ 0").format(path=".".join(path), label=label))
            return 0
        return int(value)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _plus(values: list[int]) -> str:
    return " + ".join(str(v) for v in values)


def _load(path: Path, source: str, problems: Problems) -> tuple[dict[str, Any], str] | None:
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    except OSError as exc:
        problems.add(source, None, "unreadable", _("cannot read the file: {reason}").format(reason=exc.strerror or exc))
        return None
    yaml_errors: tuple[type[Exception], ...] = ()
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml  # here: only a report written in YAML needs it, and every build imports this module (about 15 ms)

            yaml_errors = (yaml.YAMLError,)
            data = yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        problems.add(source, int(found.group(1)) if found else None, "toml-syntax", str(exc))
        return None
    except yaml_errors as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(source, mark.line + 1 if mark else None, "yaml-syntax", str(exc).split("\n")[0])
        return None
    except (ValueError, TypeError, OverflowError) as exc:  # YAML reads 2026-02-30 as a date, and fails there
        problems.add(source, None, "yaml-syntax", _("a value cannot be read: {error}; write dates as '2026-01-20' and check every number").format(error=exc))
        return None
    if not isinstance(data, dict):
        problems.add(source, 1, "annual-report", _("the file must hold a table of keys (year, date, overview, [active], [requests], [appeals], …)"))
        return None
    odd = _non_text_key(data)
    if odd is not None:
        problems.add(source, None, "annual-report", _("{key!r} is not a key such as overview or [requests]; keys are words").format(key=odd))
        return None
    return data, text


def _non_text_key(value: Any) -> object | None:
    """The first key of a (nested) table that is not text (YAML reads ``1: x`` as a number key)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str):
                return key
            found = _non_text_key(inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for inner in value:
            found = _non_text_key(inner)
            if found is not None:
                return found
    return None


def read_report(path: Path, source: str, site: str, problems: Problems) -> AnnualReport | None:
    """Read and check one report; ``None`` when anything is wrong (everything is reported)."""
    year = int(FILE_RE.match(path.name).group("year"))  # type: ignore[union-attr]
    loaded = _load(path, source, problems)
    if loaded is None:
        return None
    data, text = loaded
    r = _Reader(source, text, problems)
    for key in data:
        if key not in TOP_KEYS:
            r.error((key,), _("{key}: unknown key{hint}").format(key=key, hint=did_you_mean(str(key), TOP_KEYS)))
    if "year" in data and data["year"] != year:
        r.error(("year",), _("year = {value!r} but the file name says {year}").format(value=data["year"], year=year))
    published = data.get("date")
    if isinstance(published, str):
        try:
            published = datetime.strptime(published, "%Y-%m-%d").date()
        except ValueError:
            pass
    if not isinstance(published, date) or isinstance(published, datetime):
        r.error(("date",), _("date (发布日期) is missing or is not a day such as 2026-01-20"))
    texts = {}
    for key, label in TEXTS.items():
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            r.error((key,), _("{key} ({label}) is missing or empty; the national format requires every section (write 无 when there is nothing to report)").format(key=key, label=label))
        texts[key] = plain_text_html(value) if isinstance(value, str) else ""
    active = _active(r, data)
    requests = _requests(r, data)
    appeals = _appeals(r, data)
    if not r.ok:
        return None
    assert isinstance(published, date)
    return AnnualReport(
        site=site,
        year=year,
        source=source,
        data={
            "year": year,
            "title": data.get("title"),
            "summary": data.get("summary", ""),
            "date": published.strftime("%Y-%m-%d"),
            "texts": texts,
            "active": active,
            "requests": requests,
            "appeals": appeals,
        },
    )


def _active(r: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    table = r.table(data, ("active",), (*ACTIVE_DOCS, *ACTIVE_COUNTS, "fees", "note"))
    docs = [{"label": label, "values": r.row(table, ("active", key), 3, label, required=True)} for key, label in ACTIVE_DOCS.items()]
    counts = [{"item": item, "label": label, "value": r.count(table, ("active", key), label)} for key, (item, label) in ACTIVE_COUNTS.items()]
    fees = table.get("fees", 0)
    if isinstance(fees, bool) or not isinstance(fees, (int, float)) or fees < 0:
        r.error(("active", "fees"), _("active.fees (行政事业性收费, 万元): write a number ≥ 0"))
        fees = 0
    return {"docs": docs, "counts": counts, "fees": f"{fees:g}", "note": plain_text_html(str(table.get("note", "")))}


def _requests(r: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    groups = tuple(g for g, _, _ in RESULT_GROUPS if g)
    leaves = tuple(k for g, _, rows in RESULT_GROUPS if not g for k, _ in rows)
    table = r.table(data, ("requests",), (*REQUEST_ROWS, *leaves, *groups, "note"))
    size = len(APPLICANTS)
    named = {key: r.row(table, ("requests", key), size, label, required=True) for key, label in REQUEST_ROWS.items()}
    result_rows: list[tuple[tuple[str, ...], str, list[int]]] = []
    for group, label, rows in RESULT_GROUPS:
        sub = table if group is None else r.table(table, ("requests", group), tuple(k for k, _ in rows)) if group in table else {}
        for key, leaf in rows:
            path = ("requests", key) if group is None else ("requests", group, key)
            result_rows.append((path, f"{label}{leaf}", r.row(sub, path, size, f"{label}{leaf}")))
    if r.ok:
        everything = [(("requests", k), REQUEST_ROWS[k], v) for k, v in named.items()] + result_rows
        for path, label, values in everything:
            if sum(values[:-1]) != values[-1]:
                r.error(path, _("{table}, row {row}: 总计 is {total} but {parts} = {sum}").format(table=TABLE_3, row=label, total=values[-1], parts=_plus(values[:-1]), sum=sum(values[:-1])), "report-arithmetic")
        for n, applicant in enumerate(APPLICANTS):
            results = sum(values[n] for _, _, values in result_rows)
            if results != named["total"][n]:
                message = _("{table}, row {row}, {applicant}: {total} but （一）to（六）add up to {results}").format(
                    table=TABLE_3, row=REQUEST_ROWS["total"], applicant=applicant, total=named["total"][n], results=results
                )
                r.error(("requests", "total"), message, "report-arithmetic")
            came = named["new"][n] + named["carried_over"][n]
            went = named["total"][n] + named["carried_forward"][n]
            if came != went:
                r.error(
                    ("requests", "carried_forward"),
                    _(
                        "{table}, {applicant}: 本年新收 {new} + 上年结转 {carried_over} = {came}, "
                        "but 办理结果总计 {total} + 结转下年度 {carried_forward} = {went}"
                    ).format(
                        table=TABLE_3, applicant=applicant, new=named["new"][n], carried_over=named["carried_over"][n], came=came,
                        total=named["total"][n], carried_forward=named["carried_forward"][n], went=went,
                    ),
                    "report-arithmetic",
                )
    return {"applicants": APPLICANTS, "rows": _request_layout(named, result_rows), "note": plain_text_html(str(table.get("note", "")))}


def _request_layout(named: dict[str, list[int]], results: list[tuple[tuple[str, ...], str, list[int]]]) -> list[dict[str, Any]]:
    """Table 三 as the national format draws it: three label columns with row and column spans."""
    rows: list[dict[str, Any]] = []
    rows.append({"cells": [{"text": REQUEST_ROWS["new"], "colspan": 3}], "values": named["new"]})
    rows.append({"cells": [{"text": REQUEST_ROWS["carried_over"], "colspan": 3}], "values": named["carried_over"]})
    values = iter(v for _, _, v in results)
    first = True
    for group, label, leaves in RESULT_GROUPS:
        for n, (_key, leaf) in enumerate(leaves):
            cells = []
            if first:
                cells.append({"text": "三、本年度办理结果", "rowspan": len(results) + 1})
                first = False
            if group is None:
                cells.append({"text": label, "colspan": 2})
            else:
                if n == 0:
                    cells.append({"text": label, "rowspan": len(leaves)})
                cells.append({"text": leaf})
            rows.append({"cells": cells, "values": next(values)})
    rows.append({"cells": [{"text": "（七）总计", "colspan": 2}], "values": named["total"], "total": True})
    rows.append({"cells": [{"text": REQUEST_ROWS["carried_forward"], "colspan": 3}], "values": named["carried_forward"]})
    return rows


def _appeals(r: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    table = r.table(data, ("appeals",), (*APPEALS, "note"))
    rows = {key: r.row(table, ("appeals", key), len(OUTCOMES), label, required=True) for key, label in APPEALS.items()}
    if r.ok:
        for key, values in rows.items():
            if sum(values[:-1]) != values[-1]:
                message = _("{table}, {appeal}: 总计 is {total} but {parts} = {sum}").format(table=TABLE_4, appeal=APPEALS[key], total=values[-1], parts=_plus(values[:-1]), sum=sum(values[:-1]))
                r.error(("appeals", key), message, "report-arithmetic")
    return {"outcomes": OUTCOMES, "values": rows["review"] + rows["litigation_direct"] + rows["litigation_after_review"], "note": plain_text_html(str(table.get("note", "")))}


def read_reports(root: Path, site_ids: list[str], problems: Problems) -> dict[str, list[AnnualReport]]:
    """Every site's reports, newest year first; other files in ``_data/`` are not ours to judge."""
    reports: dict[str, list[AnnualReport]] = {}
    for site_id in site_ids:
        folder = root / "content" / site_id / "_data"
        if not folder.is_dir():
            continue
        found = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith("annual-report") and not FILE_RE.match(path.name) and path.is_file():
                problems.add(f"content/{site_id}/_data/{path.name}", None, "annual-report", _("name annual reports annual-report-<year>.toml (or .yaml), e.g. annual-report-2025.toml"))
                continue
            if FILE_RE.match(path.name) and not path.is_file():
                problems.add(f"content/{site_id}/_data/{path.name}", None, "annual-report", _("named like an annual report but not a file; remove it or rename it"))
                continue
            if FILE_RE.match(path.name):
                real = Path(os.path.realpath(path))
                if real.parent != Path(os.path.realpath(root)) / "content" / site_id / "_data":
                    problems.add(f"content/{site_id}/_data/{path.name}", None, "link-outside", _("a symbolic link to {target}; keep the report's data in this folder, reviewed with the site").format(target=real))
                    continue
                report = read_report(path, f"content/{site_id}/_data/{path.name}", site_id, problems)
                if report:
                    found.append(report)
        years = [r.year for r in found]
        for report in found:
            if years.count(report.year) > 1:
                problems.add(report.source, None, "duplicate-report", _("two annual reports for {year} in content/{site}/_data/; keep one").format(year=report.year, site=site_id))
        reports[site_id] = sorted(found, key=lambda r: r.year, reverse=True)
    return reports
