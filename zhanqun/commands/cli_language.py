"""The command line in the user's language: click's own words and our help texts, through the catalog.

Help texts are written in English and marked with :func:`~zhanqun.i18n.N_` where the commands are
declared, before anyone has said which language they want; they are translated when help is shown.
The language is chosen before click parses anything (:func:`language_in` reads ``--lang`` from the
arguments), so ``build.py --lang en -h`` and ``build.py check -h --lang en`` both answer in English,
and click's own messages ("Usage:", "No such option") follow it.

The words that stand for what a user types (``SITE``, ``DIR``, ``[OPTIONS]``) are translated too,
in help, usage lines and click's errors ("Missing argument '标题'"); in English they stay as declared.
"""

from __future__ import annotations

import gettext
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Sequence

import click
from click import core, decorators, exceptions, formatting, parser, shell_completion, termui, types, utils

from .. import i18n
from ..i18n import LANGUAGES, N_, _
from .terminal import width

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


#: click's usage words: declared in English by click, shown in the user's language
OPTIONS_METAVAR = N_("[OPTIONS]")
COMMAND_METAVAR = N_("COMMAND [ARGS]...")
#: the names click's number types give in "'x' is not a valid integer range." (untranslated in click)
NUMBER_NAMES = (N_("integer"), N_("integer range"))
#: click's help marks a required option with ``_(extra["required"])``, a msgid written as a plain
#: string its extraction cannot see: declared here so the catalog holds it (``[必填]``, not ``[required]``)
REQUIRED_MARK = N_("required")


class _Swaps:
    """Attributes set to their translation for a while, then put back as they were."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, str, Any]] = []

    def swap(self, obj: Any, attr: str, shown: str | None = None) -> None:
        """Show ``obj.attr`` translated (or as ``shown``) until :meth:`restore`."""
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            self.saved.append((obj, attr, value))
            setattr(obj, attr, _(value) if shown is None else shown)

    def restore(self) -> None:
        for obj, attr, value in reversed(self.saved):
            setattr(obj, attr, value)
        self.saved.clear()


def _commands(command: click.Command) -> Iterator[click.Command]:
    """``command`` and every command under it."""
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def _path_word(kind: click.Path) -> str:
    """What click calls a path parameter in its messages ("File 'x.log' does not exist"), in the
    user's language: click names it once, when the command is declared, before a language is chosen."""
    if kind.file_okay and not kind.dir_okay:
        return _("file")
    if kind.dir_okay and not kind.file_okay:
        return _("directory")
    return _("path")


def _translate_words(command: click.Command, swaps: _Swaps) -> None:
    """The metavars of ``command`` and the commands under it (marked with ``N_``), click's usage
    words and the names click's path type gives in its messages, in the user's language."""
    for each in _commands(command):
        if each.options_metavar == "[OPTIONS]":
            swaps.swap(each, "options_metavar", _(OPTIONS_METAVAR))
        if getattr(each, "subcommand_metavar", None) == "COMMAND [ARGS]...":
            swaps.swap(each, "subcommand_metavar", _(COMMAND_METAVAR))
        for param in each.params:
            swaps.swap(param, "metavar")
            if isinstance(param.type, click.Path):
                swaps.swap(param.type, "name", _path_word(param.type))
            elif isinstance(param.type, click.types.IntParamType) and param.type.name in NUMBER_NAMES:
                swaps.swap(param.type, "name")


def _columns(text: str) -> int:
    """How wide ``text`` is in a terminal: a Chinese character takes two columns."""
    return width(click.unstyle(text))


@contextmanager
def _words_translated(command: click.Command) -> Iterator[None]:
    """Metavars and click's usage words translated while ``command`` runs (help, usage, errors).

    click lines up its help by the length of a text, which for ``--site 网站`` is two columns
    short: while the command runs, its layout measures terminal columns instead.
    """
    swaps = _Swaps()
    _translate_words(command, swaps)
    measure = formatting.term_len
    formatting.term_len = _columns  # type: ignore[attr-defined]
    try:
        yield
    finally:
        formatting.term_len = measure  # type: ignore[attr-defined]
        swaps.restore()


@contextmanager
def _help_translated(command: click.Command) -> Iterator[None]:
    """Show ``command``'s help texts (its own, its options', its subcommands') translated, then restore."""
    swaps = _Swaps()
    for attr in ("help", "short_help", "epilog"):
        swaps.swap(command, attr)
    for param in command.params:
        swaps.swap(param, "help")
        swaps.swap(param, "show_default")
    for sub in getattr(command, "commands", {}).values():
        swaps.swap(sub, "help")
        swaps.swap(sub, "short_help")
    _translate_words(command, swaps)
    try:
        yield
    finally:
        swaps.restore()


class _MissingParameter(click.MissingParameter):
    """click's "Missing argument 'TITLE'." ends with an ASCII full stop it writes itself: a Chinese
    sentence ends with "。"."""

    def format_message(self) -> str:
        text = super().format_message()
        if i18n.current_language() == "en":
            return text
        extra = self.param.type.get_missing_message(param=self.param, ctx=self.ctx) if self.param is not None else None
        message = f"{self.message}. {extra}" if self.message and extra else (extra or self.message)
        tail = "." + (f" {message}" if message else "")
        return text[: -len(tail)] + "。" + (message or "") if text.endswith(tail) else text

    @classmethod
    def of(cls, exc: click.MissingParameter) -> _MissingParameter:
        return cls(exc.message, exc.ctx, exc.param, exc.param_hint, exc.param_type)


def _parse_translated(parse: Any, ctx: click.Context, args: list[str]) -> list[str]:
    try:
        return parse(ctx, args)  # type: ignore[no-any-return]
    except click.MissingParameter as exc:
        raise _MissingParameter.of(exc) from None


class TranslatedCommand(click.Command):
    """A command whose help is shown in the user's language."""

    def get_help(self, ctx: click.Context) -> str:
        with _help_translated(self):
            return super().get_help(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse_translated(super().parse_args, ctx, args)


class TranslatedGroup(click.Group):
    """The top command: chooses the language first, then parses; its subcommands translate their help."""

    command_class = TranslatedCommand

    def main(self, args: Sequence[str] | None = None, *more: Any, **extra: Any) -> Any:
        """Choose the language, then run with the words that stand for arguments translated (the
        usage line of an error shows them too), put back afterwards."""
        self._choose(sys.argv[1:] if args is None else args)
        with _words_translated(self):
            return super().main(args, *more, **extra)  # None: click reads sys.argv (and expands globs on Windows)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        if parent is None:
            self._choose(args)
        return super().make_context(info_name, args, parent, **extra)

    @staticmethod
    def _choose(args: Sequence[str]) -> None:
        i18n.use_language(language_in(args) or i18n.language_from_environment())
        speak_in_click()

    def get_help(self, ctx: click.Context) -> str:
        with _help_translated(self):
            return super().get_help(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse_translated(super().parse_args, ctx, args)


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
