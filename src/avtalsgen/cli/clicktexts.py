"""The texts typer and the click it vendors show on their own, in the user's language.

typer marks its own texts for gettext (the help's panel titles Options, Arguments and
Commands, ``[required]``, the Error panel, "Try 'avtalsgen build --help' for help.",
"Missing command.", "No such command 'x'."): it calls ``gettext.gettext``, which follows the
environment rather than ``--lang``, so :func:`install` gives typer avtalsgen's ``_`` and
translations instead. The click that typer 0.28 vendors marks none of its texts; the few a
user meets are composed here by what they are, not from click's English: the "Usage: "
prefix, the ``--help`` option's help, and the usage errors by their class (a missing
argument or option, an unknown option, a bad value, an option without its value, extra
arguments). A suggestion for a mistyped command comes from :class:`Commands`.
"""

from __future__ import annotations

import difflib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from typer import core as typer_core
from typer._click import core as click_core
from typer._click import decorators, exceptions, formatting
from typer._click import types as click_types

from avtalsgen.i18n import N_, _, join_words

#: typer's module constants of texts that it marks for gettext, with their English text.
_CONSTANTS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
#: typer's texts that it translates as it shows them (typer.core), for the catalogue.
_SHOWN = (
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)
#: click's texts for extra arguments (its parse_args gives the UsageError no class of its own).
_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((.*)\)", re.DOTALL)

_patched = False
#: typer's module of help and error panels: it imports rich's Markdown, tables and more
#: (about 80 ms), and typer imports it only to show help or an error.
_RICH_UTILS = "typer.rich_utils"


def install() -> None:
    """typer's and click's texts in the current language from now on (again after the
    language changes: typer keeps some of them in module constants). Those of typer's
    rich_utils are set as it is imported, if it is not yet: most commands never need it."""
    global _patched
    typer_core._ = _  # type: ignore[attr-defined]
    rich_utils = sys.modules.get(_RICH_UTILS)
    if rich_utils is not None:
        _translate_panels(rich_utils)
    elif not any(isinstance(finder, _WhenImported) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenImported(_RICH_UTILS, _translate_panels))
    if _patched:
        return
    _patched = True
    _patch_click()


def _translate_panels(rich_utils: ModuleType) -> None:
    """typer's panel titles and messages, and the highlighting of "Usage: ", in the
    current language."""
    for name, text in _CONSTANTS.items():
        setattr(rich_utils, name, _(text))
    usage = re.escape(_("Usage: "))
    highlights = [h for h in rich_utils.highlighter.highlights if "?P<usage>" not in h]
    type(rich_utils.highlighter).highlights = [*highlights, f"(?P<usage>{usage})"]


