"""``deploy --to FOLDER``: each built site becomes a new release in ``FOLDER/<id>/`` (``releases.py``).

Before anything is written, each site's output is compared with the manifest its build wrote
(``.zhanqun/manifest.json``): an output edited after the build, or one with no manifest, is
refused. Then the release installer copies what changed, hard-links the rest, verifies every hash
and switches ``current`` atomically.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from ..i18n import _
from ..paths import repository_problem
from .deploy import DeployRequest, DeployUsageError
from .manifest import SiteManifest, read_manifest, verify_files
from .releases import DeployReport, Opener, ReleaseError, destination_problem, install

#: How many differences of an edited output are named before "… and N more".
SHOWN_DIFFERENCES = 5


def check_destination(dest: Path, root: Path, protected: tuple[str, ...], out: Path | None, target: str | None) -> None:
    """:class:`DeployUsageError` when ``dest`` may not be deployed into (see ``destination_problem``),
    or is the repository, inside its sources, the build's output folder, or holds it."""
    reason = repository_problem(dest, root, protected) or destination_problem(dest, target)
    if reason is None and out is not None:
        dest_real, out_real = Path(os.path.realpath(dest)), Path(os.path.realpath(out))
        if dest_real == out_real or out_real in dest_real.parents:
            reason = _("it is inside the build's output folder {out}, which the next build replaces").format(out=out)
        elif dest_real in out_real.parents:
            reason = _("it contains the build's output folder {out}").format(out=out)
    if reason:
        raise DeployUsageError(_("--to {dest}: {reason}").format(dest=dest, reason=reason))


def built_manifest(out: Path, site_id: str, target: str) -> SiteManifest:
    """The manifest of ``out/<id>/``, checked against the files there; :class:`ReleaseError` when
    the site is not built, was built by an older zhanqun, for another target, or edited since."""
    folder = out / site_id
    if not folder.is_dir():
        raise ReleaseError(_("{site}: not built in {out}; run build --target {target} first").format(site=site_id, out=out, target=target))
    manifest = read_manifest(folder)
    if manifest is None:
        raise ReleaseError(_("{site}: {folder} has no readable site manifest (.zhanqun/manifest.json); build it again with this version of zhanqun").format(site=site_id, folder=folder))
    if manifest.site != site_id or manifest.target != target:
        raise ReleaseError(_("{site}: the output in {folder} is the {target_built} build of {site_built}, not the {target} build of {site}").format(
            site=site_id, folder=folder, target_built=manifest.target, site_built=manifest.site, target=target))
    differences = verify_files(folder, manifest)
    if differences:
        shown = "; ".join(differences[:SHOWN_DIFFERENCES])
        more = _(" … and {count} more").format(count=len(differences) - SHOWN_DIFFERENCES) if len(differences) > SHOWN_DIFFERENCES else ""
        raise ReleaseError(_("{site}: the output in {folder} is not what its build wrote (edited afterwards?): {differences}{more}; build again, then deploy (nothing was deployed)").format(
            site=site_id, folder=folder, differences=shown, more=more))
    return manifest


def folder_opener(folder: Path) -> Opener:
    @contextmanager
    def opener(path: str) -> Iterator[BinaryIO]:
        descriptor = os.open(folder / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            yield handle

    return opener


def deploy_to_folder(request: DeployRequest) -> DeployReport:
    """Deploy the built sites of ``request.out`` into the folder ``request.to``."""
    dest = Path(request.to).absolute()
    check_destination(dest, request.root, request.protected, request.out, request.target)
    manifests = [built_manifest(request.out, site_id, request.target) for site_id in request.site_ids]
    sources = [(manifest, folder_opener(request.out / manifest.site)) for manifest in manifests]
    return install(dest, request.target, sources, request.keep)
