"""``deploy --to s3://bucket/prefix``: a target's built sites into an S3 bucket (or any S3 API).

Each site goes under ``prefix/<id>/``. What to send is decided by our own SHA-256 of each file,
kept in the object's metadata (``x-amz-meta-zhanqun-sha256``), never by the ETag, which is no
hash of the bytes for multipart or KMS-encrypted objects (hugo, s3cmd and gatsby-plugin-s3 all
learnt this). An object is also sent again when its ``Content-Type`` or ``Cache-Control`` is not
what :mod:`zhanqun.publish.cache_policy` says (a policy change reaches every object), so a
second deploy of the same build sends nothing.

A bucket has no atomic switch: S3 replaces one key at a time. So the order narrows the window in
which a reader sees a mix: assets first (a new page never names a stylesheet not there yet), the
pages after them, deletions last and only when every upload succeeded. Deleting more than
``max_deletes`` objects in one deploy is refused before anything is sent — a wrong prefix or an
empty build would otherwise empty a live site — unless the operator says the deletions are meant.

The client is boto3's, configured the usual way (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL`` for a bucket that is not Amazon's — MinIO, a 政务云
OSS): zhanqun reads no credentials itself.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..i18n import _
from ..paths import marked_target
from .cache_policy import REVALIDATE, cache_control, content_type

#: The metadata key of our hash (boto3 lower-cases names; S3 sends ``x-amz-meta-zhanqun-sha256``).
SHA256_KEY = "zhanqun-sha256"
DEFAULT_MAX_DELETES = 256
#: Requests in flight at once (boto3's clients are thread-safe).
WORKERS = 8
#: What is never published as a site's file: the build's manifest.
_PRIVATE = ".zhanqun/"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_INSTALL_HINT = "python -m pip install boto3"


class DeployError(Exception):
    """Why the deploy stopped (the bucket unchanged unless the message says otherwise)."""


class S3AddressError(ValueError):
    """A ``--to s3://…`` the command line should refuse as a usage error."""


@dataclass(frozen=True)
class S3Address:
    bucket: str
    prefix: str  # without slashes at either end; "" for the bucket's top

    def key(self, site_id: str, path: str) -> str:
        return "/".join(part for part in (self.prefix, site_id, path) if part)

    def site_prefix(self, site_id: str) -> str:
        return self.key(site_id, "") + "/"


def parse_s3_address(text: str) -> S3Address:
    """``s3://bucket/some/prefix`` → bucket and prefix; :class:`S3AddressError` when it is not one."""
    if not text.startswith("s3://"):
        raise S3AddressError(_("{url!r} is not an s3://bucket/prefix address").format(url=text))
    bucket, _slash, prefix = text[len("s3://") :].partition("/")
    prefix = prefix.strip("/")
    if not _BUCKET.match(bucket):
        raise S3AddressError(_("{url!r}: {bucket!r} is not a bucket name (3–63 lower-case letters, digits, dots, hyphens)").format(url=text, bucket=bucket))
    if any(segment in ("", ".", "..") for segment in prefix.split("/")) and prefix:
        raise S3AddressError(_("{url!r}: the prefix may not hold empty, '.' or '..' parts").format(url=text))
    return S3Address(bucket, prefix)


@dataclass(frozen=True)
class LocalFile:
    site_id: str
    path: str  # posix, relative to the site's folder
    file: Path
    sha256: str
    size: int

    @property
    def url_path(self) -> str:
        return "/" + self.path

    @property
    def is_page(self) -> bool:
        """Pages and what lists them go after the assets they name."""
        return cache_control(self.url_path) == REVALIDATE


@dataclass
class S3Plan:
    """What a deploy does, in order: assets, pages, then deletions (keys)."""

    address: S3Address
    assets: list[LocalFile] = field(default_factory=list)
    pages: list[LocalFile] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def uploads(self) -> list[LocalFile]:
        return self.assets + self.pages

    def lines(self) -> list[str]:
        """The plan as ``--dry-run`` prints it: one line per change, in the order it would happen."""
        shown = [_("upload s3://{bucket}/{key}").format(bucket=self.address.bucket, key=self.address.key(f.site_id, f.path)) for f in self.uploads]
        shown += [_("delete s3://{bucket}/{key}").format(bucket=self.address.bucket, key=key) for key in self.deletes]
        return shown


