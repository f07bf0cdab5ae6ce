"""`build.py stats`: visit figures from access logs, exactly the counts of a log written to be counted.

The logs below are written line by line with the figures each line should give; the tests check
that the report gives exactly those, in JSON, in text and in HTML, and that no client address
appears anywhere in what the command prints or writes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import Repo

from zhanqun.commands.access_log import (
    COMBINED,
    NGINX_LOG_FORMAT,
    VHOST_COMBINED,
    ZHANQUN_NGINX,
    is_bot,
    is_page,
    parse_line,
    search_words,
)

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
QUIET = "Mozilla/5.0 (compatible; SiteAuditor)"  # no robot word: excluded only by asking for robots.txt
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"

#: every client address of the logs: none may appear in any output
A, B, C, D, E, F, G, H, J = "203.0.113.17", "198.51.100.23", "192.0.2.45", "203.0.113.99", "198.51.100.77", "192.0.2.201", "2001:db8::17", "203.0.113.150", "198.51.100.8"
ADDRESSES = (A, B, C, D, E, F, G, H, J)


def fields(ip: str, day: int, request: str, status: int, referrer: str, agent: str) -> str:
    return f'{ip} - - [{day:02d}/Mar/2026:10:{day:02d}:00 +0800] "{request}" {status} 512 "{referrer}" "{agent}"'


def vhost(host: str, ip: str, day: int, request: str, status: int = 200, referrer: str = "-", agent: str = CHROME) -> str:
    return f"{host}:443 " + fields(ip, day, request, status, referrer, agent)


def nginx(host: str, ip: str, day: int, request: str, status: int = 200, referrer: str = "-", agent: str = CHROME) -> str:
    return f"{host} " + fields(ip, day, request, status, referrer, agent)


def combined(ip: str, day: int, request: str, status: int = 200, referrer: str = "-", agent: str = CHROME) -> str:
    return fields(ip, day, request, status, referrer, agent)


PORTAL, ULANHOT = "www.xam.gov.cn", "www.wlht.gov.cn"

#: Apache vhost_combined, plain text: the portal on 1 March, one line of the portal on 2 March
ACCESS_LOG = [
    vhost(PORTAL, A, 1, "GET / HTTP/1.1"),  # 1 view, visitor A/Chrome
    vhost(PORTAL, A, 1, "GET /zwdt/spring.html HTTP/1.1"),
    vhost(PORTAL, A, 1, "GET /zwdt/spring.html HTTP/1.1"),
    vhost(PORTAL, A, 1, "GET /theme/css/site.css HTTP/1.1"),  # no page
    "this line is no log line",  # line 5: malformed
    "",  # line 6: an empty line is no line at all
    vhost(PORTAL, A, 1, "GET /search.html?q=%E6%98%A5%E8%80%95+%E7%94%9F%E4%BA%A7 HTTP/1.1"),  # a view, and the search 春耕 生产
    vhost(PORTAL, B, 1, "GET /zwdt/spring.html HTTP/1.1", agent=FIREFOX),  # visitor B/Firefox
    vhost(PORTAL, B, 1, "HEAD / HTTP/1.1", agent=FIREFOX),  # not GET
    vhost(PORTAL, B, 1, "POST /zwdt/ HTTP/1.1", agent=FIREFOX),  # not GET
    vhost(PORTAL, B, 1, "GET /zwdt/ HTTP/1.1", 304, agent=FIREFOX),  # not 200
    vhost(PORTAL, A, 1, "GET /index.html HTTP/1.1", agent=FIREFOX),  # visitor A/Firefox, the page /
    vhost(PORTAL, C, 1, "GET / HTTP/1.1", agent=BAIDU),  # a robot by its agent
    vhost(PORTAL, D, 1, "GET /zwdt/spring.html HTTP/1.1", agent=QUIET),  # a robot: asks for robots.txt below
    vhost(PORTAL, D, 1, "GET /robots.txt HTTP/1.1", agent=QUIET),
    vhost(PORTAL, D, 1, "GET /tzgg/ HTTP/1.1", agent=QUIET),
    vhost(PORTAL, H, 1, "GET /zwdt/ HTTP/1.1", agent=QUIET),  # same agent, another client: a visitor
    vhost(PORTAL, E, 1, "GET /old/page.html HTTP/1.1", 404, "https://www.example.com/links.html"),
    vhost(PORTAL, F, 1, "GET /old/page.html HTTP/1.1", 404, "https://www.example.com/links.html", agent=FIREFOX),
    vhost(PORTAL, C, 1, "GET /wp-login.php HTTP/1.1", 404, agent=BAIDU),  # 404s count robots too
    vhost(PORTAL, E, 1, "GET /gone HTTP/1.1", 404, "https://x.example/<script>alert(1)</script>"),
    vhost(PORTAL, "-", 1, "GET / HTTP/1.1")[:60],  # line 22: cut short, malformed
    vhost(PORTAL, J, 2, "GET / HTTP/1.1", agent=QUIET),  # asks for robots.txt on 2 March, in the .gz file; no line end
]

#: zhanqun's nginx format, gzip-compressed: ulanhot on 2 March, the portal's robot, an unknown host
ACCESS_GZ = [
    nginx(ULANHOT, A, 2, "GET /zwdt/river.html HTTP/1.1"),
    nginx(ULANHOT, A, 2, "GET /zwdt/river.html HTTP/2.0"),
    nginx(ULANHOT, B, 2, "GET / HTTP/1.1", agent=SAFARI),
    nginx(ULANHOT, C, 2, "GET / HTTP/1.1", agent="curl/8.5.0"),  # robot
    nginx(ULANHOT, C, 2, "GET / HTTP/1.1", agent="-"),  # no agent: robot
    nginx(ULANHOT, G, 2, "GET /zwdt/%E6%B4%AE%E5%84%BF%E6%B2%B3.html HTTP/1.1"),  # 洮儿河
    nginx("wlht.gov.cn", E, 2, "GET /tzgg/?page=2 HTTP/1.1"),  # the host without www.
    nginx(ULANHOT, F, 2, "GET /zwdt/gone.html HTTP/1.1", 404, "https://www.xam.gov.cn/zwdt/spring.html"),
    nginx("evil.example", A, 2, "GET / HTTP/1.1"),  # a host of no site
    nginx(PORTAL, J, 2, "GET /robots.txt HTTP/1.1", agent=QUIET),
    nginx(PORTAL, H, 2, "GET /search.html?keywords=%B4%BA%B8%FB HTTP/1.1", agent=FIREFOX) + ' "-" 0.004',  # GBK 春耕; fields after the agent
    "\x00\x01 binary junk",  # line 12: malformed
]

#: plain combined: no host, the site is named with --site
COMBINED_LOG = [
    combined(A, 1, "GET / HTTP/1.1"),
    combined(B, 1, "GET /gzdt/data.html HTTP/1.1"),
    combined(B, 1, "GET /gzdt/data.html HTTP/1.1"),
    combined(C, 1, "GET / HTTP/1.1", agent="python-requests/2.31"),
    combined(D, 2, "GET /gzdt/ HTTP/1.1", 404, "https://www.xam.gov.cn/"),
]

PORTAL_DAY_1 = {
    "day": "2026-03-01",
    "views": 6,  # A/Chrome 4 (/ , spring twice, search), B/Firefox 1, A/Firefox 1 (/index.html); H/QUIET 1 below
    "visitors": 3,
    "bot_views": 3,  # Baiduspider 1, the robots.txt client's 2 pages (one asked for before robots.txt)
    "requests": 19,
    "top_pages": [{"path": "/zwdt/spring.html", "views": 3}, {"path": "/", "views": 2}, {"path": "/search.html", "views": 1}],
    "top_searches": [{"query": "春耕 生产", "count": 1}],
    "not_found": [
        {"path": "/old/page.html", "referrer": "https://www.example.com/links.html", "count": 2},
        {"path": "/gone", "referrer": "https://x.example/<script>alert(1)</script>", "count": 1},
        {"path": "/wp-login.php", "referrer": None, "count": 1},
    ],
}
PORTAL_DAY_1["views"] += 1  # H with the quiet agent never asked for robots.txt
PORTAL_DAY_1["visitors"] += 1
PORTAL_DAY_1["top_pages"].append({"path": "/zwdt/", "views": 1})

PORTAL_DAY_2 = {
    "day": "2026-03-02",
    "views": 1,  # the GBK search; J asked for robots.txt (in the other file): a robot
    "visitors": 1,
    "bot_views": 1,
    "requests": 3,
    "top_pages": [{"path": "/search.html", "views": 1}],
    "top_searches": [{"query": "春耕", "count": 1}],
    "not_found": [],
}

ULANHOT_DAY_2 = {
    "day": "2026-03-02",
    "views": 5,
    "visitors": 4,  # A, B, G, E (the bare host)
    "bot_views": 2,
    "requests": 8,
    "top_pages": [{"path": "/zwdt/river.html", "views": 2}, {"path": "/", "views": 1}, {"path": "/tzgg/", "views": 1}, {"path": "/zwdt/洮儿河.html", "views": 1}],
    "top_searches": [],
    "not_found": [{"path": "/zwdt/gone.html", "referrer": "https://www.xam.gov.cn/zwdt/spring.html", "count": 1}],
}


@pytest.fixture
def logs(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra='intranet_url = "http://wlht.zw.xam/"')
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", columns=(("gzdt", "工作动态", "news"),))
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "access.log").write_text("\n".join(ACCESS_LOG), encoding="utf-8")
    with gzip.open(folder / "access.log.2.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(ACCESS_GZ) + "\n")
    (folder / "combined.log").write_text("\n".join(COMBINED_LOG) + "\n", encoding="utf-8")
    return repo, folder


def stats_json(repo: Repo, *args: str) -> dict:
    result = repo.run("--format", "json", "stats", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def site_rows(report: dict) -> dict[str, dict]:
    return {row["site"]: row for row in report["sites"]}


def test_known_counts_across_two_hosts_two_days_and_two_files(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    # the .gz file first: the order of the files changes nothing
    report = stats_json(repo, str(folder / "access.log.2.gz"), str(folder / "access.log"))
    rows = site_rows(report)
    assert sorted(rows) == ["portal", "ulanhot"]
    assert rows["portal"]["days"] == [PORTAL_DAY_1, PORTAL_DAY_2]
    assert rows["ulanhot"]["days"] == [ULANHOT_DAY_2]
    portal = rows["portal"]
    assert (portal["views"], portal["visitor_days"], portal["bot_views"], portal["requests"]) == (8, 5, 4, 22)
    assert portal["top_searches"] == [{"query": "春耕", "count": 1}, {"query": "春耕 生产", "count": 1}]  # ties by name
    assert portal["top_pages"][:2] == [{"path": "/zwdt/spring.html", "views": 3}, {"path": "/", "views": 2}]
    assert portal["name"] == "兴安盟行政公署"
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert files["access.log"] == {
        "path": str(folder / "access.log"), "lines": 23, "requests": 20, "malformed": 2, "malformed_lines": [5, 22],
        "formats": {"vhost_combined": 20}, "error": None,
    }
    assert files["access.log.2.gz"]["formats"] == {"zhanqun": 11}
    assert (files["access.log.2.gz"]["malformed"], files["access.log.2.gz"]["malformed_lines"]) == (1, [12])
    assert (report["lines"], report["requests"], report["malformed"]) == (35, 31, 3)
    assert report["unknown_hosts"] == {"requests": 1, "ip_address_requests": 0, "top": [{"host": "evil.example", "requests": 1}]}
    assert report["target"] == "production"


def test_combined_log_with_site(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    report = stats_json(repo, str(folder / "combined.log"), "--site", "tjj")
    rows = site_rows(report)
    assert list(rows) == ["tjj"]
    assert rows["tjj"]["days"] == [
        {"day": "2026-03-01", "views": 3, "visitors": 2, "bot_views": 1, "requests": 4, "top_pages": [{"path": "/gzdt/data.html", "views": 2}, {"path": "/", "views": 1}], "top_searches": [], "not_found": []},
        {"day": "2026-03-02", "views": 0, "visitors": 0, "bot_views": 0, "requests": 1, "top_pages": [], "top_searches": [], "not_found": [{"path": "/gzdt/", "referrer": "https://www.xam.gov.cn/", "count": 1}]},
    ]
    assert report["files"][0]["formats"] == {"combined": 5}
    assert report["site"] == "tjj"


def test_site_counts_only_that_site_and_takes_the_combined_lines(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    report = stats_json(repo, str(folder / "access.log.2.gz"), str(folder / "combined.log"), "--site", "乌兰浩特市人民政府")
    rows = site_rows(report)
    assert list(rows) == ["ulanhot"]
    days = {d["day"]: d for d in rows["ulanhot"]["days"]}
    assert days["2026-03-02"]["views"] == ULANHOT_DAY_2["views"]
    assert days["2026-03-01"]["views"] == 3  # the combined lines
    assert report["other_sites"] == 2  # the portal's lines of the .gz file
    assert report["site"] == "ulanhot"


def test_the_intranet_and_preview_targets_map_by_their_addresses(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    intranet = folder / "intranet.log"
    intranet.write_text(nginx("wlht.zw.xam", A, 3, "GET /zwdt/ HTTP/1.1") + "\n" + nginx(ULANHOT, A, 3, "GET / HTTP/1.1") + "\n", encoding="utf-8")
    report = stats_json(repo, str(intranet), "--target", "intranet")
    assert site_rows(report)["ulanhot"]["days"][0]["top_pages"] == [{"path": "/zwdt/", "views": 1}]
    assert report["unknown_hosts"]["top"] == [{"host": "www.wlht.gov.cn", "requests": 1}]  # the internet host is not the intranet's
    preview = folder / "preview.log"
    preview.write_text(
        "\n".join([
            nginx("localhost", A, 3, "GET /ulanhot/zwdt/river.html HTTP/1.1"),
            combined(B, 3, "GET /portal/ HTTP/1.1"),  # preview needs no --site: the path says the site
            combined(B, 3, "GET /index.html HTTP/1.1"),  # the preview's own index: no site
        ]) + "\n",
        encoding="utf-8",
    )
    report = stats_json(repo, str(preview), "--target", "preview")
    rows = site_rows(report)
    assert rows["ulanhot"]["top_pages"] == [{"path": "/zwdt/river.html", "views": 1}]
    assert rows["portal"]["top_pages"] == [{"path": "/", "views": 1}]
    assert report["unknown_hosts"]["requests"] == 1


def test_text_output(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    result = repo.run("stats", str(folder / "access.log"), str(folder / "access.log.2.gz"))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "portal 兴安盟行政公署: 8 page views, 5 daily visitors added up, 2 day(s)" in out
    assert "ulanhot 乌兰浩特市人民政府: 5 page views, 4 daily visitors added up, 1 day(s)" in out
    assert "  2026-03-01          7         4        3        19" in out
    assert "          3  /zwdt/spring.html" in out
    assert "          1  春耕 生产" in out
    assert "          2  /old/page.html  ← https://www.example.com/links.html" in out
    assert "          1  /wp-login.php  ← (no referrer)" in out
    assert "1 request(s) to hosts of no site of the production target: evil.example 1" in out
    assert f"{folder / 'access.log'}: 2 malformed line(s) skipped (line 5, 22)" in result.stderr
    assert result.stderr.rstrip().endswith("stats: 2 log(s), 35 line(s), 31 request(s), 3 malformed, target production")
    assert out.index("portal ") < out.index("ulanhot ")


def test_output_is_deterministic(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    args = ("--format", "json", "stats", str(folder / "access.log"), str(folder / "access.log.2.gz"))
    assert repo.run(*args).stdout == repo.run(*args).stdout  # the salt changes, the figures do not


def test_no_address_appears_in_any_output(logs: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, folder = logs
    every = [str(folder / name) for name in ("access.log", "access.log.2.gz")]
    outputs = []
    for args in (("--format", "json", "stats", *every), ("stats", *every), ("stats", *every, "--out", str(tmp_path / "report")), ("stats", str(folder / "combined.log"), "--site", "tjj", "--format", "json")):
        result = repo.run(*args)
        assert result.exit_code == 0, result.stderr
        outputs += [result.stdout, result.stderr]
    outputs += [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "report").iterdir())]
    every_text = "\n".join(outputs)
    assert "春耕" in every_text  # the outputs were read
    for address in ADDRESSES:
        assert address not in every_text
    # nor any other IPv4 address: only the dates and versions hold dotted numbers
    import re

    assert re.findall(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", every_text) == []


def test_html_report(logs: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, folder = logs
    out = tmp_path / "stats-report"
    result = repo.run("stats", str(folder / "access.log"), str(folder / "access.log.2.gz"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    page = out / "stats-2026-03-01_2026-03-02.html"
    assert f"wrote {page}" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [page.name]
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 2 and 'role="img"' in text  # a chart per site
    assert "<title id=\"chart-0-t\">Daily page views of 兴安盟行政公署</title>" in text
    assert "2026-03-01: 7; 2026-03-02: 1" in text  # the chart's text alternative
    assert "<script" not in text.lower()  # the referrer's script is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert " src=" not in text and " href=" not in text and "@import" not in text and "url(" not in text  # nothing from elsewhere
    assert "春耕 生产" in text and "/zwdt/洮儿河.html" in text


def test_html_report_never_goes_into_a_site_s_output(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    for out in (repo.root / "output" / "production", repo.root / "output" / "production" / "portal" / "stats"):
        result = repo.run("stats", str(folder / "access.log"), "--out", str(out))
        assert result.exit_code == 2
        assert "--out" in result.stderr and "web roots" in result.stderr
    result = repo.run("stats", str(folder / "access.log"), "--out", str(repo.root / "themes" / "gov" / "static" / "stats"))
    assert result.exit_code == 2 and "inside the repository's themes/ folder" in result.stderr
    built = repo.root.parent / "somewhere"
    (built / "portal").mkdir(parents=True)
    (built / ".zhanqun-output").write_text("target: production\n", encoding="utf-8")
    result = repo.run("stats", str(folder / "access.log"), "--out", str(built / "portal" / "stats"))
    assert result.exit_code == 2 and "inside a build's output" in result.stderr
    assert not (built / "portal" / "stats").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.log",), "does not exist"),
        (("{folder}/combined.log",), "names no host, so its site is unknown; name the site with --site ID"),
        (("{folder}/access.log", "--site", "ulanhto"), "no site 'ulanhto' (did you mean 'ulanhot'?)"),
        ((), "Missing argument 'LOGS...'"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(logs: tuple[Repo, Path], args: tuple[str, ...], message: str) -> None:
    repo, folder = logs
    result = repo.run("stats", *(a.format(folder=folder) for a in args))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_the_combined_line_is_named_with_its_file_and_line(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    mixed = folder / "mixed.log"
    mixed.write_text(vhost(PORTAL, A, 1, "GET / HTTP/1.1") + "\n" + combined(B, 1, "GET / HTTP/1.1") + "\n", encoding="utf-8")
    result = repo.run("stats", str(mixed))
    assert result.exit_code == 2
    assert f"{mixed}:2: a line in the combined format names no host" in result.stderr


def test_nothing_readable_exits_1(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    junk = folder / "junk.log"
    junk.write_text("not a log\nnor this\n", encoding="utf-8")
    result = repo.run("stats", str(junk))
    assert result.exit_code == 1
    assert "2 malformed line(s) skipped (line 1, 2)" in result.stderr
    assert "not one line of these logs could be read" in result.stderr
    empty = folder / "empty.log"
    empty.write_text("", encoding="utf-8")
    assert repo.run("stats", str(empty)).exit_code == 0  # a quiet day is no failure


def test_a_truncated_gzip_file_is_read_as_far_as_it_goes(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    whole = gzip.compress(("\n".join(ACCESS_LOG[:4] * 2000) + "\n").encode("utf-8"))
    cut = folder / "rotating.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    result = repo.run("--format", "json", "stats", str(cut))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["files"][0]["error"].startswith("read error after line ")
    assert 0 < report["requests"] < 8000
    assert "read error after line" in result.stderr


def test_a_huge_line_is_malformed_and_skipped(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    big = folder / "big.log"
    big.write_text(vhost(PORTAL, A, 1, "GET / HTTP/1.1") + "\n" + "x" * 200_000 + "\n" + vhost(PORTAL, A, 1, "GET /zwdt/ HTTP/1.1") + "\n", encoding="utf-8")
    report = stats_json(repo, str(big))
    assert (report["files"][0]["lines"], report["files"][0]["malformed_lines"]) == (3, [2])
    assert site_rows(report)["portal"]["views"] == 2


# --- the line formats ------------------------------------------------------------------------------


def test_each_format_is_told_by_its_line() -> None:
    apache = parse_line(vhost("WWW.XAM.GOV.CN.", A, 1, "GET /a.html?x=1 HTTP/1.1"))
    assert apache is not None and (apache.format, apache.host, apache.path, apache.query, apache.day) == (VHOST_COMBINED, "www.xam.gov.cn", "/a.html", "x=1", "2026-03-01")
    ours = parse_line(nginx(PORTAL, G, 2, "GET / HTTP/2.0"))
    assert ours is not None and (ours.format, ours.host) == (ZHANQUN_NGINX, PORTAL)
    plain = parse_line(combined(G, 2, "GET / HTTP/1.1"))
    assert plain is not None and (plain.format, plain.host) == (COMBINED, None)
    assert NGINX_LOG_FORMAT.startswith("$host $remote_addr - $remote_user [$time_local] ")


@pytest.mark.parametrize(
    ("line", "path", "agent"),
    [
        (nginx(PORTAL, A, 1, r"GET /zwdt/\xE6\xB4\xAE.html HTTP/1.1"), "/zwdt/%E6%B4%AE.html", CHROME),  # nginx's \xHH
        (nginx(PORTAL, A, 1, "GET http://www.xam.gov.cn/zwdt/?a=b HTTP/1.1"), "/zwdt/", CHROME),  # absolute form
        (nginx(PORTAL, A, 1, "GET / HTTP/1.1", agent=r"Mozilla \"quoted\" agent"), "/", r"Mozilla \"quoted\" agent"),
        (nginx(PORTAL, A, 1, r"\x16\x03\x01\x00"), "", CHROME),  # a TLS handshake sent to the plain port: a request, no page
    ],
)
def test_lines_servers_really_write(line: str, path: str, agent: str) -> None:
    request = parse_line(line)
    assert request is not None and request.path == path and request.agent == agent


@pytest.mark.parametrize(
    "line",
    [
        "",
        "GET / HTTP/1.1",
        '203.0.113.17 - - [01/Mar/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512',  # common, without referrer and agent
        '203.0.113.17 - - [31/Foo/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512 "-" "x"',  # no such month
        'a b c d e [01/Mar/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512 "-" "x"',  # five fields before the time
    ],
)
def test_malformed_lines(line: str) -> None:
    assert parse_line(line) is None


def test_pages_robots_and_searches() -> None:
    assert [is_page(p) for p in ("/", "/zwdt/", "/a.html", "/a.htm", "/about", "/a.css", "/files/x.pdf", "/robots.txt")] == [True] * 5 + [False] * 3
    assert all(is_bot(a) for a in (BAIDU, "Sogou web spider/4.0", "Mozilla/5.0 (compatible; bingbot/2.0)", "curl/8.5.0", "Wget/1.21", "python-requests/2.31", "HeadlessChrome/124", "", "-", "360Spider", "YisouSpider"))
    assert not any(is_bot(a) for a in (CHROME, FIREFOX, SAFARI, QUIET))
    assert search_words("/search.html", "q=%E6%98%A5%E8%80%95") == "春耕"
    assert search_words("/search/", "page=2&keywords=%B4%BA%B8%FB") == "春耕"  # GBK, as older forms send it
    assert search_words("/search.html", "q=++%20") is None
    assert search_words("/zwdt/", "q=x") is None  # not a search page


def test_the_chart_axis_is_round() -> None:
    from zhanqun.commands.stats import axis_steps

    assert axis_steps(0) == [0, 1]
    assert axis_steps(7) == [0, 2, 4, 6, 8]
    assert axis_steps(365) == [0, 100, 200, 300, 400]
    assert all(len(axis_steps(n)) <= 7 and axis_steps(n)[-1] >= n for n in range(0, 5000, 7))


def test_no_control_character_reaches_the_terminal(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    sneaky = folder / "sneaky.log"
    sneaky.write_text(
        vhost(PORTAL, A, 1, "GET /a%1b[2Jb.html HTTP/1.1") + "\n"
        + vhost(PORTAL, A, 1, "GET /search.html?q=%1b%5b31m%E2%80%AE HTTP/1.1") + "\n"
        + vhost(PORTAL, A, 1, "GET /x HTTP/1.1", 404, "https://e.example/\x1b[2J") + "\n",
        encoding="utf-8",
    )
    result = repo.run("stats", str(sneaky))
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "/a\ufffd[2Jb.html" in result.stdout


# --- hostile logs ------------------------------------------------------------------------------------

#: addresses a hostile log puts anywhere: clients, Host headers, paths, searches, referrers
HOSTILE_ADDRESSES = (
    "203.0.113.77", "2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::8a2e:370", "198.51.100.8", "192.0.2.44",
    "198.51.100.9", "2001:db8::99", "203.0.113.5", "203.0.113.66", "203.0.113.67", "203.0.113.68",
    "203.0.113.69", "fe80::dead:beef", "192.0.2.71", "２０３．０．１１３．７２", "2001:db8::73", "192.0.2.74",
)
IPV4_SHAPED = r"\d{1,3}[.．]\d{1,3}[.．]\d{1,3}[.．]\d{1,3}"
IPV6_SHAPED = r"[0-9A-Fa-f]{0,4}::[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){4,}[0-9A-Fa-f]{1,4}"


def user_line(before: str, request: str, status: int = 200, referrer: str = "-", agent: str = CHROME, day: str = "01/Mar/2026") -> str:
    """A line whose fields before the time are written out whole (a remote user with spaces)."""
    return f'{before} [{day}:10:00:00 +0800] "{request}" {status} 1 "{referrer}" "{agent}"'


HOSTILE_LOG = [
    user_line("203.0.113.77 - a b", "GET /zwdt/ HTTP/1.1", 401),  # combined, a user with a space
    user_line("2001:db8:85a3::8a2e:370:7334 - a b", "GET / HTTP/1.1", 401),
    user_line("192.0.2.71 - x [y] \\\"z", "GET /zwdt/ HTTP/1.1"),  # brackets and an escaped quote in the user
    user_line("192.0.2.44:443 198.51.100.8 - -", "GET / HTTP/1.1"),  # a Host that is an IP address
    user_line("[2001:db8::99]:443 198.51.100.9 - -", "GET / HTTP/1.1"),
    user_line("2001:db8:85a3::8a2e:370:7334:443 198.51.100.9 - -", "GET / HTTP/1.1"),  # unbracketed, with a port
    user_line("203.0.113.5.nip.io 198.51.100.9 - - a b", "GET / HTTP/1.1"),  # a host holding an address
    user_line(f"{PORTAL} 198.51.100.9 - a b c", "GET /203.0.113.66/x.html HTTP/1.1"),  # an address in the path
    user_line(f"{PORTAL} 198.51.100.9 - -", "GET /%32%30%33.0.113.67.html HTTP/1.1"),  # … percent-encoded
    user_line(f"{PORTAL} 198.51.100.9 - -", "GET /search.html?q=203.0.113.68 HTTP/1.1"),
    user_line(f"{PORTAL} 198.51.100.9 - -", "GET /gone.html HTTP/1.1", 404, "http://203.0.113.69/links.html"),
    user_line(f"{PORTAL} 198.51.100.9 - -", "GET /fe80::dead:beef HTTP/1.1"),
    user_line(f"{PORTAL} 198.51.100.9 - -", "GET /%EF%BC%92%EF%BC%90%EF%BC%93%EF%BC%8E%EF%BC%90%EF%BC%8E%EF%BC%91%EF%BC%91%EF%BC%93%EF%BC%8E%EF%BC%97%EF%BC%92 HTTP/1.1"),
    user_line(f"{PORTAL}:443 2001:db8::73 - 192.0.2.74", "GET /zwdt/ok.html HTTP/1.1"),
]


def all_outputs(repo: Repo, out: Path, *args: str) -> str:
    """stdout and stderr of the text, JSON and HTML runs in both languages, and every page written."""
    texts = []
    for lang in ("en", "zh"):
        for extra in (("--format", "json"), ("--format", "text"), ("--out", str(out / lang))):
            result = repo.run("--lang", lang, *extra, "stats", *args) if "--out" not in extra else repo.run("--lang", lang, "stats", *args, *extra)
            assert result.exit_code == 0, result.stderr
            texts += [result.stdout, result.stderr]
    texts += [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))]
    assert len(texts) == 14
    return "\n".join(texts)


def test_no_address_of_a_hostile_log_appears_in_any_output(logs: tuple[Repo, Path], tmp_path: Path) -> None:
    import re

    repo, folder = logs
    hostile = folder / "hostile.log"
    hostile.write_text("\n".join(HOSTILE_LOG) + "\n", encoding="utf-8")
    report = stats_json(repo, str(hostile), "--site", "portal")
    assert report["malformed"] == 0 and report["files"][0]["formats"] == {"combined": 3, "vhost_combined": 4, "zhanqun": 7}
    assert report["unknown_hosts"] == {"requests": 4, "ip_address_requests": 4, "top": []}
    rows = site_rows(report)
    assert rows["portal"]["requests"] == 10 and rows["portal"]["views"] == 7
    assert {"path": "/zwdt/ok.html", "views": 1} in rows["portal"]["top_pages"]
    assert {"path": "/[IP]/x.html", "views": 1} in rows["portal"]["top_pages"]
    every_text = all_outputs(repo, tmp_path / "hostile", str(hostile), "--site", "portal")
    assert "4 by IP address instead of host name" in every_text and "/zwdt/ok.html" in every_text
    for address in HOSTILE_ADDRESSES:
        assert address not in every_text
    assert re.findall(IPV4_SHAPED, every_text) == []
    assert re.findall(IPV6_SHAPED, every_text) == []


def test_a_remote_user_with_spaces_keeps_the_client_out_of_the_host() -> None:
    plain = parse_line(user_line("203.0.113.77 - a b", "GET /zwdt/ HTTP/1.1"))
    assert plain is not None and (plain.format, plain.host, plain.client) == (COMBINED, None, "203.0.113.77")
    ours = parse_line(user_line(f"{PORTAL} 203.0.113.77 - a b [c] d", "GET / HTTP/1.1"))
    assert ours is not None and (ours.format, ours.host, ours.client) == (ZHANQUN_NGINX, PORTAL, "203.0.113.77")
    apache = parse_line(user_line(f"{PORTAL}:443 2001:db8::1 - a b", "GET / HTTP/1.1"))
    assert apache is not None and (apache.format, apache.host) == (VHOST_COMBINED, PORTAL)
    ident = parse_line(user_line(f"{PORTAL} 203.0.113.77 ident user", "GET / HTTP/1.1"))  # an ident set
    assert ident is not None and (ident.format, ident.host) == (ZHANQUN_NGINX, PORTAL)


def test_addresses_are_masked_wherever_they_stand() -> None:
    from zhanqun.commands.access_log import has_address, mask_addresses

    assert mask_addresses("/a/203.0.113.9/b") == "/a/[IP]/b"
    assert mask_addresses("http://[2001:db8::1]:8080/x") == "http://[[IP]]:8080/x"
    assert mask_addresses("2001:db8:85a3::8a2e:370:7334:443") == "[IP]"  # with a port
    assert mask_addresses("beef2001:db8::1") == "[IP]" and mask_addresses("9203.0.113.77") == "9[IP]"
    assert mask_addresses("２０３．０．１１３．７７") == "[IP]"
    for kept in ("/zwdt/2026-03-01.html", "10:00:00", "/jquery-3.6.0.min.js", "/Foo::Bar", "春耕"):
        assert mask_addresses(kept) == kept
    assert has_address("192.0.2.1") and has_address("[2001:db8::1]") and has_address("1.2.3.4.nip.io")
    assert not has_address("www.xam.gov.cn") and not has_address("localhost")


@pytest.mark.parametrize(
    "stamp",
    ["31/Feb/2026", "29/Feb/2025", "01/Mar/0000", "01/Mar/1970", "01/Mar/２０２６", "¹¹/Mar/2026", "00/Mar/2026", "32/Mar/2026", "1٣/Mar/2026"],
)
def test_a_date_that_is_no_date_is_one_malformed_line(logs: tuple[Repo, Path], tmp_path: Path, stamp: str) -> None:
    repo, folder = logs
    bad = folder / "bad-date.log"
    bad.write_text(
        "\n".join([
            user_line(f"{PORTAL} 198.51.100.7 - -", "GET /a.html HTTP/1.1", day="28/Feb/2026"),
            user_line(f"{PORTAL} 198.51.100.7 - -", "GET /b.html HTTP/1.1", day=stamp),
            user_line(f"{PORTAL} 198.51.100.7 - -", "GET /c.html HTTP/1.1", day="01/Mar/2026"),
        ]) + "\n",
        encoding="utf-8",
    )
    report = stats_json(repo, str(bad))
    assert (report["malformed"], report["files"][0]["malformed_lines"], report["files"][0]["error"]) == (1, [2], None)
    assert [d["day"] for d in site_rows(report)["portal"]["days"]] == ["2026-02-28", "2026-03-01"]  # the line after it read too
    result = repo.run("stats", str(bad), "--out", str(tmp_path / "report"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report" / "stats-2026-02-28_2026-03-01.html").is_file()


def test_a_leap_day_is_a_day() -> None:
    request = parse_line(user_line(f"{PORTAL} 198.51.100.7 - -", "GET / HTTP/1.1", day="29/Feb/2024"))
    assert request is not None and request.day == "2024-02-29"


def test_any_failure_of_a_line_makes_only_that_line_malformed(logs: tuple[Repo, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from zhanqun.commands import stats

    def parse_or_fail(line: str):  # type: ignore[no-untyped-def]
        if "/boom" in line:
            raise RuntimeError("a line no format foresaw")
        return parse_line(line)

    def words_or_fail(path: str, query: str):  # type: ignore[no-untyped-def]
        if "fail" in query:
            raise KeyError(query)
        return search_words(path, query)

    monkeypatch.setattr(stats, "parse_line", parse_or_fail)
    monkeypatch.setattr(stats, "search_words", words_or_fail)
    repo, folder = logs
    odd = folder / "odd.log"
    odd.write_text(
        "\n".join([
            nginx(PORTAL, A, 1, "GET /boom/robots.txt HTTP/1.1"),  # fails in both passes
            nginx(PORTAL, A, 1, "GET /search.html?q=fail HTTP/1.1"),  # fails while counted: not half counted
            nginx(PORTAL, A, 1, "GET /later.html HTTP/1.1"),
        ]) + "\n",
        encoding="utf-8",
    )
    report = stats_json(repo, str(odd))
    assert report["files"][0] | {"path": ""} == {"path": "", "lines": 3, "requests": 1, "malformed": 2, "malformed_lines": [1, 2], "formats": {"zhanqun": 1}, "error": None}
    assert site_rows(report)["portal"]["days"][0] | {"top_pages": None} == {
        "day": "2026-03-01", "views": 1, "visitors": 1, "bot_views": 0, "requests": 1, "top_pages": None, "top_searches": [], "not_found": [],
    }


def test_no_raw_control_character_from_a_log_is_printed_or_written(logs: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, folder = logs
    sneaky = folder / "raw.log"
    sneaky.write_text(
        "\n".join([
            vhost(PORTAL, A, 1, "GET /\x1b[31mRED\x1b[0m.html HTTP/1.1"),  # a raw ESC, no %
            vhost(PORTAL, A, 1, "GET /\u202egnp.html HTTP/1.1"),
            vhost(PORTAL, A, 1, "GET /x\x07 HTTP/1.1", 404, "https://e.example/\x1b]0;pwned\x07"),
            vhost(PORTAL, A, 1, "GET /search.html?q=a\x1bb HTTP/1.1"),
            nginx("evil\x1b]0;pwned\x07host", A, 1, "GET / HTTP/1.1"),  # an unknown host
        ]) + "\n",
        encoding="utf-8",
    )
    outputs = []
    for args in (("stats", str(sneaky)), ("--format", "json", "stats", str(sneaky)), ("stats", str(sneaky), "--out", str(tmp_path / "r"))):
        result = repo.run(*args)
        assert result.exit_code == 0, result.stderr
        outputs += [result.stdout, result.stderr]
    report = json.loads(outputs[2])
    outputs.append(json.dumps(report, ensure_ascii=False))  # the JSON's strings, unescaped
    outputs += [p.read_text(encoding="utf-8") for p in (tmp_path / "r").iterdir()]
    every = "\n".join(outputs)
    for control in ("\x1b", "\x07", "\u202e", "\\u001b", "\\u0007"):
        assert control not in every
    assert "/\ufffd[31mRED\ufffd[0m.html" in outputs[0]
    assert report["unknown_hosts"]["top"] == [{"host": "evil\ufffd]0;pwned\ufffdhost", "requests": 1}]
    assert "evil\ufffd]0;pwned\ufffdhost 1" in outputs[-1]  # the HTML page names the unknown hosts too


def test_a_read_error_is_told_in_a_sentence_of_zhanqun(logs: tuple[Repo, Path]) -> None:
    repo, folder = logs
    whole = gzip.compress(("\n".join(ACCESS_LOG[:4] * 2000) + "\n").encode("utf-8"))
    cut = folder / "cut.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    result = repo.run("stats", str(cut))
    assert result.exit_code == 0, result.stderr
    assert "the compressed file ends early (it may be being rotated)" in result.stderr
    assert "Compressed file ended" not in result.stderr


def test_the_html_report_names_requests_to_unknown_hosts_by_count_for_addresses(logs: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, folder = logs
    mixed = folder / "unknown.log"
    mixed.write_text(
        "\n".join([nginx(PORTAL, A, 1, "GET / HTTP/1.1"), nginx("evil.example", A, 1, "GET / HTTP/1.1"), vhost("192.0.2.44", J, 1, "GET / HTTP/1.1")]) + "\n",
        encoding="utf-8",
    )
    result = repo.run("stats", str(mixed), "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.stderr
    line = "2 request(s) to hosts of no site of the production target: evil.example 1, 1 by IP address instead of host name"
    assert line in result.stdout
    assert line in (tmp_path / "r" / "stats-2026-03-01.html").read_text(encoding="utf-8")
