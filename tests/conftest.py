"""Fixture repositories: small clusters written into tmp_path and built through ``--root``."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The suite reads messages in English (the msgids); tests/test_i18n.py checks the Chinese ones. Set
# before zhanqun is imported, and inherited by every `python build.py` a test starts.
os.environ["ZHANQUN_LANG"] = "en"
# Builds need Pagefind's extended build 1.6+ (README: Search). When no binary is named, use the one
# `.ci/pagefind` fetched earlier, if any (nothing is downloaded here).
_FETCHED_PAGEFIND = Path(os.environ.get("ZHANQUN_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zhanqun") / "pagefind-1.6.0/package/bin/pagefind_extended"
if not os.environ.get("ZHANQUN_PAGEFIND") and _FETCHED_PAGEFIND.is_file():
    os.environ["ZHANQUN_PAGEFIND"] = str(_FETCHED_PAGEFIND)

import build as build_cli  # noqa: E402
from zhanqun import i18n  # noqa: E402

pytest_plugins = ["hang_report"]  # a test that times out leaves the stacks of every process under it in the log


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    """Every test starts in English, whatever language the test before it chose."""
    i18n.use_language("en")

FOOTER = """
[footer]
sponsor = "{name}办公室"
contact = "0482-0000000"
icp = "蒙ICP备00000000号"
police = "蒙公网安备 00000000000000号"
"""

COLUMNS = {
    "news": ("zwdt", "政务动态", "news"),
    "notice": ("tzgg", "通知公告", "news"),
    "docs": ("zfwj", "政府文件", "document"),
}


def site_toml(
    site_id: str,
    name: str,
    kind: str = "county",
    url: str | None = None,
    columns: tuple[tuple[str, str, str], ...] = (COLUMNS["news"], COLUMNS["notice"]),
    extra: str = "",
    sitecode: str = "1522000001",
    credit_code: str | None = "11152200MB0000000X",
) -> str:
    """A valid site file; ``extra`` is appended verbatim (more sections, overrides).

    Sites with document columns get a ``[disclosure] credit_code`` unless ``extra`` has its own
    ``[disclosure]`` or ``credit_code`` is None.
    """
    lines = [f'id = "{site_id}"', f'name = "{name}"', f'kind = "{kind}"']
    if kind != "portal":
        lines.append('parent = "portal"')
    lines.append(f'url = "{url or f"https://{site_id}.example.gov.cn/"}"')
    lines.append(f'sitecode = "{sitecode}"')
    text = "\n".join(lines) + "\n" + extra + "\n" + FOOTER.format(name=name)
    publishes_documents = any(kind in ("document", "disclosure") for _, _, kind in columns)
    if publishes_documents and credit_code and "[disclosure]" not in extra:
        text += f'\n[disclosure]\ncredit_code = "{credit_code}"\n'
    for column_id, column_name, column_type in columns:
        text += f'\n[[columns]]\nid = "{column_id}"\nname = "{column_name}"\ntype = "{column_type}"\n'
    return text


def article(title: str, date: str = "2026-03-01", body: str = "正文内容。", **meta: str) -> str:
    """A content file; keyword arguments become header lines (Index_No → Index-No)."""
    header = [f"Title: {title}", f"Date: {date}"]
    header += [f"{key.replace('_', '-')}: {value}" for key, value in meta.items()]
    return "\n".join(header) + "\n\n" + textwrap.dedent(body).strip() + "\n"


@dataclass
class Repo:
    """A fixture repository in tmp_path, with the real shared theme."""

    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def site(self, site_id: str, name: str, **kwargs: object) -> None:
        self.write(f"sites/{site_id}.toml", site_toml(site_id, name, **kwargs))  # type: ignore[arg-type]

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(build_cli.cli, ["--root", str(self.root), *args], catch_exceptions=False)

    def out(self, *parts: str, target: str = "preview") -> Path:
        return self.root.joinpath("output", target, *parts)

    def html(self, *parts: str, target: str = "preview") -> str:
        return self.out(*parts, target=target).read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty repository with the shared theme and nothing else, in tmp_path/repo."""
    return new_repo(tmp_path / "repo")


