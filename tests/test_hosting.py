"""Hosting (issue 13): the site manifest every build writes, ``deploy`` to a folder as atomic
releases, ``rollback``, and the signed one-way transfer ``keygen``/``bundle``/``apply``.

One small cluster is built once for the module (production target); each test deploys or bundles
that output into its own folders, or a copy of it edited the way a later build would change it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO, Repo, fill_small_cluster, new_repo

from zhanqun.publish.manifest import MANIFEST_PATH, build_manifest, read_manifest, verify_files, write_manifest
from zhanqun.publish.releases import TEXT_SUFFIXES, gzip_bytes

TARGET = "production"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = fill_small_cluster(new_repo(tmp_path_factory.mktemp("hosting") / "repo"))
    result = repo.run("build", "--target", TARGET)
    assert result.exit_code == 0, result.stderr
    return repo


def out(repo: Repo) -> Path:
    return repo.out(target=TARGET)


def deploy(repo: Repo, dest: Path, *more: str, source: Path | None = None):  # type: ignore[no-untyped-def]
    return repo.run("deploy", "--target", TARGET, "--out", str(source or out(repo)), "--to", str(dest), *more)


def snapshot(folder: Path) -> dict[str, object]:
    """Everything under ``folder``: each file's bytes and mode, each link's target, each folder."""
    found: dict[str, object] = {}
    if not folder.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", path.read_bytes(), path.stat().st_mode & 0o777)
    return found


def later_build(repo: Repo, tmp_path: Path) -> Path:
    """A copy of the build output as a later build leaves it: one page changed, one file added, one
    removed, the manifests written again."""
    copy = tmp_path / "later"
    shutil.copytree(out(repo), copy, symlinks=True)
    site = copy / "portal"
    (site / "index.html").write_text((site / "index.html").read_text(encoding="utf-8").replace("</body>", "<p>更新</p></body>"), encoding="utf-8")
    (site / "new-page.html").write_text("<!doctype html><title>新页面</title>\n", encoding="utf-8")
    (site / "404.html").unlink()
    for folder in copy.iterdir():
        if folder.is_dir():
            old = read_manifest(folder)
            assert old is not None
            write_manifest(folder, build_manifest(folder, old.site, old.target, old.commit))
    return copy


def last_line(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout.strip().splitlines()[-1]


# --- the site manifest -----------------------------------------------------------------------


def test_every_built_site_has_its_manifest_in_the_contract_format(built: Repo) -> None:
    sites = sorted(p.name for p in out(built).iterdir() if p.is_dir())
    assert sites == ["arxan", "portal", "tjj", "ulanhot"]
    for site in sites:
        folder = out(built) / site
        text = (folder / MANIFEST_PATH).read_text(encoding="utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        assert (data["format"], data["site"], data["target"], data["commit"]) == (1, site, TARGET, None)  # not a git checkout
        paths = [f["path"] for f in data["files"]]
        assert paths == sorted(paths) and "index.html" in paths and not any(p.startswith(".zhanqun") for p in paths)
        on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".zhanqun" not in p.parts)
        assert paths == on_disk
        for entry in data["files"]:
            content = (folder / entry["path"]).read_bytes()
            assert (entry["sha256"], entry["size"]) == (hashlib.sha256(content).hexdigest(), len(content))
        assert verify_files(folder, read_manifest(folder)) == []  # type: ignore[arg-type]


def test_verify_files_names_every_difference(built: Repo, tmp_path: Path) -> None:
    folder = tmp_path / "portal"
    shutil.copytree(out(built) / "portal", folder)
    manifest = read_manifest(folder)
    assert manifest is not None
    (folder / "index.html").write_bytes(b"edited")
    (folder / "extra.html").write_bytes(b"x")
    (folder / "404.html").unlink()
    assert verify_files(folder, manifest) == [
        "404.html: missing (removed after the build)", "extra.html: not in the manifest (added after the build)", "index.html: changed since the build",
    ]
    (folder / MANIFEST_PATH).write_text("{", encoding="utf-8")
    assert read_manifest(folder) is None


def test_the_commit_is_read_from_git_files_without_git(tmp_path: Path) -> None:
    from zhanqun.publish.git_head import head_commit

    commit, other = "a" * 40, "b" * 40
    git = tmp_path / "repo" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    assert head_commit(tmp_path / "repo") is None  # a branch with no commit yet
    (git / "packed-refs").write_text(f"# pack-refs with: peeled\n{other} refs/heads/main\n")
    assert head_commit(tmp_path / "repo") == other
    (git / "refs" / "heads" / "main").write_text(commit + "\n")
    assert head_commit(tmp_path / "repo") == commit
    worktree = tmp_path / "wt"
    (git / "worktrees" / "wt").mkdir(parents=True)
    (git / "worktrees" / "wt" / "HEAD").write_text(f"{other}\n")  # detached
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {git / 'worktrees' / 'wt'}\n")
    assert head_commit(worktree) == other
    (git / "worktrees" / "wt" / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "worktrees" / "wt" / "commondir").write_text("../..\n")
    assert head_commit(worktree) == commit
    assert head_commit(tmp_path) is None
    # this repository itself (a checkout or a worktree): the same answer git gives
    expected = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    if expected.returncode == 0:
        assert head_commit(REPO) == expected.stdout.strip()


def test_the_link_check_never_counts_zhanqun_files_as_link_targets(built: Repo) -> None:
    from zhanqun.links.link_check import SiteFiles

    files = SiteFiles.read(out(built) / "portal")
    assert files is not None and "index.html" in files.files
    assert not any(f.startswith(".zhanqun") for f in files.files | files.folders)


# --- deploy to a folder ----------------------------------------------------------------------


def test_deploy_publishes_each_site_as_a_release_with_gz_and_a_record(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    result = deploy(built, dest)
    assert result.exit_code == 0, result.stderr
    total = sum(len(read_manifest(out(built) / s).files) for s in ("arxan", "portal", "tjj", "ulanhot"))  # type: ignore[union-attr]
    assert last_line(result) == f"deployed: uploaded {total}, deleted 0, unchanged 0"
    assert "portal: release 000001: uploaded" in result.stdout
    for site in ("arxan", "portal", "tjj", "ulanhot"):
        current = dest / site / "current"
        assert current.is_symlink() and os.readlink(current) == "releases/000001"
        manifest = read_manifest(out(built) / site)
        assert manifest is not None
        for entry in manifest.files:
            path = current / entry.path
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
            assert path.stat().st_mode & 0o777 == 0o444
            gz = current / f"{entry.path}.gz"
            if entry.path.endswith(TEXT_SUFFIXES):
                assert gz.read_bytes() == gzip_bytes(path.read_bytes())
                assert gzip.decompress(gz.read_bytes()) == path.read_bytes()
                assert gz.read_bytes()[4:8] == b"\0\0\0\0" and gz.stat().st_mtime_ns == path.stat().st_mtime_ns
            else:
                assert not gz.exists()
        assert not (current / ".zhanqun").exists()
        record = json.loads((dest / site / "releases" / "000001.json").read_text(encoding="utf-8"))
        assert (record["release"], record["target"], record["commit"], record["via"]) == ("000001", TARGET, None, "deploy")
        assert record["manifest"] == manifest.as_json()
    # a second destination gets byte-identical releases, .gz included
    other = tmp_path / "www2"
    assert deploy(built, other).exit_code == 0
    assert {k: v for k, v in snapshot(other).items() if "lock" not in k} == {k: v for k, v in snapshot(dest).items() if "lock" not in k}


def test_a_second_deploy_of_the_same_build_uploads_nothing(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    before = snapshot(dest)
    result = deploy(built, dest)
    assert result.exit_code == 0, result.stderr
    assert last_line(result).startswith("deployed: uploaded 0, deleted 0, unchanged ")
    assert "portal: unchanged, release 000001 stays" in result.stdout
    assert snapshot(dest) == before


def test_a_gz_edited_in_the_live_release_is_written_afresh_not_linked(built: Repo, tmp_path: Path) -> None:
    """Most browsers are sent ``P.gz`` (gzip_static), not ``P``: a defaced ``index.html.gz`` in the
    live release must not be hard-linked into every later release because ``index.html`` is intact."""
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    live = dest / "arxan" / "current"
    page = (live / "index.html").read_bytes()
    gz = live / "index.html.gz"
    gz.unlink()  # what an attacker with the web server's write access does: the release is 0444
    gz.write_bytes(gzip.compress("<h1>被篡改的页面</h1>".encode("utf-8")))
    result = deploy(built, dest)
    assert result.exit_code == 0, result.stderr
    assert "arxan: release 000002: uploaded 1, deleted 0, unchanged " in result.stdout, result.stdout
    fresh = dest / "arxan" / "current" / "index.html.gz"
    assert os.readlink(dest / "arxan" / "current") == "releases/000002" and fresh.read_bytes() == gzip_bytes(page)
    assert "portal: unchanged, release 000001 stays" in result.stdout


def test_a_later_build_uploads_only_what_changed_and_links_the_rest(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    later = later_build(built, tmp_path)
    result = deploy(built, dest, source=later)
    assert result.exit_code == 0, result.stderr
    portal = read_manifest(later / "portal")
    assert portal is not None
    assert f"portal: release 000002: uploaded 2, deleted 1, unchanged {len(portal.files) - 2}" in result.stdout
    assert "arxan: unchanged, release 000001 stays" in result.stdout
    assert last_line(result).startswith("deployed: uploaded 2, deleted 1, unchanged ")
    old, new = dest / "portal" / "releases" / "000001", dest / "portal" / "releases" / "000002"
    assert os.readlink(dest / "portal" / "current") == "releases/000002"
    assert (new / "new-page.html").is_file() and not (new / "404.html").exists() and (old / "404.html").is_file()
    assert "更新" in (new / "index.html").read_text(encoding="utf-8") and "更新" not in (old / "index.html").read_text(encoding="utf-8")
    assert (new / "index.html").stat().st_ino != (old / "index.html").stat().st_ino
    linked = [e.path for e in portal.files if e.path not in ("index.html", "new-page.html")]
    for path in linked:
        assert (new / path).stat().st_ino == (old / path).stat().st_ino, path
    assert (new / "feeds" / "all.atom.xml.gz").stat().st_ino == (old / "feeds" / "all.atom.xml.gz").stat().st_ino


def test_keep_prunes_old_releases_and_rollback_walks_back(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    later = later_build(built, tmp_path)
    for source in (out(built), later, out(built), later):
        assert deploy(built, dest, "--keep", "2", "--site", "portal", source=source).exit_code == 0
    releases = dest / "portal" / "releases"
    assert sorted(p.name for p in releases.iterdir()) == ["000003", "000003.json", "000004", "000004.json"]
    result = built.run("rollback", "--to", str(dest))
    assert result.exit_code == 0, result.stderr
    assert "portal: release 000004 → 000003" in result.stdout and os.readlink(dest / "portal" / "current") == "releases/000003"
    assert (dest / "portal" / "current" / "404.html").is_file()  # the earlier build's page is served again
    before = snapshot(dest)
    result = built.run("rollback", "--to", str(dest), "--site", "portal")
    assert result.exit_code == 1
    assert "portal: release 000002, which 000003 replaced, is no longer kept\nnothing was switched" in result.stderr
    assert snapshot(dest) == before
    # a deploy after a rollback keeps the release it serves and the one it replaced (not the newer one left)
    assert deploy(built, dest, "--keep", "1", "--site", "portal", source=later).exit_code == 0
    assert sorted(p.name for p in releases.iterdir() if p.is_dir()) == ["000003", "000005"]


def test_rollback_twice_goes_two_releases_back(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    later = later_build(built, tmp_path)
    for source in (out(built), later, out(built)):
        assert deploy(built, dest, "--site", "portal", "--site", "乌兰浩特市", source=source).exit_code == 0
    assert os.readlink(dest / "ulanhot" / "current") == "releases/000001"
    assert built.run("rollback", "--to", str(dest), "--site", "portal").exit_code == 0
    result = built.run("rollback", "--to", str(dest), "--site", "兴安盟")
    assert result.exit_code == 0, result.stderr
    assert os.readlink(dest / "portal" / "current") == "releases/000001"
    result = built.run("rollback", "--to", str(dest))  # ulanhot has no earlier release: nothing switches
    assert result.exit_code == 1 and "ulanhot: release 000001 is the first one deployed" in result.stderr
    assert os.readlink(dest / "portal" / "current") == "releases/000001"


def test_rollback_to_a_folder_that_does_not_exist_is_a_usage_error(built: Repo, tmp_path: Path) -> None:
    """A mistyped ``--to`` says the folder does not exist (exit 2) and creates nothing; an existing
    folder that holds no deployed sites is still refused as such (exit 1)."""
    missing = tmp_path / "no-such-dest"
    result = built.run("rollback", "--to", str(missing))
    assert result.exit_code == 2, result.stderr
    assert f"--to {missing}: no such folder" in result.stderr and "no deployed sites" not in result.stderr, result.stderr
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = built.run("rollback", "--to", str(empty))
    assert result.exit_code == 1 and "it holds no deployed sites" in result.stderr, result.stderr


def test_a_second_deploy_fails_at_once_while_the_lock_is_held(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import fcntl, sys
            handle = open({str(dest / '.zhanqun-deploy.lock')!r}, "a")
            fcntl.flock(handle, fcntl.LOCK_EX)
            print("locked", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = snapshot(dest)
        result = deploy(built, dest, source=later_build(built, tmp_path))
        assert result.exit_code == 1
        assert "another deploy, apply or rollback into" in result.stderr and ".zhanqun-deploy.lock" in result.stderr
        assert snapshot(dest) == before
        assert built.run("rollback", "--to", str(dest)).exit_code == 1
    finally:
        holder.communicate("")
    assert deploy(built, dest, source=later_build(built, tmp_path / "again")).exit_code == 0  # released when the holder ended


def test_an_edited_output_is_refused_before_anything_changes(built: Repo, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    edited = tmp_path / "edited"
    shutil.copytree(out(built), edited)
    (edited / "arxan" / "index.html").write_text("<p>改过的页面</p>", encoding="utf-8")
    before = snapshot(dest)
    result = deploy(built, dest, source=edited)
    assert result.exit_code == 1
    assert "arxan: the output in" in result.stderr and "index.html: changed since the build" in result.stderr and "nothing was deployed" in result.stderr
    assert snapshot(dest) == before
    shutil.rmtree(edited / "tjj" / ".zhanqun")
    result = built.run("deploy", "--target", TARGET, "--out", str(edited), "--to", str(dest), "--site", "tjj")
    assert result.exit_code == 1 and "has no readable site manifest" in result.stderr
    assert snapshot(dest) == before


def _with_files(repo: Repo, tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A copy of the build output with ``files`` added to the portal, its manifest written again."""
    copy = tmp_path / "with-files"
    shutil.copytree(out(repo), copy, symlinks=True)
    for path, data in files.items():
        (copy / "portal" / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / "portal" / path).write_bytes(data)
    old = read_manifest(copy / "portal")
    assert old is not None
    write_manifest(copy / "portal", build_manifest(copy / "portal", old.site, old.target, old.commit))
    return copy


