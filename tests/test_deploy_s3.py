"""The bucket deploy against moto's S3 server on loopback (never the network).

boto3 is configured only through the environment, as a user's would be (``AWS_ENDPOINT_URL``
names the local server), so these tests also check that the environment is all it reads.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

import boto3  # noqa: E402

from zhanqun.paths import mark_output_folder  # noqa: E402
from zhanqun.publish.cache_policy import cache_control, content_type  # noqa: E402
from zhanqun.publish.deploy_s3 import DeployError, S3AddressError, deploy_to_s3, parse_s3_address  # noqa: E402

BUCKET = "zhanqun-sites"
SITE_FILES = {
    "portal": {
        "index.html": "<title>兴安盟行政公署</title>",
        "404.html": "<title>页面不存在</title>",
        "zwdt/index.html": "<title>政务动态</title>",
        "zwdt/spring.html": "<title>春耕</title>",
        "feeds/all.atom.xml": "<feed/>",
        "theme/css/gov.css": "body{color:#222}",
        "theme/js/a11y.js": "void 0;",
        "theme/images/emblem.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "files/report.pdf": "%PDF-1.4",
        "pagefind/pagefind-entry.json": "{}",
        "pagefind/index/zh_abc.pf_index": "chunk",
        ".zhanqun/manifest.json": '{"format": 1}',
    },
    "tjj": {"index.html": "<title>兴安盟统计局</title>", "theme/css/gov.css": "body{}"},
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """A fresh bucket on the local server; boto3 reads the environment only."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": s3_server, "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3")
    for bucket in client.list_buckets().get("Buckets", []):
        for entry in client.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
            client.delete_object(Bucket=bucket["Name"], Key=entry["Key"])
        client.delete_bucket(Bucket=bucket["Name"])
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """A production build's output folder, as the build marks it."""
    out = tmp_path / "output/production"
    for site_id, files in SITE_FILES.items():
        for rel, text in files.items():
            path = out / site_id / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    mark_output_folder(out, "production")
    return out


def objects(client: Any) -> dict[str, dict[str, Any]]:
    """Every object of the bucket: its bytes and the headers a reader gets."""
    found = {}
    for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        got = client.get_object(Bucket=BUCKET, Key=entry["Key"])
        found[entry["Key"]] = {"body": got["Body"].read(), "type": got["ContentType"], "cache": got.get("CacheControl"), "meta": got["Metadata"]}
    return found


def deploy(output: Path, **options: Any) -> Any:
    return deploy_to_s3(output, "production", options.pop("sites", []), options.pop("to", f"s3://{BUCKET}/sites/"), **options)


def test_a_first_deploy_uploads_everything_with_its_headers(s3: Any, output: Path) -> None:
    result = deploy(output)
    assert result.summary() == "deployed: uploaded 13, deleted 0, unchanged 0"
    stored = objects(s3)
    assert sorted(stored) == sorted(f"sites/{site}/{rel}" for site, files in SITE_FILES.items() for rel in files if not rel.startswith(".zhanqun/"))
    page = stored["sites/portal/zwdt/spring.html"]
    assert page["body"] == "<title>春耕</title>".encode() and page["type"] == "text/html; charset=utf-8" and page["cache"] == "no-cache"
    import hashlib

    assert page["meta"]["zhanqun-sha256"] == hashlib.sha256(page["body"]).hexdigest()
    assert stored["sites/portal/theme/css/gov.css"]["type"] == "text/css; charset=utf-8"
    assert stored["sites/portal/theme/css/gov.css"]["cache"] == "public, max-age=3600"
    assert stored["sites/portal/pagefind/index/zh_abc.pf_index"]["cache"] == "public, max-age=31536000, immutable"
    assert stored["sites/portal/files/report.pdf"]["type"] == "application/pdf"
    assert stored["sites/portal/feeds/all.atom.xml"]["cache"] == "no-cache"


def test_a_second_deploy_uploads_nothing(s3: Any, output: Path) -> None:
    deploy(output)
    assert deploy(output).summary() == "deployed: uploaded 0, deleted 0, unchanged 13"


def test_changes_go_assets_first_pages_next_deletions_last(s3: Any, output: Path) -> None:
    deploy(output)
    (output / "portal/theme/css/gov.css").write_text("body{color:#000}", encoding="utf-8")
    (output / "portal/zwdt/autumn.html").write_text("<title>秋收</title>", encoding="utf-8")
    (output / "portal/zwdt/index.html").write_text("<title>政务动态 新</title>", encoding="utf-8")
    (output / "portal/zwdt/spring.html").unlink()
    calls: list[str] = []
    client = boto3.client("s3")
    client.meta.events.register("before-call.s3.PutObject", lambda params, **kw: calls.append("put " + params["url_path"].split("/sites/")[1]))
    client.meta.events.register("before-call.s3.DeleteObjects", lambda params, **kw: calls.append("delete"))
    result = deploy(output, client=client)
    assert result.summary() == "deployed: uploaded 3, deleted 1, unchanged 10"
    assert calls[0] == "put portal/theme/css/gov.css" and sorted(calls[1:3]) == ["put portal/zwdt/autumn.html", "put portal/zwdt/index.html"] and calls[3:] == ["delete"]
    assert "sites/portal/zwdt/spring.html" not in objects(s3)


