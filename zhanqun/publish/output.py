"""Stage 7: the output swap — a failed or interrupted build leaves the previous output as it was.

Sites are rendered into a scratch folder beside the output folder (same file system, so the
final step is a rename). Only when every stage passed is each site's folder swapped in;
otherwise the scratch folder is removed and the output folder is never touched.

The swap itself is all or nothing: if a rename fails (a full disk, a permission) every site
already swapped is put back; SIGINT and SIGTERM wait until the swap is over
(:class:`InterruptGuard`); and a build killed outright (SIGKILL, power loss) mid-swap is
repaired by the next build, which puts the previous output back from the dead build's scratch
folder before removing it.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Iterator, Sequence

from ..paths import make_folder, mark_output_folder, move, remove

SCRATCH_PREFIX = ".zhanqun-"


class OutputSwap:
    """A scratch folder for one build, and the swap of its sites into ``final``."""

    def __init__(self, final: Path, target: str):
        self.final = final
        self.target = target
        make_folder(final.parent)
        self.clean_leftovers()
        name = f"{SCRATCH_PREFIX}{final.name}-{os.getpid()}"
        remove(final.parent, name)
        self.scratch = make_folder(final.parent, name)

    def clean_leftovers(self) -> None:
        """Scratch folders of builds that were killed before they could clean up."""
        for old in self.final.parent.glob(f"{SCRATCH_PREFIX}{self.final.name}-*"):
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            previous = old / "previous"
            if previous.is_dir():  # killed mid-swap: put back what it had moved aside
                for site in previous.iterdir():
                    if not (self.final / site.name).exists():
                        move(previous, site.name, self.final, site.name)
            remove(self.final.parent, old.name)

    def site_folder(self, site_id: str) -> Path:
        return self.scratch / "sites" / site_id

    def work_folder(self, name: str) -> Path:
        """A folder for intermediate files (staged sources) that never reaches the output."""
        return make_folder(self.scratch, f"work/{name}")

    def commit(self, site_ids: list[str], dropped: Sequence[str] = ()) -> None:
        """Swap each built site into ``final/<id>`` and take each of ``dropped`` out of ``final``,
        all or none; other sites already there stay. ``dropped``: the site folders the output must
        no longer hold (``pipeline.sites_taken_out``: other shares', sites the cluster lost)."""
        make_folder(self.final)
        mark_output_folder(self.final, self.target)
        trash = make_folder(self.scratch, "previous")
        built = self.scratch / "sites"
        swapped: list[str] = []
        taken: list[str] = []
        try:
            for site_id in site_ids:
                if (self.final / site_id).exists():
                    move(self.final, site_id, trash, site_id)
                swapped.append(site_id)
                move(built, site_id, self.final, site_id)
            for site_id in dropped:
                if (self.final / site_id).exists() or (self.final / site_id).is_symlink():
                    taken.append(site_id)
                    move(self.final, site_id, trash, site_id)
        except BaseException:
            self._roll_back(swapped, taken, trash)
            raise
        self.discard()

    def _roll_back(self, swapped: list[str], taken: list[str], trash: Path) -> None:
        """Undo a partial swap: each site taken out put back, each new site back to the scratch
        folder, each previous one back."""
        built = self.scratch / "sites"
        for site_id in reversed(taken):
            if (trash / site_id).exists() or (trash / site_id).is_symlink():
                move(trash, site_id, self.final, site_id)
        for site_id in reversed(swapped):
            if (self.final / site_id).exists() and not (built / site_id).exists():
                move(self.final, site_id, built, site_id)
            if (trash / site_id).exists():
                move(trash, site_id, self.final, site_id)

    def discard(self) -> None:
        remove(self.scratch.parent, self.scratch.name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived during a build; raised in the main thread, once."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


class InterruptGuard:
    """Turns SIGINT and SIGTERM into :class:`Interrupted`, and holds them off during the swap.

    Only the first signal raises: a second Ctrl-C while the build cleans up is ignored, so the
    cleanup (removing the scratch folder) always finishes.
    """

    def __init__(self) -> None:
        self.deferring = False
        self.pending: str | None = None
        self.raised = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.raised:
            return
        if self.deferring:
            self.pending = self.pending or name
            return
        self.raised = True
        raise Interrupted(name)

    @contextmanager
    def critical(self) -> Iterator[None]:
        """Signals that arrive inside are acted on when it ends (if it ends without an error)."""
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
        if self.pending and not self.raised:
            self.raised = True
            raise Interrupted(self.pending)


@contextmanager
def interrupt_guard() -> Iterator[InterruptGuard]:
    """Install the guard's handlers for the duration (main thread only; elsewhere a no-op guard)."""
    guard = InterruptGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, guard.handle) for sig in signals}
    try:
        yield guard
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