def test_a_gz_that_is_not_its_neighbour_compressed_is_never_released(built: Repo, tmp_path: Path) -> None:
    """nginx ``gzip_static`` answers a request for ``P`` with ``P.gz`` when there is one (with P's
    Content-Type): an author's ``files/map.svg.gz`` holding a scripted SVG would run in the site's
    origin for everyone who asks for the checked ``files/map.svg``. A release holds a ``P.gz`` beside
    ``P`` only when it is ``P`` compressed; otherwise deploy (and apply: the same installer) refuses."""
    picture = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    scripted = gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>')
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    before = snapshot(dest)
    for n, files in enumerate([
        {"files/map.svg": picture, "files/map.svg.gz": scripted},
        {"files/report.pdf": b"%PDF-1.4 checked", "files/report.pdf.gz": gzip.compress(b"%PDF-1.4 another")},
        {"files/data.csv": b"a,b\n", "files/data.csv.gz": b"not gzip at all"},
    ]):
        result = deploy(built, dest, source=_with_files(built, tmp_path / str(n), files))
        gz = next(path for path in files if path.endswith(".gz"))
        assert result.exit_code == 1, result.stdout
        assert f"portal/{gz}: nginx would serve it in place of {gz[:-3]}" in result.stderr, result.stderr
        assert snapshot(dest) == before
    # the same file compressed is what gzip_static is for: released as it is
    same = {"files/data.csv": b"a,b\n" * 100, "files/data.csv.gz": gzip.compress(b"a,b\n" * 100)}
    result = deploy(built, dest, source=_with_files(built, tmp_path / "same", same))
    assert result.exit_code == 0, result.stderr
    assert (dest / "portal" / "current" / "files" / "data.csv.gz").read_bytes() == same["files/data.csv.gz"]