def test_our_hash_and_headers_decide_not_the_etag(s3: Any, output: Path) -> None:
    deploy(output)
    # the same bytes put by another tool (same ETag, no hash of ours), and a wrong Cache-Control
    s3.put_object(Bucket=BUCKET, Key="sites/tjj/index.html", Body=(output / "tjj/index.html").read_bytes(), ContentType="text/html; charset=utf-8", CacheControl="no-cache")
    s3.copy_object(Bucket=BUCKET, Key="sites/tjj/theme/css/gov.css", CopySource={"Bucket": BUCKET, "Key": "sites/tjj/theme/css/gov.css"}, MetadataDirective="REPLACE",
                   Metadata=s3.head_object(Bucket=BUCKET, Key="sites/tjj/theme/css/gov.css")["Metadata"], ContentType="text/css; charset=utf-8", CacheControl="max-age=60")
    assert deploy(output).summary() == "deployed: uploaded 2, deleted 0, unchanged 11"
    assert objects(s3)["sites/tjj/theme/css/gov.css"]["cache"] == cache_control("/theme/css/gov.css")


def test_too_many_deletions_are_refused_before_anything_changes(s3: Any, output: Path) -> None:
    deploy(output)
    before = objects(s3)
    for rel in ("zwdt/index.html", "zwdt/spring.html", "feeds/all.atom.xml", "files/report.pdf"):
        (output / "portal" / rel).unlink()
    (output / "portal/index.html").write_text("<title>新首页</title>", encoding="utf-8")
    with pytest.raises(DeployError, match=r"would delete 4 objects under s3://zhanqun-sites/sites, more than --max-deletes 3; nothing was changed.*--allow-many-deletes"):
        deploy(output, max_deletes=3)
    assert objects(s3) == before
    assert deploy(output, max_deletes=3, allow_many_deletes=True).summary() == "deployed: uploaded 1, deleted 4, unchanged 8"


def test_dry_run_prints_the_plan_and_changes_nothing(s3: Any, output: Path) -> None:
    deploy(output)
    before = objects(s3)
    (output / "portal/theme/js/a11y.js").write_text("void 1;", encoding="utf-8")
    (output / "tjj/index.html").unlink()
    said: list[str] = []
    result = deploy(output, dry_run=True, say=said.append)
    assert said == ["upload s3://zhanqun-sites/sites/portal/theme/js/a11y.js", "delete s3://zhanqun-sites/sites/tjj/index.html"]
    assert result.summary() == "dry run: would upload 1, delete 1; unchanged 11"
    assert objects(s3) == before


def test_only_the_named_sites_are_touched(s3: Any, output: Path) -> None:
    deploy(output, to=f"s3://{BUCKET}")
    (output / "tjj/index.html").unlink()
    (output / "portal/index.html").write_text("<title>改</title>", encoding="utf-8")
    assert deploy(output, to=f"s3://{BUCKET}", sites=["portal"]).summary() == "deployed: uploaded 1, deleted 0, unchanged 10"
    assert "tjj/index.html" in objects(s3)  # no prefix: keys start at the site id


def test_a_missing_bucket_is_a_clear_error(s3: Any, output: Path) -> None:
    with pytest.raises(DeployError, match=r"s3://no-such-bucket: NoSuchBucket"):
        deploy(output, to="s3://no-such-bucket/x")


def test_an_output_that_is_not_the_targets_build_is_refused(s3: Any, output: Path, tmp_path: Path) -> None:
    mark_output_folder(output, "preview")
    with pytest.raises(DeployError, match="holds the preview build, not the production build"):
        deploy(output)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DeployError, match="holds no production build"):
        deploy(empty)
    mark_output_folder(output, "production")
    with pytest.raises(DeployError, match="has no folder for arxan"):
        deploy(output, sites=["arxan"])
    assert objects(s3) == {}


