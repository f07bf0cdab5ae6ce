"""The deploy layout of CONTEXT's contract, laid out by hand for the hosting tests.

``DEST/<id>/releases/000001/`` holds a copy of the built site with a ``.gz`` beside every text file
(level 9, mtime 0, no name: reproducible), ``DEST/<id>/current`` is a relative link to it. Until
``deploy --to DIR`` is on main this stands in for it; at the merge the fixtures call the real
``deploy`` instead (one function to switch: :func:`lay_out`).
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

#: Suffixes deploy compresses for nginx's gzip_static.
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}


def lay_out(built: Path, dest: Path, release: str = "000001") -> list[str]:
    """Every site folder of ``built`` (an output folder) as one release under ``dest``; returns the ids."""
    ids = []
    for site in sorted(p for p in built.iterdir() if p.is_dir() and not p.name.startswith(".")):
        folder = dest / site.name / "releases" / release
        shutil.copytree(site, folder)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
        link = dest / site.name / "current"
        os.symlink(f"releases/{release}", link)
        ids.append(site.name)
    return ids