@pytest.mark.parametrize("failure", ["disk-full", "interrupt"])
def test_an_interrupted_deploy_leaves_current_as_it_was_and_the_next_one_copes(built: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    import errno

    from zhanqun.publish import releases
    from zhanqun.publish.output import Interrupted

    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    later = later_build(built, tmp_path)
    real_write = releases.write_new_file
    calls = []

    def failing(base: Path, rel: str, source, mode: int = 0o644):  # type: ignore[no-untyped-def]
        calls.append(rel)
        if len(calls) == 2:  # the first file of the portal's release is written, the second fails
            if failure == "interrupt":
                raise Interrupted("SIGINT")
            raise OSError(errno.ENOSPC, "No space left on device", str(base / rel))
        return real_write(base, rel, source, mode)

    before = snapshot(dest)
    monkeypatch.setattr(releases, "write_new_file", failing)
    result = deploy(built, dest, source=later)
    monkeypatch.setattr(releases, "write_new_file", real_write)
    assert result.exit_code == 1
    assert ("interrupted by SIGINT" if failure == "interrupt" else "the disk is full") in result.stderr
    assert len(calls) == 2 and snapshot(dest) == before
    # a deploy killed outright leaves its partial release (and maybe a release without a record)
    (dest / "portal" / "releases" / ".partial-000002" / "x").mkdir(parents=True)
    (dest / "portal" / "releases" / "000003").mkdir()
    result = deploy(built, dest, source=later)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (dest / "portal" / "releases").iterdir()) == ["000001", "000001.json", "000002", "000002.json"]
    assert os.readlink(dest / "portal" / "current") == "releases/000002"  # the leftovers went first; the name is free again


