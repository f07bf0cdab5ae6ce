"""A small cluster with known numbers for the audit report (tests/test_audit_report.py and the browser suite).

With ``--today 2026-11-26`` (a Thursday) the quarter is 13 weeks, 2026-08-28 to 2026-11-26, the
last one 2026-11-20 to 2026-11-26. Known numbers of tuquan:

* updates per week (oldest first): 政务动态 ``ZWDT_WEEKS``, 通知公告 ``TZGG_WEEKS`` (the portal's
  notice syndicated into it), 县长信箱 ``MZXX_WEEKS``; the other columns none;
* letters per month, 2025-12 to 2026-11: ``LETTER_MONTHS`` (received, answered);
* days since the last update: ``AGES`` (column, days or None for an empty column, limit).
"""

from __future__ import annotations

from conftest import Repo, article

TODAY = "2026-11-26"

COUNTY_COLUMNS = (
    ("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("zfwj", "政府文件", "document"),
    ("rsrm", "人事任免", "appointment"), ("ghjh", "规划计划", "news"), ("zcjd", "政策解读", "news"),
    ("mzxx", "县长信箱", "letter"), ("ztzl", "专题专栏", "topic"), ("bsfw", "办事服务", "page"),
)

ZWDT_WEEKS = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 3]
TZGG_WEEKS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]
MZXX_WEEKS = [1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]
LETTER_MONTHS = {
    "2025-12": (1, 1), "2026-01": (0, 0), "2026-02": (0, 0), "2026-03": (0, 0), "2026-04": (0, 0), "2026-05": (0, 0),
    "2026-06": (0, 0), "2026-07": (0, 0), "2026-08": (0, 0), "2026-09": (1, 0), "2026-10": (2, 2), "2026-11": (1, 0),
}
AGES = [("zwdt", 1, 14), ("tzgg", 23, 183), ("zfwj", None, 183), ("rsrm", 421, 365), ("ghjh", None, 183), ("zcjd", None, 183)]


def letter(title: str, received: str, replied: str | None = None, **meta: str) -> str:
    keys = {"Received": received, **({"Replied": replied, "Replier": "县政府办公室"} if replied else {}), **meta}
    return article(title, replied or received, f"## 来信\n\n{title}。\n\n## 答复\n\n{'已办理。' if replied else ''}", **keys)


def fill_audit_cluster(repo: Repo) -> Repo:
    """A portal that passes, and tuquan with items on known days (see the module's docstring)."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='short_name = "兴安盟"',
              columns=(("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news")))
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署冬季供暖工作", "2026-11-20", Slug="heating"))
    repo.write("content/portal/tzgg/n.md", article("兴安盟关于冬季防火的通告", "2026-11-03", Slug="fire", Syndicate="tuquan"))
    repo.site("tuquan", "突泉县人民政府", url="https://www.tuquan.gov.cn/", columns=COUNTY_COLUMNS,
              extra='short_name = "突泉县"\n[mailbox]\naddress = "突泉县信访局"\nphone = "0482-5123456"\n')
    zwdt = {
        "a": ("突泉县部署冬季清雪", "2026-11-25", {}),
        "b": ("突泉县召开安全生产会议", "2026-11-20", {}),  # the first day of the last week
        "c": ("突泉县秋收工作总结", "2026-11-19", {}),  # the last day of the week before
        "d": ("突泉县春耕生产会议", "2026-08-27", {"Modified": "2026-09-01"}),  # published before the quarter, updated in its first week
        "e": ("突泉县冬季供暖保障", "2026-11-21", {"Modified": "2026-11-24"}),  # published and updated in one week: once
        "f": ("突泉县国庆假期安排", "2026-10-01", {"Modified": "2027-01-01"}),  # an update after today is none
        "g": ("突泉县内部通报", "2026-11-25", {"Status": "hidden"}),
        "h": ("突泉县草稿", "2026-11-25", {"Status": "draft"}),
        "i": ("突泉县明年计划", "2026-12-01", {}),  # dated after today
    }
    for name, (title, day, meta) in zwdt.items():
        repo.write(f"content/tuquan/zwdt/{name}.md", article(title, day, Slug=f"zwdt-{name}", **meta))
    repo.write("content/tuquan/tzgg/old.md", article("停水通知", "2026-03-01", Slug="water"))
    repo.write("content/tuquan/rsrm/r.md", article("突泉县人民政府关于任免工作人员的通知", "2025-10-01", Slug="appointments"))
    letters = {
        "l1": ("反映路灯不亮", "2026-09-01", None, {}),  # 86 days without a reply: a reminder, no veto
        "l2": ("咨询供暖时间", "2026-10-01", "2026-10-05", {}),
        "l3": ("反映道路破损", "2026-10-20", "2026-11-02", {}),
        "l4": ("咨询医保缴费", "2026-11-10", None, {}),
        "l5": ("反映噪声扰民", "2025-11-30", "2025-12-03", {}),  # received before the twelve months
        "l6": ("咨询明年招生", "2026-12-25", None, {}),  # received after today
        "l7": ("内部来信", "2026-09-03", None, {"Status": "hidden"}),
        "l8": ("咨询办事地点", "2025-12-01", "2025-12-20", {}),
    }
    for name, (title, received, replied, meta) in letters.items():
        repo.write(f"content/tuquan/mzxx/{name}.md", letter(title, received, replied, Slug=name, **meta))
    return repo
