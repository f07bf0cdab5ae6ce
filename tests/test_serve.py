"""``serve``: a real ``python build.py serve`` on loopback, read with a real HTTP client.

One session carries the whole story (builds are the slow part): the page is served with the
reload script added on the way out but not on disk, an edit is rebuilt and pushed to the event
stream, an error is listed by the problems endpoint while the last good page stays up, and
Ctrl-C ends it with status 0 and no traceback.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import REPO, Repo, article, fill_small_cluster, new_repo
from zhanqun.commands.preview_server import RELOAD_SCRIPT, inject_reload_script

#: A build of the small cluster takes a few seconds on an idle machine; much longer on a busy one.
PATIENCE = 240.0


class Session:
    def __init__(self, repo: Repo, process: subprocess.Popen[str], lines: "queue.Queue[str]", reader: threading.Thread):
        self.repo, self.process, self.lines, self.reader = repo, process, lines, reader
        self.stderr: list[str] = []
        self.port = int(self.wait_for_line(r"serving the preview at http://localhost:(\d+)/").group(1))

    def wait_for_line(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "serve stopped: " + "".join(self.stderr)
                continue
            self.stderr.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line {pattern!r} in: {''.join(self.stderr)}")

    def rest_of_stderr(self) -> str:
        """Everything serve wrote to stderr, once it has ended."""
        self.reader.join(timeout=10)
        while not self.lines.empty():
            self.stderr.append(self.lines.get())
        return "".join(self.stderr)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def problems(self) -> dict[str, object]:
        return json.loads(self.get("/__zhanqun__/problems")[2])


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    env = {**os.environ, "ZHANQUN_LANG": "en", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--root", str(repo.root), "serve", "--port", "0", "--site", "portal"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        yield Session(repo, process, lines, reader)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def read_event(stream: http.client.HTTPResponse) -> dict[str, object]:
    """The next ``state`` event of a Server-Sent Events stream."""
    data = None
    while True:
        line = stream.fp.readline().decode("utf-8")
        assert line, "the event stream ended"
        if line.startswith("data: "):
            data = json.loads(line[len("data: ") :])
        elif line == "\n" and data is not None:
            return data


def test_serve_rebuilds_reloads_reports_and_stops_cleanly(session: Session) -> None:
    # the page as served: the reload script added, the file on disk untouched
    status, headers, body = session.get("/portal/zwdt/spring-farming.html")
    assert status == 200 and headers["cache-control"] == "no-store"
    tag = RELOAD_SCRIPT.format(generation=1).encode()
    assert body.count(tag) == 1 and body.index(tag) < body.index(b"</head>")
    on_disk = session.repo.out("portal/zwdt/spring-farming.html").read_bytes()
    assert b"__zhanqun__" not in on_disk and "正文内容" in on_disk.decode()
    status, headers, script = session.get("/__zhanqun__/reload.js")
    assert status == 200 and headers["content-type"].startswith("application/javascript") and b"EventSource" in script
    status, _headers, body = session.get("/portal/zwdt/no-such-page.html")
    assert status == 404 and "兴安盟行政公署" in body.decode() and tag in body  # the site's own 404 page
    assert session.get("/tjj/")[0] == 404  # --site: only the sites named are built
    assert session.problems()["problems"] == [] and session.problems()["failed"] is False
    for host in ("evil.example", f"evil.example:{session.port}", "127.0.0.1"):  # DNS rebinding: another site's name for 127.0.0.1
        connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=10)
        connection.request("GET", "/__zhanqun__/problems", headers={"Host": host})
        assert connection.getresponse().status == 421
        connection.close()

    # an edit: rebuilt, pushed to the open event stream, the page's text changes
    events = http.client.HTTPConnection("127.0.0.1", session.port, timeout=PATIENCE)
    events.request("GET", "/__zhanqun__/events")
    stream = events.getresponse()
    assert stream.status == 200 and stream.getheader("Content-Type", "").startswith("text/event-stream")
    first = read_event(stream)
    session.repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "今年春耕备耕进展顺利。", Slug="spring-farming"))
    eventually(lambda: "今年春耕备耕进展顺利" in session.get("/portal/zwdt/spring-farming.html")[2].decode(), "the edited page")
    pushed = read_event(stream)
    assert pushed["generation"] == first["generation"] + 1  # type: ignore[operator]
    events.close()
    session.wait_for_line(r"changed: content/portal/zwdt/spring\.md")

    # an error: listed by the server, in the terminal, while the last good page is still served
    session.repo.write("content/portal/zwdt/broken.md", "Title: 坏日期\nDate: 2026年3月5日\n\n正文。\n")
    eventually(lambda: session.problems()["failed"] is True, "the failed build's problems")
    problems = session.problems()
    assert [(p["path"], p["line"], p["code"]) for p in problems["problems"]] == [("content/portal/zwdt/broken.md", 2, "bad-value")]  # type: ignore[index, union-attr]
    assert "2026-03-05" in problems["problems"][0]["message"] and "last good build" in str(problems["title"])  # type: ignore[index]
    session.wait_for_line(r"content/portal/zwdt/broken\.md:2: bad-value")
    status, _headers, body = session.get("/portal/zwdt/spring-farming.html")
    assert status == 200 and "今年春耕备耕进展顺利" in body.decode()

    # Ctrl-C while it rebuilds: the build stops, the output stays as it was, a clean exit
    before = session.repo.out("portal/zwdt/spring-farming.html").read_bytes()
    session.repo.write("content/portal/zwdt/broken.md", "Title: 好日期\nDate: 2026-03-05\n\n正文。\n")
    session.wait_for_line(r"changed: content/portal/zwdt/broken\.md")
    session.process.send_signal(signal.SIGINT)
    assert session.process.wait(timeout=60) == 0
    stderr = session.rest_of_stderr()
    assert "Traceback" not in stderr and "Error" not in stderr.replace("bad-value", "")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", session.port), timeout=2).close()
    after_change = stderr.rsplit("changed: content/portal/zwdt/broken.md", 1)[1]
    if "the previous output was left as it was" in after_change:  # stopped mid-build (nearly always; else it had finished)
        assert session.repo.out("portal/zwdt/spring-farming.html").read_bytes() == before
    else:
        assert "built 1 site(s)" in after_change or "had already been swapped in" in after_change, after_change
    assert not list(session.repo.out().parent.glob(".zhanqun-*"))  # no scratch folder left behind


def test_the_script_goes_before_the_end_of_head() -> None:
    tag = RELOAD_SCRIPT.format(generation=7).encode()
    assert tag == b'<script src="/__zhanqun__/reload.js?generation=7" defer></script>'
    assert inject_reload_script(b"<html><HEAD ><title>x</title></HEAD ><body></body></html>", 7) == b"<html><HEAD ><title>x</title>" + tag + b"</HEAD ><body></body></html>"
    assert inject_reload_script(b"<p>no head</p>", 7) == b"<p>no head</p>" + tag
    assert inject_reload_script(b"<head></head><p>&lt;/head&gt;</p>", 7).count(tag) == 1


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = repo.run("serve", "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 2 and "another program already uses it" in result.stderr
    assert not repo.out().exists()  # refused before building anything


def test_an_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    result = repo.run("serve", "--port", "0", "--site", "ulanhto")
    assert result.exit_code == 2 and "ulanhot" in result.stderr and not repo.out().exists()


from browsers import browser  # noqa: E402,F401  (the shared chromium fixture)


def test_the_page_reloads_itself_and_shows_problems_in_a_dialog(session: Session, browser: object) -> None:  # noqa: F811
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"http://127.0.0.1:{session.port}/portal/zwdt/spring-farming.html")
        assert "正文内容" in page.inner_text("main")
        session.repo.write("content/portal/zwdt/spring.md", article("兴安盟部署春季农业生产", "2026-03-02", "今年春耕备耕进展顺利。", Slug="spring-farming"))
        page.wait_for_function("document.body.innerText.includes('今年春耕备耕进展顺利')", timeout=PATIENCE * 1000)  # reloaded by itself

        session.repo.write("content/portal/zwdt/broken.md", "Title: 坏日期\nDate: 2026年3月5日\n\n正文。\n")
        dialog = page.wait_for_selector("[role=alertdialog]", timeout=PATIENCE * 1000)
        assert dialog is not None
        title = page.locator("#" + dialog.get_attribute("aria-labelledby"))
        assert "The last build failed" in title.inner_text()
        assert "content/portal/zwdt/broken.md:2: bad-value: Date:" in dialog.inner_text()
        assert page.evaluate("document.activeElement.getAttribute('role')") == "alertdialog"  # announced and reachable
        assert "今年春耕备耕进展顺利" in page.inner_text("main")  # the last good page under it
        page.get_by_role("button", name="Close").click()
        assert page.query_selector("[role=alertdialog]") is None

        session.repo.write("content/portal/zwdt/broken.md", "Title: 好日期\nDate: 2026-03-05\n\n正文。\n")
        page.wait_for_function("!document.querySelector('[role=alertdialog]') && document.readyState === 'complete'", timeout=PATIENCE * 1000)
        eventually(lambda: session.problems()["failed"] is False, "the fixed build")
    finally:
        page.close()
    session.process.send_signal(signal.SIGINT)
    assert session.process.wait(timeout=60) == 0