def test_destinations_that_are_not_safe_are_refused(built: Repo, tmp_path: Path) -> None:
    cases = {
        str(built.root / "content" / "www"): "inside the repository's sources",
        str(out(built) / "www"): "inside the build's output folder",
        "s3://Not_A_Bucket/prefix": "is not a bucket name",
        "ftp://host/x": "unknown scheme ftp://; give a folder or s3://BUCKET/PREFIX",
    }
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "index.html").write_text("someone else's", encoding="utf-8")
    cases[str(foreign)] = "not made by zhanqun deploy"
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real", target_is_directory=True)
    cases[str(link)] = "is a symbolic link"
    for to, expected in cases.items():
        result = deploy(built, Path(to)) if "://" not in to else built.run("deploy", "--target", TARGET, "--to", to)
        assert result.exit_code == 2, (to, result.stderr)
        assert expected in result.stderr, (to, result.stderr)
    assert not (built.root / "content" / "www").exists() and not (tmp_path / "real").exists()
    assert [p.name for p in foreign.iterdir()] == ["index.html"]
    # a layout zhanqun did not make inside the destination
    dest = tmp_path / "www"
    assert deploy(built, dest, "--site", "tjj").exit_code == 0
    (dest / "tjj" / "current").unlink()
    (dest / "tjj" / "current").mkdir()
    result = deploy(built, dest, "--site", "tjj", source=later_build(built, tmp_path))
    assert result.exit_code == 1 and "is not a symbolic link" in result.stderr
    other = tmp_path / "preview-www"
    assert built.run("build", "--target", "preview", "--site", "tjj").exit_code == 0
    assert built.run("deploy", "--target", "preview", "--to", str(dest), "--site", "tjj").exit_code == 2
    assert built.run("deploy", "--target", "preview", "--to", str(other), "--site", "tjj").exit_code == 0



def test_bucket_only_options_are_refused_for_a_folder_not_ignored(built: Repo, tmp_path: Path) -> None:
    """A --dry-run that deployed for real would be the worst surprise: a folder has no dry run."""
    dest = tmp_path / "www"
    for more, named in ((["--dry-run"], "--dry-run"), (["--allow-many-deletes"], "--allow-many-deletes"), (["--max-deletes", "3"], "--max-deletes")):
        result = deploy(built, dest, "--site", "tjj", *more)
        assert result.exit_code == 2, (more, result.stderr)
        assert f"{named} is for s3:// only" in result.stderr, result.stderr
        assert not dest.exists()
    result = built.run("deploy", "--target", TARGET, "--to", "s3://zhanqun-sites/prod", "--keep", "3")
    assert result.exit_code == 2 and "--keep is for a folder only" in result.stderr, result.stderr

def test_the_intranet_build_goes_to_a_bucket_only_when_told_the_bucket_is_inside(built: Repo, tmp_path: Path) -> None:
    """Internal content in a bucket on the internet would be a leak: ``--target intranet --to s3://``
    is a usage error unless ``--intranet-bucket`` says the bucket is inside the intranet (that way
    is in tests/test_deploy_s3.py); the option is refused for a folder, as every s3://-only one."""
    result = built.run("deploy", "--target", "intranet", "--to", "s3://zhanqun-sites/intranet")
    assert result.exit_code == 2, result.stderr
    assert "internal content" in result.stderr and "--intranet-bucket" in result.stderr, result.stderr
    dest = tmp_path / "dest"
    result = deploy(built, dest, "--intranet-bucket")
    assert result.exit_code == 2 and "--intranet-bucket is for s3:// only" in result.stderr, result.stderr
    assert not dest.exists()


# --- the one-way transfer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def key(built: Repo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = tmp_path_factory.mktemp("keys") / "bundle-key"
    result = built.run("keygen", "--out", str(key))
    assert result.exit_code == 0, result.stderr
    return key


def bundle(repo: Repo, key: Path, to: Path, *more: str):  # type: ignore[no-untyped-def]
    return repo.run("bundle", "--target", TARGET, "--key", str(key), "--to", str(to), *more)


def apply(repo: Repo, file: Path, dest: Path, trust: Path):  # type: ignore[no-untyped-def]
    return repo.run("apply", str(file), "--to", str(dest), "--trust", str(trust))


