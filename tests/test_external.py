"""check --external: links that leave the cluster, tried against a loopback web server only."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from conftest import Repo, article


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A web server on 127.0.0.1 with one page, ok.html."""
    docroot = tmp_path / "www"
    docroot.mkdir()
    (docroot / "ok.html").write_text("ok", encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(docroot)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def write_output(repo: Repo, server: str) -> None:
    """A cluster and, instead of a slow build, the pages a build would have left."""
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("甲", Slug="a"))
    links = f'<a href="{server}/ok.html">好</a><a href="{server}/gone.html#x">坏</a><a href="/portal/zwdt/a.html">本站</a>'
    repo.write("output/preview/portal/index.html", links)
    repo.write("output/preview/portal/zwdt/a.html", f'<a href="{server}/gone.html">坏</a>')


def test_external_link_that_fails_is_an_error_at_its_page(repo: Repo, server: str) -> None:
    write_output(repo, server)
    result = repo.run("check", "--external")
    assert result.exit_code == 1
    assert f'output/preview/portal/index.html: external-link: "{server}/gone.html": HTTP 404 (also on 1 more page(s))' in result.output
    assert "ok.html" not in result.output.replace("external links:", "")
    assert "external links: 2 addresses tried, 1 failed" in result.output


def test_external_links_are_not_tried_without_the_option(repo: Repo, server: str) -> None:
    write_output(repo, server)
    result = repo.run("check")
    assert result.exit_code == 0, result.output
    assert "external" not in result.output


def test_unreachable_host_is_reported(repo: Repo, server: str) -> None:
    write_output(repo, server)
    repo.write("output/preview/portal/zwdt/a.html", '<a href="http://127.0.0.1:9/x.html">关闭的端口</a>')
    result = repo.run("check", "--external")
    assert result.exit_code == 1
    assert 'output/preview/portal/zwdt/a.html: external-link: "http://127.0.0.1:9/x.html": unreachable' in result.output


def test_external_check_needs_a_build(repo: Repo) -> None:
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    result = repo.run("check", "--external")
    assert result.exit_code == 2
    assert "run build first" in result.output
