"""What a hung test leaves in the log: the stacks of its process and of every process under it.

pytest-timeout (``timeout`` in pyproject.toml) says when a test has run too long; with its
``thread`` method, this plugin says what then happens (pytest-timeout's ``pytest_timeout_set_timer``
hook). What pytest-timeout's own thread method prints of the worker is lost through xdist, and a
build under test waits on processes of its own (the fork server, the rendering processes, the
forked readers, Pagefind), where a deadlock would really be. So this writes to the worker's
standard error, which reaches the CI log: what the test printed, the worker's Python stacks
(``faulthandler``), and for each process below it its command line and, where ``py-spy`` is
installed, the Python and native stacks of a Python process. Then it kills those processes (stuck,
they would outlive the worker and hold the log open) and ends the pytest process, as the thread
method does. Under xdist a new worker starts and pytest-rerunfailures runs the test once more
(pyproject.toml); without xdist the run ends there. Under a debugger, nothing happens.

Loaded by ``conftest.py``; nothing here runs unless a test outlives ``timeout``.
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, NoReturn

import pytest

#: The worker's standard error as it was before pytest captured it: while a test runs, file
#: descriptor 2 is pytest's capture file, which is lost with the worker (pytest's own
#: ``faulthandler_timeout`` keeps a copy for the same reason).
_ERR: list[object] = []


def pytest_configure(config: pytest.Config) -> None:
    if not _ERR:
        _ERR.append(open(os.dup(2), "w", encoding="utf-8", errors="replace", closefd=True))  # noqa: SIM115 - kept for the process's life


def descendants(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """Every process below ``pid`` (children, their children, …), read from ``/proc``; empty
    where there is no ``/proc``."""
    children: dict[int, list[int]] = {}
    try:
        entries = list(proc.iterdir())
    except OSError:
        return []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1].isdigit():
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        for child in sorted(children.get(queue.pop(0), [])):
            found.append(child)
            queue.append(child)
    return found


def _stream() -> Any:
    return _ERR[0] if _ERR else sys.__stderr__


def write_stacks(test: str, stream: Any = None, budget: float = 90.0) -> None:
    """The worker's threads, then each process below it (its command line; with py-spy, the
    Python and native stacks of a Python process), to the worker's standard error; py-spy is given
    ``budget`` seconds in all, so that a py-spy that does not answer cannot stall the end."""
    err = stream or _stream()
    deadline = time.monotonic() + budget
    print(f"\n+++ {test} timed out: the stacks of pid {os.getpid()} and of the processes below it +++", file=err, flush=True)
    faulthandler.dump_traceback(file=err, all_threads=True)
    spy = shutil.which("py-spy")
    for pid in descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")[:300]
        except OSError:
            continue  # ended meanwhile
        print(f"--- pid {pid}: {command}", file=err, flush=True)
        left = deadline - time.monotonic()
        if spy and "python" in command and left > 1:
            try:
                done = subprocess.run([spy, "dump", "--native", "--pid", str(pid)], capture_output=True, text=True, timeout=min(30.0, left), check=False)
                print(done.stdout + done.stderr, file=err, flush=True)
            except (OSError, subprocess.SubprocessError) as exc:
                print(f"(py-spy: {exc})", file=err, flush=True)
    print("+++ end of stacks +++", file=err, flush=True)


def stop_descendants(pid: int, then: Callable[[], None] = lambda: None) -> None:
    """Kill every process below ``pid``, then call ``then``: once the worker has ended, a stuck
    rendering process or fork server would otherwise live on, holding the CI log's pipe open.

    The tree is stopped first (SIGSTOP), again until no new process shows up, so that a pool or
    fork server cannot start another between the listing and the kill. A stopped child does not
    wake a thread waiting for it; the kills come last, in one run with ``then`` (the worker's
    end): a test waiting on its child would otherwise wake, pass, and report it before the end."""
    stopped: list[int] = []
    try:
        for _ in range(50):
            fresh = [child for child in descendants(pid) if child not in stopped]
            if not fresh:
                break
            for child in fresh:
                _signal(child, signal.SIGSTOP)
                stopped.append(child)
    finally:  # ``then`` comes, whatever failed above
        for child in reversed(stopped):
            _signal(child, signal.SIGKILL)
        then()


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:
        pass  # ended meanwhile


def _write_captured(item: pytest.Item, err: Any) -> None:
    """What the test printed so far, which pytest holds until the test ends (as pytest-timeout's
    thread method shows it)."""
    capture = item.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        return
    capture.suspend_global_capture(item)
    out, errors = capture.read_global_capture()
    for title, text in (("stdout", out), ("stderr", errors)):
        if text:
            print(f"~~~ captured {title} of {item.nodeid} ~~~\n{text}", file=err, flush=True)


def _timed_out(item: pytest.Item, settings: Any) -> None:
    from pytest_timeout import is_debugging  # present: this runs from its hook

    if not settings.disable_debugger_detection and is_debugging():
        return  # at a pdb prompt or under a debugger: as pytest-timeout does, the test goes on
    err = _stream()
    try:
        _write_captured(item, err)
        write_stacks(item.nodeid, err)
    except BaseException:  # whatever failed here, the worker must still end: a silent stall is what this prevents
        traceback.print_exc(file=err)
    finally:
        try:
            print(f"+++ ending pytest process {os.getpid()} (exit status 1) and the processes under it; under xdist a new worker takes over +++", file=err, flush=True)
        finally:
            stop_descendants(os.getpid(), then=_end)


def _end() -> NoReturn:
    os._exit(1)  # as pytest-timeout's thread method: xdist reports the test crashed and starts a new worker


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a hook of pytest-timeout's
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """pytest-timeout's hook for another way to end a test. Its ``thread`` method only: the
    stacks of the worker and of every process below it written first, and those processes
    stopped (``timeout_method = "signal"`` is left to pytest-timeout). pytest-timeout's own
    ``pytest_timeout_cancel_timer`` calls the ``cancel_timeout`` set here."""
    if settings.method != "thread" or not settings.timeout or settings.timeout <= 0:
        return None
    timer = threading.Timer(settings.timeout, _timed_out, args=(item, settings))
    timer.name = f"hang_report {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    timer.start()
    return True
