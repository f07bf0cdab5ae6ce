"""The tree shows the pipeline: one package per stage, and the imports keep it that way.

These tests read every engine module's imports with :mod:`ast` (including imports inside functions
and under ``TYPE_CHECKING``), so a change that quietly ties a stage to a later one, to Pelican
outside ``render/``, or to the command line fails here rather than in a review.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "zhanqun"

#: The stage packages in pipeline order: each may import only the ones before it.
STAGES = ("config", "content", "links", "columns", "render", "publish")
#: What every stage shares; these import no stage at all.
SHARED = ("errors", "gc_pause", "i18n", "parallel", "paths", "progress")
#: How the documentation numbers the stages (docs/ARCHITECTURE.md).
STAGE_NUMBERS = {"config": "1", "content": "2", "links": "3", "columns": "3c", "render": "4–5", "publish": "6–7"}
#: What may sit at the top of the engine: the orchestrator and the shared modules.
TOP_LEVEL = {"__init__", "pipeline", *SHARED}
#: The one engine module that touches click: it routes click's own messages through the catalog.
CLICK_LANGUAGE = ("commands.cli_language",)


@cache
def engine_modules() -> dict[str, Path]:
    """Every module of the engine by dotted name below ``zhanqun`` (``content.index``)."""
    modules = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE).with_suffix("").parts
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, source: str) -> set[str]:
    """Absolute names ``source`` (module ``zhanqun.<name>``) imports; relative imports resolved."""
    package = ["zhanqun", *name.split(".")][:-1]  # the package holding it (its own, for __init__)
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # ``from . import stage`` and ``from .. import render`` name a module or a package
            found |= {f"{module}.{alias.name}" for alias in node.names if _is_engine_module(f"{module}.{alias.name}")}
    return found


def _is_engine_module(dotted: str) -> bool:
    """Whether ``zhanqun.x.y`` is a module or a package of the engine (not an attribute)."""
    if not dotted.startswith("zhanqun."):
        return False
    path = ENGINE.joinpath(*dotted.split(".")[1:])
    return path.is_dir() or path.with_suffix(".py").is_file()


def owner(module: str) -> str:
    """The stage package or top-level module an engine module belongs to (``content``, ``pipeline``)."""
    return module.removeprefix("zhanqun.").split(".")[0]


def layout_problems(modules: dict[str, str]) -> list[str]:
    """Every broken layout rule in ``modules`` (dotted name → source), as ``module: what``."""
    problems = []
    for name, source in sorted(modules.items()):
        mine = owner(name)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) in ("__import__", "import_module")):
                problems.append(f"{name}: imports by name ({ast.unparse(node.func)}); write the import, so these rules can read it")
        for imported in sorted(imports_of(name, source)):
            top = imported.split(".")[0]
            if top == "pelican" and mine != "render":
                problems.append(f"{name}: imports {imported}; only zhanqun/render/ imports Pelican")
            if top == "click" and name in CLICK_LANGUAGE:
                pass  # the command line's language: click's own words through our catalog
            elif top in ("click", "build"):
                problems.append(f"{name}: imports {imported}; the command line lives in build.py, not in the engine")
            if top != "zhanqun" or imported == "zhanqun":
                continue
            theirs = owner(imported)
            if theirs == mine:
                continue
            if mine in STAGES or mine in SHARED:
                if theirs in ("pipeline", "commands"):
                    problems.append(f"{name}: imports {imported}; a stage is handed what it needs, it never imports the orchestrator or a command")
                elif mine in SHARED and theirs in STAGES:
                    problems.append(f"{name}: imports {imported}; a shared module imports no stage")
                elif mine in STAGES and theirs in STAGES and STAGES.index(theirs) > STAGES.index(mine):
                    problems.append(f"{name}: imports {imported}; {mine} (stage {STAGE_NUMBERS[mine]}) runs before {theirs} (stage {STAGE_NUMBERS[theirs]})")
    return problems


def test_the_engine_is_one_package_per_stage() -> None:
    modules = engine_modules()
    loose = sorted(name for name in modules if "." not in name and name not in TOP_LEVEL)
    assert loose == [], "a new module goes into the package of its stage (docs/ARCHITECTURE.md)"
    packages = sorted({name.split(".")[0] for name in modules if "." in name})
    assert packages == sorted([*STAGES, "commands"])
    for package in packages:
        init = ENGINE / package / "__init__.py"
        assert init.is_file() and ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{package}/__init__.py says what the stage reads and hands on"


def test_the_engine_keeps_its_layout_rules() -> None:
    modules = {name: path.read_text(encoding="utf-8") for name, path in engine_modules().items()}
    assert len(modules) > 40
    assert layout_problems(modules) == []


def test_pelican_is_imported_where_it_renders() -> None:
    """The rule is not vacuous: render/ does import Pelican, and nothing else does."""
    modules = engine_modules()
    users = sorted(name for name, path in modules.items() if any(i.split(".")[0] == "pelican" for i in imports_of(name, path.read_text(encoding="utf-8"))))
    assert users and all(name.startswith("render.") for name in users)


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("content.index", "from pelican.utils import slugify\n", "only zhanqun/render/ imports Pelican"),
        ("links.resolve", "def f():\n    import pelican\n", "only zhanqun/render/ imports Pelican"),
        ("columns.media", "from ..render.stage import Stager\n", "columns (stage 3c) runs before render (stage 4–5)"),
        ("config.sites", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..content.index import Item\n", "config (stage 1) runs before content (stage 2)"),
        ("content.slugs", "from .. import render\n", "content (stage 2) runs before render"),
        ("content.slugs", "from zhanqun import columns\n", "content (stage 2) runs before columns"),
        ("links.resolve", "import zhanqun.publish.output\n", "links (stage 3) runs before publish"),
        ("config.sites", "from .. import commands\n", "never imports the orchestrator or a command"),
        ("content.index", "import importlib\nm = importlib.import_module('zhanqun.render.stage')\n", "imports by name"),
        ("content.index", "m = __import__('pelican')\n", "imports by name"),
        ("publish.leak_gate", "from ..pipeline import BuildContext\n", "never imports the orchestrator"),
        ("render.stage", "from zhanqun.commands.listing import list_items\n", "never imports the orchestrator or a command"),
        ("content.source", "from .. import pipeline\n", "never imports the orchestrator"),
        ("errors", "from .content.index import Item\n", "a shared module imports no stage"),
        ("pipeline", "import click\n", "the command line lives in build.py"),
        ("commands.listing", "from build import main\n", "the command line lives in build.py"),
    ],
)
def test_a_broken_rule_is_named(name: str, source: str, expected: str) -> None:
    problems = layout_problems({name: source})
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("render.stage", "from ..content.index import Item\nfrom ..links.resolve import LinkResolver\nimport pelican\n"),
        ("publish.leak_gate", "from ..render.attachment_use import AttachmentUse\n"),
        ("columns.media", "from ..links.resolve import LinkResolver\nfrom .documents import x\n"),
        ("pipeline", "from .render.processes import render_all\nfrom .commands import listing\n"),
        ("commands.listing", "from ..pipeline import BuildOptions\n"),
        ("config.sites", "from ..errors import Problems\nfrom ..paths import normalise\n"),
    ],
)
def test_an_allowed_import_passes(name: str, source: str) -> None:
    assert layout_problems({name: source}) == []
