"""What a hung test leaves in the log: the stacks of its process and of every process under it.

pytest-timeout (``timeout`` in pyproject.toml) says when a test has run too long; this plugin
says what then happens (pytest-timeout's ``pytest_timeout_set_timer`` hook). What its own thread
method prints of the worker is lost through xdist, and a build under test waits on processes of
its own — the fork server, the rendering processes, the forked readers, Pagefind — where a
deadlock would really be. So this writes to the worker's standard error, which reaches the CI
log, every thread's stack of the worker (``faulthandler``) and, where ``py-spy`` is installed, of
each process below it, native frames included; then it kills those processes (stuck, they would
outlive the worker and hold the log open) and ends the worker, as the thread method does. xdist
starts a new worker, and pytest-rerunfailures runs the test once more (pyproject.toml).

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
from pathlib import Path
from typing import Any

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


def write_stacks(test: str, stream: object = None) -> None:
    """The worker's threads, then each process below it, to the worker's standard error."""
    err = stream or (_ERR[0] if _ERR else sys.__stderr__)
    print(f"\n+++ {test} timed out: the stacks of pid {os.getpid()} and of the processes below it +++", file=err, flush=True)  # type: ignore[call-overload]
    faulthandler.dump_traceback(file=err, all_threads=True)  # type: ignore[arg-type]
    spy = shutil.which("py-spy")
    for pid in descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")[:300]
        except OSError:
            continue
        print(f"--- pid {pid}: {command}", file=err, flush=True)  # type: ignore[call-overload]
        if spy and "python" in command:
            done = subprocess.run([spy, "dump", "--native", "--pid", str(pid)], capture_output=True, text=True, timeout=30, check=False)
            print(done.stdout + done.stderr, file=err, flush=True)  # type: ignore[call-overload]
    print("+++ end of stacks +++", file=err, flush=True)  # type: ignore[call-overload]


def stop_descendants(pid: int) -> None:
    """Kill every process below ``pid``, the deepest first: once the worker has ended, a stuck
    rendering process or fork server would otherwise live on, holding the CI log's pipe open."""
    for child in reversed(descendants(pid)):
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass  # ended meanwhile


def _timed_out(item: pytest.Item) -> None:
    write_stacks(item.nodeid)
    stop_descendants(os.getpid())
    os._exit(1)  # as pytest-timeout's thread method: xdist reports the test crashed and starts a new worker


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a hook of pytest-timeout's
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """pytest-timeout's hook for another way to end a test: its thread method, with the stacks of
    every process below the worker written first and those processes stopped. (pytest-timeout's
    own ``cancel_timeout`` protocol: its ``pytest_timeout_cancel_timer`` calls what is set here.)"""
    if not settings.timeout or settings.timeout <= 0:
        return None
    timer = threading.Timer(settings.timeout, _timed_out, args=(item,))
    timer.name = f"hang_report {item.nodeid}"
    timer.daemon = True

    def cancel() -> None:
        timer.cancel()
        timer.join()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    timer.start()
    return True