@pytest.fixture
def small_cluster(repo: Repo) -> Repo:
    return fill_small_cluster(repo)


def fill_small_cluster(repo: Repo) -> Repo:
    """A portal, two counties and a department, a few items each."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra='short_name = "兴安盟"')
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='short_name = "乌兰浩特市"\nintranet_url = "http://wlht.zw.xam/"')
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", extra='short_name = "阿尔山市"')
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", credit_code="11152200MB0000001X", extra='short_name = "统计局"', columns=(("gzdt", "工作动态", "news"),))
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming"))
    repo.write("content/portal/tzgg/holiday.md", article("关于清明节放假的通知", "2026-03-28", Slug="qingming"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    return repo


# --- issue 6: a cluster that shows the theme's customisation levels -------------------------


def new_repo(root: Path, themes: tuple[str, ...] = ("gov",)) -> Repo:
    """A repository at ``root`` (for module-scoped fixtures) with the named themes of this repo."""
    for theme in themes:
        shutil.copytree(REPO / "themes" / theme, root / "themes" / theme)
    (root / "sites").mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    return Repo(root)


make_repo = new_repo  # the name the link tests use


def problem_lines(result: Result, code: str | None = None) -> list[str]:
    """The ``path:line: code: message`` lines a command printed (on stderr), optionally of one code."""
    lines = [line for line in result.stderr.splitlines() if ": " in line and not line.startswith(("failed:", "built ", "checked ", "links: "))]
    if code:
        lines = [line for line in lines if f": {code}: " in line or f": warning: {code}: " in line]
    return lines


def copy_repo(repo: Repo, root: Path) -> Repo:
    """A copy of ``repo`` (with its output, symlinks kept) at ``root``: one slow build, many cheap
    variations of it."""
    shutil.copytree(repo.root, root, symlinks=True)
    return Repo(root)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a hash of its bytes: "the output is unchanged" in one assert."""
    import hashlib

    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


