"""Safe by construction, tried with random input (hypothesis).

* paths: random aliases, slugs, attachment names and ``--out`` values — percent-encoded, double
  encoded, with backslashes, Unicode dots and symbolic links — never write outside their folder;
* headers: random blank lines, indentation and full-width punctuation never change an item's
  visibility or status without an error;
* leaks: random sites whose internal and draft items link each other every way the syntax
  allows never put a byte unique to an unpublished item into public output;
* check and build agree: every error ``build`` finds on a broken tree, ``check`` finds too.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from conftest import Repo, article, new_repo
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zhanqun.config.sites import Column, Footer, Site
from zhanqun.content.index import read_item
from zhanqun.content.metadata import KNOWN_KEYS
from zhanqun.errors import Problems
from zhanqun.links.redirects import alias_path
from zhanqun.paths import (
    UnsafePath,
    check_output_folder,
    normalise,
    symlink,
    write_text,
)
from zhanqun.pipeline import PROTECTED_FOLDERS

QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Pieces of paths that have been used to climb out of a folder, or to confuse what a path means.
TRICKS = [
    "..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "%252e%252e", "%25252e", "%2f", "%2F", "%5c", "\\", "..\\", "\\..",
    "．．", "‥", "\u2024\u2024", "%c0%ae%c0%ae", "%e0%80%ae", "%00", "%0a", "\t", "..;", "...", "....//", "a", "old",
    "b.html", "中文", "%E4%B8%AD", "~", "", "link", "inner", "link/..", "%2e%2e%2f", "..%2f", "%2e%2e%5c",
]
paths = st.tuples(st.sampled_from(["", "/", "//", "\\"]), st.lists(st.sampled_from(TRICKS), min_size=1, max_size=7)).map(lambda t: t[0] + "/".join(t[1]))


def digest(folder: Path, skip: Path) -> dict[str, str]:
    """Every file (and link) under ``folder`` except inside ``skip``, with a hash of its bytes."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        if Path(dirpath) == skip or skip in Path(dirpath).parents:
            continue
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                found[str(path)] = "link:" + os.readlink(path)
            elif path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A repository with an output site folder holding two links: one out, one back inside."""
    top = tmp_path_factory.mktemp("paths")
    repo = top / "repo"
    (repo / "content" / "portal").mkdir(parents=True)
    (repo / "content" / "portal" / "a.md").write_text("keep", encoding="utf-8")
    site = repo / "output" / "preview" / "portal"
    (site / "sub").mkdir(parents=True)
    (top / "outside").mkdir()
    os.symlink(top / "outside", site / "link")
    os.symlink(site / "sub", site / "inner")
    return top, site


@QUICK
@given(rel=paths)
def test_no_written_path_leaves_its_folder(world: tuple[Path, Path], rel: str) -> None:
    top, site = world
    before = digest(top, site)
    try:
        written = write_text(site, rel, "x")
    except (UnsafePath, IsADirectoryError, NotADirectoryError, FileExistsError):
        written = None
    if written is not None:
        real = Path(os.path.realpath(written))
        assert Path(os.path.realpath(site)) in real.parents
        assert not any(part == ".." for part in Path(normalise(rel)).parts)
    assert digest(top, site) == before


@QUICK
@given(alias=paths)
def test_no_alias_accepted_by_the_checks_writes_outside_its_site(world: tuple[Path, Path], alias: str) -> None:
    top, site = world
    before = digest(top, site)
    check = KNOWN_KEYS["Aliases"].check
    assert check is not None
    if check("/" + alias.lstrip("/")) is not None:
        return  # refused with a located error
    try:
        target = alias_path("/" + alias.lstrip("/"))
    except UnsafePath:
        return  # refused with a located error (bad-alias)
    if target is None:
        return
    try:
        written = write_text(site, target, "<p>redirect</p>")
    except (UnsafePath, IsADirectoryError, NotADirectoryError, FileExistsError):
        return
    assert Path(os.path.realpath(site)) in Path(os.path.realpath(written)).parents
    assert digest(top, site) == before


@QUICK
@given(slug=st.lists(st.sampled_from(list("az09-._%/\\．") + ["..", "%2e"]), min_size=1, max_size=12).map("".join))
def test_no_slug_accepted_by_the_checks_names_a_path_outside_its_column(world: tuple[Path, Path], slug: str) -> None:
    _, site = world
    check = KNOWN_KEYS["Slug"].check
    assert check is not None
    if check(slug) is not None:
        return
    assert normalise(f"zwdt/{slug}.html") == f"zwdt/{slug}.html"


@QUICK
@given(name=st.lists(st.sampled_from(list("ab.%2e．‥") + ["..", "%2f", "\u2024"]), min_size=1, max_size=8).map("".join))
def test_attachment_names_are_staged_inside_the_staged_site(world: tuple[Path, Path], name: str) -> None:
    top, site = world
    assume("/" not in name and name not in (".", ".."))
    staged = top / "staged"
    before = digest(top, staged)
    try:
        link = symlink(staged, f"files/{name}", top / "outside")
    except (UnsafePath, FileExistsError):
        return
    assert Path(os.path.realpath(staged)) in Path(os.path.realpath(link.parent)).parents or Path(os.path.realpath(link.parent)) == Path(os.path.realpath(staged)) / "files"
    link.unlink()
    assert digest(top, staged) == before


@QUICK
@given(parts=st.lists(st.sampled_from(["..", ".", "output", "preview", "content", "sites", "themes", ".git", "tests", "zhanqun", "x", "new", "link"]), max_size=5))
def test_out_is_refused_whenever_it_is_contains_or_lies_in_what_it_must_not_replace(world: tuple[Path, Path], parts: list[str]) -> None:
    top, _ = world
    repo = top / "repo"
    out = repo.joinpath(*parts) if parts else repo
    reason = check_output_folder(out, repo, PROTECTED_FOLDERS, "preview")
    real, root = Path(os.path.realpath(out)), Path(os.path.realpath(repo))
    if reason is None:
        assert real != root and real not in root.parents
        assert not any(real == root / name or root / name in real.parents for name in PROTECTED_FOLDERS)
        if real.is_dir() and any(real.iterdir()):
            assert (real / ".zhanqun-output").is_file()


# --- headers ------------------------------------------------------------------------------------

SITE = Site(id="portal", name="兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", sitecode="1522000001",
            footer=Footer("a", "b", "c", "d"), columns=(Column("zwdt", "政务动态", "news"),), source="sites/portal.toml")
SPACES = [" ", "\t", "\u3000", "\u00a0", "  ", "\u200b"]
COLONS = [":", "：", " :", ": ", ":\u3000", "\uff1a ", " ： "]


def _widen(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@settings(max_examples=400, deadline=None)
@given(
    gate=st.sampled_from([("Visibility", "internal"), ("Status", "draft")]),
    order=st.permutations([0, 1, 2]),
    blanks=st.lists(st.integers(0, 3), max_size=3),
    indents=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(SPACES)), max_size=2),
    colons=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(COLONS)), max_size=2),
    cases=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["lower", "upper", "wide", "zwsp"])), max_size=2),
)
def test_no_header_mistake_changes_visibility_or_status_silently(gate: tuple[str, str], order: list[int], blanks: list[int], indents: list[tuple[int, str]], colons: list[tuple[int, str]], cases: list[tuple[int, str]]) -> None:
    fields = [["Title", "内部测试稿件"], ["Date", "2026-11-25 09:00"], list(gate)]
    keys = [fields[i][0] for i in range(3)]
    separators = [": "] * 3
    prefixes = [""] * 3
    for n, colon in colons:
        separators[n] = colon
    for n, space in indents:
        prefixes[n] = space
    for n, how in cases:
        keys[n] = {"lower": keys[n].lower(), "upper": keys[n].upper(), "wide": _widen(keys[n]), "zwsp": "\u200b" + keys[n]}[how]
    lines = [prefixes[i] + keys[i] + separators[i] + fields[i][1] for i in order]
    for position in sorted(blanks, reverse=True):
        lines.insert(position, "")
    text = "\n".join(lines) + "\n\n正文。\n"
    problems = Problems()
    item = read_item(text.encode("utf-8"), SITE, SITE.columns[0], "zwdt/a.md", "content/portal/zwdt/a.md", problems)
    if problems.has_errors() or item is None:
        return  # the author is told
    key, value = gate
    assert (item.visibility if key == "Visibility" else item.status) == value, text


# --- leaks --------------------------------------------------------------------------------------


@st.composite
def clusters(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    """Two sites of items, each with a unique token, some internal or draft, linking each other."""
    sites: dict[str, list[dict[str, object]]] = {}
    for site in ("portal", "ulanhot"):
        count = draw(st.integers(2, 4))
        sites[site] = [
            {
                "token": f"zq{site[0]}{n}{draw(st.text(alphabet='bcdfghjkmnpqrstvwxz', min_size=6, max_size=6))}",
                "file": f"zf{site[0]}{n}{draw(st.text(alphabet='bcdfghjkmnpqrstvwxz', min_size=6, max_size=6))}",
                "visibility": draw(st.sampled_from(["public", "public", "internal"])),
                "status": draw(st.sampled_from(["published", "published", "hidden", "draft"])),
            }
            for n in range(count)
        ]
    for site, items in sites.items():
        other = "ulanhot" if site == "portal" else "portal"
        for n, item in enumerate(items):
            links = []
            for _ in range(draw(st.integers(0, 3))):
                kind = draw(st.sampled_from(["site-page", "filename", "site-file", "static"]))
                if kind == "site-page":
                    links.append(f"[链接](site:{other}/zwdt/i{draw(st.integers(0, len(sites[other]) - 1))}.md)")
                elif kind == "filename" and len(items) > 1:
                    links.append(f"[链接]({{filename}}i{draw(st.integers(0, len(items) - 1))}.md)")
                elif kind == "site-file":
                    m = draw(st.integers(0, len(sites[other]) - 1))
                    links.append(f"[附件](site:{other}/files/{sites[other][m]['file']}.txt)")
                else:
                    links.append(f"[附件]({{static}}/files/{item['file']}.txt)")
            item["links"] = links
            item["syndicate"] = draw(st.sampled_from(["", other]))
    return sites


def _write_leak_cluster(repo: Repo, sites: dict[str, list[dict[str, object]]]) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    for site, items in sites.items():
        for n, item in enumerate(items):
            token = str(item["token"])
            repo.write(f"content/{site}/files/{item['file']}.txt", f"附件正文 {item['file']}")
            meta = {"Slug": f"s-{token}", "Visibility": str(item["visibility"]), "Status": str(item["status"]), "Aliases": f"/old/{token}.html", "Tags": token}
            if item["syndicate"]:
                meta["Syndicate"] = str(item["syndicate"])
            body = f"正文 {token}。\n\n" + "\n\n".join(item["links"])  # type: ignore[arg-type]
            repo.write(f"content/{site}/zwdt/i{n}.md", article(f"稿件{token}", "2026-03-01", body, Summary=f"摘要{token}", **meta))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites=clusters())
def test_no_public_output_holds_a_byte_unique_to_an_unpublished_item(sites: dict[str, list[dict[str, object]]]) -> None:
    def published(item: dict[str, object]) -> bool:
        return item["visibility"] == "public" and item["status"] != "draft"

    unpublished = [str(i["token"]) for items in sites.values() for i in items if not published(i)]
    public_links = " ".join(link for items in sites.values() for i in items if published(i) for link in i["links"])  # type: ignore[attr-defined]
    unpublished += [str(i["file"]) for items in sites.values() for i in items if str(i["file"]) not in public_links]
    with tempfile.TemporaryDirectory() as tmp:
        repo = new_repo(Path(tmp) / "repo")
        _write_leak_cluster(repo, sites)
        for target in ("preview", "production"):
            result = repo.run("build", "--target", target)
            if result.exit_code != 0:
                assert not repo.out(target=target).exists() or not any(repo.out(target=target).iterdir())
                continue
            for path in repo.out(target=target).rglob("*"):
                if path.is_file():
                    data = path.read_bytes()
                    for token in unpublished:
                        assert token.encode() not in data, f"{token} leaked into {path}"


# --- check and build agree ----------------------------------------------------------------------

BROKEN_TREES = {
    "blank line in the header": lambda r: r.write("content/portal/zwdt/t.md", "Title: 内部测试\nDate: 2026-11-25\n\nVisibility: internal\n\n正文\n"),
    "indented header line": lambda r: r.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\n Visibility: internal\n\n正文\n"),
    "vertical tab": lambda r: r.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\n\n一\x0b二\n"),
    "NUL past 8 KB": lambda r: r.write("content/portal/zwdt/t.md", "Title: 测试\nDate: 2026-11-25\n\n" + "正文。\n" * 3000 + "\x00\n"),
    "punctuation tag": lambda r: r.write("content/portal/zwdt/t.md", article("测试", Tags="春耕, ？")),
    "list 300 deep": lambda r: r.write("content/portal/zwdt/t.md", article("测试", body="\n".join("    " * d + "- 项" for d in range(300)))),
    "plugins = [42]": lambda r: r.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra="[pelican]\nplugins = [42]"),
    "iframe_hosts = [1]": lambda r: r.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra="[publishing]\niframe_hosts = [1]"),
    "two sites at one url": lambda r: r.site("ulanhot", "乌兰浩特市人民政府", url="https://www.xam.gov.cn/"),
    "logo outside static": lambda r: r.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='[theme]\nlogo = "../../../etc/passwd"'),
    "alias out of the site": lambda r: r.write("content/portal/zwdt/t.md", article("测试", Slug="t", Aliases="/%2e%2e/%2e%2e/x.html")),
    "javascript link column": lambda r: r.write("sites/portal.toml", (r.root / "sites/portal.toml").read_text(encoding="utf-8") + '\n[[columns]]\nid = "bsfw"\nname = "办事服务"\ntype = "link"\nurl = "javascript:alert(1)"\n'),
    "active svg": lambda r: (r.write("content/portal/files/m.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), r.write("content/portal/zwdt/t.md", article("测试", body="![图]({static}/files/m.svg)"))),
    "quoting an internal title": lambda r: (r.write("content/portal/zwdt/s.md", article("兴安盟内部预算调整方案", Slug="s", Visibility="internal")), r.write("content/portal/zwdt/t.md", article("测试", body="参见《兴安盟内部**预算**调整方案》"))),
    "template typo": lambda r: r.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}x{% endblok %}\n'),
    "misspelt block": lambda r: r.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block hedaer %}x{% endblock %}\n'),
    "bare path to no file": lambda r: (r.write("content/portal/files/m.png", b"\x89PNG"), r.write("content/portal/zwdt/t.md", article("测试", body="![图](../files/n.png)"))),
    "production address of no page": lambda r: r.write("content/portal/zwdt/t.md", article("测试", body="[页](https://www.wlht.gov.cn/zwdt/no-such-page.html)")),
    "preview address of no page": lambda r: r.write("content/portal/zwdt/t.md", article("测试", body="[页](/ulanhot/zwdt/no-such-page.html)")),
    "script in a body": lambda r: r.write("content/portal/zwdt/t.md", article("测试", body="<script>alert(1)</script>")),
    "event handler in an attribute list": lambda r: r.write("content/portal/zwdt/t.md", article("测试", body="段落。\n{: onmouseover=alert(1) }")),
    "column folder that is no column": lambda r: r.write("content/ulanhot/zwgk/t.md", article("测试", Slug="t")),
    "placeholder text published": lambda r: r.write("content/portal/zwdt/t.md", article("测试", Slug="t", body="在此填写正文。")),
    "misspelt site value in a template": lambda r: r.write("themes/ulanhot/templates/base.html", '{% extends "!theme/base.html" %}\n{% block header_extra %}{{ ZQ_SITE.nmae }}{% endblock %}\n'),
    "date in Chinese after a wide colon": lambda r: r.write("content/portal/zwdt/t.md", "Title: 测试\nDate：2026年11月30日\n\n正文\n"),
    "link to an internal page": lambda r: (r.write("content/portal/zwdt/s.md", article("内部页面", Slug="s", Visibility="internal")), r.write("content/ulanhot/zwdt/t.md", article("测试", body="[内部](site:portal/zwdt/s.md)"))),
}


def _errors(result: object) -> set[tuple[str, str]]:
    from conftest import problem_lines

    found = set()
    for line in problem_lines(result):  # type: ignore[arg-type]
        if ": warning: " in line:
            continue
        where, code = line.split(": ")[0], line.split(": ")[1]
        found.add((where, code))
    return found


@pytest.mark.parametrize("tree", BROKEN_TREES)
def test_check_finds_every_error_build_finds_for_every_target(repo: Repo, tree: str) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring"))
    BROKEN_TREES[tree](repo)
    checked = repo.run("check")
    assert checked.exit_code == 1, tree
    found = _errors(checked)
    assert found
    for target in ("preview", "production", "intranet"):
        built = repo.run("build", "--target", target)
        assert "Traceback" not in built.output
        if built.exit_code == 0:
            continue  # a mistake of another target (a public page linking an internal one)
        assert built.exit_code == 1
        assert _errors(built) <= found, (tree, target, _errors(built) - found)
        assert all(where.startswith(("content/", "sites/", "themes/")) for where, _ in _errors(built)), _errors(built)
