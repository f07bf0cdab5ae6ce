"""``deploy``: one entry point that picks the publisher by the scheme of ``--to``.

A folder (no scheme) is published by ``deploy_folder`` as atomic releases; ``s3://bucket/prefix``
by ``deploy_s3`` (a bucket has no atomic switch: see that module). Both take the same
:class:`DeployRequest` and answer with lines whose last is ``deployed: uploaded N, deleted M,
unchanged K``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from ..i18n import _

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
    bucket: BucketOptions = field(default_factory=lambda: BucketOptions())


@dataclass(frozen=True)
class BucketOptions:
    """What only a bucket deploy takes (a folder deploy never deletes a live file: it switches)."""

    max_deletes: int = 256
    allow_many_deletes: bool = False
    dry_run: bool = False
    say: Callable[[str], None] = lambda line: None  # receives the --dry-run plan, line by line
    intranet_bucket: bool = False  # --intranet-bucket: the operator says the bucket is inside the intranet


class Reported(Protocol):
    def lines(self) -> list[str]: ...


Publisher = Callable[[DeployRequest], Reported]


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
        return deploy_to_bucket
    raise DeployUsageError(_("--to {to}: unknown scheme {scheme}://; give a folder or s3://BUCKET/PREFIX").format(to=to, scheme=scheme))


def deploy(request: DeployRequest) -> Reported:
    publisher = publisher_for(request.to)
    _refuse_options_of_the_other_publisher(request)
    _refuse_the_intranet_build_in_a_bucket(request)
    return publisher(request)


def _refuse_the_intranet_build_in_a_bucket(request: DeployRequest) -> None:
    """The intranet build holds internal content, and a bucket is usually on the internet (a cloud
    object store): nothing here can tell where a bucket is, so the operator must say it with
    ``--intranet-bucket``. Without it, a slip of ``--target`` would publish internal content."""
    if scheme_of(request.to) == "s3" and request.target == "intranet" and not request.bucket.intranet_bucket:
        raise DeployUsageError(_("--target intranet --to {to}: the intranet build holds internal content, and a bucket is usually reachable from the internet; "
                                 "deploy it to a folder on an intranet server, or, if this bucket is served inside the intranet only, say so with --intranet-bucket").format(to=request.to))


def _refuse_options_of_the_other_publisher(request: DeployRequest) -> None:
    """An option the chosen publisher has no use for is a usage error, never silently dropped:
    ``--dry-run`` given with a folder would otherwise deploy for real."""
    if scheme_of(request.to) == "":
        given, default = request.bucket, BucketOptions()
        for name, used in (("--dry-run", given.dry_run), ("--allow-many-deletes", given.allow_many_deletes),
                           ("--max-deletes", given.max_deletes != default.max_deletes), ("--intranet-bucket", given.intranet_bucket)):
            if used:
                raise DeployUsageError(_("{option} is for s3:// only; a folder deploy deletes no live file (it switches releases) and has no dry run").format(option=name))
    elif request.keep != DEFAULT_KEEP:
        raise DeployUsageError(_("{option} is for a folder only; a bucket keeps no releases").format(option="--keep"))


def deploy_to_bucket(request: DeployRequest) -> Reported:
    """``--to s3://…``: each site's output checked against its build manifest, then synced."""
    from .deploy_folder import built_manifest
    from .deploy_s3 import DeployError, S3AddressError, deploy_to_s3, parse_s3_address
    from .releases import ReleaseError

    try:
        parse_s3_address(request.to)
    except S3AddressError as exc:
        raise DeployUsageError(_("--to {to}: {reason}").format(to=request.to, reason=exc)) from None
    for site_id in request.site_ids:  # not built, or edited after its build: refused, as for a folder
        built_manifest(request.out, site_id, request.target)
    options = request.bucket
    try:
        result = deploy_to_s3(request.out, request.target, request.site_ids, request.to, max_deletes=options.max_deletes,
                              allow_many_deletes=options.allow_many_deletes, dry_run=options.dry_run, say=options.say)
    except DeployError as exc:
        raise ReleaseError(str(exc)) from None
    return result