class _WhenImported(importlib.abc.MetaPathFinder):
    """Runs ``then`` on the module ``name`` as soon as it is imported (once)."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            self.then(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _patch_click() -> None:
    write_usage = formatting.HelpFormatter.write_usage

    def translated_usage(
        self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = translated_usage  # type: ignore[method-assign]

    collect_usage_pieces = click_core.Command.collect_usage_pieces

    def translated_pieces(self: click_core.Command, ctx: click_core.Context) -> list[str]:
        # click's default metavars of a command's options and of a group's subcommand
        defaults = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMAND [ARGS]...")}
        return [defaults.get(piece, piece) for piece in collect_usage_pieces(self, ctx)]

    click_core.Command.collect_usage_pieces = translated_pieces  # type: ignore[method-assign]

    help_option = decorators.help_option

    def translated_help_option(param_decls: list[str]) -> Any:
        decorate = help_option(param_decls)

        def apply(command: Any) -> Any:
            command = decorate(command)
            command.params[-1].help = _("Show this message and exit.")
            return command

        return apply

    decorators.help_option = translated_help_option

    get_metavar = click_types.ParamType.get_metavar

    def named_argument(
        self: click_types.ParamType, param: click_core.Parameter, ctx: click_core.Context
    ) -> str | None:
        # An argument with a metavar of its own (PAKET, SAMMANTRÄDESFIL) is named by it in
        # the help's first column; typer printed its type in English beside it ("<path>").
        found = get_metavar(self, param=param, ctx=ctx)
        if found is None and isinstance(param, typer_core.TyperArgument) and param.metavar:
            return ""
        return found

    click_types.ParamType.get_metavar = named_argument  # type: ignore[method-assign]
    # Each replaces the method of its own class (mypy sees the base's signature).
    exceptions.UsageError.format_message = _usage_error  # type: ignore[method-assign,assignment]
    exceptions.BadParameter.format_message = _bad_parameter  # type: ignore[method-assign]
    exceptions.MissingParameter.format_message = _missing  # type: ignore[method-assign]
    exceptions.NoSuchOption.format_message = _no_such_option  # type: ignore[method-assign]
    exceptions.BadOptionUsage.format_message = (  # type: ignore[method-assign]
        _bad_option_usage  # type: ignore[assignment]
    )


def _hint(error: Any) -> str | None:
    """The option or argument an error is about, as click names it: '--jobs' / '-j'."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint(error.ctx)
    if hint is None:
        return None
    if isinstance(hint, str):
        return hint
    return " / ".join(repr(part) for part in hint)


def _usage_error(self: exceptions.UsageError) -> str:
    extra = _EXTRA.fullmatch(self.message) if type(self) is exceptions.UsageError else None
    if extra:
        return _("Unexpected extra arguments: {arguments}").format(arguments=extra.group(1))
    return self.message


def _bad_parameter(self: exceptions.BadParameter) -> str:
    hint = _hint(self)
    if hint is None:
        return _("Invalid value: {message}").format(message=self.message)
    return _("Invalid value for {option}: {message}").format(option=hint, message=self.message)


def _missing(self: exceptions.MissingParameter) -> str:
    kind = self.param_type or (self.param.param_type_name if self.param is not None else None)
    hint = _hint(self) or ""
    if kind == "argument":
        return _("Missing argument {name}.").format(name=hint)
    if kind == "option":
        return _("Missing option {name}.").format(name=hint)
    return _("Missing parameter {name}.").format(name=hint)


def _no_such_option(self: exceptions.NoSuchOption) -> str:
    message = _("No such option: {option}").format(option=self.option_name)
    if self.possibilities:
        listed = join_words(sorted(self.possibilities), "or")
        return message + " " + _("(did you mean {options}?)").format(options=listed)
    return message


def _bad_option_usage(self: exceptions.BadOptionUsage) -> str:
    command = self.ctx.command if self.ctx is not None else None
    option = next(
        (p for p in getattr(command, "params", []) if self.option_name in p.opts),
        None,
    )
    if option is not None and getattr(option, "is_flag", False):
        return _("The option {option} takes no value.").format(option=repr(self.option_name))
    return _("The option {option} needs a value.").format(option=repr(self.option_name))


class Commands(typer_core.TyperGroup):
    """avtalsgen's group of commands: a mistyped command gets a suggestion in the user's
    language (typer's own is in English), and the usage line names its subcommand in it."""

    def collect_usage_pieces(self, ctx: click_core.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        if pieces and pieces[-1] == "COMMAND [ARGS]...":  # typer's default subcommand_metavar
            pieces[-1] = _("COMMAND [ARGS]...")
        return pieces

    def resolve_command(
        self, ctx: click_core.Context, args: list[str]
    ) -> tuple[str | None, click_core.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except exceptions.UsageError as error:
            if args and not args[0].startswith("-"):
                name = args[0]
                close = difflib.get_close_matches(name, list(self.commands))
                error.message = _("No such command {name!r}.").format(name=name)
                if close:
                    listed = join_words([repr(match) for match in close], "or")
                    error.message += " " + _("Did you mean {commands}?").format(commands=listed)
            raise
