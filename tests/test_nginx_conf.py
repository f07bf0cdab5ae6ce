"""``nginx-conf``: the configuration is served by Debian's real nginx on loopback.

The sites are built once (production), laid out as ``deploy`` lays them out, and requested by
Host header through the generated configuration: each site's home and its own 404 page, an
unknown host refused, an alias redirected, the headers (security, cache, CORS on ``/pagefind/``)
and gzip. Without nginx the real-server tests are skipped with the reason, and fail under ``CI=true``
(``.ci/run`` installs nginx).
"""

from __future__ import annotations

import getpass
import gzip
import http.client
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import Repo, fill_small_cluster, new_repo, site_toml

SITES = {  # id → (host, name) of fill_small_cluster's production addresses
    "arxan": ("www.arxan.gov.cn", "阿尔山市人民政府"),
    "portal": ("www.xam.gov.cn", "兴安盟行政公署"),
    "tjj": ("tjj.xam.gov.cn", "兴安盟统计局"),
    "ulanhot": ("www.wlht.gov.cn", "乌兰浩特市人民政府"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("nginx") / "repo"))
    result = repo.run("build", "--target", "production")
    assert result.exit_code == 0, result.output
    return repo


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found:
        return found
    reason = "Debian's nginx is not installed (apt-get install nginx-light)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs nginx: {reason}", pytrace=False)
    pytest.skip(reason)


