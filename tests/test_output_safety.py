"""Nothing lost: a failed, interrupted or disk-full build leaves the previous output as it was."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, Repo, article, new_repo, problem_lines

from zhanqun.publish.output import (
    SCRATCH_PREFIX,
    Interrupted,
    InterruptGuard,
    OutputSwap,
)

#: A Pelican plugin for the fixture repositories: stalls or fails rendering when a test asks.
PLUGIN = '''
import errno, os, time
from pathlib import Path
from pelican import signals

def _stall(pelican):
    marker = os.environ.get("ZQ_TEST_STALL")
    if marker:
        Path(marker, str(os.getpid())).write_text("rendering")
        time.sleep(120)

def _fill_disk(generator, writer=None):
    if os.environ.get("ZQ_TEST_DISK_FULL"):
        raise OSError(errno.ENOSPC, "No space left on device", os.path.join(generator.output_path, "zwdt", "x.html"))

def register():
    signals.initialized.connect(_stall)
    signals.article_writer_finalized.connect(_fill_disk)
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Two sites with the test plugin, built once: the 'previous output' every test protects.

    Shared by the tests of this module: each of them asserts that it left this output as it was.
    """
    repo = new_repo(tmp_path_factory.mktemp("safety") / "repo")
    plugin = '[pelican]\nplugins = ["zq_test_plugin"]'
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/", extra=plugin)
    repo.site("ulanhot", "乌兰浩特市人民政府", url="https://www.wlht.gov.cn/", extra=plugin)
    repo.write("plugins/zq_test_plugin.py", PLUGIN)
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", Slug="spring"))
    repo.write("content/ulanhot/zwdt/b.md", article("乌兰浩特市推进洮儿河治理", Slug="river"))
    result = repo.run("build")
    assert result.exit_code == 0, result.stderr
    # the next build would change both sites
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产（更新）", Slug="spring"))
    repo.write("content/ulanhot/zwdt/c.md", article("乌兰浩特市新闻", Slug="news"))
    return repo


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(repo: Repo) -> list[str]:
    return [p.name for p in (repo.root / "output").iterdir() if p.name.startswith(SCRATCH_PREFIX)]


# --- a full disk ----------------------------------------------------------------------------


