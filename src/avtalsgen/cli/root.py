"""The ``avtalsgen`` command group: its options, and the one place where avtalsgen's errors
and an interrupt become a message and an exit code.

Exit codes: 0 success; 1 a failure the user can fix (bad case file, conversion, template);
2 wrong command-line usage; 130 interrupted. The commands are added by their modules
(:mod:`avtalsgen.cli.app` imports them in the order ``--help`` lists them).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated, Any, NoReturn

import typer
from typer._click import Context as ClickContext  # the click that typer (< 0.29) vendors

from avtalsgen import __version__, i18n
from avtalsgen.cli import clicktexts
from avtalsgen.cli.converter import converter_app
from avtalsgen.cli.options import state
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _

# typer's and click's own texts (Usage, Options, Missing argument, ...) in the language of
# the messages; the help texts of the commands are translated as the command line is defined.
clicktexts.install()

#: The exit status of a command that Ctrl-C or SIGTERM stopped.
INTERRUPTED = 130

#: The options of the command line as a whole, taken after a command's name too.
GLOBAL_FLAGS = ("--verbose", "-v")
GLOBAL_VALUED = ("--lang",)


def global_options_first(args: list[str]) -> list[str]:
    """``args`` with the options of the whole command line (:data:`GLOBAL_FLAGS`,
    :data:`GLOBAL_VALUED` and their values) moved to the front, so that ``avtalsgen build
    cases/ --verbose`` means ``avtalsgen --verbose build cases/``. Nothing after ``--`` moves."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        if argument == "--":
            rest += args[index:]
            break
        if argument in GLOBAL_FLAGS or argument.startswith(tuple(f"{o}=" for o in GLOBAL_VALUED)):
            front.append(argument)
        elif argument in GLOBAL_VALUED and index + 1 < len(args):
            front += args[index : index + 2]
            index += 1
        else:
            rest.append(argument)
        index += 1
    return front + rest


class _Commands(clicktexts.Commands):
    """avtalsgen's commands: the options of the whole command line may follow a command."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = global_options_first(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: ClickContext) -> Any:
        """Run the command: the one place where avtalsgen's errors and an interrupt become
        a message and an exit code (:func:`_fail`), for every command."""
        try:
            return super().invoke(ctx)
        except (AvtalsgenError, KeyboardInterrupt, OSError) as exc:
            _fail(exc)


app = typer.Typer(
    cls=_Commands,
    help=_("Region Norrbotten's decision documents from case files."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    suggest_commands=False,  # Commands suggests in the user's language
)
templates_app = typer.Typer(
    help=_("Work with the Word templates."), no_args_is_help=True, cls=clicktexts.Commands
)
app.add_typer(templates_app, name="templates")
app.add_typer(converter_app, name="converter")


def _fail(exc: BaseException) -> NoReturn:
    """Report an error the way the user should see it, then exit with its code."""
    if isinstance(exc, AvtalsgenError):
        if state["verbose"]:
            traceback.print_exception(exc)
        typer.echo(exc.message, err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo(_("interrupted"), err=True)
        raise typer.Exit(INTERRUPTED)
    if isinstance(exc, BrokenPipeError):
        _reader_gone()
    if isinstance(exc, OSError):  # one the command did not turn into its own message
        from avtalsgen.errors import os_problem

        if state["verbose"]:
            traceback.print_exception(exc)
        typer.echo(os_problem(exc), err=True)
        raise typer.Exit(1)
    raise exc


#: The exit status of a command whose reader went away (``avtalsgen check cases/ | head``):
#: the shell's for a process ended by SIGPIPE, as other Unix tools end then.
READER_GONE = 128 + 13


def _reader_gone() -> NoReturn:
    """The program reading the output stopped reading (``| head``): nothing is wrong with
    the command, and nobody is left to tell, so it ends quietly; what it still has to write
    (Python flushes stdout as it exits) goes nowhere instead of raising again."""
    if state["verbose"]:
        traceback.print_exc()
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, sys.stdout.fileno())
    os.close(nowhere)
    raise typer.Exit(READER_GONE)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"avtalsgen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help=_("Show tracebacks of errors."))
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_("Language of messages: sv or en (default: from LC_ALL, LC_MESSAGES, LANG)."),
            metavar="sv|en",
        ),
    ] = None,
) -> None:
    """Region Norrbotten's decision documents from typed case files."""
    state["verbose"] = verbose
    if lang is not None:
        if lang not in i18n.LANGUAGES:
            raise typer.BadParameter(
                _("choose sv or en, not {value}").format(value=lang), param_hint="--lang"
            )
        i18n.set_language(lang)
        clicktexts.install()
