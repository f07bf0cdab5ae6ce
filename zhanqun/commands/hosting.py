"""``deploy``, ``rollback``, ``keygen``, ``bundle``, ``apply``: what ``build.py`` calls to put built
sites on a server. The engine is in ``publish/`` (``releases.py`` the release installer,
``deploy.py`` the choice of publisher, ``deploy_folder.py``, ``bundle.py``, ``signing.py``); this
module reads the site files to know the sites and hands the repository's protected folders on.
"""

from __future__ import annotations

from pathlib import Path

from ..config.sites import load_cluster
from ..errors import Problems
from ..i18n import _
from ..pipeline import PROTECTED_FOLDERS, UsageError
from ..publish.deploy import DeployRequest, DeployUsageError, deploy
from ..publish.releases import DeployReport, ReleaseError, RolledBack, rollback
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


def run_deploy(root: Path, target: str, out: Path | None, to: str, keep: int, names: list[str]) -> DeployReport:
    """``deploy``: every built site (or the named ones) of ``target`` to ``to``."""
    request = DeployRequest(root, out or root / "output" / target, target, cluster_sites(root, names), to, keep, PROTECTED_FOLDERS)
    try:
        return deploy(request)
    except DeployUsageError as exc:
        raise UsageError(str(exc)) from None


def run_rollback(root: Path, to: Path, names: list[str]) -> list[RolledBack]:
    """``rollback``: the named sites (default all in ``to``) back to their previous release."""
    site_ids = site_ids_given(root, names) if names else []
    return rollback(to.absolute(), site_ids)