class Nginx:
    def __init__(self, prefix: Path, port: int, dest: Path):
        self.prefix, self.port, self.dest = prefix, port, dest

    def get(self, host: str, path: str = "/", **headers: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", path, headers={"Host": host, **{k.replace("_", "-"): v for k, v in headers.items()}})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def nginx(built: Repo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    binary = _nginx()
    prefix = tmp_path_factory.mktemp("nginx-prefix")
    dest = prefix / "srv"
    deployed = built.run("deploy", "--target", "production", "--to", str(dest))
    assert deployed.exit_code == 0, deployed.stderr
    ids = sorted(p.name for p in dest.iterdir() if (p / "current").is_symlink())
    assert ids == sorted(SITES)
    for site_id in ids:  # what nginx must never serve, and index chunks its cache rule is for
        release = dest / site_id / "current"
        assert (release / "index.html.gz").is_file() and (release / "pagefind/pagefind-entry.json").is_file()
        (release / ".zhanqun").mkdir(exist_ok=True)
        (release / ".zhanqun/manifest.json").write_text('{"format": 1}', encoding="utf-8")
    port = _free_port()
    result = built.run("nginx-conf", "--target", "production", "--docroot", str(dest), "--listen", f"127.0.0.1:{port}", "--out", str(prefix / "conf"), "--access-log", str(prefix / "logs/access.log"))
    assert result.exit_code == 0, result.output
    (prefix / "logs").mkdir()
    temp = prefix / "temp"
    temp.mkdir()
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers of a root master would run as nobody
    (prefix / "nginx.conf").write_text(
        f"{user}pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\nworker_processes 1;\nevents {{ worker_connections 64; }}\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        + "".join(f"    {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"    include {prefix}/conf/zhanqun-sites.conf;\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.05)
    try:
        yield Nginx(prefix, port, dest)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("site_id", sorted(SITES))
def test_every_site_answers_under_its_host(nginx: Nginx, site_id: str) -> None:
    host, name = SITES[site_id]
    status, headers, body = nginx.get(host, "/")
    assert status == 200
    assert name in HTMLParser(body.decode()).css_first("title").text()
    assert headers["cache-control"] == "no-cache"
    assert "text/html" in headers["content-type"] and "utf-8" in headers["content-type"].lower()
    csp = headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("site_id", sorted(SITES))
def test_a_missing_page_is_the_sites_own_404(nginx: Nginx, site_id: str) -> None:
    host, name = SITES[site_id]
    status, headers, body = nginx.get(host, "/zwdt/no-such-page.html")
    own = (nginx.dest / site_id / "current/404.html").read_bytes()
    assert status == 404 and body == own and name.encode() in body
    assert headers["x-content-type-options"] == "nosniff" and "content-security-policy" in headers  # `always`: on a 404 too
    assert nginx.get(host, "/404.html")[0] == 404  # the page itself only as the answer to a miss


def test_an_unknown_host_is_refused(nginx: Nginx) -> None:
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        nginx.get("www.example.com", "/")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        nginx.get("127.0.0.1", "/")


def test_the_alias_host_is_a_real_redirect(nginx: Nginx) -> None:
    status, headers, _body = nginx.get("xam.gov.cn", "/zwdt/?a=1")
    assert status == 301 and headers["location"] == "https://www.xam.gov.cn/zwdt/?a=1"
    status, headers, _body = nginx.get("www.tjj.xam.gov.cn", "/")
    assert status == 301 and headers["location"] == "https://tjj.xam.gov.cn/"


def test_a_folder_without_its_slash_redirects_relative_to_the_readers_address(nginx: Nginx) -> None:
    """nginx's own redirect (``/zwdt`` → ``/zwdt/``) would name ``http://host:<listen port>``: behind a
    TLS terminator that is a downgrade to http and the wrong port. A relative Location keeps both."""
    status, headers, _body = nginx.get(SITES["portal"][0], "/zwdt")
    assert status == 301 and headers["location"] == "/zwdt/"


def test_cache_headers_follow_the_policy(nginx: Nginx) -> None:
    host = SITES["portal"][0]
    status, headers, _body = nginx.get(host, "/theme/css/gov.css")
    assert status == 200 and headers["cache-control"] == "public, max-age=3600"  # not fingerprinted: a moderate while
    assert headers["content-security-policy"]  # the snippet is included where a location sets its own header
    assert nginx.get(host, "/feeds/all.atom.xml")[1]["cache-control"] == "no-cache"
    assert nginx.get(host, "/sitemap.xml")[1]["cache-control"] == "no-cache"
    status, headers, _body = nginx.get(host, "/zwdt/")
    assert status == 200 and headers["cache-control"] == "no-cache"


def test_pagefind_answers_the_portal_across_origins(nginx: Nginx) -> None:
    host = SITES["ulanhot"][0]
    status, headers, _body = nginx.get(host, "/pagefind/pagefind-entry.json", Origin="https://www.xam.gov.cn")
    assert status == 200 and headers["access-control-allow-origin"] == "https://www.xam.gov.cn"
    assert "Origin" in headers["vary"] and headers["cache-control"] == "no-cache" and "content-security-policy" in headers
    chunk = min((nginx.dest / "ulanhot/current/pagefind/index").iterdir())  # named by its hash: kept for a year
    status, headers, _body = nginx.get(host, f"/pagefind/index/{chunk.name}", Origin="https://www.xam.gov.cn")
    assert status == 200 and headers["access-control-allow-origin"] == "https://www.xam.gov.cn"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, _body = nginx.get(host, "/pagefind/pagefind-entry.json", Origin="https://evil.example")
    assert status == 200 and "access-control-allow-origin" not in headers


def test_gzip_is_served_from_the_files_deploy_wrote(nginx: Nginx) -> None:
    host = SITES["arxan"][0]
    status, headers, body = nginx.get(host, "/theme/css/gov.css", Accept_Encoding="gzip")
    assert status == 200 and headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == (nginx.dest / "arxan/current/theme/css/gov.css").read_bytes()
    status, headers, body = nginx.get(host, "/theme/css/gov.css")
    assert "content-encoding" not in headers and body == (nginx.dest / "arxan/current/theme/css/gov.css").read_bytes()


def test_the_build_manifest_is_not_served(nginx: Nginx) -> None:
    status, headers, _body = nginx.get(SITES["portal"][0], "/.zhanqun/manifest.json")
    assert status == 403 and headers["x-content-type-options"] == "nosniff"


def test_a_switched_release_is_served_at_once(nginx: Nginx) -> None:
    """``current`` is resolved on every request: a deploy's rename is seen by the next one."""
    site = nginx.dest / "tjj"
    deployed = os.readlink(site / "current")
    shutil.copytree(site / deployed, site / "releases/switched", symlinks=True)
    page = site / "releases/switched/index.html"
    page.chmod(0o644)  # deploy leaves release files read-only
    page.write_text("<title>兴安盟统计局 新版本</title>", encoding="utf-8")
    os.symlink("releases/switched", site / "current.new")
    os.replace(site / "current.new", site / "current")
    try:
        assert "新版本" in nginx.get(SITES["tjj"][0], "/")[2].decode()
    finally:
        os.symlink(deployed, site / "current.new")
        os.replace(site / "current.new", site / "current")


def test_the_access_log_is_in_the_format_stats_reads(nginx: Nginx) -> None:
    from zhanqun.commands.access_log import ZHANQUN_NGINX, parse_line

    nginx.get(SITES["arxan"][0], "/?q=log-line-check")
    deadline = time.monotonic() + 5
    lines: list[str] = []
    while time.monotonic() < deadline and not lines:
        lines = [line for line in (nginx.prefix / "logs/access.log").read_text(encoding="utf-8").splitlines() if "log-line-check" in line]
        time.sleep(0.05)
    assert lines and lines[0].startswith("www.arxan.gov.cn 127.0.0.1 ")
    request = parse_line(lines[0])
    assert request is not None and request.format == ZHANQUN_NGINX and request.host == "www.arxan.gov.cn"


# --- the configuration as text -----------------------------------------------------------------


def test_the_theme_runs_under_the_policy(built: Repo) -> None:
    """What the CSP allows is what the theme needs: no inline script, no handler attribute, scripts from the site itself."""
    pages = sorted(built.out(target="production").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        canonical = tree.css_first('link[rel="canonical"]')
        host = canonical.attributes["href"].split("/")[2] if canonical else None
        for script in tree.css("script"):
            src = script.attributes.get("src")
            assert src, f"{page}: an inline script; the CSP allows none"
            assert host is None or src.startswith(f"https://{host}/") or src.startswith("/"), f"{page}: script from {src}"
        for node in tree.css("*"):
            handlers = [name for name in node.attributes if name.lower().startswith("on")]
            assert not handlers, f"{page}: {handlers}"


def test_output_is_deterministic_and_sorted(built: Repo) -> None:
    first = built.run("nginx-conf", "--docroot", "/srv/zhanqun")
    second = built.run("nginx-conf", "--docroot", "/srv/zhanqun")
    assert first.exit_code == 0 and first.stdout == second.stdout
    names = [line.split("server_name ")[1].rstrip(";") for line in first.stdout.splitlines() if "server_name " in line and "_;" not in line]
    assert names == ["www.arxan.gov.cn", "arxan.gov.cn", "www.xam.gov.cn", "xam.gov.cn", "tjj.xam.gov.cn", "www.tjj.xam.gov.cn", "www.wlht.gov.cn", "wlht.gov.cn"]
    assert "include /etc/nginx/snippets/zhanqun-security-headers.conf;" in first.stdout


def test_intranet_hosts_come_from_intranet_url(built: Repo) -> None:
    result = built.run("nginx-conf", "--target", "intranet", "--docroot", "/srv/zw")
    assert result.exit_code == 0
    assert "server_name wlht.zw.xam;" in result.stdout and "server_name www.wlht.gov.cn;" not in result.stdout
    assert "server_name www.xam.gov.cn;" in result.stdout  # no intranet_url: its url


def test_an_alias_another_site_owns_is_left_to_it(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("bare", "兴安盟某局", kind="department", url="https://xam.gov.cn/", extra='short_name = "某局"')
    result = repo.run("nginx-conf", "--docroot", "/srv/zhanqun")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("server_name xam.gov.cn;") == 1 and result.stdout.count("server_name www.xam.gov.cn;") == 1
    assert "return 301" not in result.stdout  # each spelling is a site of its own, never an alias


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "preview", "--docroot", "/srv"], "Invalid value for '--target'"),
        (["--docroot", "/srv/a b"], "nginx would misread this path"),
        (["--docroot", "/srv/$host"], "nginx would misread this path"),
        (["--docroot", "/srv/x;evil"], "nginx would misread this path"),
        (["--docroot", "/srv", "--listen", "80;"], "write ADDR:PORT or PORT"),
        (["--docroot", "/srv", "--listen", "127.0.0.1:70000"], "write ADDR:PORT or PORT"),
        (["--docroot", "/srv", "--access-log", "logs/x.log"], "an absolute path"),
        (["--docroot"], "requires an argument"),
    ],
)
def test_a_bad_option_is_a_usage_error(built: Repo, args: list[str], message: str) -> None:
    result = built.run("nginx-conf", *args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_a_docroot_holding_the_other_target_is_refused(built: Repo, tmp_path: Path) -> None:
    """The production servers must never be pointed at a deploy of the intranet edition (its
    internal items), nor the intranet's at the production one: deploy marked the folder with its target."""
    dest = tmp_path / "srv"
    assert built.run("deploy", "--target", "production", "--to", str(dest)).exit_code == 0
    result = built.run("nginx-conf", "--target", "intranet", "--docroot", str(dest))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--docroot {dest}: deploy put the production sites there, not the intranet ones" in result.stderr
    assert built.run("nginx-conf", "--target", "production", "--docroot", str(dest)).exit_code == 0
    assert built.run("nginx-conf", "--target", "intranet", "--docroot", str(tmp_path / "not-yet")).exit_code == 0  # before the first deploy


def test_a_broken_site_file_is_a_located_error(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    repo.write("sites/portal.toml", site_toml("portal", "兴安盟行政公署", kind="portal").replace('url = "https', 'url = "ftp'))
    result = repo.run("nginx-conf", "--docroot", "/srv/zhanqun")
    assert result.exit_code == 1 and "sites/portal.toml:" in result.stderr and result.stdout == ""


def test_out_writes_both_files_and_includes_the_snippet_from_there(built: Repo, tmp_path: Path) -> None:
    out = tmp_path / "conf"
    result = built.run("nginx-conf", "--docroot", "/srv/zhanqun", "--out", str(out))
    assert result.exit_code == 0, result.output
    sites = (out / "zhanqun-sites.conf").read_text(encoding="utf-8")
    headers = (out / "zhanqun-security-headers.conf").read_text(encoding="utf-8")
    assert f"include {out}/zhanqun-security-headers.conf;" in sites
    assert all(line.endswith(" always;") for line in headers.splitlines() if line.startswith("add_header"))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    (out / "zhanqun-sites.conf").unlink()
    (out / "zhanqun-sites.conf").symlink_to(tmp_path / "elsewhere/x")
    refused = built.run("nginx-conf", "--docroot", "/srv/zhanqun", "--out", str(out))
    assert refused.exit_code == 2 and "symbolic link" in refused.stderr and not (tmp_path / "elsewhere/x").exists()


def test_the_bucket_sends_the_types_nginx_sends() -> None:
    """A site in a bucket gets the Content-Type nginx would send (Debian's mime.types)."""
    from zhanqun.publish.cache_policy import content_type

    table = Path("/etc/nginx/mime.types")
    if not table.is_file():
        _nginx()  # skips with the reason (fails under CI=true)
    types: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        words = line.strip().rstrip(";").split()
        if len(words) >= 2 and "/" in words[0]:
            types.update((suffix, words[0]) for suffix in words[1:])
    for suffix in ("html", "css", "js", "json", "xml", "txt", "svg", "png", "jpg", "gif", "webp", "avif", "pdf", "wasm", "woff2", "doc", "docx", "xls", "xlsx", "zip", "mp4"):
        assert content_type(f"x.{suffix}").split(";")[0] == types[suffix], suffix
