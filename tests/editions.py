"""A small cluster with a Mongolian edition of the portal, shared by test_editions and the browser test."""

from __future__ import annotations

from conftest import Repo, article

NNBSP, MVS, FVS1 = "\u202f", "\u180e", "\u180b"
#: Mongolian with every shaping character: ᠮᠣᠩᠭᠣᠯ+NNBSP+ᠤᠨ, ᠰᠠᠷ+MVS+ᠠ, ᠳ+FVS1+ᠤᠭᠠᠷ.
TITLE = f"ᠮᠣᠩᠭᠣᠯ{NNBSP}ᠤᠨ 12 ᠰᠠᠷ{MVS}ᠠ 42 ᠳ{FVS1}ᠤᠭᠠᠷ ᠮᠡᠳᠡᠭᠡ"
SUMMARY = f"ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ{NNBSP}ᠤᠨ ᠬᠤᠷᠠᠯ{NNBSP}ᠤᠨ ᠰᠠᠷ{MVS}ᠠ"
BODY = f"ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ{NNBSP}ᠤᠨ ᠬᠠᠪᠤᠷ{NNBSP}ᠤᠨ ᠲᠠᠷᠢᠶᠠᠯᠠᠩ{NNBSP}ᠤᠨ ᠠᠵᠢᠯ{NNBSP}ᠤᠨ ᠬᠤᠷᠠᠯ ᠬᠢᠪᠡ᠃ 兴安盟 Hinggan 2026 ᠣᠨ{NNBSP}ᠤ 3 ᠰᠠᠷ{MVS}ᠠ{NNBSP}ᠶᠢᠨ 12᠃ ᠡᠳ{FVS1}{NNBSP}ᠦᠨ ᠵᠠᠰᠠᠭ᠃"
WORD = "ᠮᠣᠩᠭᠣᠯ"

EDITION = f"""lang = "mn-Mong"
edition_of = "portal"
short_name = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ"
[disclosure]
credit_code = "11152200011520000X"
"""


def edition_cluster(repo: Repo) -> Repo:
    """portal (Chinese) with a county, and portal-mn, its Mongolian edition: translated items, an
    untranslated Chinese item, enough news for two list pages, a disclosure entry sharing its
    document's 索引号, a page."""
    columns = (("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("zfxxgk", "政府信息公开", "disclosure"))
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=columns,
              credit_code=None, extra='short_name = "兴安盟"\n[disclosure]\ncredit_code = "11152200011520000X"\n')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='short_name = "乌兰浩特市"')
    mn_columns = (("zwdt", f"ᠮᠡᠳᠡᠭᠡ", "news"), ("tzgg", "ᠮᠡᠳᠡᠭᠳᠡᠯ", "news"), ("zfxxgk", f"ᠢᠯᠡ ᠪᠣᠯᠭᠠᠬᠤ", "disclosure"), ("zjxa", f"ᠬᠢᠩᠭᠠᠨ{NNBSP}ᠢ ᠲᠠᠨᠢᠬᠤ", "page"))
    repo.site("portal-mn", f"ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ{NNBSP}ᠤᠨ ᠵᠠᠰᠠᠭ{NNBSP}ᠤᠨ ᠭᠠᠵᠠᠷ", kind="portal", url="https://mgl.xam.gov.cn/", sitecode="1522000010",
              columns=mn_columns, credit_code=None, extra=EDITION)
    w = repo.write
    w("content/portal/zwdt/meeting.md", article("兴安盟召开春季农业生产工作会议", "2026-03-12 09:30", Slug="spring-meeting", body="3月12日，兴安盟召开会议。"))
    w("content/portal/zwdt/untranslated.md", article("乌兰浩特市推进洮儿河治理", "2026-03-13", Slug="river", body="只有中文。"))
    w("content/portal/tzgg/notice.md", article("关于清明节放假的通知", "2026-03-28", Slug="qingming", body="放假通知。"))
    doc = dict(Index_No="11152200011520000X/2026-00011", Issuer="兴安盟行政公署办公室", Doc_No="兴署办发〔2026〕12号", Written="2026-05-06", Topic="综合政务", Validity="有效")
    w("content/portal/zfxxgk/priorities.md", article("兴安盟2026年政务公开工作要点", "2026-05-10", Slug="priorities", body="工作要点。", **doc))
    w("content/portal-mn/zwdt/meeting.md", article(TITLE, "2026-03-12 09:30", Slug="spring-meeting", Summary=SUMMARY,
                                                   Translation_Of="site:portal/zwdt/meeting.md", Source=SUMMARY, body=BODY))
    for n in range(1, 6):  # a second list page
        w(f"content/portal-mn/zwdt/2026-0{n}-0{n}-news-{n}.md", article(f"ᠮᠡᠳᠡᠭᠡ {n}", f"2026-0{n}-0{n}", body=f"ᠮᠡᠳᠡᠭᠡ{NNBSP}ᠶᠢᠨ ᠪᠢᠴᠢᠭ {n}᠃"))
    w("content/portal-mn/tzgg/notice.md", article(f"ᠮᠡᠳᠡᠭᠳᠡᠯ", "2026-03-28", Slug="qingming", Translation_Of="site:portal/tzgg/notice.md", body=f"ᠮᠡᠳᠡᠭᠳᠡᠯ{NNBSP}ᠦᠨ ᠪᠢᠴᠢᠭ᠃"))
    w("content/portal-mn/zfxxgk/priorities.md", article(f"2026 ᠣᠨ{NNBSP}ᠤ ᠠᠵᠢᠯ{NNBSP}ᠤᠨ ᠭᠣᠣᠯ ᠴᠡᠭ", "2026-05-10", Slug="priorities", Translation_Of="site:portal/zfxxgk/priorities.md", body=f"ᠠᠵᠢᠯ{NNBSP}ᠤᠨ ᠭᠣᠣᠯ ᠴᠡᠭ᠃", **doc))
    w("content/portal-mn/zjxa/overview.md", article(f"ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ", "2026-01-05", Slug="overview", body=f"| ᠬᠣᠲᠠ | 城市 |\n| --- | --- |\n| ᠤᠯᠠᠭᠠᠨᠬᠣᠲᠠ | 乌兰浩特市 |\n"))
    repo.write("sites/portal-mn.toml", repo.root.joinpath("sites/portal-mn.toml").read_text(encoding="utf-8").replace('[[columns]]\nid = "zwdt"', '[[columns]]\nper_page = 4\nid = "zwdt"', 1))
    return repo
