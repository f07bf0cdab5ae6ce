"""The rendering processes start cheap: forked from a fork server that has already imported the
engine, whether or not zhanqun is an installed package (``render/processes.py``)."""

from __future__ import annotations

import os

import pytest

from zhanqun.render import processes

pytestmark = pytest.mark.skipif(processes.start_method() != "forkserver", reason="no fork server on this system")


def test_a_rendering_process_does_not_import_the_engine_again() -> None:
    """0.4 s per site when it did: the server could not import zhanqun and each child ran
    ``build.py``'s imports itself."""
    pool = processes.render_pool(1)
    try:
        assert pool.submit(processes.engine_imported_here).result(timeout=120) is False
        assert processes.engine_imported_here() is True  # the check itself tells the two apart
    finally:
        pool.shutdown(wait=True)


def test_the_fork_server_has_every_module_the_main_script_imported() -> None:
    preloaded = processes.preload()
    assert preloaded[: len(processes.PRELOAD)] == processes.PRELOAD
    assert "zhanqun.pipeline" in preloaded and "click" in preloaded  # build.py's imports (conftest imports them too)
    assert len(preloaded) == len(set(preloaded))


def test_the_fork_server_finds_the_engine_first_on_its_path() -> None:
    engine_parent = os.path.dirname(os.path.dirname(os.path.abspath(processes.__file__)))
    engine_parent = os.path.dirname(engine_parent)
    assert processes.server_python_path(None) == engine_parent
    assert processes.server_python_path("") == engine_parent
    assert processes.server_python_path(os.pathsep.join(["/a", engine_parent, "/b"])) == os.pathsep.join([engine_parent, "/a", "/b"])


def test_starting_the_fork_server_leaves_this_process_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    processes.warm_up()
    assert os.environ["PYTHONPATH"] == "/somewhere"
    monkeypatch.delenv("PYTHONPATH")
    processes.warm_up()
    assert "PYTHONPATH" not in os.environ


def test_the_caches_are_saved_while_the_sites_render_and_not_again(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import fill_small_cluster, new_repo

    from zhanqun import pipeline
    from zhanqun.content.render_cache import CACHE_FOLDER, rendered_file

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    cache_file = repo.root / CACHE_FOLDER / rendered_file("preview")
    real = pipeline.stage_and_render
    seen: list[tuple[int, int]] = []

    def watching(context, workdir, site_folder, progress, meanwhile):  # type: ignore[no-untyped-def]
        def then() -> None:
            assert not cache_file.exists()  # a first build: nothing saved before rendering
            meanwhile()
            seen.append((cache_file.stat().st_mtime_ns, cache_file.stat().st_ino))

        return real(context, workdir, site_folder, progress, then)

    monkeypatch.setattr(pipeline, "stage_and_render", watching)
    report = pipeline.build(pipeline.BuildOptions(repo.root, jobs=2))
    assert report.ok, [str(p) for p in report.problems]
    assert len(seen) == 1  # saved as the sites rendered
    assert (cache_file.stat().st_mtime_ns, cache_file.stat().st_ino) == seen[0]  # and not written again at the end


def test_an_installed_engine_puts_no_site_packages_folder_before_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(processes.__file__))))
    monkeypatch.setattr(processes, "_site_folders", lambda: {engine_parent})
    assert processes.server_python_path(None) == ""
    assert processes.server_python_path("/a") == "/a"