def test_disk_full_during_the_swap_puts_every_site_back(built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import zhanqun.publish.output

    before = snapshot(built.out())
    real_move = zhanqun.publish.output.move
    calls = {"n": 0}

    def move(base: Path, rel: str, to_base: Path, to_rel: str) -> None:
        calls["n"] += 1
        if calls["n"] == 4:  # the second site's new folder: after the first site was swapped in
            raise OSError(errno.ENOSPC, "No space left on device", str(to_base / to_rel))
        real_move(base, rel, to_base, to_rel)

    monkeypatch.setattr(zhanqun.publish.output, "move", move)
    result = built.run("build", "--no-cache")  # every site rendered and swapped, as after a change
    assert result.exit_code == 1
    assert problem_lines(result) == ["output/preview: write-failed: the disk is full: could not write output/preview/ulanhot (free some space and build again); the previous output was left as it was"]
    assert "Traceback" not in result.output
    assert snapshot(built.out()) == before
    assert leftovers(built) == []


def test_disk_full_while_rendering_leaves_the_previous_output(built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(built.out())
    monkeypatch.setenv("ZQ_TEST_DISK_FULL", "1")
    result = built.run("build", "--no-cache")  # nothing changed: without it, no site would be rendered
    assert result.exit_code == 1
    lines = problem_lines(result, "write-failed")
    assert lines and all(line.startswith(("site:portal: write-failed: the disk is full", "site:ulanhot: write-failed: the disk is full")) for line in lines)
    assert "Traceback" not in result.output
    assert snapshot(built.out()) == before
    assert leftovers(built) == []


def test_disk_full_while_staging_leaves_the_previous_output(built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rendering process makes its site's staged folder first (the attachments linked there;
    the items are handed to Pelican in memory): a full disk there is that site's located problem,
    and nothing of the output changes. (The processes run in this one here, so that the failing
    write reaches them; it fails before Pelican starts.)"""
    import zhanqun.pipeline
    import zhanqun.render.stage
    from zhanqun.render.processes import render_site

    def make_folder(base: Path, rel: str | None = None) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(base / (rel or "")))

    before = snapshot(built.out())
    monkeypatch.setattr(zhanqun.render.stage, "make_folder", make_folder)
    class InThisProcess:
        """The rendering pool, each site rendered here as it is submitted."""

        def __init__(self, workers: int) -> None:
            self.done: list = []

        def submit(self, job) -> None:  # type: ignore[no-untyped-def]
            self.done.append(render_site(job))

        def results(self, on_done=lambda result: None):  # type: ignore[no-untyped-def]
            return sorted(self.done, key=lambda result: result.site)

        def stop(self) -> None:
            pass

    monkeypatch.setattr(zhanqun.pipeline, "RenderPool", InThisProcess)
    result = built.run("build", "--no-cache")
    assert result.exit_code == 1
    lines = problem_lines(result, "write-failed")
    assert sorted(line.split(": write-failed: ")[0] for line in lines) == ["site:portal", "site:ulanhot"]
    assert all("the disk is full" in line for line in lines)
    assert "Traceback" not in result.output
    assert snapshot(built.out()) == before
    assert leftovers(built) == []


def test_failed_build_json_report_names_the_disk(built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZQ_TEST_DISK_FULL", "1")
    result = built.run("--format", "json", "build", "--site", "portal", "--no-cache")
    assert result.exit_code == 1
    assert '"code": "write-failed"' in result.stdout


# --- signals --------------------------------------------------------------------------------


def start_stalled_build(repo: Repo, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """Start ``build.py build`` in its own process group and wait until both sites are rendering."""
    marker = tmp_path / "rendering"
    marker.mkdir()
    env = {**os.environ, "ZQ_TEST_STALL": str(marker), "PYTHONPATH": str(REPO)}
    env.pop("CI", None)
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--root", str(repo.root), "build", "--jobs", "2", "--no-cache"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(list(marker.iterdir())) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "rendering never started"
        time.sleep(0.05)
    return process, marker


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return True
    return state in "ZX"


def assert_clean_interrupt(repo: Repo, process: subprocess.Popen[str], marker: Path, before: dict[str, bytes], signal_name: str) -> None:
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert f"output/preview: interrupted: build interrupted by {signal_name}; the previous output was left as it was" in stderr
    assert snapshot(repo.out()) == before
    assert leftovers(repo) == []
    children = [int(p.name) for p in marker.iterdir()]
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in children), "a rendering process outlived the build"


def test_sigterm_while_rendering_leaves_the_previous_output(built: Repo, tmp_path: Path) -> None:
    before = snapshot(built.out())
    process, marker = start_stalled_build(built, tmp_path)
    process.send_signal(signal.SIGTERM)
    assert_clean_interrupt(built, process, marker, before, "SIGTERM")


def test_ctrl_c_to_the_process_group_while_rendering_leaves_the_previous_output(built: Repo, tmp_path: Path) -> None:
    before = snapshot(built.out())
    process, marker = start_stalled_build(built, tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: every process of the group
    assert_clean_interrupt(built, process, marker, before, "SIGINT")


def blocked_signals(pid: int) -> set[int]:
    """The signals a process has blocked (``SigBlk`` of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            mask = int(line.split()[1], 16)
            return {n for n in range(1, 65) if mask & (1 << (n - 1))}
    return set()


def test_rendering_processes_are_born_with_ctrl_c_blocked(built: Repo, tmp_path: Path) -> None:
    """Ctrl-C that reaches a worker while its interpreter starts would print a traceback there.

    No code of zhanqun's blocks signals in a worker: a blocked mask seen there was inherited from
    the parent when the process started, so it held from the first instruction on.
    """
    before = snapshot(built.out())
    process, marker = start_stalled_build(built, tmp_path)
    try:
        for pid in (int(p.name) for p in marker.iterdir()):
            assert {signal.SIGINT, signal.SIGTERM} <= blocked_signals(pid)
        assert not {signal.SIGINT, signal.SIGTERM} & blocked_signals(process.pid)  # the parent still hears them
    finally:
        os.killpg(process.pid, signal.SIGINT)
    assert_clean_interrupt(built, process, marker, before, "SIGINT")


# --- the swap, piece by piece ---------------------------------------------------------------


def test_signal_during_the_swap_waits_until_it_is_done() -> None:
    guard = InterruptGuard()
    done = []
    with pytest.raises(Interrupted):
        with guard.critical():
            guard.handle(signal.SIGTERM, None)  # arrives mid-swap: held
            done.append("swapped")
    assert done == ["swapped"]


def test_second_signal_while_cleaning_up_is_ignored() -> None:
    guard = InterruptGuard()
    with pytest.raises(Interrupted):
        guard.handle(signal.SIGINT, None)
    guard.handle(signal.SIGINT, None)  # no second exception: the cleanup finishes


def test_build_killed_mid_swap_is_repaired_by_the_next_one(tmp_path: Path) -> None:
    final = tmp_path / "output" / "preview"
    (final / "portal").mkdir(parents=True)
    (final / "portal" / "index.html").write_text("portal")
    dead = tmp_path / "output" / f"{SCRATCH_PREFIX}preview-999999999"  # no such process
    (dead / "previous" / "ulanhot").mkdir(parents=True)
    (dead / "previous" / "ulanhot" / "index.html").write_text("previous ulanhot")
    swap = OutputSwap(final, "preview")
    try:
        assert (final / "ulanhot" / "index.html").read_text() == "previous ulanhot"
        assert not dead.exists()
    finally:
        swap.discard()


def test_a_swap_that_fails_puts_back_the_sites_it_took_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final = tmp_path / "output" / "production"
    for site_id in ("portal", "tjj"):
        (final / site_id).mkdir(parents=True)
        (final / site_id / "index.html").write_text(f"old {site_id}")
    swap = OutputSwap(final, "production")
    (swap.site_folder("portal")).mkdir(parents=True)
    (swap.site_folder("portal") / "index.html").write_text("new portal")
    import zhanqun.publish.output as output

    real_move = output.move

    failed: list[str] = []

    def failing_move(base: Path, rel: str, to_base: Path, to_rel: str) -> None:
        real_move(base, rel, to_base, to_rel)
        if rel == "tjj" and not failed:  # taken out, then the disk fills: the swap must be undone
            failed.append(rel)
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "move", failing_move)
    with pytest.raises(OSError):
        swap.commit(["portal"], dropped=["tjj"])
    swap.discard()
    assert (final / "portal" / "index.html").read_text() == "old portal"
    assert (final / "tjj" / "index.html").read_text() == "old tjj"


def test_a_build_interrupted_after_its_link_check_leaves_the_link_report_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the output checks, before the swap: the output is the previous build's, and so
    is the report ``audit`` reads (a failed build's report is written: it says why it failed)."""
    import zhanqun.pipeline as pipeline
    from zhanqun.publish.output import Interrupted

    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring"))
    assert repo.run("build").exit_code == 0
    report = repo.root / "output" / "reports" / "links-preview.json"
    before = report.read_bytes()
    repo.write("content/portal/zwdt/b.md", article("兴安盟部署春季防火工作", "2026-03-03", Slug="fire"))

    def interrupted(context, steps):  # type: ignore[no-untyped-def]
        raise Interrupted("SIGINT")

    monkeypatch.setattr(pipeline, "run_site_steps", interrupted)
    result = repo.run("build")
    assert result.exit_code == 1 and "interrupted" in result.stderr
    assert report.read_bytes() == before
