"""The command line ends without Python's teardown, but with everything else Python does at exit
(``zhanqun/commands/process_exit.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)


@pytest.mark.parametrize("status, code", [(0, 0), (None, 0), (1, 1), (2, 2), (130, 130)])
def test_the_status_the_atexit_functions_and_every_byte_written_are_kept(status: object, code: int) -> None:
    done = _python(
        "import atexit, sys\n"
        "from zhanqun.commands.process_exit import exit_now\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "print('甲' * 200000, end='')\n"
        f"exit_now({status!r})\n"
    )
    assert done.returncode == code
    assert done.stdout == "甲" * 200000  # buffered output flushed, not lost
    assert done.stderr == "atexit ran\n"


def test_a_message_is_printed_and_a_running_thread_is_waited_for_as_python_does() -> None:
    message = _python("from zhanqun.commands.process_exit import exit_now\nexit_now('出错了')\n")
    assert (message.returncode, message.stderr.strip()) == (1, "出错了")
    thread = _python(
        "import threading, time\n"
        "from zhanqun.commands.process_exit import exit_now\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread finished'))).start()\n"
        "exit_now(0)\n"
    )
    assert (thread.returncode, thread.stdout) == (0, "thread finished\n")


def test_build_py_ends_through_it_with_each_status() -> None:
    """0 for help, 2 for a usage mistake: ``main`` hands click's status to ``exit_now``."""
    ok = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "build" in ok.stdout
    usage = subprocess.run([sys.executable, str(REPO / "build.py"), "no-such-command"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "no-such-command" in usage.stderr


def test_a_profiled_run_takes_pythons_way_out_so_the_profile_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "run.prof"
    script = tmp_path / "script.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom zhanqun.commands.process_exit import exit_now\nexit_now(0)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and profile.is_file(), done.stderr


def test_a_signal_caught_inside_the_import_systems_callback_still_stops_the_command() -> None:
    """There a SystemExit would be printed as "Exception ignored" and the command would go on."""
    script = (
        "import sys, types\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "import build\n"
        "try:\n"
        "    build._stop_quietly(2, types.SimpleNamespace(f_code=compile('', 'elsewhere.py', 'exec')))\n"
        "except SystemExit as stop:\n"
        "    print('SystemExit', stop.code)\n"
        "callback = compile('', '<frozen importlib._bootstrap>', 'exec').replace(co_name='cb')\n"
        "try:\n"
        "    build._stop_quietly(2, types.SimpleNamespace(f_code=callback))\n"
        "except SystemExit:\n"
        "    print('raised, where it would be swallowed')\n"
        "print('went on')\n"
    )
    done = _python(script)
    assert (done.returncode, done.stdout, done.stderr) == (130, "SystemExit 130\n", "")


def test_a_build_freezes_what_it_loaded_and_unfreezes_it_after(tmp_path, monkeypatch) -> None:
    """``gc_pause``: the collector off while the cache files are read, what stays for the whole
    build frozen (no collection walks the loaded caches again), everything unfrozen and collected
    once the build is over — also when it stops on an error — and the collector as it was."""
    import gc

    from conftest import fill_small_cluster, new_repo

    from zhanqun import pipeline
    from zhanqun.content.render_cache import RenderCache

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    pipeline.build(pipeline.BuildOptions(repo.root, jobs=1))  # caches to load
    seen: list[tuple[bool, int]] = []
    real_load, real_read = RenderCache.load, pipeline.read_content

    def loading(self, problems):  # type: ignore[no-untyped-def]
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        real_load(self, problems)

    def reading(context):  # type: ignore[no-untyped-def]
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        real_read(context)

    monkeypatch.setattr(RenderCache, "load", loading)
    monkeypatch.setattr(pipeline, "read_content", reading)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    repo.write("content/ulanhot/zwdt/new.md", "Title: 新稿件\nDate: 2026-01-02\n\n正文。\n")
    report = pipeline.build(pipeline.BuildOptions(repo.root, jobs=1))
    assert report.ok, [str(p) for p in report.problems]
    (paused, _), (collecting, frozen) = seen
    assert paused is False and collecting is True and frozen > 0  # the caches were frozen once loaded
    assert gc.isenabled() and gc.get_freeze_count() == 0
    repo.write("content/ulanhot/zwdt/bad.md", "Title: 没有日期\n\n正文。\n")
    assert not pipeline.build(pipeline.BuildOptions(repo.root, jobs=1)).ok
    assert gc.isenabled() and gc.get_freeze_count() == 0


def _inherited_frozen(_: int) -> bool:
    import gc

    return gc.get_freeze_count() > 0


def test_workers_forked_from_a_build_do_not_walk_what_they_inherited() -> None:
    """``parallel.fork_map``: each worker freezes what it inherited before its own work."""
    import gc

    from zhanqun.parallel import fork_map

    # a few inputs, forked anyway (at_least): gc.get_freeze_count() walks every frozen object, and
    # 400 calls in a worker that has run a thousand tests took 12-29 s in CI
    found = fork_map(_inherited_frozen, list(range(4)), 2, at_least=1)
    assert found is not None and all(found)
    assert gc.get_freeze_count() == 0



def test_the_command_line_keeps_what_a_build_held_until_the_process_ends(tmp_path) -> None:
    """``pipeline.build(..., kept=...)``: the build's context and caches are handed over (not freed
    one by one as it returns) and left frozen; without ``kept`` everything is collectable again."""
    import gc

    from conftest import fill_small_cluster, new_repo

    from zhanqun import pipeline
    from zhanqun.pipeline import BuildContext

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    pipeline.build(pipeline.BuildOptions(repo.root, jobs=1))
    assert gc.get_freeze_count() == 0
    kept: list[object] = []
    repo.write("content/ulanhot/zwdt/new.md", "Title: 新稿件\nDate: 2026-01-02\n\n正文。\n")
    try:
        assert pipeline.build(pipeline.BuildOptions(repo.root, jobs=1), kept=kept).ok
        assert any(isinstance(value, BuildContext) for value in kept)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_building_again_and_again_in_one_process_does_not_pile_up_garbage(tmp_path) -> None:
    """What a freeze caught with the build's data (cycles of its Markdown instances, say) is
    collected once the build is over (``gc_pause.thawed``): a next build, whose loads run with the
    collector off, would otherwise freeze it again, and the preview server would grow with every
    rebuild (about 265 objects a build on the small cluster)."""
    import gc

    from conftest import fill_small_cluster, new_repo

    from zhanqun import pipeline

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))

    def rebuild(n: int) -> None:
        repo.write("content/ulanhot/zwdt/river.md", f"Title: 第{n}次修改的稿件\nDate: 2026-01-02\n\n正文第{n}版。\n")
        assert pipeline.build(pipeline.BuildOptions(repo.root, jobs=1)).ok

    for n in range(3):
        rebuild(n)
    before = len(gc.get_objects())
    for n in range(3, 9):
        rebuild(n)
    assert len(gc.get_objects()) - before < 600
    assert gc.get_freeze_count() == 0


def test_only_the_command_line_process_keeps_a_build_in_memory(tmp_path) -> None:
    """``build.py``'s ``main()`` hands the build ``process_exit.KEPT`` (the process ends right
    after); the same command run by a runner inside another process (the tests) keeps nothing."""
    import gc

    from click.testing import CliRunner
    from conftest import fill_small_cluster, new_repo

    import build as build_script
    from zhanqun.commands import process_exit

    repo = fill_small_cluster(new_repo(tmp_path / "repo"))
    before = len(process_exit.KEPT)
    done = CliRunner().invoke(build_script.cli, ["--root", str(repo.root), "build", "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert len(process_exit.KEPT) == before and gc.get_freeze_count() == 0
