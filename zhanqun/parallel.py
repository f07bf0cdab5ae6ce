"""Pure work spread over forked processes: the cold build's thousands of conversions.

Reading and checking ten thousand sources, or finishing their HTML, is the same pure function
applied to each, one after another on one core while the other waits. :func:`fork_map` runs it
in forked copies of this process instead (they share everything already loaded, and return only
values); the caller then takes the results in its usual order, so what is reported, cached and
written does not depend on how many processes did the work. Where ``fork`` does not exist
(macOS's default is ``spawn``, Windows has neither) or the work is small, nothing is forked.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence, TypeVar

from .gc_pause import in_forked_worker

T = TypeVar("T")
R = TypeVar("R")

#: Below this many inputs, starting processes costs more than it saves.
AT_LEAST = 200


def fork_map(function: Callable[[T], R], inputs: Sequence[T], workers: int, at_least: int = AT_LEAST) -> list[R] | None:
    """``[function(x) for x in inputs]`` computed by ``workers`` forked processes, in order; ``None``
    when it was not worth forking (too few inputs, one worker, no ``fork``) or a worker died (killed,
    out of memory): the caller then computes what it needs itself.

    ``function`` runs in a child that ignores Ctrl-C and SIGTERM (they reach the whole process
    group; this process decides): here they stop every child at once, not after the queue.
    """
    if workers < 2 or len(inputs) < at_least or "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    try:
        results = list(pool.map(function, inputs, chunksize=max(1, min(64, len(inputs) // (workers * 4)))))
    except BrokenProcessPool:
        pool.shutdown(wait=False)
        return None
    except BaseException:  # Ctrl-C, SIGTERM in this process: stop now
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public API before 3.14
            process.kill()
        raise
    pool.shutdown(wait=True)
    return results


def forget_in_child(cache: Any) -> None:
    """In a forked worker: drop what ``cache`` (a ``RenderCache``) remembered of the last input. A
    worker's cache is a copy nobody reads back (only the returned values count), so keeping every
    text it converted would only grow the worker with the cluster — 100,000 texts at a time."""
    cache.entries.clear()
    cache.used.clear()


def _start_worker() -> None:
    """In each worker: signals left to the parent; what it inherited frozen (``gc_pause.py``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    in_forked_worker()
