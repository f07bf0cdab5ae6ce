"""The command line in the user's language: click's own words and our help texts, through the catalog.

Help texts are written in English and marked with :func:`~zhanqun.i18n.N_` where the commands are
declared, before anyone has said which language they want; they are translated when help is shown.
The language is chosen before click parses anything (:func:`language_in` reads ``--lang`` from the
arguments), so ``build.py --lang en -h`` and ``build.py check -h --lang en`` both answer in English,
and click's own messages ("Usage:", "No such option") follow it.
"""

from __future__ import annotations

import gettext
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Sequence

import click
from click import core, decorators, exceptions, formatting, parser, shell_completion, termui, types, utils

from .. import i18n
from ..i18n import LANGUAGES, _

#: click's modules that show text, each bound to ``gettext.gettext`` at import
_CLICK_MODULES: tuple[ModuleType, ...] = (core, decorators, exceptions, formatting, parser, shell_completion, termui, types, utils)


def click_sources() -> list[Path]:
    """click's source files, whose messages the catalog holds too (the user sees them)."""
    return sorted(Path(click.__file__).parent.glob("*.py"))


def speak_in_click() -> None:
    """Route click's own messages through zhanqun's catalog (its msgids are extracted into it)."""
    for module in _CLICK_MODULES:
        if getattr(module, "_", None) is gettext.gettext:
            module._ = i18n._  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def language_in(args: Sequence[str]) -> str | None:
    """The last valid ``--lang`` among ``args`` (up to ``--``), or None: click validates the rest."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            chosen = value
    return chosen


@contextmanager
def _help_translated(command: click.Command) -> Iterator[None]:
    """Show ``command``'s help texts (its own, its options', its subcommands') translated, then restore."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, attr: str) -> None:
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            saved.append((obj, attr, value))
            setattr(obj, attr, _(value))

    for attr in ("help", "short_help", "epilog"):
        swap(command, attr)
    for param in command.params:
        swap(param, "help")
        swap(param, "show_default")
    for sub in getattr(command, "commands", {}).values():
        swap(sub, "help")
        swap(sub, "short_help")
    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


class TranslatedCommand(click.Command):
    """A command whose help is shown in the user's language."""

    def get_help(self, ctx: click.Context) -> str:
        with _help_translated(self):
            return super().get_help(ctx)


class TranslatedGroup(click.Group):
    """The top command: chooses the language first, then parses; its subcommands translate their help."""

    command_class = TranslatedCommand

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        if parent is None:
            i18n.use_language(language_in(args) or i18n.language_from_environment())
            speak_in_click()
        return super().make_context(info_name, args, parent, **extra)

    def get_help(self, ctx: click.Context) -> str:
        with _help_translated(self):
            return super().get_help(ctx)


def _choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        i18n.use_language(value)


#: ``--lang`` before or after the command (chosen before parsing; declared so click accepts it)
LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_choose_language,
    help=i18n.N_("Language of messages and help: zh (default) or en; also ZHANQUN_LANG or an English locale."),
)
