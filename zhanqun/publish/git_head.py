"""The commit a build was made from: the repository's git HEAD, read from ``.git`` without git.

Read from the files git keeps (``HEAD``, the ref it names, ``packed-refs``; a worktree's ``.git``
file and ``commondir``), so a build spawns no process per site and needs no git installed. ``None``
when the repository is not a git checkout, or HEAD names a branch with no commit yet.

:func:`sources_changed` is the one exception, for ``bundle`` only: whether the working tree's
sources differ from that commit needs git's index, which is not worth reading without git, so it
runs ``git status`` once when a ``git`` executable is there (and answers ``None`` otherwise).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

_HEX = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
#: The folders whose uncommitted changes make a build something else than its commit.
SOURCE_FOLDERS = ("content", "sites", "themes")
#: What ``bundle`` appends to the commit of a working tree with uncommitted changes in them.
DIRTY_SUFFIX = "+dirty"


def _git_folder(root: Path) -> Path | None:
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
        text = _read(dot_git)
        if text and text.startswith("gitdir:"):
            folder = Path(text[len("gitdir:") :].strip())
            folder = folder if folder.is_absolute() else root / folder
            return folder if folder.is_dir() else None
    return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def head_commit(root: Path) -> str | None:
    """The commit (hex) HEAD of the repository at ``root`` points to, or ``None``."""
    git = _git_folder(root)
    if git is None:
        return None
    head = _read(git / "HEAD")
    if not head:
        return None
    if _HEX.fullmatch(head):
        return head  # detached
    if not head.startswith("ref:"):
        return None
    ref = head[len("ref:") :].strip()
    common = _read(git / "commondir")
    folders = [git]
    if common:
        shared = Path(common) if Path(common).is_absolute() else git / common
        folders.append(shared)
    for _hop in range(5):  # a symbolic ref may name another ref
        for folder in folders:
            value = _read(folder / ref)
            if value and _HEX.fullmatch(value):
                return value
            if value and value.startswith("ref:"):
                ref = value[len("ref:") :].strip()
                break
        else:
            return _packed(folders, ref)
    return None


def _packed(folders: list[Path], ref: str) -> str | None:
    for folder in folders:
        text = _read(folder / "packed-refs") or ""
        for line in text.splitlines():
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1] == ref and _HEX.fullmatch(parts[0]):
                return parts[0]
    return None


def sources_changed(root: Path) -> bool | None:
    """Whether tracked files under :data:`SOURCE_FOLDERS` have uncommitted changes (``git status
    --porcelain --untracked-files=no``, run once); ``None`` when there is no ``git`` executable or
    it cannot tell (not a repository, a repository git refuses, a git that hangs)."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--", *SOURCE_FOLDERS],
                              capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return bool(done.stdout.strip())


def bundle_commit(root: Path) -> tuple[str | None, bool]:
    """The commit a bundle records: HEAD, as ``<sha>+dirty`` when git reports uncommitted changes
    to the sources (so the record never claims a commit the sites were not built from); and
    whether it is dirty. Without git, or without a commit, HEAD as it is."""
    commit = head_commit(root)
    if commit is None or not sources_changed(root):
        return commit, False
    return commit + DIRTY_SUFFIX, True
