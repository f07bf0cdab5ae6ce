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
