"""Ending the command-line process without freeing its memory object by object.

After a build of ten thousand items the interpreter spends about 0.4 s at exit taking apart what
the build held in memory (its modules, the content index, the caches), one object at a time,
only for the operating system to take the whole address space back anyway. A CI job or an
author waits for that. :func:`exit_now` does everything Python does at exit that anyone can
observe — the ``atexit`` functions (logging's flush, multiprocessing's cleanup of its fork server
and children), the standard streams flushed, the exit status — and then ends the process.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn


#: What the command holds until the process ends, for the operating system to free with the rest
#: (``pipeline.build(..., kept=KEPT)``): freeing a build's objects one by one costs what the
#: teardown does.
KEPT: list[object] = []


def exit_now(status: object) -> NoReturn:
    """End the process with ``status`` (a ``SystemExit`` code: ``None``, a number, or a message)
    as Python would, without its teardown. Another thread still running, or a message to print,
    takes Python's own way out (it waits for threads, and prints the message); so does a process
    being profiled or traced (``python -m cProfile``, a debugger), whose tool writes its report
    once the script returns."""
    if not (status is None or isinstance(status, int)) or threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        raise SystemExit(status)
    code = status or 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a stream that cannot be flushed: Python's own exit status for it
            code = code or 120  # (click answers a pipe closed while it writes, ``| head``, with status 1 itself)
    os._exit(code)
