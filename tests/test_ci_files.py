"""The CI files for users (.github/workflows/site.yml, .gitlab-ci.yml) parse, and every command they
run is a ``python build.py`` command with options build.py has: the YAML holds no logic of its own."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any, Iterator

import click
import pytest
import yaml

from conftest import REPO
import build as build_cli

FILES = (".github/workflows/site.yml", ".gitlab-ci.yml")
#: Landing on main from the parallel work (the lead removes these at the merge, and the test below
#: says so once they are there): ``deploy`` (hosting-release) and ``build --shard`` (perf).
PENDING_COMMANDS: dict[str, set[str]] = {}
PENDING_OPTIONS: dict[str, set[str]] = {}


def commands_in(path: str) -> Iterator[tuple[str, str]]:
    """(job, command line) of every shell line in a CI file."""
    data = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
    for name, job in data.get("jobs", data).items():
        if not isinstance(job, dict):
            continue
        lines: list[Any] = []
        lines += [step.get("run") for step in job.get("steps", []) if isinstance(step, dict) and "run" in step]
        for key in ("before_script", "script"):
            value = job.get(key, [])
            lines += value if isinstance(value, list) else [value]
        for line in lines:
            for command in str(line).splitlines():
                if command.strip():
                    yield name, command.strip()
    default = data.get("default", {})
    for command in default.get("before_script", []) if isinstance(default, dict) else []:
        yield "default", command


def is_pagefind_setup(line: str) -> bool:
    """The one other kind of line a job may run: getting Pagefind 1.6 through ``.ci/pagefind``
    (npm installed for it, and its path exported for the build)."""
    return line.startswith("apt-get update") and line.endswith("npm > /dev/null") or ("ZHANQUN_PAGEFIND=$(.ci/pagefind)" in line or 'ZHANQUN_PAGEFIND="$(.ci/pagefind)"' in line)


@pytest.mark.parametrize("path", FILES)
def test_every_job_that_builds_gets_pagefind_first(path: str) -> None:
    """A build needs Pagefind's extended build 1.6, which package indexes that stop at 1.5 cannot give."""
    jobs: dict[str, list[str]] = {}
    for job, line in commands_in(path):
        jobs.setdefault(job, []).append(line)
    building = {job: lines for job, lines in jobs.items() if any(line.startswith("python build.py build") for line in lines)}
    assert building
    for job, lines in building.items():
        first_build = next(n for n, line in enumerate(lines) if line.startswith("python build.py build"))
        assert any("ZHANQUN_PAGEFIND" in line and ".ci/pagefind" in line for line in lines[:first_build]), f"{path}: job {job} builds without fetching Pagefind"


def options_of(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")}


@pytest.mark.parametrize("path", FILES)
def test_every_job_runs_build_py_commands_that_exist(path: str) -> None:
    global_options = options_of(build_cli.cli)
    seen = set()
    for job, line in commands_in(path):
        words = shlex.split(line.replace("${{ matrix.target }}", "preview").replace("${{ matrix.shard }}/${{ env.SHARDS }}", "1/2"))
        if words[:3] == ["python", "-m", "pip"] or is_pagefind_setup(line):
            continue
        assert words[:2] == ["python", "build.py"], f"{path}: job {job} runs {line!r}; CI runs build.py commands only"
        rest = words[2:]
        while rest and rest[0].startswith("-"):  # options before the command (--format json)
            option = rest.pop(0)
            assert option in global_options, f"{path}: {line!r}: no global option {option}"
            param = next(p for p in build_cli.cli.params if option in p.opts)
            if not (getattr(param, "is_flag", False) or getattr(param, "count", False)):
                rest.pop(0)  # its value
        name = rest[0]
        command = build_cli.cli.commands.get(name)
        known = options_of(command) if command else PENDING_COMMANDS.get(name)
        assert known is not None, f"{path}: job {job} runs {name!r}, which build.py does not have"
        known = known | PENDING_OPTIONS.get(name, set())
        for word in rest[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"{path}: {line!r}: {name} has no option {word}"
        seen.add(name)
    assert {"check", "build", "deploy"} <= seen


def test_the_pending_names_are_still_pending() -> None:
    """Once ``deploy`` and ``build --shard`` are in build.py, empty PENDING_* above."""
    landed = [name for name in PENDING_COMMANDS if name in build_cli.cli.commands]
    landed += [f"{name} {option}" for name, options in PENDING_OPTIONS.items() for option in options if option in options_of(build_cli.cli.commands[name])]
    assert landed == [], f"{landed} landed: remove them from PENDING_COMMANDS / PENDING_OPTIONS"


def test_the_intranet_build_is_never_an_artifact() -> None:
    """It holds internal content: CI builds it to prove it builds, and keeps nothing of it."""
    github = (REPO / FILES[0]).read_text(encoding="utf-8")
    assert "if: matrix.target != 'intranet'" in github
    gitlab = yaml.safe_load((REPO / FILES[1]).read_text(encoding="utf-8"))
    assert "intranet" not in str(gitlab["build"]["parallel"]) and "artifacts" not in gitlab["build-intranet"]