def test_keygen_writes_a_private_secret_key_and_never_overwrites_one(built: Repo, key: Path) -> None:
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert Path(f"{key}.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    before = key.read_bytes()
    result = built.run("keygen", "--out", str(key))  # a path that must not be used: a usage error, as --out inside the repository
    assert result.exit_code == 2 and "already exists; zhanqun never overwrites a key" in result.stderr, result.stderr
    assert key.read_bytes() == before
    pub_only = key.with_name("pub-only")
    Path(f"{pub_only}.pub").write_text("kept\n")
    result = built.run("keygen", "--out", str(pub_only))
    assert result.exit_code == 2 and "pub-only.pub already exists" in result.stderr, result.stderr
    assert not pub_only.exists() and Path(f"{pub_only}.pub").read_text() == "kept\n"
    Path(f"{pub_only}.pub").unlink()


def test_keygen_never_writes_the_secret_key_into_the_repository(built: Repo) -> None:
    """Anything in the checkout is one `git add -A` away from every clone: the secret key is refused there."""
    for inside in (built.root / "keys" / "zhanqun-bundle", built.root / "zhanqun-bundle", built.root / "output" / "k"):
        result = built.run("keygen", "--out", str(inside))
        assert result.exit_code == 2, result.stderr
        assert "inside the repository" in result.stderr and "outside it" in result.stderr, result.stderr
        assert not inside.exists() and not Path(f"{inside}.pub").exists()
    assert not (built.root / "keys").exists()


@pytest.mark.parametrize("junk", ["\u00b2\n", "\u0663", "12a\n", "-3", "", "1" * 40])
def test_a_sequence_file_of_junk_is_a_clear_refusal_naming_it(built: Repo, tmp_path: Path, junk: str) -> None:
    """``KEY.sequence`` is read as ASCII digits only: Unicode digits (which ``str.isdigit`` takes)
    and other junk are a located message saying what to write there, never a stack trace."""
    from zhanqun.publish.signing import SigningError, last_sequence

    key = tmp_path / "k"
    counter = Path(f"{key}.sequence")
    counter.write_text(junk, encoding="utf-8")
    with pytest.raises(SigningError, match="ASCII digits"):
        last_sequence(key)
    if junk == "\u00b2\n":  # the whole command once: exit 1, the file named, no bundle written
        assert built.run("keygen", "--out", str(key)).exit_code == 0
        result = bundle(built, key, tmp_path / "b.tar")
        assert result.exit_code == 1, result.stderr
        assert str(counter) in result.stderr and "write that number into it" in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert not (tmp_path / "b.tar").exists() and counter.read_text(encoding="utf-8") == junk
    counter.write_text(" 42\n", encoding="utf-8")
    assert last_sequence(key) == 42


def test_a_mistyped_file_of_bundle_or_apply_is_a_usage_error(built: Repo, key: Path, tmp_path: Path) -> None:
    """A missing key or bundle, or a bundle name that is no tar file, is the command line's mistake
    (exit 2, said before anything is read or written), not a refused bundle (exit 1)."""
    zipped = tmp_path / "sites.zip"
    cases = [
        (bundle(built, key, zipped), "a bundle is a .tar, .tar.gz or .tgz file"),
        (bundle(built, tmp_path / "no-such-key", tmp_path / "b.tar"), "no-such-key"),
        (apply(built, tmp_path / "no-such.tar.gz", tmp_path / "dest", key.with_name(key.name + ".pub")), "no-such.tar.gz"),
        (apply(built, tmp_path / "no-such.tar.gz", tmp_path / "dest", tmp_path / "no-such.pub"), "no-such"),
    ]
    for result, named in cases:
        assert result.exit_code == 2, result.stderr
        assert named in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_bundle_crosses_into_a_fresh_destination(built: Repo, key: Path, tmp_path: Path) -> None:
    first, again = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    result = bundle(built, key, first, "--sequence", "100")
    assert result.exit_code == 0, result.stderr
    assert "bundle 100 of 兴安盟行政公署 (production" in result.stdout
    assert Path(f"{key}.sequence").read_text() == "100\n"
    Path(f"{key}.sequence").write_text("99\n")  # the same build and sequence: the same bytes
    assert bundle(built, key, again).exit_code == 0
    assert first.read_bytes() == again.read_bytes()
    with gzip.open(first) as handle:
        names = tarfile.open(fileobj=handle).getnames()
    assert names[:2] == ["zhanqun-bundle.json", "zhanqun-bundle.sig"] and "sites/portal/index.html" in names
    result = bundle(built, key, tmp_path / "c.tar", "--sequence", "100")
    assert result.exit_code == 1 and "sequence 100 is not greater than 100" in result.stderr
    result = bundle(built, key, built.root / "content" / "x.tar")
    assert result.exit_code == 2 and "inside the repository's sources" in result.stderr
    result = bundle(built, key, tmp_path / "x.zip")
    assert result.exit_code == 2 and "a bundle is a .tar, .tar.gz or .tgz file" in result.stderr  # a usage error, as --to inside the sources
    assert Path(f"{key}.sequence").read_text() == "100\n" and not (tmp_path / "x.zip").exists()
    dest = tmp_path / "intranet"
    result = apply(built, first, dest, Path(f"{key}.pub"))
    assert result.exit_code == 0, result.stderr
    assert "verified bundle 100" in result.stdout and last_line(result).startswith("deployed: uploaded ")
    for site in ("arxan", "portal", "tjj", "ulanhot"):
        manifest = read_manifest(out(built) / site)
        assert manifest is not None
        assert os.readlink(dest / site / "current") == "releases/000001"
        for entry in manifest.files:
            assert hashlib.sha256((dest / site / "current" / entry.path).read_bytes()).hexdigest() == entry.sha256
        record = json.loads((dest / site / "releases" / "000001.json").read_text(encoding="utf-8"))
        assert (record["via"], record["sequence"]) == ("apply", 100)
    applied = json.loads((dest / ".zhanqun-applied.json").read_text(encoding="utf-8"))
    assert applied["sequence"] == 100 and applied["cluster"] == {"id": "portal", "name": "兴安盟行政公署"}


def _signed_tar(key: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], sequence: int, built: Repo, cluster: str = "兴安盟行政公署", target: str = TARGET) -> bytes:
    """A bundle signed with ``key`` whose manifest lists one file, followed by ``members``."""
    from zhanqun.publish.bundle import BundleManifest, _member
    from zhanqun.publish.manifest import FileEntry, SiteManifest
    from zhanqun.publish.signing import key_id, load_secret_key

    secret = load_secret_key(key)
    page = b"<p>ok</p>"
    site = SiteManifest("portal", target, None, (FileEntry("index.html", hashlib.sha256(page).hexdigest(), len(page)),))
    data = BundleManifest({"id": "portal", "name": cluster}, target, None, sequence, key_id(secret.public_key()), {"portal": site}).data()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_member("zhanqun-bundle.json", len(data)), io.BytesIO(data))
        signature = secret.sign(data)
        tar.addfile(_member("zhanqun-bundle.sig", len(signature)), io.BytesIO(signature))
        for info, content in members:
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
        tar.addfile(_member("sites/portal/index.html", len(page)), io.BytesIO(page))
    return buffer.getvalue()


