"""What Python's cyclic garbage collector walks during a build: not the caches it loaded.

A build after one edit loads some 30 MB of cache files into a few million small objects (the
items, the finished texts, the memos, the records of files) and keeps nearly all of them to its
end. The cyclic collector runs whenever enough containers have been allocated, and each full
collection walks every object still alive: five of them in such a build, measured at about 0.4 s
of its 2.7 s of CPU, freeing nothing — what the caches hold is data (dicts, lists, strings), which
reference counting frees on its own. So the collector is off while the cache files are read
(:func:`paused`), and what a stage built to keep for the whole build — the loaded caches, the
content index and the address map — is frozen once it is built (:func:`settled`, ``gc.freeze``,
which freezes everything alive at that point: mostly what the build keeps to its end): later
collections walk only what is new. A process that builds again (the tests, the preview server)
unfreezes and collects everything once the build is over (:func:`thawed`); the command line, which
ends right after, leaves it as it is. The collector stays on otherwise: a cold build converts ten thousand texts, whose
cycles it frees (with the collector off for the whole build, a cold build's peak memory grew by
some 40 MB, over the 500 MB its benchmark allows).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside (cache files read into millions of objects that all stay), as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settled() -> None:
    """What is alive now stays for the rest of the build: no later collection walks it."""
    gc.freeze()


def thawed() -> None:
    """After a build in a process that goes on (the tests, the preview server): everything frozen
    is unfrozen and collected once — the build's own cycles, and the garbage a freeze caught with
    what it kept, which the collector would otherwise only reach after many more allocations (a
    next build's loads run with it off, and would freeze it again). ``gc.unfreeze`` applies to the
    whole process: what a caller froze before the build is unfrozen too."""
    gc.unfreeze()
    gc.collect()


def in_forked_worker() -> None:
    """In a worker forked from the build (``parallel.fork_map``): what it inherited is frozen, so
    that its own collections — thousands of conversions — neither walk the build's objects nor
    copy the memory pages that hold them (a collection writes to every object it walks)."""
    gc.freeze()