def test_after_one_edit_its_site_renders_while_the_others_are_staged_and_planned(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import article, fill_small_cluster, new_repo

    from zhanqun import pipeline

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    assert pipeline.build(pipeline.BuildOptions(repo.root, jobs=2)).ok
    events: list[tuple[str, str]] = []
    plan, submit = pipeline.plan_site, processes.RenderPool.submit

    def planning(context, site_id, *args):  # type: ignore[no-untyped-def]
        events.append(("plan", site_id))
        return plan(context, site_id, *args)

    def submitting(self, job):  # type: ignore[no-untyped-def]
        events.append(("render", job.site))
        return submit(self, job)

    monkeypatch.setattr(pipeline, "plan_site", planning)
    monkeypatch.setattr(processes.RenderPool, "submit", submitting)
    repo.write("content/arxan/zwdt/snow.md", article("阿尔山冰雪节开幕", "2026-01-10", "冰雪节吸引了大批游客。", Slug="snow"))  # the body only
    report = pipeline.build(pipeline.BuildOptions(repo.root, jobs=2))
    assert report.ok, [str(p) for p in report.problems]
    assert events[:2] == [("plan", "arxan"), ("render", "arxan")]  # before any other site is planned
    from zhanqun.config.sites import load_cluster
    from zhanqun.errors import Problems

    cluster_order = load_cluster(repo.root, Problems()).ids
    assert sorted(site for kind, site in events if kind == "plan") == sorted(cluster_order)
    assert [site for kind, site in events if kind == "render"] == ["arxan"]
    assert report.unchanged == [site for site in cluster_order if site != "arxan"]  # told in the cluster's order


def test_a_build_run_from_a_folder_holding_another_zhanqun_renders_with_this_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``python -c`` puts the current folder first on the fork server's path: started from a
    folder with a zhanqun/ of its own (another checkout), the server would preload that one, and
    every rendering process would run other code than the build."""
    import subprocess
    import sys

    from conftest import REPO, article, new_repo

    repo = new_repo(tmp_path / "repo")
    repo.site("portal", "兴安盟行政公署", kind="portal", url="https://www.xam.gov.cn/")
    repo.write("content/portal/zwdt/a.md", article("兴安盟部署春季农业生产", "2026-03-02", Slug="spring"))
    decoy = tmp_path / "elsewhere"
    (decoy / "zhanqun").mkdir(parents=True)
    (decoy / "zhanqun" / "__init__.py").write_text('raise SystemExit("the other checkout\'s engine was imported")\n', encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(repo.root), "--lang", "en", "build"], cwd=decoy, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "other checkout" not in result.stderr


def test_the_fork_server_ends_without_python_teardown() -> None:
    """Only the server (and the processes forked from it) ends at once: this process, which may
    import the same module, ends as Python does."""
    from zhanqun.render import server_exit

    processes.warm_up()
    pool = processes.render_pool(1)
    try:
        assert pool.submit(_ends_at_once).result(timeout=120) is True
    finally:
        pool.shutdown(wait=True)
    assert server_exit.ENDS_AT_ONCE is False and not server_exit.in_fork_server()


def _ends_at_once() -> bool:
    from zhanqun.render import server_exit

    return server_exit.ENDS_AT_ONCE


def _engine_parent() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(processes.__file__))))


def test_ending_at_once_flushes_the_streams_and_skips_the_teardown() -> None:
    import subprocess
    import sys

    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran'))\n"  # registered first: would run last
        f"sys.path.insert(0, {_engine_parent()!r})\n"
        "from zhanqun.render import server_exit\n"
        "atexit.register(server_exit._end_now)\n"  # as the server registers it
        "print('written before the end', end='')\n"  # no newline: still in the buffer at exit
        "raise SystemExit\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout == "written before the end"
    assert done.returncode == 0, done.stderr


def test_no_other_process_ends_at_once_whatever_its_environment() -> None:
    """The server is recognised by what runs it, never by a variable: a failing command that
    imports the module keeps its exit status (a build's failure must reach CI)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        f"sys.path.insert(0, {_engine_parent()!r})\n"
        "from zhanqun.render import server_exit\n"
        "print(server_exit.ENDS_AT_ONCE, end='')\n"
        "raise SystemExit(3)\n"
    )
    environment = {**os.environ, "ZHANQUN_FORK_SERVER": "1"}  # what an earlier version read
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=environment)
    assert done.stdout == "False" and done.returncode == 3, done.stderr


def _frozen_in_child() -> int:
    import gc

    return gc.get_freeze_count()


def test_a_rendering_process_never_walks_what_the_server_preloaded() -> None:
    """Frozen at the child's start (``gc_pause.in_forked_worker``): Pelican, Jinja and the compiled
    templates are neither walked by the site's collections nor copied by them."""
    pool = processes.render_pool(1)
    try:
        assert pool.submit(_frozen_in_child).result(timeout=120) > 1000
    finally:
        pool.shutdown(wait=True)