def _evil(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", content: bytes | None = b"x") -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    info.size = len(content) if content is not None and kind == tarfile.REGTYPE else 0
    return info, content if kind == tarfile.REGTYPE else None


def test_every_bad_bundle_is_refused_and_the_destination_stays_byte_for_byte(built: Repo, key: Path, tmp_path: Path) -> None:
    from zhanqun.publish.signing import generate_key

    dest, trust = tmp_path / "intranet", Path(f"{key}.pub")
    files = {n: tmp_path / f"seq{n}.tar" for n in (201, 202, 203)}
    for n, path in files.items():
        assert bundle(built, key, path, "--sequence", str(n)).exit_code == 0
    assert apply(built, files[202], dest, trust).exit_code == 0
    before = snapshot(dest)

    def refused(path: Path, expected: str, with_trust: Path = trust) -> None:
        result = apply(built, path, dest, with_trust)
        assert result.exit_code == 1, (expected, result.stdout, result.stderr)
        assert expected in result.stderr and "nothing was changed" in result.stderr, (expected, result.stderr)
        assert snapshot(dest) == before, expected

    refused(files[202], "bundle 202 is already applied")  # a replay
    refused(files[201], "its sequence 201 is not greater than 202")  # an older bundle
    data = files[203].read_bytes()
    with tarfile.open(files[203]) as tar:
        offsets = {m.name: m.offset_data for m in tar.getmembers()}
        headers = {m.name: m.offset for m in tar.getmembers()}

    def tampered(member: str, delta: int = 10) -> Path:
        changed = bytearray(data)
        changed[offsets[member] + delta] ^= 0x01
        path = tmp_path / f"tampered-{member.replace('/', '_')}.tar"
        path.write_bytes(bytes(changed))
        return path

    refused(tampered("sites/portal/index.html"), "member 'sites/portal/index.html' does not match its sha256")
    refused(tampered("zhanqun-bundle.json", 40), "its signature does not verify with the trusted key")
    refused(tampered("zhanqun-bundle.sig", 3), "its signature does not verify with the trusted key")
    stranger = tmp_path / "stranger"
    generate_key(stranger)
    refused(files[203], "its signature does not verify with the trusted key", Path(f"{stranger}.pub"))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(data[: offsets["sites/portal/index.html"] + 5])
    refused(truncated, "it is damaged")
    truncated.write_bytes(data[: headers["sites/portal/index.html"]])  # cut between two members
    refused(truncated, "file(s) of the signed manifest are missing from it, e.g. sites/portal/index.html")
    for n, (member, expected) in enumerate([
        (_evil("sites/portal/../../x"), "leads out of its folder"),
        (_evil("../x"), "leads out of its folder"),
        (_evil("/etc/x"), "has an absolute path"),
        (_evil("sites/portal/link.html", tarfile.SYMTYPE, "/etc/passwd"), "is a link"),
        (_evil("sites/portal/inside.html", tarfile.SYMTYPE, "index.html"), "is a link"),
        (_evil("sites/portal/hard.html", tarfile.LNKTYPE, "sites/portal/index.html"), "is a link"),
        (_evil("sites/portal/dev", tarfile.CHRTYPE), "not a regular file"),
        (_evil("sites/portal/extra.html"), "is not in the signed manifest"),
    ]):
        path = tmp_path / f"evil-{n}.tar"
        path.write_bytes(_signed_tar(key, [member], 300 + n, built))
        refused(path, expected)
    assert not (tmp_path / "x").exists()
    other = tmp_path / "other-cluster.tar"
    other.write_bytes(_signed_tar(key, [], 350, built, cluster="另一个站群"))
    refused(other, "it is for the cluster 另一个站群")
    # the hand-made bundle without evil members is accepted: the refusals above were the members'
    good = tmp_path / "good.tar"
    good.write_bytes(_signed_tar(key, [], 400, built))
    result = apply(built, good, dest, trust)
    assert result.exit_code == 0, result.stderr
    assert (dest / "portal" / "current" / "index.html").read_bytes() == b"<p>ok</p>"


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME])
def test_a_header_bomb_is_refused_before_it_is_read_into_memory(key: Path, tmp_path: Path, kind: bytes) -> None:
    """tarfile reads a pax or GNU long-name header member whole, before any check of ours: 64 MiB of
    zeros claimed as one header are 64 KiB gzipped (a 4 GiB one, 4 MiB: the import machine runs out
    of memory, with the web server beside it). ``apply`` refuses such a header unread."""
    import tracemalloc

    from zhanqun.publish.bundle import verify_bundle
    from zhanqun.publish.releases import ReleaseError

    size = 64 * 1024 * 1024
    info = tarfile.TarInfo("././@PaxHeader" if kind != tarfile.GNUTYPE_LONGNAME else "././@LongLink")
    info.type, info.size = kind, size
    bomb = tmp_path / "bomb.tar.gz"
    with gzip.GzipFile(bomb, "wb", compresslevel=1, mtime=0) as packed:
        packed.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        zeros = bytes(1 << 20)
        for _n in range(size >> 20):
            packed.write(zeros)
        packed.write(bytes(1024))
    tracemalloc.start()
    try:
        with pytest.raises(ReleaseError, match="nothing was changed"):
            verify_bundle(bomb, Path(f"{key}.pub"), tmp_path / "dest")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
    assert not (tmp_path / "dest").exists()


