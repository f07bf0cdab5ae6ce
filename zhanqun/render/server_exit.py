"""The fork server ends without Python's teardown.

The fork server (``processes.py``) has imported Pelican, Jinja, Markdown and the whole engine and
compiled the theme's templates. When the build ends, the server reads the end of its pipe and
leaves by ``SystemExit``: Python then takes those modules apart object by object, about a tenth of
a second, and only then closes the standard streams it shares with the build. Whoever waits for
the build's output to end — a CI log, a pipe, the bench's ``communicate()`` — waits for that too.
The server holds nothing that needs it (its children are gone, it has no files or temporary
folders of its own), so, registered in the server only, this ends it at once with its streams
flushed. Nobody reads the server's exit status (the build never waits for it), so it is 0.

The server is recognised by what runs it — ``multiprocessing.forkserver.main``, on the stack while
it imports its preload — never by something a user's environment could set: in any other process
(a build, the tests) importing this module changes nothing, and its exit status stays its own.
"""

from __future__ import annotations

import atexit
import os
import sys
from multiprocessing import forkserver

#: Whether this process ends at once (the fork server, and the rendering processes forked from it,
#: which leave by ``os._exit`` anyway).
ENDS_AT_ONCE = False


def _end_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)


def in_fork_server() -> bool:
    """Whether this module is being imported by the fork server's preload."""
    frame = sys._getframe()
    server = os.path.abspath(forkserver.__file__)
    while frame is not None:
        if frame.f_code.co_name == "main" and os.path.abspath(frame.f_code.co_filename) == server:
            return True
        frame = frame.f_back
    return False


if in_fork_server():
    atexit.register(_end_now)  # after multiprocessing's own: so it runs first, and the teardown never does
    ENDS_AT_ONCE = True
