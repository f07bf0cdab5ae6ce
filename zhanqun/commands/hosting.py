"""``deploy``, ``rollback``, ``keygen``, ``bundle``, ``apply``: what ``build.py`` calls to put built
sites on a server. The engine is in ``publish/`` (``releases.py`` the release installer,
``deploy.py`` the choice of publisher, ``deploy_folder.py``, ``bundle.py``, ``signing.py``); this
module reads the site files to know the sites and hands the repository's protected folders on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..config.sites import load_cluster
from ..errors import Problems
from ..i18n import _
from ..paths import repository_problem
from ..pipeline import PROTECTED_FOLDERS, UsageError
from ..publish.bundle import BUNDLE_SUFFIXES, BundleManifest, apply_bundle, write_bundle
from ..publish.deploy import BucketOptions, DeployRequest, DeployUsageError, Reported, deploy
from ..publish.deploy_folder import built_manifest, check_destination
from ..publish.git_head import SOURCE_FOLDERS, bundle_commit
from ..publish.releases import DeployReport, ReleaseError, RolledBack, rollback
from ..publish.signing import KeyExists, generate_key
from .listing import site_ids_given


def cluster_sites(root: Path, names: list[str]) -> list[str]:
    """The sites ``names`` name (ids or Chinese names), or every site of the cluster, in its order."""
    problems = Problems()
    cluster = load_cluster(root, problems)
    if problems.has_errors():
        raise ReleaseError(_("the site files have errors; run check, fix them, build, then deploy"))
    if not names:
        return list(cluster.ids)
    wanted = set(site_ids_given(root, names))
    return [site_id for site_id in cluster.ids if site_id in wanted]


def run_deploy(root: Path, target: str, out: Path | None, to: str, keep: int, names: list[str], bucket: BucketOptions | None = None) -> Reported:
    """``deploy``: every built site (or the named ones) of ``target`` to ``to`` (a folder or ``s3://``)."""
    request = DeployRequest(root, out or root / "output" / target, target, cluster_sites(root, names), to, keep, PROTECTED_FOLDERS, bucket or BucketOptions())
    try:
        return deploy(request)
    except DeployUsageError as exc:
        raise UsageError(str(exc)) from None


def run_rollback(root: Path, to: Path, names: list[str]) -> list[RolledBack]:
    """``rollback``: the named sites (default all in ``to``) back to their previous release. A
    ``--to`` that does not exist is a mistyped path (a usage error), not a folder with no sites."""
    if not os.path.lexists(to):
        raise UsageError(_("--to {dest}: no such folder; give the folder deploy wrote to").format(dest=to.absolute()))
    site_ids = site_ids_given(root, names) if names else []
    return rollback(to.absolute(), site_ids)


def _cluster(root: Path) -> tuple[dict[str, str], list[str]]:
    """The cluster's identity (its portal's id and name) and its site ids."""
    problems = Problems()
    cluster = load_cluster(root, problems)
    if problems.has_errors() or not cluster.sites:
        raise ReleaseError(_("the site files have errors; run check, fix them, build, then bundle"))
    portal = next((site for site in cluster.sites if site.kind == "portal"), cluster.sites[0])
    return {"id": portal.id, "name": portal.name}, list(cluster.ids)


def run_keygen(root: Path, key: Path) -> str:
    """``keygen``: a new key pair; returns its id. Never inside the repository: whatever lies in the
    checkout is one ``git add -A`` away from every clone of it, and the secret key signs what the
    intranet installs."""
    key = key.absolute()
    root_real = Path(os.path.realpath(root))
    if root_real in Path(os.path.realpath(key)).parents:
        raise UsageError(_("--out {path}: it is inside the repository {root}, where a commit would hand the secret key to everyone with a clone; keep it outside it (for example ~/.config/zhanqun/zhanqun-bundle)").format(path=key, root=root))
    try:
        return generate_key(key)
    except KeyExists as exc:  # a path that must not be used, as one inside the repository: the command line's mistake
        raise UsageError(str(exc)) from None


def run_bundle(root: Path, target: str, out: Path | None, key: Path, to: Path, sequence: int | None, since: Path | None = None,
               warn: Callable[[str], None] = lambda line: None) -> tuple[BundleManifest, int]:
    """``bundle``: every site of ``target`` as built in ``out``, signed, into the file ``to``. The
    commit recorded is ``<sha>+dirty`` when git reports uncommitted changes to the sources (``warn``
    is told so)."""
    out = out or root / "output" / target
    to = to.absolute()
    if not to.name.endswith(BUNDLE_SUFFIXES):
        raise UsageError(_("--to {path}: a bundle is a .tar, .tar.gz or .tgz file").format(path=to))
    reason = repository_problem(to, root, PROTECTED_FOLDERS)
    out_real = Path(os.path.realpath(out))
    if reason is None and (out_real == Path(os.path.realpath(to)) or out_real in Path(os.path.realpath(to)).parents):
        reason = _("it is inside the build's output folder {out}").format(out=out)
    if reason:
        raise UsageError(_("--to {path}: {reason}").format(path=to, reason=reason))
    cluster, site_ids = _cluster(root)
    manifests = {site_id: built_manifest(out, site_id, target) for site_id in site_ids}
    folders = {site_id: out / site_id for site_id in site_ids}
    commit, dirty = bundle_commit(root)
    if dirty:
        warn(_("warning: the working tree has uncommitted changes in {folders}; the bundle records the commit as {commit}").format(
            folders=", ".join(SOURCE_FOLDERS), commit=commit))
    return write_bundle(manifests, folders, cluster, target, commit, key.absolute(), sequence, to, since.absolute() if since else None)


def run_apply(root: Path, bundle: Path, dest: Path, trust: Path, keep: int) -> tuple[BundleManifest, DeployReport]:
    """``apply``: verify the bundle against the trusted key, then install it into ``dest``."""
    dest = dest.absolute()
    try:
        check_destination(dest, root, PROTECTED_FOLDERS, None, None)
    except DeployUsageError as exc:
        raise UsageError(str(exc)) from None
    return apply_bundle(bundle.absolute(), trust.absolute(), dest, keep)