@dataclass(frozen=True)
class S3Result:
    uploaded: int
    deleted: int
    unchanged: int
    dry_run: bool = False

    def lines(self) -> list[str]:
        """What ``deploy`` prints at the end (the ``--dry-run`` plan was said as it was made)."""
        return [self.summary()]

    def summary(self) -> str:
        """The last line the command prints."""
        if self.dry_run:
            return _("dry run: would upload {uploaded}, delete {deleted}; unchanged {unchanged}").format(uploaded=self.uploaded, deleted=self.deleted, unchanged=self.unchanged)
        return _("deployed: uploaded {uploaded}, deleted {deleted}, unchanged {unchanged}").format(uploaded=self.uploaded, deleted=self.deleted, unchanged=self.unchanged)


def s3_client() -> Any:
    """boto3's S3 client from the usual environment; :class:`DeployError` saying how to install it."""
    try:
        import boto3
    except ImportError:
        raise DeployError(_("deploying to a bucket needs boto3, which is not installed: {command}").format(command=_INSTALL_HINT)) from None
    return boto3.client("s3")


def deploy_to_s3(
    output: Path,
    target: str,
    site_ids: list[str],
    to: str,
    *,
    max_deletes: int = DEFAULT_MAX_DELETES,
    allow_many_deletes: bool = False,
    dry_run: bool = False,
    client: Any = None,
    say: Callable[[str], None] = lambda line: None,
) -> S3Result:
    """Deploy the sites ``site_ids`` (all built ones when empty) of ``output`` (a build of ``target``) to ``to``.

    The entry point the ``deploy`` command calls for an ``s3://`` destination. Raises
    :class:`S3AddressError` for a bad address (a usage error) and :class:`DeployError` for
    anything that stops the deploy (exit status 1); ``say`` receives the ``--dry-run`` plan.
    """
    address = parse_s3_address(to)
    sites = _sites_to_deploy(output, target, site_ids)
    client = client if client is not None else s3_client()
    errors = _client_errors()
    try:
        plan = plan_deploy(client, address, output, sites)
        if len(plan.deletes) > max_deletes and not allow_many_deletes:
            raise DeployError(
                _("this deploy would delete {count} objects under s3://{bucket}/{prefix}, more than --max-deletes {limit}; nothing was changed. "
                  "Check the build and the address; if the deletions are meant, add --allow-many-deletes").format(
                    count=len(plan.deletes), bucket=address.bucket, prefix=address.prefix, limit=max_deletes
                )
            )
        if dry_run:
            for line in plan.lines():
                say(line)
            return S3Result(len(plan.uploads), len(plan.deletes), plan.unchanged, dry_run=True)
        for group in (plan.assets, plan.pages):  # every asset is in place before the first page that names it
            _parallel(lambda f: _upload(client, address, f), group)
        for start in range(0, len(plan.deletes), 1000):  # DeleteObjects takes at most 1000 keys
            _delete(client, address.bucket, plan.deletes[start : start + 1000])
    except errors as exc:
        raise DeployError(_("s3://{bucket}: {reason}").format(bucket=address.bucket, reason=_describe(exc))) from None
    return S3Result(len(plan.uploads), len(plan.deletes), plan.unchanged)


