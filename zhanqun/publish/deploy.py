"""``deploy``: one entry point that picks the publisher by the scheme of ``--to``.

A folder (no scheme) is published by ``deploy_folder``; another publisher (``s3://``) slots in
here, in :func:`publisher_for`, taking the same :class:`DeployRequest` and answering with the same
:class:`~.releases.DeployReport` (its last line ``deployed: uploaded N, deleted M, unchanged K``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..i18n import _
from .releases import DeployReport

#: Releases kept per site by default (the current one and the one before it are always kept).
DEFAULT_KEEP = 5
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


class DeployUsageError(Exception):
    """A ``--to`` (or other option) that cannot be deployed to: a usage error, exit status 2."""


@dataclass(frozen=True)
class DeployRequest:
    root: Path  # the repository
    out: Path  # the build's output folder (output/<target>/ by default)
    target: str
    site_ids: list[str]  # the sites to deploy, in cluster order
    to: str  # as given: a folder, or scheme://…
    keep: int = DEFAULT_KEEP
    protected: tuple[str, ...] = ()  # the repository's folders nothing is deployed into


Publisher = Callable[[DeployRequest], DeployReport]


def scheme_of(to: str) -> str:
    """``s3`` for ``s3://bucket/prefix``; ``''`` for a folder."""
    match = _SCHEME.match(to)
    return match.group(1).lower() if match else ""


def publisher_for(to: str) -> Publisher:
    """The publisher ``--to`` names by its scheme."""
    scheme = scheme_of(to)
    if scheme == "":
        from .deploy_folder import deploy_to_folder

        return deploy_to_folder
    if scheme == "s3":
        raise DeployUsageError(_("--to {to}: deploying to a bucket (s3://) is not supported yet; deploy to a folder").format(to=to))
    raise DeployUsageError(_("--to {to}: unknown scheme {scheme}://; give a folder").format(to=to, scheme=scheme))


def deploy(request: DeployRequest) -> DeployReport:
    return publisher_for(request.to)(request)
