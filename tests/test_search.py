"""Search (issue 12): the Pagefind binary is found and checked, each site's bundle is made from what
the target publishes, the leak gate reads the compressed bundle, and two builds write the same bytes.

The real binary is needed (Pagefind's extended build 1.6+, ``ZHANQUN_PAGEFIND``; ``.ci/run`` fetches
it): without it these tests are skipped with the reason — under ``CI=true`` they fail. One small
fixture cluster is built three times for the whole module (preview twice, intranet once).
"""

from __future__ import annotations

import gzip
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import Repo, article, fill_small_cluster, new_repo

from zhanqun.errors import Problems
from zhanqun.publish import pagefind
from zhanqun.publish.leak_gate import LeakScanner, Trace, check_output_leaks
from zhanqun.publish.search import BUNDLE, UNUSED, index_site, main_holds_the_marks
from zhanqun.render.attachment_use import AttachmentUse

SECRET = "绝密代号青山七号工程"


@pytest.fixture(scope="module")
def binary() -> pagefind.Pagefind:
    try:
        return pagefind.find()
    except pagefind.PagefindUnusable as exc:
        reason = f"{exc.where}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs Pagefind's extended build 1.6+: {reason}", pytrace=False)
        pytest.skip(f"search tests need Pagefind's extended build 1.6+: {reason}")


def page(title: str, body: str, column: str = "通知公告", date: str = "2026-03-01", docno: str = "", main: bool = True) -> str:
    """A page marked up as the theme marks up an item: data-pagefind-body, and the search metadata
    (the 栏目 filter, date, 文号) as hidden ``<data>`` at the start of ``<main>`` (base.html's
    ``search_meta``). ``main=False``: as a webmaster's base.html without ``<main>`` would have it."""
    docno_meta = f'<data hidden value="{docno}" data-pagefind-meta="docno[value]"></data>' if docno else ""
    search_meta = f'<data hidden value="{column}" data-pagefind-meta="column[value]" data-pagefind-filter="栏目[value]"></data><data hidden value="{date}" data-pagefind-meta="date[value]"></data>{docno_meta}'
    content = f"{search_meta}<article data-pagefind-body><h1>{title}</h1><p>{body}</p></article>"
    return textwrap.dedent(
        f"""\
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
        <meta name="ColumnName" content="{column}"><meta name="PubDate" content="{date} 09:00"></head>
        <body><nav>首页 栏目导航</nav>{f"<main>{content}</main>" if main else f"<div>{content}</div>"}<footer>主办单位</footer></body></html>
        """
    )