def test_apply_refuses_a_bundle_of_another_target_or_cluster(built: Repo, key: Path, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    assert deploy(built, dest, "--site", "tjj").exit_code == 0  # a production destination
    file = tmp_path / "intranet.tar"
    file.write_bytes(_signed_tar(key, [], 500, built, target="intranet"))
    before = snapshot(dest)
    result = apply(built, file, dest, Path(f"{key}.pub"))
    assert result.exit_code == 1 and "it holds the intranet sites" in result.stderr
    assert snapshot(dest) == before
    result = apply(built, tmp_path / "missing.tar", dest, Path(f"{key}.pub"))
    assert result.exit_code == 2 and "missing.tar' does not exist" in result.stderr  # the command line's mistake, as for stats
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all" * 100)
    result = apply(built, tmp_path / "junk.tar", dest, Path(f"{key}.pub"))
    assert result.exit_code == 1 and "not a zhanqun bundle" in result.stderr
    assert snapshot(dest) == before


def test_a_delta_bundle_carries_only_what_changed_and_applies_only_on_its_base(built: Repo, key: Path, tmp_path: Path) -> None:
    full, delta = tmp_path / "full.tar.gz", tmp_path / "delta.tar.gz"
    assert bundle(built, key, full, "--sequence", "700").exit_code == 0
    later = later_build(built, tmp_path)
    result = built.run("bundle", "--target", TARGET, "--out", str(later), "--key", str(key), "--to", str(delta), "--since", str(full))
    assert result.exit_code == 0, result.stderr
    assert "bundle 701 of 兴安盟行政公署" in result.stdout and "a delta on bundle 700" in result.stdout and "4 site(s), 2 files" in result.stdout
    with tarfile.open(delta) as tar:
        assert [n for n in tar.getnames() if n.startswith("sites/")] == ["sites/portal/index.html", "sites/portal/new-page.html"]
    fresh, trust = tmp_path / "fresh", Path(f"{key}.pub")
    result = apply(built, delta, fresh, trust)
    assert result.exit_code == 1 and "it is a delta on bundle 700" in result.stderr and not fresh.exists()
    dest = tmp_path / "intranet"
    assert apply(built, full, dest, trust).exit_code == 0
    result = apply(built, delta, dest, trust)
    assert result.exit_code == 0, result.stderr
    assert "portal: release 000002: uploaded 2, deleted 1" in result.stdout and "arxan: unchanged" in result.stdout
    served = dest / "portal" / "current"
    assert (served / "new-page.html").is_file() and not (served / "404.html").exists()
    assert "更新" in (served / "index.html").read_text(encoding="utf-8")
    stranger = tmp_path / "stranger"
    from zhanqun.publish.signing import generate_key

    generate_key(stranger)
    result = built.run("bundle", "--target", TARGET, "--key", str(stranger), "--to", str(tmp_path / "x.tar"), "--since", str(full))
    assert result.exit_code == 1 and "does not verify with this key" in result.stderr


def test_apply_records_the_sequence_pending_before_the_switch_so_no_failure_lets_an_older_bundle_in(
        built: Repo, key: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk full at either write of ``.zhanqun-applied.json``: before the switch, nothing is
    switched; after it, the new sites are served and the record says pending — an older bundle is
    refused either way, and applying the same bundle again completes the record."""
    import zhanqun.publish.bundle as bundle_module

    older, between, newer = tmp_path / "older.tar", tmp_path / "between.tar", tmp_path / "newer.tar"
    assert bundle(built, key, older, "--sequence", "900").exit_code == 0
    assert bundle(built, key, between, "--sequence", "901").exit_code == 0  # issued, never applied
    result = built.run("bundle", "--target", TARGET, "--out", str(later_build(built, tmp_path)), "--key", str(key), "--to", str(newer))
    assert result.exit_code == 0 and "bundle 902 of" in result.stdout, result.stderr
    dest, trust = tmp_path / "intranet", Path(f"{key}.pub")
    assert apply(built, older, dest, trust).exit_code == 0
    record = dest / ".zhanqun-applied.json"
    real_write = bundle_module.write_text

    def full_disk_at(pending: bool):  # type: ignore[no-untyped-def]
        def write_text(base: Path, rel: str, text: str) -> Path:
            if rel == ".zhanqun-applied.json" and ('"pending": true' in text) == pending:
                raise OSError(28, "No space left on device")
            return real_write(base, rel, text)
        return write_text

    monkeypatch.setattr(bundle_module, "write_text", full_disk_at(pending=True))
    before = snapshot(dest)
    result = apply(built, newer, dest, trust)
    assert result.exit_code == 1 and "the disk is full" in result.stderr and "nothing was switched" in result.stderr, result.stderr
    assert snapshot(dest) == before

    monkeypatch.setattr(bundle_module, "write_text", full_disk_at(pending=False))
    result = apply(built, newer, dest, trust)
    assert result.exit_code == 1, result.stderr
    assert "the sites of bundle 902 are served" in result.stderr and "apply this bundle again" in result.stderr, result.stderr
    assert os.readlink(dest / "portal" / "current") == "releases/000002" and (dest / "portal" / "current" / "new-page.html").is_file()
    assert json.loads(record.read_text(encoding="utf-8"))["pending"] is True
    assert json.loads(record.read_text(encoding="utf-8"))["sequence"] == 902
    monkeypatch.setattr(bundle_module, "write_text", real_write)
    for earlier, sequence in ((between, 901), (older, 900)):  # the window the pending record closes
        result = apply(built, earlier, dest, trust)
        assert result.exit_code == 1 and f"its sequence {sequence} is not greater than 902" in result.stderr, result.stderr
    assert os.readlink(dest / "portal" / "current") == "releases/000002"
    result = apply(built, newer, dest, trust)  # the same bundle again completes the record
    assert result.exit_code == 0, result.stderr
    completed = json.loads(record.read_text(encoding="utf-8"))
    assert completed["sequence"] == 902 and "pending" not in completed
    result = apply(built, newer, dest, trust)
    assert result.exit_code == 1 and "(a replay)" in result.stderr, result.stderr
    record.write_text(json.dumps({**completed, "pending": "yes"}), encoding="utf-8")  # a record tampered with is no pass
    result = apply(built, newer, dest, trust)
    assert result.exit_code == 1 and "is unreadable" in result.stderr, result.stderr


def test_a_bundle_of_a_working_tree_with_uncommitted_sources_records_the_commit_dirty(
        built: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a real git repository: a clean tree records HEAD; a tracked source changed and not
    committed records ``<sha>+dirty`` and warns; an untracked file or a change outside content,
    sites and themes does not; without git, HEAD as it is. The build's manifests keep the commit."""
    from conftest import copy_repo
    from zhanqun.publish.signing import generate_key

    repo = copy_repo(built, tmp_path / "repo")
    git = ["git", "-C", str(repo.root), "-c", "user.name=测试", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content", "sites", "themes"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sources"], check=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    key = tmp_path / "k"
    generate_key(key)

    def commit_of(name: str) -> tuple[str, str]:
        result = bundle(repo, key, tmp_path / f"{name}.tar")
        assert result.exit_code == 0, result.stderr
        with tarfile.open(tmp_path / f"{name}.tar") as tar:
            handle = tar.extractfile("zhanqun-bundle.json")
            assert handle is not None
            value = json.loads(handle.read())
        assert value["sites"]["portal"]["commit"] is None  # the build's manifest, unchanged
        return value["commit"], result.stderr

    (repo.root / "content" / "untracked.md").write_text("新稿件\n", encoding="utf-8")
    (repo.root / "notes.txt").write_text("outside the sources\n", encoding="utf-8")
    assert commit_of("clean") == (sha, "")
    site_file = next((repo.root / "sites").glob("*.toml"))
    site_file.write_text(site_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit, warned = commit_of("dirty")
    assert commit == f"{sha}+dirty"
    assert "warning: the working tree has uncommitted changes in content, sites, themes" in warned and f"{sha}+dirty" in warned, warned
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: None)
    assert commit_of("no-git") == (sha, "")


def test_no_alias_page_goes_into_the_folder_of_the_manifest(tmp_path: Path) -> None:
    """``.zhanqun/`` is never served (nginx denies it) nor deployed: an alias page there would be lost."""
    from conftest import article, problem_lines

    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/moved.md", article("搬迁的稿件", Slug="moved", Aliases="/.zhanqun/old.html"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert any("alias-collision" in line and "inside a folder the build writes" in line for line in problem_lines(result)), result.stderr


def test_the_confined_primitives_of_deploy_refuse_what_they_must(tmp_path: Path) -> None:
    from zhanqun.paths import Locked, UnsafePath, create_exclusive, exclusive_lock, hard_link, replace_symlink

    base = tmp_path / "site"
    (base / "releases" / "000001").mkdir(parents=True)
    replace_symlink(base, "current", "releases/000001")
    replace_symlink(base, "current", "releases/000001")  # over an existing link: one rename
    assert os.readlink(base / "current") == "releases/000001" and not [p for p in base.iterdir() if "tmp" in p.name]
    for target in ("../elsewhere", "/etc", "releases/../../x"):
        with pytest.raises(UnsafePath):
            replace_symlink(base, "current", target)
    (base / "folder").mkdir()
    with pytest.raises(UnsafePath):
        replace_symlink(base, "folder", "releases/000001")
    (tmp_path / "secret").write_text("x")
    (base / "releases" / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(UnsafePath):
        hard_link(base, "copy", base / "releases" / "link")
    assert not (base / "copy").exists()
    create_exclusive(tmp_path, "key", b"secret", 0o600)
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        create_exclusive(tmp_path, "key", b"other", 0o600)
    assert (tmp_path / "key").read_bytes() == b"secret" and sorted(p.name for p in tmp_path.iterdir()) == ["key", "secret", "site"]
    with exclusive_lock(tmp_path, "lock"):
        with pytest.raises(Locked):
            with exclusive_lock(tmp_path, "lock"):
                pass
    with exclusive_lock(tmp_path, "lock"):  # released when the block ended
        pass


def test_a_real_sigint_in_the_middle_of_a_deploy_leaves_every_site_as_it_was(built: Repo, tmp_path: Path) -> None:
    """A real process and a real signal: SIGINT arrives while the second file of a release is written."""
    dest = tmp_path / "www"
    assert deploy(built, dest).exit_code == 0
    later = later_build(built, tmp_path)
    before = snapshot(dest)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        sys.argv = ["build.py", "--root", {str(built.root)!r}, "--lang", "en", "deploy", "--target", {TARGET!r},
                    "--out", {str(later)!r}, "--to", {str(dest)!r}]
        import build
        from zhanqun.publish import releases
        real, calls = releases.write_new_file, []
        def interrupted(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGINT)
            return real(*args, **kwargs)
        releases.write_new_file = interrupted
        build.main()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "interrupted by SIGINT; every site serves what it served before" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(dest) == before


def test_a_manifest_read_twice_is_read_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged site's manifest is read twice per build; the second read is remembered by the
    file's identity, and a manifest rewritten in place (same size) is read again."""
    from zhanqun.publish import manifest as manifest_module

    monkeypatch.setattr(manifest_module, "_RACY_NS", 0)  # the two-second window of a coarse clock, waived
    first = manifest_module.SiteManifest("tuquan", "preview", "a" * 40, (manifest_module.FileEntry("index.html", "0" * 64, 1),))
    manifest_module.write_manifest(tmp_path, first)
    assert manifest_module.read_manifest(tmp_path) is manifest_module.read_manifest(tmp_path) == first
    second = replace(first, commit="b" * 40)  # the same size
    path = tmp_path / manifest_module.MANIFEST_PATH
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # in place: the same inode
        handle.write(second.text().encode("utf-8"))
    assert path.stat().st_size == size
    assert manifest_module.read_manifest(tmp_path) == second


def test_a_manifest_written_within_two_seconds_is_never_taken_from_memory(tmp_path: Path) -> None:
    from zhanqun.publish import manifest as manifest_module

    first = manifest_module.SiteManifest("tuquan", "preview", None, ())
    manifest_module.write_manifest(tmp_path, first)
    assert manifest_module.read_manifest(tmp_path) is not manifest_module.read_manifest(tmp_path)
