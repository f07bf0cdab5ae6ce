"""tests/hang_report.py: a hung test leaves the stacks of every process under it, stops them, and
runs once more; an ordinary failure is not run again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hang_report import descendants, stop_descendants

TESTS = Path(__file__).resolve().parent


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_descendants_are_children_and_their_children_and_are_stopped() -> None:
    script = "import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\ntime.sleep(60)\n"
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not descendants(child.pid) and time.monotonic() < deadline:  # the child has started its own
            time.sleep(0.05)
        [grandchild] = descendants(child.pid)
        assert {child.pid, grandchild} <= set(descendants(os.getpid()))
        stop_descendants(child.pid)  # this test's tree only: the worker's own fork server stays
        deadline = time.monotonic() + 10
        while _alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(grandchild) and child.poll() is None
    finally:
        child.kill()
        child.wait()


def test_a_hung_test_leaves_its_stacks_is_run_again_and_an_ordinary_failure_is_not(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(TESTS)!r})\npytest_plugins = ['hang_report']\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -raR --reruns 1 --only-rerun 'Timeout >'\ntimeout = 600\ntimeout_method = thread\n")
    marker = tmp_path / "hung-once"
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(f"""
        import os, subprocess, sys, pytest

        @pytest.mark.timeout(4)
        def test_hangs_once():
            if not os.path.exists({str(marker)!r}):
                open({str(marker)!r}, "w").close()
                child = subprocess.Popen([sys.executable, "-c", "import time\\ndef stuck_here():\\n    time.sleep(120)\\nstuck_here()"])
                open({str(tmp_path / 'child-pid')!r}, "w").write(str(child.pid))
                child.wait()

        def test_fails():
            assert False, "an ordinary failure"
    """))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "1", "-q", "test_inner.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    output = done.stdout + done.stderr
    assert "test_inner.py::test_hangs_once timed out: the stacks of pid" in output, output
    if shutil.which("py-spy") and "ermission" not in output:  # the child's own stack (without py-spy, or
        assert "stuck_here (<string>:3)" in output, output  # where ptrace is not allowed, its command line only)
    assert "stuck_here()" in output  # ... which is always there
    assert "RERUN test_inner.py::test_hangs_once" in output and "1 failed, 1 passed, 1 rerun" in output, output
    assert output.count("an ordinary failure") >= 1 and "RERUN test_inner.py::test_fails" not in output
    assert "short test summary info" in output and "FAILED test_inner.py::test_fails" in output  # -raR keeps -ra's summary
    assert not _alive(int((tmp_path / "child-pid").read_text()))  # stopped with the worker, not left behind


def test_a_failure_while_writing_the_stacks_still_ends_the_run(tmp_path: Path) -> None:
    """The end must come whatever goes wrong before it (a py-spy that hangs, a closed log):
    otherwise the worker stalls silently, which is what the plugin is there to prevent."""
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\nimport hang_report\npytest_plugins = ['hang_report']\n"
        "def broken(*args, **kwargs):\n    raise OSError('the log is gone')\nhang_report.write_stacks = broken\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 600\ntimeout_method = thread\n")
    (tmp_path / "test_inner.py").write_text("import time, pytest\n\n@pytest.mark.timeout(2)\ndef test_hangs():\n    time.sleep(120)\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "test_inner.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=100)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "OSError: the log is gone" in done.stderr and "ending pytest process" in done.stderr, done.stderr
