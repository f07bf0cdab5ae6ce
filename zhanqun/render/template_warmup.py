"""The shared theme's templates compiled once per build, in the fork server, for every site.

Jinja compiles each template a site renders — the shared theme's twenty, about a quarter of a
second — in each rendering process, for each site. The fork server starts at the beginning of a
build (``processes.warm_up``) and works on another core while the build reads its content; when
the build names the shared theme's templates folder (:data:`FOLDER_VARIABLE`, set only for the
server's start), the server compiles every template in it (:func:`precompile`), and each rendering
process, forked from it, finds the code in memory (:class:`PrecompiledTemplates`). Nothing is
written anywhere: no code ever comes from a cache folder.

What Jinja generates from a template depends on the template's source and name and on the
environment compiling it: its syntax settings, autoescaping, extensions, and which filters and
tests exist and what each is passed (a filter marked ``pass_context`` is called with the context).
So code compiled here is used only where all of it is the same: the template's key (its name and
file, as Jinja's own bytecode cache keys it), its source's checksum, and the environment's
:func:`codegen_signature`. A site's own template (an override), a site whose plugins add filters,
or anything else that differs compiles as it always did.
"""

from __future__ import annotations

import os
from functools import partial
from types import CodeType, SimpleNamespace
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateError
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.utils import _PassArg

#: Names the shared theme's templates folder for the fork server's start (never read elsewhere).
FOLDER_VARIABLE = "ZHANQUN_PRECOMPILE_TEMPLATES"

#: Template key → (its source's checksum, the compiling environment's signature, its code).
COMPILED: dict[str, tuple[str, tuple[Any, ...], CodeType]] = {}


def codegen_signature(env: Environment) -> tuple[Any, ...]:
    """Everything of ``env`` that the code Jinja generates depends on, besides the template."""
    import jinja2

    def passes(functions: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
        # which function, not only what it is passed: Jinja's optimiser may call a filter on a
        # constant while compiling, and keep the result in the code
        return tuple(sorted((name, _identity(function), str(_PassArg.from_obj(function))) for name, function in functions.items()))

    return (
        jinja2.__version__,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.is_async, env.sandboxed, repr(env.autoescape), repr(env.finalize),
        env.code_generator_class.__qualname__, env.context_class.__qualname__,
        tuple(sorted(type(extension).__qualname__ for extension in env.extensions.values())),
        passes(env.filters), passes(env.tests),
    )  # fmt: skip


def _identity(function: Any) -> str:
    """The same text for the same function in every process of a build: its module and name (a
    ``partial``: what it wraps; an object: its class)."""
    if isinstance(function, partial):
        return f"partial({_identity(function.func)})"
    named = function if hasattr(function, "__qualname__") else type(function)
    return f"{getattr(named, '__module__', '')}.{named.__qualname__}"


def pelican_environment(folder: str) -> Environment:
    """An environment as Pelican makes it for a site of the shared theme (``pelican.generators.
    Generator``: the settings of ``pelican_settings.py``, Pelican's ``strftime`` filter and
    ``plugin_enabled`` test, the theme's ``zq_*`` filters), loading from ``folder``."""
    from pelican.utils import DateFormatter
    from pelican.plugins._utils import plugin_enabled

    from .pelican_plugin import add_filters
    from .pelican_settings import jinja_environment

    env = Environment(loader=FileSystemLoader([folder]), **jinja_environment())
    env.filters.update({"strftime": DateFormatter()})
    env.tests["plugin_enabled"] = partial(plugin_enabled, plugin_list=[])
    add_filters(SimpleNamespace(env=env))
    return env


def precompile(folder: str) -> int:
    """Compile every template in ``folder`` as a site's environment would; returns how many.
    A template that does not compile here is left to the site's process (which reports it)."""
    env = pelican_environment(folder)
    signature = codegen_signature(env)
    keys = BytecodeCache()
    for name in env.list_templates():
        try:
            source, filename, _uptodate = env.loader.get_source(env, name)  # type: ignore[union-attr]
            code = env.compile(source, name, filename)
        except (TemplateError, OSError, UnicodeDecodeError):
            continue
        COMPILED[keys.get_cache_key(name, filename)] = (keys.get_source_checksum(source), signature, code)
    return len(COMPILED)


def compiled() -> int:
    """How many templates this process has compiled code for (in a rendering process: the fork server's)."""
    return len(COMPILED)


class PrecompiledTemplates(BytecodeCache):
    """A site's Jinja bytecode cache: the fork server's code for a template, where its key, source
    and environment are the ones it was compiled for; otherwise Jinja compiles it. Keeps nothing."""

    def load_bytecode(self, bucket: Bucket) -> None:
        found = COMPILED.get(bucket.key)
        if found is not None and found[0] == bucket.checksum and codegen_signature(bucket.environment) == found[1]:
            bucket.code = found[2]  # the environment as it is now: a filter added since counts

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass  # a template compiled in the site's process stays there

    def __deepcopy__(self, memo: dict[int, Any]) -> PrecompiledTemplates:
        return self  # however Pelican copies its settings


if os.environ.get(FOLDER_VARIABLE):  # the fork server, started by a build that named the folder
    try:
        precompile(os.environ[FOLDER_VARIABLE])
    except Exception:  # never the server's end: each site then compiles its templates itself
        COMPILED.clear()
