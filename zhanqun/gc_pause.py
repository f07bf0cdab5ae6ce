"""What Python's cyclic garbage collector walks during a build: not the caches it loaded.

A build after one edit loads some 30 MB of cache files into a few million small objects (the
items, the finished texts, the memos, the records of files) and keeps nearly all of them to its
end. The cyclic collector runs whenever enough containers have been allocated, and each full
collection walks every object still alive: five of them in such a build, measured at about 0.4 s
of its 2.7 s of CPU, freeing nothing — what the caches hold is data (dicts, lists, strings), which
reference counting frees on its own. So the collector is off while the cache files are read
(:func:`paused`), and what a stage built to keep for the whole build — the loaded caches, the
content index and the address map — is frozen once it is built (:func:`settled`, ``gc.freeze``):
later collections walk only what is new. Frozen objects are unfrozen when the build ends
(:func:`unfrozen_after`), so a process that builds again (the tests, the preview server) collects
them as usual; the command line, which ends right after, leaves them as they are. The collector stays on otherwise: a cold build converts ten thousand texts, whose
cycles it frees (with the collector off for the whole build, a cold build's peak memory grew by
some 40 MB, over the 500 MB its benchmark allows).
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager
from typing import Callable, Iterator, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


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


def unfrozen_after(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, after which everything :func:`settled` froze is collectable again — unless it
    was called with ``kept`` (the command line, which holds what the build made until the process
    ends: a collection would only walk it all once more)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            if kwargs.get("kept") is None:
                gc.unfreeze()

    return run


def in_forked_worker() -> None:
    """In a worker forked from the build (``parallel.fork_map``): what it inherited is frozen, so
    that its own collections — thousands of conversions — neither walk the build's objects nor
    copy the memory pages that hold them (a collection writes to every object it walks)."""
    gc.freeze()
