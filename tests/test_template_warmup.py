"""The shared theme's templates are compiled once per build in the fork server, and a site's
Pelican uses that code only where its environment would have compiled the same
(``render/template_warmup.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from jinja2 import pass_context

from zhanqun.render import template_warmup

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "gov"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


@pytest.fixture
def precompiled(monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(template_warmup, "COMPILED", {})
    assert template_warmup.precompile(str(THEME / "templates")) >= 10
    return template_warmup.COMPILED


def site_generator(theme: Path, cache: template_warmup.PrecompiledTemplates | None, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A Pelican generator as a site's rendering process makes it (the plugin's filters added)."""
    from pelican import signals
    from pelican.generators import ArticlesGenerator
    from pelican.settings import read_settings

    from zhanqun.render import pelican_plugin
    from zhanqun.render.pelican_settings import jinja_environment

    signals.generator_init.connect(pelican_plugin.add_filters)
    environment = {**jinja_environment(), **({"bytecode_cache": cache} if cache else {})}
    settings = read_settings(path=None, override={"THEME": str(theme), "JINJA_ENVIRONMENT": environment, "PATH": str(tmp_path), "OUTPUT_PATH": str(tmp_path / "out")})
    return ArticlesGenerator(context={}, settings=settings, path=str(tmp_path), theme=settings["THEME"], output_path=str(tmp_path / "out"))


def test_a_site_compiles_none_of_the_shared_templates_and_gets_the_same_code(precompiled: dict, compiles: list[str], tmp_path: Path) -> None:
    generator = site_generator(THEME, template_warmup.PrecompiledTemplates(), tmp_path)
    for name in ("article", "index", "category", "base"):
        generator.get_template(name)
    assert compiles == []
    plain = site_generator(THEME, None, tmp_path)  # the same site, Jinja compiling as it always does
    for name in ("article", "index", "category", "base"):
        source, filename, _uptodate = plain.env.loader.get_source(plain.env, f"{name}.html")
        assert plain.env.compile(source, f"{name}.html", filename, raw=True) == template_warmup.pelican_environment(str(THEME / "templates")).compile(source, f"{name}.html", filename, raw=True)


def test_another_filter_or_setting_means_the_site_compiles_itself(precompiled: dict, compiles: list[str], tmp_path: Path) -> None:
    generator = site_generator(THEME, template_warmup.PrecompiledTemplates(), tmp_path)

    @pass_context
    def first_image(context, value):  # type: ignore[no-untyped-def]
        return value

    generator.env.filters["zq_first_image"] = first_image  # now called with the context: other code
    generator.get_template("article")
    assert "article.html" in compiles


def test_another_function_under_a_filter_s_name_means_the_site_compiles_itself(precompiled: dict, compiles: list[str], tmp_path: Path) -> None:
    """Passed the same, but another function: Jinja's optimiser may have called the server's on a
    constant while compiling."""
    generator = site_generator(THEME, template_warmup.PrecompiledTemplates(), tmp_path)
    generator.env.filters["zq_text"] = lambda value: value  # a plugin's own
    generator.get_template("base")
    assert "base.html" in compiles


def test_a_template_changed_since_it_was_compiled_is_compiled_again(precompiled: dict, compiles: list[str], tmp_path: Path) -> None:
    import shutil

    theme = tmp_path / "gov"
    shutil.copytree(THEME / "templates", theme / "templates")
    precompiled.clear()
    template_warmup.precompile(str(theme / "templates"))
    compiles.clear()
    (theme / "templates" / "base.html").write_text((theme / "templates" / "base.html").read_text(encoding="utf-8") + "\n{# changed #}\n", encoding="utf-8")
    generator = site_generator(theme, template_warmup.PrecompiledTemplates(), tmp_path)
    generator.get_template("base")
    generator.get_template("index")
    assert compiles == ["base.html"]


def test_the_fork_server_compiles_them_for_its_rendering_processes() -> None:
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from pathlib import Path\n"
        "from zhanqun.render import processes, template_warmup\n"
        f"processes.warm_up(Path({str(THEME / 'templates')!r}))\n"
        "import os\n"
        "assert template_warmup.FOLDER_VARIABLE not in os.environ\n"
        "pool = processes.render_pool(1)\n"
        "print(pool.submit(template_warmup.compiled).result(timeout=120), template_warmup.compiled())\n"
        "pool.shutdown()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd="/")
    assert done.returncode == 0, done.stderr
    in_child, in_parent = map(int, done.stdout.split())
    assert in_child >= 10 and in_parent == 0  # compiled in the server only