def write_site(folder: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def fragments(bundle: Path) -> list[dict]:
    return [pagefind.fragment_json(p.read_bytes()) for p in sorted((bundle / "fragment").iterdir())]


# --- the binary ----------------------------------------------------------------------------


def fake_binary(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "pagefind_extended"
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(script), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_variable_that_names_no_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(pagefind.PagefindUnusable) as caught:
        pagefind.locate({"ZHANQUN_PAGEFIND": str(tmp_path / "nothing")})
    assert caught.value.where == f"ZHANQUN_PAGEFIND={tmp_path / 'nothing'}"
    assert "names no file" in str(caught.value)
    # what to run, in the repository, where the package index stops at 1.5 (the npm tarball is not the binary)
    assert 'export ZHANQUN_PAGEFIND="$(.ci/pagefind)"' in str(caught.value) and "docs/authors.md" in str(caught.value)


def test_zhanqun_pagefind_comes_before_pagefinds_own_variable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text(""), second.write_text("")
    assert pagefind.locate({"ZHANQUN_PAGEFIND": str(first), "PAGEFIND_BINARY_PATH": str(second)}) == (first, "ZHANQUN_PAGEFIND")
    assert pagefind.locate({"PAGEFIND_BINARY_PATH": str(second)}) == (second, "PAGEFIND_BINARY_PATH")


def test_pagefind_1_5_is_refused_with_how_to_get_1_6(tmp_path: Path) -> None:
    old = fake_binary(tmp_path, 'import sys\nprint("pagefind 1.5.2")\n')
    with pytest.raises(pagefind.PagefindUnusable) as caught:
        pagefind.check(old, "ZHANQUN_PAGEFIND")
    message = str(caught.value)
    assert caught.value.where == f"ZHANQUN_PAGEFIND: {old}"
    assert "Pagefind 1.5.2 is too old" in message and "科尔沁右翼前旗" in message and "pip install 'pagefind[extended]>=1.6'" in message


def test_something_that_is_not_pagefind_is_refused(tmp_path: Path) -> None:
    other = fake_binary(tmp_path, 'print("hello")\n')
    with pytest.raises(pagefind.PagefindUnusable, match="does not answer --version like Pagefind"):
        pagefind.check(other, "PATH")


def test_the_standard_build_is_refused_because_it_does_not_cut_chinese(tmp_path: Path) -> None:
    """A 1.6 that indexes without segmenting (the standard build): its fragment has no U+200B."""
    standard = fake_binary(
        tmp_path,
        """\
        import base64, gzip, json, sys
        if "--version" in sys.argv:
            print("pagefind 1.6.0"); sys.exit(0)
        def answer(message_id, payload):
            sys.stdout.buffer.write(base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b",")
            sys.stdout.flush()
        buffer = b""
        while True:
            byte = sys.stdin.buffer.read(1)
            if not byte:
                break
            if byte != b",":
                buffer += byte
                continue
            request = json.loads(base64.b64decode(buffer)); buffer = b""
            kind = request["payload"]["type"]
            if kind == "NewIndex":
                answer(request["message_id"], {"type": "NewIndex", "index_id": 0})
            elif kind == "AddFile":
                answer(request["message_id"], {"type": "IndexedFile", "page_word_count": 1, "page_url": "/p.html", "page_meta": {}})
            else:
                fragment = gzip.compress(b"pagefind_dcd" + json.dumps({"content": "供暖补贴发放工作通知"}).encode())
                answer(request["message_id"], {"type": "GetFiles", "files": [{"path": "fragment/x.pf_fragment", "content": base64.b64encode(fragment).decode()}]})
        """,
    )
    with pytest.raises(pagefind.PagefindUnusable, match="standard build"):
        pagefind.check(standard, "PATH")


# --- the indexing step ------------------------------------------------------------------------


def test_a_site_folder_becomes_a_bundle_of_its_marked_pages(tmp_path: Path, binary: pagefind.Pagefind) -> None:
    site = write_site(
        tmp_path / "site",
        {
            "tzgg/heating.html": page("关于发放供暖补贴的通知", "科尔沁右翼前旗城镇困难群众领取供暖补贴。", docno="兴署发〔2026〕5号"),
            "zwdt/spring.html": page("全盟春耕备耕工作推进会召开", "阿尔山市部署春耕生产。", column="政务动态", date="2026-04-02"),
            "old.html": '<!DOCTYPE html><html lang="zh-CN"><head><meta http-equiv="refresh" content="0; url=tzgg/heating.html"></head><body>转到新地址</body></html>',
        },
    )
    problems = Problems()
    assert index_site(binary, site, "output/preview/portal", problems) == 2
    assert not problems.items
    bundle = site / BUNDLE
    names = {p.name for p in bundle.iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.unknown.pagefind", "fragment", "index", "filter"} <= names
    assert not names & UNUSED
    found = {f["url"]: f for f in fragments(bundle)}
    assert set(found) == {"/tzgg/heating.html", "/zwdt/spring.html"}  # the redirect page has no data-pagefind-body
    heating = found["/tzgg/heating.html"]
    assert heating["meta"] == {"title": "关于发放供暖补贴的通知", "column": "通知公告", "date": "2026-03-01", "docno": "兴署发〔2026〕5号"}
    assert heating["filters"] == {"栏目": ["通知公告"]}
    assert "\u200b" in heating["content"] and "首页" not in heating["content"]  # segmented; navigation left out


def test_pages_without_main_are_read_whole_and_none_is_left_out(tmp_path: Path, binary: pagefind.Pagefind) -> None:
    """Pagefind reads ``<main>`` only (``search.ROOT``); a site whose pages lack it (a webmaster's
    base.html) is indexed again with whole pages, so its pages are found all the same."""
    pages = {
        "tzgg/heating.html": page("关于发放供暖补贴的通知", "科尔沁右翼前旗城镇困难群众领取供暖补贴。", docno="兴署发〔2026〕5号", main=False),
        "zwdt/spring.html": page("全盟春耕备耕工作推进会召开", "阿尔山市部署春耕生产。", column="政务动态", date="2026-04-02"),
    }
    whole, rooted = write_site(tmp_path / "whole", pages), write_site(tmp_path / "rooted", {rel: page("关于发放供暖补贴的通知", "科尔沁右翼前旗城镇困难群众领取供暖补贴。", docno="兴署发〔2026〕5号") if rel.startswith("tzgg") else text for rel, text in pages.items()})
    problems = Problems()
    assert index_site(binary, whole, "output/preview/portal", problems) == 2
    assert index_site(binary, rooted, "output/preview/portal", problems) == 2
    assert not problems.items
    assert fragments(whole / BUNDLE) == fragments(rooted / BUNDLE)  # the same text and metadata, read either way
    heating = {f["url"]: f for f in fragments(whole / BUNDLE)}["/tzgg/heating.html"]
    assert heating["meta"]["docno"] == "兴署发〔2026〕5号" and heating["filters"] == {"栏目": ["通知公告"]}
    assert not main_holds_the_marks(whole) and main_holds_the_marks(rooted)


OLD_HEAD = '<meta name="ColumnName" content="通知公告" data-pagefind-meta="column[content]" data-pagefind-filter="栏目[content]">'


@pytest.mark.parametrize(
    "text, rooted",
    [
        (page("通知", "正文"), True),
        ('<html><body><main><h1>无标记</h1></main></body></html>', True),
        ('<html><body><p>没有 main 也没有标记</p></body></html>', True),
        (page("通知", "正文").replace("<title>", OLD_HEAD + "<title>"), False),  # a template written for whole pages
        (page("通知", "正文").replace("<footer>", "<aside data-pagefind-body>附件</aside><footer>"), False),
        (page("通知", "正文", main=False), False),
        (page("通知", "正文").replace("<h1>通知</h1>", "<h2>通知</h2>"), False),  # its title would come from outside main
        (page("通知", "正文").replace("<main>", "<MAIN>").replace("data-pagefind-body", "DATA-PAGEFIND-BODY"), True),
        (page("通知", "正文").replace("<nav>", '<nav data-pagefind-ignore>'), False),
        (page("通知", "正文").replace("<nav>", "<h1>站点名</h1><nav>"), False),  # its title would change
        (page("通知", "正文").replace("<title>", "<!-- <main> --><title>"), False),
        (page("通知", "正文").replace("<nav>", "<main-menu></main-menu><nav>"), True),
        (page("通知", "正文").replace("<footer>", '<footer><script>var m = "</main>";</script>'), False),
    ],
)
def test_pagefind_reads_main_alone_only_where_every_mark_is_inside_it(tmp_path: Path, text: str, rooted: bool) -> None:
    site = write_site(tmp_path / "site", {"a/one.html": page("甲", "正文"), "b/two.html": text})
    assert main_holds_the_marks(site) is rooted


def test_a_site_without_any_marked_page_is_read_whole(tmp_path: Path, binary: pagefind.Pagefind) -> None:
    """No ``data-pagefind-body`` anywhere: Pagefind indexes every page whole, those without
    ``<main>`` too, as it always did."""
    site = write_site(tmp_path / "site", {"a.html": '<html lang="zh-CN"><body><h1>甲</h1><p>正文一</p></body></html>', "b.html": '<html lang="zh-CN"><body><main><h1>乙</h1><p>正文二</p></main></body></html>'})
    assert not main_holds_the_marks(site)
    assert index_site(binary, site, "output/preview/portal", Problems()) == 2


def test_a_folder_named_like_the_bundle_is_an_error_not_overwritten(tmp_path: Path, binary: pagefind.Pagefind) -> None:
    site = write_site(tmp_path / "site", {"a.html": page("通知", "正文"), "pagefind/index.html": "mine"})
    problems = Problems()
    assert index_site(binary, site, "output/preview/portal", problems) == 0
    assert [(p.path, p.code) for p in problems.items] == [("output/preview/portal/pagefind", "search-failed")]
    assert (site / "pagefind" / "index.html").read_text() == "mine"


def test_a_binary_that_fails_while_indexing_is_a_located_error(tmp_path: Path, binary: pagefind.Pagefind) -> None:
    crashing = pagefind.Pagefind(fake_binary(tmp_path, "import sys\nsys.stderr.write('boom: out of memory')\nsys.exit(3)\n"), "1.6.0")
    site = write_site(tmp_path / "site", {"a.html": page("通知", "正文")})
    problems = Problems()
    index_site(crashing, site, "output/preview/portal", problems)
    assert [(p.path, p.code) for p in problems.items] == [("output/preview/portal/pagefind", "search-failed")]
    assert "could not index the site" in problems.items[0].message and not (site / BUNDLE).exists()


# --- the leak gate reads the bundle -------------------------------------------------------------


def test_cbor_strings_reads_every_text_string() -> None:
    # {"a": ["供暖", 5, b"\x00"], "b": 1.5} with a 2-byte length, an indefinite array and a float
    data = bytes([0xA2, 0x61]) + b"a" + bytes([0x9F, 0x66]) + "供暖".encode() + bytes([0x05, 0x41, 0x00, 0xFF, 0x61]) + b"b" + bytes([0xF9, 0x3E, 0x00])
    data += bytes([0x79, 0x00, 0x06]) + "补贴".encode()
    assert pagefind.cbor_strings(data) == ["a", "供暖", "b", "补贴"]
    assert pagefind.cbor_strings(bytes([0x7A, 0xFF, 0xFF, 0xFF, 0xFF, 0x61])) == []  # a length past the end stops the walk


@pytest.mark.parametrize(
    ("place", "markup"),
    [
        ("body", page("关于春季防火的通知", f"全文提到{SECRET}的安排。")),
        ("title", page(f"{SECRET}实施方案", "正文内容。")),
        ("docno", page("关于春季防火的通知", "正文内容。", docno=f"{SECRET}〔2026〕1号")),
        ("column", page("关于春季防火的通知", "正文内容。", column=SECRET)),
    ],
)
def test_a_trace_in_any_part_of_the_bundle_is_a_leak(tmp_path: Path, binary: pagefind.Pagefind, place: str, markup: str) -> None:
    """The page itself is left out of the scan: what is checked is that the compressed bundle alone
    is enough for the gate to refuse the build (its fragment, and for the column its filter file)."""
    site = write_site(tmp_path / "portal", {"tzgg/a.html": markup})
    assert index_site(binary, site, "output/preview/portal", Problems()) == 1
    (site / "tzgg" / "a.html").unlink()
    scanner = LeakScanner([Trace(SECRET, "content/portal/zwdt/secret.md", "title", SECRET)])
    problems = Problems()
    check_output_leaks({"portal": site}, tmp_path / "final", tmp_path, scanner, AttachmentUse(), "preview", problems)
    leaked = sorted({Path(p.path).parent.name for p in problems.items if p.code == "leak"})
    assert "fragment" in leaked
    if place == "column":
        assert "filter" in leaked
    assert all("content/portal/zwdt/secret.md" in p.message for p in problems.items)


# --- builds: nothing internal in a public bundle; the same bytes twice ----------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, binary: pagefind.Pagefind) -> dict[str, Path]:
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("search") / "repo"))
    secret_document = article(
        "兴安盟应急物资储备库选址论证报告", "2026-03-05", body=f"选址方案详见附表，项目代号为{SECRET}，请严格保密。",
        Slug="reserve-site", Visibility="internal",
    )
    repo.write("content/portal/zwdt/reserve.md", secret_document)
    repo.write("content/portal/tzgg/draft.md", article(f"{SECRET}启动会议纪要", "2026-03-06", body=f"会议研究了{SECRET}的进度安排和经费测算。", Slug="kickoff", Status="draft"))
    out = {"repo": repo.root}
    for name, target, sites in (("first", "preview", ()), ("second", "preview", ()), ("intranet", "intranet", ("--site", "portal"))):
        folder = repo.root.parent / name
        result = repo.run("build", "--target", target, "--out", str(folder), *sites)
        assert result.exit_code == 0, result.output
        out[name] = folder
    return out


def test_a_build_with_an_unusable_binary_fails_and_keeps_the_previous_output(builds: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p: p.read_bytes() for p in builds["first"].rglob("*") if p.is_file()}
    old = fake_binary(tmp_path, 'print("pagefind 1.5.2")\n')
    monkeypatch.setenv("ZHANQUN_PAGEFIND", str(old))
    result = Repo(builds["repo"]).run("build", "--out", str(builds["first"]))
    assert result.exit_code == 1
    assert f"ZHANQUN_PAGEFIND: {old}: search-unavailable: Pagefind 1.5.2 is too old" in result.output
    assert {p: p.read_bytes() for p in builds["first"].rglob("*") if p.is_file()} == before


def bundle_text(site: Path) -> str:
    texts = []
    for path in sorted((site / BUNDLE).rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            texts.append(pagefind.readable_text(path.name, data) or data.decode("utf-8", "replace"))
    return "\n".join(texts).replace("\u200b", "")


def test_every_site_has_a_bundle_of_its_own_pages(builds: dict[str, Path]) -> None:
    for site, expected in (("portal", "/zwdt/spring-farming.html"), ("ulanhot", "/zwdt/river.html"), ("tjj", "/gzdt/economy-2025.html")):
        urls = {f["url"] for f in fragments(builds["first"] / site / BUNDLE)}
        assert expected in urls, (site, urls)
        assert not any(u.startswith(("/ulanhot/", "/portal/")) for u in urls)  # addresses relative to the site's own root
    assert (builds["first"] / "portal" / "search.html").is_file()
    assert 'action="/ulanhot/search.html"' in (builds["first"] / "ulanhot" / "index.html").read_text(encoding="utf-8")


def test_no_internal_or_draft_item_is_in_a_public_bundle(builds: dict[str, Path]) -> None:
    public = bundle_text(builds["first"] / "portal")
    assert SECRET not in public and "应急物资储备库选址" not in public and "启动会议纪要" not in public
    intranet = bundle_text(builds["intranet"] / "portal")
    assert SECRET in intranet and "应急物资储备库选址论证报告" in intranet  # the intranet searches its internal items; drafts never
    assert "启动会议纪要" not in intranet


def test_two_builds_write_byte_identical_bundles(builds: dict[str, Path]) -> None:
    for site in ("portal", "ulanhot", "arxan", "tjj"):
        first = {p.relative_to(builds["first"]): p.read_bytes() for p in (builds["first"] / site / BUNDLE).rglob("*") if p.is_file()}
        second = {p.relative_to(builds["second"]): p.read_bytes() for p in (builds["second"] / site / BUNDLE).rglob("*") if p.is_file()}
        assert first.keys() == second.keys() and len(first) > 6
        assert [name for name in first if first[name] != second[name]] == []
    assert any((builds["first"] / "portal" / BUNDLE / "filter").iterdir())  # the 栏目 filter files, which 1.5 wrote in random order


def test_a_fragment_is_gzip_of_pagefinds_json(builds: dict[str, Path]) -> None:
    path = next((builds["first"] / "portal" / BUNDLE / "fragment").iterdir())
    assert gzip.decompress(path.read_bytes()).startswith(b"pagefind_dcd{")
    assert pagefind.readable_text(path.name, path.read_bytes()).startswith("{")
    assert pagefind.readable_text("pagefind.js", b"x") is None


def test_a_binary_that_hangs_is_stopped_with_a_message(tmp_path: Path) -> None:
    hanging = pagefind.Pagefind(fake_binary(tmp_path, "import time\ntime.sleep(60)\n"), "1.6.0")
    with pagefind.PagefindService(hanging) as service, pytest.raises(pagefind.PagefindError, match="no answer in 1 seconds"):
        service.ask({"type": "NewIndex", "config": {}}, timeout=1)
