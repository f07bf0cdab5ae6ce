"""A fixture cluster with every column type of issue 4 (documents, disclosure, letters, leaders,
topics, appointments, video), and small helpers for the column-type tests.

Known numbers, used by the tests: the portal's letters (checked with ``--today 2026-11-26``)
are 4 letters, 3 replied (75%), reply times 4, 10 and 7 days (median 7), two received in
2026-10 (both replied) and two in 2026-11 (one replied).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, Repo, article

TODAY = "2026-11-26"
PORTAL_CODE = "11152200011520000X"
ULANHOT_CODE = "11152201MB15603252"
TJJ_CODE = "11152200MB0150102X"

PORTAL_COLUMNS = (
    ("zwdt", "政务动态", "news"),
    ("lsxa", "绿色兴安", "topic"),
    ("ldzc", "领导之窗", "leader"),
    ("zfwj", "政府文件", "document"),
    ("zcjd", "政策解读", "news"),
    ("rsrm", "人事任免", "appointment"),
    ("mzxx", "盟长信箱", "letter"),
    ("zfxxgk", "政府信息公开", "disclosure"),
)


def disclosure(code: str, extra: str = "") -> str:
    return f'[disclosure]\ncredit_code = "{code}"\nindex_pattern = "{{credit_code}}/{{year}}-{{serial:05d}}"\n{extra}'


def document(title: str, index_no: str, date: str = "2026-03-01", body: str = "正文。", **meta: str) -> str:
    """A document with the full metadata block; keyword arguments add or override keys."""
    keys = {
        "Index_No": index_no,
        "Issuer": "兴安盟行政公署",
        "Doc_No": "兴署发〔2026〕1号",
        "Written": date,
        "Topic": "综合政务",
        "Validity": "有效",
    }
    keys.update(meta)
    return article(title, date, body, **keys)


def letter(title: str, received: str, replied: str | None, text: str, reply: str = "", **meta: str) -> str:
    keys = {"Received": received}
    if replied:
        keys.update({"Replied": replied, "Replier": "兴安盟住房和城乡建设局"})
    keys.update(meta)
    body = f"## 来信\n\n{text}\n\n## 答复\n\n{reply}\n"
    return article(title, replied or received, body, **keys)


def new_repo(root: Path) -> Repo:
    """An empty repository with the shared theme (for module-scoped fixtures)."""
    shutil.copytree(REPO / "themes" / "gov", root / "themes" / "gov")
    (root / "sites").mkdir()
    (root / "content").mkdir()
    return Repo(root)


def column_cluster(repo: Repo, mailbox: str = '[mailbox]\naddress = "兴安盟行政公署信访科"\nphone = "0482-8226000"\n') -> Repo:
    """Portal with every column type, a county and a department, each with a disclosure area."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=PORTAL_COLUMNS, extra=disclosure(PORTAL_CODE) + mailbox)
    repo.site(
        "ulanhot",
        "乌兰浩特市人民政府",
        url="https://www.wlht.gov.cn/",
        sitecode="1522010001",
        columns=(("zwdt", "政务动态", "news"), ("zfwj", "政府文件", "document"), ("zfxxgk", "政府信息公开", "disclosure")),
        extra=disclosure(ULANHOT_CODE),
    )
    repo.site(
        "tjj",
        "兴安盟统计局",
        kind="department",
        url="https://tjj.xam.gov.cn/",
        sitecode="1522000002",
        columns=(("gzdt", "工作动态", "news"), ("zfxxgk", "政府信息公开", "disclosure")),
        extra=disclosure(TJJ_CODE),
    )
    w = repo.write
    # documents: one in force, one repealed, one expired; an interpretation on another site
    w("content/portal/zfwj/heating.md", document("兴安盟城镇供热管理办法", f"{PORTAL_CODE}/2026-00002", "2026-10-15", Slug="heating", Topic="城乡建设、环境保护", Doc_No="兴署办发〔2026〕31号"))
    w("content/portal/zfwj/heating-old.md", document("兴安盟城镇供热管理暂行办法", f"{PORTAL_CODE}/2025-00001", "2025-03-10", Slug="heating-old", Topic="城乡建设、环境保护", Validity="废止", Validity_Date="2026-10-15"))
    w("content/portal/zfwj/livelihood.md", document("2025年民生实事项目实施方案", f"{PORTAL_CODE}/2025-00002", "2025-02-20", Slug="livelihood-2025", Validity="失效", Validity_Date="2025-12-31"))
    w("content/portal/zcjd/heating-qa.md", article("《兴安盟城镇供热管理办法》解读", "2026-10-20", Slug="heating-qa", Interprets="{filename}../zfwj/heating.md"))
    w("content/ulanhot/zwdt/heating-county.md", article("乌兰浩特市解读盟供热管理办法", "2026-10-22", Slug="heating-county", Interprets="site:portal/zfwj/heating.md"))
    w("content/ulanhot/zfwj/snow.md", document("乌兰浩特市冬季清雪通告", f"{ULANHOT_CODE}/2025-00058", "2025-11-05", Slug="snow", Issuer="乌兰浩特市人民政府", Validity="失效", Validity_Date="2026-04-15"))
    # disclosure areas: guide and rules everywhere but tjj's rules
    for site, code in (("portal", PORTAL_CODE), ("ulanhot", ULANHOT_CODE), ("tjj", TJJ_CODE)):
        w(f"content/{site}/zfxxgk/guide.md", document("政府信息公开指南", f"{code}/2025-00008", "2025-01-10", Slug="guide"))
        if site != "tjj":
            w(f"content/{site}/zfxxgk/rules.md", document("政府信息公开工作制度", f"{code}/2025-00009", "2025-01-10", Slug="rules"))
    # letters with known statistics, and untrusted text
    w("content/portal/mzxx/a.md", letter("建议增开公交线路", "2026-10-01", "2026-10-05", "希望增开公交线路。", "已纳入明年计划。", Slug="bus"))
    w("content/portal/mzxx/b.md", letter("反映路灯不亮", "2026-10-10", "2026-10-20", "路灯坏了。", "已修复。", Slug="lamp"))
    w("content/portal/mzxx/c.md", letter("咨询供暖时间", "2026-11-02", "2026-11-09", "何时供暖？", "<b onmouseover=alert(2)>10月15日</b>开始供暖。", Slug="heating-time"))
    w(
        "content/portal/mzxx/d.md",
        letter(
            "反映小区问题",
            "2026-11-20",
            None,
            '<script>alert("x")</script>\n<img src=x onerror=alert(1)>\n**不是粗体** [链接](http://evil.example/)\n\n第二段\n第二行',
            Slug="complaint",
        ),
    )
    # leaders and the news that names them; a topic gathered from several sites
    w("content/portal/files/leaders/wang.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="3" height="4"/>')
    w("content/portal/ldzc/wang.md", article("王建华", "2025-01-06", "## 简历\n\n王建华，男。\n\n## 工作分工\n\n负责全面工作。", Slug="wang", Position="盟长", Photo="files/leaders/wang.svg"))
    w("content/portal/zwdt/meeting.md", article("盟行署召开常务会议", "2026-11-18", Slug="meeting", Leaders="王建华", Tags="绿色兴安"))
    w("content/portal/zwdt/other.md", article("兴安盟举办招聘会", "2026-11-01", Slug="jobs"))
    w("content/portal/lsxa/forest.md", article("绿色兴安专题：林草保护", "2026-06-01", Slug="forest", Tags="绿色兴安"))
    w("content/ulanhot/zwdt/trees.md", article("乌兰浩特市春季植树", "2026-04-10", Slug="trees", Tags="绿色兴安, 植树"))
    w("content/tjj/gzdt/green.md", article("统计局发布生态统计公报", "2026-05-20", Slug="green-stats", Tags="绿色兴安"))
    w("content/tjj/gzdt/hidden.md", article("隐藏的绿色兴安稿件", "2026-05-21", Slug="hidden-green", Tags="绿色兴安", Status="hidden"))
    w("content/portal/rsrm/appointments.md", article("关于王某某等同志职务任免的通知", "2026-11-10", "任命王某某为兴安盟教育局副局长。", Slug="appointments-2026-11", Doc_No="兴署任〔2026〕11号"))
    # video news with a tiny local file
    w("content/portal/files/video/clip.mp4", b"\x00\x00\x00\x18ftypmp42not-a-real-video")
    w("content/portal/files/video/clip.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n字幕\n")
    w("content/portal/files/video/poster.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"/>')
    w("content/portal/zwdt/video.md", article("视频：冰雪旅游季启幕", "2026-11-24", Slug="video", Video="{static}/files/video/clip.mp4", Poster="files/video/poster.svg", Captions="files/video/clip.vtt"))
    return repo


GOOD_REPORT = """\
year = 2025
date = 2026-01-20
overview = \"\"\"
全年主动公开政府信息186条。

收到申请5件。
\"\"\"
problems = "解读形式较为单一。"
other = "无。"

[active]
rules = [0, 0, 0]
normative = [1, 0, 4]
licensing = 12
penalty = 3
enforcement = 0
fees = 0

[requests]
# 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
new             = [4, 1, 0, 0, 0, 0, 5]
carried_over    = [1, 0, 0, 0, 0, 0, 1]
granted         = [3, 1, 0, 0, 0, 0, 4]
partial         = [0, 0, 0, 0, 0, 0, 0]
total           = [4, 1, 0, 0, 0, 0, 5]
carried_forward = [1, 0, 0, 0, 0, 0, 1]

[requests.unavailable]
not_held = [1, 0, 0, 0, 0, 0, 1]

[appeals]
review                  = [1, 0, 0, 0, 1]
litigation_direct       = [0, 0, 0, 0, 0]
litigation_after_review = [0, 0, 0, 0, 0]
"""
