"""``template_attributes.DictKeysFirst`` answers every ``a.b`` exactly as Jinja's own environment
does (the oracle), only without trying what is known to fail; ``RemembersMissing`` looks for a
missing template once; and Pelican's environments get both."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import ChainableUndefined, ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, Undefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pelican.generators import Generator
from pelican.settings import read_settings

from zhanqun.render.pelican_plugin import add_filters
from zhanqun.render.pelican_settings import jinja_environment
from zhanqun.render.template_attributes import DictKeysFirst, RemembersMissing, read_keys_first, remember_missing_templates

THEME = Path(__file__).resolve().parent.parent / "themes" / "gov"


class Indexable:
    """An object with attributes and items of its own (like Pelican's URL wrappers do neither)."""

    title = "属性"

    def __getitem__(self, key: str) -> str:
        if key == "hidden":
            return "条目"
        raise KeyError(key)


class Dynamic:
    """Attributes made up on request, as some plugins' objects do."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("zq_"):
            return name.upper()
        raise AttributeError(name)


class Keyed(dict):  # type: ignore[type-arg]
    """A dict subclass may have attributes of its own: it must take Jinja's slow way."""

    label = "类属性"


OBJECTS: dict[str, Any] = {
    "site": {"name": "突泉县", "footer": {"sponsor": "突泉县人民政府办公室"}, "items": "键", "get": "键", "lang": None, "": "空"},
    "ordered": OrderedDict(name="有序"),
    "keyed": Keyed(label="键", other="另一个"),
    "ns": SimpleNamespace(title="命名空间"),
    "indexable": Indexable(),
    "dynamic": Dynamic(),
    "listed": ["甲", "乙"],
    "text": "文字",
    "number": 7,
    "cls": Indexable,
    "nothing": None,
}
NAMES = ["name", "footer", "items", "get", "keys", "lang", "label", "other", "title", "hidden", "zq_x", "missing", "__class__", "__len__", "upper", "real", "fromkeys", "copy"]


def rendered(env: Environment, source: str) -> str:
    try:
        return env.from_string(source).render(**OBJECTS)
    except UndefinedError as exc:
        return f"UndefinedError: {exc}"
    except TypeError as exc:
        return f"TypeError: {exc}"


@pytest.mark.parametrize("undefined", [Undefined, StrictUndefined, ChainableUndefined])
@settings(max_examples=150, deadline=None)
@given(obj=st.sampled_from(sorted(OBJECTS)), name=st.sampled_from(NAMES), deeper=st.sampled_from(["", ".sponsor", ".missing"]), form=st.integers(0, 3))
def test_every_attribute_read_answers_as_jinja_does(undefined: type[Undefined], obj: str, name: str, deeper: str, form: int) -> None:
    expression = f"{obj}.{name}{deeper}"
    source = [
        f"{{{{ {expression} }}}}",
        f"{{{{ {expression} is defined }}}}",
        f"{{% if {expression} %}}是{{% else %}}否{{% endif %}}",
        f"{{{{ {expression} | default('默认') }}}}",
    ][form]
    expected = rendered(Environment(undefined=undefined), source)
    assert rendered(DictKeysFirst(undefined=undefined), source) == expected


def test_a_dict_key_named_like_a_dict_method_stays_the_method() -> None:
    env, site = DictKeysFirst(), {"items": "键"}
    assert env.getattr(site, "items") == site.items  # the bound method, as Jinja gives
    assert env.getattr({"title": "键"}, "title") == "键"
    assert isinstance(env.getattr({}, "title"), Undefined)


def test_pelicans_environment_becomes_one_and_a_sandbox_is_left_alone() -> None:
    generator = SimpleNamespace(env=Environment())
    add_filters(generator)
    assert type(generator.env) is DictKeysFirst
    assert "zq_day" in generator.env.filters
    sandbox = SandboxedEnvironment()
    read_keys_first(sandbox)
    assert type(sandbox) is SandboxedEnvironment
    assert sandbox.getattr({"a": 1}, "a") == 1


def test_pelicans_generators_read_templates_once(tmp_path: Path) -> None:
    """The Jinja settings reach the environment Pelican makes: no template is stat'ed again on
    every page (``auto_reload`` off), and names are read keys first once the plugin's hook ran."""
    settings = read_settings(path=None, override={"JINJA_ENVIRONMENT": jinja_environment(), "THEME": str(THEME), "PATH": str(tmp_path), "OUTPUT_PATH": str(tmp_path / "out")})
    generator = Generator(context={}, settings=settings, path=str(tmp_path), theme=settings["THEME"], output_path=str(tmp_path / "out"))
    add_filters(generator)
    assert generator.env.auto_reload is False
    assert type(generator.env) is DictKeysFirst
    assert isinstance(generator.env.loader, RemembersMissing)
    template = generator.get_template("article")
    assert generator.env.get_template(template.name) is template


class CountingLoader(DictLoader):
    def __init__(self, mapping: dict[str, str]) -> None:
        super().__init__(mapping)
        self.asked: list[str] = []

    def get_source(self, environment: Environment, template: str) -> tuple[str, None, Any]:
        self.asked.append(template)
        return super().get_source(environment, template)


def test_a_missing_template_is_looked_for_once_and_a_found_one_renders_as_before(tmp_path: Path) -> None:
    inner = CountingLoader({"items/default.html": "默认{{ x }}", "page.html": '{% include ["items/news.html", "items/default.html"] %}|{% include "items/" ~ kind ~ ".html" ignore missing %}'})
    env = Environment(loader=ChoiceLoader([inner]), auto_reload=False)
    plain = Environment(loader=ChoiceLoader([DictLoader(dict(inner.mapping))]), auto_reload=False)
    remember_missing_templates(env)
    remember_missing_templates(env)  # once is enough: not wrapped twice
    assert type(env.loader) is RemembersMissing and type(env.loader.inner) is ChoiceLoader
    for kind in ("news", "default", "news"):
        assert env.get_template("page.html").render(x=1, kind=kind) == plain.get_template("page.html").render(x=1, kind=kind)
    assert inner.asked.count("items/news.html") == 1
    with pytest.raises(TemplateNotFound):
        env.get_template("items/news.html")
    assert inner.asked.count("items/news.html") == 1
    (tmp_path / "a.html").write_text("甲", encoding="utf-8")
    files = Environment(loader=FileSystemLoader(str(tmp_path)))
    remember_missing_templates(files)
    assert files.loader.get_source(files, "a.html")[0] == "甲"
    with pytest.raises(TemplateNotFound):
        files.loader.get_source(files, "b.html")
    assert files.loader.list_templates() == ["a.html"]