def _sites_to_deploy(output: Path, target: str, site_ids: list[str]) -> list[str]:
    made_for = marked_target(output)
    if made_for != target:
        raise DeployError(
            _("{output} holds no {target} build (build it first: python build.py build --target {target})").format(output=output, target=target)
            if made_for is None
            else _("{output} holds the {made_for} build, not the {target} build").format(output=output, made_for=made_for, target=target)
        )
    built = sorted(p.name for p in output.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    missing = [s for s in site_ids if s not in built]
    if missing:
        raise DeployError(_("{output} has no folder for {sites}; build them first").format(output=output, sites=", ".join(missing)))
    return sorted(site_ids) if site_ids else built


def local_files(output: Path, site_id: str) -> list[LocalFile]:
    """Every file of a site's folder, sorted, without ``.zhanqun/``; a symbolic link is refused."""
    folder = output / site_id
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel == ".zhanqun" or rel.startswith(_PRIVATE):
            continue
        if path.is_symlink():
            raise DeployError(_("{path} is a symbolic link; a build writes none, so this output was changed by hand").format(path=path))
        if path.is_file():
            with path.open("rb") as handle:  # read in blocks: an attachment may be a large video
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            files.append(LocalFile(site_id, rel, path, digest, path.stat().st_size))
    return files


def plan_deploy(client: Any, address: S3Address, output: Path, site_ids: list[str]) -> S3Plan:
    """Compare each site's files with its objects: what to upload, what to delete, what is unchanged."""
    plan = S3Plan(address)
    for site_id in site_ids:
        files = local_files(output, site_id)
        remote = _listing(client, address.bucket, address.site_prefix(site_id))
        wanted = {address.key(site_id, f.path): f for f in files}
        same_size = [f for key, f in wanted.items() if remote.get(key) == f.size]
        current = set(_parallel(lambda f: f if _is_current(client, address, f) else None, same_size)) - {None}
        for key, local in wanted.items():
            if local in current:
                plan.unchanged += 1
            else:
                (plan.pages if local.is_page else plan.assets).append(local)
        plan.deletes += sorted(key for key in remote if key not in wanted)
    return plan


def _listing(client: Any, bucket: str, prefix: str) -> dict[str, int]:
    """Every key under ``prefix`` and its size."""
    sizes: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", ()):
            sizes[entry["Key"]] = entry["Size"]
    return sizes


def _is_current(client: Any, address: S3Address, local: LocalFile) -> bool:
    head = client.head_object(Bucket=address.bucket, Key=address.key(local.site_id, local.path))
    return (
        head.get("Metadata", {}).get(SHA256_KEY) == local.sha256
        and head.get("ContentType") == content_type(local.path)
        and head.get("CacheControl") == cache_control(local.url_path)
    )


def _upload(client: Any, address: S3Address, local: LocalFile) -> None:
    with local.file.open("rb") as handle:
        client.put_object(
            Bucket=address.bucket,
            Key=address.key(local.site_id, local.path),
            Body=handle,
            ContentType=content_type(local.path),
            CacheControl=cache_control(local.url_path),
            Metadata={SHA256_KEY: local.sha256},
        )


def _delete(client: Any, bucket: str, keys: list[str]) -> None:
    if not keys:
        return
    answer = client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True})
    failed = answer.get("Errors") or []
    if failed:
        first = failed[0]
        raise DeployError(
            _("s3://{bucket}: {count} object(s) could not be deleted, e.g. {key}: {reason}; every upload is done").format(
                bucket=bucket, count=len(failed), key=first.get("Key"), reason=first.get("Message") or first.get("Code")
            )
        )


def _parallel(work: Callable[[LocalFile], Any], items: Iterable[LocalFile]) -> list[Any]:
    items = list(items)
    if len(items) < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(work, items))


def _client_errors() -> tuple[type[BaseException], ...]:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return (OSError,)
    return (BotoCoreError, ClientError, OSError)


def _describe(exc: BaseException) -> str:
    """What went wrong, without a traceback: what to set for the two mistakes of a first deploy (no
    credentials, an endpoint that does not answer), else the service's code and message, or botocore's text."""
    kind = type(exc).__name__
    if kind in ("NoCredentialsError", "PartialCredentialsError"):
        return _("no credentials for the bucket: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile in ~/.aws/credentials); nothing was changed")
    if kind in ("EndpointConnectionError", "ConnectTimeoutError"):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return _("cannot reach {endpoint}: check AWS_ENDPOINT_URL (a bucket that is not Amazon's) and the network; nothing was changed").format(endpoint=endpoint)
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return f"{error.get('Code', '')}: {error.get('Message', '')}".strip(": ")
    return str(exc)
