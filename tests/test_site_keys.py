"""Every documented key of a site file has an effect: changing it changes a page or a check.

A key that the schema accepts and the reference documents, but that nothing reads, is a promise
broken silently (``per_page = 3`` once left seven items on one page). This test walks the schema —
every key of the top level, of each table and of ``[[columns]]`` — and for each one changes the
value in one site file and looks for the difference: in the pages of the target the key is about,
or in what ``check`` says. The few keys that cannot be changed alone are named, with the reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import Repo, article, new_repo, problem_lines

from zhanqun.config.sites import COLUMN_KEYS, SECTIONS, TOP_LEVEL

ULANHOT = """id = "ulanhot"
name = "乌兰浩特市人民政府"
kind = "county"
parent = "portal"
url = "https://www.wlht.gov.cn/"
intranet_url = "http://wlht.zw.xam/"
sitecode = "1522010001"
order = 1

[footer]
sponsor = "乌兰浩特市人民政府办公室"
contact = "0482-8212345"
icp = "蒙ICP备00000001号"
police = "蒙公网安备 15220102000001号"

[theme]

[disclosure]
credit_code = "11152201011609001A"

[mailbox]
address = "乌兰浩特市人民政府办公室"
phone = "0482-8211111"

[publishing]

[pelican]

[[columns]]
id = "zwdt"
name = "政务动态"
type = "news"

[[columns]]
id = "tzgg"
name = "通知公告"
type = "news"

[[columns]]
id = "zfwj"
name = "政府文件"
type = "document"

[[columns]]
id = "mzxx"
name = "市长信箱"
type = "letter"

