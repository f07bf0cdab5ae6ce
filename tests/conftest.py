"""Fixture repositories: small clusters written into tmp_path and built through ``--root``."""

from __future__ import annotations

import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import build as build_cli  # noqa: E402

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
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", extra='short_name = "统计局"', columns=(("gzdt", "工作动态", "news"),))
    repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring-farming"))
    repo.write("content/portal/tzgg/holiday.md", article("关于清明节放假的通知", "2026-03-28", Slug="qingming"))
    repo.write("content/ulanhot/zwdt/river.md", article("乌兰浩特市推进洮儿河治理", "2026-04-01", Slug="river"))
    repo.write("content/ulanhot/tzgg/notice.md", article("乌兰浩特市停水通知", "2026-04-02", Slug="water"))
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", Slug="snow"))
    repo.write("content/tjj/gzdt/data.md", article("2025年兴安盟经济运行情况", "2026-01-20", Slug="economy-2025"))
    return repo


def new_repo(root: Path) -> Repo:
    """An empty repository at ``root`` with the shared theme only: for module-scoped fixtures,
    which cannot use the function-scoped ``repo`` fixture."""
    shutil.copytree(REPO / "themes" / "gov", root / "themes" / "gov")
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
