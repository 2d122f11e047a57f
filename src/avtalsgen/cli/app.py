"""The avtalsgen command line: parses options, calls the library, maps errors to exit codes.

The command group and its error handling are in :mod:`avtalsgen.cli.root`, the commands in
:mod:`~avtalsgen.cli.cases`, :mod:`~avtalsgen.cli.signing`, :mod:`~avtalsgen.cli.reference`,
:mod:`~avtalsgen.cli.meetings` and :mod:`~avtalsgen.cli.web`, which this module imports in the
order ``avtalsgen --help`` lists them.

Exit codes: 0 success; 1 a failure the user can fix (bad case file, conversion, template);
2 wrong command-line usage; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

# The commands, in the order --help lists them: importing a module adds its commands.
# isort: off
from avtalsgen.cli import cases as cases  # check, build, explain, status
from avtalsgen.cli import signing as signing  # sign, verify
from avtalsgen.cli import reference as reference  # schema, templates check
from avtalsgen.cli import meetings as meetings  # utdrag, anslag, expediera, publicera
from avtalsgen.cli import web as web  # serve, users, audit (web.register below)

# isort: on
from avtalsgen.cli.root import INTERRUPTED, app, global_options_first

__all__ = ["INTERRUPTED", "app", "command", "global_options_first", "run"]

web.register(app)  # serve, users, audit

#: New objects between two collections of the youngest generation (see :func:`run`).
GC_YOUNG = 10_000


def run(*, exit_when_interrupted: bool = True) -> None:
    """The ``avtalsgen`` command: the CLI, then a quick end of the process.

    A command that Ctrl-C or SIGTERM stopped ends the process at once with status
    :data:`INTERRUPTED` (see :func:`_exit_interrupted`), unless ``exit_when_interrupted`` is
    false: the preloaded avtalsgen's forked child (cli/served.py) must still send its caller
    the status, so it gets the SystemExit as every other ending.

    At its end Python looks through every object the run made for reference cycles, more
    than once: about 0.1 s after a build, an eighth of a single case's. Everything avtalsgen
    writes is closed by then (and exit handlers still run), so the objects are left to the
    operating system instead (:func:`gc.freeze`).

    While it runs, the youngest generation is collected every :data:`GC_YOUNG` new container
    objects instead of Python's 700. A batch makes and drops millions of objects (XML
    elements, PDF objects), and with 700 the collector ran some 260 times in a build of 50
    cases, twice through every object the libraries hold: 0.26 s of CPU on average over 6
    builds, against 0.12 s with this (and 10 MB more at the peak of the Python process).
    """
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    try:
        # As app() does (its pretty exceptions are off); the whole command line where it
        # is made already (the preloaded avtalsgen's), else the named command's alone.
        command(None if None in _made else named(sys.argv[1:]))()
    except SystemExit as end:
        if end.code == INTERRUPTED and exit_when_interrupted:
            _exit_interrupted()
        raise
    finally:
        gc.freeze()


def command(only: str | None = None) -> Callable[[], Any]:
    """The command line as Click runs it, made from :data:`app` once a process: ``app()``
    makes it anew on every call, reading every command's signature (about 30 ms of CPU),
    which the warm converter's preloaded avtalsgen does once before it forks
    (cli/served.py).

    With ``only``, a command of the whole line's (:func:`named`), the command line with
    that command alone: what runs it is the same (the group's options and errors, the
    command's options, help and errors), and the other commands' signatures are not read
    (about 20 ms of CPU, a tenth of an unchanged case's rebuild)."""
    if only not in _made:
        _made[only] = typer.main.get_command(app if only is None else _alone(only))
    return _made[only]


#: The command lines :func:`command` has made in this process, by the command each holds
#: alone (None: the whole line). Where the whole line is made (the preloaded avtalsgen's,
#: before it forks), :func:`run` runs that, not a command made again alone.
_made: dict[str | None, Callable[[], Any]] = {}


def named(argv: list[str]) -> str | None:
    """The command of the whole line (not a group's, such as ``converter``) that ``argv``
    runs, if it names one and asks for no help or version, which name the other commands
    (``avtalsgen --help build``)."""
    if {"--help", "-h", "--version"} & set(argv):
        return None
    from avtalsgen.cli.delegate import command_named

    name = command_named(argv)
    return name if name is not None and name in _commands() else None


def _commands() -> dict[str, Any]:
    """The commands of the whole line by their names, as typer names them."""
    return {
        info.name or typer.main.get_command_name(info.callback.__name__): info
        for info in app.registered_commands
        if info.callback is not None
    }


def _alone(name: str) -> typer.Typer:
    """:data:`app` with its command ``name`` and no other."""
    alone = copy.copy(app)
    alone.registered_commands = [_commands()[name]]
    alone.registered_groups = []
    return alone


def _exit_interrupted() -> None:
    """End the process with :data:`INTERRUPTED`, now.

    Python run as ``python -m avtalsgen.cli`` would end it with SIGINT instead (status -2,
    no message) if a KeyboardInterrupt ever passed through Python code that a native library
    ran with PyRun_String, as pikepdf's does, even though avtalsgen handled it: CPython notes
    such an interrupt as unhandled. Everything is cleaned up by now (soffice killed, staging
    removed); the output streams are flushed here."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(INTERRUPTED)


if __name__ == "__main__":
    run()
