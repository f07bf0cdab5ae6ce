"""``check --out DIR``: the output checks over the combined output of a sharded build.

A CI matrix builds a big cluster in shards (``build --shard I/N``), each runner a share of the
sites, and each runner can check its own sites' links only against the *predicted* files of the
sites of other shards (``links/link_check.SiteFiles.planned``): their real output is on another
runner. Once the shards' outputs are copied into one folder, this module checks what that folder
really holds, before anything is deployed from it:

- the folder is a zhanqun output of the target asked for (its marker, else its sites' manifests,
  name the target): anything else is a usage error, since no check of it would mean anything;
- every selected site is there, with a manifest (``publish/manifest.py``) that names the site and
  the target and matches its files byte for byte (nothing lost or changed in the copy);
- every site was built from the same commit, the one checked out here: shards of different commits
  make a cluster whose links were never checked together;
- every site has its search bundle's entry file, which the portal's cluster search fetches from
  each site in the browser (there is no combined index to build or check);
- then the link check (``links/link_check.py``) runs over every page of the selected sites, against
  the real files of every site, cross-site links included (done by the caller, ``pipeline``).

The leak gate is not run again: each shard's build ran it over its own sites' output against the
traces of the whole content index, and the manifest check proves the files are those it passed.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from ..errors import Problems, shown_path
from ..i18n import _
from ..paths import OUTPUT_MARKER, ZHANQUN_FOLDER, marked_target
from .manifest import SiteManifest, file_differences, read_manifest
from .search import BUNDLE

#: The file of a site's search bundle the portal's cluster search asks every site for first.
SEARCH_ENTRY = f"{BUNDLE}/pagefind-entry.json"


class NotAnOutput(ValueError):
    """The folder given to ``check --out`` is no zhanqun output of the target: a usage error."""


def output_target(out: Path, site_ids: Collection[str]) -> str | None:
    """The target whose build ``out`` holds: its marker's, else the one the manifests of its
    sites agree on (a copy that dropped the marker file), else ``None``. Only a folder named as a
    site of the cluster (``site_ids``), whose manifest names that site, counts: any folder that
    happens to hold a build of something (``/tmp`` with an earlier build somewhere below) is no
    output of this cluster."""
    marked = marked_target(out)
    if marked:
        return marked
    manifests = ((child.name, read_manifest(child)) for child in _site_folders(out) if child.name in site_ids)
    targets = {manifest.target for name, manifest in manifests if manifest and manifest.site == name}
    return targets.pop() if len(targets) == 1 else None


def check_output_folder(out: Path, target: str, site_ids: Collection[str]) -> None:
    """:class:`NotAnOutput` unless ``out`` is a folder holding a zhanqun build of ``target`` of
    the cluster whose sites are ``site_ids``."""
    if not out.is_dir():
        raise NotAnOutput(_("--out {out}: no such folder").format(out=out))
    found = output_target(out, site_ids)
    if found is None:
        raise NotAnOutput(
            _("--out {out}: not a zhanqun output folder (no {marker} file and no site with a manifest, .zhanqun/manifest.json, in it)").format(
                out=out, marker=OUTPUT_MARKER
            )
        )
    if found != target:
        raise NotAnOutput(
            _("--out {out} holds the {found} build, not the {target} build; check it with --target {found}").format(out=out, found=found, target=target)
        )


def _site_folders(out: Path) -> list[Path]:
    return sorted(child for child in out.iterdir() if child.is_dir() and not child.is_symlink() and not child.name.startswith("."))


def check_site_outputs(out: Path, site_ids: list[str], all_ids: list[str], target: str, commit: str | None, root: Path, problems: Problems) -> list[str]:
    """Check each selected site's folder in ``out`` (present, manifest intact, same commit, search
    bundle); returns the ids of the sites whose folder is there and is this site's build for this
    target (the link check reads their pages)."""
    present = []
    commits: dict[str, list[str]] = {}
    for site_id in site_ids:
        folder = out / site_id
        shown = shown_path(folder, root)
        if not folder.is_dir() or folder.is_symlink():
            problems.add(shown, None, "missing-site", _("site '{site}' is not in the combined output; was its shard built and copied in?").format(site=site_id))
            continue
        present.append(site_id)
        manifest = read_manifest(folder)
        if manifest is None:
            problems.add(f"{shown}/{ZHANQUN_FOLDER}/manifest.json", None, "manifest-missing", _("no readable site manifest: this folder was not written by a build of this zhanqun (build the site again)"))
            continue
        if not _manifest_names(manifest, site_id, target, shown, problems):
            present.remove(site_id)  # another site's or target's build: its pages' links would only bury this error
            continue
        for path, what in file_differences(folder, manifest):
            problems.add(f"{shown}/{path}", None, "output-changed", _("{what}; the combined output is not what the shard's build wrote (copied incompletely, or edited?)").format(what=what))
        if manifest.commit:
            commits.setdefault(manifest.commit, []).append(site_id)
        if SEARCH_ENTRY not in manifest.by_path():
            problems.add(f"{shown}/{SEARCH_ENTRY}", None, "search-missing", _("the site has no search bundle, which the portal's cluster search fetches from every site (build it again)"))
    _check_commits(out, commits, commit, root, problems)
    for folder in _site_folders(out):
        if folder.name not in all_ids:
            problems.warn(shown_path(folder, root), None, "unknown-site-folder", _("'{name}' is no site of the cluster; it was not checked and is not deployed").format(name=folder.name))
    return present


def _manifest_names(manifest: SiteManifest, site_id: str, target: str, shown: str, problems: Problems) -> bool:
    if manifest.site == site_id and manifest.target == target:
        return True
    problems.add(
        f"{shown}/{ZHANQUN_FOLDER}/manifest.json",
        None,
        "manifest-mismatch",
        _("this folder holds the {target_built} build of '{site_built}', not the {target} build of '{site}'").format(
            target_built=manifest.target, site_built=manifest.site, target=target, site=site_id
        ),
    )
    return False


def _check_commits(out: Path, commits: dict[str, list[str]], head: str | None, root: Path, problems: Problems) -> None:
    """Every site of the combined output built from one commit, the checkout's when it has one."""
    if not commits:
        return
    expected = head or max(commits, key=lambda c: (len(commits[c]), c))
    for commit, sites in sorted(commits.items()):
        if commit == expected:
            continue
        against = _("this checkout's commit {head}").format(head=expected[:12]) if head else _("commit {other}, which most sites were built from").format(other=expected[:12])
        for site_id in sites:
            problems.add(
                shown_path(out / site_id, root),
                None,
                "commit-mismatch",
                _("built from commit {commit}, not {against}: build every shard from the same commit").format(commit=commit[:12], against=against),
            )
