"""Stage 7: the output swap — a failed or interrupted build leaves the previous output as it was.

Sites are rendered into a scratch folder beside the output folder (same file system, so the
final step is a rename). Only when every stage passed is each site's folder swapped in;
otherwise the scratch folder is removed and the output folder is never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SCRATCH_PREFIX = ".zhanqun-"


class OutputSwap:
    """A scratch folder for one build, and the swap of its sites into ``final``."""

    def __init__(self, final: Path):
        self.final = final
        final.parent.mkdir(parents=True, exist_ok=True)
        self.clean_leftovers()
        self.scratch = final.parent / f"{SCRATCH_PREFIX}{final.name}-{os.getpid()}"
        if self.scratch.exists():
            shutil.rmtree(self.scratch)
        self.scratch.mkdir()

    def clean_leftovers(self) -> None:
        """Scratch folders of builds that were killed before they could clean up."""
        for old in self.final.parent.glob(f"{SCRATCH_PREFIX}{self.final.name}-*"):
            pid = old.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            shutil.rmtree(old, ignore_errors=True)

    def site_folder(self, site_id: str) -> Path:
        return self.scratch / "sites" / site_id

    def work_folder(self, name: str) -> Path:
        """A folder for intermediate files (staged sources) that never reaches the output."""
        path = self.scratch / "work" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self, site_ids: list[str]) -> None:
        """Swap each built site into ``final/<id>``; other sites already there stay."""
        self.final.mkdir(parents=True, exist_ok=True)
        trash = self.scratch / "previous"
        trash.mkdir(exist_ok=True)
        for site_id in site_ids:
            built = self.site_folder(site_id)
            target = self.final / site_id
            if target.exists():
                os.replace(target, trash / site_id)
            os.replace(built, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