def test_a_symbolic_link_in_the_output_is_refused(s3: Any, output: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (output / "portal/leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(DeployError, match="leak.txt is a symbolic link"):
        deploy(output)
    assert objects(s3) == {}


@pytest.mark.parametrize("address", ["s3:/bucket", "http://bucket/x", "s3://", "s3://Upper_Case/x", "s3://b/../x", "s3://bucket/a//b"])
def test_a_bad_address_is_refused(address: str) -> None:
    with pytest.raises(S3AddressError):
        parse_s3_address(address)


def test_the_address_is_read_as_bucket_and_prefix() -> None:
    address = parse_s3_address("s3://zhanqun-sites/prod/sites/")
    assert (address.bucket, address.prefix, address.key("portal", "index.html")) == ("zhanqun-sites", "prod/sites", "prod/sites/portal/index.html")


def test_without_boto3_the_error_says_how_to_install_it(output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(DeployError, match="needs boto3, which is not installed: python -m pip install boto3"):
        deploy(output)


@pytest.mark.parametrize(
    ("path", "kind"),
    [("a.html", "text/html; charset=utf-8"), ("a.js", "application/javascript; charset=utf-8"), ("a.svg", "image/svg+xml; charset=utf-8"),
     ("a.wasm", "application/wasm"), ("a.png", "image/png"), ("feeds/all.atom.xml", "text/xml; charset=utf-8"), ("noext", "application/octet-stream")],
)
def test_content_types(path: str, kind: str) -> None:
    assert content_type(path) == kind


def test_the_deploy_command_takes_s3_addresses(s3: Any, tmp_path: Path) -> None:
    """``build.py deploy --to s3://…``: the build's manifest is checked first, as for a folder."""
    from conftest import new_repo
    from zhanqun.publish.manifest import build_manifest, write_manifest

    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.site("tjj", "兴安盟统计局", kind="department", url="https://tjj.xam.gov.cn/", credit_code="11152200MB0000001X", columns=(("gzdt", "工作动态", "news"),))
    out = repo.out(target="production")
    for site_id, files in SITE_FILES.items():
        for rel, text in files.items():
            if not rel.startswith(".zhanqun/"):
                (out / site_id / rel).parent.mkdir(parents=True, exist_ok=True)
                (out / site_id / rel).write_text(text, encoding="utf-8")
        write_manifest(out / site_id, build_manifest(out / site_id, site_id, "production", None))
    mark_output_folder(out, "production")
    to = f"s3://{BUCKET}/sites"

    first = repo.run("deploy", "--target", "production", "--to", to)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "deployed: uploaded 13, deleted 0, unchanged 0"
    assert "sites/portal/.zhanqun/manifest.json" not in objects(s3)
    assert repo.run("deploy", "--target", "production", "--to", to).stdout.splitlines()[-1] == "deployed: uploaded 0, deleted 0, unchanged 13"

    (out / "portal" / "zwdt" / "spring.html").unlink()
    write_manifest(out / "portal", build_manifest(out / "portal", "portal", "production", None))
    plan = repo.run("deploy", "--target", "production", "--to", to, "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert plan.stdout.splitlines() == [f"delete s3://{BUCKET}/sites/portal/zwdt/spring.html", "dry run: would upload 0, delete 1; unchanged 12"]
    refused = repo.run("deploy", "--target", "production", "--to", to, "--max-deletes", "0")
    assert refused.exit_code == 1 and "--allow-many-deletes" in refused.stderr
    assert f"sites/portal/zwdt/spring.html" in objects(s3)

    (out / "tjj" / "index.html").write_text("<title>改过</title>", encoding="utf-8")  # edited after its build
    edited = repo.run("deploy", "--target", "production", "--to", to)
    assert edited.exit_code == 1 and "edited afterwards" in edited.stderr
    assert objects(s3)["sites/tjj/index.html"]["body"] == SITE_FILES["tjj"]["index.html"].encode()
    assert repo.run("deploy", "--target", "production", "--to", "s3://x/y").exit_code == 2


def test_missing_credentials_and_an_unreachable_endpoint_say_what_to_set(s3: Any, output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's own words ("Unable to locate credentials") name no setting; the message does."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup: tests stay off the network
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it keeps the credentials it found, as a new process would not
    with pytest.raises(DeployError, match="no credentials for the bucket: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        deploy(output)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # the discard port: nothing listens
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with pytest.raises(DeployError, match=r"cannot reach http://127\.0\.0\.1:9.*AWS_ENDPOINT_URL"):
        deploy(output)


def test_the_intranet_build_goes_only_into_a_bucket_said_to_be_inside(s3: Any, tmp_path: Path) -> None:
    """``--target intranet --to s3://`` uploads nothing without ``--intranet-bucket``, and deploys with it."""
    from conftest import new_repo
    from zhanqun.publish.manifest import build_manifest, write_manifest

    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    out = repo.out(target="intranet")
    (out / "portal").mkdir(parents=True)
    (out / "portal" / "index.html").write_text("<title>内部通知</title>", encoding="utf-8")
    write_manifest(out / "portal", build_manifest(out / "portal", "portal", "intranet", None))
    mark_output_folder(out, "intranet")
    to = f"s3://{BUCKET}/intranet"

    refused = repo.run("deploy", "--target", "intranet", "--to", to)
    assert refused.exit_code == 2 and "--intranet-bucket" in refused.stderr, refused.stderr
    assert objects(s3) == {}
    told = repo.run("deploy", "--target", "intranet", "--to", to, "--intranet-bucket")
    assert told.exit_code == 0, told.stderr
    assert told.stdout.splitlines()[-1] == "deployed: uploaded 1, deleted 0, unchanged 0"
    assert objects(s3)["intranet/portal/index.html"]["body"] == "<title>内部通知</title>".encode()
