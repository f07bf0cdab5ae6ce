"""The fork server ends without Python's teardown.

The fork server (``processes.py``) has imported Pelican, Jinja, Markdown and the whole engine and
compiled the theme's templates. When the build ends, the server reads the end of its pipe and
leaves by ``SystemExit``: Python then takes those modules apart object by object, about a tenth of
a second, and only then closes the standard streams it shares with the build. Whoever waits for
the build's output to end — a CI log, a pipe, the bench's ``communicate()`` — waits for that too.
The server holds nothing that needs it (its children are gone, it has no files or temporary
folders of its own), so, registered in the server only, this ends it at once with its streams
flushed.
"""

from __future__ import annotations

import atexit
import os
import sys

#: Set (to "1") in the environment the fork server starts with, and in no other process's.
SERVER_VARIABLE = "ZHANQUN_FORK_SERVER"

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


if os.environ.get(SERVER_VARIABLE) == "1":  # imported by the fork server's preload
    del os.environ[SERVER_VARIABLE]  # not passed on (a rendering process gets the build's environment anyway)
    atexit.register(_end_now)
    ENDS_AT_ONCE = True  # after multiprocessing's own: so it runs first, and the teardown never does