[[columns]]
id = "bsfw"
name = "办事服务"
type = "link"
url = "https://zwfw.nmg.gov.cn/"
"""

#: key → (replace this, with this) in ULANHOT, and where the difference shows: a target's pages or check.
CHANGES: dict[str, tuple[str, str, str]] = {
    "name": ('name = "乌兰浩特市人民政府"', 'name = "乌兰浩特市人民政府网"', "preview"),
    "short_name": ('kind = "county"', 'short_name = "乌兰浩特"\nkind = "county"', "preview"),
    "kind": ('kind = "county"', 'kind = "department"', "preview"),
    "url": ('url = "https://www.wlht.gov.cn/"', 'url = "https://www.ulanhot.gov.cn/"', "production"),
    "intranet_url": ('intranet_url = "http://wlht.zw.xam/"', 'intranet_url = "http://ulanhot.zw.xam/"', "intranet"),
    "sitecode": ('sitecode = "1522010001"', 'sitecode = "1522010009"', "preview"),
    "order": ("order = 1", "order = 9", "preview"),
    # 蒙古文版 keys: a Chinese county cannot become an edition alone; both are located checks (test_editions.py builds one)
    "lang": ('kind = "county"', 'lang = "mn-Mong"\nkind = "county"', "check"),
    "edition_of": ('kind = "county"', 'edition_of = "portal"\nkind = "county"', "check"),
    "footer.sponsor": ('sponsor = "乌兰浩特市人民政府办公室"', 'sponsor = "乌兰浩特市政务服务局"', "preview"),
    "footer.contact": ('contact = "0482-8212345"', 'contact = "0482-8219999"', "preview"),
    "footer.icp": ('icp = "蒙ICP备00000001号"', 'icp = "蒙ICP备00000002号"', "preview"),
    "footer.police": ('police = "蒙公网安备 15220102000001号"', 'police = "蒙公网安备 15220102000002号"', "preview"),
    "footer.address": ('police = "蒙公网安备 15220102000001号"', 'police = "蒙公网安备 15220102000001号"\naddress = "乌兰浩特市兴安南大路1号"', "preview"),
    "theme.primary": ("[theme]", '[theme]\nprimary = "#1e5c3a"', "preview"),
    "theme.accent": ("[theme]", '[theme]\naccent = "#9fd3b4"', "preview"),
    "theme.logo": ("[theme]", '[theme]\nlogo = "images/emblem.svg"', "preview"),
    "theme.banner": ("[theme]", '[theme]\nbanner = "images/header-clouds.svg"', "preview"),
    "theme.home_columns": ("[theme]", '[theme]\nhome_columns = ["zfwj"]', "preview"),
    "disclosure.credit_code": ('credit_code = "11152201011609001A"', 'credit_code = "11152201011609002B"', "check"),
    "disclosure.index_pattern": ('credit_code = "11152201011609001A"', 'credit_code = "11152201011609001A"\nindex_pattern = "{credit_code}-{year}-{serial:04d}"', "check"),
    "mailbox.endpoint": ("[mailbox]", '[mailbox]\nendpoint = "https://xf.wlht.gov.cn/letters"', "preview"),
    "mailbox.address": ('address = "乌兰浩特市人民政府办公室"', 'address = "乌兰浩特市信访局"', "preview"),
    "mailbox.phone": ('phone = "0482-8211111"', 'phone = "0482-8219999"', "preview"),
    "publishing.require_review": ("[publishing]", "[publishing]\nrequire_review = true", "check"),
    "publishing.iframe_hosts": ("[publishing]", '[publishing]\niframe_hosts = ["player.wlht.gov.cn"]', "check"),
    "publishing.attachment_types": ("[publishing]", '[publishing]\nattachment_types = [".ifc"]', "check"),
    **{f"audit.{name}": ("[pelican]", f"[audit]\n{name} = {value}\n\n[pelican]", "audit") for name, value in (
        ("home_days", 1), ("news_days", 1), ("notice_days", 1), ("appointment_days", 1), ("empty_columns", 1),
        ("letter_warn_days", 1), ("letter_fail_days", 1), ("no_letter_days", 1), ("broken_links", 1))},
    "pelican.settings": ("[pelican]", "[pelican]\nsettings = { DEFAULT_PAGINATION = 1 }", "preview"),
    "columns.name": ('name = "通知公告"', 'name = "公示公告"', "preview"),
    "columns.type": ('id = "tzgg"\nname = "通知公告"\ntype = "news"', 'id = "tzgg"\nname = "通知公告"\ntype = "appointment"', "preview"),
    "columns.url": ('url = "https://zwfw.nmg.gov.cn/"', 'url = "https://zwfw.nmg.gov.cn/wlht/"', "preview"),
    "columns.per_page": ('name = "通知公告"\ntype = "news"', 'name = "通知公告"\ntype = "news"\nper_page = 1', "preview"),
    "columns.description": ('name = "通知公告"\ntype = "news"', 'name = "通知公告"\ntype = "news"\ndescription = "本市各类通知公告"', "preview"),
}

#: Keys that cannot be changed on their own, and why (each is covered elsewhere).
NOT_CHANGED_ALONE = {
    "id": "the site's identity: its file and content folder are named by it (test_sites.py)",
    "parent": "a county's parent is the portal, the only valid value in a one-portal cluster (test_sites.py)",
    "footer": "a table: its keys are walked", "columns": "a list of tables: their keys are walked",
    "theme": "a table", "disclosure": "a table", "mailbox": "a table", "publishing": "a table", "pelican": "a table", "audit": "a table",
    "columns.id": "a column's identity: its content folder is named by it (test_lint.py, unknown-column)",
    "pelican.plugins": "needs an importable plugin module (test_security.py, unknown-plugin)",
}


def _every_documented_key() -> list[str]:
    keys = [key.name for key in TOP_LEVEL]
    keys += [f"{section}.{key.name}" for section, section_keys in SECTIONS.items() for key in section_keys]
    keys += [f"columns.{key.name}" for key in COLUMN_KEYS]
    return keys


def _digest(folder: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashed.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


def _observe(repo: Repo, where: str) -> tuple[int, tuple[str, ...], str]:
    """What a key can change: check's problems, or the pages of one target (with the build's problems)."""
    if where == "check":
        result = repo.run("check", "--today", "2026-03-10")
        return result.exit_code, tuple(problem_lines(result)), ""
    if where == "audit":  # what build.py audit measures, a year on: every limit is crossed somewhere
        result = repo.run("--format", "json", "audit", "--site", "ulanhot", "--today", "2027-03-10")
        return result.exit_code, (), result.stdout
    result = repo.run("build", "--target", where, "--site", "ulanhot", "--today", "2026-03-10")
    assert result.exit_code == 0, result.output
    return 0, tuple(problem_lines(result)), _digest(repo.out("ulanhot", target=where))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = new_repo(tmp_path_factory.mktemp("keys") / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", extra="order = 5")
    repo.write("sites/ulanhot.toml", ULANHOT)
    for n in range(3):
        repo.write(f"content/ulanhot/tzgg/n{n}.md", article(f"停水通知{n}", f"2026-03-0{n + 1}", Slug=f"n{n}"))
    repo.write("content/ulanhot/zwdt/a.md", article("乌兰浩特市推进洮儿河治理", "2026-03-05", Slug="river"))
    repo.write("content/ulanhot/zfwj/d.md", article(
        "乌兰浩特市城镇供热管理办法", "2026-02-01", Slug="heating", Index_No="11152201011609001A/2026-00001", Issuer="乌兰浩特市人民政府",
        Doc_No="乌政发〔2026〕1号", Written="2026-02-01", Topic="城乡建设、环境保护", Validity="有效"))
    repo.write("content/ulanhot/mzxx/l.md", article("建议增开公交线路", "2026-03-02", "## 来信\n\n希望增开公交线路。\n\n## 答复\n\n已纳入计划。",
                                                     Slug="bus", Received="2026-03-01", Replied="2026-03-02", Replier="市交通运输局"))
    # what only the publishing keys change: an embedded player and a type of attachment not published by default
    repo.write("content/ulanhot/zwdt/v.md", article("冰雪节视频", "2026-03-06", '<iframe src="https://player.wlht.gov.cn/v/1" title="视频"></iframe>\n\n[模型]({static}/files/model.ifc)', Slug="video"))
    repo.write("content/ulanhot/files/model.ifc", "ISO-10303-21;\n")
    return repo


def test_every_documented_key_is_changed_by_this_test_or_excused() -> None:
    keys = _every_documented_key()
    assert sorted(set(keys) - set(CHANGES) - set(NOT_CHANGED_ALONE)) == []
    assert sorted((set(CHANGES) | set(NOT_CHANGED_ALONE)) - set(keys)) == []  # no stale entry


#: The site file the pages are built from: the fixture's player and attachment allowed, so it builds.
BUILDS = ULANHOT.replace("[publishing]", '[publishing]\niframe_hosts = ["player.wlht.gov.cn"]\nattachment_types = [".ifc"]')


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_changing_a_documented_key_changes_a_page_or_a_check(cluster: Repo, before: dict[str, tuple[int, tuple[str, ...], str]], key: str) -> None:
    old, new, where = CHANGES[key]
    base = ULANHOT if where == "check" else BUILDS  # check: the player and the attachment are errors to remove
    if where == "audit":
        base = BUILDS
    assert base.count(old) == 1, key
    try:
        if where not in before:  # once per target: every key of it is compared with the same pages
            cluster.write("sites/ulanhot.toml", base)
            before[where] = _observe(cluster, where)
        cluster.write("sites/ulanhot.toml", base.replace(old, new, 1))
        after = _observe(cluster, where)
    finally:
        cluster.write("sites/ulanhot.toml", ULANHOT)
    assert after != before[where], f"{key}: changing it changed nothing in {where}"



@pytest.fixture(scope="module")
def before() -> dict[str, tuple[int, tuple[str, ...], str]]:
    """What each target (or check) shows with the unchanged site file, observed once."""
    return {}
