"""Progress display: a live line on a terminal, silence in CI unless asked (``-v``).

:data:`Progress` is the callback the pipeline reports rendered sites to; ``build.py`` makes one
with :func:`make_progress`.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from .i18n import _

Progress = Callable[[str, int, int], None]  # (message, done, total)


@contextmanager
def make_progress(verbose: int) -> Iterator[Progress | None]:
    """Yield a progress callback, or ``None`` when nothing should be shown."""
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    if not interactive and not verbose:
        yield None
        return
    if not interactive:
        yield lambda message, done, total: print(f"[{done}/{total}] {message}", file=sys.stderr)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task(_("rendering"), total=None)

        def update(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total)

        yield update