PICTURE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200">
<rect width="320" height="200" fill="#dfe9f2"/><path d="M0 150 L80 90 L140 130 L210 70 L320 140 L320 200 L0 200 Z" fill="#6d8f6a"/>
<path d="M0 170 Q160 140 320 175 L320 200 L0 200 Z" fill="#4f7fa8"/></svg>
"""


def document(title: str, date: str, index_no: str, doc_no: str, body: str = "各有关单位：现将有关事项通知如下。", **meta: str) -> str:
    """A document-column item with the metadata SPEC §3 requires."""
    fields = {"Index_No": index_no, "Issuer": "兴安盟行政公署办公室", "Doc_No": doc_no, "Written": date, "Topic": "综合政务", "Validity": "有效"}
    fields.update(meta)
    return article(title, date, body, **fields)


def theme_cluster(repo: Repo) -> Repo:
    """Portal, two counties customised through the three documented levels, and a department.

    The worked examples of THEMING.md: ``arxan`` (colours, logo, banner, a header block override)
    and ``tuquan`` (colours, logo, its own site.css), with themes/arxan and themes/tuquan copied
    from this repository. Every page type the theme styles has at least one page.
    """
    for theme in ("arxan", "tuquan"):
        if (REPO / "themes" / theme).is_dir() and not (repo.root / "themes" / theme).exists():
            shutil.copytree(REPO / "themes" / theme, repo.root / "themes" / theme)
    portal_columns = (
        ("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("zfwj", "政府文件", "document"),
        ("zcjd", "政策解读", "news"), ("mzxx", "盟长信箱", "letter"), ("lsxa", "绿色兴安", "topic"),
        ("zfxxgk", "政府信息公开", "disclosure"), ("bsfw", "办事服务", "page"),
    )
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", columns=portal_columns,
              credit_code="11152200011520000X",
              extra='short_name = "兴安盟"\n[theme]\nlogo = "images/emblem.svg"\nhome_columns = ["tzgg", "zfwj", "zcjd", "mzxx"]\n'
                    '[mailbox]\naddress = "兴安盟行政公署信访科"\nphone = "0482-8226000"\n')
    repo.site("arxan", "阿尔山市人民政府", url="https://www.arxan.gov.cn/", credit_code="11152202MB17411858", extra=(
        'short_name = "阿尔山市"\n[theme]\nprimary = "#1e5c3a"\naccent = "#9fd3b4"\nlogo = "images/arxan-logo.svg"\n'
        'banner = "images/arxan-banner.svg"\nhome_columns = ["tzgg", "lyxx", "zfwj"]\n'),
        columns=(("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("lyxx", "旅游资讯", "news"),
                 ("zfwj", "政府文件", "document"), ("zfxxgk", "政府信息公开", "disclosure"), ("zjaes", "走进阿尔山", "page")))
    repo.site("tuquan", "突泉县人民政府", url="https://www.tq.gov.cn/", credit_code="11152224MB1398647H", extra=(
        'short_name = "突泉县"\n[theme]\nprimary = "#1d3f8f"\naccent = "#f2c14e"\nlogo = "images/tuquan-logo.svg"\n'
        'home_columns = ["tzgg", "zfwj", "zwdt"]\n'),
        columns=(("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("zfwj", "政府文件", "document"),
                 ("zfxxgk", "政府信息公开", "disclosure"), ("zjtq", "走进突泉", "page")))
    # Colours that only just pass the 4.5:1 check: axe must still find nothing on this site.
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", credit_code="11152200MB0000001X", extra='short_name = "统计局"\n[theme]\nprimary = "#2e8540"\naccent = "#9a8440"\n',
              columns=(("zfxxgk", "政府信息公开", "disclosure"), ("gzdt", "工作动态", "news")))
    w = repo.write
    w("content/portal/files/images/spring.svg", PICTURE_SVG)
    w("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产工作", "2026-03-12 09:30", Slug="spring-farming", Source="兴安盟融媒体中心",
      Summary="会议要求各旗县市抓紧备春耕物资储备，确保粮食播种面积稳定。",
      body="""
      3月12日，兴安盟召开春季农业生产工作会议，部署备春耕各项工作。

      ![春耕前的田野与洮儿河示意图]({static}/files/images/spring.svg)

      会议要求，各旗县市要抓紧落实种子、化肥、农机等物资储备，做好农业技术指导服务。

      | 旗县市 | 计划播种面积（万亩） | 已备种子（吨） |
      | --- | --- | --- |
      | 乌兰浩特市 | 52 | 3100 |
      | 突泉县 | 210 | 12800 |
      """))
    for n, (title, day) in enumerate((("兴安盟召开优化营商环境推进会", "2026-03-10"), ("兴安盟开展春季森林草原防火检查", "2026-03-08"),
                                       ("兴安盟举办就业援助月专场招聘会", "2026-03-05"), ("兴安盟推进高标准农田建设", "2026-03-02"))):
        w(f"content/portal/zwdt/news-{n}.md", article(title, day, Slug=f"news-{n}", body="会议强调，要坚持问题导向，细化工作举措，确保各项任务落地见效。"))
    for n, (title, day) in enumerate((("关于2026年清明节放假安排的通知", "2026-03-28"), ("关于开展2026年度政府网站自查工作的通知", "2026-03-20"),
                                       ("兴安盟行政公署关于公开招聘事业单位工作人员的公告", "2026-03-15"))):
        w(f"content/portal/tzgg/notice-{n}.md", article(title, day, Slug=f"notice-{n}", body="各旗县市人民政府，盟直各部门：现将有关事项通知如下。"))
    w("content/portal/zfwj/plan.md", document("兴安盟2026年国民经济和社会发展计划", "2026-02-20", "11152200011520000X/2026-00001", "兴署发〔2026〕3号", Slug="plan-2026"))
    w("content/portal/zfwj/old-rule.md", document("兴安盟城市供热管理办法", "2019-09-01", "11152200011520000X/2019-00021", "兴署发〔2019〕21号", Slug="heating-2019", Validity="废止", Validity_Date="2025-10-01"))
    w("content/portal/zcjd/plan-jd.md", article("一图读懂《兴安盟2026年国民经济和社会发展计划》", "2026-02-22", Slug="plan-2026-jd"))
    w("content/portal/mzxx/heating.md", article("关于小区供热温度不达标的反映", "2026-01-10", Slug="heating-letter", Received="2026-01-10", Replied="2026-01-14", Replier="兴安盟住房和城乡建设局",
      body="## 来信\n\n我家所在小区室内温度长期低于18摄氏度，请有关部门协调解决。\n\n## 答复\n\n经核查，已督促供热企业调整管网运行参数，室温已达标。"))
    w("content/portal/lsxa/wetland.md", article("兴安盟湿地保护成效显著", "2026-02-02", Slug="wetland"))
    w("content/portal/zfxxgk/guide.md", document("兴安盟行政公署政府信息公开指南", "2026-01-05", "11152200011520000X/2026-00002", "无", Slug="guide"))
    w("content/portal/bsfw/hotline.md", article("12345政务服务便民热线", "2026-01-02", Slug="hotline"))
    w("content/arxan/files/images/snow.svg", PICTURE_SVG)
    w("content/arxan/zwdt/snow.md", article("阿尔山市冰雪旅游季启动", "2026-01-10", Slug="snow", Source="阿尔山市融媒体中心",
      body="1月10日，阿尔山市冰雪旅游季正式启动。\n\n![雪后的阿尔山林区示意图]({static}/files/images/snow.svg)\n\n活动期间将举办冰雪运动体验等项目。"))
    w("content/arxan/zwdt/forest.md", article("阿尔山市开展森林防火宣传进社区活动", "2026-03-01", Slug="forest"))
    w("content/arxan/tzgg/road.md", article("关于伊尔施至白狼段道路施工期间交通管制的通告", "2026-03-05", Slug="road"))
    w("content/arxan/lyxx/spring.md", article("阿尔山温泉景区春季开放时间调整", "2026-03-06", Slug="spa-hours"))
    w("content/arxan/zfwj/tourism.md", document("阿尔山市促进全域旅游发展实施意见", "2026-02-10", "11152202MB17411858/2026-00001", "阿政发〔2026〕5号", Slug="tourism", Issuer="阿尔山市人民政府"))
    w("content/arxan/zfxxgk/guide.md", document("阿尔山市人民政府信息公开指南", "2026-01-06", "11152202MB17411858/2026-00002", "无", Slug="guide", Issuer="阿尔山市人民政府"))
    w("content/arxan/zjaes/about.md", article("阿尔山市概况", "2026-01-01", Slug="about"))
    w("content/tuquan/zwdt/corn.md", article("突泉县玉米良种推广覆盖率稳步提升", "2026-03-03", Slug="corn"))
    w("content/tuquan/tzgg/water.md", article("突泉镇部分区域临时停水的通知", "2026-03-09", Slug="water"))
    w("content/tuquan/zfwj/grain.md", document("突泉县粮食生产扶持政策实施细则", "2026-02-18", "11152224MB1398647H/2026-00001", "突政发〔2026〕2号", Slug="grain", Issuer="突泉县人民政府"))
    w("content/tuquan/zfxxgk/guide.md", document("突泉县人民政府信息公开指南", "2026-01-06", "11152224MB1398647H/2026-00002", "无", Slug="guide", Issuer="突泉县人民政府"))
    w("content/tuquan/zjtq/about.md", article("突泉县概况", "2026-01-01", Slug="about"))
    w("content/tjj/gzdt/economy.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    w("content/tjj/zfxxgk/guide.md", document("兴安盟统计局政府信息公开指南", "2026-01-08", "11152200MB0000001X/2026-00001", "无", Slug="guide", Issuer="兴安盟统计局"))
    for site_id, issuer, index_no in (("portal", "兴安盟行政公署", "11152200011520000X/2026-00003"), ("arxan", "阿尔山市人民政府", "11152202MB17411858/2026-00003"),
                                      ("tuquan", "突泉县人民政府", "11152224MB1398647H/2026-00003"), ("tjj", "兴安盟统计局", "11152200MB0000001X/2026-00002")):
        w(f"content/{site_id}/zfxxgk/rules.md", document(f"{issuer}政府信息公开制度", "2026-01-07", index_no, "无", Slug="rules", Issuer=issuer))
    return repo
